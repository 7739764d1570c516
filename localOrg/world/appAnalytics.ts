// App Analytics in the LMO: `AppAnalyticsQueryRequest` records (create, read, query), each finishing
// `completeAfterMs` after its creation (New, then Pending, then Complete, NoData or Failed: the state is
// computed when the record is read, so no timer runs), and the file a Complete request names in its
// DownloadUrl: a generated, deterministic gzip CSV of the world's orgs and packages, served by the local
// org until DownloadExpirationTime. Facts: shared/reference/isv-operations.md (App Analytics) and the
// Package Usage Summary Schema in Salesforce's packaging guide; what no source states is marked
// UNCONFIRMED in CONTRIBUTING.md's ledger ("App Analytics"), with the switch for the other reading.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { SalesforceError } from '../data/errors';
import type { WorldCore } from './core';
import type { OrgState } from './state';

export const DATA_TYPES = ['PackageUsageLog', 'PackageUsageSummary', 'SubscriberSnapshot'] as const;
export type DataType = (typeof DATA_TYPES)[number];
/** RequestState values seen in code (UNCONFIRMED as a picklist). */
export type RequestState = 'New' | 'Pending' | 'Complete' | 'Expired' | 'Failed' | 'NoData';

/** Columns of each file, in the order the local org writes them (Salesforce's order is UNCONFIRMED). */
export const COLUMNS: Record<DataType, readonly string[]> = {
  PackageUsageSummary: [
    'month',
    'organization_id',
    'organization_name',
    'organization_edition',
    'organization_status',
    'package_id',
    'managed_package_namespace',
    'custom_entity',
    'custom_entity_type',
    'user_id_token',
    'num_creates',
    'num_reads',
    'num_updates',
    'num_deletes',
    'num_views',
    'num_events',
  ],
  PackageUsageLog: [
    'timestamp_derived',
    'organization_id',
    'user_id_token',
    'user_type',
    'package_id',
    'package_version_id',
    'managed_package_namespace',
    'custom_entity',
    'custom_entity_type',
    'operation_type',
    'operation_count',
  ],
  SubscriberSnapshot: [
    'snapshot_date',
    'organization_id',
    'package_id',
    'managed_package_namespace',
    'custom_entity',
    'custom_entity_type',
    'num_records',
  ],
};

export interface AppAnalyticsSettings {
  /** App Analytics turned on for this LMO: off, the object is not there (as without the feature). */
  enabled: boolean;
  /** From creation to the final state (read when the request is read: a change applies to requests under way). New until first read, then Pending. */
  completeAfterMs: number;
  /** How long a DownloadUrl works (about an hour on Salesforce, UNCONFIRMED). */
  linkLifetimeMs: number;
  /** UNCONFIRMED: whether a request shows RequestState Expired once its link has expired (default: stays Complete). */
  expiredState: boolean;
  /** Bytes the org serves per 24 hours (20 GB on Salesforce). */
  dailyDownloadBytes: number;
  /** Months of summaries the org holds, up to the last complete month. */
  dataMonths: number;
  /** Generated subscriber orgs added to every package's dataset (a benchmark world: 10,000). */
  syntheticOrgs: number;
  /** The next request fails with this message (a seeded failure); null: none. */
  failNext: string | null;
  /**
   * The next Complete request's file is broken this way (for clients' bad-input paths): cut off
   * mid-row, not gzip though named so, with other columns, or with an unclosed quote; null: none.
   */
  corruptNext: 'truncated' | 'notGzip' | 'columns' | 'unclosedQuote' | null;
  /**
   * How `OrganizationIds` names an org (UNCONFIRMED): by either length ('either', matched on the first
   * 15 characters), or only by its 15- or only by its 18-character id (an id of the other length matches
   * nothing).
   */
  organizationIdLength: 'either' | 15 | 18;
}

export const DEFAULT_SETTINGS: AppAnalyticsSettings = {
  enabled: true,
  completeAfterMs: 1_500,
  linkLifetimeMs: 3_600_000,
  expiredState: false,
  dailyDownloadBytes: 20 * 1024 ** 3,
  dataMonths: 24,
  syntheticOrgs: 0,
  failNext: null,
  corruptNext: null,
  organizationIdLength: 'either',
};

