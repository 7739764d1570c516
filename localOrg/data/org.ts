// One org's data, seen the way the REST API sees it. Every write is checked
// (fields, LMA rules), stamped (system fields, ids, autonumber), journalled
// with its history rows in one atomic line, and only then acknowledged.
//
//   const db = await openDatabase({ dir });
//   const org = db.org('00D...', { kind: 'lmo' });
//   await org.create('sfLma__License__c', { sfLma__Status__c: 'Active', ... });
//   org.query('SELECT ... FROM sfLma__License__c').records;
//   org.system().update(...)  // the platform's own writes (installs, LMA jobs)
import { LATEST_VERSION } from './apiVersion';
import { SalesforceError, notFound, preconditionFailed } from './errors';
import { mintId, toId18 } from './ids';
import { historyRows, type HistoryContext } from './rules/history';
import { applyLicenseRules } from './rules/license';
import { checkFields, checkId, checkRequired, storedValue } from './rules/fields';
import { createPlan, fitsPlan, type CreatePlan } from './rules/createPlan';
import type { WriteContext } from './rules/fields';
import { describeGlobal, describeSObject } from './schema/describe';
import { DEFAULT_TRACKED_FIELDS, LICENSE, LICENSE_HISTORY, type LmaVersion } from './schema/lma';
import { FEATURE_PARAMETER, JUNCTION_OF, SUBSCRIBER_TO_LMO, SUBSCRIBER_VALUE_MESSAGE } from './schema/fma';
import { DEFAULT_LMA, schemaFor } from './schema/registry';
import { Schema, type OrgKind, type SObjectSchema } from './schema/registry';
import type { FieldDef, Row } from './schema/types';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { jsonDouble, runQuery, runQueryAsync } from './soql/query';
import type { QueryOptions, QueryResult } from './soql/query';
import type { QuerySource } from './soql/source';
import type { PutOp, Store } from './store/store';
import type { Table } from './store/table';
import { shapedRow } from './store/codec';

export interface UpdateOptions {
  /** 412 (PRECONDITION_FAILED) when the record was modified after this instant. */
  ifUnmodifiedSince?: Date;
}

export interface BulkOptions {
  /** Also write the `created` history row per License (off by default: seeds are big). */
  history?: boolean;
  /**
   * Rows the local org generated itself (a seed's): what the checks decide per field name is decided
   * once per shape of the rows (rules/createPlan.ts), each value still stored as `storedValue` makes
   * it; the records are exactly those of the checked path (test: trustedSeed.test.ts).
   */
  trusted?: boolean;
}

/** A new License was never Active before (the LMA's rules ask). */
const neverActive = (): boolean => false;

/** Rows for `bulkInsert` made on demand: `row(i)` is asked once for each i from 0 to length - 1, in order. */
export interface RowSource {
  readonly length: number;
  row(i: number): Row;
}

/** What a save returns, as the REST API answers it. */
export interface SaveResult {
  id: string;
  success: true;
  errors: [];
}

const FMA_JUNCTIONS = new Set(Object.values(JUNCTION_OF));

const now = (): string => new Date().toISOString().replace('Z', '+0000');

/** How an LMO's LMA is set up: its metadata, and the customizations of it the org has. */
export interface LmaSetup {
  /** 'older': an LMA without License → Package, the subscriber org fields and version numbers. */
  version: LmaVersion;
  /**
   * The `licenseRules` customization: Status restricted to the LMA's values, its record-type mapping
   * enforced, and validation rules for the Modify License limits (seat range, no return to Trial,
   * Uninstalled read-only). Off in a real LMO's metadata.
   */
  licenseRules: boolean;
  /**
   * Whether an API update of Status moves the License to the record type of that name (and so the
   * LMA's License Status formula and list views with it). UNCONFIRMED on a real LMO: off by default,
   * the reading that leaves the record type behind. The LMA's own writes and inserts always move it.
   */
  recordTypeFollowsStatus: boolean;
  /** License fields whose changes history records (Set History Tracking); default: the LMA version's. */
  trackedFields: readonly string[];
  /** The Feature Management App is installed in the LMO (a support case on Salesforce); off unless set. */
  fma?: boolean;
}

