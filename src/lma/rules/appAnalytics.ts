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
 * `onRow` by column index and dropped. A row with another number of cells, or a quote left open at the
 * end, is an error naming its line.
 */
export class CsvStream {
  private header: string[] | null = null;
  private cells: string[] = [];
  private cell = '';
  private quoted = false;
  /** After a closing quote: the next character must end the cell. */
  private afterQuote = false;
  private line = 1;
  private rowLine = 1;
  rows = 0;
  index: Record<string, number> = {};

  constructor(
    private readonly required: readonly string[],
    private readonly onRow: (cells: readonly string[], index: Readonly<Record<string, number>>) => void,
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (ch === 34) {
          this.cell += '"';
          start = i + 1;
          continue;
        }
        this.quoted = false;
        this.afterQuote = true;
      }
      if (this.quoted) {
        if (ch === 34 /* " */) {
          this.cell += chunk.slice(start, i);
          if (chunk.charCodeAt(i + 1) === 34) {
            this.cell += '"';
            i++;
          } else if (i + 1 === chunk.length) {
            // A quote at the end of a chunk: closing, or the first of a doubled pair in the next chunk.
            this.pendingQuote = true;
          } else {
            this.quoted = false;
            this.afterQuote = true;
          }
          start = i + 1;
        } else if (ch === 10) this.line++;
        continue;
      }
      if (ch === 44 /* , */) {
        this.cells.push(this.cell + chunk.slice(start, i));
        this.cell = '';
        this.afterQuote = false;
        start = i + 1;
      } else if (ch === 10 /* \n */) {
        let text = this.cell + chunk.slice(start, i);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        this.cells.push(text);
        this.cell = '';
        this.afterQuote = false;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
        start = i + 1;
      } else if (ch === 34) {
        if (this.cell !== '' || i > start || this.afterQuote)
          throw new UsageFileError(`The usage file is malformed: a stray quote on line ${this.line}.`);
        this.quoted = true;
        start = i + 1;
      } else if (this.afterQuote && ch !== 13) {
        throw new UsageFileError(
          `The usage file is malformed: text after a closing quote on line ${this.line}.`,
        );
      }
    }
    this.cell += chunk.slice(start);
  }

  private pendingQuote = false;

  end(): void {
    if (this.pendingQuote) {
      this.pendingQuote = false;
      this.quoted = false;
    }
    if (this.quoted)
      throw new UsageFileError(
        `The usage file ends inside a quoted value that starts on line ${this.rowLine}: it is truncated or malformed.`,
      );
    if (this.cell !== '' || this.cells.length) {
      this.cells.push(this.cell);
      this.cell = '';
      this.endRow();
    }
    if (!this.header) throw new UsageFileError('The usage file is empty: it has no header row.');
  }

  private endRow(): void {
    const cells = this.cells;
    this.cells = [];
    if (!this.header) {
      this.header = cells.map((c) => c.trim());
      const missing = this.required.filter((c) => !this.header!.includes(c));
      if (missing.length)
        throw new UsageFileError(
          `The usage file doesn't have the columns App Analytics writes: ${missing.join(', ')} missing (it has ${this.header.join(', ')}).`,
        );
      this.index = Object.fromEntries(this.header.map((c, i) => [c, i]));
      return;
    }
    if (cells.length === 1 && cells[0] === '') return; // a blank line
    if (cells.length !== this.header.length)
      throw new UsageFileError(
        `The usage file is malformed or truncated: line ${this.rowLine} has ${cells.length} values for ${this.header.length} columns.`,
      );
    this.rows++;
    this.onRow(cells, this.index);
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

/**
 * Adds up summary rows as they stream by: per org and month the distinct users (user tokens kept as
 * 32-bit hashes), per custom object or page its events. Memory grows with orgs × months, not rows.
 */
export class UsageSummaryAggregator {
  private readonly orgs = new Map<string, Map<string, Set<number>>>();
  private readonly events = new Map<string, number>();
  private readonly entities = new Map<string, EntityUsage>();
  rows = 0;

  add(cells: readonly string[], index: Readonly<Record<string, number>>): void {
    const month = cells[index.month!]!;
    const orgId = cells[index.organization_id!]!.slice(0, 15);
    const name = cells[index.custom_entity!]!;
    const events = Number(cells[index.num_events!]) || 0;
    if (!MONTH.test(month))
      throw new UsageFileError(`The usage file has "${month}" where a month (YYYY-MM) belongs.`);
    let byMonth = this.orgs.get(orgId);
    if (!byMonth) this.orgs.set(orgId, (byMonth = new Map()));
    let users = byMonth.get(month);
    if (!users) byMonth.set(month, (users = new Set()));
    users.add(fnv(cells[index.user_id_token!]!));
    this.events.set(orgId, (this.events.get(orgId) ?? 0) + events);
    if (name) {
      const e = this.entities.get(name);
      if (e) e.events += events;
      else this.entities.set(name, { name, type: cells[index.custom_entity_type!] ?? '', events });
    }
    this.rows++;
  }

  report(threshold = DEFAULT_AT_RISK_THRESHOLD, top = 10): UsageReport {
    const monthSet = new Set<string>();
    for (const byMonth of this.orgs.values()) for (const m of byMonth.keys()) monthSet.add(m);
    const months = [...monthSet].sort();
    const at = new Map(months.map((m, i) => [m, i]));
    const perMonth = months.map((month) => ({ month, activeOrgs: 0, activeUsers: 0 }));
    const orgs: OrgUsage[] = [];
    for (const [orgId, byMonth] of this.orgs) {
      const users = months.map(() => 0);
      for (const [m, set] of byMonth) {
        const i = at.get(m)!;
        users[i] = set.size;
        perMonth[i]!.activeOrgs++;
        perMonth[i]!.activeUsers += set.size;
      }
      orgs.push({ orgId, users, events: this.events.get(orgId) ?? 0, decline: decline(users) });
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
