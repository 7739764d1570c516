// A seed's trusted bulk path (`Org.bulkInsert(…, { trusted: true })`): what `checkFields` and the
// create's field loop decide per field name (which field, whether it may be written, where each
// stored field's value comes from) is decided once per shape of the rows (their keys, in order),
// not once per row. Each value still goes through `storedValue`, so a row comes out exactly as the
// checked path (`prepareCreate`) makes it; a row the plan can't take (an unknown or read-only field,
// two keys naming one field) goes through the checked path, which reports it as it would.
import type { SObjectSchema } from '../schema/registry';
import type { FieldDef, Row } from '../schema/types';
import type { WriteContext } from './fields';

/** Where a stored field's value comes from on create. */
export type Source =
  | { kind: 'id' }
  | { kind: 'given'; index: number }
  | { kind: 'false' }
  | { kind: 'at' }
  | { kind: 'user' }
  | { kind: 'auto'; format: string }
  | { kind: 'default'; value: unknown };

export interface CreatePlan {
  /** The row's keys, in order, as the plan was made for them. */
  readonly keys: readonly string[];
  /** The field each key names (undefined: a key checkFields ignores, `attributes` or `id`). */
  readonly given: ReadonlyArray<FieldDef | undefined>;
  /** Whether `RecordTypeId` is among the given fields. */
  readonly recordTypeGiven: boolean;
  /** The stored fields in schema order, with where each value comes from. */
  readonly slots: ReadonlyArray<{ name: string; source: Source }>;
  /** The slots' names (frozen): a custom object's row has exactly these keys, in this order. */
  readonly names: readonly string[];
}

const IGNORED = new Set(['attributes', 'id']);
const SYSTEM_DATES = new Set(['CreatedDate', 'LastModifiedDate', 'SystemModstamp']);

/** The plan for rows with these keys, or undefined when the checked path must take them. */
export function createPlan(
  s: SObjectSchema,
  keys: readonly string[],
  ctx: WriteContext,
): CreatePlan | undefined {
  const given: Array<FieldDef | undefined> = [];
  const index = new Map<string, number>();
  for (const key of keys) {
    if (key.length <= 10 && IGNORED.has(key.toLowerCase())) {
      given.push(undefined);
      continue;
    }
    const f = s.field(key);
    if (!f) return undefined;
    const writable = ctx.mode === 'create' ? f.createable : f.updateable;
    if (!writable && !(ctx.system && !f.formula && f.type !== 'id')) return undefined;
    if (index.has(f.name)) return undefined;
    index.set(f.name, given.length);
    given.push(f);
  }
  const slots: Array<{ name: string; source: Source }> = [];
  for (const f of s.fields) {
    if (f.formula) continue;
    let source: Source;
    const at = index.get(f.name);
    if (f.type === 'id') source = { kind: 'id' };
    else if (at !== undefined) source = { kind: 'given', index: at };
    else if (f.name === 'IsDeleted') source = { kind: 'false' };
    else if (SYSTEM_DATES.has(f.name)) source = { kind: 'at' };
    else if (f.name === 'CreatedById' || f.name === 'LastModifiedById' || f.name === 'OwnerId')
      source = { kind: 'user' };
    else if (f.autoNumber) source = { kind: 'auto', format: f.autoNumber };
    else source = { kind: 'default', value: f.defaultValue ?? null };
    slots.push({ name: f.name, source });
  }
  const names = Object.freeze(slots.map((slot) => slot.name));
  return { keys: [...keys], given, recordTypeGiven: index.has('RecordTypeId'), slots, names };
}

/** Whether `row`'s keys are the plan's, in order (without building the list of them). */
export function fitsPlan(plan: CreatePlan, row: Row): boolean {
  let i = 0;
  const keys = plan.keys;
  for (const key in row) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}
