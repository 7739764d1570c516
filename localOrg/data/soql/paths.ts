// Field paths (`Name`, `sfLma__Package__r.Name`, `a.sfLma__Package_Version__r.sfLma__Package__r.Name`)
// resolved once against the schema into fast getters.
import { SalesforceError, invalidField, malformedQuery } from '../errors';
import type { SObjectSchema } from '../schema/registry';
import type { FieldDef, Row } from '../schema/types';
import type { QuerySource } from './source';

export interface ResolvedPath {
  /** Relationship hops from the queried object, e.g. [{ name: 'sfLma__Package__r', field: <lookup> }]. */
  hops: { name: string; lookup: FieldDef; target: SObjectSchema }[];
  field: FieldDef;
  /** The object that owns `field`. */
  owner: SObjectSchema;
  get: (row: Row) => unknown;
}

const MAX_HOPS = 5;

export function resolvePath(
  source: QuerySource,
  root: SObjectSchema,
  path: string,
  alias?: string,
): ResolvedPath {
  let parts = path.split('.');
  if (alias && parts.length > 1 && parts[0]!.toLowerCase() === alias.toLowerCase()) parts = parts.slice(1);
  if (parts.length > 1 && parts[0]!.toLowerCase() === root.name.toLowerCase()) parts = parts.slice(1);
  if (parts.length - 1 > MAX_HOPS) throw malformedQuery(`relationship path too deep: ${path}`);
  const hops: ResolvedPath['hops'] = [];
  let owner = root;
  for (const name of parts.slice(0, -1)) {
    const lookup = owner.relationship(name);
    const targetName = lookup?.referenceTo?.[0];
    const target = targetName ? source.schema.find(targetName) : undefined;
    if (!lookup || !target) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        [path],
      );
    }
    hops.push({ name: lookup.relationshipName!, lookup, target });
    owner = target;
  }
  const last = parts[parts.length - 1]!;
  const field = owner.field(last);
  if (!field) throw invalidField(hops.length ? path : last, owner.name);
  const read = fieldReader(source, field);
  let get = read;
  for (let i = hops.length - 1; i >= 0; i--) {
    const { lookup, target } = hops[i]!;
    const inner = get;
    get = (row) => {
      const parent = source.get(target.name, row[lookup.name]);
      return parent ? inner(parent) : null;
    };
  }
  return { hops, field, owner, get };
}

/** Stored fields are read directly; formula fields are computed on read. */
export function fieldReader(source: QuerySource, field: FieldDef): (row: Row) => unknown {
  const name = field.name;
  const formula = field.formula;
  if (formula) return (row) => formula(row, source);
  return (row) => row[name] ?? null;
}
