// A table's rows as read from the snapshot, held column by column rather than as one object per
// row: a value that repeats (a status, a package id, a date) is kept once in a dictionary and each
// row holds a 1-, 2- or 4-byte code; an id minted by this store is kept as its counter (4 bytes);
// other strings as UTF-8 bytes. A row is a read-only view of its slot (a Proxy reading the columns),
// so code that reads rows reads these as it reads plain objects. Rows written later are plain
// objects that the table keeps beside the block (Table): a block never changes once built.
import { mintId } from '../ids';
import type { Row } from '../schema/types';

/** A field the row doesn't have (its snapshot line had no such key). */
const ABSENT = Symbol('absent');

/** A growable array of codes that widens from 1 to 2 to 4 bytes as the largest code grows. */
class Codes {
  private a: Uint8Array | Uint16Array | Uint32Array = new Uint8Array(256);
  /** The largest code `a` holds. */
  private max = 0xff;
  get(i: number): number {
    return this.a[i] ?? 0;
  }
  set(i: number, code: number): void {
    if (i >= this.a.length || code > this.max) this.grow(i, code);
    this.a[i] = code;
  }
  private grow(i: number, code: number): void {
    const a = this.a;
    const length = i >= a.length ? Math.max(i + 1, a.length * 2) : a.length;
    if (code > this.max) this.max = code > 0xffff ? 0xffffffff : 0xffff;
    const next =
      this.max === 0xff
        ? new Uint8Array(length)
        : this.max === 0xffff
          ? new Uint16Array(length)
          : new Uint32Array(length);
    next.set(a);
    this.a = next;
  }
  /** Drop the spare capacity past `n` codes. */
  trim(n: number): void {
    if (this.a.length > n) this.a = this.a.slice(0, n);
  }
}

interface Column {
  /** The value at `slot` (ABSENT when the row has no such field). */
  get(slot: number): unknown;
  /** Write `slot`'s value: the next slot, or an earlier one again (a row that a later line wrote again). */
  set(slot: number, value: unknown): void;
  /** Whether this column kind is no longer a good fit after `rows` rows (the builder then converts it). */
  misfit(rows: number): boolean;
  finish(rows: number): void;
}

/** Values that repeat: each once in `values`, a code per row. Code 0 is ABSENT (a new column's rows so far). */
class DictColumn implements Column {
  readonly values: unknown[] = [ABSENT];
  private codes = new Codes();
  private dict: Map<unknown, number> | undefined = new Map([[ABSENT, 0]]);
  get(slot: number): unknown {
    return this.values[this.codes.get(slot)];
  }
  set(slot: number, value: unknown): void {
    this.codes.set(slot, this.code(value));
  }
  /** The code of `value`, added to the dictionary if it is new. */
  code(value: unknown): number {
    let code = this.dict!.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.dict!.set(value, code);
    }
    return code;
  }
  setCode(slot: number, code: number): void {
    this.codes.set(slot, code);
  }
  misfit(rows: number): boolean {
    // Mostly distinct values: each would cost a dictionary entry besides its code.
    return this.values.length > 4096 && this.values.length * 3 > rows;
  }
  finish(rows: number): void {
    this.codes.trim(rows);
    this.dict = undefined;
  }
}

// Ids minted by this store: prefix + "4L0" + 9 base-62 digits of a counter + the case suffix (ids.ts).
const BASE62_DIGIT = new Int8Array(128).fill(-1);
for (const [i, c] of [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].entries())
  BASE62_DIGIT[c.charCodeAt(0)] = i;
const NULL_CODE = 0xffffffff;
const MAX_COUNTER = 0xfffffffe;

