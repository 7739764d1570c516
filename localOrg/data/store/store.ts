// Many orgs' records in one store. Durable mode: every acknowledged write is a
// fsynced journal line (a line holds a whole batch, so a batch is all or
// nothing); opening replays snapshot + journals; compaction writes a snapshot
// to a temp file, fsyncs, renames it over the old one, then drops old journals.
//
// Files: snapshot.jsonl (header {gen}, then rows), journal-<gen>.jsonl. The
// snapshot of generation G holds everything in journals before G, so a crash
// between any two steps leaves a readable, complete state.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import { mintedCounter } from '../ids';
import type { Row } from '../schema/types';
import { JournalWriter, encodeLine, fsyncDir, readLines, scanLines } from './journal';
import { Table } from './table';
import { decodeChunks, encodeOps, encodeRows, forEachChunk } from './codec';
import { ColumnBuilder } from './columns';
import type { PutOp } from './codec';
import type { IndexSpec } from './table';

/** A whole-row write: the row replaces any row with the same id in (org, sobject). */
export type { PutOp };

export interface StoreOptions {
  /** Directory for durable files; omit for an in-memory store. */
  dir?: string;
  /** Equality indexes per sObject (canonical name). */
  indexes?: (sobject: string) => IndexSpec[];
  /** Compact when the journal grows past this many bytes (default 64 MiB). */
  compactBytes?: number;
  /** Told what a start repaired (a trimmed torn tail); default: standard error. */
  warn?: (message: string) => void;
  /**
   * A bulk write of at least this many rows (a seed's table) goes straight into a new snapshot
   * instead of the journal (default 10,000): its rows are encoded once, not once for the journal
   * and again by the compaction that the journal's growth soon causes.
   */
  bulkSnapshotRows?: number;
  /**
   * How a table read in slices (`Table.loadAsync`) lets other work run between slices of about
   * `ms` milliseconds (default: the event loop's next turn, every 20 ms; at least a line a slice).
   */
  readSlices?: { ms?: number; pause?: () => Promise<void> };
}

const SNAPSHOT = 'snapshot.jsonl';
/**
 * Snapshot format: a header line {v, gen, counter, tables}; then, per table, a line {o, t, lines}
 * followed by that many lines of its rows. Older snapshots (header {gen}, rows of any table on any
 * line) are read whole once and rewritten.
 */
const SNAPSHOT_VERSION = 2;
interface SnapshotHeader {
  v?: number;
  gen: number;
  /** The highest id counter minted (ids of tables not read yet must not be minted again). */
  counter: number;
  tables: number;
}
/** The rows of a bulk write into an empty table, made a batch at a time (`Store.writeBulkBatches`). */
interface BulkBatches {
  table: Table;
  count: number;
  next: (batch: Row[], max: number) => void;
}
/** A table's lines in the open snapshot. */
interface Segment {
  file: { fd: number };
  offset: number;
  length: number;
  lines: number;
}
const ROWS_PER_LINE = 1000;
const journalName = (gen: number): string => `journal-${String(gen).padStart(8, '0')}.jsonl`;

/** Where a transaction (or a savepoint in it) began. */
export interface Savepoint {
  readonly outer: boolean;
  readonly ops: number;
  readonly undo: number;
  readonly effects: number;
  readonly undoEffects: number;
}

/** The open transaction: its writes are in memory but not yet in the journal. */
interface Transaction {
  /** Marks the async context that owns it (`Store.owns`): writes from any other context wait. */
  readonly token: object;
  ops: PutOp[];
  /** Each touched row as it was before (undefined: it did not exist), oldest first. */
  undo: Array<[Table, string, Row | undefined]>;
  /** Side effects outside the store, started only once the transaction commits. */
  effects: Array<() => void>;
  /** How to take back changes outside the store (the world's state) if it rolls back. */
  undoEffects: Array<() => void>;
}

export class Store {
  private readonly orgs = new Map<string, Map<string, Table>>();
  private readonly indexSpecs: (sobject: string) => IndexSpec[];
  private readonly dir: string | undefined;
  private readonly compactBytes: number;
  private journal: JournalWriter | undefined;
  private gen = 0;
  private counter = 0;
  private tx: Transaction | undefined;
  private readonly context = new AsyncLocalStorage<object>();
  /** Resolved when the open transaction ends: writers from other async contexts wait for it. */
  private waiters: Array<() => void> = [];