/**
 * A rule the org's platform applies to writes of one object (push requests: which versions, which
 * transitions): it may refuse the write by throwing a SalesforceError, or fill fields of `next`.
 * `old` is undefined on create. Set by the world (world/pushUpgrades.ts); not kept in the store.
 */
export type WriteRule = (old: Row | undefined, next: Row, info: { system: boolean; userId: string }) => void;

/** Shared per-org state: the facade instances for different users point at one of these. */
export class OrgState {
  /** Write rules by lower-case object name. */
  readonly writeRules = new Map<string, WriteRule>();
  schema: Schema;
  private readonly autoNumbers = new Map<string, number>();
  private readonly addedFields = new Map<string, FieldDef[]>();
  private lmaSetup: LmaSetup = {
    version: DEFAULT_LMA.version,
    licenseRules: false,
    recordTypeFollowsStatus: false,
    trackedFields: DEFAULT_LMA.trackedFields,
  };
  /** Users without access to the LMA's objects: the LMA is not there for them. */
  private readonly withoutLma = new Set<string>();
  private schemaWithoutLma: Schema | undefined;
  /** Dev Hub users who don't see PackageSubscriber.HasRestrictionEnabled (the UNCONFIRMED other reading). */
  private readonly withoutRestriction = new Set<string>();
  private schemaWithoutRestriction: Schema | undefined;
  /** Users who may read the FMA's objects but not edit them. */
  private readonly fmaReadOnly = new Set<string>();
  private schemaFmaReadOnly: Schema | undefined;
  systemUserId: string | undefined;

  constructor(
    readonly store: Store,
    readonly orgId: string,
    readonly kind: OrgKind,
  ) {
    this.schema = schemaFor(kind);
  }

  /** Replaces the fields an admin added to `sobject` (metadata, not records: kept by the caller). */
  setAddedFields(sobject: string, fields: FieldDef[]): void {
    const s = this.schema.require(sobject);
    const base = s.fields.filter((f) => !this.addedFields.get(s.name.toLowerCase())?.includes(f));
    const clash = fields.find((f) => base.some((b) => b.name.toLowerCase() === f.name.toLowerCase()));
    if (clash) throw new Error(`${s.name}.${clash.name} exists already`);
    if (fields.length) this.addedFields.set(s.name.toLowerCase(), fields);
    else this.addedFields.delete(s.name.toLowerCase());
    this.rebuild();
  }

  get lma(): LmaSetup {
    return this.lmaSetup;
  }

  /** Sets up the LMA (metadata, not records: kept by the caller and re-applied on every open). */
  setLma(changes: Partial<LmaSetup>): void {
    if (this.kind !== 'lmo') throw new Error('Only the LMO has the LMA');
    const version = changes.version ?? this.lmaSetup.version;
    const trackedFields =
      changes.trackedFields ??
      (changes.version && changes.version !== this.lmaSetup.version
        ? DEFAULT_TRACKED_FIELDS[version]
        : this.lmaSetup.trackedFields);
    const next = { ...this.lmaSetup, ...changes, version, trackedFields };
    const license = new Schema('lmo', new Map(), { lma: { ...next, restrictedStatus: false } }).require(
      LICENSE,
    );
    const unknown = trackedFields.filter((f) => license.field(f)?.name !== f);
    if (unknown.length) throw new Error(`License has no field ${unknown.join(', ')} to track`);
    this.lmaSetup = next;
    this.rebuild();
  }

  /** Hides PackageSubscriber.HasRestrictionEnabled from a Dev Hub user, or shows it again. */
  setSubscriberRestrictionAccess(userId: string, access: boolean): void {
    const id = toId18(userId) ?? userId;
    if (access) this.withoutRestriction.delete(id);
    else this.withoutRestriction.add(id);
  }

  /** Takes the LMA's objects away from a user (no permission on them), or gives them back. */
  setLmaAccess(userId: string, access: boolean): void {
    const id = toId18(userId) ?? userId;
    if (access) this.withoutLma.delete(id);
    else this.withoutLma.add(id);
  }

  /** Takes edit access to the FMA's objects away from a user (read access stays), or gives it back. */
  setFmaEditAccess(userId: string, access: boolean): void {
    const id = toId18(userId) ?? userId;
    if (access) this.fmaReadOnly.delete(id);
    else this.fmaReadOnly.add(id);
  }

