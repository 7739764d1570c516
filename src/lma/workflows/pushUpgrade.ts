/**
 * Push upgrades, the use cases: plan (the preview), schedule (the request, its jobs in batches of 200
 * through sObject Collections, then Status = Pending), watch (poll with backoff until it ends), the
 * failures grouped, retry of only the failed orgs, abort. The LMO (`lmo`) answers which orgs; the
 * package's owner org (`owner`: the Dev Hub or the 1GP packaging org, the same session when the LMO
 * owns the package) holds the push objects. Outcomes a user reads are a report, never a throw.
 */
import { LmoError } from '../../base/lmoError';
import {
  reportAbandonedIngestJobs,
  runIngestJob,
  type IngestOutcome,
  type IngestRowResult,
} from '../records/bulkIngest';
import type { BulkJobLedger } from '../records/bulkQuery';
import { queryAll, queryAllInFew, queryPage, type LmoApi } from '../records/lmoApi';
import { PUSH_OBJECTS } from '../records/objects';
import {
  chunk,
  readCandidates,
  readOwnerVersion,
  readSubscribers,
  versionsById,
  type PushScope,
} from '../records/pushUpgrade';
import { literal, toId15, toId18 } from '../records/soql';
import {
  buildPreview,
  DEFAULT_SELECTION,
  inBatches,
  isAbortable,
  isFinished,
  pollDelay,
  previewProblem,
  targetProblem,
  type PushFailure,
  type PushPreview,
  type PushSelection,
} from '../rules/pushUpgrade';

/** A pasted list this long or shorter asks the owner org for those orgs only; a longer one reads them all. */
const LISTED_SUBSCRIBERS_LIMIT = 2000;

/**
 * The preview of a push: the candidate orgs from the LMO, the package's subscribers from the owner org,
 * one job or one exclusion reason per org. Throws when the target can't be pushed: before any read
 * when the LMA says so, after the reads (nothing written) when the owner org does.
 */
export async function planPush(
  lmo: LmoApi,
  owner: LmoApi,
  scope: PushScope,
  selection: PushSelection = DEFAULT_SELECTION,
): Promise<PushPreview> {
  const problem = targetProblem(scope.target);
  if (problem) throw new LmoError('salesforce', problem);
  const listed =
    selection.orgIds && selection.orgIds.length <= LISTED_SUBSCRIBERS_LIMIT ? selection.orgIds : undefined;
  // The three reads at once (each page after a query's first in one composite request): the owner
  // org's word on the target, the LMO's candidates and the package's subscribers.
  const [known, candidates, subscribers] = await Promise.all([
    readOwnerVersion(owner, scope.target.versionId),
    readCandidates(lmo, scope, selection),
    readSubscribers(owner, scope.target.packageId!, listed),
  ]);
  // The owner org knows what the LMA doesn't: a deprecated version (or a beta the LMA lists as released).
  if (known) {
    const ownerProblem = targetProblem({
      ...scope.target,
      isBeta: known.isBeta,
      isDeprecated: known.isDeprecated,
    });
    if (ownerProblem) throw new LmoError('salesforce', ownerProblem);
  }
  return buildPreview(candidates, subscribers, scope.target, versionsById(scope.versions));
}

/** An org Salesforce refused a job for, with its reason (as the CLI's failure log has it). */
export interface RefusedJob {
  orgId: string;
  message: string;
}

/**
 * How a schedule ended; `abandoned`: what the ingest jobs an earlier schedule (or bulk change) in the
 * same org left behind had written, found and cleaned first (`abandonedIngestMessage`);
 * `abandonedRequests`: the push requests those jobs created jobs in (to abort or finish).
 */
export type ScheduleReport = (
  | {
      kind: 'started';
      requestId: string;
      jobs: number;
      refused: RefusedJob[];
      scheduledFor: string | undefined;
    }
  | { kind: 'notStarted'; requestId: string | undefined; refused: RefusedJob[]; message: string }
  | {
      kind: 'interrupted';
      requestId: string;
      created: number;
      /** The orgs whose jobs were not created yet: finish with `finishSchedule`, or `abortPush`. */
      remaining: string[];
      refused: RefusedJob[];
      message: string;
    }
  | { kind: 'refused'; message: string }
) & { abandoned?: string[]; abandonedRequests?: string[] };

