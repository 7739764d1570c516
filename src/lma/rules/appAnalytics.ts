/**
 * App Analytics, the pure part: what a question may ask (periods, retention), the poll's backoff, the
 * columns each file must have, a streaming CSV reader (a chunk at a time, never the whole file), the
 * monthly usage it adds up to (active orgs and users, the objects and pages used most, orgs whose usage
 * fell), and the joined table's CSV. Facts: shared/reference/isv-operations.md (App Analytics) and the
 * Package Usage Summary Schema in Salesforce's packaging guide.
 */
import { csvRow } from './licenseCsv';
import { AT_RISK_WINDOW, DEFAULT_AT_RISK_THRESHOLD } from './atRisk';
import { toId15, toId18 } from '../records/soql';

export const APP_ANALYTICS_DATA_TYPES = [
  'PackageUsageSummary',
  'PackageUsageLog',
  'SubscriberSnapshot',
] as const;
export type AppAnalyticsDataType = (typeof APP_ANALYTICS_DATA_TYPES)[number];

/** RequestState values seen in code (UNCONFIRMED as a picklist): anything else is read as still running. */
export type AppAnalyticsState = 'New' | 'Pending' | 'Complete' | 'Expired' | 'Failed' | 'NoData';
export const FINAL_STATES: readonly string[] = ['Complete', 'Expired', 'Failed', 'NoData'];

/** How long each kind of data is kept: summaries 10 years, logs and snapshots 45 days. */
export const RETENTION_DAYS: Record<AppAnalyticsDataType, number> = {
  PackageUsageSummary: 3653,
  PackageUsageLog: 45,
  SubscriberSnapshot: 45,
};
/** 20 GB of downloads per 24 hours. */
export const DAILY_DOWNLOAD_LIMIT_BYTES = 20 * 1024 ** 3;
export const DATA_TYPE_LABELS: Record<AppAnalyticsDataType, string> = {
  PackageUsageSummary: 'usage summaries (monthly)',
  PackageUsageLog: 'usage logs (daily)',
  SubscriberSnapshot: 'subscriber snapshots (daily)',
};

/** What to ask App Analytics: one kind of data, for a package (033), optionally some orgs, over a period. */
export interface UsageQuestion {
  dataType: AppAnalyticsDataType;
  /** The package's 033 id. */
  packageId: string;
  /** 15- or 18-character org ids; none: every org of the package. */
  orgIds?: readonly string[];
  /** Start and end, UTC, inclusive: months for summaries (YYYY-MM), days for logs and snapshots (YYYY-MM-DD). */
  start: string;
  end: string;
}

const DAY = 86_400_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The period as instants: [from, to) in ms, UTC. */
export function periodRange(q: Pick<UsageQuestion, 'dataType' | 'start' | 'end'>): {
  from: number;
  to: number;
} {
  if (q.dataType === 'PackageUsageSummary') {
    const [, sy, sm] = MONTH.exec(q.start) ?? [];
    const [, ey, em] = MONTH.exec(q.end) ?? [];
    return { from: Date.UTC(Number(sy), Number(sm) - 1, 1), to: Date.UTC(Number(ey), Number(em), 1) };
  }
  return { from: Date.parse(`${q.start}T00:00:00Z`), to: Date.parse(`${q.end}T00:00:00Z`) + DAY };
}

/**
 * Why a question can't be asked, or null: ids that aren't ids, a period that isn't one, ends before it
 * starts, lies in the future or reaches further back than the data is kept.
 */
