/**
 * Reading Licenses for editing, and writing changes so that no one's change is overwritten unseen.
 *
 * One License: the save re-reads the License just before the write and compares its LastModifiedDate
 * with the one the form loaded (any change since is a conflict, nothing is written), then PATCHes with
 * `If-Unmodified-Since`. That header has one-second resolution, so the re-read is made only once the
 * org's clock has passed the second of the loaded version: a change after the re-read then always has a
 * later second and gets 412. Bulk writes go through sObject Collections, which take no such header: each
 * chunk is re-read just before its write, and License History is read after it to report any change that
 * landed in between. Past `ingestThreshold` Licenses, a bulk change writes through one Bulk API 2.0 ingest
 * job instead (records/bulkIngest.ts), with the same guard rails: every License is re-read just before the
 * upload (changed or deleted ones are left out), read back after the job with License History, and
 * reported in the same lists.
 */
import {
  apiFieldOf,
  isConfirmed,
  lmaStatusLag,
  normalizeExpiration,
  planLicenseChange,
  type BulkPlan,
  type ChangePlan,
  type Confirmation,
  type EditableLicense,
  type LicenseChange,
} from '../rules/licenseChanges';
import { COLLECTION_SIZE, loadEditableLicense, loadEditableLicenses } from '../records/editableLicenses';
import { loadHistorySince } from '../records/licenseHistory';
import type { LmoApi } from '../records/lmoApi';
import { LICENSE_OBJECT } from '../records/objects';
import {
  IngestResultsUnknown,
  reportAbandonedIngestJobs,
  runIngestJob,
  type IngestOptions,
} from '../records/bulkIngest';
import type { BulkJobLedger } from '../records/bulkQuery';
import { LmoError } from '../../base/lmoError';
import { toLmoError } from '../../org/errors';

// The reads moved to records/ and the status rule to rules/: callers outside the domain keep these names.
export { loadEditableLicense, loadEditableLicenses } from '../records/editableLicenses';
export { loadLicenseHistory, type HistoryEntry } from '../records/licenseHistory';

/** What the session offers beyond requests: a lower bound of the org's clock (from its Date headers). */
export interface LmoClock {
  /** Milliseconds since the epoch that the org's clock has certainly reached, when known. */
  serverTimeAtLeast?(): number | undefined;
}

export type EditApi = LmoApi & LmoClock;

export type SaveOutcome =
  /** `lmaStatusBehind`: the re-read License's LMA status disagrees with its Status (lmaStatusLag). */
  | { kind: 'saved'; license: EditableLicense; message: string; lmaStatusBehind?: string }
  | { kind: 'unchanged' }
  | { kind: 'refused'; plan: ChangePlan & { kind: 'refused' } }
  | { kind: 'needsConfirmation'; message: string }
  /** Someone changed the License since the form loaded it: nothing was written. */
  | { kind: 'conflict'; current: EditableLicense; message: string }
  | { kind: 'deleted'; message: string }
  | { kind: 'failed'; message: string; errorCode: string | undefined };

