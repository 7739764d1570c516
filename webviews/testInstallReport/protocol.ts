/**
 * The message protocol of the test-install report, shared by the webview (webviews/testInstallReport)
 * and the extension host (src/webviews/testInstallReportPanel.ts).
 */
import type { TestInstallReport } from '../../src/lma/testInstall';

/** Host → webview. */
export type HostMessage = { kind: 'report'; report: TestInstallReport };

/** Webview → host. */
export type ReportMessage = { kind: 'ready' } | { kind: 'showLicense' } | { kind: 'editTerms' };

/** The message if it has exactly a declared shape; else why not. */
export function parseReportMessage(message: unknown): { message: ReportMessage } | { error: string } {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { error: 'not an object' };
  const m = message as Record<string, unknown>;
  if (m.kind !== 'ready' && m.kind !== 'showLicense' && m.kind !== 'editTerms')
    return { error: `unknown message kind ${JSON.stringify(m.kind)}` };
  if (Object.keys(m).length !== 1) return { error: `unexpected fields in ${m.kind}` };
  return { message: { kind: m.kind } };
}
