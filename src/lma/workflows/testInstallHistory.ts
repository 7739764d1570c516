import { savedState } from '../../ids';
import { Emitter } from '../../base/emitter';
import { toId15 } from '../records/soql';
import type { TestInstallReport } from './testInstall';

/** Where runs are kept: VS Code's workspace state (a Memento) in the extension, a map in tests. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = savedState.testInstalls;
/** Enough for every package's recent runs, small enough for workspace state. */
export const MAX_KEPT_RUNS = 50;

/**
 * The test installs of this workspace: the runs kept (newest first, bounded) and the ones running now,
 * by 033 package id. The tree and the default-licensing form show the last result per package from here.
 */
export class TestInstalls {
  private readonly running = new Set<string>();
  private readonly changed = new Emitter<string>();
  /** Fires with the 033 package id whose state changed (a run started, ended or was kept). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly store: KeyValueStore) {}

  /** Every kept run, newest first. */
  runs(): TestInstallReport[] {
    return this.store.get<TestInstallReport[]>(KEY) ?? [];
  }

  lastFor(subscriberPackageId: string | undefined): TestInstallReport | undefined {
    if (!subscriberPackageId) return undefined;
    const id = toId15(subscriberPackageId);
    return this.runs().find((run) => run.subscriberPackageId && toId15(run.subscriberPackageId) === id);
  }

  async keep(report: TestInstallReport): Promise<void> {
    await this.store.update(KEY, [report, ...this.runs()].slice(0, MAX_KEPT_RUNS));
    this.changed.fire(report.subscriberPackageId);
  }

  isRunning(subscriberPackageId: string | undefined): boolean {
    return !!subscriberPackageId && this.running.has(toId15(subscriberPackageId));
  }

  /** Marks the package as installing until the returned function is called. */
  start(subscriberPackageId: string): () => void {
    const id = toId15(subscriberPackageId);
    this.running.add(id);
    this.changed.fire(subscriberPackageId);
    return () => {
      this.running.delete(id);
      this.changed.fire(subscriberPackageId);
    };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
