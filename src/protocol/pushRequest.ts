/**
 * The message protocol of the push request view, shared by the webview (webviews/pushRequest) and the
 * extension host (src/webviews/pushRequestPanel.ts). The page only shows and asks: every action runs in
 * the host on the request the host read, never on an id the page names.
 */
import type { PushRequestActions } from '../lma/rules/pushRequests';
import type { FailureGroup } from '../lma/rules/pushUpgrade';
import type { PushRequestState } from '../lma/workflows/pushUpgrade';
import { parseMessage, type Parsed } from './messages';

/** Which request a panel shows (what a reloaded window reopens). */
export interface PushRequestSubject {
  packageRecordId: string;
  packageName: string;
  requestId: string;
}

export interface PushRequestData {
  request: PushRequestState;
  packageName: string;
  /** The version it pushes, as the LMO names it. */
  versionNumber: string | undefined;
  /** Where the pushes run ("Pushes run in this LMO"). */
  owner: string;
  groups: FailureGroup[];
  actions: PushRequestActions;
  /** Still running: the host reads it again (with backoff) while the panel is open. */
  running: boolean;
}

/** Host → webview: the request, or why it can't be shown. */
export type HostMessage =
  { kind: 'data'; data: PushRequestData; loadedAt: string } | { kind: 'error'; message: string };

/** Webview → host. */
export type PushRequestMessage =
  | { kind: 'ready' }
  | { kind: 'refresh' }
  | { kind: 'retry' }
  | { kind: 'abort' }
  /** Start a request left Created (a connection lost while its jobs were created). */
  | { kind: 'finish' }
  | { kind: 'exportCsv' };

export function parsePushRequestMessage(message: unknown): Parsed<PushRequestMessage> {
  return parseMessage<PushRequestMessage>(message, [
    'ready',
    'refresh',
    'retry',
    'abort',
    'finish',
    'exportCsv',
  ]);
}

/** A subject a page saved, checked (the page is a web page: its state is no more trusted than its messages). */
export function parsePushRequestSubject(value: unknown): PushRequestSubject | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const s = value as Record<string, unknown>;
  const id = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;
  return Object.keys(s).sort().join(',') === 'packageName,packageRecordId,requestId' &&
    typeof s.packageRecordId === 'string' &&
    id.test(s.packageRecordId) &&
    typeof s.packageName === 'string' &&
    s.packageName.length <= 255 &&
    typeof s.requestId === 'string' &&
    id.test(s.requestId)
    ? { packageRecordId: s.packageRecordId, packageName: s.packageName, requestId: s.requestId }
    : undefined;
}