export interface ScheduleOptions {
  /** When to start; now when absent. */
  when?: Date;
  signal?: AbortSignal;
  onProgress?: (created: number, total: number) => void;
  /**
   * Jobs from this many on go through one Bulk API 2.0 ingest job (the setting
   * `lma.pushUpgrade.ingestThreshold`; absent: `BULK_JOBS_THRESHOLD`); 0: always sObject Collections.
   */
  ingestThreshold?: number;
  /**
   * The owner org's ingest jobs not yet deleted (VS Code's global state, the ledger bulk License changes
   * use, by org id): each job is recorded before its upload, and the jobs a crash left are cleaned and
   * reported first. Absent (the CLI): no ledger, the job is still deleted at its end.
   */
  ingestJobs?: BulkJobLedger;
}

/**
 * From this many jobs on, a push's jobs go through one Bulk API 2.0 ingest job (as
 * `sf package push-upgrade schedule` inserts them) instead of sObject Collections of 200: 2,000 jobs
 * are 10 Collections requests, and an ingest job takes about 6 (create, upload, close, 1–2 polls,
 * failed results) whatever the number of jobs (bench/pushUpgrade.ts, CONTRIBUTING).
 */
export const BULK_JOBS_THRESHOLD = 2000;

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: { statusCode?: string; message?: string }[];
}

/**
 * Schedules a previewed push: inserts the request, its jobs in batches of 200, then starts it. A request
 * with no valid job is canceled (never started) and the report says why; a connection lost while jobs
 * are created leaves the request not started, with the orgs still to add.
 */
export async function schedulePush(
  owner: LmoApi,
  preview: PushPreview,
  options: ScheduleOptions = {},
): Promise<ScheduleReport> {
  const problem = previewProblem(preview);
  if (problem) return { kind: 'refused', message: problem };
  const abandoned = await cleanAbandoned(owner, options);
  const body: Record<string, string> = { PackageVersionId: preview.target.versionId };
  if (options.when) body.ScheduledStartTime = options.when.toISOString();
  let requestId: string;
  try {
    requestId = (
      await owner.request<SaveResult>(`/sobjects/${PUSH_OBJECTS.pushRequest}`, { method: 'POST', body })
    ).id!;
  } catch (error) {
    return {
      kind: 'refused',
      message: `The owner org refused the push request: ${messageOf(error)}`,
      ...abandoned,
    };
  }
  const report = await addJobsAndStart(
    owner,
    requestId,
    preview.jobs.map((j) => j.orgId),
    0,
    options,
  );
  return { ...report, ...abandoned };
}

/**
 * The ingest jobs a crash left in the owner org, cleaned first (aborted, deleted), as the report says
 * them, with the push requests they created jobs in.
 */
async function cleanAbandoned(
  owner: LmoApi,
  options: ScheduleOptions,
): Promise<Pick<ScheduleReport, 'abandoned' | 'abandonedRequests'>> {
  const { messages, pushRequests } = await reportAbandonedIngestJobs(owner, options.ingestJobs);
  return {
    ...(messages.length && { abandoned: messages }),
    ...(pushRequests.length && { abandonedRequests: pushRequests }),
  };
}

/**
 * Adds the jobs still missing of an interrupted request and starts it. Orgs that have a job in the
 * request already (an ingest job that went on after the connection was lost) are left out.
 */