interface RequestRecord {
  id: string;
  fields: {
    DataType: DataType;
    StartTime: string | null;
    EndTime: string | null;
    AvailableSince: string | null;
    PackageIds: string;
    OrganizationIds: string | null;
    FileType: string;
    FileCompression: string;
  };
  createdMs: number;
  /** Read once: New before, Pending after (until the delay has passed). */
  seen: boolean;
  failWith: string | null;
  corrupt: AppAnalyticsSettings['corruptNext'];
  secret: string;
  /** Filled when the request completes. */
  outcome?: { state: 'Complete' | 'NoData' | 'Failed'; file?: Buffer; error?: string; at: number };
}

const FIELDS = [
  'Id',
  'DataType',
  'StartTime',
  'EndTime',
  'AvailableSince',
  'PackageIds',
  'OrganizationIds',
  'FileType',
  'FileCompression',
  'RequestState',
  'DownloadUrl',
  'DownloadExpirationTime',
  'DownloadSize',
  'ErrorMessage',
  'QuerySubmittedTime',
  'CreatedDate',
] as const;
export const REQUEST_FIELDS: string[] = [...FIELDS];

const sfTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

/** FNV-1a: the same number for the same text, on every run. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const fail = (code: string, message: string, fields: string[] = []): SalesforceError =>
  new SalesforceError(code, message, fields);

function parseTime(value: unknown, field: string): number | null {
  if (value == null || value === '') return null;
  const ms = typeof value === 'string' ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
  if (Number.isNaN(ms))
    throw fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field}: value not of required type: ${String(value)}`, [
      field,
    ]);
  return ms;
}

const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
const addMonths = (month: string, n: number): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};

/** A subscriber org of a package's dataset: its 15-character id, its name and status from the LMO. */
interface DatasetOrg {
  id: string;
  name: string;
}

const ENTITIES: Array<[string, string]> = [
  ['Invoice__c', 'CustomObject'],
  ['Invoice__c', 'CustomObject'],
  ['Invoice__c', 'CustomObject'],
  ['Invoice__c', 'CustomObject'],
  ['Payment__c', 'CustomObject'],
  ['Payment__c', 'CustomObject'],
  ['Payment__c', 'CustomObject'],
  ['Project__c', 'CustomObject'],
  ['Project__c', 'CustomObject'],
  ['Timesheet__c', 'CustomObject'],
  ['Dashboard', 'VisualforcePage'],
  ['Dashboard', 'VisualforcePage'],
  ['Dashboard', 'VisualforcePage'],
  ['Setup', 'LightningPage'],
];

/**
 * How an org of the dataset uses a package. Every 20th org (by hash) has no usage at all (Licenses
 * paid for, unused); every 10th declines over the last three months to a fifth of its users, its
 * users in them more than 50% below the three months before at any size (the at-risk cohort: the
 * extension's default drop); the others hold steady with 1 to 6 users.
 */
export function usageOf(
  orgId: string,
  packageId: string,
): { users: number; declining: boolean; unused: boolean } {
  const h = hash(`${orgId.slice(0, 15)}/${packageId.slice(0, 15)}`);
  return { users: 1 + ((h >>> 4) % 6), declining: h % 10 === 3, unused: h % 20 === 1 };
}

/** Users active in a month, `back` months before the last month of data (0: the last). */
export function activeUsers(orgId: string, packageId: string, back: number): number {
  const u = usageOf(orgId, packageId);
  if (u.unused) return 0;
  if (!u.declining || back >= 3) return u.users + 2; // at least 3, so that a decline shows
  return Math.max(0, Math.round((u.users + 2) * (0.2 + back * 0.2)));
}

