/**
 * Reading Licenses for editing, and writing changes so that no one's change is overwritten unseen.
 *
 * One License: the save re-reads the License just before the write and compares its LastModifiedDate
 * with the one the form loaded (any change since is a conflict, nothing is written), then PATCHes with
 * `If-Unmodified-Since`. That header has one-second resolution, so the re-read is made only once the
 * org's clock has passed the second of the loaded version: a change after the re-read then always has a
 * later second and gets 412. Bulk writes go through sObject Collections, which take no such header: each
 * chunk is re-read just before its write, and License History is read after it to report any change that
 * landed in between.
 */
import { lmaFieldsOf, selectable } from '../records/lmaFields';
import {
  apiFieldOf,
  isConfirmed,
  normalizeExpiration,
  planLicenseChange,
  type BulkPlan,
  type ChangePlan,
  type Confirmation,
  type EditableLicense,
  type LicenseChange,
} from '../rules/licenseChanges';
import { PERPETUAL_DATE } from '../rules/encodings';
import { queryAll, type LmoApi } from '../records/lmoApi';
import { literal } from '../records/soql';
import { LmoError } from '../../base/lmoError';
import { toLmoError } from '../../org/errors';

/** sObject Collections take at most 200 records a request. */
export const COLLECTION_SIZE = 200;

const LICENSE = 'sfLma__License__c';

const EDIT_FIELD_LIST = [
  'Id',
  'Name',
  'sfLma__Status__c',
  'sfLma__License_Status__c',
  'sfLma__Seats__c',
  'sfLma__Expiration__c',
  'sfLma__Install_Date__c',
  'sfLma__Subscriber_Org_ID__c',
  'sfLma__License_Type__c',
  'sfLma__Version_Number__c',
  'sfLma__Lead__r.Company',
  'sfLma__Lead__r.Name',
  'sfLma__Account__r.Name',
  'sfLma__Package_Version__r.sfLma__Package__r.Name',
  'CreatedDate',
  'LastModifiedDate',
  'LastModifiedBy.Name',
];

interface EditRow {
  Id: string;
  Name: string;
  sfLma__Status__c: string | null;
  sfLma__License_Status__c?: string | null;
  sfLma__Seats__c: number | null;
  sfLma__Expiration__c: string | null;
  sfLma__Install_Date__c: string | null;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__License_Type__c: string | null;
  sfLma__Version_Number__c?: string | null;
  sfLma__Lead__r: { Company: string | null; Name: string | null } | null;
  sfLma__Account__r: { Name: string | null } | null;
  sfLma__Package_Version__r: { sfLma__Package__r: { Name: string | null } | null } | null;
  CreatedDate: string;
  LastModifiedDate: string;
  LastModifiedBy: { Name: string | null } | null;
}

interface HistoryRow {
  Id: string;
  ParentId: string;
  Field: string;
  OldValue: unknown;
  NewValue: unknown;
  CreatedDate: string;
  CreatedBy: { Name: string | null } | null;
}

/** What the session offers beyond requests: a lower bound of the org's clock (from its Date headers). */
export interface LmoClock {
  /** Milliseconds since the epoch that the org's clock has certainly reached, when known. */
  serverTimeAtLeast?(): number | undefined;
}

export type EditApi = LmoApi & LmoClock;

