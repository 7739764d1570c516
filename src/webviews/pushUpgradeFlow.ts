/**
 * What the push upgrade panel does, without `vscode` (its adapter is pushUpgradePanel.ts): live counts of
 * the filters (one aggregate each; an answer older than the newest question is dropped), the preview
 * (planPush), and the schedule of the preview it built itself (a time in the past refused, the typed
 * confirmation through the `AskConfirmation` port, schedulePush under the command pipeline's progress
 * with Cancel), then the hand-over to the watch flow. Every message has passed the protocol's gate.
 */
import type { LmoApi } from '../lma/records/lmoApi';
import { countSelection, type PushScope } from '../lma/records/pushUpgrade';
import { selectionOfForm } from '../lma/rules/pushSelection';
import {
  describePreview,
  describeSchedule,
  parseSchedule,
  previewProblem,
  pushConfirmation,
  type PushPreview,
} from '../lma/rules/pushUpgrade';
import type { AskConfirmation } from '../lma/workflows/licenseSave';
import {
  abortPush,
  finishSchedule,
  planPush,
  schedulePush,
  type ScheduleOptions,
  type ScheduleReport,
} from '../lma/workflows/pushUpgrade';
import {
  LISTED_ORGS,
  type HostMessage,
  type PreviewSummary,
  type PushUpgradeMessage,
  type ScheduleOutcome,
} from '../protocol/pushUpgrade';

/** A step under a progress notification with Cancel (the command pipeline's `run.progress`). */
export type Progress = <T>(
  title: string,
  task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
  options?: { cancellable?: boolean },
) => Promise<T>;

export interface PushFlowPorts {
  /** The LMO: which orgs, and the counts. */
  lmo: LmoApi;
  /** The package's owner org (the LMO's session when it owns the package); undefined: none chosen. */
  owner(): Promise<LmoApi | undefined>;
  post(message: HostMessage): Promise<void>;
  askConfirmation: AskConfirmation;
  /** Runs a step as a command through the pipeline: one error boundary, its progress with Cancel. */
  run(title: string, step: (progress: Progress) => Promise<void>): Promise<void>;
  /** Hands a started request over to the watch flow. */
  watch(owner: LmoApi, scope: PushScope, requestId: string): Promise<void>;
  /** Opens a push request's view (its status, jobs and failures; Abort, Retry). */
  showRequest(scope: PushScope, requestId: string): Promise<void>;
  /**
   * How a schedule to `owner` uses Bulk API 2.0 ingest: from how many jobs on (the setting), and the
   * owner org's ingest ledger (VS Code's global state, by org id), where a schedule records its ingest
   * job and first cleans what a crash left. Absent: the default threshold and no ledger.
   */
  ingest?(owner: LmoApi): Pick<ScheduleOptions, 'ingestJobs' | 'ingestThreshold'>;
  /** After a schedule, a finish or an abort (never a preview): the package's push requests changed. */
  requestsChanged(): void;
  log: { warn(message: string): void };
  now?: () => Date;
}

/** The preview the host built and may schedule: the page names it by id, never by its orgs. */
interface HeldPreview {
  id: number;
  preview: PushPreview;
  owner: LmoApi;
}

type Held =
  | { kind: 'none' }
  | { kind: 'started'; owner: LmoApi; requestId: string }
  | { kind: 'interrupted'; owner: LmoApi; requestId: string; remaining: string[]; when: Date | undefined };

export class PushUpgradeFlow {
  private latestCount = -1;
  private previews = 0;
  private held: HeldPreview | undefined;
  private request: Held = { kind: 'none' };
  /** The push requests the last result named as written to by a job a crash left: the ones it may open. */
  private abandonedRequests: readonly string[] = [];
  private busy = false;

  constructor(
    private readonly scope: PushScope,
    private readonly ports: PushFlowPorts,
  ) {}

  /** What the page shows of this flow (the preview, the schedule's result), for a page built again. */
  private shown: { preview?: HostMessage; result?: HostMessage } = {};
  private countsSinceReady = 0;

  /**
   * A new page said `ready` (the panel was hidden and shown, or opened again): its questions count from
   * 1 again, and it is given again the preview and result the page it replaces showed (after `scope`).
   */
  pageReady(): HostMessage[] {
    this.latestCount = -1;
    this.countsSinceReady = 0;
    return [this.shown.preview, this.shown.result].filter((m): m is HostMessage => m !== undefined);
  }

  /** The panel was given another selection: what was previewed or shown belongs to the one before. */
  newSelection(): void {
    this.shown = {};
    this.held = undefined;
  }

