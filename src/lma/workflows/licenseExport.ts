/**
 * "Export Licenses…": the licenses of a package, or of one of its status groups, as a CSV file with the
 * tree's fields, raw values next to the LMA's human ones ("-1" and "Site License").
 *
 * Streamed: one query page (2,000 licenses) is read, written with backpressure, and dropped before the
 * next is asked for, so 100,000 licenses never sit in memory. This writes to any stream; the file (its
 * `.partial` name, renamed only when complete) is the adapter's: src/files/licenseExportFile.ts.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { QueryPage } from '../../org/connection';
import { toLmoError } from '../../org/errors';
import { isoDate } from '../rules/encodings';
import { csvRow, LICENSE_EXPORT_COLUMNS, licenseCsvRow, type RowContext } from '../rules/licenseCsv';
import { licenseExportBulkSoql, licenseExportSoql } from '../records/licenses';
import {
  abortQueryJob,
  createQueryJob,
  csvRows,
  deleteQueryJob,
  queryJobInfo,
  readResultsPage,
  type BulkJobLedger,
  UNFINISHED_STATES,
  type BulkJobInfo,
} from '../records/bulkQuery';
import { toLicense, type LicenseRow } from '../records/licenseRecord';
import { withLmaFields } from '../records/lmaFields';
import { queryPage, type LmoApi } from '../records/lmoApi';
import { licenseGroupStatuses, type LicenseGroup } from '../records/types';
import { isSalesforceId } from '../records/soql';

// The CSV rules and the query moved to rules/ and records/: callers keep these names here.
export { exportFileName } from '../rules/licenseCsv';
export type { LicenseGroup } from '../records/types';
export { licenseExportSoql } from '../records/licenses';

export interface ExportProgress {
  /** Licenses written so far. */
  done: number;
  /** The query's totalSize from its first page (no separate count is asked for). */
  total: number;
}

export interface ExportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /**
   * Start with a UTF-8 byte order mark (default true). Excel opens a CSV without one in the legacy code
   * page of the machine, which garbles "Chloé" or "株式会社"; with it, Excel, Numbers, LibreOffice and
   * Google Sheets all read UTF-8. `sf data query` writes none; CSV readers that don't skip a BOM (Python's
   * csv without `encoding='utf-8-sig'`) see it in the first header, which is why it can be turned off.
   */
  byteOrderMark?: boolean;
  /** The day against which "Expired" is judged; now by default. */
  today?: Date;
  /** Bulk API 2.0 for exports of more than `bulk.threshold` licenses; REST only without it. */
  bulk?: BulkExportOptions;
}

export type { BulkJobLedger };

export interface BulkExportOptions {
  /** Exports of more licenses than this read through Bulk API 2.0 after their first REST page. */
  threshold: number;
  jobs?: BulkJobLedger;
  /** Rows asked for per results page (`maxRecords`); 250,000 by default. */
  maxRecords?: number;
  /** Milliseconds to wait before the job's state is asked again; 250 ms doubling to 2 s by default. */
  pollDelay?: (attempt: number) => number;
}

/**
 * Rows asked for per Bulk API results page (each page a request: 4 for the 1,000,000 licenses after the
 * first REST page, 9 requests for the export in all). Pages are written as they arrive, and the local org
 * streams them. Medians of 3 runs at 1,000,000 licenses: 250,000 a page 282–285 MB, 17.7–21.6 s against
 * `sf data export bulk`'s 18.3–22.8 s (3 runs of 12 peaked at 374–385 MB); 50,000 a page 371 MB, 22.8 s
 * against 20.3 s, 25 requests (`bench/licenseExport.ts`, CONTRIBUTING).
 */
export const BULK_MAX_RECORDS = 250_000;

export interface ExportResult {
  /** Licenses written. */
  rows: number;
  /** What the LMO reported when the export started (differs from rows only if it changed meanwhile). */
  total: number;
  bytes: number;
  /** Requests made: one per REST page; through Bulk API, the job's create, polls, pages and delete. */
  requests: number;
  /** Whether the licenses after the first page came through Bulk API 2.0. */
  via: 'rest' | 'bulk';
  /** Why a Bulk API job gave way to REST, for the log and the user. */
  notice?: string;
}