export function checkQuestion(q: UsageQuestion, now: Date = new Date()): string | null {
  if (!APP_ANALYTICS_DATA_TYPES.includes(q.dataType))
    return `Unknown App Analytics data type "${q.dataType}".`;
  if (!/^033[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/.test(q.packageId))
    return `"${q.packageId}" is not a package id (033…).`;
  for (const id of q.orgIds ?? [])
    if (!/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/.test(id)) return `"${id}" is not an org id (00D…).`;
  if (q.orgIds?.length && organizationIds(q.orgIds).length > ORGANIZATION_IDS_LENGTH)
    return `At most ${MAX_ORGS_PER_REQUEST} orgs fit in one App Analytics request (its Organization IDs hold ${ORGANIZATION_IDS_LENGTH} characters, and each org goes as both its 15- and 18-character id): ask about fewer orgs, or about every org.`;
  const shape = q.dataType === 'PackageUsageSummary' ? MONTH : DATE;
  const unit = q.dataType === 'PackageUsageSummary' ? 'a month as YYYY-MM' : 'a day as YYYY-MM-DD';
  if (!shape.test(q.start) || !shape.test(q.end)) return `The period's start and end must each be ${unit}.`;
  const { from, to } = periodRange(q);
  if (Number.isNaN(from) || Number.isNaN(to)) return `The period's start and end must each be ${unit}.`;
  if (to <= from) return `The period ends (${q.end}) before it starts (${q.start}).`;
  if (from > now.getTime()) return `The period starts in the future (${q.start}): there is no usage yet.`;
  if (to > now.getTime() + (q.dataType === 'PackageUsageSummary' ? 31 * DAY : DAY))
    return `The period ends in the future (${q.end}): ask up to ${q.dataType === 'PackageUsageSummary' ? 'this month' : 'today'}.`;
  const days = RETENTION_DAYS[q.dataType];
  if (from < now.getTime() - days * DAY)
    return `App Analytics keeps ${DATA_TYPE_LABELS[q.dataType]} for ${days === 45 ? '45 days' : '10 years'}: the period starts too long ago (${q.start}).`;
  return null;
}

/** `AppAnalyticsQueryRequest.OrganizationIds` is a string of 255 characters (Salesforce field reference). */
const ORGANIZATION_IDS_LENGTH = 255;
/** Orgs whose ids fit in it, each as a 15- and an 18-character id with commas between: 7. */
export const MAX_ORGS_PER_REQUEST = Math.floor((ORGANIZATION_IDS_LENGTH + 1) / (15 + 1 + 18 + 1));

/**
 * The orgs of a request: each as both its 15- and 18-character id. Which length the field matches on is
 * UNCONFIRMED (App Analytics files write 15 characters; ids elsewhere in the API are 18): with both, the
 * file holds the org's rows under either reading (CONTRIBUTING's ledger, "A request for one org").
 */
export function organizationIds(orgIds: readonly string[]): string {
  return [...new Set(orgIds.flatMap((id) => [toId15(id), toId18(id)]))].join(',');
}

/** The AppAnalyticsQueryRequest to create for a question. */
export function requestFields(q: UsageQuestion): Record<string, string> {
  const { from, to } = periodRange(q);
  return {
    DataType: q.dataType,
    PackageIds: q.packageId,
    ...(q.orgIds?.length ? { OrganizationIds: organizationIds(q.orgIds) } : {}),
    StartTime: new Date(from).toISOString(),
    EndTime: new Date(to - 1000).toISOString(),
    FileType: 'csv',
    FileCompression: 'gzip',
  };
}

/** Months of usage summaries the panel and the CLI ask for by default: this one and the eleven before it. */
export const USAGE_MONTHS = 12;

/** Monthly summaries of the last `USAGE_MONTHS` months, this one included (UTC). */
export function lastMonths(packageId: string, now: Date): UsageQuestion {
  const month = (offset: number): string => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  return {
    dataType: 'PackageUsageSummary',
    packageId,
    start: month(USAGE_MONTHS - 1),
    end: month(0),
  };
}

/** The cache's name for a question: the package, the kind, the period and (hashed) the orgs. */
export function cacheKey(q: UsageQuestion): { packageId: string; name: string } {
  const orgs = q.orgIds?.length
    ? `-orgs${fnv(
        [...q.orgIds]
          .map((o) => o.slice(0, 15))
          .sort()
          .join(','),
      ).toString(36)}`
    : '';
  return { packageId: q.packageId.slice(0, 15), name: `${q.dataType}-${q.start}-${q.end}${orgs}` };
}

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The wait before poll `attempt` (0-based): 0.5 s, growing by half each time, at most 10 s. */
export function pollDelayMs(attempt: number): number {
  return Math.min(10_000, Math.round(500 * 1.5 ** attempt));
}

/** The columns each file must have (others may come and are ignored). */
export const REQUIRED_COLUMNS: Record<AppAnalyticsDataType, readonly string[]> = {
  PackageUsageSummary: [
    'month',
    'organization_id',
    'custom_entity',
    'custom_entity_type',
    'user_id_token',
    'num_events',
  ],
  PackageUsageLog: [
    'timestamp_derived',
    'organization_id',
    'user_id_token',
    'custom_entity',
    'custom_entity_type',
  ],
  SubscriberSnapshot: ['organization_id', 'custom_entity'],
};

export class UsageFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageFileError';
  }
}

