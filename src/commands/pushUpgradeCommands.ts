import * as vscode from 'vscode';
import { commands } from '../ids';
import type { LmoApi } from '../lma/records/lmoApi';
import { orgIdsOfLicenses, scopeForVersion, type PushScope } from '../lma/records/pushUpgrade';
import { releasedNewestFirst } from '../lma/records/packages';
import type { Package, PackageVersion } from '../lma/records/types';
import { formOfSelection } from '../lma/rules/pushSelection';
import { DEFAULT_SELECTION, targetProblem, type PushSelection } from '../lma/rules/pushUpgrade';
import { choosePushOwnerOrg } from '../lma/workflows/pushOwnerChoice';
import { failedOrgs, watchPush } from '../lma/workflows/pushUpgrade';
import { readOrgIdFile } from '../files/orgIdFile';
import { loadSalesforce } from '../org/salesforceLoader';
import type { SelectionForm } from '../protocol/pushUpgrade';
import type { Services } from '../services';
import type { LicenseNode, PackageNode, StatusGroupNode, VersionNode } from '../views/nodes';
import { PushRequestPanel } from '../webviews/pushRequestPanel';
import { PushUpgradePanel, type PushUpgradeActions } from '../webviews/pushUpgradePanel';
import type { CommandHandlers } from './commandTable';
import { connectedLmo, type Run } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/**
 * Push upgrades from the tree: "Push Upgrade to This Version…" on a version (or the palette: a package,
 * then a version), "Push Upgrade These Orgs…" on a package, a status group or a selection of Licenses
 * (or the palette). Each checks the target, asks for the owner org of the package's pushes when the LMO
 * doesn't own it, then opens the push panel (src/webviews/pushUpgradePanel.ts) with the selection filled
 * in: the orgs are chosen, previewed and scheduled there. After a schedule the panel hands the request
 * to the watch flow here (progress until it ends, the failures grouped, a retry of the failed orgs in
 * the panel again).
 */
