/**
 * App Analytics, the pure part: what a question may ask (periods, retention), the poll's backoff, the
 * columns each file must have, a streaming CSV reader (a chunk at a time, never the whole file), the
 * monthly usage it adds up to (active orgs and users, the objects and pages used most, orgs whose usage
 * fell), and the joined table's CSV. Facts: shared/reference/isv-operations.md (App Analytics) and the
 * Package Usage Summary Schema in Salesforce's packaging guide.
 */
import { csvRow } from './licenseCsv';

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

/** The AppAnalyticsQueryRequest to create for a question. */
export function requestFields(q: UsageQuestion): Record<string, string> {
  const { from, to } = periodRange(q);
  return {
    DataType: q.dataType,
    PackageIds: q.packageId,
    ...(q.orgIds?.length ? { OrganizationIds: q.orgIds.join(',') } : {}),
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
 * A CSV read a chunk at a time (RFC 4180: quotes, doubled quotes, CRLF or LF): `push` each decoded chunk,
 * `end` after the last. The header is checked against the required columns; each row is handed to
 * `onRow` by column index and dropped. Only the required columns' cells are read (the others are ''),
 * and the array is reused (a cell equal to the last row's is the same string): a consumer copies what
 * it keeps. A row without a quote is cut at its commas
 * (the common case, no character loop); a row with one is read by the full state machine. Memory holds
 * the row under way, never more. A row with another number of cells, or a quote left open at the end, is
 * an error naming its line.
 */
export class CsvStream {
  private header: string[] | null = null;
  /** The column indexes handed to `onRow` (after the header). */
  private wanted: number[] = [];
  private readonly cells: string[] = [];
  /** The text of a row not yet ended at the last chunk's end. */
  private carry = '';
  private line = 1;
  rows = 0;
  index: Record<string, number> = {};

  constructor(
    private readonly required: readonly string[],
    private readonly onRow: (cells: readonly string[], index: Readonly<Record<string, number>>) => void,
  ) {}

  push(chunk: string): void {
    let text = chunk;
    let pos = 0;
    if (this.carry) {
      // The row cut by the last chunk's end: when it has no quote, it ends at this chunk's first newline.
      const nl = chunk.indexOf('\n');
      if (nl >= 0 && !this.carry.includes('"') && chunk.lastIndexOf('"', nl) < 0) {
        this.plainRow(this.carry + chunk.slice(0, nl), 0, nl + this.carry.length);
        this.carry = '';
        pos = nl + 1;
      } else text = this.carry + chunk;
      this.carry = '';
    }
    let quote = text.indexOf('"', pos);
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
      if (quote < 0 || quote > nl) {
        this.plainRow(text, pos, nl);
        pos = nl + 1;
        continue;
      }
      const end = this.quotedRow(text, pos);
      if (end < 0) break; // its closing quote or newline is in a later chunk
      pos = end;
    }
    this.carry = text.slice(pos);
  }

  end(): void {
    const rest = this.carry;
    this.carry = '';
    if (rest !== '') {
      if (!rest.includes('"')) this.plainRow(rest, 0, rest.length);
      else if (this.quotedRow(`${rest}\n`, 0) < 0)
        throw new UsageFileError(
          `The usage file ends inside a quoted value that starts on line ${this.line}: it is truncated or malformed.`,
        );
    }
    if (!this.header) throw new UsageFileError('The usage file is empty: it has no header row.');
  }

  /** A row without quotes: `text` from `from` to its newline at `to`. */
  private plainRow(text: string, from: number, to: number): void {
    if (to > from && text.charCodeAt(to - 1) === 13) to--;
    const cells = this.cells;
    if (!this.header) {
      cells.length = 0;
      cells.push(...text.slice(from, to).split(','));
      this.endRow(cells.length);
      return;
    }
    if (to === from) return this.endRow(1, true);
    const wanted = this.wanted;
    let w = 0;
    let next = wanted[0] ?? -1;
    let count = 0;
    let start = from;
    for (;;) {
      let comma = text.indexOf(',', start);
      if (comma < 0 || comma > to) comma = to;
      if (count === next) {
        // The same text as this column's last cell (a month, an org id: runs of rows): that string again.
        const last = cells[count]!;
        if (last.length !== comma - start || !text.startsWith(last, start))
          cells[count] = text.slice(start, comma);
        next = wanted[++w] ?? -1;
      }
      count++;
      if (comma === to) break;
      start = comma + 1;
    }
    this.endRow(count);
  }

  /**
   * A row with quotes, from `from`: its cells read one character at a time. Returns the index after its
   * newline, or -1 when the text ends first (the row continues in the next chunk).
   */
  private quotedRow(text: string, from: number): number {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let afterQuote = false;
    let lines = 0;
    let start = from;
    for (let i = from; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (quoted) {
        if (ch === 34 /* " */) {
          if (i + 1 === text.length) return -1; // closing, or the first of a doubled pair
          cell += text.slice(start, i);
          if (text.charCodeAt(i + 1) === 34) {
            cell += '"';
            i++;
          } else {
            quoted = false;
            afterQuote = true;
          }
          start = i + 1;
        } else if (ch === 10) lines++;
        continue;
      }
      if (ch === 44 /* , */) {
        cells.push(cell + text.slice(start, i));
        cell = '';
        afterQuote = false;
        start = i + 1;
      } else if (ch === 10 /* \n */) {
        let last = cell + text.slice(start, i);
        if (last.endsWith('\r')) last = last.slice(0, -1);
        cells.push(last);
        if (!this.header) {
          this.cells.length = 0;
          this.cells.push(...cells);
        } else for (const c of this.wanted) this.cells[c] = cells[c] ?? '';
        const rowLine = this.line;
        this.line += lines;
        this.endRow(cells.length, cells.length === 1 && cells[0] === '', rowLine);
        return i + 1;
      } else if (ch === 34) {
        if (cell !== '' || i > start || afterQuote)
          throw new UsageFileError(
            `The usage file is malformed: a stray quote on line ${this.line + lines}.`,
          );
        quoted = true;
        start = i + 1;
      } else if (afterQuote && ch !== 13) {
        throw new UsageFileError(
          `The usage file is malformed: text after a closing quote on line ${this.line + lines}.`,
        );
      }
    }
    return -1;
  }

  /** A row of `count` cells is in `this.cells`; ends its line. */
  private endRow(count: number, blank = false, rowLine = this.line): void {
    this.line++;
    if (!this.header) {
      this.header = this.cells.map((c) => c.trim());
      const missing = this.required.filter((c) => !this.header!.includes(c));
      if (missing.length)
        throw new UsageFileError(
          `The usage file doesn't have the columns App Analytics writes: ${missing.join(', ')} missing (it has ${this.header.join(', ')}).`,
        );
      this.index = Object.fromEntries(this.header.map((c, i) => [c, i]));
      this.wanted = [...new Set(this.required.map((c) => this.index[c]!))].sort((a, b) => a - b);
      this.cells.length = 0;
      for (let i = 0; i < this.header.length; i++) this.cells.push('');
      return;
    }
    if (blank) return;
    if (count !== this.header.length)
      throw new UsageFileError(
        `The usage file is malformed or truncated: line ${rowLine} has ${count} values for ${this.header.length} columns.`,
      );
    this.rows++;
    this.onRow(this.cells, this.index);
  }
}

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

/** The months compared for at-risk orgs: the latest `window` against the `window` before them. */
export const AT_RISK_WINDOW = 3;
export const DEFAULT_AT_RISK_THRESHOLD = 0.5;
/** The drops a user may choose (setting lma.usage.atRiskDrop, CLI --at-risk-drop): 5% to 95%. */
export const AT_RISK_DROP_RANGE = { min: 0.05, max: 0.95 } as const;

/**
 * The at-risk drop from a setting's or a flag's value: a fraction in the range (0.3), or a percentage
 * (30 or "30%"). Anything else gives the default and a message saying why, never a throw.
 */
export function atRiskDrop(value: unknown): { drop: number; problem: string | null } {
  const { min, max } = AT_RISK_DROP_RANGE;
  const text = typeof value === 'string' ? value.trim() : '';
  const percent = /%$/.test(text);
  const raw =
    typeof value === 'number' ? value : /^\d+(\.\d+)?%?$/.test(text) ? Number(text.replace('%', '')) : NaN;
  // 1 and above read as a percentage (a drop of 100% or more means nothing).
  const drop = percent || raw >= 1 ? raw / 100 : raw;
  if (Number.isFinite(drop) && drop >= min - 1e-9 && drop <= max + 1e-9) return { drop, problem: null };
  return {
    drop: DEFAULT_AT_RISK_THRESHOLD,
    problem: `The at-risk drop must be between ${min * 100}% and ${max * 100}% (a fraction from ${min} to ${max}, or a percentage): "${String(value)}" is not, so ${DEFAULT_AT_RISK_THRESHOLD * 100}% is used.`,
  };
}

/** What at-risk means, as the panel and the CLI say it. */
export function describeAtRisk(drop: number, window = AT_RISK_WINDOW): string {
  return `users fell by more than ${Math.round(drop * 100)}% over the last ${window} months`;
}

/** An org's sums while a file streams by: per month (in order of first sight) its users' token hashes. */
interface OrgAccumulator {
  orgId: string;
  users: Array<number[] | Set<number> | undefined>;
  events: number;
}

/** Past this many users in an org's month, a Set instead of a list searched linearly. */
const SMALL_USER_LIST = 32;

/**
 * A copy of a string that holds no other: a cell cut from a chunk may share the chunk's memory, and a
 * map key kept for the whole file would keep the chunk alive with it.
 */
const detach = (text: string): string => text.split('').join('');

/**
 * Adds up summary rows as they stream by: per org and month the distinct users (user tokens kept as
 * 32-bit hashes), per custom object or page its events. Memory grows with orgs × months, not rows:
 * no row is kept, and the keys kept (orgs, months, objects) are copies, not slices of the file's text.
 */
export class UsageSummaryAggregator {
  private readonly orgs = new Map<string, OrgAccumulator>();
  /** Months in order of first sight, and their index there. */
  private readonly monthList: string[] = [];
  private readonly monthIndex = new Map<string, number>();
  private readonly entities = new Map<string, EntityUsage>();
  /** Rows come grouped by org: the last one's accumulator saves a lookup. */
  private last: OrgAccumulator | null = null;
  rows = 0;

  add(cells: readonly string[], index: Readonly<Record<string, number>>): void {
    const month = cells[index.month!]!;
    let m = this.monthIndex.get(month);
    if (m === undefined) {
      if (!MONTH.test(month))
        throw new UsageFileError(`The usage file has "${month}" where a month (YYYY-MM) belongs.`);
      m = this.monthList.push(detach(month)) - 1;
      this.monthIndex.set(this.monthList[m]!, m);
    }
    const orgCell = cells[index.organization_id!]!;
    const orgId = orgCell.length > 15 ? orgCell.slice(0, 15) : orgCell;
    let org = this.last;
    if (org?.orgId !== orgId) {
      org = this.orgs.get(orgId) ?? null;
      if (!org) {
        org = { orgId: detach(orgId), users: [], events: 0 };
        this.orgs.set(org.orgId, org);
      }
      this.last = org;
    }
    const user = fnv(cells[index.user_id_token!]!);
    const users = org.users[m];
    if (!users) org.users[m] = [user];
    else if (Array.isArray(users)) {
      if (!users.includes(user)) {
        if (users.length < SMALL_USER_LIST) users.push(user);
        else org.users[m] = new Set(users).add(user);
      }
    } else users.add(user);
    const events = Number(cells[index.num_events!]) || 0;
    org.events += events;
    const name = cells[index.custom_entity!]!;
    if (name) {
      const e = this.entities.get(name);
      if (e) e.events += events;
      else {
        const kept = { name: detach(name), type: detach(cells[index.custom_entity_type!] ?? ''), events };
        this.entities.set(kept.name, kept);
      }
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
      org.users.forEach((set, seen) => {
        if (!set) return;
        const i = sortedAt[seen]!;
        const count = Array.isArray(set) ? set.length : set.size;
        users[i] = count;
        perMonth[i]!.activeOrgs++;
        perMonth[i]!.activeUsers += count;
      });
      orgs.push({ orgId: org.orgId, users, events: org.events, decline: decline(users) });
    }
    orgs.sort((a, b) => (a.orgId < b.orgId ? -1 : 1));
    const ranked = [...this.entities.values()].sort(
      (a, b) => b.events - a.events || (a.name < b.name ? -1 : 1),
    );
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
