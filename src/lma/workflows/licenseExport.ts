/**
 * "Export Licenses…": the licenses of a package, or of one of its status groups, as a CSV file with the
 * tree's fields, raw values next to the LMA's human ones ("-1" and "Site License").
 *
 * Streamed: one query page (2,000 licenses) is read, written with backpressure, and dropped before the
 * next is asked for, so 100,000 licenses never sit in memory. The file is written under a `.partial`
 * name and renamed only when complete; a failure or a cancel deletes it, so no file at the chosen path
 * ever looks complete without being so (and a file already there is left as it was).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { QueryPage } from '../../org/connection';
import { toLmoError } from '../../org/errors';
import { doesNotExpire, formatExpiration, formatSeats, isExpired, isoDate } from '../rules/encodings';
import { groupConditions, licenseFields, toLicense, type LicenseRow } from '../records/licenses';
import { LMA_1_20_FIELDS, lmaFieldsOf, type LmaFields } from '../records/lmaFields';
import { queryPage, type LmoApi } from '../records/lmoApi';
import { licenseGroupStatuses, type License, type LicenseGroupStatus } from '../records/types';
import { isSalesforceId } from '../records/soql';

/** What to export: a package's licenses (through their Package Version, as the tree counts them). */
export interface LicenseGroup {
  /** The sfLma__Package__c record. */
  package: { id: string; name: string };
  /** One Status group of the package (Other included); every license when absent. */
  status?: LicenseGroupStatus;
}

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
// CSV (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds a quote, comma, CR or LF,
// with quotes doubled.

export type Cell = string | number | boolean | null | undefined;

// A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), @SUM(…), +cmd|…),
// tab and carriage return included (OWASP, "CSV Injection"); their full-width forms ＝ ＋ － ＠, which
// spreadsheets may fold to the ASCII signs; and a NUL or line feed, which some drop before looking.
const FORMULA_SIGNS = '=+\\-@\\t\\r\\n\\0\\uFF1D\\uFF0B\\uFF0D\\uFF20';
const FORMULA_START = new RegExp(`^[${FORMULA_SIGNS}]`);
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;
// Most text needs neither: one test lets it through as it is.
const PLAIN_TEXT = new RegExp(`^(?![${FORMULA_SIGNS}])[^",\\r\\n]*$`);

/**
 * One CSV field. Numbers and booleans are written as they are (Seats -1 stays -1). Text that a
 * spreadsheet would run as a formula gets a leading apostrophe, which spreadsheets show as text; text
 * that is just a number ("-1") is harmless and left alone.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (PLAIN_TEXT.test(value)) return value;
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

// ---------------------------------------------------------------------------------------------------
// Columns: every field of the tree's license list (licenseFields through toLicense), in the LMA's words.

interface RowContext {
  packageName: string;
  /** The ISO day against which "Expired" is judged. */
  today: string;
}

interface Column {
  header: string;
  cell(license: License, context: RowContext): Cell;
}

export const LICENSE_EXPORT_COLUMNS: readonly Column[] = [
  { header: 'License Id', cell: (l) => l.id },
  { header: 'License Name', cell: (l) => l.name },
  { header: 'Package', cell: (_, c) => c.packageName },
  { header: 'Version', cell: (l) => l.versionNumber },
  { header: 'Package Version Id', cell: (l) => l.packageVersionId },
  { header: 'Status', cell: (l) => l.status },
  { header: 'Customer', cell: (l) => l.customerName },
  { header: 'Subscriber Org Id', cell: (l) => l.subscriberOrgId },
  { header: 'Sandbox', cell: (l) => l.isSandbox },
  { header: 'Sandbox (display)', cell: (l) => (l.isSandbox ? 'Sandbox' : 'Production') },
  { header: 'Org Edition', cell: (l) => l.orgEdition },
  { header: 'Org Instance', cell: (l) => l.orgInstance },
  { header: 'Seats', cell: (l) => l.seats },
  { header: 'Seats (display)', cell: (l) => formatSeats(l.seats) },
  { header: 'Used Licenses', cell: (l) => l.usedLicenses },
  { header: 'Expiration', cell: (l) => l.expiration },
  { header: 'Expiration (display)', cell: (l, c) => expirationText(l.expiration, c.today) },
  { header: 'Install Date', cell: (l) => l.installDate },
  { header: 'Created Date', cell: (l) => l.createdDate },
];

