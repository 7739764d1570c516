// The shape of an sObject definition, close to what describe returns so that
// describe is a projection and the rules/SOQL read the same facts.

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'email'
  | 'phone'
  | 'url'
  | 'anyType'
  | 'currency'
  | 'percent'
  /** A compound field (`BillingAddress`): read-only, computed from its parts, not filterable. */
  | 'address';

/** A stored record: field API names (canonical case) to JSON values. Dates are `YYYY-MM-DD`, datetimes `YYYY-MM-DDTHH:mm:ss.SSS+0000`. */
export type Row = Record<string, unknown>;

/** What a formula may look at besides its own row. */
export interface FormulaContext {
  get(sobject: string, id: unknown): Row | undefined;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  precision?: number;
  scale?: number;
  picklist?: { values: string[]; restricted: boolean; defaultValue?: string };
  referenceTo?: string[];
  relationshipName?: string;
  /** Child relationship name on the parent side, e.g. `sfLma__Licenses__r`. */
  childRelationshipName?: string;
  cascadeDelete?: boolean;
  /** A master-detail field (to its master): describe says so through relationshipOrder. */
  masterDetail?: boolean;
  /** Of a junction's two master-detail fields, the second master's is 1 (describe's relationshipOrder). */
  relationshipOrder?: number;
  /** Required on create: not nillable and no default. */
  required?: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  nameField?: boolean;
  autoNumber?: string;
  defaultValue?: unknown;
  calculatedFormula?: string;
  formula?: (row: Row, ctx: FormulaContext) => unknown;
  /** Kept in an equality index by the store. */
  indexed?: boolean;
  externalId?: boolean;
  unique?: boolean;
  inlineHelpText?: string;
  /** The compound field a part belongs to, e.g. `BillingAddress` for `BillingCity`. */
  compoundFieldName?: string;
}

export interface RecordTypeDef {
  developerName: string;
  name: string;
  /** Status picklist values this record type allows (LMA record-type mapping). */
  statusValues?: string[];
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  fields: FieldDef[];
  recordTypes?: RecordTypeDef[];
  /** For `X__History` objects: the object whose changes they record. */
  historyOf?: string;
}