export interface SaveOptions {
  today?: Date;
  /** What the user typed for a typed confirmation (or true for a plain one). */
  confirmed: string | boolean;
  /** Waits are short (at most about two seconds); tests may replace the timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Writes `change` to the License as `loaded` saw it, re-checking every rule and the confirmation here,
 * so no adapter can skip them. Never overwrites a change made since `loaded` was read.
 */
export async function saveLicenseChange(
  api: EditApi,
  loaded: EditableLicense,
  change: LicenseChange,
  options: SaveOptions,
): Promise<SaveOutcome> {
  const today = options.today ?? new Date();
  const plan = planLicenseChange(loaded, change, today);
  if (plan.kind === 'refused') return { kind: 'refused', plan };
  if (plan.kind === 'unchanged') return { kind: 'unchanged' };
  if (!confirmationGiven(plan.confirmation, options.confirmed))
    return {
      kind: 'needsConfirmation',
      message: plan.confirmation.kind === 'none' ? '' : plan.confirmation.message,
    };

  await waitPastSecondOf(api, loaded.lastModifiedDate, options.sleep);
  const current = await loadEditableLicense(api, loaded.id);
  if (!current) return deleted(loaded);
  if (current.lastModifiedDate !== loaded.lastModifiedDate) return conflict(current);

  try {
    await api.request(`/sobjects/${LICENSE_OBJECT}/${loaded.id}`, {
      method: 'PATCH',
      body: plan.fields,
      headers: { 'If-Unmodified-Since': new Date(loaded.lastModifiedDate).toUTCString() },
    });
  } catch (error) {
    const failure = toLmoError(error);
    if (isPreconditionFailed(failure)) {
      const now = await loadEditableLicense(api, loaded.id);
      return now ? conflict(now) : deleted(loaded);
    }
    if (failure.errorCode === 'ENTITY_IS_DELETED' || failure.errorCode === 'NOT_FOUND')
      return deleted(loaded);
    if (failure.kind !== 'salesforce') throw failure;
    return {
      kind: 'failed',
      message: `Salesforce refused the change: ${failure.message}`,
      errorCode: failure.errorCode,
    };
  }
  // Re-read after every save: what the org holds now, and whether the LMA's own status followed.
  const after = (await loadEditableLicense(api, loaded.id)) ?? current;
  const summary = plan.changes.map((c) => `${c.label} ${c.before} → ${c.after}`).join(', ');
  const behind = lmaStatusLag(after);
  return {
    kind: 'saved',
    license: after,
    message: `Saved ${loaded.name}: ${summary}.${behind ? ` ${behind}` : ''}`,
    ...(behind ? { lmaStatusBehind: behind } : {}),
  };
}

function confirmationGiven(confirmation: Confirmation, given: string | boolean): boolean {
  if (confirmation.kind === 'none') return true;
  if (confirmation.kind === 'confirm') return given !== false;
  return typeof given === 'string' && isConfirmed(confirmation, given);
}

function conflict(current: EditableLicense): SaveOutcome {
  const by = current.lastModifiedBy ? ` by ${current.lastModifiedBy}` : '';
  return {
    kind: 'conflict',
    current,
    message: `${current.name} was changed${by} at ${current.lastModifiedDate} after this form loaded it. Nothing was saved: review its current values and apply your change again.`,
  };
}

function deleted(loaded: EditableLicense): SaveOutcome {
  return {
    kind: 'deleted',
    message: `${loaded.name} no longer exists in the LMO (deleted meanwhile). Nothing was saved.`,
  };
}

function isPreconditionFailed(error: LmoError): boolean {
  return (
    error.status === 412 || error.errorCode === 'PRECONDITION_FAILED' || error.errorCode === 'ERROR_HTTP_412'
  );
}

/** Waits until the org's clock is certainly past the second of `lastModifiedDate` (see the header comment). */
export async function waitPastSecondOf(
  api: LmoClock,
  lastModifiedDate: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const threshold = Math.floor(Date.parse(lastModifiedDate) / 1000) * 1000 + 1000;
  for (let tries = 0; tries < 5; tries++) {
    // Without the org's clock, our own with a second of margin for skew.
    const known = api.serverTimeAtLeast?.() ?? Date.now() - 1000;
    if (known >= threshold) return;
    await sleep(Math.min(threshold - known + 5, 2100));
  }
}

// Bulk

export type BulkFailure = { license: EditableLicense; reason: string };

export interface BulkResult {
  applied: EditableLicense[];
  /** Not written: refused by a rule, changed or deleted meanwhile, or refused by Salesforce. */
  failed: BulkFailure[];
  /** Written, but License History shows another change to the same field in the moment of the write. */
  raced: BulkFailure[];
  /** The write failed as a whole and reading back failed too: check these in the LMO. */
  unknown: BulkFailure[];
  /** Not attempted because the run was cancelled. */
  notAttempted: EditableLicense[];
  /** Of the applied, those whose LMA License Status (record type) didn't follow (lmaStatusLag). */
  lmaStatusBehind: BulkFailure[];
  /**
   * Ingest jobs of an earlier bulk change that never ended here (a crash, a closed window), found and
   * cleaned before this one: what each had written, in a sentence.
   */
  abandoned?: string[];
}

interface CollectionResult {
  id?: string;
  success: boolean;
  errors: { statusCode?: string; message: string; fields?: string[] }[];
}

export interface BulkOptions {
  confirmed: string | boolean;
  today?: Date;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * More Licenses to write than this go through one Bulk API 2.0 ingest job instead of sObject
   * Collections (the setting `lma.bulkChange.ingestThreshold`); 0 or absent: always Collections.
   */
  ingestThreshold?: number;
  /** The ingest job's polling (tests replace the timer). */
  ingest?: Pick<IngestOptions, 'pollMs' | 'maxPollMs' | 'sleep' | 'onJob'>;
  /**
   * The ingest jobs of this LMO's bulk changes not yet deleted (VS Code's global state): each job is
   * recorded before its upload and forgotten once deleted; those an earlier run left are cleaned first.
   */
  ingestJobs?: BulkJobLedger;
}

/** Whether a bulk change of `licenses` ready Licenses writes through a Bulk API 2.0 ingest job. */
export const writesThroughIngest = (licenses: number, threshold: number | undefined): boolean =>
  !!threshold && threshold > 0 && licenses > threshold;

/**
 * Applies a confirmed bulk plan, 200 Licenses a request, or one ingest job past `ingestThreshold`. Every
 * License ends in exactly one list of the result; a request that fails as a whole (or a job whose results
 * can't be read) is re-read to learn which of its Licenses were written.
 */
export async function applyBulkChange(
  api: EditApi,
  bulk: BulkPlan,
  options: BulkOptions,
): Promise<BulkResult> {
  const result: BulkResult = {
    applied: [],
    failed: [],
    raced: [],
    unknown: [],
    notAttempted: [],
    lmaStatusBehind: [],
  };
  if (!confirmationGiven(bulk.confirmation, options.confirmed))
    throw new LmoError('salesforce', 'The bulk change needs its confirmation; nothing was written.');
  const abandoned = (await reportAbandonedIngestJobs(api, options.ingestJobs)).messages;
  if (abandoned.length) result.abandoned = abandoned;
  const today = options.today ?? new Date();
  const ready: { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } }[] = [];
  for (const item of bulk.items) {
    if (item.plan.kind === 'ready') ready.push({ license: item.license, plan: item.plan });
    else if (item.plan.kind === 'refused')
      result.failed.push({
        license: item.license,
        reason: item.plan.problems.map((p) => p.message).join(' '),
      });
  }
  if (writesThroughIngest(ready.length, options.ingestThreshold))
    await writeThroughIngest(api, ready, today, result, options);
  else
    for (let i = 0; i < ready.length; i += COLLECTION_SIZE) {
      if (options.signal?.aborted) {
        result.notAttempted.push(...ready.slice(i).map((r) => r.license));
        break;
      }
      await writeChunk(api, ready.slice(i, i + COLLECTION_SIZE), today, result);
      options.onProgress?.(Math.min(i + COLLECTION_SIZE, ready.length), ready.length);
    }
  // Each chunk's Licenses were read again after its write: compare the LMA's status with theirs.
  for (const license of result.applied) {
    const behind = lmaStatusLag(license);
    if (behind) result.lmaStatusBehind.push({ license, reason: behind });
  }
  return result;
}

