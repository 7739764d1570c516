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
import { licenseExportSoql } from '../records/licenses';
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
}

export interface ExportResult {
  /** Licenses written. */
  rows: number;
  /** What the LMO reported when the export started (differs from rows only if it changed meanwhile). */
  total: number;
  bytes: number;
  /** Query requests made: one per page. */
  requests: number;
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

  try {
    await put(
      (options.byteOrderMark === false ? '' : '\uFEFF') +
        csvRow(LICENSE_EXPORT_COLUMNS.map((column) => column.header)),
    );
    let next: string | undefined;
    let first = true;
    do {
      // Block-scoped, so a written page can be collected while the next one is on its way.
      const page = await read(next);
      if (first) {
        progress.total = page.totalSize;
        onProgress?.({ ...progress });
        first = false;
      }
      await put(page.records.map((row) => licenseCsvRow(toLicense(row), context)).join(''));
      progress.done += page.records.length;
      progress.total = Math.max(progress.total, progress.done);
      onProgress?.({ ...progress });
      next = page.done ? undefined : page.nextRecordsUrl;
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
    return { rows: progress.done, total: progress.total, bytes, requests };
  } finally {
    out.off('error', onOutError);
    // Keep listening until the caller destroys `out`: a late write error must not crash the process.
    out.on('error', () => undefined);
  }
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
