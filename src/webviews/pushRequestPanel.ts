import * as vscode from 'vscode';
import { pushRequestActions, isRunning } from '../lma/rules/pushRequests';
import { pollDelay, type PushFailure } from '../lma/rules/pushUpgrade';
import type { Package } from '../lma/records/types';
import { loadPushRequestView, type PushRequestView } from '../lma/workflows/pushRequests';
import {
  parsePushRequestMessage,
  parsePushRequestSubject,
  type HostMessage,
  type PushRequestMessage,
  type PushRequestSubject,
} from '../protocol/pushRequest';
import { commands, webviewTypes } from '../ids';
import type { Services } from '../services';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';

export type PushRequestServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'packages' | 'knownPushOwner'
>;

/** What the tree's request commands take: the request's package and the request as last read. */
export interface PushRequestTarget {
  pkg: Package;
  request: { id: string; versionId: string; status: string; jobs: Record<string, number> };
}

/** Writes a request's failures as CSV where the user chooses (the commands layer owns files). */
export type FailuresExport = (requestId: string, failures: readonly PushFailure[]) => Promise<void>;

/**
 * One push request: its status, schedule, start and end, jobs by status and failures grouped by error
 * type and title (with the customers' names from the LMO); Retry Failed Orgs…, Abort, Export Failures as
 * CSV, Refresh. Read again with backoff while it runs and the panel is open. One panel per request.
 */
export class PushRequestPanel {
  private static readonly open = new PanelRegistry<PushRequestPanel>();
  private static readonly all = new Set<PushRequestPanel>();
  private static exporter: FailuresExport | undefined;

  /** How "Export Failures as CSV" writes its file (set once when the commands are built). */
  static useExport(exporter: FailuresExport): void {
    PushRequestPanel.exporter = exporter;
  }
  static readonly viewType = webviewTypes.pushRequest;

  static show(services: PushRequestServices, subject: PushRequestSubject): void {
    PushRequestPanel.open.show(subject.requestId, () => {
      const panel = createWebviewPanel(
        services.extensionUri,
        PushRequestPanel.viewType,
        titleOf(subject),
        'pushRequest',
      );
      return new PushRequestPanel(services, panel, subject);
    });
  }

  /** Reads every open request view again (after a retry or an abort elsewhere). */
  static refreshAll(): void {
    for (const panel of PushRequestPanel.all) void panel.load();
  }

  /** Reopens a request view after a window reload (its request is what the page saved). */
  static register(services: PushRequestServices): vscode.Disposable {
    return registerPanelSerializer(PushRequestPanel.viewType, (panel, saved) => {
      const subject = parsePushRequestSubject(saved?.subject);
      if (!subject) {
        panel.dispose();
        return;
      }
      showPage(panel, services.extensionUri, 'pushRequest', titleOf(subject));
      PushRequestPanel.open.add(subject.requestId, new PushRequestPanel(services, panel, subject));
    });
  }

  readonly host: WebviewHost<PushRequestMessage, HostMessage, PushRequestSubject>;
  private last: { pkg: Package; view: PushRequestView } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private loading: Promise<void> | undefined;

  private constructor(
    private readonly services: PushRequestServices,
    panel: vscode.WebviewPanel,
    private readonly subject: PushRequestSubject,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Push request',
      parse: parsePushRequestMessage,
      subject,
      log: services.log,
    });
    this.host.onMessage((message) => this.receive(message));
    this.host.own(services.session.onDidChangeState(() => void this.load()));
    PushRequestPanel.all.add(this);
    this.host.onDidDispose(() => {
      clearTimeout(this.timer);
      PushRequestPanel.all.delete(this);
    });
  }

  private async receive(message: PushRequestMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
      case 'refresh':
        this.attempt = 0;
        return this.load();
      case 'retry':
      case 'abort':
      case 'finish': {
        const target = this.target();
        if (!target) return;
        await vscode.commands.executeCommand(actionCommands[message.kind], target);
        this.attempt = 0;
        return this.load();
      }
      case 'exportCsv':
        return this.exportCsv();
    }
  }

  /** The request as this panel last read it: what its actions act on. */
  private target(): PushRequestTarget | undefined {
    return this.last && { pkg: this.last.pkg, request: this.last.view.state };
  }

  /** Reads the request (one at a time) and posts it; polls again later while it runs. */
  load(): Promise<void> {
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    let message: HostMessage;
    let running = false;
    try {
      const state = this.services.session.state;
      if (state.kind !== 'connected' || state.lma.kind !== 'installed')
        throw new Error('No License Management Org is connected.');
      const pkg = (await this.services.packages()).find((p) => p.id === this.subject.packageRecordId);
      if (!pkg) throw new Error(`The LMO has no package ${this.subject.packageName} any more.`);
      const owner = await this.services.knownPushOwner(pkg);
      if (!owner)
        throw new Error(
          `The org that owns ${pkg.name}'s pushes is not known: run Push Upgrade once to choose it.`,
        );
      const view = await loadPushRequestView(
        await owner.connect(),
        this.subject.requestId,
        this.services.session,
      );
      if (!view) throw new Error(`No push request ${this.subject.requestId} in the owner org.`);
      this.last = { pkg, view };
      running = isRunning(view.state.status);
      const version = pkg.versions.find(
        (v) => v.versionId?.slice(0, 15) === view.state.versionId.slice(0, 15),
      );
      message = {
        kind: 'data',
        data: {
          request: view.state,
          packageName: pkg.name,
          versionNumber: version?.versionNumber ?? undefined,
          owner: owner.label,
          groups: view.groups,
          actions: pushRequestActions(view.state),
          running,
        },
        loadedAt: new Date().toISOString(),
      };
    } catch (error) {
      message = { kind: 'error', message: (error as Error).message };
    }
    await this.host.post(message);
    if (running && !this.host.isDisposed)
      this.timer = setTimeout(() => void this.load(), pollDelay(this.attempt++));
  }

  /** "Export Failures as CSV": the failures last read, written where the user chooses. */
  private async exportCsv(): Promise<void> {
    const failures = this.last?.view.failures ?? [];
    if (!failures.length) {
      void vscode.window.showInformationMessage('No job of this request failed: nothing to export.');
      return;
    }
    await PushRequestPanel.exporter?.(this.subject.requestId, failures);
  }
}

const actionCommands = {
  retry: commands.retryPushRequest,
  abort: commands.abortPushRequest,
  finish: commands.finishPushRequest,
} as const;

function titleOf(subject: PushRequestSubject): string {
  return `Push Request ${subject.requestId.slice(0, 15)}: ${subject.packageName}`;
}
