import type * as vscode from 'vscode';
import { webviewTypes } from '../ids';
import { checkLmoHealth, type HealthReport } from '../lma/workflows/healthCheck';
import { parseHealthMessage, type HealthMessage, type HostMessage } from '../protocol/healthReport';
import type { Services } from '../services';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';

export type HealthServices = Pick<Services, 'extensionUri' | 'session' | 'log' | 'openExternal'>;

const TITLE = 'LMO Health';
const ONE = 'health';

/** "LMA: Check LMO Health": one report panel; showing it again runs the checks again. */
export class HealthReportPanel {
  private static readonly open = new PanelRegistry<HealthReportPanel>();
  static readonly viewType = webviewTypes.healthReport;

  static show(services: HealthServices): void {
    const { panel } = HealthReportPanel.open.show(ONE, () => {
      const webviewPanel = createWebviewPanel(
        services.extensionUri,
        HealthReportPanel.viewType,
        TITLE,
        'healthReport',
      );
      return new HealthReportPanel(services, webviewPanel);
    });
    void panel.check();
  }

  /** Reopens the report after a window reload: the checks run again (a report is a moment of the LMO). */
  static register(services: HealthServices): vscode.Disposable {
    return registerPanelSerializer(HealthReportPanel.viewType, (webviewPanel) => {
      showPage(webviewPanel, services.extensionUri, 'healthReport', TITLE);
      if (HealthReportPanel.open.get(ONE)) return webviewPanel.dispose();
      const panel = HealthReportPanel.open.add(ONE, new HealthReportPanel(services, webviewPanel));
      // The window is connecting to its LMO again: the checks run once it is there.
      if (services.session.state.kind !== 'connecting') return void panel.check();
      void panel.post({ kind: 'checking' });
      const connected = services.session.onDidChangeState((state) => {
        if (state.kind === 'connecting') return;
        connected.dispose();
        void panel.check();
      });
      panel.host.own(connected);
    });
  }

  readonly host: WebviewHost<HealthMessage, HostMessage, null>;
  private report: HealthReport | undefined;
  private last: HostMessage | undefined;

  private constructor(
    private readonly services: HealthServices,
    panel: vscode.WebviewPanel,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'LMO health report',
      parse: parseHealthMessage,
      subject: null,
      log: services.log,
    });
    this.host.onMessage((message) => this.handle(message));
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
        await this.services.openExternal(url);
        return;
      }
    }
  }

  private async check(): Promise<void> {
    const state = this.services.session.state;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed') {
      await this.post({
        kind: 'error',
        message: 'Connect your License Management Org first: the checks run there.',
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
    await this.host.post(message);
  }
}