export function pushUpgradeCommands(services: Services) {
  const { session } = services;
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(session) };
  const actions = pushUpgradeActions(services);

  const pickVersion = async (
    pkg: Package | undefined,
  ): Promise<{ pkg: Package; version: PackageVersion } | undefined> => {
    const packages = await services.packages();
    const chosen =
      pkg ??
      (
        await vscode.window.showQuickPick(
          packages.map((p) => ({ label: p.name, description: p.packageId, p })),
          { title: 'Push Upgrade: choose the package' },
        )
      )?.p;
    if (!chosen) return undefined;
    const versions = chosen.versions.filter((v) => !v.isBeta && v.versionId).sort(releasedNewestFirst);
    const picked = await vscode.window.showQuickPick(
      versions.map((v) => ({ label: v.versionNumber ?? v.name, description: v.versionId, v })),
      { title: `Push Upgrade: the version of ${chosen.name} to push` },
    );
    return picked && { pkg: chosen, version: picked.v };
  };

  /** Checks the target, resolves the owner org (asking when needed), then opens the panel with `form`. */
  const openPanel = async (pkg: Package, version: PackageVersion, form: SelectionForm): Promise<void> => {
    const scope = scopeOf(await services.packages(), version);
    if (!scope) return;
    if (!(await ownerOrg(services, pkg))) return;
    PushUpgradePanel.show(services, actions, {
      versionId: scope.target.versionId,
      title: `Push ${pkg.name} ${scope.target.versionNumber ?? scope.target.versionId}`,
      form,
    });
  };

  return {
    [commands.pushUpgradeVersion]: pipeline.command(
      { title: 'Push Upgrade', needs },
      async (_needs, _run, node?: VersionNode) => {
        const packages = await services.packages();
        const chosen = node
          ? { pkg: packages.find((p) => p.id === node.version.packageId), version: node.version }
          : await pickVersion(undefined);
        if (!chosen?.pkg) return;
        await openPanel(chosen.pkg, chosen.version, formOfSelection(DEFAULT_SELECTION));
      },
    ),

    [commands.pushUpgradeOrgs]: pipeline.command(
      { title: 'Push Upgrade', needs },
      async (
        _needs,
        run,
        node?: PackageNode | StatusGroupNode | LicenseNode,
        selected?: readonly unknown[],
      ) => {
        const packages = await services.packages();
        const licenses = ((selected?.length ? selected : node ? [node] : []) as LicenseNode[]).filter(
          (n) => n.kind === 'license',
        );
        const group = node?.kind === 'statusGroup' ? node : undefined;
        const pkg =
          (node?.kind === 'package' ? node.pkg : undefined) ??
          group?.pkg ??
          packages.find((p) => p.versions.some((v) => v.id === licenses[0]?.license.packageVersionId));
        const chosen = await pickVersion(pkg);
        if (!chosen) return;
        let selection: PushSelection = DEFAULT_SELECTION;
        if (group)
          selection = { ...DEFAULT_SELECTION, statuses: group.status === 'Other' ? [] : [group.status] };
        else if (licenses.length) {
          const orgIds = await run.progress('Reading the selected Licenses', () =>
            orgIdsOfLicenses(
              session,
              licenses.map((l) => l.license.id),
            ),
          );
          selection = { ...DEFAULT_SELECTION, orgIds };
        }
        await openPanel(chosen.pkg, chosen.version, formOfSelection(selection));
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

/**
 * What the push panel runs through the commands: the owner org (asked once, remembered), its steps
 * inside the command pipeline (one error boundary, progress with Cancel), and the watch flow.
 */
export function pushUpgradeActions(services: Services): PushUpgradeActions {
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(services.session) };
  return {
    owner: (pkg) => ownerOrg(services, pkg),
    run: (title, step) => pipeline.command({ title, needs }, (_needs, run) => step(run.progress))(),
    // After a schedule, a finish or an abort, the pushed package's Push Upgrades node reads its requests again.
    requestsChanged: (packageId) => services.tree.pushRequestsChanged(packageId),
    loadOrgIds: async () => {
      const [file] =
        (await vscode.window.showOpenDialog({
          title: 'Push Upgrade: a file of org ids (one a line, or the first column)',
          canSelectMany: false,
          filters: { 'Org ids': ['txt', 'csv'] },
        })) ?? [];
      return file && readOrgIdFile(file.fsPath);
    },
    watch: (owner, scope, requestId) =>
      pipeline.command({ title: 'Push Upgrade', needs }, (_needs, run) =>
        watchRequest(services, run, owner, scope, requestId),
      )(),
    showRequest: async (scope, requestId) => showRequest(services, scope, requestId),
  };
}

function scopeOf(packages: Package[], version: PackageVersion): PushScope | undefined {
  const found = scopeForVersion(packages, version.versionId ?? '');
  if ('problem' in found) {
    void vscode.window.showErrorMessage(`Push Upgrade: ${found.problem}`);
    return undefined;
  }
  const problem = targetProblem(found.scope.target);
  if (problem) {
    void vscode.window.showErrorMessage(`Push Upgrade: ${problem}`);
    return undefined;
  }
  return found.scope;
}

/**
 * The owner org of the package's pushes, checked before the panel counts or creates anything
 * (`choosePushOwnerOrg`): the LMO's session when it owns the package, else the remembered org or one the
 * user picks, refused when its MetadataPackage lists other packages only, used after a warning when it
 * can't say.
 */
async function ownerOrg(services: Services, pkg: Package): Promise<LmoApi | undefined> {
  const packageId = pkg.packageId;
  const lmo = services.session.state.kind === 'connected' ? services.session.state.org : undefined;
  if (!packageId || !lmo) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const salesforce = await loadSalesforce();
  const owner = await choosePushOwnerOrg({
    lmo: { api: services.session, orgId: lmo.orgId, username: lmo.username },
    packageId,
    packageName: pkg.name,
    checks: services.pushOwnership,
    remembered: services.pushOwners.get(packageId),
    remember: async (target) => {
      await services.pushOwners.remember(packageId, target);
      // The package's Push Upgrades node shows now that its owner org is known.
      services.tree.pushRequestsChanged(packageId);
    },
    forget: async () => {
      await services.pushOwners.forget(packageId);
      services.tree.pushRequestsChanged(packageId);
    },
    projectDevHub: () => salesforce.projectDevHub(folder),
    authorizedOrgs: () => salesforce.listAuthorizedOrgs(),
    pick: async (candidates) =>
      await vscode.window.showQuickPick(candidates, {
        title: `Push Upgrade: the org that owns ${pkg.name}'s pushes`,
        placeHolder:
          'The Dev Hub (2GP, unlocked) or the packaging org (1GP): the LMO does not own this package',
      }),
    connect: (target) => services.ownerOrgs.connect(target),
    confirmUnconfirmed: async (message) =>
      (await vscode.window.showWarningMessage(message, { modal: true }, 'Continue')) === 'Continue',
    refuse: (message) => void vscode.window.showErrorMessage(`Push Upgrade: ${message}`),
  });
  return owner;
}

/**
 * A started request watched until it ends (progress with Cancel), the tree refreshed, then, if any org
 * failed, its request view (the failures grouped) or a retry that opens the push panel on exactly the failed orgs (the
 * same preview, schedule and confirmation).
 */
async function watchRequest(
  services: Services,
  run: Run,
  owner: LmoApi,
  scope: PushScope,
  requestId: string,
): Promise<void> {
  // The package's Push Upgrades node lists the new request (and shows, if its owner org was just chosen).
  services.tree.pushRequestsChanged(scope.target.packageId);
  const state = await run.progress(`Push request ${requestId}: watching`, (signal, progress) =>
    watchPush(owner, requestId, {
      signal,
      onUpdate: (s) =>
        progress(
          `${s.status}: ${Object.entries(s.jobs)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`,
        ),
    }),
  );
  services.tree.refresh();
  const failed = state.jobs.Failed ?? 0;
  if (!failed) {
    void vscode.window.showInformationMessage(`Push request ${requestId}: ${state.status}.`);
    return;
  }
  // The failures are read in the request's view (grouped, exported, retried from there too).
  const action = await vscode.window.showWarningMessage(
    `Push request ${requestId}: ${state.status}, ${failed} of the orgs failed.`,
    'Show Request',
    'Retry Failed Orgs',
  );
  if (action === 'Show Request') {
    showRequest(services, scope, requestId);
    return;
  }
  if (action !== 'Retry Failed Orgs') return;
  await retryInPanel(services, run, owner, scope, requestId);
}

/** The view of a request of the scope's package. */
function showRequest(services: Services, scope: PushScope, requestId: string): void {
  PushRequestPanel.show(services, {
    packageRecordId: scope.packageRecordId,
    packageName: scope.target.packageName ?? '',
    requestId,
  });
}

/** A retry of a request's failed orgs: the push panel on exactly those orgs (the same preview, schedule and confirmation). */
export async function retryInPanel(
  services: Services,
  run: Run,
  owner: LmoApi,
  scope: PushScope,
  requestId: string,
): Promise<void> {
  const orgIds = await run.progress('Reading the failed orgs', () => failedOrgs(owner, requestId));
  const version = scope.target.versionNumber ?? scope.target.versionId;
  PushUpgradePanel.show(services, pushUpgradeActions(services), {
    versionId: scope.target.versionId,
    title: `Push ${scope.target.packageName ?? 'the package'} ${version}`,
    form: formOfSelection({ ...DEFAULT_SELECTION, orgIds }),
  });
}
