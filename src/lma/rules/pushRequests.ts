/**
 * Watching push requests, the pure rules: which statuses still run (and are polled), what a request
 * offers (abort, retry of its failed orgs, finishing a request left Created), and its one-line summary.
 * Facts from /work/shared/reference/isv-operations.md (push upgrades) and lma-domain.md
 * (PackagePushRequest.Status: Created, Pending, In Progress, Succeeded, Failed, Canceled).
 */
import { isAbortable, isFinished } from './pushUpgrade';

/** Requests the tree shows per package, newest first (the request view shows any one in full). */
export const PUSH_REQUESTS_SHOWN = 10;

/** A request in one of these may still change: the views poll it (with backoff) while one is shown. */
export const RUNNING_STATUSES: readonly string[] = ['Created', 'Pending', 'In Progress'];

export function isRunning(status: string): boolean {
  return RUNNING_STATUSES.includes(status);
}

/** What a request offers, by its status and jobs. */
export interface PushRequestActions {
  /** Cancel it: only Created or Pending (the API refuses the PATCH otherwise). */
  abort: boolean;
  /** A new request for the orgs whose jobs failed: once it is over and some failed. */
  retry: boolean;
  /** Start a request left Created (a connection lost while its jobs were created) with the jobs it has. */
  finish: boolean;
}

export function pushRequestActions(request: {
  status: string;
  jobs: Record<string, number>;
}): PushRequestActions {
  return {
    abort: isAbortable(request.status),
    retry: isFinished(request.status) && (request.jobs.Failed ?? 0) > 0,
    finish: request.status === 'Created' && totalJobs(request.jobs) > 0,
  };
}

export function totalJobs(jobs: Record<string, number>): number {
  return Object.values(jobs).reduce((a, b) => a + b, 0);
}

/** Jobs by status in one line, in the order a push goes ("2 Succeeded, 1 Failed"); "no jobs" when none. */
export function describeJobs(jobs: Record<string, number>): string {
  const order = ['Created', 'Pending', 'In Progress', 'Succeeded', 'Failed', 'Canceled', 'Cancelled'];
  const entries = Object.entries(jobs)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return entries.length ? entries.map(([status, n]) => `${n} ${status}`).join(', ') : 'no jobs';
}

function rank(order: readonly string[], status: string): number {
  const i = order.indexOf(status);
  return i < 0 ? order.length : i;
}