export async function finishSchedule(
  owner: LmoApi,
  requestId: string,
  remaining: readonly string[],
  options: ScheduleOptions = {},
): Promise<ScheduleReport> {
  const abandoned = await cleanAbandoned(owner, options);
  let existing: JobRow[];
  try {
    existing = await queryAllInFew<JobRow>(
      owner,
      `SELECT Id, SubscriberOrganizationKey FROM ${PUSH_OBJECTS.pushJob} WHERE PackagePushRequestId = ${literal(requestId)}`,
    );
  } catch (error) {
    return {
      kind: 'interrupted',
      requestId,
      created: 0,
      remaining: [...remaining],
      refused: [],
      message: `The owner org could not be read (${messageOf(error)}): the request is not started. Finish it or abort it.`,
      ...abandoned,
    };
  }
  const have = new Set(existing.map((j) => toId18(j.SubscriberOrganizationKey)));
  const report = await addJobsAndStart(
    owner,
    requestId,
    remaining.filter((id) => !have.has(toId18(id))),
    have.size,
    options,
  );
  return { ...report, ...abandoned };
}

/** Adds the jobs of `orgIds` to a request that has `existing` jobs already, and starts it. */
async function addJobsAndStart(
  owner: LmoApi,
  requestId: string,
  orgIds: readonly string[],
  existing: number,
  options: ScheduleOptions,
): Promise<ScheduleReport> {
  const threshold = options.ingestThreshold ?? BULK_JOBS_THRESHOLD;
  if (orgIds.length && threshold > 0 && orgIds.length >= threshold) {
    const added = await addJobsInBulk(owner, requestId, orgIds, options);
    if ('kind' in added) return added;
    return start(owner, requestId, existing + added.created, added.refused, options);
  }
  const refused: RefusedJob[] = [];
  let created = 0;
  const batches = inBatches(orgIds);
  for (const [index, batch] of batches.entries()) {
    const remaining = batches.slice(index).flat();
    if (options.signal?.aborted)
      return {
        kind: 'interrupted',
        requestId,
        created,
        remaining,
        refused,
        message: 'Cancelled while the jobs were created: the request is not started.',
      };
    let results: SaveResult[];
    try {
      results = await owner.request<SaveResult[]>('/composite/sobjects', {
        method: 'POST',
        body: {
          allOrNone: false,
          records: batch.map((orgId) => ({
            attributes: { type: PUSH_OBJECTS.pushJob },
            PackagePushRequestId: requestId,
            SubscriberOrganizationKey: orgId,
          })),
        },
      });
    } catch (error) {
      return {
        kind: 'interrupted',
        requestId,
        created,
        remaining,
        refused,
        message: `The connection failed after ${created} of ${orgIds.length} jobs (${messageOf(error)}): the request is not started. Finish it or abort it.`,
      };
    }
    results.forEach((result, i) => {
      if (result.success) created++;
      else
        refused.push({
          orgId: batch[i]!,
          message:
            (result.errors ?? [])
              .map((e) => `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}`.trim())
              .join('; ') || 'refused',
        });
    });
    options.onProgress?.(created, orgIds.length);
  }
  return start(owner, requestId, existing + created, refused, options);
}

/** Starts a request that holds `jobs` jobs (those it had and those added now), or cancels it when it has none. */
async function start(
  owner: LmoApi,
  requestId: string,
  jobs: number,
  refused: RefusedJob[],
  options: ScheduleOptions,
): Promise<ScheduleReport> {
  if (!jobs) {
    await owner
      .request(`/sobjects/${PUSH_OBJECTS.pushRequest}/${requestId}`, {
        method: 'PATCH',
        body: { Status: 'Canceled' },
      })
      .catch(() => undefined);
    return {
      kind: 'notStarted',
      requestId,
      refused,
      message: `Salesforce refused every job (${refused.length}), so the request was not started and is canceled.`,
    };
  }
  try {
    await owner.request(`/sobjects/${PUSH_OBJECTS.pushRequest}/${requestId}`, {
      method: 'PATCH',
      body: { Status: 'Pending' },
    });
  } catch (error) {
    return {
      kind: 'interrupted',
      requestId,
      created: jobs,
      remaining: [],
      refused,
      message: `The jobs are created but the request could not be started (${messageOf(error)}). Finish it or abort it.`,
    };
  }
  return { kind: 'started', requestId, jobs, refused, scheduledFor: options.when?.toISOString() };
}

