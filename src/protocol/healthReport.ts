/**
 * The message protocol of the LMO health report, shared by the webview (webviews/healthReport) and the
 * extension host (src/webviews/healthReportPanel.ts).
 */
import type { HealthReport } from '../lma/workflows/healthCheck';
import { parseMessage, type Parsed } from './messages';

/** Host → webview. */
export type HostMessage =
  | { kind: 'checking' }
  | { kind: 'report'; report: HealthReport; orgLabel: string; checkedAt: string }
  | { kind: 'error'; message: string };

/** Webview → host: `open` a finding's record in Salesforce (by its id in the report), or check again. */
export type HealthMessage = { kind: 'ready' } | { kind: 'recheck' } | { kind: 'open'; findingId: string };

export function parseHealthMessage(message: unknown): Parsed<HealthMessage> {
  return parseMessage<HealthMessage>(message, ['ready', 'recheck'], (m, keys) => {
    if (m.kind !== 'open') return undefined;
    return keys === 'findingId,kind' && typeof m.findingId === 'string'
      ? { message: { kind: 'open', findingId: m.findingId } }
      : { error: 'open takes exactly kind and a string findingId' };
  });
}
