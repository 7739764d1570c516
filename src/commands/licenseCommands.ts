import * as vscode from 'vscode';
import { commands, settings } from '../ids';
import { formatExpiration, isoDate, MAX_TRIAL_DAYS } from '../lma/rules/encodings';
import {
  convertToActive,
  bulkActionLabel,
  describeBulkChange,
  extendTrial,
  planBulkChange,
  reactivate,
  settableStatuses,
  suspend,
  trialDaysLeft,
  type BulkChange,
  type BulkPlan,
  type EditableLicense,
  type LicenseChange,
  type SettableStatus,
} from '../lma/rules/licenseChanges';
import {
  applyBulkChange,
  loadEditableLicense,
  loadEditableLicenses,
  type BulkResult,
} from '../lma/workflows/licenseEdits';
import { loadLicenseIds } from '../lma/records/licenses';
import type { LmoSession } from '../org/lmoSession';
import type { LmaNode, StatusGroupNode } from '../views/nodes';
import type { Services } from '../services';
import { ingestThreshold } from '../state/ingestSettings';
import { LicensePanel } from '../webviews/licensePanel';
import type { CommandHandlers } from './commandTable';
import { pickLicense } from './picks';
import { confirmAndSave, describeOutcome } from '../lma/workflows/licenseSave';
import { askConfirmation } from './askConfirmation';
import { connectedLmo, licenseSelection, type Run } from './pipeline';
import { commandPipeline } from './vscodePipeline';
import { licenseRow, licenseSection } from './licenseReport';

/** A bulk change covers at most this many Licenses: a preview longer than that is not a preview any more. */
export const MAX_BULK_LICENSES = 5_000;

/**
 * License commands: Modify License (the form), the quick actions (Extend Trial, Convert to Active,
 * Suspend, Reactivate) and Bulk Change. A quick action on several selected Licenses becomes a bulk change.
 */
