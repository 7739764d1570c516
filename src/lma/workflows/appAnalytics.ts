/**
 * App Analytics usage, the use case: answer a question (summaries, logs or snapshots of a package, some
 * orgs or one org, over a period) from the cache, or create an `AppAnalyticsQueryRequest` in the LMO,
 * poll it with backoff, and stream its gzip CSV to the cache while checking and adding it up (never the
 * whole file in memory). Outcomes a user should read are a report, not a throw: NoData, Failed (its
 * message), an expired link (asked again once, saying so), the daily download limit, App Analytics not
 * available (what to do), a bad file (nothing cached as complete). The cache's files are the adapter's
 * (src/files/appAnalyticsCache.ts); this writes and reads streams only.
 */
import type { Readable, Writable } from 'node:stream';
import { Transform, Writable as WritableStream } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { toLmoError } from '../../org/errors';
import {
  cacheKey,
  checkQuestion,
  CsvStream,
  DAILY_DOWNLOAD_LIMIT_BYTES,
  FINAL_STATES,
  pollDelayMs,
  REQUIRED_COLUMNS,
  requestFields,
  UsageFileError,
  UsageSummaryAggregator,
  type UsageQuestion,
  type UsageReport,
} from '../rules/appAnalytics';
import { DEFAULT_AT_RISK_THRESHOLD } from '../rules/atRisk';
import type { LmoApi } from '../records/lmoApi';
import { APP_ANALYTICS_OBJECT, readRequest, type AppAnalyticsRequestRow } from '../records/appAnalytics';

export interface CacheKey {
  packageId: string;
  name: string;
}

export interface CachedUsage {
  key: CacheKey;
  requestId: string;
  /** ISO time of the download. */
  downloadedAt: string;
  bytes: number;
  /** Where the adapter keeps it (shown to the user). */
  location: string;
}

/** The cache, as the use case needs it: the adapter (src/files/appAnalyticsCache.ts) owns the files. */
export interface UsageCache {
  find(key: CacheKey): Promise<CachedUsage | undefined>;
  /** The cached file's bytes (gzip). */
  read(entry: CachedUsage): Readable;
  /** A new file for `key`: written to `stream`, visible only after `commit`; `abort` deletes it. */
  begin(key: CacheKey): Promise<{
    stream: Writable;
    commit(meta: { requestId: string; bytes: number }): Promise<CachedUsage>;
    abort(): Promise<void>;
  }>;
}

export type UsageProgress =
  | { phase: 'requesting' }
  | { phase: 'waiting'; state: string; polls: number }
  | { phase: 'downloading'; bytes: number; total: number | null }
  | { phase: 'reading'; rows: number }
  | { phase: 'note'; message: string };

export interface UsageOptions {
  signal?: AbortSignal;
  onProgress?: (p: UsageProgress) => void;
  /** Ask again even when the cache has the answer ("Refresh"). */
  refresh?: boolean;
  /** At-risk: users fell by more than this fraction (default 0.5). */
  threshold?: number;
  now?: Date;
  /** Waits between polls (tests pass a shorter one); default `pollDelayMs`. */
  pollDelay?: (attempt: number) => number;
}

export type UsageOutcome =
  | {
      kind: 'ready';
      source: 'cache' | 'download';
      entry: CachedUsage;
      rows: number;
      /** Summaries only: the monthly usage the file adds up to. */
      report: UsageReport | null;
      /** Said to the user: e.g. that an expired link was asked for again. */
      notes: string[];
    }
  | { kind: 'noData'; requestId: string; message: string }
  | { kind: 'failed'; requestId: string; message: string }
  | { kind: 'unavailable'; reason: 'notEnabled' | 'notRegistered'; message: string }
  | { kind: 'limit'; message: string }
  | { kind: 'expired'; message: string }
  | { kind: 'badFile'; message: string }
  | { kind: 'input'; message: string };

export const NOT_ENABLED_MESSAGE =
  'App Analytics is not available in this License Management Org for you: AppAnalyticsQueryRequest does not exist here or you have no access to it. ' +
  'Turn it on for the package (2GP: `sf package update --package <package> --enable-app-analytics`; 1GP: a case with Salesforce Partner Support) ' +
  'and give your user full access to AppAnalyticsQueryRequest (a permission set), then try again.';

const abortError = (): Error =>
  Object.assign(new Error('The App Analytics request was cancelled.'), { name: 'AbortError' });

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The answer the cache has for a question, read as `loadUsage` reads it; undefined when the cache has
 * none (or a file that no longer reads). Never a request: what a view shows on opening.
 */
