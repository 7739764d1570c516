/**
 * The message protocol of the test-install report, shared by the webview (webviews/testInstallReport)
 * and the extension host (src/webviews/testInstallReportPanel.ts).
 */
import type { TestInstallReport } from '../lma/workflows/testInstall';
import { parseMessage, type Parsed } from './messages';

/** Host → webview. */
export type HostMessage = { kind: 'report'; report: TestInstallReport };

/** Webview → host. */
export type ReportMessage = { kind: 'ready' } | { kind: 'showLicense' } | { kind: 'editTerms' };

/** The message if it has exactly a declared shape; else why not. */
export function parseReportMessage(message: unknown): Parsed<ReportMessage> {
  return parseMessage<ReportMessage>(message, ['ready', 'showLicense', 'editTerms']);
}
