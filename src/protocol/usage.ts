/**
 * The message protocol of the App Analytics usage panel, shared by the webview (webviews/usage) and the
 * extension host (src/webviews/usagePanel.ts).
 */
import type { JoinedRow, UsageReport } from '../lma/rules/appAnalytics';
import { parseMessage, type Parsed } from './messages';

/** What the panel shows: the usage of a period, or the report's explanation with what to do. */
export type UsageView =
  | {
      kind: 'usage';
      packageName: string;
      period: { start: string; end: string };
      source: 'cache' | 'download';
      downloadedAt: string;
      report: UsageReport;
      /** Orgs with usage or a License, joined. */
      rows: JoinedRow[];
      /** Active Licenses with no usage in the period. */
      unused: JoinedRow[];
      /** At risk: users fell by more than this fraction (the setting lma.usage.atRiskDrop). */
      atRiskDrop: number;
      notes: string[];
    }
  | { kind: 'explain'; packageName: string; title: string; message: string };

/** Host → webview. */
export type HostMessage = { kind: 'loading'; packageName: string } | { kind: 'view'; view: UsageView };

/** Webview → host. */
export type UsageMessage =
  | { kind: 'ready' }
  /** Ask App Analytics again (the cache is not used). */
  | { kind: 'refresh' }
  | { kind: 'exportCsv' }
  /** An org clicked: its License shown in the tree. */
  | { kind: 'showOrg'; orgId: string };

const ORG_ID = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

export function parseUsageMessage(message: unknown): Parsed<UsageMessage> {
  return parseMessage<UsageMessage>(message, ['ready', 'refresh', 'exportCsv'], (m, keys) => {
    if (m.kind !== 'showOrg') return undefined;
    if (keys !== 'kind,orgId') return { error: 'showOrg takes exactly kind and orgId' };
    return typeof m.orgId === 'string' && ORG_ID.test(m.orgId)
      ? { message: { kind: 'showOrg', orgId: m.orgId } }
      : { error: 'showOrg.orgId is not an org id (00D…)' };
  });
}