export async function usageFromCache(
  cache: UsageCache,
  question: UsageQuestion,
  options: Pick<UsageOptions, 'signal' | 'onProgress' | 'threshold' | 'now'> = {},
): Promise<Extract<UsageOutcome, { kind: 'ready' }> | undefined> {
  if (checkQuestion(question, options.now)) return undefined;
  const entry = await cache.find(cacheKey(question));
  if (!entry) return undefined;
  try {
    const parsed = await readUsageFile(cache.read(entry), question, options);
    return { kind: 'ready', source: 'cache', entry, ...parsed, notes: [] };
  } catch (error) {
    if (!(error instanceof UsageFileError)) throw error;
    // A cached file that no longer reads: ask again rather than show it.
    return undefined;
  }
}

/** Answers a question: from the cache unless `refresh`, else a new request, polled, downloaded once complete. */
export async function loadUsage(
  api: LmoApi,
  cache: UsageCache,
  question: UsageQuestion,
  options: UsageOptions = {},
): Promise<UsageOutcome> {
  const problem = checkQuestion(question, options.now);
  if (problem) return { kind: 'input', message: problem };
  if (!options.refresh) {
    const cached = await usageFromCache(cache, question, options);
    if (cached) return cached;
  }
  const notes: string[] = [];
  for (let round = 0; ; round++) {
    const outcome = await requestAndDownload(api, cache, question, options, notes);
    if (outcome.kind !== 'expired') return outcome;
    if (round === 1)
      return {
        kind: 'expired',
        message: `${outcome.message} It expired again after a second request: try again later.`,
      };
    const note = `${outcome.message} Asking App Analytics again, once.`;
    notes.push(note);
    options.onProgress?.({ phase: 'note', message: note });
  }
}

async function requestAndDownload(
  api: LmoApi,
  cache: UsageCache,
  question: UsageQuestion,
  options: UsageOptions,
  notes: string[],
): Promise<UsageOutcome> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  onProgress?.({ phase: 'requesting' });
  let requestId: string;
  try {
    const created = await api.request<{ id: string }>(`/sobjects/${APP_ANALYTICS_OBJECT}`, {
      method: 'POST',
      body: requestFields(question),
    });
    requestId = created.id;
  } catch (error) {
    const e = toLmoError(error);
    if (
      e.errorCode === 'NOT_FOUND' ||
      e.errorCode === 'INVALID_TYPE' ||
      e.errorCode === 'INSUFFICIENT_ACCESS'
    )
      return { kind: 'unavailable', reason: 'notEnabled', message: NOT_ENABLED_MESSAGE };
    if (/not registered/i.test(e.message))
      return {
        kind: 'unavailable',
        reason: 'notRegistered',
        message: `The package ${question.packageId} is not registered to this License Management Org, so App Analytics has no usage for it here. Register it (Partner Console: connect the package to this LMO), then try again. (${e.message})`,
      };
    throw e;
  }
  return followRequest(api, cache, question, requestId, options, notes);
}

/**
 * A request already created (its id): polled until it ends, then its file downloaded into the cache
 * as `loadUsage` does. The benchmark starts here, once the request is Complete.
 */
