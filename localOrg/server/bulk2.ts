// Bulk API 2.0 (`/jobs/query`, `/jobs/ingest`): query jobs whose results are CSV
// pages behind `Sforce-Locator`, and ingest jobs that take a CSV upload and
// answer per-record results as CSV. Jobs live in memory for as long as the
// server runs (Salesforce keeps them 7 days); each belongs to its org.
import { randomBytes } from 'node:crypto';
import type { FieldType, Query } from '@jetstreamapp/soql-parser-js';
import { SalesforceError, notFound } from '../data/errors';
import type { QueryResult, Row } from '../data/index';
import { fromObject, parseSoql } from '../world/virtualQuery';
import type { World } from '../world/world';
import { DELIMITERS, LINE_ENDINGS, csvLine, csvValue, parseCsv, type CsvFormat } from './bulk2Csv';
import type { Ctx } from './context';
import { header, json, jsonBody, noContent, type ApiRequest, type ApiResponse } from './http';
import { writableFields } from './rest';

/** "The maximum file size for a single upload is 150 MB" (Bulk API 2.0 limits). */
export const BULK_UPLOAD_LIMIT = 150 * 1024 * 1024;
/** Rows in a results page when the client gives no `maxRecords` (Salesforce's default: UNCONFIRMED). */
export const DEFAULT_MAX_RECORDS = 100_000;
/** Query jobs per 24-hour rolling window (Bulk API 2.0 query limits). */
const DAILY_QUERY_JOBS = 10_000;

type State = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
const FINISHED: State[] = ['JobComplete', 'Failed', 'Aborted'];

interface JobBase {
  id: string;
  orgId: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  state: State;
  object: string;
  apiVersion: string;
  format: CsvFormat;
  columnDelimiter: string;
  lineEnding: string;
  errorMessage?: string;
  started: number;
  finished?: number;
}

interface QueryJob extends JobBase {
  kind: 'query';
  operation: 'query' | 'queryAll';
  query: string;
  columns: string[];
  result?: QueryResult;
}

interface IngestJob extends JobBase {
  kind: 'ingest';
  operation: 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
  externalIdFieldName?: string;
  upload: string[];
  successful: string[];
  failed: string[];
  unprocessed: string[];
  headerLine?: string[];
  processed: number;
  failures: number;
}

type Job = QueryJob | IngestJob;

/** Switches of the local org's Bulk API, for tests and for the readings Salesforce doesn't document. */
export interface Bulk2Switches {
  /** Query jobs stay InProgress until released (a test's Cancel meets a running job). */
  holdQueryJobs: boolean;
  /** The next query jobs fail (state Failed, this message) instead of running. */
  failNextQueryJobs: { count: number; message: string } | null;
  /** The next results page is cut off after this many characters, then the connection drops. */
  breakNextResultsPage: number | null;
  /**
   * A query Bulk API 2.0 does not support (GROUP BY, OFFSET, TYPEOF, aggregates, sub-queries): the job
   * is created and ends Failed ('fail-job', the default) or the create is refused with 400 ('refuse').
   * Which one Salesforce does is UNCONFIRMED.
   */
  unsupportedQuery: 'fail-job' | 'refuse';
  /** Ingest jobs stop InProgress after processing this many rows, until released (a test's Cancel mid-job). */
  holdIngestJobsAfter: number | null;
  /** The next ingest jobs fail after processing this many rows (state Failed, this message); the rest unprocessed. */
  failNextIngestJobs: { count: number; after: number; message: string } | null;
  /** Ingest results listed last row first (Salesforce keeps no upload order: UNCONFIRMED that it ever does). */
  reverseIngestResults: boolean;
  /**
   * A results page stops once it has sent this many of its rows (rounded up to its chunks of 1,000),
   * until released: a client meets a page midway.
   */
  holdResultsPageAfter: number | null;
  /**
   * The most rows a results page holds whatever `maxRecords` asks: a real org's page is "still subject
   * to the size limits", which ones is UNCONFIRMED (null, the default: `maxRecords` rows).
   */
  resultsPageCap: number | null;
}

export class Bulk2Jobs {
  readonly jobs = new Map<string, Job>();
  readonly switches: Bulk2Switches = {
    holdQueryJobs: false,
    failNextQueryJobs: null,
    breakNextResultsPage: null,
    unsupportedQuery: 'fail-job',
    holdIngestJobsAfter: null,
    failNextIngestJobs: null,
    reverseIngestResults: false,
    holdResultsPageAfter: null,
    resultsPageCap: null,
  };
  private readonly held = new Set<() => void>();
  private queryJobsToday: number[] = [];

