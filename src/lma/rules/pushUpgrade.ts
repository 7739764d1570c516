/**
 * Push upgrades, the pure rules: which orgs a push selects, why an org is left out (one reason per
 * org), the target a push may have, a pasted list of org ids, the batches of jobs, the confirmation,
 * the schedule's wording, the failures grouped and the request's statuses. Facts from
 * /work/shared/reference/isv-operations.md (push upgrades) and lma-domain.md (PackagePushRequest,
 * PackagePushJob, PackagePushError, PackageSubscriber).
 */
import type { Confirmation } from './licenseChanges';
import { compareVersionNumbers } from '../records/packages';
import { isSalesforceId, toId18 } from '../records/soql';
import type { LicenseStatus } from '../records/types';

/** PackagePushRequest.Status: Created by default, Pending once started (the API's own words). */
export const PUSH_STATUSES = [
  'Created',
  'Pending',
  'In Progress',
  'Succeeded',
  'Failed',
  'Canceled',
] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];
/** A request may be canceled only from these (the API refuses the PATCH otherwise). */
export const ABORTABLE_STATUSES: readonly string[] = ['Created', 'Pending'];
/** A request or job in one of these is over. Jobs are documented as `Cancelled` in one API version: both. */
export const FINISHED_STATUSES: readonly string[] = ['Succeeded', 'Failed', 'Canceled', 'Cancelled'];
/** Jobs per sObject Collections request (CumulusCI inserts 200 per request; the collection's own limit). */
export const JOBS_PER_BATCH = 200;
/** Every org id starts with this key prefix. */
export const ORG_ID_PREFIX = '00D';
/** PackageSubscriber.InstalledStatus of an org that has the package installed. */
export const INSTALLED = 'i';
/** License statuses a push selects by default: Suspended and Uninstalled are left out unless asked for. */
export const DEFAULT_PUSH_STATUSES: readonly LicenseStatus[] = ['Active', 'Trial'];

export function isAbortable(status: string): boolean {
  return ABORTABLE_STATUSES.includes(status);
}

export function isFinished(status: string): boolean {
  return FINISHED_STATUSES.includes(status);
}

// ---------------------------------------------------------------------------------------------------
// The target

/** The version a push upgrades to, as the LMO's Package Version and the owner org know it. */
export interface PushTarget {
  /** The 04t id. */
  versionId: string;
  versionNumber: string | undefined;
  isBeta: boolean;
  isDeprecated?: boolean;
  /** The package's 033 id. */
  packageId: string | undefined;
  packageName?: string;
}