  /** The schema as a user sees it. */
  schemaOf(userId: string, system: boolean): Schema {
    if (system) return this.schema;
    if (this.withoutRestriction.has(userId))
      return (this.schemaWithoutRestriction ??= new Schema(this.kind, this.addedFields, {
        withoutSubscriberRestriction: true,
      }));
    if (this.withoutLma.has(userId))
      return (this.schemaWithoutLma ??= new Schema(this.kind, this.addedFields, { withoutLma: true }));
    if (this.lmaSetup.fma && this.fmaReadOnly.has(userId))
      return (this.schemaFmaReadOnly ??= new Schema(this.kind, this.addedFields, {
        lma: this.lmaSchemaOptions(),
        fma: true,
        fmaReadOnly: true,
      }));
    return this.schema;
  }

  private lmaSchemaOptions() {
    const setup = this.lmaSetup;
    return {
      version: setup.version,
      restrictedStatus: setup.licenseRules,
      trackedFields: setup.trackedFields,
    };
  }

  private rebuild(): void {
    const setup = this.lmaSetup;
    const isDefault =
      setup.version === DEFAULT_LMA.version &&
      !setup.licenseRules &&
      setup.trackedFields === DEFAULT_LMA.trackedFields &&
      !setup.fma;
    this.schema =
      this.addedFields.size || !isDefault
        ? new Schema(this.kind, this.addedFields, { lma: this.lmaSchemaOptions(), fma: setup.fma === true })
        : schemaFor(this.kind);
    this.schemaWithoutLma = undefined;
    this.schemaWithoutRestriction = undefined;
    this.schemaFmaReadOnly = undefined;
  }

  /** Next value of an autonumber field (e.g. License Name `L-{00000}`). */
  nextAutoNumber(s: SObjectSchema, format: string): string {
    let n = this.autoNumbers.get(s.name);
    if (n === undefined) {
      n = 0;
      for (const row of this.store.table(this.orgId, s.name).list()) {
        const m = /(\d+)\D*$/.exec(String(row.Name ?? ''));
        if (m) n = Math.max(n, Number(m[1]));
      }
    }
    this.autoNumbers.set(s.name, ++n);
    return format.replace(/\{(0+)\}/, (_, zeros: string) => String(n).padStart(zeros.length, '0'));
  }
}

export class OrgData {
  private readonly state: OrgState;
  private readonly userId: string;
  private readonly isSystem: boolean;
  /** Written by the LMA: see `writtenByLma`. */
  private readonly byLma: boolean;

  constructor(state: OrgState, userId: string, isSystem: boolean, byLma = false) {
    this.state = state;
    this.userId = userId;
    this.isSystem = isSystem;
    this.byLma = byLma;
  }

  get orgId(): string {
    return this.state.orgId;
  }

  get kind(): OrgKind {
    return this.state.kind;
  }

  get schema(): Schema {
    return this.state.schemaOf(this.userId, this.isSystem);
  }

  /** How the LMO's LMA is set up. */
  get lma(): LmaSetup {
    return this.state.lma;
  }

  setLma(changes: Partial<LmaSetup>): void {
    this.state.setLma(changes);
  }

  /** Takes the LMA's objects away from a user of this org (no permission on them), or gives them back. */
  setFmaEditAccess(userId: string, access: boolean): void {
    this.state.setFmaEditAccess(userId, access);
  }

  setSubscriberRestrictionAccess(userId: string, access: boolean): void {
    this.state.setSubscriberRestrictionAccess(userId, access);
  }

  setLmaAccess(userId: string, access: boolean): void {
    this.state.setLmaAccess(userId, access);
  }

  /** The platform's rule for writes of `sobject` in this org (replaces an earlier one). */
  setWriteRule(sobject: string, rule: WriteRule): void {
    this.state.writeRules.set(sobject.toLowerCase(), rule);
  }

  /** The same org, writing as `userId`. */
  asUser(userId: string): OrgData {
    return new OrgData(this.state, toId18(userId) ?? userId, false);
  }

  /** The same org, writing as the platform (installs, LMA jobs): may set read-only fields and edit uninstalled licenses. */
  system(): OrgData {
    return new OrgData(this.state, this.state.systemUserId ?? this.userId, true);
  }