export async function followRequest(
  api: LmoApi,
  cache: UsageCache,
  question: UsageQuestion,
  requestId: string,
  options: UsageOptions = {},
  notes: string[] = [],
): Promise<UsageOutcome> {
  const { signal, onProgress } = options;
  const key = cacheKey(question);
  let row: AppAnalyticsRequestRow;
  for (let polls = 0; ; polls++) {
    row = await readRequest(api, requestId);
    if (FINAL_STATES.includes(row.RequestState ?? '')) break;
    onProgress?.({ phase: 'waiting', state: row.RequestState ?? 'New', polls });
    await wait((options.pollDelay ?? pollDelayMs)(polls), signal);
  }
  const now = (): number => options.now?.getTime() ?? Date.now();
  switch (row.RequestState) {
    case 'NoData':
      return {
        kind: 'noData',
        requestId,
        message: `App Analytics has no usage for ${question.start} to ${question.end}.`,
      };
    case 'Failed':
      return {
        kind: 'failed',
        requestId,
        message: `App Analytics couldn't answer request ${requestId}: ${row.ErrorMessage || 'it gives no reason'}.`,
      };
    case 'Expired':
      return {
        kind: 'expired',
        message: `The download link of request ${requestId} expired before it was used.`,
      };
  }
  const expires = row.DownloadExpirationTime
    ? Date.parse(row.DownloadExpirationTime.replace(/\+0000$/, 'Z'))
    : NaN;
  if (!row.DownloadUrl || (!Number.isNaN(expires) && expires <= now()))
    return {
      kind: 'expired',
      message: `The download link of request ${requestId} expired before it was used.`,
    };
  const response = await fetch(row.DownloadUrl, { signal });
  if (response.status === 403 || response.status === 410) {
    await response.body?.cancel();
    return { kind: 'expired', message: `The download link of request ${requestId} has expired.` };
  }
  if (response.status === 429) {
    const text = await response.text();
    const said = /"message"\s*:\s*"([^"]*)"/.exec(text)?.[1] ?? text.slice(0, 300);
    return {
      kind: 'limit',
      message: `App Analytics' download limit is reached (${DAILY_DOWNLOAD_LIMIT_BYTES / 1024 ** 3} GB per 24 hours). The org says: ${said}`,
    };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`The download of request ${requestId} answered HTTP ${response.status}.`);
  }
  const total = Number(response.headers.get('content-length')) || row.DownloadSize || null;
  const file = await cache.begin(key);
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onProgress?.({ phase: 'downloading', bytes, total });
      if (file.stream.write(chunk)) done(null, chunk);
      else file.stream.once('drain', () => done(null, chunk));
    },
  });
  try {
    const source = response.body as unknown as AsyncIterable<Uint8Array>;
    const parsed = await parseGzipCsv(source, tap, question, options);
    await new Promise<void>((resolve, reject) => {
      file.stream.once('error', reject);
      file.stream.end(resolve);
    });
    const entry = await file.commit({ requestId, bytes });
    return { kind: 'ready', source: 'download', entry, ...parsed, notes };
  } catch (error) {
    await file.abort();
    if (error instanceof UsageFileError)
      return {
        kind: 'badFile',
        message: `${error.message} Nothing was kept in the cache (request ${requestId}).`,
      };
    throw error;
  }
}

/** Reads a cached file (gzip CSV) as a download is read. */
export async function readUsageFile(
  source: Readable,
  question: UsageQuestion,
  options: Pick<UsageOptions, 'signal' | 'onProgress' | 'threshold'> = {},
): Promise<{ rows: number; report: UsageReport | null }> {
  return parseGzipCsv(source, null, question, options);
}

/** Bytes of each buffer gunzip inflates into (it hands out slices of it, then takes a new one). */
const INFLATE_CHUNK = 64 * 1024;

/**
 * Gives back an inflate buffer's memory as soon as its last slice is read, instead of at V8's next
 * collection: with the rows read as bytes the heap barely grows, collections are rare, and up to 64 MB
 * of read buffers used to wait for one (V8 collects for external memory about every 64 MB). A slice
 * that ends its buffer is gunzip's last use of it (it then takes a new one), and the slices before it
 * were read already (in order): the buffer is detached (`ArrayBuffer.prototype.transfer`, where the
 * runtime has it), which frees its memory now. Only a buffer of exactly `INFLATE_CHUNK` bytes is
 * gunzip's own; nothing else holds it once the reader has copied what it keeps.
 */
function release(chunk: Buffer): void {
  const buffer = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (
    buffer.byteLength === INFLATE_CHUNK &&
    chunk.byteOffset + chunk.length === INFLATE_CHUNK &&
    typeof buffer.transfer === 'function'
  )
    buffer.transfer(0);
}

async function parseGzipCsv(
  source: AsyncIterable<Uint8Array>,
  tap: Transform | null,
  question: UsageQuestion,
  options: Pick<UsageOptions, 'signal' | 'onProgress' | 'threshold'>,
): Promise<{ rows: number; report: UsageReport | null }> {
  const summary = question.dataType === 'PackageUsageSummary' ? new UsageSummaryAggregator() : null;
  const csv = new CsvStream(REQUIRED_COLUMNS[question.dataType], (row) => summary?.add(row));
  let lastReported = 0;
  const sink = new WritableStream({
    write(chunk: Buffer, _enc, done) {
      try {
        csv.push(chunk);
        release(chunk);
        if (csv.rows - lastReported >= 50_000) {
          lastReported = csv.rows;
          options.onProgress?.({ phase: 'reading', rows: csv.rows });
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    final(done) {
      try {
        csv.end();
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  try {
    const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
    const stages = tap ? [tap, gunzip, sink] : [gunzip, sink];
    await (pipeline as (...s: unknown[]) => Promise<void>)(source, ...stages, { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw abortError();
    const code = (error as { code?: string }).code;
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(String((error as Error).message)))
      throw new UsageFileError('The usage file is truncated: its gzip data ends before the file does.');
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new UsageFileError(
        `The usage file is not gzip data that inflates (${(error as Error).message}).`,
      );
    throw error;
  }
  return { rows: csv.rows, report: summary?.report(options.threshold ?? DEFAULT_AT_RISK_THRESHOLD) ?? null };
}