  constructor(options: StoreOptions) {
    this.dir = options.dir;
    this.indexSpecs = options.indexes ?? (() => [{ field: 'Id', idLike: true }]);
    this.compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
    this.bulkSnapshotRows = options.bulkSnapshotRows ?? 10_000;
    this.sliceMs = options.readSlices?.ms ?? 20;
    this.pause = options.readSlices?.pause ?? (() => nextTurn());
    this.warn = options.warn ?? ((m) => process.stderr.write(`${m}\n`));
  }

  private readonly warn: (message: string) => void;
  private readonly bulkSnapshotRows: number;
  private readonly sliceMs: number;
  private readonly pause: () => Promise<void>;

  /** Load snapshot and journals (durable mode). */
  open(): void {
    if (!this.dir) return;
    // Private to the user (the world's tokens share this folder); folders of older versions were 0755.
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(this.dir, 0o700);
    for (const f of fs.readdirSync(this.dir)) {
      if (/\.jsonl$|^world\.json$/.test(f)) fs.chmodSync(path.join(this.dir, f), 0o600);
    }
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith('.tmp')) fs.rmSync(path.join(this.dir, f));
    const converted = this.openSnapshot(path.join(this.dir, SNAPSHOT));
    const journals = fs
      .readdirSync(this.dir)
      .filter((f) => /^journal-\d+\.jsonl$/.test(f))
      .map((f) => Number(f.slice(8, 16)))
      .filter((g) => g >= this.gen)
      .sort((a, b) => a - b);
    for (const g of journals) {
      const file = path.join(this.dir, journalName(g));
      const { validBytes, totalBytes } = readLines(file, (line) =>
        decodeChunks(line, (o, t, row) => this.applyRow(o, t, row)),
      );
      if (validBytes < totalBytes) {
        // A crash can tear only the write in progress: the last line of the newest journal, cut
        // before its newline. A bad line that ends in its newline was written whole (and may have
        // been acknowledged), and no write goes to a journal once a newer one exists: either is
        // damage, and trimming it would silently drop acknowledged writes.
        const torn = g === journals.at(-1) && !hasNewline(file, validBytes, totalBytes);
        if (!torn) throw damaged(file, validBytes, totalBytes);
        // Drop a torn tail so later appends start on a clean line.
        fs.truncateSync(file, validBytes);
        this.warn(
          `${file}: trimmed ${totalBytes - validBytes} bytes of an incomplete last write at offset ` +
            `${validBytes} (a crash before it was acknowledged).`,
        );
      }
      this.gen = g;
    }
    this.journal = new JournalWriter(path.join(this.dir, journalName(this.gen)));
    if (converted) {
      // Read once in the older format (every row replayed); from now on in the current one.
      this.compact();
      this.warn(`${path.join(this.dir, SNAPSHOT)}: rewritten in the current snapshot format.`);
    }
  }

  /**
   * Check the snapshot's every line and note where each table's rows are, without decoding them: a
   * table is read on first use (`Table.load`). The snapshot is fsynced before it is renamed into
   * place, so any bad or missing line is damage (never a crash's torn write): the start stops.
   * Returns true when the snapshot is in the older format (read whole here; to be rewritten).
   */
  private openSnapshot(file: string): boolean {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    let keep = false;
    try {
      const totalBytes = fs.fstatSync(fd).size;
      let header: SnapshotHeader | undefined;
      let older = false;
      // The table whose lines come next, and how many of its lines are still to come.
      let table: { org: string; sobject: string; lines: number; offset: number; seen: number } | undefined;
      let tables = 0;
      const file0 = { fd };
      const validBytes = scanLines(fd, 0, totalBytes, (body, offset) => {
        if (!header && !older) {
          const value = parseJson(body) as SnapshotHeader | undefined;
          if (!value || typeof value !== 'object' || typeof value.gen !== 'number') return false;
          if (value.v === undefined) older = true;
          else if (value.v !== SNAPSHOT_VERSION) throw newerFormat(file, value.v);
          else header = value;
          this.gen = value.gen;
          return true;
        }
        if (older) {
          const value = parseJson(body);
          if (!Array.isArray(value)) return false;
          decodeChunks(value, (o, t, row) => this.applyRow(o, t, row));
          return true;
        }
        if (table && table.seen < table.lines) {
          table.seen++;
          return true;
        }
        if (table) this.deferTable(file0, table, offset);
        const value = parseJson(body) as { o?: unknown; t?: unknown; lines?: unknown } | undefined;
        if (!value || typeof value.o !== 'string' || typeof value.t !== 'string') return false;
        if (typeof value.lines !== 'number') return false;
        table = {
          org: value.o,
          sobject: value.t,
          lines: value.lines,
          offset: offset + body.length + 10,
          seen: 0,
        };
        tables++;
        return true;
      });
      if (validBytes < totalBytes)
        throw older
          ? damaged(file, validBytes, totalBytes)
          : damagedSnapshot(file, validBytes, totalBytes, true);
      if (older) return true;
      if (!header) throw cutShort(file, totalBytes, 'its header');
      if (table && table.seen < table.lines)
        throw cutShort(file, totalBytes, `${table.lines - table.seen} more lines of ${table.sobject}`);
      if (table) this.deferTable(file0, table, totalBytes);
      if (tables < header.tables) throw cutShort(file, totalBytes, `${header.tables - tables} more tables`);
      this.counter = Math.max(this.counter, header.counter);
      this.snapshotFile = file0;
      keep = true;
      return false;
    } finally {
      if (!keep) fs.closeSync(fd);
    }
  }

  /** The open snapshot (deferred tables read their rows from it); replaced by each compaction. */
  private snapshotFile: { fd: number } | undefined;
  /** Where each deferred table's lines are in the open snapshot. */
  private readonly segments = new Map<Table, Segment>();
  /**
   * Where each table read (or written) whole is in the open snapshot, with its `Table.changes` then:
   * while that count holds, the lines there are still its rows, and compaction copies them.
   */
  private readonly clean = new Map<Table, { segment: Segment; changes: number }>();

  private deferTable(
    file: { fd: number },
    t: { org: string; sobject: string; lines: number; offset: number },
    end: number,
  ): void {
    const table = this.table(t.org, t.sobject);
    if (t.lines === 0) return;
    const segment = { file, offset: t.offset, length: end - t.offset, lines: t.lines };
    this.segments.set(table, segment);
    table.defer(
      (into) => this.readSegment(segment, into),
      true,
      (into, wanted) => this.readSegmentInSlices(segment, into, wanted),
    );
  }

  /** Decode a table's lines from the snapshot (checking each again: the file may have changed since). */
  private readSegment(segment: Segment, into: ColumnBuilder): void {
    const file = path.join(this.dir!, SNAPSHOT);
    if (segment.file.fd < 0)
      throw new Error(`${file}: the local org's store is closed; its tables can't be read.`);
    const end = segment.offset + segment.length;
    let lines = 0;
    const validBytes = scanLines(segment.file.fd, segment.offset, end, (body) => {
      const value = parseJson(body);
      if (!Array.isArray(value)) return false;
      forEachChunk(value, (keys, columns) => into.appendChunk(keys, columns));
      lines++;
      return true;
    });
    if (validBytes < end || lines !== segment.lines)
      throw damagedSnapshot(file, validBytes, fs.fstatSync(segment.file.fd).size, false);
    this.segmentRead(segment);
  }

  /**
   * `readSegment` in slices of about `sliceMs`, letting other work run between them (`pause`); stops
   * when the read is no longer `wanted` (the table was read whole meanwhile, or moved by a compaction).
   */
  private async readSegmentInSlices(
    segment: Segment,
    into: ColumnBuilder,
    wanted: () => boolean,
  ): Promise<void> {
    const file = path.join(this.dir!, SNAPSHOT);
    const end = segment.offset + segment.length;
    let lines = 0;
    let at = segment.offset;
    for (;;) {
      if (!wanted()) return;
      if (segment.file.fd < 0)
        throw new Error(`${file}: the local org's store is closed; its tables can't be read.`);
      const started = performance.now();
      let slice = 0;
      let paused = false;
      at = scanLines(segment.file.fd, at, end, (body) => {
        if (slice > 0 && performance.now() - started >= this.sliceMs) return !(paused = true);
        const value = parseJson(body);
        if (!Array.isArray(value)) return false;
        forEachChunk(value, (keys, columns) => into.appendChunk(keys, columns));
        lines++;
        slice++;
        return true;
      });
      if (!paused) break;
      await this.pause();
    }
    if (at < end || lines !== segment.lines)
      throw damagedSnapshot(file, at, fs.fstatSync(segment.file.fd).size, false);
    this.segmentRead(segment);
  }

  /** A segment's table is read: its rows are the segment's lines until its next change. */
  private segmentRead(segment: Segment): void {
    for (const [table, s] of this.segments)
      if (s === segment) {
        this.segments.delete(table);
        // Read, its rows are the segment's lines until its next change (pending rows are one).
        this.clean.set(table, { segment, changes: table.changes });
      }
  }

  get durable(): boolean {
    return this.dir !== undefined;
  }

  /** A fresh number for id minting, unique in this store. */
  nextCounter(): number {
    return ++this.counter;
  }

  table(org: string, sobject: string): Table {
    let tables = this.orgs.get(org);
    if (!tables) this.orgs.set(org, (tables = new Map()));
    let t = tables.get(sobject);
    if (!t) tables.set(sobject, (t = new Table(this.indexSpecs(sobject))));
    return t;
  }

  /** An org's tables by sObject (those used or in the snapshot). */
  tablesOf(org: string): ReadonlyMap<string, Table> {
    return this.orgs.get(org) ?? new Map();
  }

  orgIds(): string[] {
    return [...this.orgs.keys()];
  }

  /** Apply writes atomically and durably: returns after fsync. */
  write(ops: PutOp[]): void {
    if (ops.length === 0) return;
    if (this.tx) return this.writeInTransaction(ops);
    this.journal?.append([encodeLine(encodeOps(ops))]);
    this.applyInMemory(ops);
    this.maybeCompact();
  }

  /**
   * Many rows, one fsync: for seeds. Each line of rows is atomic on its own. At `bulkSnapshotRows`
   * rows or more, the rows go into a new snapshot (a compaction that adds them), all or nothing.
   */
  writeBulk(ops: PutOp[]): void {
    if (this.tx) return this.writeInTransaction(ops);
    if (this.journal && ops.length >= this.bulkSnapshotRows) {
      this.compact(ops);
      return;
    }
    if (this.journal) {
      const lines: string[] = [];
      for (let i = 0; i < ops.length; i += ROWS_PER_LINE)
        lines.push(encodeLine(encodeOps(ops.slice(i, i + ROWS_PER_LINE))));
      this.journal.append(lines);
    }
    this.applyInMemory(ops);
    this.maybeCompact();
  }

  /**
   * A bulk write of `count` new rows of one table, made a batch at a time while they are written:
   * `next(batch, max)` appends the next `max` rows to `batch` (fewer only once there are no more), and
   * the batch is encoded and dropped before the next is asked for, so a seed's million rows are never
   * held as objects at once. All or nothing, as `writeBulk`: if `next` throws, none of the rows is
   * kept, in memory or on disk. Into an empty table of a durable store, from `bulkSnapshotRows` rows
   * on and outside a transaction, the rows go straight into a new snapshot; otherwise they are all
   * made first and written as `writeBulk` writes them.
   */
  writeBulkBatches(
    org: string,
    sobject: string,
    count: number,
    next: (batch: Row[], max: number) => void,
  ): void {
    if (count <= 0) return;
    const existing = this.orgs.get(org)?.get(sobject);
    if (!this.journal || this.tx || count < this.bulkSnapshotRows || (existing && !existing.empty)) {
      const rows: Row[] = [];
      while (rows.length < count) {
        const before = rows.length;
        next(rows, count - before);
        if (rows.length === before) break;
      }
      this.writeBulk(rows.map((row): PutOp => ['p', org, sobject, row]));
      return;
    }
    this.compact([], { table: this.table(org, sobject), count, next });
  }

  /**
   * Start a transaction, or a savepoint inside the open one. Until the outermost `commit`, writes
   * change memory only; `commit` then journals them all as one checksummed line, so a crash leaves
   * all of them or none. Run the transaction's work through `runAs` so that its writes are told
   * from other requests': while it is open, their writes (and transactions) wait in `whenFree`,
   * so no other request's write lands in it or is undone by its rollback.
   */
  begin(): Savepoint {
    if (!this.tx) {
      this.tx = { token: {}, ops: [], undo: [], effects: [], undoEffects: [] };
      return { outer: true, ops: 0, undo: 0, effects: 0, undoEffects: 0 };
    }
    const tx = this.tx;
    return {
      outer: false,
      ops: tx.ops.length,
      undo: tx.undo.length,
      effects: tx.effects.length,
      undoEffects: tx.undoEffects.length,
    };
  }

  /** Run `fn` as the open transaction's own work (its writes join the transaction). */
  runAs<T>(fn: () => T): T {
    const tx = this.tx;
    return tx ? this.context.run(tx.token, fn) : fn();
  }

  /** Whether a transaction is open (owned by this async context or another). */
  get inTransaction(): boolean {
    return this.tx !== undefined;
  }

  /** Whether a transaction that this async context does not own is open: its writes must wait. */
  busyForOthers(): boolean {
    return this.tx !== undefined && this.context.getStore() !== this.tx.token;
  }

  /** Resolves once no transaction of another async context is open. */
  async whenFree(): Promise<void> {
    while (this.busyForOthers()) await new Promise<void>((r) => this.waiters.push(r));
  }

  /**
   * A side effect outside the store (an install starting, a timer): run now outside a transaction,
   * else once the transaction commits, never if it rolls back. It runs outside the transaction's
   * context, so whatever it starts writes as another request would.
   */
  afterCommit(effect: () => void): void {
    if (this.tx) this.tx.effects.push(effect);
    else effect();
  }

  /** How to take back a change outside the store if the open transaction rolls back. */
  onRollback(undo: () => void): void {
    this.tx?.undoEffects.push(undo);
  }

  /** Keep the writes since `sp`; the outermost commit makes them durable (one fsync). */
  commit(sp: Savepoint): void {
    const tx = this.tx;
    if (!tx || !sp.outer) return;
    this.tx = undefined;
    try {
      if (tx.ops.length > 0) this.journal?.append([encodeLine(encodeOps(tx.ops))]);
    } catch (e) {
      // Not on disk, so not in memory either: the caller reports the failure.
      this.undoTo(tx.undo, 0);
      this.undoEffectsTo(tx, 0);
      this.release();
      throw e;
    }
    this.release();
    this.maybeCompact();
    for (const effect of tx.effects) this.context.exit(effect);
  }

  /** Undo every write since `sp` in memory; nothing of it was journalled. */
  rollback(sp: Savepoint): void {
    const tx = this.tx;
    if (!tx) return;
    this.undoTo(tx.undo, sp.undo);
    this.undoEffectsTo(tx, sp.undoEffects);
    tx.ops.length = sp.ops;
    tx.effects.length = sp.effects;
    if (sp.outer) {
      this.tx = undefined;
      this.release();
    }
  }

  private undoEffectsTo(tx: Transaction, length: number): void {
    for (let i = tx.undoEffects.length - 1; i >= length; i--) this.context.exit(tx.undoEffects[i]!);
    tx.undoEffects.length = length;
  }

  /** Let the writers that waited for the transaction go on, in the order they came. */
  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private undoTo(undo: Array<[Table, string, Row | undefined]>, length: number): void {
    for (let i = undo.length - 1; i >= length; i--) {
      const [table, id, before] = undo[i]!;
      if (before) table.put(before);
      else table.remove(id);
    }
    undo.length = length;
  }

  private writeInTransaction(ops: PutOp[]): void {
    const tx = this.tx!;
    for (const op of ops) {
      const [, org, sobject, row] = op;
      const table = this.table(org, sobject);
      tx.undo.push([table, String(row.Id), table.get(String(row.Id))]);
      tx.ops.push(op);
      this.applyRow(org, sobject, row);
    }
  }

  /**
   * Rewrite the state as a snapshot and start a new journal. A table not read yet is copied from the
   * old snapshot as it is (its lines, then its pending rows), so compacting never reads it; so is a
   * table unchanged since it was read or last written. `extra` rows (a bulk write) follow their
   * table's lines and are applied in memory only once the snapshot is in place: if writing it
   * fails, none of them is kept.
   */
  compact(extra: PutOp[] = [], batches?: BulkBatches): void {
    // An open transaction's rows must not reach the snapshot before its commit.
    if (!this.dir || !this.journal || this.tx) {
      if (extra.length || batches)
        throw new Error('a bulk write into the snapshot needs a durable store and no transaction');
      return;
    }
    const dir = this.dir;
    const nextGen = this.gen + 1;
    this.journal.close();
    this.journal = new JournalWriter(path.join(dir, journalName(nextGen)));
    const tmp = path.join(dir, `${SNAPSHOT}.tmp`);
    const fd = fs.openSync(tmp, 'w', 0o600);
    const moved: Array<[Table, Segment]> = [];
    const written: Array<[Table, Segment]> = [];
    const file = { fd: -1 };
    // The extra rows by table (a table they create is made now, empty: harmless if this fails).
    const extraRows = new Map<Table, Row[]>();
    for (const [, org, sobject, row] of extra) {
      const table = this.table(org, sobject);
      let rows = extraRows.get(table);
      if (!rows) extraRows.set(table, (rows = []));
      rows.push(row);
    }
    // A table the extra rows fill from empty (a seed's) is built column by column from the very lines
    // written for it, as a restart would read them: no row object of it is kept, none applied one by one.
    const filled = new Map<Table, ColumnBuilder>();
    for (const table of extraRows.keys()) if (table.empty) filled.set(table, new ColumnBuilder());
    if (batches) filled.set(batches.table, new ColumnBuilder());
    let batchCounter = 0;
    try {
      let offset = 0;
      const write = (text: string | Buffer): void => {
        if (typeof text === 'string') {
          // Written as it is encoded (a line at a time, never a table's lines held at once).
          const bytes = Buffer.byteLength(text, 'utf8');
          const n = fs.writeSync(fd, text, null, 'utf8');
          offset += n;
          if (n < bytes) write(Buffer.from(text, 'utf8').subarray(n));
          return;
        }
        for (let off = 0; off < text.length;) off += fs.writeSync(fd, text, off);
        offset += text.length;
      };
      const all: Array<[string, string, Table]> = [];
      for (const [org, tables] of this.orgs)
        for (const [sobject, table] of tables) all.push([org, sobject, table]);
      const header: SnapshotHeader = {
        v: SNAPSHOT_VERSION,
        gen: nextGen,
        counter: this.counter,
        tables: all.length,
      };
      write(encodeLine(header));
      for (const [org, sobject, table] of all) {
        const added = extraRows.get(table) ?? [];
        const deferred = table.deferred ? this.segments.get(table) : undefined;
        const clean = table.deferred ? undefined : this.clean.get(table);
        const segment = deferred ?? (clean && clean.changes === table.changes ? clean.segment : undefined);
        const kept = deferred ? table.pendingRows() : segment ? [] : table.list();
        const rows = added.length ? kept.concat(added) : kept;
        const made = batches?.table === table ? batches.count : 0;
        const lines = Math.ceil(rows.length / ROWS_PER_LINE) + Math.ceil(made / ROWS_PER_LINE);
        write(encodeLine({ o: org, t: sobject, lines: (segment?.lines ?? 0) + lines }));
        const start = offset;
        if (segment) copyBytes(segment.file.fd, segment.offset, segment.length, write);
        const into = filled.get(table);
        for (let i = 0; i < rows.length; i += ROWS_PER_LINE) {
          const chunks = encodeRows(org, sobject, rows, i, Math.min(rows.length, i + ROWS_PER_LINE));
          write(encodeLine(chunks));
          if (into) for (const chunk of chunks) into.appendChunk(chunk.k, chunk.c);
        }
        for (let done = 0; done < made;) {
          // The batch's rows are encoded, built into the table's columns, and no longer kept.
          const max = Math.min(ROWS_PER_LINE, made - done);
          const batch: Row[] = [];
          batches!.next(batch, max);
          if (batch.length !== max)
            throw new Error(`a bulk write of ${made} rows was given ${done + batch.length} or more`);
          const chunks = encodeRows(org, sobject, batch, 0, max);
          write(encodeLine(chunks));
          for (const chunk of chunks) into!.appendChunk(chunk.k, chunk.c);
          for (const row of batch) batchCounter = Math.max(batchCounter, mintedCounter(String(row.Id)));
          done += max;
        }
        const now = {
          file,
          offset: start,
          length: offset - start,
          lines: (segment?.lines ?? 0) + lines,
        };
        (deferred ? moved : written).push([table, now]);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(dir, SNAPSHOT));
    fsyncDir(dir);
    // Deferred tables now read from the new snapshot: their pending rows are in it.
    file.fd = fs.openSync(path.join(dir, SNAPSHOT), 'r');
    const old = this.snapshotFile;
    this.snapshotFile = file;
    this.segments.clear();
    this.clean.clear();
    // The bulk write is in the snapshot: now in memory too (a deferred table's pending rows are
    // dropped just below, being in its new lines).
    for (const [table, into] of filled) table.fill(into.finish());
    if (batchCounter > this.counter) this.counter = batchCounter;
    for (const [, org, sobject, row] of extra) {
      const table = this.table(org, sobject);
      if (filled.has(table)) this.counter = Math.max(this.counter, mintedCounter(String(row.Id)));
      else this.applyRow(org, sobject, row);
    }
    for (const [table, segment] of moved) {
      this.segments.set(table, segment);
      table.defer(
        (into) => this.readSegment(segment, into),
        false,
        (into, wanted) => this.readSegmentInSlices(segment, into, wanted),
      );
    }
    for (const [table, segment] of written) this.clean.set(table, { segment, changes: table.changes });
    if (old) {
      fs.closeSync(old.fd);
      old.fd = -1;
    }
    for (const f of fs.readdirSync(dir)) {
      const m = /^journal-(\d+)\.jsonl$/.exec(f);
      if (m && Number(m[1]) < nextGen) fs.rmSync(path.join(dir, f));
    }
    this.gen = nextGen;
  }

  close(): void {
    this.journal?.close();
    this.journal = undefined;
    // Tables not read yet can't be read once the store is closed (its descriptor may be reused).
    if (this.snapshotFile) {
      fs.closeSync(this.snapshotFile.fd);
      this.snapshotFile.fd = -1;
    }
    this.snapshotFile = undefined;
  }

  private maybeCompact(): void {
    if (this.journal && this.journal.bytes > this.compactBytes) this.compact();
  }

  private applyInMemory(ops: PutOp[]): void {
    for (const [, org, sobject, row] of ops) this.applyRow(org, sobject, row);
  }

  private lastTable: { org: string; sobject: string; table: Table } | undefined;

  private applyRow(org: string, sobject: string, row: Row): void {
    let t = this.lastTable;
    if (!t || t.org !== org || t.sobject !== sobject)
      t = this.lastTable = { org, sobject, table: this.table(org, sobject) };
    t.table.put(row);
    const n = mintedCounter(String(row.Id));
    if (n > this.counter) this.counter = n;
  }
}

