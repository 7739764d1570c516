/**
 * One Bulk API 2.0 ingest job, as the domain writes through it: create the job, upload the rows as one
 * CSV, `UploadComplete`, poll with backoff until it finishes (Cancel aborts it), read its successful,
 * failed and unprocessed results, and delete the job. The answer is one result per input row, in input
 * order, so a caller reports each record as it would from an sObject Collections answer.
 */
import type { TextResponse } from '../../org/connection';
import { parseBulkCsv, UNFINISHED_STATES, type BulkJobInfo, type BulkJobLedger } from './bulkQuery';
import { toLmoError } from '../../org/errors';
import type { LmoApi } from './lmoApi';
import { PUSH_OBJECTS } from './objects';

export type IngestOperation = 'insert' | 'update' | 'delete';
export type IngestValue = string | number | boolean | null | undefined;

export type IngestRowResult =
  | { kind: 'success'; id: string }
  /** Salesforce's message and code, as `sf__Error` says them (`CODE:message:fields --`). */
  | { kind: 'failed'; message: string; errorCode: string | undefined }
  /** Not processed: the job was aborted or failed before it reached the row. */
  | { kind: 'unprocessed' };

export interface IngestOutcome {
  /** How the job ended: JobComplete, Failed (with the job's errorMessage) or Aborted. */
  state: 'JobComplete' | 'Failed' | 'Aborted';
  jobId: string;
  errorMessage: string | undefined;
  results: IngestRowResult[];
}

/** The results of a job that was created but whose results could not be read (a lost connection). */
export class IngestResultsUnknown extends Error {
  override readonly name = 'IngestResultsUnknown';
  constructor(
    readonly jobId: string,
    cause: unknown,
  ) {
    super(`the results of Bulk API job ${jobId} could not be read`, { cause });
  }
}

