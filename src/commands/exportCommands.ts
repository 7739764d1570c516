import { basename } from 'node:path';
import * as vscode from 'vscode';
import { commands, settingDefaults, settings } from '../ids';
import { exportLicensesToFile } from '../files/licenseExportFile';
import { writeThroughPartial } from '../files/partialFile';
import { detectFma, FMA_EXPLANATION, FMA_NO_ACCESS } from '../lma/records/featureParameters';
import { featureCsvFileName } from '../lma/rules/featureParameterCsv';
import { writeFeatureParametersCsv } from '../lma/workflows/featureParameterExport';
import { ExportError, exportFileName, type LicenseGroup } from '../lma/workflows/licenseExport';
import { licenseStatuses } from '../lma/records/types';
import type { Services } from '../services';
import type { FeatureParametersNode, PackageNode, StatusGroupNode } from '../views/nodes';
import type { CommandHandlers } from './commandTable';
import { connectedLmo } from './pipeline';
import { askCsvTarget } from './picks';
import { commandPipeline } from './vscodePipeline';

type ExportServices = Pick<Services, 'session' | 'log' | 'packages' | 'bulkExportJobs'>;

/** Bulk API 2.0 past the setting's number of licenses (0: never), with this org's ledger of jobs. */
function bulkOptions(services: ExportServices) {
  const threshold = vscode.workspace
    .getConfiguration()
    .get<number>(settings.exportBulkThreshold, settingDefaults[settings.exportBulkThreshold]);
  const orgId = services.session.state.kind === 'connected' ? services.session.state.org.orgId : undefined;
  if (!threshold || threshold < 0 || !orgId) return undefined;
  return { threshold, jobs: services.bulkExportJobs.forOrg(orgId) };
}

/**
 * "Export Licenses…": on a package or a status group of the tree, or from the palette.
 * "Export Feature Parameters…": on a package's Feature Parameters node, or from the palette.
 */