type ReadyItem = { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } };

async function writeChunk(api: EditApi, chunk: ReadyItem[], today: Date, result: BulkResult): Promise<void> {
  const writable = await recheck(api, chunk, today, result);
  if (!writable.length) return;
  let answers: CollectionResult[];
  try {
    answers = await api.request<CollectionResult[]>('/composite/sobjects', {
      method: 'PATCH',
      body: {
        allOrNone: false,
        records: writable.map((w) => ({
          attributes: { type: LICENSE_OBJECT },
          id: w.license.id,
          ...w.plan.fields,
        })),
      },
    });
  } catch (error) {
    // The request failed as a whole: some of it may have been written. Read back to know which.
    await readBackUnknown(api, writable, toLmoError(error).message, result);
    return;
  }
  const written: typeof writable = [];
  writable.forEach((w, index) => {
    const answer = answers[index];
    if (answer?.success) written.push(w);
    else
      result.failed.push({
        license: w.license,
        reason:
          (answer?.errors ?? [])
            .map((e) => `${e.message}${e.statusCode ? ` (${e.statusCode})` : ''}`)
            .join(' ') || 'Salesforce did not say why.',
      });
  });
  await confirmWritten(api, written, result);
}

/**
 * Past the threshold: every License re-read just before the upload (200 a read, as Collections would),
 * one ingest job for those still as the preview saw them, each row's result, then the same read back.
 */