/**
 * A row as `CsvStream` hands it over: the cells of the required columns as byte ranges, cell `c` being
 * `src[c]` from `start[c]` to `end[c]` (quotes taken off), most often in the chunk itself. Valid during
 * the call only: a consumer copies what it keeps. Other columns' entries are stale.
 */
export interface CsvRow {
  readonly src: Buffer[];
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Column name → index, from the header. */
  readonly index: Readonly<Record<string, number>>;
}

/** The text of a row's cell (UTF-8). */
export const cellText = (row: CsvRow, c: number): string =>
  row.src[c]!.toString('utf8', row.start[c], row.end[c]);

/** Every cell's text, the stale ones of columns not required as '' (tests, messages). */
export function rowTexts(row: CsvRow, wanted: readonly number[]): string[] {
  const out: string[] = Array.from({ length: row.start.length }, () => '');
  for (const c of wanted) out[c] = cellText(row, c);
  return out;
}

const COMMA = 44;
const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;

/**
 * A CSV read a chunk of bytes at a time (RFC 4180: quotes, doubled quotes, CRLF or LF): `push` each
 * chunk as it comes (gunzip's output, undecoded), `end` after the last. The header is checked against
 * the required columns; each row is handed to `onRow` as byte ranges of the required columns' cells
 * (no string, no array per row: a consumer reads the bytes it needs) and dropped. Memory holds the
 * chunk and a row cut by its end, never more. A row with another number of cells, a quote inside an
 * unquoted value or a quote left open at the end is an error naming its line.
 */
export class CsvStream {
  private header: string[] | null = null;
  /** 1 for the columns handed to `onRow`. */
  private wantedMask = new Uint8Array(0);
  /** The required columns' indexes, ascending. */
  wanted: number[] = [];
  private readonly row: { src: Buffer[]; start: Int32Array; end: Int32Array; index: Record<string, number> } =
    { src: [], start: new Int32Array(0), end: new Int32Array(0), index: {} };
  /** The bytes of a row not yet ended at the last chunk's end (a copy). */
  private carry: Buffer | null = null;
  private line = 1;
  rows = 0;

  constructor(
    private readonly required: readonly string[],
    private readonly onRow: (row: CsvRow) => void,
  ) {}