/** The counter of `id` if it is an 18-character id minted with `prefix` (exactly as mintId writes it), else -1. */
export function mintedWith(prefix: string, id: unknown): number {
  if (typeof id !== 'string' || id.length !== 18) return -1;
  const n = counterOf(prefix, id);
  if (n < 0) return -1;
  // The case suffix: per 5 characters, which are upper case (ids.ts caseSuffix), without building it.
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    if (id.charCodeAt(15 + chunk) !== SUFFIX_CODES[bits]) return -1;
  }
  return n;
}
const SUFFIX_CODES = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'].map((c) => c.charCodeAt(0));

/** The counter that the first 15 characters of `id` carry if minted here with `prefix`, else -1. */
function counterOf(prefix: string, id: string): number {
  if (!id.startsWith(prefix)) return -1;
  if (id.charCodeAt(3) !== 52 || id.charCodeAt(4) !== 76 || id.charCodeAt(5) !== 48) return -1; // "4L0"
  let n = 0;
  for (let i = 6; i < 15; i++) {
    const d = BASE62_DIGIT[id.charCodeAt(i)] ?? -1;
    if (d < 0) return -1;
    n = n * 62 + d;
  }
  return n === 0 || n > MAX_COUNTER ? -1 : n;
}

/** A column that keeps the values outside its kind in a Map beside it fits while they are at most an eighth of its rows. */
function tooManyOthers(other: Map<number, unknown>, rows: number): boolean {
  return other.size > 1024 && other.size * 8 > rows;
}

/**
 * Ids minted with one key prefix, kept as their counters; null as NULL_CODE; anything else (another
 * prefix, a 15-character id, ABSENT) in `other`, its code 0.
 */
class MintedColumn implements Column {
  private counters = new Codes();
  private readonly other = new Map<number, unknown>();
  constructor(readonly prefix: string) {}
  get(slot: number): unknown {
    const n = this.counters.get(slot);
    if (n === NULL_CODE) return null;
    if (n !== 0) return mintId(this.prefix, n);
    return this.other.has(slot) ? this.other.get(slot) : ABSENT;
  }
  /** The counter at `slot` (0: not a minted id of this prefix). */
  counter(slot: number): number {
    const n = this.counters.get(slot);
    return n === NULL_CODE ? 0 : n;
  }
  set(slot: number, value: unknown): void {
    if (value === null) {
      this.other.delete(slot);
      this.counters.set(slot, NULL_CODE);
      return;
    }
    const n = mintedWith(this.prefix, value);
    if (n > 0 || value === ABSENT) this.other.delete(slot);
    else this.other.set(slot, value);
    this.counters.set(slot, n > 0 ? n : 0);
  }
  misfit(rows: number): boolean {
    return tooManyOthers(this.other, rows);
  }
  finish(rows: number): void {
    this.counters.trim(rows);
  }
}

/**
 * Strings that rarely repeat, as UTF-8 bytes one after another (`starts[i]`..`starts[i + 1]`). A
 * value that is not a string, or a slot written again, is kept in `other`.
 */
