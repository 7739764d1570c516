// The rows of one sObject in one org, keyed by the 15-character id (so 15- and
// 18-character ids find the same row), with equality indexes on chosen fields. Rows read from the
// snapshot are held column by column (a ColumnBlock); rows written since, as plain objects beside it.
import type { Row } from '../schema/types';
import { ColumnBuilder } from './columns';
import type { ColumnBlock } from './columns';

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

/** Reads a table's rows from the snapshot into `into`; throws if the file is damaged. */
export type TableLoader = (into: ColumnBuilder) => void;
/**
 * The same read in slices that let the event loop run between them; `wanted` says whether the read
 * is still wanted (not done otherwise, nor moved to a new snapshot): when it isn't, it stops.
 */
export type AsyncTableLoader = (into: ColumnBuilder, wanted: () => boolean) => Promise<void>;

export class Table {
  /** Rows written since the block was read (all rows, when there is no block), by 15-character id. */
  private map = new Map<string, Row>();
  /** The rows read from the snapshot. */
  private block: ColumnBlock | undefined;
  /** The block's slots whose row was written again or taken out since (its row, if any, is in `map`). */
  private dead: Uint8Array | undefined;
  /**
   * The table's rows in the snapshot, not read yet: a table is read on its first use, so a start
   * costs only the tables something uses. Writes replayed from journals (or made) meanwhile wait in
   * `pending` and are applied over the snapshot's rows, in order, when it is read.
   */
  private loader: TableLoader | undefined;
  private asyncLoader: AsyncTableLoader | undefined;
  /** The read in slices under way (`loadAsync`). */
  private loading: Promise<void> | undefined;
  private pending: Row[] = [];
  // A key maps to one row, or to a Set when several rows share it (saves a Set per unique value).
  // An index is built on its first lookup, not while the store replays: opening a 100,000-license
  // store then costs only the rows, and indexes nobody queries cost nothing.
  private readonly indexes = new Map<
    string,
    { spec: IndexSpec; map: Map<unknown, Row | Set<Row>> | undefined }
  >();

  constructor(specs: IndexSpec[]) {
    // Id needs no index: rows are keyed by it.
    for (const spec of specs)
      if (spec.field !== 'Id') this.indexes.set(spec.field.toLowerCase(), { spec, map: undefined });
  }

  /** How many rows the table holds, deleted ones included (reads the snapshot's rows first if not yet read). */
  get size(): number {
    return this.list().length;
  }

  /** Whether rows read from the snapshot are held column by column. */
  get columnar(): boolean {
    return this.block !== undefined;
  }

  /** Whether the table still waits to be read from the snapshot. */
  get deferred(): boolean {
    return this.loader !== undefined;
  }

  /** Rows written since the snapshot that `defer` names, not yet applied (for compaction). */
  pendingRows(): readonly Row[] {
    return this.pending;
  }

  /** Read the rows from `loader` on first use; `pending` rows (already in it) are dropped. */
  defer(loader: TableLoader, keepPending = false, asyncLoader?: AsyncTableLoader): void {
    this.loader = loader;
    this.asyncLoader = asyncLoader;
    if (!keepPending) this.pending = [];
  }

  /**
   * Read the table's rows from the snapshot now, if they weren't yet. A read in slices under way
   * (`loadAsync`) is overtaken: this one reads the table whole, at once.
   */
  load(): void {
    const loader = this.loader;
    if (!loader) return;
    const block = new ColumnBuilder();
    loader(block); // throws: tried again on the next use
    this.loaded(block.finish());
  }