  /** Lets held query and ingest jobs run (and stops holding new ones). */
  release(): void {
    this.switches.holdQueryJobs = false;
    this.switches.holdIngestJobsAfter = null;
    this.switches.holdResultsPageAfter = null;
    for (const go of this.held) go();
    this.held.clear();
  }

  async waitIfHeld(): Promise<void> {
    if (!this.switches.holdQueryJobs) return;
    await new Promise<void>((r) => this.held.add(r));
  }

  /** Holds an ingest job that has processed `rows` rows, while `holdIngestJobsAfter` says so. */
  async waitIfIngestHeld(rows: number): Promise<void> {
    if (this.switches.holdIngestJobsAfter !== rows) return;
    await new Promise<void>((r) => this.held.add(r));
  }

  /** Holds a results page that has sent `rows` of its rows, while `holdResultsPageAfter` says so. */
  async waitIfResultsHeld(rows: number): Promise<void> {
    const after = this.switches.holdResultsPageAfter;
    if (after === null || rows < after) return;
    await new Promise<void>((r) => this.held.add(r));
  }

  /** Whether an ingest job that has processed `rows` rows fails now, and with what message. */
  ingestFailure(rows: number): string | undefined {
    const fail = this.switches.failNextIngestJobs;
    if (!fail || fail.after !== rows) return undefined;
    if (--fail.count <= 0) this.switches.failNextIngestJobs = null;
    return fail.message;
  }

  countQueryJob(): boolean {
    const now = Date.now();
    this.queryJobsToday = this.queryJobsToday.filter((t) => now - t < 24 * 3600 * 1000);
    if (this.queryJobsToday.length >= DAILY_QUERY_JOBS) return false;
    this.queryJobsToday.push(now);
    return true;
  }

  /** Jobs of an org, for the test helpers: id, kind, state. */
  list(orgId: string): Array<{ id: string; kind: string; state: string; object: string }> {
    return [...this.jobs.values()]
      .filter((j) => j.orgId === orgId)
      .map((j) => ({ id: j.id, kind: j.kind, state: j.state, object: j.object }));
  }
}

const registry = new WeakMap<World, Bulk2Jobs>();
/** The Bulk API jobs of a world (one server per world). */
export function bulk2Jobs(world: World): Bulk2Jobs {
  let jobs = registry.get(world);
  if (!jobs) registry.set(world, (jobs = new Bulk2Jobs()));
  return jobs;
}

/** A CSV upload (`PUT …/jobs/ingest/{id}/batches`): the router reads its body as text, up to 150 MB. */
export function isBulkUpload(req: ApiRequest): boolean {
  const s = req.segments;
  return req.method === 'PUT' && s[3] === 'jobs' && s[4] === 'ingest' && s[6] === 'batches' && s.length === 7;
}

const timestamp = (ms = Date.now()): string => new Date(ms).toISOString().replace('Z', '+0000');

const jobId = (): string =>
  '750' + randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12) + 'AAA';

const invalidState = (message: string): SalesforceError =>
  new SalesforceError('INVALIDJOBSTATE', message, [], 400);

const methodNotAllowed = (m: string, allowed: string): SalesforceError =>
  new SalesforceError(
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${m}' not allowed. Allowed are ${allowed}`,
    [],
    405,
  );

function csvFormat(body: Record<string, unknown>): {
  format: CsvFormat;
  columnDelimiter: string;
  lineEnding: string;
} {
  const columnDelimiter = body.columnDelimiter === undefined ? 'COMMA' : body.columnDelimiter;
  const lineEnding = body.lineEnding === undefined ? 'LF' : body.lineEnding;
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    throw new SalesforceError('API_ERROR', `Unsupported contentType: ${String(body.contentType)}. Use CSV.`);
  }
  if (typeof columnDelimiter !== 'string' || !(columnDelimiter in DELIMITERS)) {
    throw new SalesforceError('API_ERROR', `Invalid columnDelimiter: ${String(columnDelimiter)}`);
  }
  if (typeof lineEnding !== 'string' || !(lineEnding in LINE_ENDINGS)) {
    throw new SalesforceError('API_ERROR', `Invalid lineEnding: ${String(lineEnding)}`);
  }
  return {
    format: {
      delimiter: DELIMITERS[columnDelimiter] as string,
      lineEnding: LINE_ENDINGS[lineEnding] as string,
    },
    columnDelimiter,
    lineEnding,
  };
}

