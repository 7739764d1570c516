import * as vscode from 'vscode';
import { commands } from '../ids';
import type { LmoApi } from '../lma/records/lmoApi';
import { choosePushOwner, ownsPackage } from '../lma/records/pushOwner';
import {
  countSelection,
  orgIdsOfLicenses,
  scopeForVersion,
  type PushScope,
} from '../lma/records/pushUpgrade';
import { releasedNewestFirst } from '../lma/records/packages';
import type { Package, PackageVersion } from '../lma/records/types';
import {
  DEFAULT_SELECTION,
  describeOrgIdProblems,
  describeSchedule,
  failuresMarkdown,
  groupFailures,
  parseOrgIdList,
  parseSchedule,
  previewMarkdown,
  previewProblem,
  pushConfirmation,
  targetProblem,
  type PushPreview,
  type PushSelection,
} from '../lma/rules/pushUpgrade';
import {
  abortPush,
  finishSchedule,
  planPush,
  planRetry,
  readFailures,
  schedulePush,
  watchPush,
  type ScheduleReport,
} from '../lma/workflows/pushUpgrade';
import { loadSalesforce } from '../org/salesforceLoader';
import type { Services } from '../services';
import type { LicenseNode, StatusGroupNode, VersionNode } from '../views/nodes';
import type { CommandHandlers } from './commandTable';
import { connectedLmo, type Run } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/**
 * Push upgrades from the tree: "Push Upgrade to This Version…" on a version (or the palette: a package,
 * then a version), "Push Upgrade These Orgs…" on a status group or a selection of Licenses. Each runs
 * the same steps: the owner org, the selection, the preview (a report), the schedule, the typed
 * confirmation, the jobs, then the request watched until it ends, with its failures and a retry.
 */
export function pushUpgradeCommands(services: Services) {
  const { session } = services;
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(session) };

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

  return {
    [commands.pushUpgradeVersion]: pipeline.command(
      { title: 'Push Upgrade', needs },
      async (_needs, run, node?: VersionNode) => {
        const packages = await services.packages();
        const chosen = node
          ? { pkg: packages.find((p) => p.id === node.version.packageId), version: node.version }
          : await pickVersion(undefined);
        if (!chosen?.pkg) return;
        const scope = scopeOf(packages, chosen.version);
        if (!scope) return;
        const owner = await ownerOrg(services, chosen.pkg);
        if (!owner) return;
        const selection = await chooseSelection(services, scope, run);
        if (!selection) return;
        await previewAndSchedule(services, run, owner, scope, selection);
      },
    ),

    [commands.pushUpgradeOrgs]: pipeline.command(
      { title: 'Push Upgrade', needs },
      async (_needs, run, node?: StatusGroupNode | LicenseNode, selected?: readonly unknown[]) => {
        const packages = await services.packages();
        const licenses = ((selected?.length ? selected : node ? [node] : []) as LicenseNode[]).filter(
          (n) => n.kind === 'license',
        );
        const group = node?.kind === 'statusGroup' ? node : undefined;
        const pkg =
          group?.pkg ??
          packages.find((p) => p.versions.some((v) => v.id === licenses[0]?.license.packageVersionId));
        const chosen = await pickVersion(pkg);
        if (!chosen) return;
        const scope = scopeOf(packages, chosen.version);
        if (!scope) return;
        const owner = await ownerOrg(services, chosen.pkg);
        if (!owner) return;
        let selection: PushSelection;
        if (group)
          selection = {
            ...DEFAULT_SELECTION,
            statuses: group.status === 'Other' ? [] : [group.status],
          };
        else {
          const orgIds = await run.progress('Reading the selected Licenses', () =>
            orgIdsOfLicenses(
              session,
              licenses.map((l) => l.license.id),
            ),
          );
          selection = { ...DEFAULT_SELECTION, orgIds };
        }
        await previewAndSchedule(services, run, owner, scope, selection);
      },
    ),
  } satisfies Partial<CommandHandlers>;
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

