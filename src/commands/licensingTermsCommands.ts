import * as vscode from 'vscode';
import type { Package } from '../lma/records/types';
import { findLmoPackage, SfdxProjectError, type WorkspacePackage } from '../lma/project/sfdxProject';
import type { PackageNode, WorkspacePackageNode } from '../views/nodes';
import type { ProjectDocument } from '../state/projectDocument';
import { LicensingTermsPanel, type TermsTarget } from '../webviews/licensingTermsPanel';
import { commands } from '../ids';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';
import { lmoIfConnected } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/** "Edit Default Licensing…": on a package of the tree (LMO or workspace), or a package picked from the palette. */
export function licensingTermsCommands(services: Services) {
  const pipeline = commandPipeline(services);
  return {
    [commands.editDefaultLicensing]: pipeline.command(
      // The LMO is optional: without one, the project's packages are still there to edit.
      { title: 'Edit Default Licensing', needs: { lmo: lmoIfConnected(services.session) } },
      async ({ lmo }, _run, node?: PackageNode | WorkspacePackageNode) => {
        const target = node ? await targetOf(services, node) : await pickTarget(services, lmo !== undefined);
        if (target) LicensingTermsPanel.show(services, target);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

async function workspacePackages(project: ProjectDocument): Promise<WorkspacePackage[]> {
  const packages = await project.packages();
  return packages instanceof SfdxProjectError || !packages ? [] : packages;
}

async function targetOf(services: Services, node: PackageNode | WorkspacePackageNode): Promise<TermsTarget> {
  if (node.kind === 'workspacePackage') return fromWorkspace(node.workspacePackage, node.lmoPackage);
  return fromLmo(node.pkg, await workspacePackages(services.project));
}

function fromWorkspace(workspacePackage: WorkspacePackage, lmoPackage: Package | undefined): TermsTarget {
  return {
    packageName: workspacePackage.name,
    alias: workspacePackage.name,
    addAlias: undefined,
    lmoPackage,
  };
}

/** An LMO package is edited under its project alias; one the project doesn't name gets one on Save. */
function fromLmo(pkg: Package, workspace: WorkspacePackage[]): TermsTarget {
  const named = workspace.find((candidate) => findLmoPackage(candidate, [pkg]));
  if (named) return fromWorkspace(named, pkg);
  return {
    packageName: pkg.name,
    alias: pkg.name,
    addAlias: pkg.packageId ? { alias: pkg.name, packageId: pkg.packageId } : undefined,
    lmoPackage: pkg,
  };
}

async function pickTarget(services: Services, connected: boolean): Promise<TermsTarget | undefined> {
  const workspace = await workspacePackages(services.project);
  const lmoPackages = connected ? await services.packages().catch(() => []) : [];
  const items: (vscode.QuickPickItem & { target: TermsTarget })[] = [
    ...workspace.map((workspacePackage) => {
      const lmoPackage = findLmoPackage(workspacePackage, lmoPackages);
      return {
        label: workspacePackage.name,
        description: lmoPackage ? 'sfdx-project.json · in the LMO' : 'sfdx-project.json',
        target: fromWorkspace(workspacePackage, lmoPackage),
      };
    }),
    ...lmoPackages
      .filter((pkg) => !workspace.some((candidate) => findLmoPackage(candidate, [pkg])))
      .map((pkg) => ({
        label: pkg.name,
        description: `LMO · ${pkg.packageId ?? ''}`,
        target: fromLmo(pkg, []),
      })),
  ];
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      'No package to edit: sfdx-project.json declares none, and no License Management Org is connected.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Edit Default Licensing',
    placeHolder: 'Package whose new installs get these terms',
  });
  return picked?.target;
}