  get index(): Readonly<Record<string, number>> {
    return this.row.index;
  }

  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let pos = 0;
    if (this.carry) {
      // The row cut by the last chunk's end, completed from this chunk's head (up to a newline that ends it).
      for (let nl = buf.indexOf(NEWLINE); ; nl = buf.indexOf(NEWLINE, nl + 1)) {
        if (nl < 0) {
          this.carry = Buffer.concat([this.carry, buf]);
          return;
        }
        const whole = Buffer.concat([this.carry, buf.subarray(0, nl + 1)]);
        if (this.readRow(whole, 0, false) === whole.length) {
          pos = nl + 1;
          this.carry = null;
          break;
        }
      }
    }
    while (pos < buf.length) {
      const next = this.readRow(buf, pos, false);
      if (next < 0) break;
      pos = next;
    }
    this.carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
  }

  end(): void {
    const rest = this.carry;
    this.carry = null;
    if (rest) this.readRow(rest, 0, true);
    if (!this.header) throw new UsageFileError('The usage file is empty: it has no header row.');
  }

  /**
   * The row starting at `from`: read and handed over, returning the index after its newline; or -1,
   * nothing done, when `buf` ends first and more may come (`final` false).
   */
  private readRow(buf: Buffer, from: number, final: boolean): number {
    const n = buf.length;
    const width = this.header ? this.header.length : 0;
    const mask = this.wantedMask;
    const { src, start, end } = this.row;
    const headerCells: string[] | null = this.header ? null : [];
    let count = 0;
    let lines = 0;
    let i = from;
    for (;;) {
      let s = i;
      let e: number;
      let cellSrc = buf;
      let quoted = false;
      if (i < n && buf[i] === QUOTE) {
        quoted = true;
        let escaped = false;
        let j = i + 1;
        for (;;) {
          if (j >= n) {
            if (!final) return -1;
            throw new UsageFileError(
              `The usage file ends inside a quoted value that starts on line ${this.line}: it is truncated or malformed.`,
            );
          }
          const b = buf[j];
          if (b === QUOTE) {
            // At the chunk's end it may be the first of a doubled pair: the row is read again with more.
            if (buf[j + 1] !== QUOTE) break;
            escaped = true;
            j += 2;
            continue;
          }
          if (b === NEWLINE) lines++;
          j++;
        }
        s = i + 1;
        e = j;
        i = j + 1;
        while (i < n && buf[i] === CR) i++;
        if (i < n && buf[i] !== COMMA && buf[i] !== NEWLINE)
          throw new UsageFileError(
            `The usage file is malformed: text after a closing quote on line ${this.line + lines}.`,
          );
        if (escaped && (headerCells || (count < width && mask[count]))) {
          // Doubled quotes: the value without them, in a buffer of its own.
          cellSrc = Buffer.from(buf.toString('utf8', s, e).replaceAll('""', '"'), 'utf8');
          s = 0;
          e = cellSrc.length;
        }
      } else {
        let j = i;
        for (; j < n; j++) {
          const b = buf[j];
          if (b === COMMA || b === NEWLINE) break;
          if (b === QUOTE)
            throw new UsageFileError(
              `The usage file is malformed: a stray quote on line ${this.line + lines}.`,
            );
        }
        e = j;
        i = j;
      }
      const atEnd = i >= n;
      if (atEnd && !final) return -1;
      const last = atEnd || buf[i] === NEWLINE;
      if (last && !quoted && e > s && buf[e - 1] === CR) e--;
      if (headerCells) headerCells.push(cellSrc.toString('utf8', s, e));
      else if (count < width && mask[count]) {
        src[count] = cellSrc;
        start[count] = s;
        end[count] = e;
      }
      count++;
      if (last) {
        const rowLine = this.line;
        this.line += 1 + lines;
        if (headerCells) this.setHeader(headerCells);
        else if (!(count === 1 && e === s && !quoted)) {
          if (count !== width)
            throw new UsageFileError(
              `The usage file is malformed or truncated: line ${rowLine} has ${count} values for ${width} columns.`,
            );
          this.rows++;
          this.onRow(this.row);
        }
        return atEnd ? n : i + 1;
      }
      i++;
    }
  }

  private setHeader(cells: string[]): void {
    const header = cells.map((c) => c.trim());
    const missing = this.required.filter((c) => !header.includes(c));
    if (missing.length)
      throw new UsageFileError(
        `The usage file doesn't have the columns App Analytics writes: ${missing.join(', ')} missing (it has ${header.join(', ')}).`,
      );
    this.header = header;
    const index = Object.fromEntries(header.map((c, i) => [c, i]));
    this.row.index = index;
    this.wanted = [...new Set(this.required.map((c) => index[c]!))].sort((a, b) => a - b);
    this.wantedMask = new Uint8Array(header.length);
    for (const c of this.wanted) this.wantedMask[c] = 1;
    this.row.src = Array.from({ length: header.length }, () => EMPTY);
    this.row.start = new Int32Array(header.length);
    this.row.end = new Int32Array(header.length);
  }
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------------
// Monthly usage from summaries.

export interface EntityUsage {
  name: string;
  type: string;
  events: number;
}

export interface OrgUsage {
  /** 15 characters, as App Analytics writes it. */
  orgId: string;
  /** Distinct users per month, aligned with `UsageReport.months`. */
  users: number[];
  events: number;
  /** The fall from the earlier window to the latest, 0 to 1 (negative: growth); null without earlier usage. */
  decline: number | null;
}

