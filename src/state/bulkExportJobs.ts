import type * as vscode from 'vscode';
import { savedState } from '../ids';
import type { BulkJobLedger } from '../lma/records/bulkQuery';

/**
 * The Bulk API 2.0 jobs an export (or, under another key, a bulk change's or a push schedule's ingest)
 * created and hasn't deleted yet, kept in VS Code's global state by org id: a job left behind when the
 * window closed or crashed mid-export is deleted by the next export from the same LMO (`cleanAbandonedJobs`);
 * an ingest job, by the next bulk change or push schedule in the same org, which reports what it wrote
 * (`cleanAbandonedIngestJobs`).
 * One ingest key for both writers: it lists an org's ingest jobs (a License change's in the LMO, a push's
 * in the owner org, both when the LMO owns the package), and either writer cleans them all, each worded by its object.
 */
export class BulkExportJobs {
  constructor(
    private readonly globalState: vscode.Memento,
    private readonly key: string = savedState.bulkExportJobs,
  ) {}

  /** The ledger of one org's jobs, as the export takes it. */
  forOrg(orgId: string): BulkJobLedger {
    return {
      list: () => this.all()[orgId] ?? [],
      add: (id) => this.set(orgId, [...new Set([...(this.all()[orgId] ?? []), id])]),
      remove: (id) =>
        this.set(
          orgId,
          (this.all()[orgId] ?? []).filter((known) => known !== id),
        ),
    };
  }

  private all(): Record<string, string[]> {
    return this.globalState.get<Record<string, string[]>>(this.key) ?? {};
  }

  private async set(orgId: string, ids: string[]): Promise<void> {
    const { [orgId]: _, ...others } = this.all();
    await this.globalState.update(this.key, ids.length ? { ...others, [orgId]: ids } : others);
  }
}