function jobInfo(job: Job, detail: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.kind === 'ingest' && job.externalIdFieldName
      ? { externalIdFieldName: job.externalIdFieldName }
      : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    ...(job.kind === 'ingest'
      ? { contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches` }
      : {}),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  };
  if (!detail) return base;
  const time = (job.finished ?? Date.now()) - job.started;
  if (job.kind === 'query') {
    return {
      ...base,
      jobType: 'V2Query',
      numberRecordsProcessed: job.state === 'JobComplete' ? (job.result?.totalSize ?? 0) : 0,
      retries: 0,
      totalProcessingTime: time,
      isPkChunkingSupported: true,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }
  return {
    ...base,
    jobType: 'V2Ingest',
    numberRecordsProcessed: job.processed,
    numberRecordsFailed: job.failures,
    retries: 0,
    totalProcessingTime: time,
    apiActiveProcessingTime: time,
    apexProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

export async function bulk2(ctx: Ctx): Promise<ApiResponse> {
  const jobs = bulk2Jobs(ctx.world);
  const [, kind, id, sub, ...more] = ctx.rest;
  if ((kind !== 'query' && kind !== 'ingest') || more.length) throw notFound();
  if (Number(ctx.version) < 47 && kind === 'query') throw notFound();
  if (Number(ctx.version) < 41) throw notFound();
  const m = ctx.req.method;
  if (id === undefined) {
    if (m === 'POST') return kind === 'query' ? createQueryJob(ctx, jobs) : createIngestJob(ctx, jobs);
    if (m === 'GET') return listJobs(ctx, jobs, kind);
    throw methodNotAllowed(m, 'GET,POST');
  }
  const job = jobs.jobs.get(id);
  if (!job || job.orgId !== ctx.org.id || job.kind !== kind) throw notFound();
  if (sub === undefined) {
    if (m === 'GET') return json(jobInfo(job, true));
    if (m === 'PATCH') return patchJob(ctx, jobs, job);
    if (m === 'DELETE') {
      if (job.state === 'Open' || job.state === 'InProgress') {
        throw invalidState(`Job ${job.id} can't be deleted in state ${job.state}: abort it first`);
      }
      jobs.jobs.delete(job.id);
      return noContent();
    }
    throw methodNotAllowed(m, 'GET,PATCH,DELETE');
  }
  if (job.kind === 'query') {
    if (sub !== 'results') throw notFound();
    if (m !== 'GET') throw methodNotAllowed(m, 'GET');
    return results(ctx, jobs, job);
  }
  if (sub === 'batches') {
    if (m !== 'PUT') throw methodNotAllowed(m, 'PUT');
    return upload(ctx, job);
  }
  const lists = {
    successfulResults: 'successful',
    failedResults: 'failed',
    unprocessedrecords: 'unprocessed',
  };
  if (!(sub in lists)) throw notFound();
  if (m !== 'GET') throw methodNotAllowed(m, 'GET');
  return ingestResults(job, sub as keyof typeof lists, jobs.switches.reverseIngestResults);
}

function listJobs(ctx: Ctx, jobs: Bulk2Jobs, kind: 'query' | 'ingest'): ApiResponse {
  const records = [...jobs.jobs.values()]
    .filter((j) => j.orgId === ctx.org.id && j.kind === kind)
    .map((j) => ({ ...jobInfo(j, false), jobType: kind === 'query' ? 'V2Query' : 'V2Ingest' }));
  return json({ done: true, records, nextRecordsUrl: null });
}

// ---- query jobs ----

/** What Bulk API 2.0 queries can't hold (docs: "Understanding Bulk API 2.0 Query", SOQL considerations). */
function unsupported(q: Query): string | undefined {
  if (q.groupBy) return 'GROUP BY';
  if (q.offset !== undefined) return 'OFFSET';
  const fields: FieldType[] = q.fields ?? [];
  if (fields.some((f) => f.type === 'FieldTypeof')) return 'TYPEOF';
  if (fields.some((f) => f.type === 'FieldFunctionExpression')) return 'aggregate functions';
  if (fields.some((f) => f.type === 'FieldSubquery')) return 'parent-to-child relationship queries';
  return undefined;
}