/** The Licenses with these ids as the form edits them; ids that no longer exist are absent. */
export async function loadEditableLicenses(api: LmoApi, ids: string[]): Promise<EditableLicense[]> {
  const result: EditableLicense[] = [];
  for (let i = 0; i < ids.length; i += COLLECTION_SIZE) {
    const chunk = ids.slice(i, i + COLLECTION_SIZE);
    const list = chunk.map(literal).join(', ');
    // Only the fields this LMO has (older LMAs lack the version number): lmaFields.ts.
    const fields = selectable(api.lmaFields ?? (await lmaFieldsOf(api)), 'license', EDIT_FIELD_LIST).join(
      ', ',
    );
    const rows = await queryAll<EditRow>(api, `SELECT ${fields} FROM ${LICENSE} WHERE Id IN (${list})`);
    // History's values can't be filtered in SOQL: read the Status rows and look for Active here.
    const statusRows = rows.length
      ? await queryAll<{ ParentId: string; NewValue: unknown }>(
          api,
          `SELECT ParentId, NewValue FROM sfLma__License__History WHERE ParentId IN (${list}) AND Field = 'sfLma__Status__c'`,
        )
      : [];
    const everActive = new Set(statusRows.filter((r) => r.NewValue === 'Active').map((r) => r.ParentId));
    const byId = new Map(rows.map((r) => [r.Id, r]));
    for (const id of chunk) {
      const row = byId.get(id) ?? rows.find((r) => r.Id.slice(0, 15) === id.slice(0, 15) && id.length === 15);
      if (row) result.push(toEditable(row, everActive.has(row.Id)));
    }
  }
  return result;
}

export async function loadEditableLicense(api: LmoApi, id: string): Promise<EditableLicense | undefined> {
  return (await loadEditableLicenses(api, [id]))[0];
}

function toEditable(row: EditRow, historyShowsActive: boolean): EditableLicense {
  return {
    id: row.Id,
    name: row.Name,
    status: row.sfLma__Status__c ?? undefined,
    seats: row.sfLma__Seats__c ?? undefined,
    expiration: normalizeExpiration(row.sfLma__Expiration__c),
    customerName:
      row.sfLma__Account__r?.Name ?? row.sfLma__Lead__r?.Company ?? row.sfLma__Lead__r?.Name ?? undefined,
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c ?? undefined,
    packageName: row.sfLma__Package_Version__r?.sfLma__Package__r?.Name ?? undefined,
    versionNumber: row.sfLma__Version_Number__c ?? undefined,
    trialStart: (row.sfLma__Install_Date__c ?? row.CreatedDate).slice(0, 10),
    licenseType: row.sfLma__License_Type__c ?? undefined,
    ...(row.sfLma__License_Status__c ? { lmaStatus: row.sfLma__License_Status__c } : {}),
    wasEverActive: historyShowsActive || row.sfLma__Status__c === 'Active',
    lastModifiedDate: row.LastModifiedDate,
    lastModifiedBy: row.LastModifiedBy?.Name ?? undefined,
  };
}

/** One change in a License's history: the fields one user changed at one moment. */
export interface HistoryEntry {
  at: string;
  by: string | undefined;
  /** `created` when the License was created by an install. */
  created: boolean;
  changes: { field: string; label: string; oldValue: string; newValue: string }[];
}

/** The labels of the four fields LMA 1.20 tracks; any other tracked field's label comes from describe. */
const FIELD_LABELS: Record<string, string> = {
  sfLma__Status__c: 'Status',
  sfLma__Seats__c: 'Seats',
  sfLma__Expiration__c: 'Expiration',
  sfLma__Package_Version__c: 'Package Version',
};

/**
 * A field's label as the org names it. Real LMOs may track more than the four fields (Lead, License
 * Type, Used Licenses…): their labels come from one describe of License, asked only when such a field
 * shows up; a field describe doesn't list (deleted since) gets its API name made readable, never shown raw.
 */
async function fieldLabels(api: LmoApi, fields: readonly string[]): Promise<(field: string) => string> {
  const labels = new Map(Object.entries(FIELD_LABELS));
  if (fields.some((f) => !labels.has(f))) {
    try {
      const d = await api.request<{ fields: { name: string; label: string }[] }>(
        `/sobjects/${LICENSE}/describe`,
      );
      for (const f of d.fields) if (!labels.has(f.name)) labels.set(f.name, f.label);
      // History names a lookup by its relationship too (Owner for OwnerId).
      for (const f of d.fields)
        if (f.name.endsWith('Id') && !labels.has(f.name.slice(0, -2)))
          labels.set(f.name.slice(0, -2), f.label);
    } catch {
      // Readable names below.
    }
  }
  return (field) => labels.get(field) ?? readableName(field);
}