/** "Does not expire" (null or 1970-01-01), "Expired 2024-05-01", or "Expires 2026-01-31". */
export function expirationText(expiration: string | undefined, today: Date | string): string {
  if (doesNotExpire(expiration)) return 'Does not expire';
  return isExpired(expiration, today) ? `Expired ${expiration!.slice(0, 10)}` : formatExpiration(expiration);
}

export function licenseCsvRow(license: License, context: RowContext): string {
  return csvRow(LICENSE_EXPORT_COLUMNS.map((column) => column.cell(license, context)));
}

/** The query the export pages through (the bench gives `sf data query` the very same). */
export function licenseExportSoql(group: LicenseGroup, fields: LmaFields = LMA_1_20_FIELDS): string {
  const conditions = groupConditions({ packageId: group.package.id, status: group.status }, fields);
  return `SELECT ${licenseFields(fields)} FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id DESC`;
}

/** `<package>-<status>-licenses-<date>.csv` in the user's local date, safe as a file name anywhere. */
export function exportFileName(group: LicenseGroup, today: Date = new Date()): string {
  const date = [today.getFullYear(), today.getMonth() + 1, today.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
  const parts = [
    fileNamePart(group.package.name) || 'package',
    group.status?.toLowerCase(),
    'licenses',
    date,
  ];
  return `${parts.filter(Boolean).join('-')}.csv`;
}

function fileNamePart(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .toLowerCase();
}

// ---------------------------------------------------------------------------------------------------
// The export.

function checkGroup(group: LicenseGroup): void {
  if (!group?.package?.id || !isSalesforceId(group.package.id))
    throw new ExportError('input', 'Choose a package to export its licenses.');
  if (group.status !== undefined && !licenseGroupStatuses.includes(group.status))
    throw new ExportError(
      'input',
      `"${String(group.status)}" is not a License status group (${licenseGroupStatuses.join(', ')}).`,
    );
}

const cancelled = (progress: ExportProgress) =>
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
      : api.lmaFields
        ? queryPage<LicenseRow>(api, licenseExportSoql(group, api.lmaFields))
        : lmaFieldsOf(api).then((fields) => queryPage<LicenseRow>(api, licenseExportSoql(group, fields)));
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

/**
 * Exports to `file`: written as `<file>.<random>.partial` next to it, renamed to `file` once complete,
 * deleted on any failure or cancel. Nothing is requested from the LMO if the file can't be created.
 */
export async function exportLicensesToFile(
  api: LmoApi,
  group: LicenseGroup,
  file: string,
  options: ExportOptions = {},
): Promise<ExportResult & { file: string }> {
  checkGroup(group);
  if (options.signal?.aborted) throw cancelled({ done: 0, total: 0 });
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  // `flush`: the data reaches the disk before the rename makes the file appear complete.
  const out = createWriteStream(partial, { flags: 'wx', flush: true });
  out.on('error', () => undefined); // reported through `once` and writeLicensesCsv
  try {
    await once(out, 'ready');
  } catch (error) {
    throw new ExportError('file', `Couldn't write ${file}: ${fileReason(error)}.`, undefined, {
      cause: error,
    });
  }
  try {
    const result = await writeLicensesCsv(api, group, out, options);
    try {
      await rename(partial, file);
    } catch (error) {
      throw new ExportError(
        'file',
        `Couldn't write ${file}: ${fileReason(error)}.`,
        { done: result.rows, total: result.total },
        { cause: error },
      );
    }
    return { ...result, file };
  } catch (error) {
    out.destroy();
    const removed = await rm(partial, { force: true }).then(
      () => true,
      () => false,
    );
    const failure =
      error instanceof ExportError ? error : new ExportError('file', '', undefined, { cause: error });
    const leftover = removed
      ? 'the partial file was deleted'
      : `the partial file ${partial} could not be deleted: delete it by hand`;
    const message =
      failure.kind === 'cancelled'
        ? `Export cancelled: ${leftover}.`
        : failure.kind === 'file'
          ? `Couldn't write ${file}: ${fileReason(failure.cause)}. Nothing was saved; ${leftover}.`
          : `${failure.message} Nothing was saved; ${leftover}.`;
    throw new ExportError(failure.kind, message, failure.progress, { cause: failure.cause ?? failure });
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

function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? fileReasons[code] : undefined;
  if (reason) return `${reason} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
