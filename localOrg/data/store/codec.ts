// How rows are laid out in journal and snapshot lines: grouped by (org,
// sObject) into column-wise chunks; field names are written once per chunk,
// and a column with repeated values (status, package id, dates) is a
// dictionary plus indexes. Smaller files replay faster, and rows decoded from
// one dictionary share their strings in memory.
import type { Row } from '../schema/types';

export type PutOp = ['p', string, string, Row];

type Column = unknown[] | { d: unknown[]; i: number[] };
interface Chunk {
  o: string;
  t: string;
  k: string[];
  c: Column[];
}

function encodeColumn(values: unknown[]): Column {
  if (values.length < 8) return values;
  const dict = new Map<unknown, number>();
  const idx: number[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let n = dict.get(v);
    if (n === undefined) {
      if (dict.size * 2 > values.length) return values; // mostly distinct: keep plain
      dict.set(v, (n = dict.size));
    }
    idx[i] = n;
  }
  return { d: [...dict.keys()], i: idx };
}

/**
 * Rows `from`..`to` of one table as the chunks `encodeOps` makes of them (one chunk), without a write
 * op per row: compaction and a seed's bulk write encode a table's rows this way, a line at a time.
 */
export function encodeRows(
  org: string,
  sobject: string,
  rows: readonly Row[],
  from: number,
  to: number,
): Chunk[] {
  if (to <= from) return [];
  const keys = new Set<string>();
  for (let i = from; i < to; i++) for (const k in rows[i]) keys.add(k);
  const k = [...keys];
  const c = k.map((name) => {
    const values: unknown[] = new Array(to - from);
    for (let i = from; i < to; i++) values[i - from] = rows[i]![name] ?? null;
    return encodeColumn(values);
  });
  return [{ o: org, t: sobject, k, c }];
}

export function encodeOps(ops: PutOp[]): Chunk[] {
  const groups = new Map<string, { o: string; t: string; rows: Row[] }>();
  for (const [, o, t, row] of ops) {
    const key = `${o}\u0000${t}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { o, t, rows: [] }));
    g.rows.push(row);
  }
  const chunks: Chunk[] = [];
  for (const { o, t, rows } of groups.values()) {
    const keys = new Set<string>();
    for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
    const k = [...keys];
    chunks.push({ o, t, k, c: k.map((name) => encodeColumn(rows.map((r) => r[name] ?? null))) });
  }
  return chunks;
}

// Rows are built by a generated function per chunk layout: an object literal
// with a fixed shape gives every row the same compact hidden class, where
// adding 40 properties one by one would leave large dictionary-mode objects.
type RowFactory = (cols: Column[], i: number) => Row;
const factories = new Map<string, RowFactory>();

function factoryFor(chunk: Chunk): RowFactory {
  const kinds = chunk.c.map((c) => (Array.isArray(c) ? 'p' : 'd')).join('');
  const cacheKey = `${kinds}|${chunk.k.join(',')}`;
  let f = factories.get(cacheKey);
  if (!f) {
    const props = chunk.k.map(
      (k, j) => `${JSON.stringify(k)}: ${kinds[j] === 'p' ? `c[${j}][i]` : `c[${j}].d[c[${j}].i[i]]`}`,
    );
    f = new Function('c', 'i', `return { ${props.join(', ')} };`) as RowFactory;
    factories.set(cacheKey, f);
  }
  return f;
}

/** Each chunk of a line as it is (field names and columns), for a reader that keeps columns (columns.ts). */
export function forEachChunk(value: unknown, onChunk: (keys: string[], columns: Column[]) => void): void {
  for (const chunk of value as Chunk[]) onChunk(chunk.k, chunk.c);
}

export function decodeChunks(value: unknown, onRow: (org: string, sobject: string, row: Row) => void): void {
  for (const chunk of value as Chunk[]) {
    const first = chunk.c[0];
    const n = first === undefined ? 0 : Array.isArray(first) ? first.length : first.i.length;
    const make = factoryFor(chunk);
    for (let i = 0; i < n; i++) onRow(chunk.o, chunk.t, make(chunk.c, i));
  }
}

const shapes = new Map<string, (values: unknown[]) => Row>();
/** The last layout built: rows written one after another (a seed's) mostly share it. */
let lastKeys: readonly string[] = [];
let lastMake: ((values: unknown[]) => Row) | undefined;

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Build rows with a fixed key order as compact fixed-shape objects (see factoryFor). */
export function shapedRow(keys: readonly string[], values: unknown[]): Row {
  // A frozen list (a create plan's) is kept as it is: the same list again needs no comparing.
  if (lastMake && (keys === lastKeys || sameKeys(keys, lastKeys))) return lastMake(values);
  const cacheKey = keys.join(',');
  let make = shapes.get(cacheKey);
  if (!make) {
    make = new Function(
      'v',
      `return { ${keys.map((k, j) => `${JSON.stringify(k)}: v[${j}]`).join(', ')} };`,
    ) as (values: unknown[]) => Row;
    shapes.set(cacheKey, make);
  }
  lastKeys = Object.isFrozen(keys) ? keys : [...keys];
  lastMake = make;
  return make(values);
}