function columnsOf(q: Query): string[] {
  return (q.fields ?? []).map((f) => {
    if (f.type === 'Field') return f.field;
    if (f.type === 'FieldRelationship') return [...f.relationships, f.field].join('.');
    return 'rawValue' in f && typeof f.rawValue === 'string' ? f.rawValue : f.type;
  });
}

async function createQueryJob(ctx: Ctx, jobs: Bulk2Jobs): Promise<ApiResponse> {
  const body = jsonBody(ctx.req);
  const operation = body.operation;
  if (operation !== 'query' && operation !== 'queryAll') {
    throw new SalesforceError('API_ERROR', `Invalid operation: ${String(operation)}. Use query or queryAll.`);
  }
  if (typeof body.query !== 'string' || !body.query.trim()) {
    throw new SalesforceError('API_ERROR', 'The query is required.');
  }
  const soql = body.query;
  const { format, columnDelimiter, lineEnding } = csvFormat(body);
  const parsed = parseSoql(soql);
  const object = fromObject(soql) ?? '';
  const data = ctx.world.data(ctx.org);
  let canonical: string;
  try {
    canonical = String(data.describe(object).name);
  } catch {
    throw new SalesforceError('INVALID_TYPE', `sObject type '${object}' is not supported.`);
  }
  const notSupported = unsupported(parsed);
  if (notSupported && jobs.switches.unsupportedQuery === 'refuse') {
    throw new SalesforceError('API_ERROR', `Bulk API 2.0 doesn't support ${notSupported} in a query`);
  }
  if (!jobs.countQueryJob()) {
    throw new SalesforceError('LIMIT_EXCEEDED', 'Max bulk v2 query jobs per 24 hrs has been reached (10000)');
  }
  const now = Date.now();
  const job: QueryJob = {
    kind: 'query',
    id: jobId(),
    orgId: ctx.org.id,
    createdById: ctx.org.userId,
    createdDate: timestamp(now),
    systemModstamp: timestamp(now),
    state: 'UploadComplete',
    object: canonical,
    operation,
    query: soql,
    columns: columnsOf(parsed),
    apiVersion: ctx.version,
    format,
    columnDelimiter,
    lineEnding,
    started: now,
  };
  jobs.jobs.set(job.id, job);
  const info = jobInfo(job, false);
  setImmediate(() => void runQueryJob(ctx, jobs, job, notSupported));
  return json(info);
}

function finish(job: Job, state: State, errorMessage?: string): void {
  if (FINISHED.includes(job.state)) return;
  job.state = state;
  if (errorMessage) job.errorMessage = errorMessage;
  job.finished = Date.now();
  job.systemModstamp = timestamp(job.finished);
}

async function runQueryJob(
  ctx: Ctx,
  jobs: Bulk2Jobs,
  job: QueryJob,
  notSupported: string | undefined,
): Promise<void> {
  if (job.state !== 'UploadComplete') return;
  job.state = 'InProgress';
  job.systemModstamp = timestamp();
  await jobs.waitIfHeld();
  if (job.state !== 'InProgress') return; // aborted meanwhile
  const forced = jobs.switches.failNextQueryJobs;
  if (forced) {
    if (--forced.count <= 0) jobs.switches.failNextQueryJobs = null;
    finish(job, 'Failed', forced.message);
    return;
  }
  if (notSupported) {
    finish(job, 'Failed', `InvalidJob : Bulk API 2.0 doesn't support ${notSupported} in a query`);
    return;
  }
  try {
    const data = ctx.world.data(ctx.org);
    const result = await data.queryAsync(job.query, {
      includeDeleted: job.operation === 'queryAll',
      apiVersion: `v${job.apiVersion}`,
    });
    if (job.state !== 'InProgress') return;
    job.result = result;
    finish(job, 'JobComplete');
  } catch (e) {
    const err = e instanceof SalesforceError ? e : undefined;
    finish(job, 'Failed', err ? `${err.errorCode} : ${err.message}` : 'InternalServerError');
  }
}

/** Reads a column's path (`sfLma__Package__r.Name`) from a row, whichever case the query wrote it in. */
function columnReader(path: string): (record: Row) => unknown {
  const parts = path.split('.');
  return (record) => {
    let value: unknown = record;
    for (const part of parts) {
      if (value === null || typeof value !== 'object') return null;
      const obj = value as Row;
      const key = part in obj ? part : Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
      value = key === undefined ? null : obj[key];
    }
    // Bulk CSV writes datetimes in UTC with a Z (REST's `…+0000`).
    if (typeof value === 'string' && value.length === 28 && value.endsWith('+0000') && DATETIME.test(value)) {
      return value.slice(0, 23) + 'Z';
    }
    return value ?? null;
  };
}
const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

