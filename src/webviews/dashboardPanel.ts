import type * as vscode from 'vscode';
import { loadDashboard } from '../lma/records/dashboard';
import type { Package } from '../lma/records/types';
import { parseDashboardMessage, type HostMessage } from '../protocol/dashboard';
import { webviewTypes } from '../ids';
import type { Services } from '../services';
import { createWebviewPanel } from './webviewHtml';

export type DashboardServices = Pick<Services, 'extensionUri' | 'session' | 'log'>;

/** The dashboard of the LMO or of one package: one panel per scope; showing it again reveals it. */
export class DashboardPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DashboardPanel>();
  static readonly viewType = webviewTypes.dashboard;

  static show(services: DashboardServices, pkg: Package | undefined): void {
    const key = pkg?.id ?? 'lmo';
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    DashboardPanel.open.set(key, new DashboardPanel(services, pkg, key));
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    private readonly services: DashboardServices,
    private readonly pkg: Package | undefined,
    private readonly key: string,
  ) {
    const title = pkg ? `Dashboard: ${pkg.name}` : 'LMO Dashboard';
    this.panel = createWebviewPanel(services.extensionUri, DashboardPanel.viewType, title, 'dashboard');
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = parseDashboardMessage(raw);
        if ('error' in parsed) services.log.warn(`Dashboard: rejected a message (${parsed.error}).`);
        else void this.load();
      }),
      services.session.onDidChangeState(() => void this.load()),
    );
  }

  /** Loads the figures (five aggregate queries and the user's time zone) and posts them; `ready` and `refresh` both load. */
  private async load(): Promise<void> {
    const state = this.services.session.state;
    let message: HostMessage;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed')
      message = { kind: 'error', message: 'No License Management Org is connected.' };
    else
      try {
        const data = await loadDashboard(
          this.services.session,
          this.pkg && { packageRecordId: this.pkg.id, packageName: this.pkg.name },
        );
        message = {
          kind: 'data',
          data,
          orgLabel: state.org.alias ?? state.org.username,
          loadedAt: new Date().toISOString(),
        };
      } catch (error) {
        message = { kind: 'error', message: `The LMO did not answer: ${(error as Error).message}` };
      }
    if (!this.disposed) await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    DashboardPanel.open.delete(this.key);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
  }
}
