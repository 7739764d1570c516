// What the SOQL engine reads: one org's rows, by object, with index lookups.
import type { Schema } from '../schema/registry';
import type { FormulaContext, Row } from '../schema/types';

export interface QuerySource extends FormulaContext {
  schema: Schema;
  /** Every row of the object, deleted ones included, in insertion order. */
  rows(sobject: string): Iterable<Row>;
  /** The rows that are not deleted (what a query without queryAll scans). */
  liveRows(sobject: string): Iterable<Row>;
  /** Rows whose field may equal value (a superset), or undefined when the field has no index. */
  lookup(sobject: string, field: string, value: unknown): Row[] | undefined;
}