export class AppAnalytics {
  readonly settings: AppAnalyticsSettings = { ...DEFAULT_SETTINGS };
  private readonly requests = new Map<string, RequestRecord>();
  /** Bytes served, with when: the daily limit counts the last 24 hours. */
  private readonly served: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly world: WorldCore) {}

  configure(changes: Partial<AppAnalyticsSettings>): AppAnalyticsSettings {
    for (const [key, value] of Object.entries(changes)) {
      if (!(key in DEFAULT_SETTINGS)) throw new Error(`Unknown App Analytics setting "${key}"`);
      (this.settings as unknown as Record<string, unknown>)[key] = value;
    }
    // A new limit starts a new 24 hours.
    if ('dailyDownloadBytes' in changes) this.served.length = 0;
    return { ...this.settings };
  }

  /** Only the LMO has App Analytics, and only a user with access to the LMA (UNCONFIRMED: full access to the object). */
  available(org: OrgState): boolean {
    return this.settings.enabled && org.kind === 'lmo' && org.lmaAccess !== false;
  }

  /** Bytes left of the 24-hour download limit. */
  remainingBytes(now = Date.now()): number {
    while (this.served.length && (this.served[0] as { at: number }).at <= now - 86_400_000)
      this.served.shift();
    return this.settings.dailyDownloadBytes - this.served.reduce((sum, s) => sum + s.bytes, 0);
  }

  create(org: OrgState, body: Record<string, unknown>): string {
    const known = new Map(FIELDS.map((f) => [f.toLowerCase(), f]));
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      const name = known.get(key.toLowerCase());
      if (!name)
        throw fail('INVALID_FIELD', `No such column '${key}' on sobject of type AppAnalyticsQueryRequest`);
      fields[name] = value;
    }
    for (const output of [
      'RequestState',
      'DownloadUrl',
      'DownloadExpirationTime',
      'DownloadSize',
      'ErrorMessage',
      'QuerySubmittedTime',
      'CreatedDate',
    ]) {
      if (output in fields)
        throw fail(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${output}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [output],
        );
    }
    const dataType = fields.DataType;
    if (dataType == null)
      throw fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [DataType]', ['DataType']);
    if (!DATA_TYPES.includes(dataType as DataType))
      throw fail(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `DataType: bad value for restricted picklist field: ${String(dataType)}`,
        ['DataType'],
      );
    const start = parseTime(fields.StartTime, 'StartTime');
    const end = parseTime(fields.EndTime, 'EndTime');
    const since = parseTime(fields.AvailableSince, 'AvailableSince');
    if (start === null && since === null)
      throw fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [StartTime or AvailableSince]', [
        'StartTime',
      ]);
    if (start !== null && end !== null && end < start)
      throw fail('FIELD_INTEGRITY_EXCEPTION', 'EndTime must be after StartTime', ['EndTime']);
    const fileType = fields.FileType ?? 'csv';
    if (fileType !== 'csv' && fileType !== 'parquet')
      throw fail(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `FileType: bad value for restricted picklist field: ${String(fileType)}`,
        ['FileType'],
      );
    const compression = fields.FileCompression ?? 'none';
    if (compression !== 'none' && compression !== 'gzip')
      throw fail(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `FileCompression: bad value for restricted picklist field: ${String(compression)}`,
        ['FileCompression'],
      );
    const packageIds =
      typeof fields.PackageIds === 'string'
        ? fields.PackageIds.split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : [];
    if (!packageIds.length)
      throw fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [PackageIds]', ['PackageIds']);
    for (const p of packageIds) {
      if (!/^033[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/.test(p))
        throw fail('FIELD_INTEGRITY_EXCEPTION', `PackageIds: ${p} is not a package id (033)`, ['PackageIds']);
      // UNCONFIRMED how Salesforce answers a package not registered to this LMO: a create error here.
      if (!this.world.state.associations.some((a) => a.packageId.slice(0, 15) === p.slice(0, 15)))
        throw fail(
          'FIELD_INTEGRITY_EXCEPTION',
          `PackageIds: package ${p} is not registered to this License Management Org`,
          ['PackageIds'],
        );
    }
    const now = Date.now();
    const id = this.world.nextId('0XQ');
    this.requests.set(id, {
      id,
      fields: {
        DataType: dataType as DataType,
        StartTime: start === null ? null : sfTime(start),
        EndTime: end === null ? null : sfTime(end),
        AvailableSince: since === null ? null : sfTime(since),
        PackageIds: packageIds.join(','),
        OrganizationIds:
          typeof fields.OrganizationIds === 'string' && fields.OrganizationIds.trim()
            ? fields.OrganizationIds
            : null,
        FileType: fileType,
        FileCompression: compression,
      },
      createdMs: now,
      seen: false,
      failWith: this.settings.failNext,
      corrupt: this.settings.corruptNext,
      secret: randomBytes(16).toString('hex'),
    });
    this.settings.failNext = null;
    this.settings.corruptNext = null;
    void org;
    return id;
  }

  /** The record as a query or retrieve answers it. */
  row(id: string, instanceUrl: string, version: string): Record<string, unknown> | undefined {
    const r = this.find(id);
    if (!r) return undefined;
    const now = Date.now();
    const done = r.outcome;
    let state: RequestState = r.seen ? 'Pending' : 'New';
    r.seen = true;
    let url: string | null = null;
    let expires: string | null = null;
    let size: number | null = null;
    if (done) {
      state = done.state;
      if (done.state === 'Complete' && done.file) {
        const expiresMs = done.at + this.settings.linkLifetimeMs;
        url = `${instanceUrl}/_analytics/${r.id}/${r.secret}/${r.fields.DataType}.${r.fields.FileType}${r.fields.FileCompression === 'gzip' ? '.gz' : ''}`;
        expires = sfTime(expiresMs);
        size = done.file.length;
        if (this.settings.expiredState && now >= expiresMs) {
          state = 'Expired';
          url = null;
        }
      }
    }
    return {
      attributes: {
        type: 'AppAnalyticsQueryRequest',
        url: `/services/data/v${version}/sobjects/AppAnalyticsQueryRequest/${r.id}`,
      },
      Id: r.id,
      ...r.fields,
      RequestState: state,
      DownloadUrl: url,
      DownloadExpirationTime: expires,
      DownloadSize: size,
      ErrorMessage: done?.state === 'Failed' ? (done.error ?? null) : null,
      QuerySubmittedTime: sfTime(r.createdMs),
      CreatedDate: sfTime(r.createdMs),
    };
  }

  rows(instanceUrl: string, version: string): Array<Record<string, unknown>> {
    return [...this.requests.keys()].map(
      (id) => this.row(id, instanceUrl, version) as Record<string, unknown>,
    );
  }

  private find(id: string): RequestRecord | undefined {
    for (const r of this.requests.values()) if (r.id.slice(0, 15) === id.slice(0, 15)) return r;
    return undefined;
  }

  private readonly making = new Map<string, Promise<void>>();

  /**
   * Makes the outcome of every request whose delay has passed (once each; the file is generated in
   * slices, so other requests are answered meanwhile). Called before a request is read or queried.
   */
  async settleDue(now = Date.now()): Promise<void> {
    const due = [...this.requests.values()].filter(
      (r) => !r.outcome && now >= r.createdMs + this.settings.completeAfterMs,
    );
    await Promise.all(
      due.map((r) => {
        let p = this.making.get(r.id);
        if (!p) {
          p = this.settle(r, now).finally(() => this.making.delete(r.id));
          this.making.set(r.id, p);
        }
        return p;
      }),
    );
  }

  private async settle(r: RequestRecord, now: number): Promise<void> {
    if (r.failWith !== null) {
      r.outcome = { state: 'Failed', error: r.failWith, at: now };
    } else if (r.fields.FileType !== 'csv') {
      r.outcome = { state: 'Failed', error: 'The local org writes csv files only', at: now };
    } else {
      const csv = corrupted(await this.generate(r, now), r.corrupt);
      const gzipped = r.fields.FileCompression === 'gzip' && r.corrupt !== 'notGzip';
      let file = csv === null || !gzipped ? csv : await gzipAsync(csv);
      if (file && r.corrupt === 'truncated') file = file.subarray(0, Math.floor(file.length * 0.6));
      r.outcome = file === null ? { state: 'NoData', at: now } : { state: 'Complete', file, at: now };
    }
  }

  /** The download behind a DownloadUrl: the file, an expired link, the limit, or nothing. */
  download(
    id: string,
    secret: string,
    now = Date.now(),
  ):
    | { kind: 'file'; file: Buffer; gzip: boolean }
    | { kind: 'expired' }
    | { kind: 'limit'; message: string }
    | { kind: 'none' } {
    const r = this.find(id);
    if (!r || r.secret !== secret || r.outcome?.state !== 'Complete' || !r.outcome.file)
      return { kind: 'none' };
    if (now >= r.outcome.at + this.settings.linkLifetimeMs) return { kind: 'expired' };
    const file = r.outcome.file;
    const left = this.remainingBytes(now);
    if (file.length > left)
      return {
        kind: 'limit',
        message: `Daily App Analytics download limit reached: ${this.settings.dailyDownloadBytes} bytes per 24 hours, ${Math.max(0, left)} bytes left, this file is ${file.length} bytes.`,
      };
    this.served.push({ at: now, bytes: file.length });
    return { kind: 'file', file, gzip: r.fields.FileCompression === 'gzip' };
  }

  /** The subscriber orgs of a package: its Licenses' orgs in the LMO, then generated ones. */
  private orgsOf(packageId: string): DatasetOrg[] {
    const lmo = this.world.platform(this.world.lmo);
    const pkg = lmo.query(
      `SELECT Id FROM sfLma__Package__c WHERE sfLma__Package_ID__c = '${packageId.slice(0, 15)}' OR sfLma__Package_ID__c = '${packageId}'`,
    );
    const pkgRows = pkg.page(0, pkg.totalSize);
    const byId = new Map<string, DatasetOrg>();
    if (pkgRows.length) {
      const pid = String(pkgRows[0]?.Id);
      const versions = lmo.query(
        `SELECT Id FROM sfLma__Package_Version__c WHERE sfLma__Package__c = '${pid}'`,
      );
      const versionIds = versions.page(0, versions.totalSize).map((v) => String(v.Id));
      for (let i = 0; i < versionIds.length; i += 200) {
        const list = versionIds
          .slice(i, i + 200)
          .map((v) => `'${v}'`)
          .join(',');
        const licenses = lmo.query(
          `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Package_Version__c IN (${list}) AND sfLma__Subscriber_Org_ID__c != null`,
        );
        for (const l of licenses.page(0, licenses.totalSize)) {
          const id = String(l.sfLma__Subscriber_Org_ID__c).slice(0, 15);
          byId.set(id, { id, name: `Subscriber ${id.slice(-5)}` });
        }
      }
    }
    for (let i = 0; i < this.settings.syntheticOrgs; i++) {
      const id = `00D5S${i.toString(36).toUpperCase().padStart(10, '0')}`;
      byId.set(id, { id, name: `Generated Customer ${i + 1}` });
    }
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The request's file, or null when it has no rows (NoData). */
  private async generate(r: RequestRecord, now: number): Promise<Buffer | null> {
    const f = r.fields;
    const startMs = Date.parse((f.StartTime ?? f.AvailableSince ?? '').replace('+0000', 'Z'));
    const endMs = f.EndTime ? Date.parse(f.EndTime.replace('+0000', 'Z')) : now;
    const length = this.settings.organizationIdLength;
    const only = f.OrganizationIds
      ? new Set(
          f.OrganizationIds.split(',')
            .map((o) => o.trim())
            .filter((o) => length === 'either' || o.length === length)
            .map((o) => o.slice(0, 15)),
        )
      : null;
    const lines: string[] = [COLUMNS[f.DataType].join(',')];
    let rows = 0;
    for (const packageId of f.PackageIds.split(',')) {
      const ns =
        this.world.state.packages.find((p) => p.id.slice(0, 15) === packageId.slice(0, 15))?.namespace ?? '';
      const prefix = ns ? `${ns}__` : '';
      const orgs = this.orgsOf(packageId).filter((o) => !only || only.has(o.id));
      const pid = packageId.slice(0, 15);
      if (f.DataType === 'PackageUsageSummary') {
        // Summaries arrive at the start of the next month: the last month of data is the previous one.
        const last = addMonths(monthOf(now), -1);
        const first = addMonths(last, -(this.settings.dataMonths - 1));
        const from = monthOf(startMs) < first ? first : monthOf(startMs);
        const to = monthOf(endMs) > last ? last : monthOf(endMs);
        for (let month = from; month <= to; month = addMonths(month, 1)) {
          const back = monthsBetween(month, last);
          for (const [i, org] of orgs.entries()) {
            if (i % 500 === 499) await yieldToOthers();
            const users = activeUsers(org.id, pid, back);
            for (let u = 0; u < users; u++) {
              const h = hash(`${org.id}/${u}/${month}`);
              const [entity, type] = ENTITIES[h % ENTITIES.length] as [string, string];
              const page = type !== 'CustomObject';
              const reads = page ? 0 : 5 + (h % 40);
              const creates = page ? 0 : (h >>> 8) % 6;
              const updates = page ? 0 : (h >>> 12) % 9;
              const deletes = page ? 0 : (h >>> 16) % 2;
              const views = page ? 3 + ((h >>> 4) % 25) : 0;
              lines.push(
                [
                  month,
                  org.id,
                  csvCell(org.name),
                  'Enterprise Edition',
                  'ACTIVE',
                  pid,
                  ns,
                  `${prefix}${entity}`,
                  type,
                  `005-${hash(`${org.id}/user/${u}`).toString(16).padStart(8, '0')}`,
                  creates,
                  reads,
                  updates,
                  deletes,
                  views,
                  creates + reads + updates + deletes + views,
                ].join(','),
              );
              rows++;
            }
          }
        }
      } else {
        // Logs and snapshots: one UTC day each, kept 45 days; the last day of data is yesterday.
        const lastDay = Math.floor(now / 86_400_000) - 1;
        const firstDay = lastDay - 44;
        const from = Math.max(firstDay, Math.floor(startMs / 86_400_000));
        const to = Math.min(lastDay, Math.floor(endMs / 86_400_000));
        for (let day = from; day <= to; day++) {
          const date = new Date(day * 86_400_000).toISOString();
          for (const [i, org] of orgs.entries()) {
            if (i % 500 === 499) await yieldToOthers();
            const users = activeUsers(org.id, pid, 0);
            if (f.DataType === 'SubscriberSnapshot') {
              if (users === 0) continue;
              const h = hash(`${org.id}/${day}`);
              lines.push(
                [
                  date.slice(0, 10),
                  org.id,
                  pid,
                  ns,
                  `${prefix}Invoice__c`,
                  'CustomObject',
                  10 + (h % 500),
                ].join(','),
              );
              rows++;
              continue;
            }
            for (let u = 0; u < users; u++) {
              const h = hash(`${org.id}/${u}/${day}`);
              if (h % 3 === 0) continue; // not every user every day
              const [entity, type] = ENTITIES[h % ENTITIES.length] as [string, string];
              lines.push(
                [
                  `${date.slice(0, 10)}T${String(8 + (h % 10)).padStart(2, '0')}:00:00.000Z`,
                  org.id,
                  `005-${hash(`${org.id}/user/${u}`).toString(16).padStart(8, '0')}`,
                  'Standard',
                  pid,
                  '',
                  ns,
                  `${prefix}${entity}`,
                  type,
                  type === 'CustomObject' ? 'Read' : 'View',
                  1 + (h % 12),
                ].join(','),
              );
              rows++;
            }
          }
        }
      }
    }
    if (rows === 0) return null;
    return Buffer.from(`${lines.join('\n')}\n`);
  }
}

