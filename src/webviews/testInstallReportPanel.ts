import * as vscode from 'vscode';
import type { TestInstallReport } from '../lma/workflows/testInstall';
import type { SavedPage } from '../protocol/messages';
import { parseReportMessage, type HostMessage, type ReportMessage } from '../protocol/testInstallReport';
import type { Services } from '../services';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';
import { commands, webviewTypes } from '../ids';

export type ReportServices = Pick<Services, 'extensionUri' | 'log' | 'showLicenses'>;

const ONE = 'report';

/** The report of a test install: one panel, showing the latest report it was given. */
export class TestInstallReportPanel {
  private static readonly open = new PanelRegistry<TestInstallReportPanel>();
  static readonly viewType = webviewTypes.testInstallReport;

  static show(services: ReportServices, report: TestInstallReport): void {
    const { panel } = TestInstallReportPanel.open.show(ONE, () => {
      const webviewPanel = createWebviewPanel(
        services.extensionUri,
        TestInstallReportPanel.viewType,
        'Test Install',
        'testInstallReport',
      );
      return new TestInstallReportPanel(services, webviewPanel);
    });
    void panel.showReport(report);
  }

  /** Reopens the report after a window reload, from the report its page kept (it never holds the key). */
  static register(services: ReportServices): vscode.Disposable {
    return registerPanelSerializer(TestInstallReportPanel.viewType, (webviewPanel, saved) => {
      const report = reportOf(saved);
      if (!report || TestInstallReportPanel.open.get(ONE)) return webviewPanel.dispose();
      showPage(webviewPanel, services.extensionUri, 'testInstallReport', titleOf(report));
      const panel = TestInstallReportPanel.open.add(ONE, new TestInstallReportPanel(services, webviewPanel));
      void panel.showReport(report);
    });
  }

  readonly host: WebviewHost<ReportMessage, HostMessage, null>;
  private report: TestInstallReport | undefined;

  private constructor(
    private readonly services: ReportServices,
    panel: vscode.WebviewPanel,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Test install report',
      parse: parseReportMessage,
      subject: null,
      log: services.log,
    });
    this.host.onMessage((message) => this.handle(message));
  }

  private async showReport(report: TestInstallReport): Promise<void> {
    this.report = report;
    this.host.setTitle(titleOf(report));
    this.host.reveal();
    await this.host.post({ kind: 'report', report });
  }

  private async handle(message: ReportMessage): Promise<void> {
    const report = this.report;
    switch (message.kind) {
      case 'ready':
        // A rebuilt webview shows the report again.
        if (report) await this.host.post({ kind: 'report', report });
        return;
      case 'showLicense':
        if (report) await this.services.showLicenses(report.targetOrg.orgId, report.packageName);
        return;
      case 'editTerms':
        await vscode.commands.executeCommand(commands.editDefaultLicensing);
        return;
    }
  }
}

function titleOf(report: TestInstallReport): string {
  return `Test Install: ${report.packageName} ${report.versionName}`;
}

/** The report a page saved, if it has a report's shape (the page's state is no more trusted than its messages). */
function reportOf(saved: SavedPage | undefined): TestInstallReport | undefined {
  const report = saved?.state as Partial<TestInstallReport> | undefined;
  const org = report?.targetOrg as Partial<TestInstallReport['targetOrg']> | undefined;
  return typeof report === 'object' &&
    report !== null &&
    typeof report.packageName === 'string' &&
    typeof report.versionName === 'string' &&
    typeof org?.orgId === 'string' &&
    Array.isArray(report.checks) &&
    Array.isArray(report.messages)
    ? (report as TestInstallReport)
    : undefined;
}
