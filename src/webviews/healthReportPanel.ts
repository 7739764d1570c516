import * as vscode from 'vscode';
import { webviewTypes } from '../ids';
import { checkLmoHealth, type HealthReport } from '../lma/workflows/healthCheck';
import { parseHealthMessage, type HealthMessage, type HostMessage } from '../protocol/healthReport';
import type { Services } from '../services';
import { createWebviewPanel } from './webviewHtml';

export type HealthServices = Pick<Services, 'extensionUri' | 'session' | 'log'>;

/** "LMA: Check LMO Health": one report panel; showing it again runs the checks again. */
export class HealthReportPanel implements vscode.Disposable {
  private static current: HealthReportPanel | undefined;
  static readonly viewType = webviewTypes.healthReport;

  static show(services: HealthServices): void {
    const panel = (HealthReportPanel.current ??= new HealthReportPanel(services));
    panel.panel.reveal();
    void panel.check();
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private report: HealthReport | undefined;
  private last: HostMessage | undefined;
  private disposed = false;

  private constructor(private readonly services: HealthServices) {
    this.panel = createWebviewPanel(
      services.extensionUri,
      HealthReportPanel.viewType,
      'LMO Health',
      'healthReport',
    );
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = parseHealthMessage(raw);
        if ('error' in parsed) services.log.warn(`LMO health report: rejected a message (${parsed.error}).`);
        else void this.handle(parsed.message);
      }),
    );
  }

  private async handle(message: HealthMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
        // A rebuilt webview gets the last report again; the first one waits for the running check.
        if (this.last) await this.post(this.last);
        return;
      case 'recheck':
        return this.check();
      case 'open': {
        const finding = this.report?.findings.find((candidate) => candidate.id === message.findingId);
        if (!finding) return;
        const url = await this.services.session.frontDoorUrl(finding.path);
        await vscode.env.openExternal(vscode.Uri.parse(url));
        return;
      }
    }
  }

  private async check(): Promise<void> {
    const state = this.services.session.state;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed') {
      await this.post({
        kind: 'error',
        message: 'Connect a License Management Org first: the checks run there.',
      });
      return;
    }
    await this.post({ kind: 'checking' });
    try {
      this.report = await checkLmoHealth(this.services.session);
      this.services.log.info(`LMO health check: ${this.report.summary}`);
      await this.post({
        kind: 'report',
        report: this.report,
        orgLabel: state.org.alias ?? state.org.username,
        checkedAt: new Date().toISOString(),
      });
    } catch (error) {
      await this.post({
        kind: 'error',
        message: `The health check could not run: ${(error as Error).message}`,
      });
    }
  }

  private async post(message: HostMessage): Promise<void> {
    this.last = message;
    if (!this.disposed) await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    HealthReportPanel.current = undefined;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
  }
}