  async receive(message: Exclude<PushUpgradeMessage, { kind: 'ready' | 'loadOrgIds' }>): Promise<void> {
    switch (message.kind) {
      case 'count':
        return this.count(message.seq, message.form);
      case 'preview':
        return this.preview(message.form);
      case 'schedule':
        return this.schedule(message.previewId, message.when);
      case 'finish':
      case 'abort':
        return this.finishOrAbort(message.kind);
      case 'watch':
        return this.watch();
      case 'showRequest':
        return this.showRequest(message.requestId);
    }
  }

  /** One aggregate; an answer to an older question than the newest one is dropped, never shown. */
  private async count(seq: number, form: Parameters<typeof selectionOfForm>[0]): Promise<void> {
    if (seq <= this.latestCount) return;
    this.latestCount = seq;
    // The first count of a page is its start; any later one follows an edit, which drops its preview.
    if (this.countsSinceReady++ > 0) this.shown = {};
    const chosen = selectionOfForm(form);
    let answer: HostMessage;
    if ('problem' in chosen) answer = { kind: 'countError', seq, message: chosen.problem };
    else
      try {
        answer = {
          kind: 'counts',
          seq,
          counts: await countSelection(this.ports.lmo, this.scope, chosen.selection),
        };
      } catch (error) {
        answer = { kind: 'countError', seq, message: `The LMO did not count: ${messageOf(error)}` };
      }
    if (seq !== this.latestCount) return;
    await this.ports.post(answer);
  }

  private async preview(form: Parameters<typeof selectionOfForm>[0]): Promise<void> {
    const chosen = selectionOfForm(form);
    if ('problem' in chosen) return this.post({ kind: 'previewError', message: chosen.problem });
    const id = ++this.previews;
    this.held = undefined;
    await this.ports.run('Push Upgrade', async (progress) => {
      const owner = await this.ports.owner();
      if (!owner) {
        await this.post({
          kind: 'previewError',
          message:
            "No org is chosen to own this package's pushes: open the panel again from the version's menu.",
        });
        return;
      }
      let preview: PushPreview;
      try {
        preview = await progress('Previewing the push upgrade', () =>
          planPush(this.ports.lmo, owner, this.scope, chosen.selection),
        );
      } catch (error) {
        if (isAbort(error)) throw error;
        await this.post({ kind: 'previewError', message: messageOf(error) });
        return;
      }
      // A later preview asked meanwhile replaces this one.
      if (id !== this.previews) return;
      this.held = { id, preview, owner };
      await this.post({ kind: 'preview', previewId: id, preview: summarize(preview) });
    });
  }

  private async schedule(previewId: number, whenText: string): Promise<void> {
    const held = this.held;
    if (!held || held.id !== previewId)
      return this.notScheduled('The preview changed since it was shown: preview again, then schedule.');
    const problem = previewProblem(held.preview);
    if (problem) return this.notScheduled(problem);
    const parsed = parseSchedule(whenText, (this.ports.now ?? (() => new Date()))());
    if ('problem' in parsed) return this.notScheduled(parsed.problem);
    if (this.busy) return this.notScheduled('A schedule of this panel is already under way.');
    const { preview, owner } = held;
    const { when } = parsed;
    const confirmed = await this.ports.askConfirmation(
      pushConfirmation(preview, when),
      `Push to ${preview.jobs.length} Orgs`,
    );
    if (confirmed === undefined) return this.notScheduled('Not confirmed: nothing was scheduled.');
    // A preview is scheduled once: a second schedule previews again.
    this.held = undefined;
    this.busy = true;
    try {
      await this.ports.run('Push Upgrade', async (progress) => {
        const report = await progress(`Creating ${preview.jobs.length} push jobs`, (signal, report) =>
          schedulePush(owner, preview, {
            when,
            signal,
            ...this.ports.ingest?.(owner),
            onProgress: (created, total) => report(`${created} of ${total}`),
          }),
        );
        await this.show(owner, report, when);
      });
    } finally {
      this.busy = false;
      this.ports.requestsChanged();
    }
  }