/** `sfLma__Used_Licenses__c` → "Used Licenses": for a field describe doesn't know. */
export function readableName(field: string): string {
  return field
    .replace(/^[A-Za-z0-9]+__(?=.+__c$)/, '')
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

/** The License's history, newest first, grouped by moment and user (the LMA writes one row per field). */
export async function loadLicenseHistory(
  api: LmoApi,
  licenseId: string,
  limit = 200,
): Promise<HistoryEntry[]> {
  const rows = await queryAll<HistoryRow>(
    api,
    `SELECT Id, ParentId, Field, OldValue, NewValue, CreatedDate, CreatedBy.Name FROM sfLma__License__History WHERE ParentId = ${literal(licenseId)} ORDER BY CreatedDate DESC, Id DESC LIMIT ${limit}`,
  );
  const label = await fieldLabels(
    api,
    rows.map((r) => r.Field).filter((f) => f !== 'created'),
  );
  const entries: HistoryEntry[] = [];
  for (const row of rows) {
    const by = row.CreatedBy?.Name ?? undefined;
    let entry = entries.at(-1);
    if (!entry || entry.at !== row.CreatedDate || entry.by !== by) {
      entry = { at: row.CreatedDate, by, created: false, changes: [] };
      entries.push(entry);
    }
    if (row.Field === 'created') {
      entry.created = true;
      continue;
    }
    const change = {
      field: row.Field,
      label: label(row.Field),
      oldValue: historyValue(row.Field, row.OldValue),
      newValue: historyValue(row.Field, row.NewValue),
    };
    // A lookup change is written twice, as ids and as names: keep the names.
    const twin = entry.changes.find((c) => c.field === row.Field);
    if (twin) {
      if (looksLikeId(twin.newValue) && !looksLikeId(change.newValue)) Object.assign(twin, change);
      continue;
    }
    entry.changes.push(change);
  }
  return entries;
}

function historyValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '(blank)';
  if (field === 'sfLma__Seats__c' && Number(value) === -1) return 'Site License';
  if (field === 'sfLma__Expiration__c' && String(value).startsWith(PERPETUAL_DATE)) return 'Does not expire';
  return String(value);
}

function looksLikeId(text: string): boolean {
  return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(text) && /\d/.test(text);
}

/**
 * Where the LMA's own License Status (the record type) disagrees with the Status, a sentence that says
 * so and what to do; undefined where they agree (or the LMA has no License Status). An API write of
 * Status may leave the record type, and with it the LMA's list views and reports, behind: a trial
 * converted by API still shows as a trial in "Trials". The Modify License page moves both.
 */
export function lmaStatusLag(license: EditableLicense): string | undefined {
  const { status, lmaStatus } = license;
  if (!status || !lmaStatus || status === lmaStatus) return undefined;
  return `The LMA still shows ${license.name} as ${lmaStatus}: its License Status comes from the record type, which this write of Status (${status}) did not move, so its list views and reports count it as ${lmaStatus}. Open it in Salesforce and finish the change on the Modify License page.`;
}

export type SaveOutcome =
  /** `lmaStatusBehind`: the re-read License's LMA status disagrees with its Status (lmaStatusLag). */
  | { kind: 'saved'; license: EditableLicense; message: string; lmaStatusBehind?: string }
  | { kind: 'unchanged' }
  | { kind: 'refused'; plan: ChangePlan & { kind: 'refused' } }
  | { kind: 'needsConfirmation'; message: string }
  /** Someone changed the License since the form loaded it: nothing was written. */
  | { kind: 'conflict'; current: EditableLicense; message: string }
  | { kind: 'deleted'; message: string }
  | { kind: 'failed'; message: string; errorCode: string | undefined };