/**
 * The jobs in one Bulk API 2.0 ingest job (`runIngestJob`: create, record in the ledger, upload the CSV,
 * UploadComplete, poll, results, delete the job in the org and then in the ledger), each refused org with
 * its error as the Collections path reports it. A failure on the way leaves the request Created: the
 * report is `interrupted` with every org (`finishSchedule` leaves out those whose job was created after all).
 */
async function addJobsInBulk(
  owner: LmoApi,
  requestId: string,
  orgIds: readonly string[],
  options: ScheduleOptions,
): Promise<{ created: number; refused: RefusedJob[] } | ScheduleReport> {
  const interrupted = (message: string): ScheduleReport => ({
    kind: 'interrupted',
    requestId,
    created: 0,
    remaining: [...orgIds],
    refused: [],
    message,
  });
  let outcome: IngestOutcome;
  try {
    outcome = await runIngestJob(owner, {
      object: PUSH_OBJECTS.pushJob,
      operation: 'insert',
      rows: orgIds.map((orgId) => ({ PackagePushRequestId: requestId, SubscriberOrganizationKey: orgId })),
      signal: options.signal,
      jobs: options.ingestJobs,
      // The created jobs' ids are not needed: the failures say which orgs have none (as the CLI reads them).
      failedOnly: true,
      pollMs: 250,
      maxPollMs: 2000,
    });
  } catch (error) {
    return interrupted(
      `The connection failed while the ${orgIds.length} jobs were created in bulk (${messageOf(error)}): the request is not started. Finish it or abort it.`,
    );
  }
  if (options.signal?.aborted && outcome.state === 'Aborted')
    return interrupted('Cancelled while the jobs were created: the request is not started.');
  if (outcome.state !== 'JobComplete')
    return interrupted(
      `Salesforce did not create the jobs (the ingest job ${outcome.jobId} is ${outcome.state}${outcome.errorMessage ? `: ${outcome.errorMessage}` : ''}): the request is not started. Finish it or abort it.`,
    );
  const refused: RefusedJob[] = [];
  let created = 0;
  outcome.results.forEach((result, i) => {
    if (result.kind === 'success') created++;
    else
      refused.push({
        orgId: toId18(orgIds[i]!),
        message: refusalMessage(result),
      });
  });
  options.onProgress?.(created, orgIds.length);
  return { created, refused };
}

/** An org's row of the ingest job that created no job, worded as the Collections path words it (`CODE: message`). */
export function refusalMessage(result: IngestRowResult): string {
  if (result.kind === 'success') return '';
  if (result.kind === 'unprocessed') return 'Not processed: the ingest job ended before this org.';
  return result.errorCode ? `${result.errorCode}: ${result.message}` : result.message;
}

export interface PushRequestState {
  id: string;
  versionId: string;
  status: string;
  scheduledStartTime: string | undefined;
  startTime: string | undefined;
  endTime: string | undefined;
  createdDate: string | undefined;
  /** Jobs by status. */
  jobs: Record<string, number>;
}

interface RequestRow {
  Id: string;
  PackageVersionId: string;
  Status: string;
  ScheduledStartTime?: string | null;
  StartTime?: string | null;
  EndTime?: string | null;
  CreatedDate?: string | null;
}

const REQUEST_FIELDS = 'Id, PackageVersionId, Status, ScheduledStartTime, StartTime, EndTime, CreatedDate';

/** Jobs of a request by status: one aggregate. */
export async function jobCounts(owner: LmoApi, requestId: string): Promise<Record<string, number>> {
  const page = await queryPage<{ Status: string; total: number }>(
    owner,
    `SELECT Status, COUNT(Id) total FROM ${PUSH_OBJECTS.pushJob} WHERE PackagePushRequestId = ${literal(requestId)} GROUP BY Status`,
  );
  return Object.fromEntries(page.records.map((r) => [r.Status, r.total]));
}

