/**
 * The message protocol of the LMO dashboard, shared by the webview (webviews/dashboard) and the
 * extension host (src/webviews/dashboardPanel.ts).
 */
import type { DashboardData } from '../../src/lma/dashboard';

/** Host → webview: the figures, or why there are none. */
export type HostMessage =
  | { kind: 'data'; data: DashboardData; orgLabel: string; loadedAt: string }
  | { kind: 'error'; message: string };

/** Webview → host. */
export type DashboardMessage = { kind: 'ready' } | { kind: 'refresh' };

export function parseDashboardMessage(message: unknown): { message: DashboardMessage } | { error: string } {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { error: 'not an object' };
  const m = message as Record<string, unknown>;
  if (m.kind !== 'ready' && m.kind !== 'refresh')
    return { error: `unknown message kind ${JSON.stringify(m.kind)}` };
  if (Object.keys(m).length !== 1) return { error: `unexpected fields in ${m.kind}` };
  return { message: { kind: m.kind } };
}