export interface SaveOptions {
  today?: Date;
  /** What the user typed for a typed confirmation (or true for a plain one). */
  confirmed: string | boolean;
  /** Waits are short (at most about two seconds); tests may replace the timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Writes `change` to the License as `loaded` saw it, re-checking every rule and the confirmation here,
 * so no adapter can skip them. Never overwrites a change made since `loaded` was read.
 */
export async function saveLicenseChange(
  api: EditApi,
  loaded: EditableLicense,
  change: LicenseChange,
  options: SaveOptions,
): Promise<SaveOutcome> {
  const today = options.today ?? new Date();
  const plan = planLicenseChange(loaded, change, today);
  if (plan.kind === 'refused') return { kind: 'refused', plan };
  if (plan.kind === 'unchanged') return { kind: 'unchanged' };
  if (!confirmationGiven(plan.confirmation, options.confirmed))
    return {
      kind: 'needsConfirmation',
      message: plan.confirmation.kind === 'none' ? '' : plan.confirmation.message,
    };

  await waitPastSecondOf(api, loaded.lastModifiedDate, options.sleep);
  const current = await loadEditableLicense(api, loaded.id);
  if (!current) return deleted(loaded);
  if (current.lastModifiedDate !== loaded.lastModifiedDate) return conflict(current);

  try {
    await api.request(`/sobjects/${LICENSE}/${loaded.id}`, {
      method: 'PATCH',
      body: plan.fields,
      headers: { 'If-Unmodified-Since': new Date(loaded.lastModifiedDate).toUTCString() },
    });
  } catch (error) {
    const failure = toLmoError(error);
    if (isPreconditionFailed(failure)) {
      const now = await loadEditableLicense(api, loaded.id);
      return now ? conflict(now) : deleted(loaded);
    }
    if (failure.errorCode === 'ENTITY_IS_DELETED' || failure.errorCode === 'NOT_FOUND')
      return deleted(loaded);
    if (failure.kind !== 'salesforce') throw failure;
    return {
      kind: 'failed',
      message: `Salesforce refused the change: ${failure.message}`,
      errorCode: failure.errorCode,
    };
  }
  // Re-read after every save: what the org holds now, and whether the LMA's own status followed.
  const after = (await loadEditableLicense(api, loaded.id)) ?? current;
  const summary = plan.changes.map((c) => `${c.label} ${c.before} → ${c.after}`).join(', ');
  const behind = lmaStatusLag(after);
  return {
    kind: 'saved',
    license: after,
    message: `Saved ${loaded.name}: ${summary}.${behind ? ` ${behind}` : ''}`,
    ...(behind ? { lmaStatusBehind: behind } : {}),
  };
}

function confirmationGiven(confirmation: Confirmation, given: string | boolean): boolean {
  if (confirmation.kind === 'none') return true;
  if (confirmation.kind === 'confirm') return given !== false;
  return typeof given === 'string' && isConfirmed(confirmation, given);
}

function conflict(current: EditableLicense): SaveOutcome {
  const by = current.lastModifiedBy ? ` by ${current.lastModifiedBy}` : '';
  return {
    kind: 'conflict',
    current,
    message: `${current.name} was changed${by} at ${current.lastModifiedDate} after this form loaded it. Nothing was saved: review its current values and apply your change again.`,
  };
}

function deleted(loaded: EditableLicense): SaveOutcome {
  return {
    kind: 'deleted',
    message: `${loaded.name} no longer exists in the LMO (deleted meanwhile). Nothing was saved.`,
  };
}

function isPreconditionFailed(error: LmoError): boolean {
  return (
    error.status === 412 || error.errorCode === 'PRECONDITION_FAILED' || error.errorCode === 'ERROR_HTTP_412'
  );
}

/** Waits until the org's clock is certainly past the second of `lastModifiedDate` (see the header comment). */
async function waitPastSecondOf(
  api: LmoClock,
  lastModifiedDate: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const threshold = Math.floor(Date.parse(lastModifiedDate) / 1000) * 1000 + 1000;
  for (let tries = 0; tries < 5; tries++) {
    // Without the org's clock, our own with a second of margin for skew.
    const known = api.serverTimeAtLeast?.() ?? Date.now() - 1000;
    if (known >= threshold) return;
    await sleep(Math.min(threshold - known + 5, 2100));
  }
}

// Bulk

export type BulkFailure = { license: EditableLicense; reason: string };

export interface BulkResult {
  applied: EditableLicense[];
  /** Not written: refused by a rule, changed or deleted meanwhile, or refused by Salesforce. */
  failed: BulkFailure[];
  /** Written, but License History shows another change to the same field in the moment of the write. */
  raced: BulkFailure[];
  /** The write failed as a whole and reading back failed too: check these in the LMO. */
  unknown: BulkFailure[];
  /** Not attempted because the run was cancelled. */
  notAttempted: EditableLicense[];
  /** Of the applied, those whose LMA License Status (record type) didn't follow (lmaStatusLag). */
  lmaStatusBehind: BulkFailure[];
}

interface CollectionResult {
  id?: string;
  success: boolean;
  errors: { statusCode?: string; message: string; fields?: string[] }[];
}

/**
 * Applies a confirmed bulk plan, 200 Licenses a request. Every License ends in exactly one list of the
 * result; a request that fails as a whole is re-read to learn which of its Licenses were written.
 */
export async function applyBulkChange(
  api: EditApi,
  bulk: BulkPlan,
  options: {
    confirmed: string | boolean;
    today?: Date;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<BulkResult> {
  const result: BulkResult = {
    applied: [],
    failed: [],
    raced: [],
    unknown: [],
    notAttempted: [],
    lmaStatusBehind: [],
  };
  if (!confirmationGiven(bulk.confirmation, options.confirmed))
    throw new LmoError('salesforce', 'The bulk change needs its confirmation; nothing was written.');
  const today = options.today ?? new Date();
  const ready: { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } }[] = [];
  for (const item of bulk.items) {
    if (item.plan.kind === 'ready') ready.push({ license: item.license, plan: item.plan });
    else if (item.plan.kind === 'refused')
      result.failed.push({
        license: item.license,
        reason: item.plan.problems.map((p) => p.message).join(' '),
      });
  }
  for (let i = 0; i < ready.length; i += COLLECTION_SIZE) {
    if (options.signal?.aborted) {
      result.notAttempted.push(...ready.slice(i).map((r) => r.license));
      break;
    }
    await writeChunk(api, ready.slice(i, i + COLLECTION_SIZE), today, result);
    options.onProgress?.(Math.min(i + COLLECTION_SIZE, ready.length), ready.length);
  }
  // Each chunk's Licenses were read again after its write: compare the LMA's status with theirs.
  for (const license of result.applied) {
    const behind = lmaStatusLag(license);
    if (behind) result.lmaStatusBehind.push({ license, reason: behind });
  }
  return result;
}

async function writeChunk(
  api: EditApi,
  chunk: { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } }[],
  today: Date,
  result: BulkResult,
): Promise<void> {
  let current: Map<string, EditableLicense>;
  try {
    current = new Map(
      (
        await loadEditableLicenses(
          api,
          chunk.map((c) => c.license.id),
        )
      ).map((l) => [l.id, l]),
    );
  } catch (error) {
    for (const c of chunk)
      result.failed.push({ license: c.license, reason: `Not written: ${toLmoError(error).message}` });
    return;
  }
  const writable: typeof chunk = [];
  for (const item of chunk) {
    const now = current.get(item.license.id);
    if (!now) result.failed.push({ license: item.license, reason: 'Deleted meanwhile: not written.' });
    else if (now.lastModifiedDate !== item.license.lastModifiedDate)
      result.failed.push({
        license: item.license,
        reason: `Changed meanwhile${now.lastModifiedBy ? ` by ${now.lastModifiedBy}` : ''} at ${now.lastModifiedDate}: not overwritten.`,
      });
    else {
      // The rules again, on what the org holds now (the plan was made on what the preview loaded).
      const again = planLicenseChange(now, changeOf(item.plan), today);
      if (again.kind === 'ready') writable.push({ license: now, plan: again });
      else if (again.kind === 'refused')
        result.failed.push({ license: now, reason: again.problems.map((p) => p.message).join(' ') });
    }
  }
  if (!writable.length) return;
  let answers: CollectionResult[];
  try {
    answers = await api.request<CollectionResult[]>('/composite/sobjects', {
      method: 'PATCH',
      body: {
        allOrNone: false,
        records: writable.map((w) => ({ attributes: { type: LICENSE }, id: w.license.id, ...w.plan.fields })),
      },
    });
  } catch (error) {
    // The request failed as a whole: some of it may have been written. Read back to know which.
    const reason = toLmoError(error).message;
    try {
      const after = new Map(
        (
          await loadEditableLicenses(
            api,
            writable.map((w) => w.license.id),
          )
        ).map((l) => [l.id, l]),
      );
      for (const w of writable) {
        const now = after.get(w.license.id);
        if (now && holds(now, w.plan)) result.applied.push(now);
        else result.failed.push({ license: w.license, reason: `Not written: ${reason}` });
      }
    } catch {
      for (const w of writable)
        result.unknown.push({
          license: w.license,
          reason: `The write failed (${reason}) and could not be checked.`,
        });
    }
    return;
  }
  const written: typeof writable = [];
  writable.forEach((w, index) => {
    const answer = answers[index];
    if (answer?.success) written.push(w);
    else
      result.failed.push({
        license: w.license,
        reason:
          (answer?.errors ?? [])
            .map((e) => `${e.message}${e.statusCode ? ` (${e.statusCode})` : ''}`)
            .join(' ') || 'Salesforce did not say why.',
      });
  });
  if (!written.length) return;
  let after = new Map<string, EditableLicense>();
  let races = new Map<string, string>();
  try {
    after = new Map(
      (
        await loadEditableLicenses(
          api,
          written.map((w) => w.license.id),
        )
      ).map((l) => [l.id, l]),
    );
    races = await concurrentChanges(api, written);
  } catch {
    // Written, as Salesforce said; only the check after it could not be read.
  }
  for (const w of written) {
    const race = races.get(w.license.id);
    if (race) result.raced.push({ license: after.get(w.license.id) ?? w.license, reason: race });
    else result.applied.push(after.get(w.license.id) ?? w.license);
  }
}

function changeOf(plan: ChangePlan & { kind: 'ready' }): LicenseChange {
  const change: LicenseChange = {};
  for (const c of plan.changes) {
    const value = plan.fields[apiFieldOf[c.field]];
    if (c.field === 'status') change.status = value as LicenseChange['status'];
    if (c.field === 'seats') change.seats = value as number;
    if (c.field === 'expiration') change.expiration = normalizeExpiration(value as string) ?? null;
  }
  return change;
}

function holds(license: EditableLicense, plan: ChangePlan & { kind: 'ready' }): boolean {
  const want = changeOf(plan);
  return (
    (want.status === undefined || license.status === want.status) &&
    (want.seats === undefined || license.seats === want.seats) &&
    (want.expiration === undefined || (want.expiration ?? undefined) === license.expiration)
  );
}

/**
 * A change by someone else between the chunk's re-read and its write would have been overwritten:
 * License History shows it as a second row, after the version we read, for a field we wrote.
 */
async function concurrentChanges(
  api: LmoApi,
  written: { license: EditableLicense; plan: ChangePlan & { kind: 'ready' } }[],
): Promise<Map<string, string>> {
  const readAt = (w: (typeof written)[number]) => Date.parse(w.license.lastModifiedDate);
  const since = new Date(Math.min(...written.map(readAt))).toISOString().replace(/\.\d+Z$/, 'Z');
  const rows = await queryAll<HistoryRow>(
    api,
    `SELECT Id, ParentId, Field, OldValue, NewValue, CreatedDate, CreatedBy.Name FROM sfLma__License__History WHERE ParentId IN (${written.map((w) => literal(w.license.id)).join(', ')}) AND CreatedDate >= ${since}`,
  );
  const races = new Map<string, string>();
  for (const w of written) {
    for (const c of w.plan.changes) {
      const field = apiFieldOf[c.field];
      const touched = rows.filter(
        (r) => r.ParentId === w.license.id && r.Field === field && Date.parse(r.CreatedDate) > readAt(w),
      );
      if (touched.length > 1)
        races.set(
          w.license.id,
          `${c.label} was also changed by ${touched.map((r) => r.CreatedBy?.Name ?? 'someone').join(' and ')} at the same moment: check its value.`,
        );
    }
  }
  return races;
}