/** Whether bytes `from`..`total` of `file` hold a newline (a torn write never does). */
function hasNewline(file: string, from: number, total: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (let pos = from; pos < total;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      if (buf.subarray(0, n).indexOf(10) >= 0) return true;
      pos += n;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Copy `length` bytes of `fd` from `offset` through `write`, 4 MiB at a time. */
function copyBytes(fd: number, offset: number, length: number, write: (b: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(Math.min(length, 4 * 1024 * 1024));
  for (let done = 0; done < length;) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, length - done), offset + done);
    if (n === 0) throw new Error('the snapshot ended early while it was being copied');
    write(buf.subarray(0, n));
    done += n;
  }
}

function cutShort(file: string, total: number, missing: string): Error {
  return new Error(
    `${file} is cut short: it ends at byte ${total} where ${missing} should follow; the local org will ` +
      `not start, so that the records of the missing part are not dropped silently. Restore the file ` +
      `from a copy, or move the data folder away to start afresh.`,
  );
}

function newerFormat(file: string, version: unknown): Error {
  return new Error(
    `${file} is in snapshot format ${String(version)}, which this version of the local org can't read ` +
      `(it reads ${SNAPSHOT_VERSION} and older); use the newer version that wrote it.`,
  );
}

/** A snapshot's damage: its lines can't be dropped from the end (the counts would no longer hold). */
function damagedSnapshot(file: string, offset: number, total: number, starting: boolean): Error {
  return new Error(
    `${file} is damaged at byte offset ${offset} (of ${total}); ` +
      (starting
        ? 'the local org will not start, so that nothing after the damage is dropped silently. '
        : 'the records of the table read there are not served, so that none is dropped silently. ') +
      `The snapshot holds every record older than the journals beside it: restore it from a copy, or ` +
      `move the data folder away to start afresh.`,
  );
}

function damaged(file: string, offset: number, total: number): Error {
  return new Error(
    `${file} is damaged at byte offset ${offset} (of ${total}); the local org will not start, so that ` +
      `nothing after the damage is dropped silently. The ${offset} bytes before it are intact: to start ` +
      `with them alone, keep a copy of the file, then truncate it at that offset ` +
      `(truncate -s ${offset} '${file}'); the records after the offset are then lost.`,
  );
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const store = new Store(options);
  store.open();
  return store;
}