/** Rows encoded per chunk of a streamed results page (about 0.5 MB of Licenses). */
const ROWS_PER_CHUNK = 1000;

/** A locator as Salesforce writes them: an opaque string (here the base64 of the next row's index). */
const locatorFor = (row: number): string => Buffer.from(String(row)).toString('base64').replace(/=+$/, '');
function rowOf(locator: string): number | undefined {
  const text = Buffer.from(locator, 'base64').toString('utf8');
  return /^\d+$/.test(text) && locatorFor(Number(text)) === locator ? Number(text) : undefined;
}

function results(ctx: Ctx, jobs: Bulk2Jobs, job: QueryJob): ApiResponse {
  if (ctx.version !== job.apiVersion) {
    throw new SalesforceError(
      'API_VERSION_MISMATCH',
      `Use API version ${job.apiVersion}, the version the job was created with, to get its results`,
      [],
      409,
    );
  }
  if (job.state !== 'JobComplete' || !job.result) {
    const status = job.state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
    throw new SalesforceError(
      'JOB_NOT_COMPLETE',
      `can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: ${status}`,
      [],
      412,
    );
  }
  const rawLocator = ctx.req.query.get('locator');
  const from = rawLocator === null || rawLocator === '' ? 0 : rowOf(rawLocator);
  if (from === undefined || from > job.result.totalSize) {
    throw new SalesforceError('INVALID_LOCATOR', `Invalid locator: ${rawLocator}`);
  }
  const rawMax = ctx.req.query.get('maxRecords');
  let max = DEFAULT_MAX_RECORDS;
  if (rawMax !== null) {
    if (!/^\d+$/.test(rawMax) || Number(rawMax) < 1) {
      throw new SalesforceError('INVALID_MAX_RECORDS', `maxRecords must be a positive integer: ${rawMax}`);
    }
    max = Number(rawMax);
  }
  const cap = jobs.switches.resultsPageCap;
  const result = job.result;
  const count = Math.min(cap === null ? max : Math.min(max, cap), result.totalSize - from);
  const next = from + count;
  const headers: Record<string, string> = {
    'Content-Type': 'text/csv',
    'Sforce-NumberOfRecords': String(count),
    'Sforce-Locator': next < result.totalSize ? locatorFor(next) : 'null',
  };
  const cut = jobs.switches.breakNextResultsPage;
  jobs.switches.breakNextResultsPage = null;
  // The page as a stored result file is served: headers first, then its rows encoded as the client
  // takes them (a page of 250,000 Licenses is never built whole).
  const readers = job.columns.map(columnReader);
  const format = job.format;
  const start = from;
  async function* chunks(): AsyncGenerator<string> {
    yield csvLine(job.columns, format);
    for (let at = start; at < next; at += ROWS_PER_CHUNK) {
      await jobs.waitIfResultsHeld(at - start);
      let text = '';
      for (const r of result.page(at, Math.min(ROWS_PER_CHUNK, next - at))) {
        text += csvValue(readers[0]!(r));
        for (let c = 1; c < readers.length; c++) text += format.delimiter + csvValue(readers[c]!(r));
        text += format.lineEnding;
      }
      yield text;
    }
  }
  async function* page(): AsyncGenerator<string> {
    let left = cut ?? Number.POSITIVE_INFINITY;
    for await (const text of chunks()) {
      if (text.length < left) {
        left -= text.length;
        yield text;
        continue;
      }
      // The connection drops after `cut` characters of the page.
      yield text.slice(0, left);
      throw new Error('the results page broke off (breakNextResultsPage)');
    }
  }
  return { status: 200, headers, stream: page() };
}