  /**
   * The same org written by its LMA (installs, the Partner Console, seeds), as the platform: fields
   * of the LMA's objects that the org's LMA version lacks are left out (an older LMA never fills
   * them), so that callers describe one record for both versions.
   */
  writtenByLma(): OrgData {
    return new OrgData(this.state, this.state.systemUserId ?? this.userId, true, true);
  }

  /** `fields` without those an older LMA lacks, when the LMA writes one of its objects. */
  private fitToLma(s: SObjectSchema, fields: Row): Row {
    if (this.fitsLma(s)) return fields;
    return Object.fromEntries(Object.entries(fields).filter(([k]) => s.field(k) !== undefined));
  }

  /** Whether every field of `s` is the LMA's own (fitToLma keeps rows as they are). */
  private fitsLma(s: SObjectSchema): boolean {
    return !this.byLma || this.state.lma.version === 'current' || !s.name.toLowerCase().startsWith('sflma__');
  }

  // ---- reads ----

  query(soql: string, options: QueryOptions = {}): QueryResult {
    return runQuery(this.source(), soql, options);
  }

  /**
   * The same answer as `query`, for a server: a long WHERE lets the event loop run every few
   * milliseconds, so that other requests are answered meanwhile (see runQueryAsync).
   */
  async queryAsync(soql: string, options: QueryOptions = {}): Promise<QueryResult> {
    await this.tablesRead(soql);
    return runQueryAsync(this.source(), soql, options, () => nextTurn());
  }

  /**
   * The tables a query names (its object, a subquery's or semi-join's) that are not read yet, read in
   * slices first: a million Licenses take seconds to read, and other requests are answered meanwhile.
   * A table reached otherwise (a relationship's parent) is read whole when the query meets it.
   */
  private async tablesRead(soql: string): Promise<void> {
    const reads: Array<Promise<void>> = [];
    for (const [sobject, table] of this.state.store.tablesOf(this.orgId))
      if (table.deferred && new RegExp(`\\b${sobject}\\b`, 'i').test(soql)) reads.push(table.loadAsync());
    if (reads.length) await Promise.all(reads);
  }

  /** `jsonDoubles`: doubles as Salesforce writes them in JSON (the HTTP answer; soql/query.ts jsonDouble). */
  retrieve(sobject: string, id: string, fields?: string[], options: { jsonDoubles?: boolean } = {}): Row {
    const s = this.schema.require(sobject);
    const row = this.row(s, id);
    const wanted = fields?.length ? fields.map((f) => s.requireField(f)) : s.fields;
    const rec: Row = {
      attributes: {
        type: s.name,
        url: `/services/data/v${LATEST_VERSION}/sobjects/${s.name}/${String(row.Id)}`,
      },
    };
    const src = this.source();
    for (const f of wanted) {
      const value = f.formula ? f.formula(row, src) : (row[f.name] ?? null);
      rec[f.name] = options.jsonDoubles && f.type === 'double' ? jsonDouble(value) : value;
    }
    return rec;
  }

  describe(sobject: string): Row {
    const s = this.schema.require(sobject);
    const rts = this.table('RecordType')
      .list()
      .filter((r) => r.SobjectType === s.name && r.IsActive !== false);
    return describeSObject(this.schema, s, rts);
  }

  describeGlobal(): Row {
    return describeGlobal(this.schema);
  }

  /** Fields an admin added to an object (Setup → Fields & Relationships): describe, SOQL and writes see them. */
  setAddedFields(sobject: string, fields: FieldDef[]): void {
    this.state.setAddedFields(sobject, fields);
  }

  // ---- writes ----

  /** `options.id`: the platform's own record with an id minted elsewhere (a package version's 04t). */
  async create(sobject: string, fields: Row, options: { id?: string } = {}): Promise<SaveResult> {
    const wait = this.turn();
    if (wait) await wait;
    const s = this.writable(sobject, 'create');
    if (options.id !== undefined && !this.isSystem) throw new Error('only the platform chooses record ids');
    const { ops, id } = this.prepareCreate(s, this.fitToLma(s, fields), true, options.id);
    this.state.store.write(ops);
    return { id, success: true, errors: [] };
  }