export function licenseCommands(services: Services) {
  const { session } = services;

  /** The save went through, but the LMA's own status stayed behind: offer its Modify License page. */
  const finishOnModifyLicensePage = async (licenseId: string, message: string) => {
    const open = 'Open in Salesforce';
    if ((await vscode.window.showWarningMessage(message, open)) !== open) return;
    const url = await session.frontDoorUrl(`/lightning/r/sfLma__License__c/${licenseId}/view`);
    await services.openExternal(url);
  };

  const pipeline = commandPipeline(services);
  const lmo = connectedLmo(session);
  /** The Licenses a command acts on: the tree selection, the clicked one, or one picked from a search. */
  const licenses = licenseSelection(() => pickLicense(session));
  const nothingSaved = (title: string) => (message: string) => `${title}: nothing was saved. ${message}`;

  const quickAction = (
    action: string,
    single: (license: EditableLicense) => Promise<LicenseChange | undefined>,
    bulk: () => Promise<BulkChange | undefined>,
  ) =>
    pipeline.command(
      { title: action, needs: { lmo, licenses }, failure: nothingSaved(action) },
      async ({ licenses: ids }, run, _node?: LmaNode, _selected?: readonly LmaNode[]) => {
        if (ids.length > 1) return runBulk(services, run, ids, bulk);
        const license = await loadEditableLicense(session, ids[0]!);
        if (!license) return void vscode.window.showErrorMessage('This License no longer exists in the LMO.');
        const change = await single(license);
        if (!change) return;
        const outcome = await confirmAndSave(session, license, change, action, askConfirmation);
        if (outcome.kind === 'saved') {
          services.licenseChanged();
          if (outcome.lmaStatusBehind) void finishOnModifyLicensePage(license.id, outcome.message);
          else void vscode.window.showInformationMessage(outcome.message);
        } else if (outcome.kind !== 'cancelled')
          void vscode.window.showErrorMessage(describeOutcome(outcome));
      },
    );

  return {
    [commands.modifyLicense]: pipeline.command(
      { title: 'Modify License', needs: { lmo, licenses } },
      ({ licenses: [id] }, _run, node?: LmaNode) => {
        if (id) LicensePanel.show(services, id, node?.kind === 'license' ? node.license.name : id);
      },
    ),

    [commands.extendTrial]: quickAction(
      'Extend Trial',
      async (license) => {
        const today = new Date();
        const left = trialDaysLeft(license, today);
        if (license.status === 'Trial' && left === 0) {
          void vscode.window.showErrorMessage(
            `${license.name}'s trial already runs the ${MAX_TRIAL_DAYS} days a trial may last. Convert it to Active to go further.`,
          );
          return undefined;
        }
        const days = await askDays(`Extend the trial of ${license.customerName ?? license.name}`, left);
        if (days === undefined) return undefined;
        const change = extendTrial(license, days, today);
        if ('message' in change) return void vscode.window.showErrorMessage(change.message);
        return change;
      },
      async () => {
        const days = await askDays('Extend the expiration of the selected trials', undefined);
        return days === undefined ? undefined : { kind: 'extendExpiration', days };
      },
    ),

    [commands.convertToActive]: quickAction(
      'Convert to Active',
      async (license) => {
        const expiration = await askExpiration(license.customerName ?? license.name);
        return expiration === undefined ? undefined : convertToActive(expiration);
      },
      async () => ({ kind: 'status', status: 'Active' }),
    ),

    [commands.suspendLicense]: quickAction(
      'Suspend',
      async () => suspend,
      async () => ({ kind: 'status', status: 'Suspended' }),
    ),

    [commands.reactivateLicense]: quickAction(
      'Reactivate',
      async () => reactivate,
      async () => ({ kind: 'status', status: 'Active' }),
    ),

    [commands.bulkChangeLicenses]: pipeline.command(
      { title: 'Bulk change', needs: { lmo }, failure: nothingSaved('Bulk change') },
      async (_needs, run, node?: LmaNode, selected?: readonly LmaNode[]) => {
        const group = (selected?.length ? selected : node ? [node] : []).find(
          (n): n is StatusGroupNode => n.kind === 'statusGroup',
        );
        const picked = group ? undefined : await licenses([node, selected]);
        const ids = group
          ? await groupLicenseIds(session, group)
          : picked?.kind === 'met'
            ? picked.value
            : undefined;
        if (ids?.length) await runBulk(services, run, ids, askBulkChange);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

async function askDays(title: string, max: number | undefined): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title,
    prompt:
      max !== undefined
        ? `Days to add (at most ${max}: a trial lasts ${MAX_TRIAL_DAYS} days in total)`
        : 'Days to add',
    value: String(Math.min(14, max ?? 14)),
    validateInput: (value) => {
      const days = Number(value.trim());
      if (!/^\d+$/.test(value.trim()) || days < 1) return 'A whole number of days, 1 or more';
      if (max !== undefined && days > max)
        return `At most ${max} days: a trial lasts ${MAX_TRIAL_DAYS} days in total`;
      return undefined;
    },
  });
  return answer === undefined ? undefined : Number(answer.trim());
}

/** The expiration for a converted License: does not expire, or a date. Undefined when cancelled. */
async function askExpiration(customer: string): Promise<string | null | undefined> {
  const inAYear = new Date();
  inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Does not expire', value: null as string | null },
      { label: `One year: ${isoDate(inAYear)}`, value: isoDate(inAYear) },
      { label: 'Another date…', value: 'ask' },
    ],
    { title: `Convert ${customer} to Active: expiration` },
  );
  if (!choice) return undefined;
  if (choice.value !== 'ask') return choice.value;
  return vscode.window.showInputBox({
    title: 'Expiration (last day of access)',
    placeHolder: 'YYYY-MM-DD',
    validateInput: (value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? undefined : 'A date written YYYY-MM-DD',
  });
}

