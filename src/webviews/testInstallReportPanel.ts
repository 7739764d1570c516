import * as vscode from 'vscode';
import type { TestInstallReport } from '../lma/workflows/testInstall';
import { parseReportMessage, type HostMessage, type ReportMessage } from '../protocol/testInstallReport';
import type { Services } from '../services';
import { createWebviewPanel } from './webviewHtml';
import { commands, webviewTypes } from '../ids';

export type ReportServices = Pick<Services, 'extensionUri' | 'log' | 'showLicenses'>;

/** The report of a test install: one panel, showing the latest report it was given. */
export class TestInstallReportPanel implements vscode.Disposable {
  private static current: TestInstallReportPanel | undefined;
  static readonly viewType = webviewTypes.testInstallReport;

  static show(services: ReportServices, report: TestInstallReport): void {
    const panel = (TestInstallReportPanel.current ??= new TestInstallReportPanel(services));
    panel.report = report;
    panel.panel.title = `Test Install: ${report.packageName} ${report.versionName}`;
    panel.panel.reveal();
    void panel.post();
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private report: TestInstallReport | undefined;
  private ready = false;
  private disposed = false;

  private constructor(private readonly services: ReportServices) {
    this.panel = createWebviewPanel(
      services.extensionUri,
      TestInstallReportPanel.viewType,
      'Test Install',
      'testInstallReport',
    );
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseReportMessage(raw);
    if ('error' in parsed) {
      this.services.log.warn(`Test install report: rejected a message (${parsed.error}).`);
      return;
    }
    await this.handle(parsed.message);
  }

  private async handle(message: ReportMessage): Promise<void> {
    const report = this.report;
    switch (message.kind) {
      case 'ready':
        this.ready = true;
        return this.post();
      case 'showLicense':
        if (report) await this.services.showLicenses(report.targetOrg.orgId);
        return;
      case 'editTerms':
        await vscode.commands.executeCommand(commands.editDefaultLicensing);
        return;
    }
  }

  private async post(): Promise<void> {
    if (!this.ready || !this.report) return;
    const message: HostMessage = { kind: 'report', report: this.report };
    await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    TestInstallReportPanel.current = undefined;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
  }
}
