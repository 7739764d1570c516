import * as vscode from 'vscode';
import type { SavedPage } from '../protocol/messages';
import { parseUsageMessage, type HostMessage, type UsageMessage, type UsageView } from '../protocol/usage';
import { commands, webviewTypes } from '../ids';
import type { Services } from '../services';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';

export type UsageServices = Pick<Services, 'extensionUri' | 'log' | 'showLicenses'>;

/** The package a usage panel shows: what a reloaded window reopens. */
export interface UsageSubject {
  packageRecordId: string;
  packageName: string;
}

/** Writes the shown usage as CSV (the command's, which may use the file adapter). */
export type UsageExport = (view: Extract<UsageView, { kind: 'usage' }>) => Promise<void>;

/**
 * The App Analytics usage of one package: one panel per package. It loads nothing itself: "Show Usage"
 * (src/commands/usageCommands.ts) runs the use case under its progress and hands the outcome here;
 * the page's Refresh and a reopened panel run that command again.
 */
export class UsagePanel {
  private static readonly panels = new PanelRegistry<UsagePanel>();
  static readonly viewType = webviewTypes.usage;

  /** Opens (or reveals) the package's panel, showing it is loading. */
  static open(services: UsageServices, subject: UsageSubject): UsagePanel {
    const { panel } = UsagePanel.panels.show(subject.packageRecordId, () => {
      const webview = createWebviewPanel(
        services.extensionUri,
        UsagePanel.viewType,
        titleOf(subject),
        'usage',
      );
      return new UsagePanel(services, webview, subject);
    });
    return panel;
  }

  /** The panel of a package if it is open. */
  static find(packageRecordId: string): UsagePanel | undefined {
    return UsagePanel.panels.get(packageRecordId);
  }

  /** Reopens a usage panel after a window reload (its package is what the page saved). */
  static register(services: UsageServices): vscode.Disposable {
    return registerPanelSerializer(UsagePanel.viewType, (webview, saved) => {
      const subject = subjectOf(saved);
      if (!subject) return webview.dispose();
      showPage(webview, services.extensionUri, 'usage', titleOf(subject));
      UsagePanel.panels.add(subject.packageRecordId, new UsagePanel(services, webview, subject));
    });
  }

  readonly host: WebviewHost<UsageMessage, HostMessage, UsageSubject>;
  private view: UsageView | undefined;
  private exporter: UsageExport | undefined;
  /** The command is loading for this panel (a new page's `ready` must not start a second load). */
  private pending = false;

  private constructor(
    private readonly services: UsageServices,
    panel: vscode.WebviewPanel,
    private readonly subject: UsageSubject,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Usage',
      parse: parseUsageMessage,
      subject,
      log: services.log,
    });
    this.host.onMessage((message) => this.receive(message));
  }

  /** What the command loaded (usage, or the report's explanation) and how to export it. */
  async show(view: UsageView, exporter: UsageExport): Promise<void> {
    this.view = view;
    this.exporter = exporter;
    this.pending = false;
    await this.host.post({ kind: 'view', view });
  }

  async loading(): Promise<void> {
    this.pending = true;
    await this.host.post({ kind: 'loading', packageName: this.subject.packageName });
  }

  private async receive(message: UsageMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
        // A page shown again has lost what it showed; a reopened panel has nothing yet: load it.
        if (this.pending) return this.loading();
        if (this.view) return this.host.post({ kind: 'view', view: this.view });
        return this.load(false);
      case 'refresh':
        return this.load(true);
      case 'exportCsv':
        if (this.view?.kind === 'usage' && this.exporter) await this.exporter(this.view);
        return;
      case 'showOrg':
        try {
          await this.services.showLicenses(message.orgId, this.subject.packageName);
        } catch (error) {
          this.services.log.error(`Usage: showing the License of ${message.orgId} failed: ${String(error)}`);
          void vscode.window.showErrorMessage(
            `Show the License of ${message.orgId}: the LMO did not answer: ${(error as Error).message}`,
          );
        }
    }
  }

  private async load(refresh: boolean): Promise<void> {
    await vscode.commands.executeCommand(commands.showUsage, this.subject, { refresh });
  }
}

function titleOf(subject: UsageSubject): string {
  return `Usage: ${subject.packageName}`;
}

/** The package a page saved, checked: the page's state is no more trusted than its messages. */
function subjectOf(saved: SavedPage | undefined): UsageSubject | undefined {
  const subject = saved?.subject as Record<string, unknown> | null | undefined;
  return subject && typeof subject.packageRecordId === 'string' && typeof subject.packageName === 'string'
    ? { packageRecordId: subject.packageRecordId, packageName: subject.packageName }
    : undefined;
}