/** Why a version can't be pushed at all: a clear message before anything is created. */
export function targetProblem(target: PushTarget): string | undefined {
  if (!target.versionId || !isSalesforceId(target.versionId) || !target.versionId.startsWith('04t'))
    return `The version has no package version id (04t…): it can't be pushed.`;
  if (!target.packageId)
    return 'The package has no package id (033…): the LMA doesn\u2019t know which package to push.';
  if (target.isBeta)
    return `Version ${target.versionNumber ?? target.versionId} is a beta: only released versions can be pushed.`;
  if (target.isDeprecated)
    return `Version ${target.versionNumber ?? target.versionId} is deprecated: a deprecated version can't be pushed.`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// A pasted list of org ids

export interface OrgIdProblem {
  line: number;
  value: string;
  message: string;
}

/**
 * The org ids of a pasted list or file: one or more a line, separated by commas, spaces or tabs (a CSV
 * column of ids works); a header or an empty line is ignored only when the whole line has no id-like
 * text. Each id must be 15 or 18 letters and digits starting 00D; duplicates (15 and 18 alike) count once.
 */
export function parseOrgIdList(text: string): { ids: string[]; problems: OrgIdProblem[] } {
  const ids: string[] = [];
  const seen = new Set<string>();
  const problems: OrgIdProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const values = raw
      .split(/[\s,;]+/)
      .map((v) => v.replace(/^["']|["']$/g, ''))
      .filter(Boolean);
    if (index === 0 && values.length && values.every((v) => /^[A-Za-z_ ]+$/.test(v) && !/^00D/i.test(v)))
      return;
    for (const value of values) {
      const problem = orgIdProblem(value);
      if (problem) {
        problems.push({ line, value, message: problem });
        continue;
      }
      const id = toId18(value);
      if (seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
    }
  });
  return { ids, problems };
}

export function orgIdProblem(value: string): string | undefined {
  if (!/^[A-Za-z0-9]+$/.test(value)) return `“${value}” is not an org id: only letters and digits.`;
  if (value.length !== 15 && value.length !== 18)
    return `“${value}” has ${value.length} characters: an org id has 15 or 18.`;
  if (!value.startsWith(ORG_ID_PREFIX))
    return `“${value}” doesn't start with ${ORG_ID_PREFIX}: it is not an org id.`;
  if (value.length === 18 && toId18(value.slice(0, 15)) !== toId18(value))
    return `“${value}”: its last three characters don't match the first fifteen (a mistyped id?).`;
  return undefined;
}

export function describeOrgIdProblems(problems: readonly OrgIdProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message.replace(/\.$/, '')}`);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return `${problems.length} of the org ids can't be used, so nothing was pushed: ${shown.join('; ')}${more}.`;
}

// ---------------------------------------------------------------------------------------------------
// The selection

export type OrgTypeFilter = 'all' | 'sandbox' | 'production';

/**
 * Which orgs a push selects from the LMO. With `orgIds` (a pasted list), exactly those orgs, and the
 * other filters are not applied: the list is what the user chose.
 */
export interface PushSelection {
  /** Only Licenses on a version older than the target. */
  olderVersionsOnly: boolean;
  /** License statuses; Suspended and Uninstalled only when asked for. */
  statuses: readonly LicenseStatus[];
  orgType: OrgTypeFilter;
  /** A customer (Account or Lead company) name contains this. */
  customer?: string;
  orgIds?: readonly string[];
}

export const DEFAULT_SELECTION: PushSelection = {
  olderVersionsOnly: true,
  statuses: DEFAULT_PUSH_STATUSES,
  orgType: 'all',
};

/** One org as the LMO knows it: its License for this package. */
export interface PushCandidate {
  /** 18 characters. */
  orgId: string;
  customer: string | undefined;
  licenseStatus: string | undefined;
  isSandbox: boolean | undefined;
  /** The License's version number, as the LMO last heard. */
  versionNumber: string | undefined;
}

/** One org as the package's owner org knows it (PackageSubscriber). */
export interface Subscriber {
  /** 18 characters. */
  orgKey: string;
  orgName: string | undefined;
  orgType: string | undefined;
  orgStatus: string | undefined;
  installedStatus: string | undefined;
  /** The installed 04t. */
  versionId: string | undefined;
  /** The customer blocks push upgrades (HasRestrictionEnabled). */
  blocksPushes: boolean;
}

/** A version of the package: its number and whether it is a beta, by 04t. */
export interface KnownVersion {
  versionNumber: string | undefined;
  isBeta: boolean;
}

export const EXCLUSION_REASONS = [
  'betaTarget',
  'uninstalled',
  'notSubscriber',
  'orgInactive',
  'blocksPushes',
  'onBeta',
  'alreadyOnTarget',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  betaTarget: 'the target is a beta version',
  uninstalled: 'the package is uninstalled',
  notSubscriber: "not found among the package's subscribers",
  orgInactive: 'the org is inactive',
  blocksPushes: 'the customer blocks push upgrades',
  onBeta: 'on a beta version (a beta can\u2019t be upgraded)',
  alreadyOnTarget: 'already on the target version or above',
};

/** Why this org gets no job, or undefined when it gets one: the first reason that applies, in this order. */
export function exclusionReason(
  candidate: Pick<PushCandidate, 'licenseStatus'> | undefined,
  subscriber: Subscriber | undefined,
  target: PushTarget,
  versions: ReadonlyMap<string, KnownVersion>,
): ExclusionReason | undefined {
  if (target.isBeta) return 'betaTarget';
  if (candidate?.licenseStatus === 'Uninstalled') return 'uninstalled';
  if (!subscriber) return 'notSubscriber';
  if (subscriber.installedStatus !== INSTALLED) return 'uninstalled';
  if (subscriber.orgStatus === 'Inactive') return 'orgInactive';
  if (subscriber.blocksPushes) return 'blocksPushes';
  const installed = subscriber.versionId ? versions.get(toId18(subscriber.versionId)) : undefined;
  if (installed?.isBeta) return 'onBeta';
  if (subscriber.versionId && toId18(subscriber.versionId) === toId18(target.versionId))
    return 'alreadyOnTarget';
  if (installed && compareVersionNumbers(installed.versionNumber, target.versionNumber) >= 0)
    return 'alreadyOnTarget';
  return undefined;
}

export interface PlannedJob {
  orgId: string;
  customer: string | undefined;
  orgName: string | undefined;
  /** Production or Sandbox, as the owner org says. */
  orgType: string;
  orgStatus: string | undefined;
  licenseStatus: string | undefined;
  versionNumber: string;
}

export interface ExcludedOrg {
  orgId: string;
  customer: string | undefined;
  reason: ExclusionReason;
}

export interface PushPreview {
  target: PushTarget;
  /** One per org that gets a job: the preview's number is the number of jobs created, never more. */
  jobs: PlannedJob[];
  byVersion: Record<string, number>;
  byStatus: Record<string, number>;
  byOrgType: Record<string, number>;
  productionOrgs: number;
  excluded: ExcludedOrg[];
  excludedByReason: Partial<Record<ExclusionReason, number>>;
}

const UNKNOWN_VERSION = 'unknown version';

/**
 * The preview: every candidate org (deduplicated) gets a job or one exclusion reason. Candidates come
 * from the LMO (or a pasted list, with no License), subscribers from the owner org.
 */
export function buildPreview(
  candidates: readonly PushCandidate[],
  subscribers: readonly Subscriber[],
  target: PushTarget,
  versions: ReadonlyMap<string, KnownVersion>,
): PushPreview {
  const byKey = new Map(subscribers.map((s) => [toId18(s.orgKey), s]));
  const preview: PushPreview = {
    target,
    jobs: [],
    byVersion: {},
    byStatus: {},
    byOrgType: {},
    productionOrgs: 0,
    excluded: [],
    excludedByReason: {},
  };
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const orgId = toId18(candidate.orgId);
    if (seen.has(orgId)) continue;
    seen.add(orgId);
    const subscriber = byKey.get(orgId);
    const reason = exclusionReason(candidate, subscriber, target, versions);
    if (reason) {
      preview.excluded.push({ orgId, customer: candidate.customer ?? subscriber?.orgName, reason });
      preview.excludedByReason[reason] = (preview.excludedByReason[reason] ?? 0) + 1;
      continue;
    }
    const s = subscriber as Subscriber;
    const installed = s.versionId ? versions.get(toId18(s.versionId)) : undefined;
    const versionNumber = installed?.versionNumber ?? candidate.versionNumber ?? UNKNOWN_VERSION;
    const orgType = s.orgType ?? (candidate.isSandbox ? 'Sandbox' : 'Production');
    const status = candidate.licenseStatus ?? 'no License';
    preview.jobs.push({
      orgId,
      customer: candidate.customer ?? s.orgName,
      orgName: s.orgName,
      orgType,
      orgStatus: s.orgStatus,
      licenseStatus: candidate.licenseStatus,
      versionNumber,
    });
    preview.byVersion[versionNumber] = (preview.byVersion[versionNumber] ?? 0) + 1;
    preview.byStatus[status] = (preview.byStatus[status] ?? 0) + 1;
    preview.byOrgType[orgType] = (preview.byOrgType[orgType] ?? 0) + 1;
    if (orgType !== 'Sandbox') preview.productionOrgs++;
  }
  return preview;
}

/** One line for the preview's head: jobs, by org type, and what was left out. */
export function describePreview(preview: PushPreview): string {
  const jobs = preview.jobs.length;
  const sandboxes = preview.byOrgType.Sandbox ?? 0;
  const head = `${jobs} ${jobs === 1 ? 'org' : 'orgs'} will get a job (${preview.productionOrgs} production, ${sandboxes} sandbox)`;
  const excluded = preview.excluded.length;
  if (!excluded) return `${head}.`;
  const reasons = EXCLUSION_REASONS.filter((r) => preview.excludedByReason[r])
    .map((r) => `${preview.excludedByReason[r]} ${EXCLUSION_TEXT[r]}`)
    .join(', ');
  return `${head}; ${excluded} left out: ${reasons}.`;
}

/** Why a preview may not be scheduled: no job, or a target that can't be pushed. */
export function previewProblem(preview: PushPreview): string | undefined {
  const problem = targetProblem(preview.target);
  if (problem) return problem;
  if (!preview.jobs.length)
    return preview.excluded.length
      ? `No org can get a job: ${describePreview(preview)} Nothing was scheduled.`
      : 'No org matches the selection: nothing was scheduled.';
  return undefined;
}

/**
 * The confirmation a push asks before anything is created: typed, naming the number of production orgs
 * (a sandbox-only push asks a plain confirmation).
 */
export function pushConfirmation(preview: PushPreview, when: Date | undefined): Confirmation {
  const jobs = preview.jobs.length;
  const version = preview.target.versionNumber ?? preview.target.versionId;
  const schedule = when ? ` at ${describeSchedule(when).both}` : ' now';
  const message = `Push version ${version} to ${jobs} ${jobs === 1 ? 'org' : 'orgs'}${schedule}?`;
  if (!preview.productionOrgs) return { kind: 'confirm', message: `${message} All of them are sandboxes.` };
  const phrase = `${preview.productionOrgs} production`;
  return {
    kind: 'typed',
    message: `${message} ${preview.productionOrgs} of them ${preview.productionOrgs === 1 ? 'is a production org' : 'are production orgs'}: customers' live orgs.`,
    prompt: `Type “${phrase}” to confirm.`,
    accepts: [phrase],
  };
}

// ---------------------------------------------------------------------------------------------------
// Scheduling

/** Items in consecutive batches of `size`. */
export function inBatches<T>(items: readonly T[], size = JOBS_PER_BATCH): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A scheduled time in local time and in UTC (PackagePushRequest.ScheduledStartTime is UTC). */
export function describeSchedule(when: Date): { local: string; utc: string; both: string } {
  const local = `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())} ${two(when.getHours())}:${two(when.getMinutes())}`;
  const offset = -when.getTimezoneOffset();
  const zone = `UTC${offset >= 0 ? '+' : '-'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  const utc = `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return { local: `${local} (${zone})`, utc, both: `${local} local (${zone}), ${utc}` };
}

/** A schedule a user typed ("now", an ISO time with or without a zone): a time to come, or a message. */
export function parseSchedule(text: string, now: Date): { when: Date | undefined } | { problem: string } {
  const trimmed = text.trim();
  if (!trimmed || /^now$/i.test(trimmed)) return { when: undefined };
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed))
    return { problem: `“${trimmed}” is not a time: write 2026-12-24T09:30 (local), …Z (UTC), or now.` };
  const when = new Date(trimmed.replace(' ', 'T'));
  if (Number.isNaN(when.getTime())) return { problem: `“${trimmed}” is not a valid time.` };
  if (when.getTime() <= now.getTime())
    return { problem: `${describeSchedule(when).both} has passed: choose a later time, or now.` };
  return { when };
}