export function exportCommands(services: ExportServices) {
  const pipeline = commandPipeline(services);
  return {
    [commands.exportLicenses]: pipeline.command(
      { title: 'Export Licenses', needs: { lmo: connectedLmo(services.session) } },
      async (_needs, _run, node?: PackageNode | StatusGroupNode) => {
        const group = node ? groupOf(node) : await pickGroup(services);
        if (!group) return;
        const target = await askCsvTarget(`Export Licenses of ${describe(group)}`, exportFileName(group));
        if (target) await exportTo(services, group, target);
      },
    ),
    [commands.exportFeatureParameters]: pipeline.command(
      { title: 'Export Feature Parameters', needs: { lmo: connectedLmo(services.session) } },
      async (_needs, _run, node?: FeatureParametersNode) => {
        const fma = await detectFma(services.session);
        if (fma.kind !== 'installed') {
          void vscode.window.showInformationMessage(
            fma.kind === 'noAccess' ? FMA_NO_ACCESS : FMA_EXPLANATION,
          );
          return;
        }
        const pkg = node?.pkg ?? (await pickPackage(services, 'Export Feature Parameters'));
        if (!pkg) return;
        const target = await askCsvTarget(
          `Export Feature Parameters of ${pkg.name}`,
          featureCsvFileName(pkg.name),
        );
        if (target) await exportFeaturesTo(services, pkg, target);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

async function pickPackage(services: ExportServices, title: string) {
  const packages = await services.packages();
  if (packages.length === 0) {
    void vscode.window.showInformationMessage('This LMO has no package yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    packages.map((pkg) => ({ label: pkg.name, description: count(pkg.licenseTotal), pkg })),
    { title: `${title}: choose a package`, placeHolder: 'Package of the License Management Org' },
  );
  return picked?.pkg;
}

async function exportFeaturesTo(
  services: ExportServices,
  pkg: { id: string; name: string },
  target: vscode.Uri,
): Promise<void> {
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Exporting feature parameters of ${pkg.name}`,
        cancellable: true,
      },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return writeThroughPartial(target.fsPath, (out) =>
          writeFeatureParametersCsv(services.session, pkg.id, out, { signal: controller.signal }),
        );
      },
    );
    services.log.info(
      `Exported ${result.parameters} feature parameters of ${count(result.licenses)} of ${pkg.name} to ${target.fsPath} (${result.requests} requests)`,
    );
    const action = await vscode.window.showInformationMessage(
      `Exported the feature parameters of ${count(result.licenses)} of ${pkg.name} to ${basename(target.fsPath)}.`,
      'Open',
      'Reveal',
    );
    if (action === 'Open') await vscode.commands.executeCommand('vscode.open', target);
    if (action === 'Reveal') await reveal(target);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    services.log.warn(`Export of the feature parameters of ${pkg.name} failed: ${message}`);
    void vscode.window.showErrorMessage(message);
  }
}

function groupOf(node: PackageNode | StatusGroupNode): LicenseGroup {
  return {
    package: { id: node.pkg.id, name: node.pkg.name },
    status: node.kind === 'statusGroup' ? node.status : undefined,
  };
}

function describe(group: LicenseGroup): string {
  return group.status ? `${group.package.name} (${group.status})` : group.package.name;
}

const count = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'license' : 'licenses'}`;

/** The package, then its status group or all of it. */
async function pickGroup(services: ExportServices): Promise<LicenseGroup | undefined> {
  const packages = (await services.packages()).filter((pkg) => pkg.licenseTotal > 0);
  if (packages.length === 0) {
    void vscode.window.showInformationMessage('No package of this LMO has licenses yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    packages.map((pkg) => ({ label: pkg.name, description: count(pkg.licenseTotal), pkg })),
    { title: 'Export Licenses: choose a package', placeHolder: 'Package of the License Management Org' },
  );
  if (!picked) return undefined;
  const { pkg } = picked;
  const status = await vscode.window.showQuickPick(
    [
      { label: 'All statuses', description: count(pkg.licenseTotal), status: undefined },
      ...licenseStatuses
        .filter((status) => (pkg.licenseCounts[status] ?? 0) > 0)
        .map((status) => ({ label: status, description: count(pkg.licenseCounts[status]!), status })),
    ],
    { title: `Export Licenses of ${pkg.name}: choose the licenses` },
  );
  if (!status) return undefined;
  return { package: { id: pkg.id, name: pkg.name }, status: status.status };
}

async function exportTo(services: ExportServices, group: LicenseGroup, target: vscode.Uri): Promise<void> {
  const what = describe(group);
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Exporting licenses of ${what}`,
        cancellable: true,
      },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        return exportLicensesToFile(services.session, group, target.fsPath, {
          bulk: bulkOptions(services),
          signal: controller.signal,
          onProgress: ({ done, total }) => {
            const percent = total ? (100 * done) / total : 0;
            progress.report({
              message: `${done.toLocaleString('en-US')} of ${count(total)}`,
              increment: percent - reported,
            });
            reported = percent;
          },
        });
      },
    );
    services.log.info(
      `Exported ${result.rows} licenses of ${what} to ${result.file} (${result.bytes} bytes, ${result.requests} requests${result.via === 'bulk' ? ', through Bulk API 2.0' : ''})`,
    );
    if (result.notice) services.log.warn(result.notice);
    const changed =
      result.rows === result.total
        ? ''
        : ` (the LMO counted ${result.total.toLocaleString('en-US')} when it started)`;
    const action = await vscode.window.showInformationMessage(
      `Exported ${count(result.rows)} of ${what} to ${basename(result.file)}${changed}.${result.notice ? ` ${result.notice}` : ''}`,
      'Open',
      'Reveal',
    );
    if (action === 'Open') await vscode.commands.executeCommand('vscode.open', target);
    if (action === 'Reveal') await reveal(target);
  } catch (error) {
    if (error instanceof ExportError && error.kind === 'cancelled') {
      void vscode.window.showInformationMessage(error.message);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    services.log.warn(`Export of the licenses of ${what} failed: ${message}`);
    void vscode.window.showErrorMessage(message);
  }
}

/** In the Explorer when the file is in the workspace, else in the operating system's file manager. */
async function reveal(target: vscode.Uri): Promise<void> {
  if (vscode.workspace.getWorkspaceFolder(target)) {
    await vscode.commands.executeCommand('revealInExplorer', target);
    return;
  }
  await vscode.commands
    .executeCommand('revealFileInOS', target)
    .then(undefined, () => vscode.window.showInformationMessage(`The licenses are in ${target.fsPath}.`));
}
