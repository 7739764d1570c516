// The data layer's entry point: one store, many orgs.
import { toId18 } from './ids';
import { bootstrapOrg } from './bootstrap';
import { OrgData, OrgState } from './org';
import { schemaFor } from './schema/registry';
import type { OrgKind } from './schema/registry';
import { Store } from './store/store';
import type { StoreOptions } from './store/store';
import type { IndexSpec } from './store/table';

export interface DatabaseOptions {
  /** Directory for the durable store; omit for in-memory (tests). */
  dir?: string;
  compactBytes?: number;
  warn?: (message: string) => void;
  /** How tables are read in slices (tests hold a read between slices). */
  readSlices?: StoreOptions['readSlices'];
}

export interface OrgOptions {
  kind: OrgKind;
  /** Organization.Name on first use. */
  name?: string;
}

/** Equality indexes: Id, lookups and fields the schema marks `indexed`, across every org kind. */
function indexesFor(sobject: string): IndexSpec[] {
  const s = schemaFor('lmo').find(sobject) ?? schemaFor('devhub').find(sobject);
  if (!s) return [{ field: 'Id', idLike: true }];
  return s.fields
    .filter((f) => f.indexed)
    .map((f) => ({ field: f.name, idLike: f.type === 'id' || f.type === 'reference' }));
}

export class Database {
  private readonly orgs = new Map<string, OrgState>();

  constructor(readonly store: Store) {}

  /** An org's data, created (Organization row, system user, record types) on first use. */
  org(orgId: string, options: OrgOptions): OrgData {
    const id = toId18(orgId);
    if (!id || !id.startsWith('00D')) throw new Error(`not an org id: ${orgId}`);
    let state = this.orgs.get(id);
    if (!state) {
      state = new OrgState(this.store, id, options.kind);
      this.orgs.set(id, state);
      bootstrapOrg(state, options.name ?? `Local Org ${id.slice(0, 15)}`);
    } else if (state.kind !== options.kind) {
      throw new Error(`org ${id} is a ${state.kind} org, not ${options.kind}`);
    }
    return new OrgData(state, state.systemUserId ?? '', false);
  }

  /**
   * Run `fn` as one transaction: its writes become durable together (one journal line) if it returns
   * `keep: true`, and are undone without a trace if it returns `keep: false` or throws. Nests. While
   * it runs, other requests' writes and transactions wait for it (see `Store.begin`).
   */
  async atomically<T>(fn: () => Promise<{ keep: boolean; value: T }>): Promise<T> {
    if (this.store.busyForOthers()) await this.store.whenFree();
    const sp = this.store.begin();
    let outcome: { keep: boolean; value: T };
    try {
      outcome = await this.store.runAs(fn);
    } catch (e) {
      this.store.rollback(sp);
      throw e;
    }
    if (outcome.keep) this.store.commit(sp);
    else this.store.rollback(sp);
    return outcome.value;
  }

  /** Whether a transaction is open: side effects then wait for `afterCommit`. */
  get inTransaction(): boolean {
    return this.store.inTransaction;
  }

  /**
   * Start a side effect outside the store (an install, a timer) now, or once the open transaction
   * commits; never if it rolls back.
   */
  afterCommit(effect: () => void): void {
    this.store.afterCommit(effect);
  }

  /** Take back a change outside the store (the world's state) if the open transaction rolls back. */
  onRollback(undo: () => void): void {
    this.store.onRollback(undo);
  }

  /** Org ids that have data in the store. */
  orgIds(): string[] {
    return this.store.orgIds();
  }

  compact(): void {
    this.store.compact();
  }

  close(): void {
    this.store.close();
  }
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const store = new Store({
    dir: options.dir,
    indexes: indexesFor,
    compactBytes: options.compactBytes,
    warn: options.warn,
    readSlices: options.readSlices,
  });
  store.open();
  return new Database(store);
}