export interface UsageReport {
  months: string[];
  perMonth: Array<{ month: string; activeOrgs: number; activeUsers: number }>;
  objects: EntityUsage[];
  pages: EntityUsage[];
  orgs: OrgUsage[];
  /** Orgs whose users fell by more than the threshold, steepest first. */
  atRisk: OrgUsage[];
  rows: number;
}

/** An org's sums while a file streams by: its distinct users per month (in order of first sight), its events. */
interface OrgAccumulator {
  orgId: string;
  /** Its number in the users' table. */
  at: number;
  users: number[];
  events: number;
}

/**
 * The distinct users of every org and month as one open-addressing hash table of (org, month, user
 * token hash) in typed arrays: no array or set per org and month, nothing per row on the JS heap.
 */
class UserTable {
  private mask = (1 << 16) - 1;
  /** Org number + 1 (0: empty slot), month, user hash. */
  private org = new Int32Array(this.mask + 1);
  private month = new Int32Array(this.mask + 1);
  private user = new Int32Array(this.mask + 1);
  private size = 0;

  /** Adds the user; true when it is new for that org and month. */
  add(org: number, month: number, user: number): boolean {
    if (this.size * 4 >= (this.mask + 1) * 3) this.grow();
    const o = org + 1;
    let i = slotOf(o, month, user) & this.mask;
    for (;;) {
      const at = this.org[i]!;
      if (at === 0) {
        this.org[i] = o;
        this.month[i] = month;
        this.user[i] = user;
        this.size++;
        return true;
      }
      if (at === o && this.user[i] === user && this.month[i] === month) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { org, month, user } = this;
    this.mask = this.mask * 2 + 1;
    this.org = new Int32Array(this.mask + 1);
    this.month = new Int32Array(this.mask + 1);
    this.user = new Int32Array(this.mask + 1);
    for (let j = 0; j < org.length; j++) {
      const o = org[j]!;
      if (o === 0) continue;
      let i = slotOf(o, month[j]!, user[j]!) & this.mask;
      while (this.org[i] !== 0) i = (i + 1) & this.mask;
      this.org[i] = o;
      this.month[i] = month[j]!;
      this.user[i] = user[j]!;
    }
  }
}

function slotOf(org: number, month: number, user: number): number {
  let h = Math.imul(user ^ Math.imul(org, 0x9e3779b1) ^ Math.imul(month + 1, 0x85ebca77), 0xc2b2ae35);
  h ^= h >>> 15;
  return h;
}

/** FNV-1a of bytes, as a signed 32-bit number (no heap number to box it). */
function fnvBytes(buf: Buffer, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) {
    h ^= buf[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 48 && b <= 57;

/** YYYY-MM as the number YYYYMM, or -1 when the bytes aren't a month. */
function monthNumber(buf: Buffer, from: number, to: number): number {
  if (to - from !== 7 || buf[from + 4] !== 45) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    if (i === from + 4) continue;
    if (!isDigit(buf[i])) return -1;
    n = n * 10 + buf[i]! - 48;
  }
  const month = n % 100;
  return month >= 1 && month <= 12 ? n : -1;
}

/** `Number(text) || 0` of a cell, without its text when it is digits only (the common case). */
function cellNumber(buf: Buffer, from: number, to: number): number {
  if (to - from > 0 && to - from < 16) {
    let n = 0;
    let i = from;
    for (; i < to && isDigit(buf[i]); i++) n = n * 10 + buf[i]! - 48;
    if (i === to) return n;
  }
  return Number(buf.toString('utf8', from, to)) || 0;
}

/** Whether `a` holds the bytes of `buf` from `from` to `to` (a loop: `Buffer.compare` allocates as it checks its arguments). */
function sameBytes(a: Uint8Array, length: number, buf: Buffer, from: number, to: number): boolean {
  if (length !== to - from) return false;
  for (let i = 0; i < length; i++) if (a[i] !== buf[from + i]) return false;
  return true;
}

/** A custom object or page seen in the file, with its name's bytes to recognise it. */
interface EntityAccumulator {
  bytes: Buffer;
  usage: EntityUsage;
}

/**
 * Adds up summary rows as they stream by: per org and month the distinct users (user tokens kept as
 * 32-bit hashes), per custom object or page its events. Memory grows with orgs × months, not rows: no
 * row is kept, and cells are read as bytes (a string is made once per org, month and object, when first
 * seen; org ids and object names are recognised by their bytes, not looked up by a string per row).
 */
export class UsageSummaryAggregator {
  private readonly orgs = new Map<string, OrgAccumulator>();
  private readonly users = new UserTable();
  /** Months in order of first sight, and their index there by YYYYMM. */
  private readonly monthList: string[] = [];
  private readonly monthIndex = new Map<number, number>();
  private readonly entities: EntityUsage[] = [];
  /** Objects and pages by the hash of their name. */
  private readonly entityByHash = new Map<number, EntityAccumulator[]>();
  /** Rows come grouped by org: the last one's accumulator and id bytes save a lookup. */
  private last: OrgAccumulator | null = null;
  /** At most 15 bytes: the id as App Analytics writes it. */
  private readonly lastOrgBytes = Buffer.alloc(15);
  private lastOrgLength = -1;
  private lastMonth = -1;
  private lastMonthAt = -1;
  private lastEntity: EntityAccumulator | null = null;
  rows = 0;

  add(row: CsvRow): void {
    const { src, start, end, index } = row;
    const mc = index.month!;
    const month = monthNumber(src[mc]!, start[mc]!, end[mc]!);
    let m = this.lastMonthAt;
    if (month !== this.lastMonth || month < 0) {
      if (month < 0)
        throw new UsageFileError(
          `The usage file has "${cellText(row, mc)}" where a month (YYYY-MM) belongs.`,
        );
      m = this.monthIndex.get(month) ?? -1;
      if (m < 0) {
        m = this.monthList.push(cellText(row, mc)) - 1;
        this.monthIndex.set(month, m);
      }
      this.lastMonth = month;
      this.lastMonthAt = m;
    }
    const oc = index.organization_id!;
    const ob = src[oc]!;
    const os = start[oc]!;
    const oe = Math.min(end[oc]!, os + 15);
    let org = this.last;
    if (!org || !sameBytes(this.lastOrgBytes, this.lastOrgLength, ob, os, oe)) {
      const orgId = ob.toString('utf8', os, oe);
      org = this.orgs.get(orgId) ?? null;
      if (!org) {
        org = { orgId, at: this.orgs.size, users: [], events: 0 };
        this.orgs.set(orgId, org);
      }
      this.last = org;
      this.lastOrgLength = ob.copy(this.lastOrgBytes, 0, os, oe);
    }
    const uc = index.user_id_token!;
    const user = fnvBytes(src[uc]!, start[uc]!, end[uc]!);
    if (this.users.add(org.at, m, user)) org.users[m] = (org.users[m] ?? 0) + 1;
    const nc = index.num_events!;
    const events = cellNumber(src[nc]!, start[nc]!, end[nc]!);
    org.events += events;
    const ec = index.custom_entity!;
    const eb = src[ec]!;
    const es = start[ec]!;
    const ee = end[ec]!;
    if (ee > es) {
      let e = this.lastEntity;
      if (!e || !sameBytes(e.bytes, e.bytes.length, eb, es, ee)) {
        const h = fnvBytes(eb, es, ee);
        const same = this.entityByHash.get(h);
        e = null;
        for (let k = 0; same && k < same.length; k++)
          if (sameBytes(same[k]!.bytes, same[k]!.bytes.length, eb, es, ee)) e = same[k]!;
        if (!e) {
          const tc = index.custom_entity_type;
          const usage = {
            name: eb.toString('utf8', es, ee),
            type: tc === undefined ? '' : cellText(row, tc),
            events: 0,
          };
          e = { bytes: Buffer.from(eb.subarray(es, ee)), usage };
          this.entities.push(usage);
          if (same) same.push(e);
          else this.entityByHash.set(h, [e]);
        }
        this.lastEntity = e;
      }
      e.usage.events += events;
    }
    this.rows++;
  }

  report(threshold = DEFAULT_AT_RISK_THRESHOLD, top = 10): UsageReport {
    const months = [...this.monthList].sort();
    const sortedAt = this.monthList.map((m) => months.indexOf(m));
    const perMonth = months.map((month) => ({ month, activeOrgs: 0, activeUsers: 0 }));
    const orgs: OrgUsage[] = [];
    for (const org of this.orgs.values()) {
      const users = months.map(() => 0);
      org.users.forEach((count, seen) => {
        if (!count) return;
        const i = sortedAt[seen]!;
        users[i] = count;
        perMonth[i]!.activeOrgs++;
        perMonth[i]!.activeUsers += count;
      });
      orgs.push({ orgId: org.orgId, users, events: org.events, decline: decline(users) });
    }
    orgs.sort((a, b) => (a.orgId < b.orgId ? -1 : 1));
    const ranked = [...this.entities].sort((a, b) => b.events - a.events || (a.name < b.name ? -1 : 1));
    return {
      months,
      perMonth,
      objects: ranked.filter((e) => /Object$/.test(e.type)).slice(0, top),
      pages: ranked.filter((e) => !/Object$/.test(e.type)).slice(0, top),
      orgs,
      atRisk: atRisk(orgs, threshold),
      rows: this.rows,
    };
  }
}

/** 1 − (mean users of the latest window) / (mean users of the window before); null without enough months or earlier usage. */
export function decline(users: readonly number[], window = AT_RISK_WINDOW): number | null {
  if (users.length < window * 2) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const earlier = mean(users.slice(-window * 2, -window));
  if (earlier === 0) return null;
  return 1 - mean(users.slice(-window)) / earlier;
}

export function atRisk(orgs: readonly OrgUsage[], threshold: number): OrgUsage[] {
  return orgs
    .filter((o) => o.decline !== null && o.decline > threshold)
    .sort((a, b) => (b.decline ?? 0) - (a.decline ?? 0) || (a.orgId < b.orgId ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------------
// The join with Licenses, and its CSV.

export interface UsageLicense {
  id: string;
  orgId: string;
  customer: string | null;
  status: string | null;
  seats: number | null;
  used: number | null;
}

export interface JoinedRow {
  orgId: string;
  license: UsageLicense | null;
  usage: OrgUsage | null;
  atRisk: boolean;
}

/** Every org with usage or a License: usage rows joined to the License of their org (by 15-character id). */
export function joinUsage(
  report: UsageReport,
  licenses: readonly UsageLicense[],
  threshold = DEFAULT_AT_RISK_THRESHOLD,
): JoinedRow[] {
  const byOrg = new Map<string, UsageLicense>();
  for (const l of licenses) {
    const key = l.orgId.slice(0, 15);
    const had = byOrg.get(key);
    // An org with several Licenses of the package (reinstalls): the Active one, else the latest read.
    if (!had || (had.status !== 'Active' && l.status === 'Active')) byOrg.set(key, l);
  }
  const rows: JoinedRow[] = report.orgs.map((usage) => ({
    orgId: usage.orgId,
    license: byOrg.get(usage.orgId) ?? null,
    usage,
    atRisk: usage.decline !== null && usage.decline > threshold,
  }));
  const used = new Set(report.orgs.map((o) => o.orgId));
  for (const [orgId, license] of byOrg)
    if (!used.has(orgId)) rows.push({ orgId, license, usage: null, atRisk: false });
  return rows;
}

/** Active Licenses whose org has no usage in the period: seats paid for and not used. */
export function unusedActive(rows: readonly JoinedRow[]): JoinedRow[] {
  return rows.filter(
    (r) => r.license?.status === 'Active' && (!r.usage || r.usage.users.every((u) => u === 0)),
  );
}

/** The joined table's CSV header, then one line per row (each ending in CRLF). */
export function joinedCsvLines(months: readonly string[], rows: readonly JoinedRow[]): string[] {
  const header = [
    'Org ID',
    'Customer',
    'License',
    'Status',
    'Seats',
    'Used',
    'At risk',
    'Decline %',
    ...months.map((m) => `Users ${m}`),
  ];
  return [
    csvRow(header),
    ...rows.map((r) =>
      csvRow([
        r.orgId,
        r.license?.customer,
        r.license?.id,
        r.license?.status,
        r.license?.seats,
        r.license?.used,
        r.atRisk ? 'yes' : 'no',
        r.usage?.decline == null ? '' : Math.round(r.usage.decline * 100),
        ...months.map((_, i) => r.usage?.users[i] ?? 0),
      ]),
    ),
  ];
}