async function askBulkChange(): Promise<BulkChange | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Set Status…', change: 'status' as const },
      { label: 'Set Seats…', change: 'seats' as const },
      { label: 'Add Seats…', change: 'addSeats' as const },
      { label: 'Set Expiration…', change: 'expiration' as const },
      { label: 'Extend Expiration…', change: 'extendExpiration' as const },
    ],
    { title: 'Change the selected Licenses' },
  );
  switch (kind?.change) {
    case undefined:
      return undefined;
    case 'status': {
      const status = await vscode.window.showQuickPick(settableStatuses, { title: 'Set Status to' });
      return status ? { kind: 'status', status: status as SettableStatus } : undefined;
    }
    case 'seats':
    case 'addSeats': {
      const seats = await vscode.window.showInputBox({
        title: kind.change === 'seats' ? 'Set Seats to (or "site" for a site license)' : 'Seats to add',
        validateInput: (value) =>
          /^\d+$/.test(value.trim()) || (kind.change === 'seats' && value.trim().toLowerCase() === 'site')
            ? undefined
            : 'A whole number',
      });
      if (seats === undefined) return undefined;
      const n = seats.trim().toLowerCase() === 'site' ? -1 : Number(seats.trim());
      return kind.change === 'seats' ? { kind: 'seats', seats: n } : { kind: 'addSeats', seats: n };
    }
    case 'expiration': {
      const date = await vscode.window.showInputBox({
        title: 'Set Expiration (YYYY-MM-DD, or "never" for does not expire)',
        validateInput: (value) =>
          /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) || value.trim().toLowerCase() === 'never'
            ? undefined
            : 'A date written YYYY-MM-DD, or never',
      });
      if (date === undefined) return undefined;
      return { kind: 'expiration', expiration: date.trim().toLowerCase() === 'never' ? null : date.trim() };
    }
    case 'extendExpiration': {
      const days = await askDays('Extend Expiration by', undefined);
      return days === undefined ? undefined : { kind: 'extendExpiration', days };
    }
  }
}

async function groupLicenseIds(session: LmoSession, group: StatusGroupNode): Promise<string[] | undefined> {
  if (group.count > MAX_BULK_LICENSES) {
    void vscode.window.showErrorMessage(
      `${group.pkg.name} has ${group.count.toLocaleString('en-US')} ${group.status} licenses: a bulk change covers at most ${MAX_BULK_LICENSES.toLocaleString('en-US')}. Select licenses, or export the group and work in smaller sets.`,
    );
    return undefined;
  }
  return loadLicenseIds(session, { packageId: group.pkg.id, status: group.status });
}

/** Bulk: the change, a preview of every License with before/after, the confirmation, the writes, a report. */
async function runBulk(
  services: Services,
  run: Run,
  ids: string[],
  ask: () => Promise<BulkChange | undefined>,
): Promise<void> {
  const { session } = services;
  if (ids.length > MAX_BULK_LICENSES)
    return void vscode.window.showErrorMessage(`A bulk change covers at most ${MAX_BULK_LICENSES} licenses.`);
  const change = await ask();
  if (!change) return;
  const licenses = await run.progress(
    `Reading ${ids.length} licenses…`,
    () => loadEditableLicenses(session, ids),
    { cancellable: false },
  );
  const plan = planBulkChange(licenses, change, new Date());
  const approved = await preview(plan, change);
  if (!approved) return;
  // The quick pick's button can only say "OK" (VS Code has no label for it), so the write happens on a
  // button that names it: the plan's confirmation, or, when it needs none, a modal that says what changes.
  const action = bulkActionLabel(approved.ready);
  const confirmed = await askConfirmation(
    approved.confirmation.kind === 'none'
      ? {
          kind: 'confirm',
          message: `${describeBulkChange(change)}: ${approved.ready} ${approved.ready === 1 ? 'License' : 'Licenses'} will change.`,
        }
      : approved.confirmation,
    action,
  );
  if (confirmed === undefined) return;
  let reported = 0;
  const result = await run.progress(describeBulkChange(change), (signal, progress) =>
    applyBulkChange(session, approved, {
      confirmed,
      signal,
      ingestThreshold: ingestThreshold(settings.bulkChangeIngestThreshold),
      ingestJobs:
        session.state.kind === 'connected'
          ? services.bulkIngestJobs.forOrg(session.state.org.orgId)
          : undefined,
      onProgress: (done, total) => {
        progress(`${done} of ${total}`, ((done - reported) / total) * 100);
        reported = done;
      },
    }),
  );
  services.licenseChanged();
  await report(services, change, result);
}

/**
 * Every License with its before/after (or why it won't change), all checked: unchecking one leaves it out.
 * Returns the plan narrowed to the checked Licenses, or undefined when cancelled.
 */