const gzipAsync = promisify(gzip);

function corrupted(csv: Buffer | null, how: AppAnalyticsSettings['corruptNext']): Buffer | null {
  if (csv === null || how === null || how === 'truncated' || how === 'notGzip') return csv;
  const text = csv.toString('utf8');
  const nl = text.indexOf('\n');
  if (how === 'columns') return Buffer.from(`org,users,events${text.slice(nl)}`);
  // An unclosed quote in the second row: the rest of the file is one field.
  const second = text.indexOf('\n', nl + 1);
  return Buffer.from(`${text.slice(0, second + 1)}"${text.slice(second + 1)}`);
}
const yieldToOthers = (): Promise<void> => new Promise((r) => setImmediate(r));

function monthsBetween(a: string, b: string): number {
  const [ay, am] = a.split('-').map(Number) as [number, number];
  const [by, bm] = b.split('-').map(Number) as [number, number];
  return (by - ay) * 12 + (bm - am);
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const perWorld = new WeakMap<WorldCore, AppAnalytics>();

/** The world's App Analytics (made on first use; its requests live as long as the server). */
export function appAnalyticsOf(world: WorldCore): AppAnalytics {
  let a = perWorld.get(world);
  if (!a) perWorld.set(world, (a = new AppAnalytics(world)));
  return a;
}
