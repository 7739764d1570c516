// Public API of the local org's data layer: schema + durable store + SOQL +
// the LMA's rules, behind an org-scoped facade.
export { openDatabase, Database } from './database';
export type { DatabaseOptions, OrgOptions } from './database';
export { OrgData } from './org';
export type { BulkOptions, LmaSetup, RowSource, SaveResult, UpdateOptions, WriteRule } from './org';
export {
  SalesforceError,
  invalidField,
  invalidType,
  malformedId,
  malformedQuery,
  notFound,
  preconditionFailed,
} from './errors';
export type { SalesforceErrorBody } from './errors';
export { caseSuffix, isWellFormedId, toId18, id15 } from './ids';
export { schemaFor } from './schema/registry';
export type { OrgKind, Schema, SObjectSchema } from './schema/registry';
export type { FieldDef, Row, SObjectDef } from './schema/types';
export {
  LICENSE,
  LICENSE_HISTORY,
  PACKAGE,
  PACKAGE_VERSION,
  PERPETUAL_DATE,
  SITE_LICENSE,
  MAX_SEATS,
} from './schema/lma';
export { openStore, Store } from './store/store';
export type { StoreOptions } from './store/store';
export type { QueryOptions, QueryResult } from './soql/query';