class BytesColumn implements Column {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private starts = new Uint32Array(257);
  private count = 0;
  private ascii = true;
  private readonly other = new Map<number, unknown>();
  get(slot: number): unknown {
    if (this.other.size && this.other.has(slot)) return this.other.get(slot);
    if (slot >= this.count) return ABSENT;
    const a = this.starts[slot]!;
    const b = this.starts[slot + 1]!;
    return this.bytes.toString(this.ascii ? 'latin1' : 'utf8', a, b);
  }
  set(slot: number, value: unknown): void {
    while (this.count < slot) this.append(this.count, ABSENT); // rows without this field
    if (slot < this.count || typeof value !== 'string') {
      if (slot === this.count) this.append(slot, '');
      this.other.set(slot, value);
      return;
    }
    this.append(slot, value);
  }
  private append(slot: number, value: unknown): void {
    if (typeof value !== 'string') this.other.set(slot, value);
    const text = typeof value === 'string' ? value : '';
    const need = this.used + text.length * 3;
    if (need > 0xffffffff) throw new Error('a column of more than 4 GB of text');
    if (need > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    let n = this.bytes.write(text, this.used, 'utf8');
    if (n !== text.length && this.bytes.toString('utf8', this.used, this.used + n) !== text) {
      // Not UTF-8 text (a lone surrogate would come back as U+FFFD): kept as it is.
      this.other.set(slot, text);
      n = 0;
    } else if (n !== text.length) this.ascii = false;
    this.used += n;
    if (slot + 2 > this.starts.length) {
      const next = new Uint32Array(this.starts.length * 2);
      next.set(this.starts);
      this.starts = next;
    }
    this.starts[slot + 1] = this.used;
    this.count = slot + 1;
  }
  misfit(rows: number): boolean {
    return tooManyOthers(this.other, rows);
  }
  finish(rows: number): void {
    while (this.count < rows) this.append(this.count, ABSENT);
    this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
    this.starts = this.starts.slice(0, this.count + 1);
  }
}

/** Anything: one slot per row (an unset slot is ABSENT). */
class PlainColumn implements Column {
  private values: unknown[] = [];
  get(slot: number): unknown {
    const v = this.values[slot];
    return v === undefined ? ABSENT : v;
  }
  set(slot: number, value: unknown): void {
    while (this.values.length < slot) this.values.push(undefined);
    this.values[slot] = value;
  }
  misfit(): boolean {
    return false;
  }
  finish(rows: number): void {
    while (this.values.length < rows) this.values.push(undefined);
  }
}

/** The kind that holds `values` best: minted ids of one prefix, else strings, else anything. */
function fittingColumn(values: Iterable<unknown>, rows: number): Column {
  let prefix: string | undefined;
  let notMinted = 0;
  let notString = 0;
  for (const v of values) {
    if (v === null || v === ABSENT) continue;
    if (typeof v !== 'string') notString++;
    prefix ??= typeof v === 'string' ? v.slice(0, 3) : undefined;
    if (prefix === undefined || mintedWith(prefix, v) < 0) notMinted++;
  }
  if (prefix !== undefined && notMinted * 8 <= rows) return new MintedColumn(prefix);
  if (notString * 8 <= rows) return new BytesColumn();
  return new PlainColumn();
}

const readOnly = (): never => {
  throw new TypeError('a stored row is read-only: write a new row object instead');
};

/** The rows of one table, column by column; built by ColumnBuilder, never changed after. */
export class ColumnBlock {
  private readonly handles: Array<Row | undefined>;
  private lastSlot = -1;
  private lastField: string | symbol = '';
  private lastValue: unknown;
  private readonly handler: ProxyHandler<{ s: number }>;

  constructor(
    readonly length: number,
    private readonly columns: Map<string, Column>,
    private readonly shapes: { codes: Codes; keys: string[][] },
    private readonly ids: IdIndex,
  ) {
    this.handles = new Array<Row | undefined>(length);
    const proto = Object.prototype as unknown as Record<PropertyKey, unknown>;
    this.handler = {
      get: (t, p) => {
        // A filter often reads one field of a row many times over (LIKE terms ORed): decoded once.
        if (t.s === this.lastSlot && p === this.lastField) return this.lastValue;
        const c = typeof p === 'string' ? this.columns.get(p) : undefined;
        const v = c ? c.get(t.s) : ABSENT;
        if (v === ABSENT) return proto[p];
        this.lastSlot = t.s;
        this.lastField = p;
        return (this.lastValue = v);
      },
      has: (t, p) => (typeof p === 'string' && this.has(t.s, p)) || p in proto,
      ownKeys: (t) => this.keys(t.s),
      getOwnPropertyDescriptor: (t, p) =>
        typeof p === 'string' && this.has(t.s, p)
          ? { value: this.value(t.s, p), writable: true, enumerable: true, configurable: true }
          : undefined,
      set: readOnly,
      defineProperty: readOnly,
      deleteProperty: readOnly,
      setPrototypeOf: readOnly,
      preventExtensions: readOnly,
    };
  }

