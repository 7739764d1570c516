// The rows of one sObject in one org, keyed by the 15-character id (so 15- and
// 18-character ids find the same row), with equality indexes on chosen fields.
import type { Row } from '../schema/types';

export interface IndexSpec {
  field: string;
  /** Id/reference fields match on their first 15 characters. */
  idLike: boolean;
}

/** The key a value is indexed under: lossy on purpose (case-folded); callers re-check exactly. */
export function indexKey(value: unknown, idLike: boolean): unknown {
  if (typeof value !== 'string') return value;
  return (idLike ? value.slice(0, 15) : value).toLowerCase();
}

export class Table {
  readonly rows = new Map<string, Row>();
  // A key maps to one row key, or to a Set when several rows share it (saves a Set per unique value).
  // An index is built on its first lookup, not while the store replays: opening a 100,000-license
  // store then costs only the rows, and indexes nobody queries cost nothing.
  private readonly indexes = new Map<
    string,
    { spec: IndexSpec; map: Map<unknown, string | Set<string>> | undefined }
  >();

  constructor(specs: IndexSpec[]) {
    // Id needs no index: rows are keyed by it.
    for (const spec of specs)
      if (spec.field !== 'Id') this.indexes.set(spec.field.toLowerCase(), { spec, map: undefined });
  }

  private all: Row[] | undefined;
  private live: Row[] | undefined;

  /**
   * Every row as an array, cached until the next write. Scans read these arrays instead of the Map,
   * and the live list spares each query reading IsDeleted on 100,000 rows of different shapes.
   */
  list(): readonly Row[] {
    return (this.all ??= [...this.rows.values()]);
  }

  /** The rows not deleted (soft delete keeps deleted rows for queryAll). */
  liveList(): readonly Row[] {
    return (this.live ??= this.list().filter((row) => row.IsDeleted !== true));
  }

  get(id: string): Row | undefined {
    return this.rows.get(id.slice(0, 15));
  }

  hasIndex(field: string): boolean {
    return this.indexes.has(field.toLowerCase());
  }

  /** Keys (15-char ids) of rows whose field may equal `value`; undefined when the field isn't indexed. */
  lookup(field: string, value: unknown): Set<string> | undefined {
    const index = this.indexes.get(field.toLowerCase());
    if (!index) return undefined;
    if (!index.map) {
      index.map = new Map();
      for (const [key, row] of this.rows) addKey(index.map, index.spec, row[index.spec.field], key);
    }
    const hit = index.map.get(indexKey(value, index.spec.idLike));
    return hit === undefined ? new Set() : typeof hit === 'string' ? new Set([hit]) : hit;
  }

  put(row: Row): void {
    const key = String(row.Id).slice(0, 15);
    const old = this.rows.get(key);
    for (const { spec, map } of this.indexes.values()) {
      if (!map) continue;
      const before = old?.[spec.field];
      const after = row[spec.field];
      if (old && before === after) continue;
      if (old && before != null) {
        const k = indexKey(before, spec.idLike);
        const hit = map.get(k);
        if (hit === key) map.delete(k);
        else if (typeof hit === 'object') hit.delete(key);
      }
      addKey(map, spec, after, key);
    }
    this.rows.set(key, row);
    this.all = undefined;
    this.live = undefined;
  }

  /** Take a row out again (a rolled-back create): it leaves no trace, not even for queryAll. */
  remove(id: string): void {
    const key = id.slice(0, 15);
    const old = this.rows.get(key);
    if (!old) return;
    for (const { spec, map } of this.indexes.values()) {
      const before = old[spec.field];
      if (!map || before == null) continue;
      const k = indexKey(before, spec.idLike);
      const hit = map.get(k);
      if (hit === key) map.delete(k);
      else if (typeof hit === 'object') hit.delete(key);
    }
    this.rows.delete(key);
    this.all = undefined;
    this.live = undefined;
  }
}

function addKey(map: Map<unknown, string | Set<string>>, spec: IndexSpec, value: unknown, key: string): void {
  if (value == null) return;
  const k = indexKey(value, spec.idLike);
  const hit = map.get(k);
  if (hit === undefined) map.set(k, key);
  else if (typeof hit === 'string') {
    if (hit !== key) map.set(k, new Set([hit, key]));
  } else hit.add(key);
}