  async update(sobject: string, id: string, fields: Row, options: UpdateOptions = {}): Promise<SaveResult> {
    const wait = this.turn();
    if (wait) await wait;
    const s = this.writable(sobject, 'update');
    const old = this.row(s, id);
    if (
      options.ifUnmodifiedSince &&
      Date.parse(String(old.LastModifiedDate)) >= options.ifUnmodifiedSince.getTime() + 1000
    ) {
      // HTTP dates have one-second resolution: a change within the given second counts as unmodified.
      throw preconditionFailed();
    }
    const ctx = this.writeContext('update');
    const changes = checkFields(s, this.fitToLma(s, fields), ctx);
    const next: Row = { ...old, ...changes };
    checkRequired(s, next);
    this.state.writeRules.get(s.name.toLowerCase())?.(old, next, {
      system: this.isSystem,
      userId: this.userId,
    });
    this.checkFmaValue(s, old, next);
    const ops: PutOp[] = [];
    if (s.name === LICENSE) {
      applyLicenseRules(old, next, {
        system: this.isSystem,
        enforce: this.state.lma.licenseRules,
        recordTypeFollowsStatus: this.state.lma.recordTypeFollowsStatus,
        recordTypes: this.licenseRecordTypes(),
        wasEverActive: (licenseId) => this.wasEverActive(licenseId),
        recordTypeGiven: 'RecordTypeId' in changes,
      });
    }
    const at = now();
    next.LastModifiedDate = at;
    next.LastModifiedById = this.userId;
    next.SystemModstamp = at;
    ops.push(['p', this.orgId, s.name, next]);
    if (s.name === LICENSE && this.schema.find(LICENSE_HISTORY)) {
      for (const h of historyRows(old, next, at, this.userId, this.historyContext(s))) {
        ops.push(['p', this.orgId, LICENSE_HISTORY, h]);
      }
    }
    this.state.store.write(ops);
    return { id: String(old.Id), success: true, errors: [] };
  }

  /**
   * A query `FOR VIEW` or `FOR REFERENCE` returned these records: their LastViewedDate (VIEW) or
   * LastReferencedDate (REFERENCE) becomes now, on objects that have the field; nothing else changes,
   * not even LastModifiedDate or SystemModstamp. The dates are kept per record, not per user.
   */
  async markViewed(sobject: string, ids: string[], how: 'VIEW' | 'REFERENCE'): Promise<void> {
    const s = this.schema.require(sobject);
    const field = how === 'VIEW' ? 'LastViewedDate' : 'LastReferencedDate';
    if (ids.length === 0 || !s.field(field)) return;
    const wait = this.turn();
    if (wait) await wait;
    const at = now();
    const ops: PutOp[] = [];
    for (const id of ids) {
      const id18 = toId18(id);
      const row = id18 === undefined ? undefined : this.table(s.name).get(id18);
      if (!row || row.IsDeleted === true) continue;
      ops.push(['p', this.orgId, s.name, { ...row, [field]: at }]);
    }
    if (ops.length) this.state.store.write(ops);
  }

  /** Soft delete (to the recycle bin): queryAll still sees it. Master-detail children go too; lookups to it are cleared. */
  async delete(sobject: string, id: string): Promise<SaveResult> {
    const wait = this.turn();
    if (wait) await wait;
    const s = this.schema.require(sobject);
    if (!s.def.deletable && !this.isSystem) {
      throw new SalesforceError('INVALID_TYPE', `sObject type '${s.name}' does not support delete`);
    }
    const row = this.row(s, id);
    const at = now();
    // Rows touched by this delete, latest version first: a row may be reached twice (e.g. a
    // license under both a deleted package and its deleted version).
    const touched = new Map<string, { sobject: string; row: Row }>();
    const current = (sobject: string, r: Row): Row => touched.get(`${sobject}/${String(r.Id)}`)?.row ?? r;
    const put = (sobject: string, r: Row): void =>
      void touched.set(`${sobject}/${String(r.Id)}`, { sobject, row: r });
    const remove = (schema: SObjectSchema, r: Row): void => {
      put(schema.name, {
        ...current(schema.name, r),
        IsDeleted: true,
        LastModifiedDate: at,
        LastModifiedById: this.userId,
        SystemModstamp: at,
      });
      // Master-detail children are deleted with their parent; lookups are cleared (SetNull, as the
      // LMA's lookups are). History rows keep their ParentId.
      for (const rel of schema.childRelationships) {
        const child = this.schema.require(rel.childSObject);
        if (child.def.historyOf) continue;
        const table = this.table(child.name);
        for (const stored of [...(table.lookup(rel.field, String(r.Id)) ?? [])]) {
          const k = current(child.name, stored);
          if (k.IsDeleted === true) continue;
          if (rel.cascadeDelete) remove(child, k);
          else put(child.name, { ...k, [rel.field]: null, SystemModstamp: at });
        }
      }
    };
    remove(s, row);
    this.state.store.write(
      [...touched.values()].map(({ sobject, row: r }): PutOp => ['p', this.orgId, sobject, r]),
    );
    return { id: String(row.Id), success: true, errors: [] };
  }