/** The wait before the next poll of a running request: 2 s doubling to 30 s. */
export function pollDelay(attempt: number): number {
  return Math.min(30_000, 2_000 * 2 ** Math.max(0, attempt));
}

// ---------------------------------------------------------------------------------------------------
// Failures

export interface PushFailure {
  orgId: string;
  customer: string | undefined;
  errorType: string;
  title: string;
  message: string;
  details: string;
  severity: string;
}

export interface FailureGroup {
  errorType: string;
  title: string;
  failures: PushFailure[];
}

/** Failures grouped by error type and title, the largest group first, orgs in id order within one. */
export function groupFailures(failures: readonly PushFailure[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const failure of failures) {
    const key = `${failure.errorType}\u0000${failure.title}`;
    let group = groups.get(key);
    if (!group)
      groups.set(key, (group = { errorType: failure.errorType, title: failure.title, failures: [] }));
    group.failures.push(failure);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, failures: [...g.failures].sort((a, b) => a.orgId.localeCompare(b.orgId)) }))
    .sort(
      (a, b) =>
        b.failures.length - a.failures.length ||
        a.errorType.localeCompare(b.errorType) ||
        a.title.localeCompare(b.title),
    );
}

function csvCell(value: string | undefined): string {
  const text = value ?? '';
  // A cell that a spreadsheet would run as a formula starts with a quote mark.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The failures as CSV, one row per error. */
export function failuresCsv(failures: readonly PushFailure[]): string {
  const header = ['Org ID', 'Customer', 'Error Type', 'Severity', 'Title', 'Message', 'Details'];
  const rows = failures.map((f) =>
    [f.orgId, f.customer, f.errorType, f.severity, f.title, f.message, f.details].map(csvCell).join(','),
  );
  return [header.join(','), ...rows].join('\r\n') + '\r\n';
}

const table = (title: string, by: Record<string, number>): string[] =>
  Object.keys(by).length
    ? [`| ${title} | Orgs |`, '| --- | ---: |', ...Object.entries(by).map(([k, n]) => `| ${k} | ${n} |`), '']
    : [];

/** The preview as a Markdown report: the head line, jobs by version, status and org type, the orgs left out. */
export function previewMarkdown(preview: PushPreview): string {
  const version = preview.target.versionNumber ?? preview.target.versionId;
  return [
    `# Push ${preview.target.packageName ?? 'the package'} ${version}`,
    '',
    describePreview(preview),
    '',
    ...table('Current version', preview.byVersion),
    ...table('License status', preview.byStatus),
    ...table('Org type', preview.byOrgType),
    ...(preview.excluded.length
      ? [
          '## Left out',
          '',
          '| Org | Customer | Why |',
          '| --- | --- | --- |',
          ...preview.excluded.map(
            (e) =>
              `| ${e.orgId} | ${(e.customer ?? '').replace(/\|/g, '\\|')} | ${EXCLUSION_TEXT[e.reason]} |`,
          ),
          '',
        ]
      : []),
  ].join('\n');
}
