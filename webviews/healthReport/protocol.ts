/**
 * The message protocol of the LMO health report, shared by the webview (webviews/healthReport) and the
 * extension host (src/webviews/healthReportPanel.ts).
 */
import type { HealthReport } from '../../src/lma/healthCheck';

/** Host → webview. */
export type HostMessage =
  | { kind: 'checking' }
  | { kind: 'report'; report: HealthReport; orgLabel: string; checkedAt: string }
  | { kind: 'error'; message: string };

/** Webview → host: `open` a finding's record in Salesforce (by its id in the report), or check again. */
export type HealthMessage = { kind: 'ready' } | { kind: 'recheck' } | { kind: 'open'; findingId: string };

export function parseHealthMessage(message: unknown): { message: HealthMessage } | { error: string } {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { error: 'not an object' };
  const m = message as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  switch (m.kind) {
    case 'ready':
    case 'recheck':
      return keys === 'kind' ? { message: { kind: m.kind } } : { error: `unexpected fields in ${m.kind}` };
    case 'open':
      return keys === 'findingId,kind' && typeof m.findingId === 'string'
        ? { message: { kind: 'open', findingId: m.findingId } }
        : { error: 'open takes exactly kind and a string findingId' };
    default:
      return { error: `unknown message kind ${JSON.stringify(m.kind)}` };
  }
}