/** A request's state and its jobs by status (two requests). */
export async function readPushRequest(
  owner: LmoApi,
  requestId: string,
): Promise<PushRequestState | undefined> {
  const [page, jobs] = await Promise.all([
    queryPage<RequestRow>(
      owner,
      `SELECT ${REQUEST_FIELDS} FROM ${PUSH_OBJECTS.pushRequest} WHERE Id = ${literal(requestId)}`,
    ),
    jobCounts(owner, requestId),
  ]);
  const row = page.records[0];
  return row ? { ...toState(row), jobs } : undefined;
}

/** The push requests of these versions (a package's), newest first. */
export async function listPushRequests(
  owner: LmoApi,
  versionIds: readonly string[],
  limit = 50,
): Promise<PushRequestState[]> {
  if (!versionIds.length) return [];
  const forms = [...new Set(versionIds.flatMap((id) => [toId15(id), toId18(id)]))];
  const page = await queryPage<RequestRow>(
    owner,
    `SELECT ${REQUEST_FIELDS} FROM ${PUSH_OBJECTS.pushRequest} WHERE PackageVersionId IN (${forms.map(literal).join(', ')}) ORDER BY CreatedDate DESC LIMIT ${limit}`,
  );
  return page.records.map((row) => ({ ...toState(row), jobs: {} }));
}

function toState(row: RequestRow): Omit<PushRequestState, 'jobs'> {
  return {
    id: row.Id,
    versionId: row.PackageVersionId,
    status: row.Status,
    scheduledStartTime: row.ScheduledStartTime ?? undefined,
    startTime: row.StartTime ?? undefined,
    endTime: row.EndTime ?? undefined,
    createdDate: row.CreatedDate ?? undefined,
  };
}

export interface WatchOptions {
  signal?: AbortSignal;
  onUpdate?: (state: PushRequestState) => void;
  /** The wait before poll `attempt` (tests and benchmarks give a shorter one). */
  delay?: (attempt: number) => number;
}