async function writeThroughIngest(
  api: EditApi,
  ready: ReadyItem[],
  today: Date,
  result: BulkResult,
  options: BulkOptions,
): Promise<void> {
  const writable: ReadyItem[] = [];
  for (let i = 0; i < ready.length; i += COLLECTION_SIZE) {
    if (options.signal?.aborted) {
      result.notAttempted.push(...writable.map((w) => w.license), ...ready.slice(i).map((r) => r.license));
      return;
    }
    writable.push(...(await recheck(api, ready.slice(i, i + COLLECTION_SIZE), today, result)));
  }
  if (!writable.length) return;
  if (options.signal?.aborted) {
    result.notAttempted.push(...writable.map((w) => w.license));
    return;
  }
  let outcome;
  try {
    outcome = await runIngestJob(api, {
      object: LICENSE_OBJECT,
      operation: 'update',
      rows: writable.map((w) => ({ Id: w.license.id, ...w.plan.fields })),
      signal: options.signal,
      onProgress: options.onProgress,
      jobs: options.ingestJobs,
      ...options.ingest,
    });
  } catch (error) {
    const reason = toLmoError(error instanceof IngestResultsUnknown ? (error.cause ?? error) : error).message;
    if (error instanceof IngestResultsUnknown) {
      // The job existed and its results are unknown: read back to know which Licenses it wrote.
      for (let i = 0; i < writable.length; i += COLLECTION_SIZE)
        await readBackUnknown(api, writable.slice(i, i + COLLECTION_SIZE), reason, result);
    } else
      for (const w of writable) result.failed.push({ license: w.license, reason: `Not written: ${reason}` });
    return;
  }
  const written: ReadyItem[] = [];
  outcome.results.forEach((answer, index) => {
    const w = writable[index]!;
    if (answer.kind === 'success') written.push(w);
    else if (answer.kind === 'failed')
      result.failed.push({
        license: w.license,
        reason: `${answer.message}${answer.errorCode ? ` (${answer.errorCode})` : ''}`,
      });
    else if (outcome.state === 'Aborted') result.notAttempted.push(w.license);
    else
      result.failed.push({
        license: w.license,
        reason: `Not written: the Bulk API job ${outcome.state === 'Failed' ? `failed (${outcome.errorMessage ?? 'Salesforce did not say why'})` : 'did not process it'}.`,
      });
  });
  options.onProgress?.(writable.length, writable.length);
  for (let i = 0; i < written.length; i += COLLECTION_SIZE)
    await confirmWritten(api, written.slice(i, i + COLLECTION_SIZE), result);
}

/**
 * The chunk's Licenses as the org holds them now: those changed or deleted since the preview, or that a
 * rule now refuses, go to `failed`; the rest come back with the plan made again on what the org holds.
 */
async function recheck(
  api: EditApi,
  chunk: ReadyItem[],
  today: Date,
  result: BulkResult,
): Promise<ReadyItem[]> {
  let current: Map<string, EditableLicense>;
  try {
    current = new Map(
      (
        await loadEditableLicenses(
          api,
          chunk.map((c) => c.license.id),
        )
      ).map((l) => [l.id, l]),
    );
  } catch (error) {
    for (const c of chunk)
      result.failed.push({ license: c.license, reason: `Not written: ${toLmoError(error).message}` });
    return [];
  }
  const writable: typeof chunk = [];
  for (const item of chunk) {
    const now = current.get(item.license.id);
    if (!now) result.failed.push({ license: item.license, reason: 'Deleted meanwhile: not written.' });
    else if (now.lastModifiedDate !== item.license.lastModifiedDate)
      result.failed.push({
        license: item.license,
        reason: `Changed meanwhile${now.lastModifiedBy ? ` by ${now.lastModifiedBy}` : ''} at ${now.lastModifiedDate}: not overwritten.`,
      });
    else {
      // The rules again, on what the org holds now (the plan was made on what the preview loaded).
      const again = planLicenseChange(now, changeOf(item.plan), today);
      if (again.kind === 'ready') writable.push({ license: now, plan: again });
      else if (again.kind === 'refused')
        result.failed.push({ license: now, reason: again.problems.map((p) => p.message).join(' ') });
    }
  }
  return writable;
}