/** The owner org of the package's pushes: the LMO's session when it owns the package, else one the user chooses (remembered). */
async function ownerOrg(services: Services, pkg: Package): Promise<LmoApi | undefined> {
  const packageId = pkg.packageId;
  if (!packageId) return undefined;
  const lmoOwns = await ownsPackage(services.session, packageId);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const salesforce = await loadSalesforce();
  const owner = choosePushOwner({
    lmoOwns,
    remembered: services.pushOwners.get(packageId),
    projectDevHub: lmoOwns ? undefined : await salesforce.projectDevHub(folder).catch(() => undefined),
  });
  if (owner.kind === 'lmo') return services.session;
  let target = owner.kind === 'other' ? owner.target : undefined;
  if (!target) {
    const orgs = await salesforce.listAuthorizedOrgs();
    const suggestion = owner.kind === 'unknown' ? owner.suggestion : undefined;
    const items = orgs
      .map((o) => ({
        label: o.aliases[0] ?? o.username,
        description: `${o.username}${o.isDevHub ? ' · Dev Hub' : ''}`,
        detail:
          o.aliases[0] === suggestion || o.username === suggestion
            ? "The project's target-dev-hub"
            : undefined,
        target: o.aliases[0] ?? o.username,
      }))
      .sort((a, b) => Number(!!b.detail) - Number(!!a.detail));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Push Upgrade: the org that owns ${pkg.name}'s pushes`,
      placeHolder:
        'The Dev Hub (2GP, unlocked) or the packaging org (1GP): the LMO does not own this package',
    });
    if (!picked) return undefined;
    target = picked.target;
    await services.pushOwners.remember(packageId, target);
    // The package's Push Upgrades node shows now that its owner org is known.
    services.tree.pushRequestsChanged(packageId);
  }
  return services.ownerOrgs.connect(target);
}