/** Polls a request with backoff until it ends (or `signal` aborts): its last state. */
export async function watchPush(
  owner: LmoApi,
  requestId: string,
  options: WatchOptions = {},
): Promise<PushRequestState> {
  const delay = options.delay ?? pollDelay;
  for (let attempt = 0; ; attempt++) {
    const state = await readPushRequest(owner, requestId);
    if (!state) throw new LmoError('salesforce', `No push request ${requestId} in the owner org.`);
    options.onUpdate?.(state);
    if (isFinished(state.status)) return state;
    await wait(delay(attempt), options.signal);
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => Object.assign(new Error('Cancelled'), { name: 'AbortError' });
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface JobRow {
  Id: string;
  SubscriberOrganizationKey: string;
}
interface ErrorRow {
  PackagePushJobId: string;
  ErrorSeverity?: string | null;
  ErrorType?: string | null;
  ErrorTitle?: string | null;
  ErrorMessage?: string | null;
  ErrorDetails?: string | null;
}

/** Job ids per `IN` list of the error query. */
const JOBS_PER_QUERY = 300;

/**
 * The failures of a request: each failed job's errors, with the org and (from the LMO, when given) the
 * customer's name. A failed job without an error row is one UnclassifiedError.
 */
export async function readFailures(owner: LmoApi, requestId: string, lmo?: LmoApi): Promise<PushFailure[]> {
  const jobs = await queryAll<JobRow>(
    owner,
    `SELECT Id, SubscriberOrganizationKey FROM ${PUSH_OBJECTS.pushJob} WHERE PackagePushRequestId = ${literal(requestId)} AND Status = 'Failed'`,
  );
  const errors: ErrorRow[] = [];
  for (const ids of chunk(
    jobs.map((j) => j.Id),
    JOBS_PER_QUERY,
  ))
    errors.push(
      ...(await queryAll<ErrorRow>(
        owner,
        `SELECT PackagePushJobId, ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage, ErrorDetails FROM ${PUSH_OBJECTS.pushError} WHERE PackagePushJobId IN (${ids.map(literal).join(', ')})`,
      )),
    );
  const customers = lmo
    ? await customerNames(
        lmo,
        jobs.map((j) => j.SubscriberOrganizationKey),
      )
    : new Map<string, string>();
  const byJob = new Map<string, ErrorRow[]>();
  for (const error of errors) {
    const key = toId18(error.PackagePushJobId);
    byJob.set(key, [...(byJob.get(key) ?? []), error]);
  }
  return jobs.flatMap((job) => {
    const orgId = toId18(job.SubscriberOrganizationKey);
    const rows = byJob.get(toId18(job.Id)) ?? [{ PackagePushJobId: job.Id }];
    return rows.map((e) => ({
      orgId,
      customer: customers.get(orgId),
      errorType: e.ErrorType ?? 'UnclassifiedError',
      title: e.ErrorTitle ?? 'No error recorded',
      message: e.ErrorMessage ?? '',
      details: e.ErrorDetails ?? '',
      severity: e.ErrorSeverity ?? 'Error',
    }));
  });
}

async function customerNames(lmo: LmoApi, orgIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const ids of chunk(orgIds, 400)) {
    const forms = ids.flatMap((id) => [toId15(id), toId18(id)]);
    const rows = await queryAll<{
      sfLma__Subscriber_Org_ID__c: string | null;
      sfLma__Account__r?: { Name: string | null } | null;
      sfLma__Lead__r?: { Company: string | null } | null;
    }>(
      lmo,
      `SELECT sfLma__Subscriber_Org_ID__c, sfLma__Account__r.Name, sfLma__Lead__r.Company FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN (${forms.map(literal).join(', ')})`,
    );
    for (const row of rows) {
      const name = row.sfLma__Account__r?.Name ?? row.sfLma__Lead__r?.Company;
      if (row.sfLma__Subscriber_Org_ID__c && name) names.set(toId18(row.sfLma__Subscriber_Org_ID__c), name);
    }
  }
  return names;
}

/** The orgs whose jobs failed in a request: a retry's selection (the same preview follows). */
export async function failedOrgs(owner: LmoApi, requestId: string): Promise<string[]> {
  const jobs = await queryAll<JobRow>(
    owner,
    `SELECT Id, SubscriberOrganizationKey FROM ${PUSH_OBJECTS.pushJob} WHERE PackagePushRequestId = ${literal(requestId)} AND Status = 'Failed'`,
  );
  return [...new Set(jobs.map((j) => toId18(j.SubscriberOrganizationKey)))];
}

/** The preview of a retry: only the failed orgs of `requestId`, to the same target. */
export async function planRetry(
  lmo: LmoApi,
  owner: LmoApi,
  scope: PushScope,
  requestId: string,
): Promise<PushPreview> {
  const orgIds = await failedOrgs(owner, requestId);
  return planPush(lmo, owner, scope, { ...DEFAULT_SELECTION, orgIds });
}

export type AbortReport =
  | { kind: 'aborted'; requestId: string }
  | { kind: 'refused'; requestId: string; status: string | undefined; message: string };

/** Cancels a request that is still Created or Pending; any other status is refused with the reason. */
export async function abortPush(owner: LmoApi, requestId: string): Promise<AbortReport> {
  const state = await readPushRequest(owner, requestId);
  if (!state)
    return {
      kind: 'refused',
      requestId,
      status: undefined,
      message: `No push request ${requestId} in the owner org.`,
    };
  if (!isAbortable(state.status))
    return {
      kind: 'refused',
      requestId,
      status: state.status,
      message: `The request is ${state.status}: only a request that is Created or Pending can be aborted.`,
    };
  try {
    await owner.request(`/sobjects/${PUSH_OBJECTS.pushRequest}/${requestId}`, {
      method: 'PATCH',
      body: { Status: 'Canceled' },
    });
  } catch (error) {
    return {
      kind: 'refused',
      requestId,
      status: state.status,
      message: `Salesforce refused the abort: ${messageOf(error)}`,
    };
  }
  return { kind: 'aborted', requestId };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