  /**
   * Insert many rows with one fsync (seeds): all of them, or none if one fails its checks. Each row is
   * made as the store writes it (`Store.writeBulkBatches`), so a seed's rows are not all held at once.
   */
  async bulkInsert(sobject: string, given: Row[] | RowSource, options: BulkOptions = {}): Promise<string[]> {
    // Rows made on demand (a seed's) are asked for once each, in order, and not kept.
    const rows: RowSource = Array.isArray(given) ? { length: given.length, row: (i) => given[i]! } : given;
    const wait = this.turn();
    if (wait) await wait;
    const s = this.isSystem ? this.schema.require(sobject) : this.writable(sobject, 'create');
    const ids: string[] = [];
    const ctx = { ...this.writeContext('create'), checked: new Map<string, Map<string, string>>() };
    const history = options.history === true;
    // Rows fitted to an older LMA drop keys per row: those take the checked path.
    const trusted = options.trusted === true && this.fitsLma(s);
    let plan: CreatePlan | undefined;
    const plans = new Map<string, CreatePlan | undefined>();
    // The plans made so far: rows of a few shapes, mixed (a field given on some rows only), find
    // theirs among them without listing their keys.
    const made: CreatePlan[] = [];
    const prepare = (fields: Row): { ops: PutOp[]; id: string } => {
      if (trusted && (plan === undefined || !fitsPlan(plan, fields))) {
        plan = made.length <= 8 ? made.find((p) => fitsPlan(p, fields)) : undefined;
        if (!plan) {
          // One plan per shape (undefined: the shape takes the checked path).
          const keys = Object.keys(fields);
          const shape = keys.join(',');
          if (!plans.has(shape)) {
            const created = createPlan(s, keys, ctx);
            plans.set(shape, created);
            if (created) made.push(created);
          }
          plan = plans.get(shape);
        }
      }
      // A plan made from the row's keys, or found fitting them: the row's keys are the plan's.
      return trusted && plan
        ? this.prepareTrusted(s, plan, fields, history, ctx)
        : this.prepareCreate(s, this.fitToLma(s, fields), history, undefined, ctx);
    };
    if (history) {
      const ops: PutOp[] = [];
      for (let i = 0; i < rows.length; i++) {
        const prepared = prepare(rows.row(i));
        for (const op of prepared.ops) ops.push(op);
        ids.push(prepared.id);
      }
      this.state.store.writeBulk(ops);
      return ids;
    }
    // Without history, a create is one row of this table: made a batch at a time as they are written.
    let next = 0;
    this.state.store.writeBulkBatches(this.orgId, s.name, rows.length, (batch, max) => {
      for (const end = Math.min(rows.length, next + max); next < end; next++) {
        const prepared = prepare(rows.row(next));
        batch.push(prepared.ops[0]![3]);
        ids.push(prepared.id);
      }
    });
    return ids;
  }

  // ---- internals ----

  /**
   * Wait while another request's transaction is open (it may span a query that yields): a write
   * must neither land in it nor be undone by its rollback. No wait, not even a microtask, otherwise.
   */
  private turn(): Promise<void> | void {
    if (this.state.store.busyForOthers()) return this.state.store.whenFree();
  }

