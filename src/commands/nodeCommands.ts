import * as vscode from 'vscode';
import { searchTermProblem } from '../lma/records/licenses';
import type { Package, PackageVersion } from '../lma/records/types';
import { LMA_OBJECTS } from '../lma/records/objects';
import type { Services } from '../services';
import type { LmoTreeModel } from '../views/lmoTreeModel';
import type { LicenseNode, LmaNode, PackageNode, StatusGroupNode, VersionNode } from '../views/nodes';
import { commands, views, workbenchCommands } from '../ids';
import type { CommandHandlers } from './commandTable';
import { pickLicense } from './picks';
import { connectedLmo } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/** The tree's commands. Run from the palette (no node), those that need a package ask for one. */
export function nodeCommands(services: Services) {
  const { session, tree, treeView } = services;
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(session) };
  const pickPackage = async (node: PackageNode | undefined): Promise<Package | undefined> => {
    if (node) return node.pkg;
    const packages = await tree.loadedPackages();
    const picked = await vscode.window.showQuickPick(
      packages.map((pkg) => ({ label: pkg.name, description: pkg.packageId, pkg })),
      { title: 'Choose a package', placeHolder: 'Package of the License Management Org' },
    );
    return picked?.pkg;
  };

  return {
    // On a package (its context menu): that package only. From the view title or the palette: all.
    [commands.refresh]: pipeline.command(
      {
        title: 'Refresh',
        // An expired session or an org switch is shown by the state change, not as this failure.
        failure: (message, [node]) => `Couldn't refresh ${(node as PackageNode).pkg.name}: ${message}`,
      },
      async (_needs, _run, node?: LmaNode) => {
        if (node?.kind !== 'package') return tree.refresh();
        await tree.refreshPackage(node);
      },
    ),

    [commands.findLicense]: pipeline.command({ title: 'Find License', needs }, async () => {
      const text = await vscode.window.showInputBox({
        title: 'Find License',
        prompt: 'Subscriber org id (15 or 18 characters), org name, or lead or account name',
        placeHolder: '00D5g000004ABCD or Acme',
        validateInput: searchTermProblem,
      });
      if (!text || searchTermProblem(text)) return;
      const found = await vscode.window.withProgress(
        { location: { viewId: views.lmo }, title: 'Finding licenses' },
        () => tree.findLicenses(text.trim()),
      );
      await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
      if (found === 0) void vscode.window.showInformationMessage(`No license matches “${text.trim()}”.`);
    }),

    [commands.clearSearch]: () => tree.clearSearch(),

    [commands.loadMore]: (node: { group: StatusGroupNode } | undefined) =>
      node ? tree.loadMore(node.group) : undefined,

    [commands.showLicenses]: pipeline.command(
      { title: 'Show Licenses', needs },
      async (_needs, _run, node?: PackageNode) => {
        const pkg = await pickPackage(node);
        if (!pkg) return;
        const packageNode = node ?? (await findShownPackage(tree, pkg));
        if (packageNode) await treeView.reveal(packageNode, { expand: 1, focus: true, select: true });
      },
    ),

    [commands.copyPackageId]: pipeline.command(
      { title: 'Copy Package Id', needs },
      async (_needs, _run, node?: PackageNode) => {
        const pkg = await pickPackage(node);
        if (!pkg) return;
        await copy(pkg.packageId ?? pkg.id, `Package id of ${pkg.name}`);
      },
    ),

    [commands.copyVersionId]: pipeline.command(
      { title: 'Copy Version Id', needs },
      async (_needs, _run, node?: VersionNode) => {
        const version = node?.version ?? (await pickVersion(await pickPackage(undefined)));
        if (version?.versionId) await copy(version.versionId, `Version id of ${version.name}`);
      },
    ),

    [commands.copySubscriberOrgId]: pipeline.command(
      { title: 'Copy Subscriber Org Id', needs },
      async (_needs, _run, node?: LicenseNode) => {
        const license = node?.license ?? (await pickLicense(session));
        if (license?.subscriberOrgId)
          await copy(license.subscriberOrgId, `Subscriber org id of ${license.name}`);
      },
    ),

    [commands.openInSalesforce]: pipeline.command(
      { title: 'Open in Salesforce', needs },
      async (_needs, _run, node?: PackageNode | VersionNode | LicenseNode) => {
        const record = node
          ? recordOf(node)
          : await pickPackage(undefined).then((pkg) => pkg && { object: LMA_OBJECTS.package, id: pkg.id });
        if (!record) return;
        const url = await session.frontDoorUrl(`/lightning/r/${record.object}/${record.id}/view`);
        await services.openExternal(url);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

async function pickVersion(pkg: Package | undefined): Promise<PackageVersion | undefined> {
  if (!pkg) return undefined;
  const picked = await vscode.window.showQuickPick(
    pkg.versions.map((version) => ({
      label: version.versionNumber ?? version.name,
      description: [version.isBeta ? 'beta' : undefined, version.versionId].filter(Boolean).join(' · '),
      version,
    })),
    { title: `Choose a version of ${pkg.name}` },
  );
  return picked?.version;
}

function recordOf(node: PackageNode | VersionNode | LicenseNode): { object: string; id: string } {
  switch (node.kind) {
    case 'package':
      return { object: LMA_OBJECTS.package, id: node.pkg.id };
    case 'version':
      return { object: LMA_OBJECTS.packageVersion, id: node.version.id };
    case 'license':
      return { object: LMA_OBJECTS.license, id: node.license.id };
  }
}

async function findShownPackage(tree: LmoTreeModel, pkg: Package): Promise<PackageNode | undefined> {
  const [root] = await tree.children();
  const packagesNode = root && (await tree.children(root)).find((node) => node.kind === 'packages');
  const packages = packagesNode ? await tree.children(packagesNode) : [];
  return packages.find((node): node is PackageNode => node.kind === 'package' && node.pkg.id === pkg.id);
}

async function copy(value: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(value);
  vscode.window.setStatusBarMessage(`$(copy) ${what} copied: ${value}`, 4000);
}
