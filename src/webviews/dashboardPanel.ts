import * as vscode from 'vscode';
import { loadDashboard, type DashboardFigure } from '../lma/records/dashboard';
import type { Package } from '../lma/records/types';
import type { SavedPage } from '../protocol/messages';
import { parseDashboardMessage, type DashboardMessage, type HostMessage } from '../protocol/dashboard';
import { webviewTypes } from '../ids';
import type { Services } from '../services';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';

export type DashboardServices = Pick<Services, 'extensionUri' | 'session' | 'log' | 'showFigure'>;

/** The package a dashboard is scoped to (none: the whole LMO); what a reloaded window reopens. */
type DashboardSubject = { packageRecordId: string; packageName: string } | null;

/** The dashboard of the LMO or of one package: one panel per scope; showing it again reveals it. */
export class DashboardPanel {
  private static readonly open = new PanelRegistry<DashboardPanel>();
  static readonly viewType = webviewTypes.dashboard;

  static show(services: DashboardServices, pkg: Package | undefined): void {
    const subject: DashboardSubject = pkg ? { packageRecordId: pkg.id, packageName: pkg.name } : null;
    DashboardPanel.open.show(keyOf(subject), () => {
      const panel = createWebviewPanel(
        services.extensionUri,
        DashboardPanel.viewType,
        titleOf(subject),
        'dashboard',
      );
      return new DashboardPanel(services, panel, subject);
    });
  }

  /** Reopens a dashboard after a window reload (its scope is what the page saved). */
  static register(services: DashboardServices): vscode.Disposable {
    return registerPanelSerializer(DashboardPanel.viewType, (panel, saved) => {
      const subject = subjectOf(saved);
      showPage(panel, services.extensionUri, 'dashboard', titleOf(subject));
      DashboardPanel.open.add(keyOf(subject), new DashboardPanel(services, panel, subject));
    });
  }

  readonly host: WebviewHost<DashboardMessage, HostMessage, DashboardSubject>;

  private constructor(
    private readonly services: DashboardServices,
    panel: vscode.WebviewPanel,
    private readonly subject: DashboardSubject,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Dashboard',
      parse: parseDashboardMessage,
      subject,
      log: services.log,
    });
    // `ready` and `refresh` both load; a figure opens its Licenses in the tree.
    this.host.onMessage((message) =>
      message.kind === 'openFigure' ? this.openFigure(message.figure) : this.load(),
    );
    this.host.own(services.session.onDidChangeState(() => void this.load()));
  }

  /** Lists the Licenses a figure counts in the tree's results node (a failure is logged and shown; the figures stay). */
  private async openFigure(figure: DashboardFigure): Promise<void> {
    try {
      await this.services.showFigure(figure, this.subject ?? undefined);
    } catch (error) {
      this.services.log.error(`Dashboard: listing a figure's Licenses failed: ${String(error)}`);
      void vscode.window.showErrorMessage(
        `Open the Licenses: the LMO did not answer: ${(error as Error).message}`,
      );
    }
  }

  /** Loads the figures (five aggregate queries and the user's time zone) and posts them. */
  private async load(): Promise<void> {
    const state = this.services.session.state;
    let message: HostMessage;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed')
      message = { kind: 'error', message: 'No License Management Org is connected.' };
    else
      try {
        const data = await loadDashboard(this.services.session, this.subject ?? undefined);
        message = {
          kind: 'data',
          data,
          orgLabel: state.org.alias ?? state.org.username,
          loadedAt: new Date().toISOString(),
        };
      } catch (error) {
        message = { kind: 'error', message: `The LMO did not answer: ${(error as Error).message}` };
      }
    await this.host.post(message);
  }
}

function keyOf(subject: DashboardSubject): string {
  return subject?.packageRecordId ?? 'lmo';
}

function titleOf(subject: DashboardSubject): string {
  return subject ? `Dashboard: ${subject.packageName}` : 'LMO Dashboard';
}

/** The scope a page saved, checked: the page is a web page, its state is no more trusted than its messages. */
function subjectOf(saved: SavedPage | undefined): DashboardSubject {
  const subject = saved?.subject as Record<string, unknown> | null | undefined;
  return subject && typeof subject.packageRecordId === 'string' && typeof subject.packageName === 'string'
    ? { packageRecordId: subject.packageRecordId, packageName: subject.packageName }
    : null;
}