  private prepareCreate(
    s: SObjectSchema,
    fields: Row,
    history: boolean,
    chosenId?: string,
    ctx: WriteContext = this.writeContext('create'),
  ): { ops: PutOp[]; id: string } {
    const given = checkFields(s, fields, ctx);
    this.checkFmaValue(s, undefined, given);
    const at = now();
    const id = chosenId ?? this.newId(s.name);
    const keys: string[] = [];
    const values: unknown[] = [];
    // Standard objects have dozens of fields most records leave empty (addresses, phones): those are
    // not stored (a missing field reads as null), so 100,000 Leads don't carry them.
    const sparse = !s.def.custom;
    for (const f of s.fields) {
      if (f.formula) continue;
      let value: unknown;
      if (f.type === 'id') value = id;
      else if (f.name in given) value = given[f.name];
      else if (f.name === 'IsDeleted') value = false;
      else if (f.name === 'CreatedDate' || f.name === 'LastModifiedDate' || f.name === 'SystemModstamp')
        value = at;
      else if (f.name === 'CreatedById' || f.name === 'LastModifiedById') value = this.userId;
      else if (f.name === 'OwnerId') value = this.userId;
      else if (f.autoNumber) value = this.state.nextAutoNumber(s, f.autoNumber);
      else value = f.defaultValue ?? null;
      if (sparse && value === null) continue;
      keys.push(f.name);
      values.push(value);
    }
    return this.finishCreate(s, keys, values, 'RecordTypeId' in given, history, at, id);
  }

