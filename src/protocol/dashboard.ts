/**
 * The message protocol of the LMO dashboard, shared by the webview (webviews/dashboard) and the
 * extension host (src/webviews/dashboardPanel.ts).
 */
import type { DashboardData } from '../lma/records/dashboard';
import { parseMessage, type Parsed } from './messages';

/** Host → webview: the figures, or why there are none. */
export type HostMessage =
  | { kind: 'data'; data: DashboardData; orgLabel: string; loadedAt: string }
  | { kind: 'error'; message: string };

/** Webview → host. */
export type DashboardMessage = { kind: 'ready' } | { kind: 'refresh' };

export function parseDashboardMessage(message: unknown): Parsed<DashboardMessage> {
  return parseMessage<DashboardMessage>(message, ['ready', 'refresh']);
}
