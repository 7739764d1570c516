// What the world and the HTTP server need from the data layer, in one place, so
// that a change in `localOrg/data` touches only the adapter that implements it.

export type SObjectRecord = Record<string, unknown>;

export interface QueryResult {
  totalSize: number;
  /** Records `from`..`from+count`, built on demand (big results are paged, not built whole). */
  page(from: number, count: number): SObjectRecord[];
  readonly records: SObjectRecord[];
}

export type OrgKind = 'lmo' | 'devhub' | 'subscriber';

/** Which LMA an LMO has, and how its admin customized it. */
export interface LmaSetup {
  /** 'older': an LMA without License → Package, the subscriber org fields and the version numbers. */
  version: 'current' | 'older';
  /** Status restricted, and the Modify License limits enforced as validation rules on every API write. */
  licenseRules: boolean;
  /** License fields whose changes history records. */
  trackedFields: readonly string[];
}

export interface OrgData {
  /** `apiVersion` like "62.0" sets the version in `attributes.url`. */
  query(soql: string, options?: { includeDeleted?: boolean; apiVersion?: string }): Promise<QueryResult>;
  retrieve(sobject: string, id: string, fields?: string[]): Promise<SObjectRecord | undefined>;
  create(sobject: string, fields: SObjectRecord): Promise<string>;
  update(
    sobject: string,
    id: string,
    fields: SObjectRecord,
    options?: { ifUnmodifiedSince?: Date },
  ): Promise<void>;
  delete(sobject: string, id: string): Promise<void>;
  describe(sobject: string): Promise<unknown>;
  describeGlobal(): Promise<{ sobjects: Array<Record<string, unknown>> } & Record<string, unknown>>;
  bulkInsert(sobject: string, rows: SObjectRecord[]): Promise<string[]>;
  /** Replaces the fields an admin added to an object: describe, SOQL and every write then see them. */
  setAddedFields(sobject: string, fields: AddedField[]): void;
  /** How the LMO's LMA is set up (metadata: re-applied on every open); see localOrg/world/lmaSetup.ts. */
  setLma(setup: Partial<LmaSetup>): void;
  /** Takes the LMA's objects away from a user of the org (no permission on them), or gives them back. */
  setLmaAccess(userId: string, access: boolean): void;
  /** The same org writing as this user (API requests). */
  asUser(userId: string): OrgData;
  /** The same org writing as the platform: installs, the LMA, seeds, Organization rows. */
  system(): OrgData;
}

/** A field an admin added to an object (Setup → Fields & Relationships). */
export interface AddedField {
  name: string;
  label: string;
  type: 'string' | 'picklist';
  length?: number;
  /** The field's "Required" box: not nillable, no default, so inserts without it fail. */
  required?: boolean;
  /** Picklist values (restricted). */
  values?: string[];
}

export interface DataStore {
  /** An org's data, created on first use (`name` = Organization.Name then). */
  org(orgId: string, kind: OrgKind, name?: string): OrgData;
  /**
   * Run `fn` as one transaction across orgs: its writes become durable together if it returns
   * `keep: true` and vanish (even from queryAll) if it returns `keep: false` or throws. Nests.
   */
  atomically<T>(fn: () => Promise<{ keep: boolean; value: T }>): Promise<T>;
  close(): Promise<void>;
}