async function preview(plan: BulkPlan, change: BulkChange): Promise<BulkPlan | undefined> {
  type Item = vscode.QuickPickItem & { id?: string };
  const items: Item[] = [];
  const ready = plan.items.filter((i) => i.plan.kind === 'ready');
  const skipped = plan.items.filter((i) => i.plan.kind !== 'ready');
  items.push({ label: `Will change (${ready.length})`, kind: vscode.QuickPickItemKind.Separator });
  for (const { license, plan: p } of ready)
    if (p.kind === 'ready')
      items.push({
        label: license.customerName ?? license.subscriberOrgId ?? license.name,
        description: p.changes.map((c) => `${c.label}: ${c.before} → ${c.after}`).join(' · '),
        detail: `${license.name} · ${license.status ?? 'no status'} · ${license.subscriberOrgId ?? ''}`,
        picked: true,
        id: license.id,
      });
  if (skipped.length) {
    items.push({ label: `Will not change (${skipped.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const { license, plan: p } of skipped)
      items.push({
        label: `$(circle-slash) ${license.customerName ?? license.name}`,
        description:
          p.kind === 'refused' ? p.problems.map((x) => x.message).join(' ') : 'already has this value',
        detail: `${license.name} · ${license.status ?? 'no status'} · ${formatExpiration(license.expiration)}`,
      });
  }
  if (!ready.length) {
    void vscode.window.showWarningMessage(
      `${describeBulkChange(change)}: none of the ${plan.items.length} licenses would change.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `${describeBulkChange(change)}: preview of ${plan.items.length} licenses (uncheck any to leave out)`,
    placeHolder: 'Uncheck any License to leave out, then OK to review and apply the change',
    canPickMany: true,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  const keep = new Set(picked.map((p) => p.id).filter(Boolean));
  if (!keep.size) return undefined;
  return planBulkChange(
    plan.items.filter((i) => keep.has(i.license.id)).map((i) => i.license),
    change,
    new Date(),
  );
}

/** A Markdown report of the run: every License that changed, failed (and why), raced or is unknown. */
async function report(services: Services, change: BulkChange, result: BulkResult): Promise<void> {
  const text = [
    `# ${describeBulkChange(change)}`,
    '',
    `${new Date().toLocaleString()}: ${result.applied.length} changed, ${result.failed.length} not changed, ${result.raced.length} to check, ${result.unknown.length} unknown, ${result.notAttempted.length} not attempted.`,
    '',
    ...(result.abandoned?.length
      ? [
          `## Found first: Bulk API 2.0 jobs of an earlier bulk change or push schedule in this org that did not end here (${result.abandoned.length})`,
          '',
          ...result.abandoned.map((a) => `- ${a}`),
          '',
        ]
      : []),
    ...licenseSection(
      "Changed, but the LMA's License Status (record type) stayed behind: finish each on its Modify License page in Salesforce",
      result.lmaStatusBehind.map((f) => licenseRow(f.license, f.reason)),
    ),
    ...licenseSection(
      'Changed',
      result.applied.map((l) => licenseRow(l)),
    ),
    ...licenseSection(
      'Not changed',
      result.failed.map((f) => licenseRow(f.license, f.reason)),
    ),
    ...licenseSection(
      'Changed, but someone changed the same field at the same moment',
      result.raced.map((f) => licenseRow(f.license, f.reason)),
    ),
    ...licenseSection(
      'Unknown: check these in the LMO',
      result.unknown.map((f) => licenseRow(f.license, f.reason)),
    ),
    ...licenseSection(
      'Not attempted (cancelled)',
      result.notAttempted.map((l) => licenseRow(l)),
    ),
  ].join('\n');
  const problems =
    result.failed.length +
    result.raced.length +
    result.unknown.length +
    result.notAttempted.length +
    result.lmaStatusBehind.length +
    (result.abandoned?.length ?? 0);
  const summary = `${describeBulkChange(change)}: ${result.applied.length} changed${problems ? `, ${problems} not as asked` : ''}.`;
  // A read-only report (never an unsaved buffer that asks to be saved on close), and a Save As.
  const uri = services.reports.add(`bulk-change-${new Date().toISOString().slice(0, 10)}.md`, text);
  const show = 'Show Report';
  const saveAs = 'Save Report As…';
  const answer = problems
    ? await vscode.window.showWarningMessage(summary, show, saveAs)
    : await vscode.window.showInformationMessage(summary, show, saveAs);
  if (answer === show) await services.reports.show(uri);
  if (answer === saveAs) {
    const saved = await services.reports.saveAs(uri);
    if (saved) await vscode.window.showTextDocument(saved);
  }
}