export type ExportFailure = 'input' | 'cancelled' | 'salesforce' | 'file';

export class ExportError extends Error {
  constructor(
    readonly kind: ExportFailure,
    message: string,
    /** How far the export got. */
    readonly progress: ExportProgress = { done: 0, total: 0 },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}

// ---------------------------------------------------------------------------------------------------
// The export.

export function checkGroup(group: LicenseGroup): void {
  if (!group?.package?.id || !isSalesforceId(group.package.id))
    throw new ExportError('input', 'Choose a package to export its licenses.');
  if (group.status !== undefined && !licenseGroupStatuses.includes(group.status))
    throw new ExportError(
      'input',
      `"${String(group.status)}" is not a License status group (${licenseGroupStatuses.join(', ')}).`,
    );
}

export const cancelled = (progress: ExportProgress) =>
  new ExportError('cancelled', 'Export cancelled.', { ...progress });

/**
 * Writes the group's licenses as CSV to `out` and ends it. Each page is written (waiting for 'drain'
 * when `out` is full) before the next is requested. Throws an ExportError; `out` is then left for the
 * caller to destroy.
 */
export async function writeLicensesCsv(
  api: LmoApi,
  group: LicenseGroup,
  out: Writable,
  options: ExportOptions = {},
): Promise<ExportResult> {
  checkGroup(group);
  const { signal, onProgress } = options;
  const context: RowContext = {
    packageName: group.package.name,
    today: isoDate(options.today ?? new Date()),
  };
  const progress: ExportProgress = { done: 0, total: 0 };
  let bytes = 0;
  let requests = 0;
  // An error of `out` while we wait for the LMO must not go unheard (an unheard 'error' event throws).
  let outError: Error | undefined;
  const onOutError = (error: Error) => void (outError ??= error);
  out.on('error', onOutError);
  // `errored` is set at once; the 'error' event follows on the next tick.
  const failedWith = () => outError ?? out.errored ?? undefined;

  const fileError = (error: unknown) =>
    error instanceof ExportError
      ? error
      : new ExportError(
          'file',
          `Couldn't write the export: ${fileReason(error)}.`,
          { ...progress },
          { cause: error },
        );

  const put = async (text: string): Promise<void> => {
    if (signal?.aborted) throw cancelled(progress);
    bytes += Buffer.byteLength(text);
    try {
      let failure = failedWith();
      if (failure) throw failure;
      if (!out.write(text)) await drained(out, signal, failedWith, progress);
      failure = failedWith();
      if (failure) throw failure;
    } catch (error) {
      throw fileError(error);
    }
  };

  const read = async (path: string | undefined): Promise<QueryPage<LicenseRow>> => {
    if (signal?.aborted) throw cancelled(progress);
    requests++;
    const request = path
      ? api.request<QueryPage<LicenseRow>>(path)
      : withLmaFields(api, (fields) => queryPage<LicenseRow>(api, licenseExportSoql(group, fields)));
    try {
      return await abortable(request, signal, progress);
    } catch (error) {
      if (error instanceof ExportError) throw error;
      const failure = toLmoError(error);
      const where =
        progress.done === 0
          ? 'before the first license'
          : `after ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} licenses`;
      throw new ExportError(
        'salesforce',
        `Reading the licenses from the LMO failed ${where}: ${failure.message}`,
        { ...progress },
        {
          cause: failure,
        },
      );
    }
  };

  let via: ExportResult['via'] = 'rest';
  let notice: string | undefined;

  /**
   * The licenses below `lastId` through a Bulk API 2.0 query job. 'done' when they are all written; a
   * notice when the job was refused, failed or was aborted before any of its rows was written (the
   * caller goes on through REST). A page that breaks off after rows were written stops the export with
   * an ExportError (the file is then deleted): going on through REST would write those rows twice.
   * The job is deleted in the org however this ends (aborted first if it is still running).
   */
  const readThroughBulk = async (
    bulk: BulkExportOptions,
    lastId: string,
  ): Promise<'done' | { notice: string }> => {
    const ask = async <T>(request: () => Promise<T>): Promise<T> => {
      if (signal?.aborted) throw cancelled(progress);
      requests++;
      return abortable(request(), signal, progress);
    };
    let job: BulkJobInfo;
    try {
      if (signal?.aborted) throw cancelled(progress);
      requests++;
      // Not cut short by Cancel: once the org has made the job, its id is needed to delete it.
      job = await withLmaFields(api, (fields) =>
        createQueryJob(api, licenseExportBulkSoql(group, fields, lastId)),
      );
    } catch (error) {
      if (error instanceof ExportError) throw error;
      return {
        notice: `Bulk API 2.0 refused the export's query (${toLmoError(error).message}); the licenses were read through REST instead.`,
      };
    }
    await bulk.jobs?.add(job.id);
    let state = job.state;
    let written = 0;
    try {
      if (signal?.aborted) throw cancelled(progress);
      for (let attempt = 0; UNFINISHED_STATES.includes(state); attempt++) {
        await pause((bulk.pollDelay ?? defaultPollDelay)(attempt), signal, progress);
        state = (await ask(() => queryJobInfo(api, job.id))).state;
        job = { ...job, state };
      }
      if (state !== 'JobComplete') {
        const info = await ask(() => queryJobInfo(api, job.id)).catch(() => job);
        return {
          notice:
            state === 'Failed'
              ? `The Bulk API 2.0 job ${job.id} failed (${info.errorMessage ?? 'no reason given'}); the licenses were read through REST instead.`
              : `The Bulk API 2.0 job ${job.id} was aborted in the org; the licenses were read through REST instead.`,
        };
      }
      let locator: string | undefined;
      do {
        // Each page is written as it arrives, a few rows at a time: never held whole (issue 25's peak).
        let toRow: ((values: string[]) => LicenseRow) | undefined;
        let header: readonly string[] | undefined;
        const page = await ask(() =>
          readResultsPage(api, job.id, locator, bulk.maxRecords ?? BULK_MAX_RECORDS, async (names, rows) => {
            if (header !== names) toRow = csvRows<LicenseRow>('license', (header = names));
            await put(rows.map((values) => licenseCsvRow(toLicense(toRow!(values)), context)).join(''));
            written += rows.length;
          }),
        );
        progress.done += page.rows;
        progress.total = Math.max(progress.total, progress.done);
        onProgress?.({ ...progress });
        locator = page.locator;
      } while (locator);
      return 'done';
    } catch (error) {
      if (error instanceof ExportError) throw error;
      const failure = toLmoError(error);
      if (written === 0) {
        return {
          notice: `The Bulk API 2.0 job ${job.id} could not be read (${failure.message}); the licenses were read through REST instead.`,
        };
      }
      throw new ExportError(
        'salesforce',
        `Reading the licenses through Bulk API 2.0 failed after ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} licenses: ${failure.message}`,
        { ...progress },
        { cause: failure },
      );
    } finally {
      requests += await removeJob(api, job.id, UNFINISHED_STATES.includes(state), bulk.jobs);
    }
  };

  try {
    await put(
      (options.byteOrderMark === false ? '' : '\uFEFF') +
        csvRow(LICENSE_EXPORT_COLUMNS.map((column) => column.header)),
    );
    if (options.bulk?.jobs?.list().length) requests += await cleanAbandonedJobs(api, options.bulk.jobs);
    let next: string | undefined;
    let first = true;
    do {
      // Block-scoped, so a written page can be collected while the next one is on its way.
      const page = await read(next);
      if (first) {
        progress.total = page.totalSize;
        onProgress?.({ ...progress });
      }
      await put(page.records.map((row) => licenseCsvRow(toLicense(row), context)).join(''));
      progress.done += page.records.length;
      progress.total = Math.max(progress.total, progress.done);
      onProgress?.({ ...progress });
      next = page.done ? undefined : page.nextRecordsUrl;
      const bulk = options.bulk;
      const lastId = page.records.at(-1)?.Id;
      if (first && next && lastId && bulk && page.totalSize > bulk.threshold) {
        const outcome = await readThroughBulk(bulk, lastId);
        if (outcome === 'done') {
          via = 'bulk';
          next = undefined;
        } else notice = outcome.notice;
      }
      first = false;
    } while (next);

    if (signal?.aborted) throw cancelled(progress);
    out.end();
    try {
      // Until the file is closed (and, for a file opened with `flush`, synced): only then is it complete.
      await finished(out, { signal });
    } catch (error) {
      if (signal?.aborted) throw cancelled(progress);
      throw fileError(error);
    }
    return {
      rows: progress.done,
      total: progress.total,
      bytes,
      requests,
      via,
      ...(notice ? { notice } : {}),
    };
  } finally {
    out.off('error', onOutError);
    // Keep listening until the caller destroys `out`: a late write error must not crash the process.
    out.on('error', () => undefined);
  }
}

/**
 * Waits before each poll of a query job: 1, 2, 4, then every 5 s (as `sf data export bulk` polls). Each
 * poll is an API request: a job done in 3 s costs 2, one of 20 s 5 (from 250 ms doubling to 2 s, a job
 * of 2 s on a loaded machine cost 3 polls and the export 10 requests, `bench/licenseExport.ts`).
 */
const defaultPollDelay = (attempt: number): number => Math.min(5000, 1000 * 2 ** attempt);

/** Waits `ms` before the job's state is asked again; a cancel ends the wait at once. */
function pause(ms: number, signal: AbortSignal | undefined, progress: ExportProgress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(progress));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Deletes a job in the org (aborting it first if it may still run) and forgets it in the ledger; if the
 * org can't be reached the ledger keeps it for the next export. Returns the requests made. A job the
 * org no longer has (deleted, or expired) is forgotten too.
 */
async function removeJob(api: LmoApi, id: string, running: boolean, jobs?: BulkJobLedger): Promise<number> {
  let requests = 0;
  try {
    if (running) {
      requests++;
      await abortQueryJob(api, id).catch((error: unknown) => {
        // Finished meanwhile: nothing to abort, it can be deleted as it is.
        if (toLmoError(error).errorCode !== 'INVALIDJOBSTATE') throw error;
      });
    }
    requests++;
    await deleteQueryJob(api, id);
    await jobs?.remove(id);
  } catch (error) {
    if (toLmoError(error).errorCode === 'NOT_FOUND') await jobs?.remove(id);
  }
  return requests;
}

/** Deletes the jobs earlier exports left behind (a crash mid-export); returns the requests made. */
export async function cleanAbandonedJobs(api: LmoApi, jobs: BulkJobLedger): Promise<number> {
  let requests = 0;
  for (const id of [...jobs.list()]) {
    let running = false;
    try {
      requests++;
      running = UNFINISHED_STATES.includes((await queryJobInfo(api, id)).state);
    } catch (error) {
      if (toLmoError(error).errorCode === 'NOT_FOUND') await jobs.remove(id);
      continue;
    }
    requests += await removeJob(api, id, running, jobs);
  }
  return requests;
}

/** Waits for 'drain'; rejects on an error or close of `out`, or a cancel. */
function drained(
  out: Writable,
  signal: AbortSignal | undefined,
  pendingError: () => Error | undefined,
  progress: ExportProgress,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(pendingError() ?? new Error('the file was closed before the export ended'));
    const onAbort = () => settle(cancelled(progress));
    if (signal?.aborted) return onAbort();
    if (out.destroyed) return onClose();
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Stops waiting for `promise` on cancel (the request itself ends on its own; its answer is dropped). */
function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  progress: ExportProgress,
): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled(progress));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const fileReasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'the folder does not exist',
  EISDIR: 'a folder has that name',
  EEXIST: 'a file of that name appeared meanwhile',
  EBUSY: 'the file is in use by another program',
};

export function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? fileReasons[code] : undefined;
  if (reason) return `${reason} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