  /**
   * `prepareCreate` of a row whose keys are `plan`'s (a trusted bulk insert): the same values
   * (each through `storedValue`), the same id, defaults, rules and history, without deciding per row
   * what the plan decided once. A value that fails its check sends the row through `prepareCreate`,
   * which reports it exactly as it would.
   */
  private prepareTrusted(
    s: SObjectSchema,
    plan: CreatePlan,
    fields: Row,
    history: boolean,
    ctx: WriteContext,
  ): { ops: PutOp[]; id: string } {
    const stored: unknown[] = new Array(plan.given.length);
    let i = 0;
    try {
      for (const key in fields) {
        const f = plan.given[i];
        if (f) stored[i] = storedValue(f, fields[key], ctx);
        i++;
      }
    } catch {
      return this.prepareCreate(s, fields, history, undefined, ctx);
    }
    if (FMA_JUNCTIONS.has(s.name)) {
      const given: Row = {};
      plan.given.forEach((f, j) => {
        if (f) given[f.name] = stored[j];
      });
      this.checkFmaValue(s, undefined, given);
    }
    const at = now();
    const id = this.newId(s.name);
    const sparse = !s.def.custom;
    // A custom object's row has every slot: its keys are the plan's own (frozen) list.
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const { name, source } of plan.slots) {
      let value: unknown;
      switch (source.kind) {
        case 'id':
          value = id;
          break;
        case 'given':
          value = stored[source.index];
          break;
        case 'false':
          value = false;
          break;
        case 'at':
          value = at;
          break;
        case 'user':
          value = this.userId;
          break;
        case 'auto':
          value = this.state.nextAutoNumber(s, source.format);
          break;
        default:
          value = source.value;
      }
      if (sparse && value === null) continue;
      if (sparse) keys.push(name);
      values.push(value);
    }
    return this.finishCreate(s, sparse ? keys : plan.names, values, plan.recordTypeGiven, history, at, id);
  }

  /** A create's row from its stored fields: required fields, write rules, the LMA's rules, history. */
  private finishCreate(
    s: SObjectSchema,
    keys: readonly string[],
    values: unknown[],
    recordTypeGiven: boolean,
    history: boolean,
    at: string,
    id: string,
  ): { ops: PutOp[]; id: string } {
    // A fixed-shape object per layout keeps 100k rows compact in memory (rows written alike share it).
    let row = shapedRow(keys, values);
    checkRequired(s, row);
    const rule = this.state.writeRules.get(s.name.toLowerCase());
    if (rule) {
      const filled = { ...row };
      rule(undefined, filled, { system: this.isSystem, userId: this.userId });
      row = filled;
    }
    const ops: PutOp[] = [['p', this.orgId, s.name, row]];
    if (s.name === LICENSE) {
      applyLicenseRules(undefined, row, {
        system: this.isSystem,
        enforce: this.state.lma.licenseRules,
        recordTypeFollowsStatus: this.state.lma.recordTypeFollowsStatus,
        recordTypes: this.licenseRecordTypes(),
        wasEverActive: neverActive,
        recordTypeGiven,
      });
      if (history)
        for (const h of historyRows(undefined, row, at, this.userId, this.historyContext(s)))
          ops.push(['p', this.orgId, LICENSE_HISTORY, h]);
    }
    return { ops, id };
  }

  /**
   * The FMA's `sfFma__MetricValueUpdatePrevention` rule on its value junctions: a Subscriber to LMO value
   * is changed only by the FMA itself (here: the platform's writes).
   */
  private checkFmaValue(s: SObjectSchema, old: Row | undefined, next: Row): void {
    if (this.isSystem || !FMA_JUNCTIONS.has(s.name)) return;
    if (old && old.sfFma__Value__c === next.sfFma__Value__c) return;
    const parameter = this.table(FEATURE_PARAMETER).get(String(next.sfFma__FeatureParameter__c));
    if (parameter?.sfFma__DataFlowDirection__c === SUBSCRIBER_TO_LMO)
      throw new SalesforceError('FIELD_CUSTOM_VALIDATION_EXCEPTION', SUBSCRIBER_VALUE_MESSAGE, [
        'sfFma__Value__c',
      ]);
  }

  private writable(sobject: string, mode: 'create' | 'update'): SObjectSchema {
    const s = this.schema.require(sobject);
    const ok = mode === 'create' ? s.def.createable : s.def.updateable;
    if (!ok && !this.isSystem) {
      throw new SalesforceError(
        'INVALID_TYPE',
        `sObject type '${s.name}' does not support ${mode === 'create' ? 'insert' : 'update'}`,
      );
    }
    return s;
  }

  private writeContext(mode: 'create' | 'update'): WriteContext {
    // Each target's key prefix and table, found once per write (a bulk insert checks a million parents).
    const targets = new Map<string, { prefix: string; table: Table }>();
    return {
      mode,
      system: this.isSystem,
      exists: (sobject, id) => {
        let target = targets.get(sobject);
        if (!target) {
          const s = this.schema.find(sobject);
          if (!s) return true; // a target outside this org's schema can't be checked
          targets.set(sobject, (target = { prefix: s.def.keyPrefix, table: this.table(s.name) }));
        }
        return String(id).startsWith(target.prefix) && target.table.holdsLive(id);
      },
    };
  }

  private row(s: SObjectSchema, id: string): Row {
    const id18 = checkId(s, id);
    const row = this.table(s.name).get(id18);
    if (!row) throw notFound();
    if (row.IsDeleted === true) throw new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [], 404);
    return row;
  }

  private table(sobject: string) {
    return this.state.store.table(this.orgId, sobject);
  }

  private newId(sobject: string): string {
    return mintId(this.schema.require(sobject).def.keyPrefix, this.state.store.nextCounter());
  }

  private historyContext(license: SObjectSchema): HistoryContext {
    return {
      license,
      tracked: this.state.lma.trackedFields,
      nameOf: (sobject, id) => (typeof id === 'string' ? (this.table(sobject).get(id)?.Name ?? null) : null),
      mintId: () => this.newId(LICENSE_HISTORY),
    };
  }

  /** The License's record types, found again only once RecordType changed (a seed asks per License). */
  private recordTypes: { table: Table; changes: number; rows: Row[] } | undefined;
  private licenseRecordTypes(): Row[] {
    const table = this.table('RecordType');
    const known = this.recordTypes;
    if (known && known.table === table && known.changes === table.changes && !table.deferred)
      return known.rows;
    const rows = table.list().filter((r) => r.SobjectType === LICENSE);
    this.recordTypes = { table, changes: table.changes, rows };
    return rows;
  }

  private wasEverActive(licenseId: string): boolean {
    const rows = this.table(LICENSE_HISTORY).lookup('ParentId', licenseId);
    if (!rows) return false;
    for (const h of rows) {
      if (h.Field === 'sfLma__Status__c' && (h.OldValue === 'Active' || h.NewValue === 'Active')) return true;
    }
    return false;
  }

  private source(): QuerySource {
    const store = this.state.store;
    const orgId = this.orgId;
    return {
      schema: this.schema,
      rows: (sobject) => store.table(orgId, sobject).list(),
      liveRows: (sobject) => store.table(orgId, sobject).liveList(),
      get: (sobject, id) =>
        typeof id === 'string' && id.length >= 15 ? store.table(orgId, sobject).get(id) : undefined,
      lookup: (sobject, field, value) => {
        const t = store.table(orgId, sobject);
        if (field === 'Id') {
          const r = typeof value === 'string' ? t.get(value) : undefined;
          return r ? [r] : [];
        }
        const rows = t.lookup(field, value);
        return rows && [...rows];
      },
    };
  }
}