  /**
   * Read the table's rows without holding the event loop: in slices, between which other work runs.
   * Resolves once they are read (at once if they were); the table's other methods, called meanwhile,
   * read it whole at once (`load`). Fails as `load` does on damage, and the next use tries again.
   */
  loadAsync(): Promise<void> {
    if (!this.loader) return Promise.resolve();
    if (!this.asyncLoader) {
      try {
        this.load();
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    return (this.loading ??= this.readInSlices(this.loader, this.asyncLoader));
  }

  private async readInSlices(loader: TableLoader, asyncLoader: AsyncTableLoader): Promise<void> {
    const block = new ColumnBuilder();
    const wanted = (): boolean => this.loader === loader;
    try {
      await asyncLoader(block, wanted);
    } catch (e) {
      if (wanted()) throw e;
    } finally {
      this.loading = undefined;
    }
    // Read whole meanwhile, or moved to a new snapshot by a compaction (then read from there).
    if (!wanted()) return this.loadAsync();
    this.loaded(block.finish());
  }

  /** Whether the table holds no row, read or pending (a deferred table counts as not empty). */
  get empty(): boolean {
    return !this.loader && !this.block && this.map.size === 0 && this.pending.length === 0;
  }

  /**
   * Fill an empty table with rows built column by column (a seed's bulk write, from the lines it
   * wrote to the snapshot): the table then holds them as it would once read from there.
   */
  fill(block: ColumnBlock): void {
    if (!this.empty) throw new Error('only an empty table is filled with a block');
    this.loaded(block);
    this.all = undefined;
    this.live = undefined;
    this.changeCount++;
  }

  private loaded(block: ColumnBlock): void {
    this.map = new Map();
    this.block = block.length ? block : undefined;
    this.dead = undefined;
    for (const index of this.indexes.values()) index.map = undefined;
    this.loader = undefined;
    this.asyncLoader = undefined;
    const pending = this.pending;
    this.pending = [];
    for (const row of pending) this.put(row);
  }

  private all: Row[] | undefined;
  private live: Row[] | undefined;
  private changeCount = 0;

  /**
   * How many writes changed the table's rows in memory: compaction copies a table whose count is the
   * same as when it last wrote it, instead of encoding its rows again.
   */
  get changes(): number {
    return this.changeCount;
  }

  /**
   * Every row as an array, cached until the next write. Scans read these arrays instead of the Map,
   * and the live list spares each query reading IsDeleted on 100,000 rows of different shapes.
   */
  list(): readonly Row[] {
    this.load();
    return (this.all ??= this.allRows());
  }

  /** The block's rows in their order (each written one in its place), then the rows added since. */
  private allRows(): Row[] {
    const block = this.block;
    if (!block) return [...this.map.values()];
    const out: Row[] = [];
    const dead = this.dead;
    for (let slot = 0; slot < block.length; slot++) {
      if (!dead?.[slot]) out.push(block.row(slot));
      else {
        const written = this.map.get(block.key(slot));
        if (written) out.push(written);
      }
    }
    for (const [key, row] of this.map) if (block.slotOf(key) < 0) out.push(row);
    return out;
  }

  /** The rows not deleted (soft delete keeps deleted rows for queryAll). */
  liveList(): readonly Row[] {
    this.load();
    return (this.live ??= this.list().filter((row) => row.IsDeleted !== true));
  }

  get(id: string): Row | undefined {
    if (this.loader) this.load();
    const key = id.length === 15 ? id : id.slice(0, 15);
    const row = this.map.get(key);
    if (row || !this.block) return row;
    const slot = this.block.slotOf(key);
    return slot >= 0 && !this.dead?.[slot] ? this.block.row(slot) : undefined;
  }

  /**
   * Whether the row with this id is there and not deleted: `get(id)?.IsDeleted !== true` without
   * making a view of a block's row (a seed checks a million parents this way).
   */
  holdsLive(id: string): boolean {
    if (this.loader) this.load();
    const key = id.length === 15 ? id : id.slice(0, 15);
    const row = this.map.get(key);
    if (row || !this.block) return row !== undefined && row.IsDeleted !== true;
    const slot = this.block.slotOf(key);
    return slot >= 0 && !this.dead?.[slot] && this.block.value(slot, 'IsDeleted') !== true;
  }

  /** The block's row with this key is no longer its row (written again or taken out). */
  private retire(key: string): void {
    const slot = this.block ? this.block.slotOf(key) : -1;
    if (slot < 0) return;
    (this.dead ??= new Uint8Array(this.block!.length))[slot] = 1;
  }

  hasIndex(field: string): boolean {
    return this.indexes.has(field.toLowerCase());
  }

  /** Rows whose field may equal `value`; undefined when the field isn't indexed. */
  lookup(field: string, value: unknown): ReadonlySet<Row> | undefined {
    const index = this.indexes.get(field.toLowerCase());
    if (!index) return undefined;
    this.load();
    if (!index.map) {
      index.map = new Map();
      for (const row of this.list()) addRow(index.map, index.spec, row[index.spec.field], row);
    }
    const hit = index.map.get(indexKey(value, index.spec.idLike));
    return hit === undefined ? new Set() : hit instanceof Set ? hit : new Set([hit]);
  }

  put(row: Row): void {
    if (this.loader) {
      this.pending.push(row);
      return;
    }
    const key = String(row.Id).slice(0, 15);
    const old = this.block ? this.get(key) : this.map.get(key);
    if (this.indexes.size)
      for (const { spec, map } of this.indexes.values()) {
        if (!map) continue;
        if (old) removeRow(map, spec, old[spec.field], old);
        addRow(map, spec, row[spec.field], row);
      }
    if (old && !this.map.has(key)) this.retire(key);
    this.map.set(key, row);
    this.all = undefined;
    this.live = undefined;
    this.changeCount++;
  }

  /** Take a row out again (a rolled-back create): it leaves no trace, not even for queryAll. */
  remove(id: string): void {
    this.load();
    const key = id.slice(0, 15);
    const old = this.get(key);
    if (!old) return;
    for (const { spec, map } of this.indexes.values()) if (map) removeRow(map, spec, old[spec.field], old);
    if (!this.map.delete(key)) this.retire(key);
    this.all = undefined;
    this.live = undefined;
    this.changeCount++;
  }
}

function addRow(map: Map<unknown, Row | Set<Row>>, spec: IndexSpec, value: unknown, row: Row): void {
  if (value == null) return;
  const k = indexKey(value, spec.idLike);
  const hit = map.get(k);
  if (hit === undefined) map.set(k, row);
  else if (hit instanceof Set) hit.add(row);
  else if (hit !== row) map.set(k, new Set([hit, row]));
}

function removeRow(map: Map<unknown, Row | Set<Row>>, spec: IndexSpec, value: unknown, row: Row): void {
  if (value == null) return;
  const k = indexKey(value, spec.idLike);
  const hit = map.get(k);
  if (hit === row) map.delete(k);
  else if (hit instanceof Set) hit.delete(row);
}