/** Which orgs, with live counts from one aggregate each: older versions (all, sandboxes, production) or a pasted list. */
async function chooseSelection(
  services: Services,
  scope: PushScope,
  run: Run,
): Promise<PushSelection | undefined> {
  const options: { label: string; selection: PushSelection }[] = [
    { label: 'Active and Trial orgs on older versions', selection: DEFAULT_SELECTION },
    { label: 'Sandboxes only (push these first)', selection: { ...DEFAULT_SELECTION, orgType: 'sandbox' } },
    { label: 'Production orgs only', selection: { ...DEFAULT_SELECTION, orgType: 'production' } },
  ];
  const counts = await run.progress('Counting the orgs', () =>
    Promise.all(
      options.map((o) => countSelection(services.session, scope, o.selection).catch(() => undefined)),
    ),
  );
  const items = [
    ...options.map((o, i) => ({
      label: o.label,
      description: counts[i] ? `${counts[i].total} Licenses` : undefined,
      selection: o.selection as PushSelection | undefined,
    })),
    { label: 'A list of org ids…', description: 'paste 15- or 18-character ids', selection: undefined },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Push Upgrade to ${scope.target.versionNumber}: which orgs`,
  });
  if (!picked) return undefined;
  if (picked.selection) return picked.selection;
  const text = await vscode.window.showInputBox({
    title: 'Push Upgrade: org ids',
    prompt: 'Org ids separated by spaces or commas (15 or 18 characters, starting 00D)',
    validateInput: (value) => {
      const { problems } = parseOrgIdList(value);
      return problems.length ? describeOrgIdProblems(problems) : undefined;
    },
  });
  if (!text) return undefined;
  const { ids, problems } = parseOrgIdList(text);
  if (problems.length || !ids.length) return undefined;
  return { ...DEFAULT_SELECTION, orgIds: ids };
}

/** Preview, schedule, watch: the one path of a push and of a retry (`plan` gives a retry's preview). */
export async function previewAndSchedule(
  services: Services,
  run: Run,
  owner: LmoApi,
  scope: PushScope,
  selection: PushSelection,
  plan: (signal: AbortSignal) => Promise<PushPreview> = () =>
    planPush(services.session, owner, scope, selection),
): Promise<void> {
  const preview = await run.progress('Previewing the push upgrade', plan);
  await services.reports.show(services.reports.add('push-preview.md', previewMarkdown(preview)));
  const problem = previewProblem(preview);
  if (problem) {
    void vscode.window.showWarningMessage(`Push Upgrade: ${problem}`);
    return;
  }
  const when = await chooseTime();
  if (when === null) return;
  const confirmed = await services.askConfirmation(
    pushConfirmation(preview, when),
    `Push to ${preview.jobs.length} Orgs`,
  );
  if (confirmed === undefined) return;
  let report: ScheduleReport = await run.progress(
    `Creating ${preview.jobs.length} push jobs`,
    (_signal, progress) =>
      schedulePush(owner, preview, {
        when,
        onProgress: (created, total) => progress(`${created} of ${total}`),
      }),
    { cancellable: false },
  );
  while (report.kind === 'interrupted') {
    const choice = await vscode.window.showWarningMessage(report.message, 'Finish', 'Abort');
    if (choice === 'Finish') {
      const interrupted = report;
      report = await run.progress('Finishing the push request', () =>
        finishSchedule(owner, interrupted.requestId, interrupted.remaining, { when }),
      );
    } else {
      if (choice === 'Abort') {
        const aborted = await abortPush(owner, report.requestId);
        void vscode.window.showInformationMessage(
          aborted.kind === 'aborted' ? `Push request ${aborted.requestId} aborted.` : aborted.message,
        );
      }
      return;
    }
  }
  if (report.kind !== 'started') {
    void vscode.window.showWarningMessage(`Push Upgrade: ${report.message}`);
    return;
  }
  const requestId = report.requestId;
  // The package's Push Upgrades node lists the new request (and shows, if its owner org was just chosen).
  services.tree.pushRequestsChanged(scope.target.packageId);
  const refused = report.refused.length ? ` Salesforce refused ${report.refused.length} jobs.` : '';
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
    void vscode.window.showInformationMessage(`Push request ${requestId}: ${state.status}.${refused}`);
    return;
  }
  // Showing the failures keeps the offer to retry them: the notification comes back until one is chosen.
  let action: string | undefined;
  for (;;) {
    action = await vscode.window.showWarningMessage(
      `Push request ${requestId}: ${state.status}, ${failed} of the orgs failed.${refused}`,
      'Show Failures',
      'Retry Failed Orgs',
    );
    if (action !== 'Show Failures') break;
    const failures = await readFailures(owner, requestId, services.session);
    await services.reports.show(
      services.reports.add('push-failures.md', failuresMarkdown(requestId, groupFailures(failures))),
    );
  }
  if (action === 'Retry Failed Orgs')
    await previewAndSchedule(services, run, owner, scope, selection, () =>
      planRetry(services.session, owner, scope, requestId),
    );
}

/** Now (undefined), a time to come, or null when the user cancelled. */
async function chooseTime(): Promise<Date | undefined | null> {
  const picked = await vscode.window.showQuickPick([{ label: 'Now' }, { label: 'At a time…' }], {
    title: 'Push Upgrade: when to start',
  });
  if (!picked) return null;
  if (picked.label === 'Now') return undefined;
  const text = await vscode.window.showInputBox({
    title: 'Push Upgrade: start time',
    prompt: 'Local time as 2026-12-24T09:30, or UTC as 2026-12-24T09:30Z',
    validateInput: (value) => {
      const parsed = parseSchedule(value, new Date());
      if ('problem' in parsed) return parsed.problem;
      return parsed.when
        ? { message: describeSchedule(parsed.when).both, severity: vscode.InputBoxValidationSeverity.Info }
        : undefined;
    },
  });
  if (text === undefined) return null;
  const parsed = parseSchedule(text, new Date());
  return 'problem' in parsed ? null : parsed.when;
}