async function patchJob(ctx: Ctx, jobs: Bulk2Jobs, job: Job): Promise<ApiResponse> {
  const body = jsonBody(ctx.req);
  const state = body.state;
  if (state === 'Aborted') {
    if (FINISHED.includes(job.state)) {
      throw invalidState(`Job ${job.id} is ${job.state} and can't be aborted`);
    }
    finish(job, 'Aborted');
    if (job.kind === 'ingest' && job.upload.length) {
      // Whatever the job hadn't processed is left unprocessed.
      job.upload = [];
    }
    return json(jobInfo(job, false));
  }
  if (state === 'UploadComplete' && job.kind === 'ingest') {
    if (job.state !== 'Open') throw invalidState(`Job ${job.id} is ${job.state}, not Open`);
    job.state = 'UploadComplete';
    job.systemModstamp = timestamp();
    const info = jobInfo(job, false);
    setImmediate(() => void runIngestJob(ctx, jobs, job));
    return json(info);
  }
  throw invalidState(`Can't change the state of job ${job.id} to ${String(state)}`);
}

// ---- ingest jobs ----

async function createIngestJob(ctx: Ctx, _jobs: Bulk2Jobs): Promise<ApiResponse> {
  const body = jsonBody(ctx.req);
  const operation = body.operation;
  const operations = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];
  if (typeof operation !== 'string' || !operations.includes(operation)) {
    throw new SalesforceError('API_ERROR', `Invalid operation: ${String(operation)}`);
  }
  if (typeof body.object !== 'string' || !body.object) {
    throw new SalesforceError('API_ERROR', 'The object is required.');
  }
  const data = ctx.world.data(ctx.org);
  let object: string;
  try {
    object = String(data.describe(body.object).name);
  } catch {
    throw new SalesforceError(
      'INVALIDENTITY',
      `Entity '${body.object}' is not supported by the Bulk API.`,
      [],
      400,
    );
  }
  let externalIdFieldName: string | undefined;
  if (operation === 'upsert') {
    if (typeof body.externalIdFieldName !== 'string' || !body.externalIdFieldName) {
      throw new SalesforceError('API_ERROR', 'An upsert job needs an externalIdFieldName');
    }
    externalIdFieldName = body.externalIdFieldName;
  }
  if (operation === 'hardDelete') {
    throw new SalesforceError(
      'FEATURENOTENABLED',
      'hardDelete needs the Bulk API Hard Delete permission, which this user lacks',
    );
  }
  const { format, columnDelimiter, lineEnding } = csvFormat(body);
  const now = Date.now();
  const job: IngestJob = {
    kind: 'ingest',
    id: jobId(),
    orgId: ctx.org.id,
    createdById: ctx.org.userId,
    createdDate: timestamp(now),
    systemModstamp: timestamp(now),
    state: 'Open',
    object,
    operation: operation as IngestJob['operation'],
    externalIdFieldName,
    apiVersion: ctx.version,
    format,
    columnDelimiter,
    lineEnding,
    started: now,
    upload: [],
    successful: [],
    failed: [],
    unprocessed: [],
    processed: 0,
    failures: 0,
  };
  _jobs.jobs.set(job.id, job);
  return json(jobInfo(job, false));
}