  /** The row at `slot`: always the same object for the same slot. */
  row(slot: number): Row {
    return (this.handles[slot] ??= new Proxy({ s: slot }, this.handler) as unknown as Row);
  }

  value(slot: number, field: string): unknown {
    const c = this.columns.get(field);
    const v = c ? c.get(slot) : ABSENT;
    return v === ABSENT ? undefined : v;
  }

  private has(slot: number, field: string): boolean {
    const c = this.columns.get(field);
    return c !== undefined && c.get(slot) !== ABSENT;
  }

  /** The row's field names, in the order its line had them. */
  keys(slot: number): string[] {
    return this.shapes.keys[this.shapes.codes.get(slot)]!;
  }

  /** The slot of the row with this id (15 or 18 characters), or -1. */
  slotOf(id: string): number {
    return this.ids.slotOf(id);
  }

  /** The 15-character key of the row at `slot`. */
  key(slot: number): string {
    return String(this.value(slot, 'Id')).slice(0, 15);
  }
}

/**
 * Where each id's row is. In a big table, minted ids in ascending order (as a seed and most writes
 * insert them) are found by binary search in the Id column's counters, costing no memory; any other
 * id, and every id of a small table (looked up by every row of a big one that names it), in `other`.
 */
class IdIndex {
  /** Slots 0..ascending-1 hold minted ids of `minted`'s prefix in ascending counter order. */
  ascending = 0;
  readonly other = new Map<string, number>();
  constructor(readonly minted: MintedColumn | undefined) {}

  /** A table of up to this many rows finds every id in `other`. */
  static readonly SMALL = 50_000;

  finish(): void {
    if (!this.minted || this.ascending === 0 || this.ascending > IdIndex.SMALL) return;
    for (let slot = 0; slot < this.ascending; slot++)
      this.other.set(mintId(this.minted.prefix, this.minted.counter(slot)).slice(0, 15), slot);
    this.ascending = 0;
  }