/** A write that failed as a whole may have been written in part: read back to know which. */
async function readBackUnknown(api: EditApi, writable: ReadyItem[], reason: string, result: BulkResult) {
  try {
    const after = new Map(
      (
        await loadEditableLicenses(
          api,
          writable.map((w) => w.license.id),
        )
      ).map((l) => [l.id, l]),
    );
    for (const w of writable) {
      const now = after.get(w.license.id);
      if (now && holds(now, w.plan)) result.applied.push(now);
      else result.failed.push({ license: w.license, reason: `Not written: ${reason}` });
    }
  } catch {
    for (const w of writable)
      result.unknown.push({
        license: w.license,
        reason: `The write failed (${reason}) and could not be checked.`,
      });
  }
}

/** Written, as Salesforce said: read back, and License History for a change that landed in between. */
async function confirmWritten(api: EditApi, written: ReadyItem[], result: BulkResult): Promise<void> {
  if (!written.length) return;
  let after = new Map<string, EditableLicense>();
  let races = new Map<string, string>();
  try {
    after = new Map(
      (
        await loadEditableLicenses(
          api,
          written.map((w) => w.license.id),
        )
      ).map((l) => [l.id, l]),
    );
    races = await concurrentChanges(api, written);
  } catch {
    // Written, as Salesforce said; only the check after it could not be read.
  }
  for (const w of written) {
    const race = races.get(w.license.id);
    if (race) result.raced.push({ license: after.get(w.license.id) ?? w.license, reason: race });
    else result.applied.push(after.get(w.license.id) ?? w.license);
  }
}

function changeOf(plan: ChangePlan & { kind: 'ready' }): LicenseChange {
  const change: LicenseChange = {};
  for (const c of plan.changes) {
    const value = plan.fields[apiFieldOf[c.field]];
    if (c.field === 'status') change.status = value as LicenseChange['status'];
    if (c.field === 'seats') change.seats = value as number;
    if (c.field === 'expiration') change.expiration = normalizeExpiration(value as string) ?? null;
  }
  return change;
}

function holds(license: EditableLicense, plan: ChangePlan & { kind: 'ready' }): boolean {
  const want = changeOf(plan);
  return (
    (want.status === undefined || license.status === want.status) &&
    (want.seats === undefined || license.seats === want.seats) &&
    (want.expiration === undefined || (want.expiration ?? undefined) === license.expiration)
  );
}

/**
 * A change by someone else between the chunk's re-read and its write would have been overwritten:
 * License History shows it as a second row, after the version we read, for a field we wrote.
 */
async function concurrentChanges(
  api: LmoApi,
  written: { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } }[],
): Promise<Map<string, string>> {
  const readAt = (w: (typeof written)[number]) => Date.parse(w.license.lastModifiedDate);
  const since = new Date(Math.min(...written.map(readAt))).toISOString().replace(/\.\d+Z$/, 'Z');
  const rows = await loadHistorySince(
    api,
    written.map((w) => w.license.id),
    since,
  );
  const races = new Map<string, string>();
  for (const w of written) {
    for (const c of w.plan.changes) {
      const field = apiFieldOf[c.field];
      const touched = rows.filter(
        (r) => r.ParentId === w.license.id && r.Field === field && Date.parse(r.CreatedDate) > readAt(w),
      );
      if (touched.length > 1)
        races.set(
          w.license.id,
          `${c.label} was also changed by ${touched.map((r) => r.CreatedBy?.Name ?? 'someone').join(' and ')} at the same moment: check its value.`,
        );
    }
  }
  return races;
}