function upload(ctx: Ctx, job: IngestJob): ApiResponse {
  const type = header(ctx.req, 'content-type') ?? '';
  if (!/^text\/csv\b/i.test(type.trim())) {
    throw new SalesforceError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type header specified in HTTP request is not supported: ${type.split(';')[0]?.trim() || '(none)'}`,
      [],
      415,
    );
  }
  if (job.state !== 'Open')
    throw invalidState(`Job ${job.id} is ${job.state}: data can be uploaded only while it is Open`);
  job.upload.push(ctx.req.rawBody);
  return { status: 201 };
}

/** A CSV text as a value of the field's type; empty is "leave unchanged", `#N/A` is null (Bulk API). */
function fieldValue(type: string | undefined, text: string): unknown {
  if (text === '#N/A') return null;
  if (type === 'boolean') {
    if (/^(true|1)$/i.test(text)) return true;
    if (/^(false|0)$/i.test(text)) return false;
    return text;
  }
  if (type === 'double' || type === 'int' || type === 'currency' || type === 'percent') {
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  return text;
}

const errorText = (e: unknown): string => {
  const err =
    e instanceof SalesforceError
      ? e
      : new SalesforceError('UNKNOWN_EXCEPTION', 'An unexpected error occurred', [], 500);
  return `${err.errorCode}:${err.message}:${err.fields.join(',')} --`;
};

async function runIngestJob(ctx: Ctx, jobs: Bulk2Jobs, job: IngestJob): Promise<void> {
  if (job.state !== 'UploadComplete') return;
  job.state = 'InProgress';
  job.systemModstamp = timestamp();
  const data = ctx.world.data(ctx.org);
  const f = job.format;
  const text = job.upload.join('');
  job.upload = [];
  let rows: string[][];
  try {
    rows = parseCsv(text, f).filter((r) => !(r.length === 1 && r[0] === ''));
  } catch (e) {
    finish(job, 'Failed', `ClientInputError : ${(e as Error).message}`);
    job.unprocessed = text ? [text.endsWith(f.lineEnding) ? text : text + f.lineEnding] : [];
    return;
  }
  const head = rows.shift();
  if (!head || head.length === 0 || head.every((h) => !h)) {
    finish(job, 'Failed', 'ClientInputError : The upload has no header row');
    return;
  }
  const describe = data.describe(job.object) as { fields: Array<{ name: string; type: string }> };
  const fieldType = new Map(describe.fields.map((fd) => [fd.name.toLowerCase(), fd]));
  const unknown = head.find((h) => !fieldType.has(h.toLowerCase()));
  if (unknown !== undefined) {
    finish(job, 'Failed', `InvalidBatch : Field name not found : ${unknown}`);
    job.unprocessed = [csvLine(head, f), ...rows.map((r) => csvLine(r, f))];
    return;
  }
  const badRow = rows.findIndex((r) => r.length !== head.length);
  if (badRow >= 0) {
    finish(
      job,
      'Failed',
      `ClientInputError : Row ${badRow + 2} has ${rows[badRow]?.length ?? 0} fields, the header ${head.length}`,
    );
    job.unprocessed = [csvLine(head, f), ...rows.map((r) => csvLine(r, f))];
    return;
  }
  job.headerLine = head;
  job.successful.push(csvLine(['sf__Id', 'sf__Created', ...head], f));
  job.failed.push(csvLine(['sf__Id', 'sf__Error', ...head], f));
  const unprocessedHead = csvLine(head, f);
  const idColumn = head.findIndex((h) => h.toLowerCase() === 'id');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as string[];
    await jobs.waitIfIngestHeld(i);
    const failure = job.state === 'InProgress' ? jobs.ingestFailure(i) : undefined;
    if (failure) finish(job, 'Failed', failure);
    if (job.state !== 'InProgress') {
      job.unprocessed = [unprocessedHead, ...rows.slice(i).map((r) => csvLine(r, f))];
      return;
    }
    const fields: Row = {};
    head.forEach((h, c) => {
      const value = row[c] ?? '';
      const fd = fieldType.get(h.toLowerCase());
      if (value === '' || !fd || fd.name === 'Id') return;
      fields[fd.name] = fieldValue(fd.type, value);
    });
    const id = idColumn >= 0 ? (row[idColumn] ?? '') : '';
    try {
      let savedId: string;
      let created = false;
      if (job.operation === 'insert') {
        if (id) {
          throw new SalesforceError('INVALID_FIELD_FOR_INSERT_UPDATE', 'Insert failed: an Id was given', [
            'Id',
          ]);
        }
        savedId = (await data.create(job.object, writableFields(fields))).id;
        created = true;
      } else if (job.operation === 'delete') {
        if (!id) throw new SalesforceError('MISSING_ARGUMENT', 'Id not specified in a delete call', ['Id']);
        await data.delete(job.object, id);
        savedId = id;
      } else if (job.operation === 'update') {
        if (!id) throw new SalesforceError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
        await data.update(job.object, id, writableFields(fields));
        savedId = id;
      } else {
        throw new SalesforceError('FEATURENOTENABLED', 'upsert jobs are not served by the local org');
      }
      job.successful.push(csvLine([savedId, created ? 'true' : 'false', ...row], f));
    } catch (e) {
      job.failed.push(csvLine([id, errorText(e), ...row], f));
      job.failures++;
    }
    job.processed++;
  }
  finish(job, 'JobComplete');
}

function ingestResults(
  job: IngestJob,
  which: 'successfulResults' | 'failedResults' | 'unprocessedrecords',
  reverse = false,
): ApiResponse {
  if (!FINISHED.includes(job.state)) {
    throw invalidState(`Job ${job.id} is ${job.state}: its results are ready once it has finished`);
  }
  const list =
    which === 'successfulResults' ? job.successful : which === 'failedResults' ? job.failed : job.unprocessed;
  const [head, ...rows] = list;
  const ordered = reverse && head !== undefined ? [head, ...rows.reverse()] : list;
  return { status: 200, body: ordered.join(''), headers: { 'Content-Type': 'text/csv' } };
}