export interface IngestOptions {
  object: string;
  operation: IngestOperation;
  /** One object per record: field API name → value. `undefined` or absent leaves the field as it is; `null` clears it. */
  rows: readonly Record<string, IngestValue>[];
  signal?: AbortSignal;
  /** Records the org has processed so far, of all. */
  onProgress?: (processed: number, total: number) => void;
  /** The job's id as soon as it exists (to clean it up after a crash). */
  onJob?: (jobId: string) => void;
  /**
   * Read only `failedResults` (one request fewer, for a caller that needs no record ids): on a job that
   * completed, every other row was written (`success` with the id ''); on one that did not, every other
   * row is `unprocessed`, although it may have been written (such a caller reads back).
   */
  failedOnly?: boolean;
  /**
   * Where the job's id is kept from before its upload until it is deleted: a job left behind by a crash
   * is found there by the next use of the org (cleanAbandonedIngestJobs).
   */
  jobs?: BulkJobLedger;
  /** Waits between polls, doubled up to `maxPollMs`; tests may replace the timer. */
  pollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const FINISHED = ['JobComplete', 'Failed', 'Aborted'] as const;
type Finished = (typeof FINISHED)[number];
const isFinished = (state: string): state is Finished => (FINISHED as readonly string[]).includes(state);

/** A CSV value as Bulk API 2.0 reads it: `#N/A` is null, an empty field leaves the value as it is. */
function csvValue(value: IngestValue): string {
  if (value === null) return '#N/A';
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as one CSV (header: every field any row has, in first-seen order) and each row's line. */
export function ingestCsv(rows: readonly Record<string, IngestValue>[]): { header: string[]; csv: string } {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
  const lines = [header.map(csvValue).join(',')];
  for (const row of rows) lines.push(header.map((h) => csvValue(row[h])).join(','));
  return { header, csv: lines.join('\n') + '\n' };
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const jobPath = (id: string) => `/jobs/ingest/${encodeURIComponent(id)}`;

/**
 * Runs one ingest job over `rows` and answers each row's result in input order. Throws before the job
 * exists (nothing written); once it exists, a cancelled run aborts it, and the job is deleted at the end
 * whatever happened. Results that can't be read throw `IngestResultsUnknown`: the caller must read back.
 */
export async function runIngestJob(api: LmoApi, options: IngestOptions): Promise<IngestOutcome> {
  const { header, csv } = ingestCsv(options.rows);
  const total = options.rows.length;
  const sleep = options.sleep ?? defaultSleep;
  let job = await api.request<BulkJobInfo>('/jobs/ingest', {
    method: 'POST',
    body: {
      object: options.object,
      operation: options.operation,
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    },
  });
  const id = job.id;
  options.onJob?.(id);
  try {
    await options.jobs?.add(id);
    if (!options.signal?.aborted) {
      await api.request(`${jobPath(id)}/batches`, {
        method: 'PUT',
        text: { contentType: 'text/csv', content: csv },
      });
      job = await api.request<BulkJobInfo>(jobPath(id), {
        method: 'PATCH',
        body: { state: 'UploadComplete' },
      });
    }
    let wait = options.pollMs ?? 500;
    while (!isFinished(job.state)) {
      if (options.signal?.aborted) {
        job = await abort(api, id);
        break;
      }
      await sleep(wait, options.signal);
      wait = Math.min(wait * 2, options.maxPollMs ?? 5_000);
      if (options.signal?.aborted) continue;
      job = await api.request<BulkJobInfo>(jobPath(id));
      options.onProgress?.(job.numberRecordsProcessed ?? 0, total);
    }
    const state = job.state as Finished;
    let results: IngestRowResult[];
    try {
      results = await readResults(api, id, header, options.rows, options.failedOnly);
      if (options.failedOnly && state === 'JobComplete')
        results = results.map((r) => (r.kind === 'unprocessed' ? { kind: 'success', id: '' } : r));
    } catch (error) {
      throw new IngestResultsUnknown(id, error);
    }
    return { state, jobId: id, errorMessage: job.errorMessage, results };
  } catch (error) {
    if (error instanceof IngestResultsUnknown) throw error;
    // The job exists but its end is not known: stop it, so nothing more is written unseen.
    await abort(api, id).catch(() => undefined);
    throw new IngestResultsUnknown(id, error);
  } finally {
    await deleteJob(api, id, options.jobs);
  }
}

/** Deletes the job in the org, and then (or when the org has no such job) from the ledger. */
async function deleteJob(api: LmoApi, id: string, jobs: BulkJobLedger | undefined): Promise<void> {
  try {
    await api.request(jobPath(id), { method: 'DELETE' });
  } catch (error) {
    if (toLmoError(error).errorCode !== 'NOT_FOUND') return;
  }
  await jobs?.remove(id);
}

/** An ingest job an earlier run left behind (a crash, a closed window), as it was found and cleaned. */
export interface AbandonedIngestJob {
  jobId: string;
  object: string | undefined;
  operation: string | undefined;
  /** How it had ended, or `Aborted` when it was still open or running and was aborted now. */
  state: 'JobComplete' | 'Failed' | 'Aborted';
  /** Whether it was still open or running when found (and aborted then). */
  wasRunning: boolean;
  /** Records it had processed, of which failed: processed less failed were written. */
  processed: number;
  failed: number;
  /**
   * For a job whose rows belong to a parent record (a push job's request), the parents of the rows it
   * wrote, read from its successful results before it was deleted: where to look for what it wrote.
   */
  parents?: string[];
}

/** The field naming the parent of each row, for the objects whose ingest rows have one the user must find. */
const PARENT_FIELDS: Readonly<Record<string, string>> = { [PUSH_OBJECTS.pushJob]: 'PackagePushRequestId' };

/**
 * Finds the ingest jobs an earlier run recorded and never deleted (a crash, a window closed mid-write):
 * a job still Open, UploadComplete or InProgress is aborted (so nothing more is written unseen), and
 * each is reported with what it had written, then deleted in the org and forgotten. A job the org no
 * longer has is forgotten; one that can't be read now (no connection) stays for next time.
 */
export async function cleanAbandonedIngestJobs(
  api: LmoApi,
  jobs: BulkJobLedger,
): Promise<AbandonedIngestJob[]> {
  const found: AbandonedIngestJob[] = [];
  for (const id of [...jobs.list()]) {
    let info: BulkJobInfo;
    try {
      info = await api.request<BulkJobInfo>(jobPath(id));
    } catch (error) {
      if (toLmoError(error).errorCode === 'NOT_FOUND') await jobs.remove(id);
      continue;
    }
    const wasRunning = UNFINISHED_STATES.includes(info.state);
    if (wasRunning) {
      try {
        await abort(api, id);
        // The abort's answer doesn't count the records: what it wrote until it stopped, read again.
        info = await api.request<BulkJobInfo>(jobPath(id));
      } catch {
        continue; // Not stopped: kept, so it is tried again next time.
      }
    }
    const parentField = info.object ? PARENT_FIELDS[info.object] : undefined;
    let parents: string[] | undefined;
    if (parentField) {
      try {
        parents = await writtenParents(api, id, parentField);
      } catch {
        continue; // Its rows' parents not known yet: kept (finished now), so it is reported next time.
      }
    }
    found.push({
      jobId: id,
      object: info.object,
      operation: info.operation,
      state: isFinished(info.state) ? info.state : 'Aborted',
      wasRunning,
      processed: info.numberRecordsProcessed ?? 0,
      failed: info.numberRecordsFailed ?? 0,
      ...(parents && { parents }),
    });
    await deleteJob(api, id, jobs);
  }
  return found;
}

/** The distinct values of `field` among the rows a job wrote (its successful results echo each row). */
async function writtenParents(api: LmoApi, id: string, field: string): Promise<string[]> {
  const res = await api.request<TextResponse>(`${jobPath(id)}/successfulResults`, {
    raw: true,
    headers: { Accept: 'text/csv' },
  });
  const [head, ...rows] = parseBulkCsv(res.body);
  const column = head?.findIndex((c) => c.toLowerCase() === field.toLowerCase()) ?? -1;
  if (column < 0) return [];
  return [...new Set(rows.map((r) => r[column] ?? '').filter(Boolean))];
}

/** The jobs a crash left, as a report says them, and the push requests they created jobs in. */
export interface AbandonedIngestReport {
  messages: string[];
  pushRequests: string[];
}

/**
 * The jobs a crash left in the org that `jobs` names (none kept: the CLI), cleaned
 * (`cleanAbandonedIngestJobs`) and said as a report says them (`abandonedIngestMessage`).
 */
export async function reportAbandonedIngestJobs(
  api: LmoApi,
  jobs: BulkJobLedger | undefined,
): Promise<AbandonedIngestReport> {
  if (!jobs?.list().length) return { messages: [], pushRequests: [] };
  const found = await cleanAbandonedIngestJobs(api, jobs);
  return {
    messages: found.map((job) => abandonedIngestMessage(job)),
    pushRequests: [
      ...new Set(found.flatMap((job) => (job.object === PUSH_OBJECTS.pushJob ? (job.parents ?? []) : []))),
    ],
  };
}

/**
 * What a user is told of a job found left behind: what it wrote, so nobody believes it wrote nothing,
 * worded by what wrote it (a bulk License change writes records; a push schedule creates push jobs in a
 * request the user may never have seen started, named so they can abort it).
 */
export function abandonedIngestMessage(job: AbandonedIngestJob): string {
  const push = job.object === PUSH_OBJECTS.pushJob;
  const [one, many, wrote, written, what] = push
    ? ['push job', 'push jobs', 'created', 'created', 'push schedule']
    : ['record', 'records', 'wrote', 'written', 'bulk change'];
  const count = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const made = Math.max(0, job.processed - job.failed);
  const how = job.wasRunning
    ? `was still running; it was aborted now, after it had ${written} ${count(made)}`
    : job.state === 'JobComplete'
      ? `had finished: it ${wrote} ${count(made)}`
      : `had ended ${job.state === 'Failed' ? 'failed' : 'aborted'}, after it had ${written} ${count(made)}`;
  const failed = job.failed ? ` (${count(job.failed)} failed)` : '';
  const next =
    push && job.parents?.length
      ? ` ${job.parents.length === 1 ? 'Push request' : 'Push requests'} ${job.parents.join(', ')} may hold jobs you never saw scheduled: find ${job.parents.length === 1 ? 'it' : 'them'} under the package's push requests in the LMA tree and abort ${job.parents.length === 1 ? 'it' : 'them'} (Abort Push Request…), or finish ${job.parents.length === 1 ? 'it' : 'them'} (Finish Scheduling…) if you want those jobs.`
      : push
        ? ' The push request it was adding jobs to was left not started.'
        : ' Check those records in the org.';
  return `A Bulk API 2.0 job of an earlier ${what} that did not end here (${job.jobId}${job.object ? `, ${job.object}` : ''}) ${how}${failed}. Its results were not reported then.${next} The job was deleted.`;
}

async function abort(api: LmoApi, id: string): Promise<BulkJobInfo> {
  try {
    return await api.request<BulkJobInfo>(jobPath(id), { method: 'PATCH', body: { state: 'Aborted' } });
  } catch (error) {
    // It finished meanwhile (Salesforce refuses to abort a finished job): its state says how.
    const info = await api.request<BulkJobInfo>(jobPath(id));
    if (isFinished(info.state)) return info;
    throw error;
  }
}

/** `sf__Error` is `CODE:message:fields --`; the message itself may hold colons. */
export function parseIngestError(text: string): { message: string; errorCode: string | undefined } {
  const trimmed = text.replace(/\s*--\s*$/, '');
  const match = /^([A-Z_]+):(.*?)(?::([^:]*))?$/s.exec(trimmed);
  if (!match) return { message: trimmed || 'Salesforce did not say why.', errorCode: undefined };
  return { message: match[2]!.trim() || 'Salesforce did not say why.', errorCode: match[1] };
}

/**
 * Each row's result, in input order. The results echo each row's uploaded values after `sf__Id` (and
 * `sf__Created` or `sf__Error`); Salesforce keeps no input order, so rows are matched by those values.
 */
async function readResults(
  api: LmoApi,
  id: string,
  header: string[],
  rows: readonly Record<string, IngestValue>[],
  failedOnly = false,
): Promise<IngestRowResult[]> {
  const key = (values: readonly string[]) => JSON.stringify(values);
  const waiting = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const k = key(header.map((h) => (row[h] === null ? '#N/A' : row[h] === undefined ? '' : String(row[h]))));
    const list = waiting.get(k);
    if (list) list.push(index);
    else waiting.set(k, [index]);
  });
  // An update's rows also by their Id, should Salesforce echo a value in another form than uploaded.
  const idField = header.findIndex((h) => h.toLowerCase() === 'id');
  const byId = new Map<string, number>();
  if (idField >= 0) rows.forEach((row, index) => byId.set(String(row[header[idField]!] ?? ''), index));
  const results: IngestRowResult[] = rows.map(() => ({ kind: 'unprocessed' }));
  const taken = new Set<number>();
  const read = async (which: 'successfulResults' | 'failedResults') => {
    const res = await api.request<TextResponse>(`${jobPath(id)}/${which}`, {
      raw: true,
      headers: { Accept: 'text/csv' },
    });
    const table = parseBulkCsv(res.body);
    const head = table.shift();
    if (!head) return;
    const columns = header.map((h) => head.findIndex((c) => c.toLowerCase() === h.toLowerCase()));
    const idColumn = head.indexOf('sf__Id');
    const errorColumn = head.indexOf('sf__Error');
    for (const line of table) {
      const k = key(columns.map((c) => (c < 0 ? '' : (line[c] ?? ''))));
      let index = waiting.get(k)?.shift();
      if (index === undefined && idField >= 0) index = byId.get(line[idColumn] ?? '');
      if (index === undefined || taken.has(index)) continue;
      taken.add(index);
      results[index] =
        which === 'successfulResults'
          ? { kind: 'success', id: line[idColumn] ?? '' }
          : { kind: 'failed', ...parseIngestError(line[errorColumn] ?? '') };
    }
  };
  if (!failedOnly) await read('successfulResults');
  await read('failedResults');
  // What neither list holds was not processed (`unprocessedrecords` lists it; its rows add nothing).
  return results;
}