  private async finishOrAbort(action: 'finish' | 'abort'): Promise<void> {
    const request = this.request;
    if (request.kind !== 'interrupted')
      return this.notScheduled('No request of this panel is waiting to be finished or aborted.');
    await this.ports.run('Push Upgrade', async (progress) => {
      if (action === 'abort') {
        const aborted = await progress(
          'Aborting the push request',
          () => abortPush(request.owner, request.requestId),
          {
            cancellable: false,
          },
        );
        this.request = { kind: 'none' };
        await this.post({
          kind: 'scheduleResult',
          outcome:
            aborted.kind === 'aborted'
              ? {
                  kind: 'aborted',
                  requestId: aborted.requestId,
                  message: `Push request ${aborted.requestId} aborted.`,
                }
              : {
                  kind: 'interrupted',
                  requestId: request.requestId,
                  message: aborted.message,
                  remaining: request.remaining.length,
                },
        });
        return;
      }
      const report = await progress('Finishing the push request', (signal, report) =>
        finishSchedule(request.owner, request.requestId, request.remaining, {
          when: request.when,
          signal,
          ...this.ports.ingest?.(request.owner),
          onProgress: (created, total) => report(`${created} of ${total}`),
        }),
      );
      await this.show(request.owner, report, request.when);
    });
    this.ports.requestsChanged();
  }

  private async show(owner: LmoApi, report: ScheduleReport, when: Date | undefined): Promise<void> {
    this.abandonedRequests = report.abandonedRequests ?? [];
    this.request =
      report.kind === 'started'
        ? { kind: 'started', owner, requestId: report.requestId }
        : report.kind === 'interrupted'
          ? { kind: 'interrupted', owner, requestId: report.requestId, remaining: report.remaining, when }
          : { kind: 'none' };
    await this.post({ kind: 'scheduleResult', outcome: outcomeOf(report, when) });
  }

  /** A request the last result named (never any id a page sends): its view, to abort or finish it. */
  private async showRequest(requestId: string): Promise<void> {
    if (!this.abandonedRequests.includes(requestId)) {
      this.ports.log.warn(
        `Push Upgrade panel: showRequest asked for ${requestId}, which the last result did not name; nothing opened.`,
      );
      return;
    }
    await this.ports.showRequest(this.scope, requestId);
  }

  private async watch(): Promise<void> {
    const request = this.request;
    if (request.kind !== 'started') {
      this.ports.log.warn('Push Upgrade panel: watch asked with no started request; nothing to watch.');
      return;
    }
    await this.ports.watch(request.owner, this.scope, request.requestId);
  }

  private notScheduled(message: string): Promise<void> {
    return this.post({ kind: 'scheduleResult', outcome: { kind: 'notScheduled', message } });
  }

  /** Posts to the page, keeping what it shows of a preview and a schedule for a page built again. */
  private post(message: HostMessage): Promise<void> {
    if (message.kind === 'preview' || message.kind === 'previewError') this.shown = { preview: message };
    else if (message.kind === 'scheduleResult') this.shown.result = message;
    return this.ports.post(message);
  }
}

/** The preview as the panel shows it: every count, the orgs left out listed up to `LISTED_ORGS`. */
export function summarize(preview: PushPreview): PreviewSummary {
  return {
    packageName: preview.target.packageName,
    versionNumber: preview.target.versionNumber,
    jobs: preview.jobs.length,
    productionOrgs: preview.productionOrgs,
    byVersion: preview.byVersion,
    byStatus: preview.byStatus,
    byOrgType: preview.byOrgType,
    excluded: preview.excluded.slice(0, LISTED_ORGS),
    excludedTotal: preview.excluded.length,
    excludedByReason: preview.excludedByReason,
    head: describePreview(preview),
    problem: previewProblem(preview),
  };
}

function outcomeOf(report: ScheduleReport, when: Date | undefined): ScheduleOutcome {
  const outcome = outcomeOfKind(report, when);
  return {
    ...outcome,
    ...(report.abandoned?.length && { abandoned: report.abandoned }),
    ...(report.abandonedRequests?.length && { abandonedRequests: report.abandonedRequests }),
  };
}

function outcomeOfKind(report: ScheduleReport, when: Date | undefined): ScheduleOutcome {
  switch (report.kind) {
    case 'started': {
      const schedule = when ? describeSchedule(when) : undefined;
      return {
        kind: 'started',
        requestId: report.requestId,
        jobs: report.jobs,
        refused: report.refused.slice(0, LISTED_ORGS),
        refusedTotal: report.refused.length,
        scheduledFor: schedule && { local: schedule.local, utc: schedule.utc },
      };
    }
    case 'notStarted':
      return {
        kind: 'notStarted',
        message: report.message,
        refused: report.refused.slice(0, LISTED_ORGS),
        refusedTotal: report.refused.length,
      };
    case 'interrupted':
      return {
        kind: 'interrupted',
        requestId: report.requestId,
        message: report.message,
        remaining: report.remaining.length,
      };
    case 'refused':
      return { kind: 'notScheduled', message: report.message };
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