  slotOf(id: string): number {
    const found = this.other.get(id.length === 15 ? id : id.slice(0, 15));
    if (found !== undefined) return found;
    const column = this.minted;
    if (!column || this.ascending === 0 || id.length < 15) return -1;
    const n = counterOf(column.prefix, id);
    if (n < 0) return -1;
    let lo = 0;
    let hi = this.ascending - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = column.counter(mid);
      if (c === n) return mid;
      if (c < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Builds a ColumnBlock from the chunks of a snapshot's lines, one after another. A row whose id came
 * before is written over its first slot (as a Map keeps a key's first place and last value).
 */
export class ColumnBuilder {
  private rows = 0;
  private readonly columns = new Map<string, Column>();
  private readonly shapeCodes = new Codes();
  private readonly shapeKeys: string[][] = [];
  private readonly shapeIds = new Map<string, number>();
  /** Per shape, its keys' columns (dropped when a column is added or replaced). */
  private shapeColumns: Array<Column[] | undefined> = [];
  private ids: IdIndex | undefined;
  private lastCounter = 0;

  /**
   * The rows of one chunk of a snapshot line (codec.ts: field names once, a column per field, plain or
   * a dictionary and indexes), without making a row object of each.
   */
  appendChunk(
    keys: readonly string[],
    chunk: ReadonlyArray<unknown[] | { d: unknown[]; i: number[] }>,
  ): void {
    const first = chunk[0];
    const n = first === undefined ? 0 : Array.isArray(first) ? first.length : first.i.length;
    const before = this.rows;
    const idAt = keys.indexOf('Id');
    const idColumn = chunk[idAt];
    if (!idColumn) throw new Error('a snapshot line without an Id column');
    const slots = new Array<number>(n);
    const again: number[] = [];
    for (let r = 0; r < n; r++) {
      const id = Array.isArray(idColumn) ? idColumn[r] : idColumn.d[idColumn.i[r]!];
      const [slot, written] = this.slotFor(String(id));
      slots[r] = slot;
      if (written) again.push(slot);
    }
    const shape = this.shapeCode([...keys]);
    for (let r = 0; r < n; r++) this.shapeCodes.set(slots[r]!, shape);
    const columns = this.columnsOf(shape);
    for (let j = 0; j < keys.length; j++) {
      const column = columns[j]!;
      const values = chunk[j]!;
      if (Array.isArray(values)) for (let r = 0; r < n; r++) column.set(slots[r]!, values[r] ?? null);
      else if (column instanceof DictColumn) {
        // Each of the chunk's distinct values looked up once, not once a row.
        const codes = values.d.map((v) => column.code(v ?? null));
        for (let r = 0; r < n; r++) column.setCode(slots[r]!, codes[values.i[r]!]!);
      } else for (let r = 0; r < n; r++) column.set(slots[r]!, values.d[values.i[r]!] ?? null);
    }
    for (const slot of again) this.clearAbsent(slot, keys);
    if (before >>> 14 !== this.rows >>> 14) this.refit();
  }

  /** The slot of the row with this id, and whether a row before had it (it is written again). */
  private slotFor(id: string): [number, boolean] {
    if (!this.ids) {
      const idColumn = fittingColumn([id], 1);
      this.ids = new IdIndex(idColumn instanceof MintedColumn ? idColumn : undefined);
      this.columns.set('Id', idColumn);
    }
    const ids = this.ids;
    const n = ids.minted ? mintedWith(ids.minted.prefix, id) : -1;
    if (n > this.lastCounter && ids.ascending === this.rows) {
      this.lastCounter = n;
      ids.ascending++;
      return [this.rows++, false];
    }
    const slot = ids.slotOf(id);
    if (slot >= 0) return [slot, true];
    ids.other.set(id.slice(0, 15), this.rows);
    return [this.rows++, false];
  }

  /** A row written again: a field it had before but not now is gone. */
  private clearAbsent(slot: number, keys: readonly string[]): void {
    for (const [key, c] of this.columns) if (!keys.includes(key)) c.set(slot, ABSENT);
  }

  private columnsOf(shape: number): Column[] {
    return (this.shapeColumns[shape] ??= this.shapeKeys[shape]!.map((key) => this.column(key)));
  }

  private shapeCode(keys: string[]): number {
    const name = keys.join('\u0000');
    let code = this.shapeIds.get(name);
    if (code === undefined) {
      code = this.shapeKeys.length;
      this.shapeKeys.push(keys);
      this.shapeIds.set(name, code);
    }
    return code;
  }

  private column(key: string): Column {
    let c = this.columns.get(key);
    if (!c) {
      this.columns.set(key, (c = new DictColumn()));
      this.shapeColumns = [];
    }
    return c;
  }

  /** Move each column that no longer fits its kind to one that does (dictionary → ids or text → anything). */
  private refit(): void {
    for (const [key, c] of this.columns) {
      if (key === 'Id' || !c.misfit(this.rows)) continue;
      let next: Column = new PlainColumn();
      if (c instanceof DictColumn) next = fittingColumn(c.values, this.rows);
      else if (c instanceof MintedColumn) {
        // Too many values that aren't its prefix's ids: text if they are text.
        const fit = fittingColumn(
          Array.from({ length: this.rows }, (_, i) => c.get(i)),
          this.rows,
        );
        if (!(fit instanceof PlainColumn)) next = new BytesColumn();
      }
      for (let i = 0; i < this.rows; i++) next.set(i, c.get(i));
      this.columns.set(key, next);
      this.shapeColumns = [];
    }
  }

  finish(): ColumnBlock {
    this.refit();
    this.ids?.finish();
    for (const c of this.columns.values()) c.finish(this.rows);
    this.shapeCodes.trim(this.rows);
    return new ColumnBlock(
      this.rows,
      this.columns,
      { codes: this.shapeCodes, keys: this.shapeKeys },
      this.ids ?? new IdIndex(undefined),
    );
  }
}
