/**
 * Watching push requests in a package's owner org: a package's latest requests with their jobs by
 * status (two requests: the requests, then one aggregate over all of them, never a download of every
 * job), and one request in full for its view (its state, its failures with the customers' names from
 * the LMO). The use cases of pushUpgrade.ts (readPushRequest, readFailures, planRetry, abortPush,
 * finishSchedule) do the rest.
 */
import { queryPage, type LmoApi } from '../records/lmoApi';
import { PUSH_OBJECTS } from '../records/objects';
import { literal, toId18 } from '../records/soql';
import { PUSH_REQUESTS_SHOWN } from '../rules/pushRequests';
import { groupFailures, type FailureGroup, type PushFailure } from '../rules/pushUpgrade';
import { listPushRequests, readFailures, readPushRequest, type PushRequestState } from './pushUpgrade';

/** Jobs by status of each of these requests (by 18-character id): one aggregate. */
export async function jobCountsOf(
  owner: LmoApi,
  requestIds: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  if (!requestIds.length) return counts;
  const page = await queryPage<{ PackagePushRequestId: string; Status: string; total: number }>(
    owner,
    `SELECT PackagePushRequestId, Status, COUNT(Id) total FROM ${PUSH_OBJECTS.pushJob} WHERE PackagePushRequestId IN (${requestIds.map(literal).join(', ')}) GROUP BY PackagePushRequestId, Status`,
  );
  for (const row of page.records) {
    const id = toId18(row.PackagePushRequestId);
    counts.set(id, { ...counts.get(id), [row.Status]: row.total });
  }
  return counts;
}

/** A package's latest push requests (of these versions), newest first, with jobs by status. */
export async function loadPushRequests(
  owner: LmoApi,
  versionIds: readonly string[],
  limit = PUSH_REQUESTS_SHOWN,
): Promise<PushRequestState[]> {
  const requests = await listPushRequests(owner, versionIds, limit);
  const counts = await jobCountsOf(
    owner,
    requests.map((r) => r.id),
  );
  return requests.map((r) => ({ ...r, jobs: counts.get(toId18(r.id)) ?? {} }));
}

/** One request as its view shows it. */
export interface PushRequestView {
  state: PushRequestState;
  failures: PushFailure[];
  groups: FailureGroup[];
}

/**
 * A request in full: its state and jobs by status, and its failures grouped by error type and title
 * (read only when a job failed), each with the customer's name from the LMO. Undefined: no such request.
 */
export async function loadPushRequestView(
  owner: LmoApi,
  requestId: string,
  lmo: LmoApi | undefined,
): Promise<PushRequestView | undefined> {
  const state = await readPushRequest(owner, requestId);
  if (!state) return undefined;
  const failures = (state.jobs.Failed ?? 0) > 0 ? await readFailures(owner, requestId, lmo) : [];
  return { state, failures, groups: groupFailures(failures) };
}
