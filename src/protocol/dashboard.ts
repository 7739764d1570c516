/**
 * The message protocol of the LMO dashboard, shared by the webview (webviews/dashboard) and the
 * extension host (src/webviews/dashboardPanel.ts).
 */
import type { DashboardData, DashboardFigure } from '../lma/records/dashboard';
import { parseMessage, type Parsed } from './messages';

/** Host → webview: the figures, or why there are none. */
export type HostMessage =
  | { kind: 'data'; data: DashboardData; orgLabel: string; loadedAt: string }
  | { kind: 'error'; message: string };

/** Webview → host. */
export type DashboardMessage =
  | { kind: 'ready' }
  | { kind: 'refresh' }
  /** A figure clicked: the host lists the Licenses it counts in the tree. */
  | { kind: 'openFigure'; figure: DashboardFigure };

/** The longest status the gate passes on (the LMA's Status picklist values are short). */
const MAX_STATUS = 255;

export function parseDashboardMessage(message: unknown): Parsed<DashboardMessage> {
  return parseMessage<DashboardMessage>(message, ['ready', 'refresh'], (m, keys) => {
    if (m.kind !== 'openFigure') return undefined;
    if (keys !== 'figure,kind') return { error: 'openFigure takes exactly kind and figure' };
    const figure = parseFigure(m.figure);
    return figure
      ? { message: { kind: 'openFigure', figure } }
      : { error: 'openFigure.figure is not a figure' };
  });
}

function parseFigure(value: unknown): DashboardFigure | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const f = value as Record<string, unknown>;
  const keys = Object.keys(f).sort().join(',');
  switch (f.kind) {
    case 'all':
    case 'activeWithSeats':
    case 'siteLicenses':
      return keys === 'kind' ? { kind: f.kind } : undefined;
    case 'status':
      return keys === 'kind,status' &&
        typeof f.status === 'string' &&
        f.status.length > 0 &&
        f.status.length <= MAX_STATUS
        ? { kind: 'status', status: f.status }
        : undefined;
    case 'trialsExpiring':
      return keys === 'days,kind' && (f.days === 7 || f.days === 30)
        ? { kind: 'trialsExpiring', days: f.days }
        : undefined;
    default:
      return undefined;
  }
}
