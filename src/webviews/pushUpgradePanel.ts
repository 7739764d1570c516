import type * as vscode from 'vscode';
import { settings, webviewTypes } from '../ids';
import type { LmoApi } from '../lma/records/lmoApi';
import { scopeForVersion, type PushScope } from '../lma/records/pushUpgrade';
import type { Package } from '../lma/records/types';
import { formOfSelection } from '../lma/rules/pushSelection';
import { targetProblem } from '../lma/rules/pushUpgrade';
import type { SavedPage } from '../protocol/messages';
import {
  parseForm,
  parsePushUpgradeMessage,
  type HostMessage,
  type PushUpgradeMessage,
  type SelectionForm,
} from '../protocol/pushUpgrade';
import type { Services } from '../services';
import { ingestThreshold } from '../state/ingestSettings';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';
import { PushUpgradeFlow, type PushFlowPorts } from './pushUpgradeFlow';

export type PushUpgradeServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'askConfirmation' | 'packages' | 'ingestJobsOf'
>;

/** What the panel asks of the commands (src/commands/pushUpgradeCommands.ts): the pipeline and the watch flow. */
export interface PushUpgradeActions {
  /** The package's owner org, as the command chose it (remembered per package). */
  owner(pkg: Package): Promise<LmoApi | undefined>;
  run: PushFlowPorts['run'];
  watch: PushFlowPorts['watch'];
  showRequest: PushFlowPorts['showRequest'];
  /** A schedule, finish or abort changed the package's push requests (its Push Upgrades node reads them again). */
  requestsChanged(packageId: string | undefined): void;
  /** "Load from File…": an open dialog and the file's org ids, or why none; undefined: dismissed. */
  loadOrgIds(): Promise<
    { fileName: string; ids: string[] } | { fileName: string; problem: string } | undefined
  >;
}

/** The version pushed to and the filters the panel opened with; what a reloaded window reopens. */
export interface PushUpgradeSubject {
  /** The 04t id. */
  versionId: string;
  title: string;
  form: SelectionForm;
}

/** Choose the orgs, preview and schedule a push to one version: one panel per version. */
export class PushUpgradePanel {
  private static readonly open = new PanelRegistry<PushUpgradePanel>();
  static readonly viewType = webviewTypes.pushUpgrade;

  /** Opens the panel of this version, or reveals it with these filters. */
  static show(services: PushUpgradeServices, actions: PushUpgradeActions, subject: PushUpgradeSubject): void {
    const { panel, created } = PushUpgradePanel.open.show(subject.versionId, () => {
      const webview = createWebviewPanel(
        services.extensionUri,
        PushUpgradePanel.viewType,
        subject.title,
        'pushUpgrade',
      );
      return new PushUpgradePanel(services, actions, webview, subject);
    });
    if (!created) void panel.prefill(subject.form);
  }

  /** Reopens a push panel after a window reload, with the filters it last had. */
  static register(services: PushUpgradeServices, actions: PushUpgradeActions): vscode.Disposable {
    return registerPanelSerializer(PushUpgradePanel.viewType, (webview, saved) => {
      const subject = subjectOf(saved);
      if (!subject) {
        webview.dispose();
        return;
      }
      showPage(webview, services.extensionUri, 'pushUpgrade', subject.title);
      PushUpgradePanel.open.add(
        subject.versionId,
        new PushUpgradePanel(services, actions, webview, subject, saved?.state),
      );
    });
  }

  readonly host: WebviewHost<PushUpgradeMessage, HostMessage, PushUpgradeSubject>;
  private flow: Promise<PushUpgradeFlow | undefined> | undefined;
  private form: SelectionForm;
  private revision = 0;

  private constructor(
    private readonly services: PushUpgradeServices,
    private readonly actions: PushUpgradeActions,
    panel: vscode.WebviewPanel,
    private readonly subject: PushUpgradeSubject,
    restoredState?: unknown,
  ) {
    this.form = subject.form;
    // The page's draft after a reload was made from this revision of the filters (a number, or nothing).
    const kept = (restoredState as { revision?: unknown } | undefined)?.revision;
    if (typeof kept === 'number' && Number.isSafeInteger(kept) && kept >= 0) this.revision = kept;
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Push Upgrade panel',
      parse: parsePushUpgradeMessage,
      subject,
      log: services.log,
      rejectedNote: 'nothing was written',
      onRejected: () => ({
        kind: 'scheduleResult',
        outcome: { kind: 'notScheduled', message: 'The panel sent a message the extension does not accept.' },
      }),
      restoredState,
    });
    this.host.onMessage((message) => this.receive(message));
  }

  /** New filters for an open panel (a command run again with another selection). */
  private async prefill(form: SelectionForm): Promise<void> {
    this.form = form;
    this.revision++;
    const flow = await this.flowOf();
    flow?.newSelection();
    if (flow) await this.postScope();
  }

  private async receive(message: PushUpgradeMessage): Promise<void> {
    if (message.kind === 'loadOrgIds') return this.loadOrgIds();
    const flow = await this.flowOf();
    if (message.kind === 'ready') {
      if (!flow) return;
      const shown = flow.pageReady();
      await this.postScope();
      for (const again of shown) await this.host.post(again);
      return;
    }
    if (!flow) return;
    await flow.receive(message);
  }

  private async loadOrgIds(): Promise<void> {
    let loaded: Awaited<ReturnType<PushUpgradeActions['loadOrgIds']>>;
    try {
      loaded = await this.actions.loadOrgIds();
    } catch (error) {
      await this.host.post({
        kind: 'orgIdsFileError',
        message: `The file can't be read: ${(error as Error).message}`,
      });
      return;
    }
    if (!loaded) return;
    await this.host.post(
      'problem' in loaded
        ? { kind: 'orgIdsFileError', message: loaded.problem }
        : { kind: 'orgIdsLoaded', fileName: loaded.fileName, ids: loaded.ids },
    );
  }

  private async postScope(): Promise<void> {
    const scope = await this.scope();
    if ('scope' in scope)
      await this.host.post({
        kind: 'scope',
        packageName: scope.scope.target.packageName ?? '',
        versionNumber: scope.scope.target.versionNumber ?? scope.scope.target.versionId,
        form: this.form,
        revision: this.revision,
      });
  }

  /** The flow of this panel's version, once the LMO's packages are loaded; undefined (and said) when it can't be pushed. */
  private flowOf(): Promise<PushUpgradeFlow | undefined> {
    this.flow ??= this.scope().then(async (found) => {
      if ('problem' in found) {
        await this.host.post({ kind: 'error', message: found.problem });
        this.flow = undefined;
        return undefined;
      }
      const { services, actions } = this;
      const scope: PushScope = found.scope;
      return new PushUpgradeFlow(scope, {
        lmo: services.session,
        owner: async () => {
          const pkg = (await services.packages()).find((p) => p.id === scope.packageRecordId);
          return pkg && actions.owner(pkg);
        },
        post: (message) => this.host.post(message),
        askConfirmation: services.askConfirmation,
        run: actions.run,
        watch: actions.watch,
        showRequest: actions.showRequest,
        requestsChanged: () => actions.requestsChanged(scope.target.packageId),
        ingest: (owner) => ({
          ingestJobs: services.ingestJobsOf(owner),
          ingestThreshold: ingestThreshold(settings.pushIngestThreshold),
        }),
        log: services.log,
      });
    });
    return this.flow;
  }

  private async scope(): Promise<{ scope: PushScope } | { problem: string }> {
    try {
      const found = scopeForVersion(await this.services.packages(), this.subject.versionId);
      if ('problem' in found) return found;
      const problem = targetProblem(found.scope.target);
      return problem ? { problem } : found;
    } catch (error) {
      return { problem: `The LMO did not answer: ${(error as Error).message}` };
    }
  }
}

/** The subject a page saved, checked: the page is a web page, its state is no more trusted than its messages. */
function subjectOf(saved: SavedPage | undefined): PushUpgradeSubject | undefined {
  const subject = saved?.subject as Record<string, unknown> | null | undefined;
  if (!subject || typeof subject.versionId !== 'string' || typeof subject.title !== 'string')
    return undefined;
  const form = parseForm(subject.form);
  return {
    versionId: subject.versionId,
    title: subject.title,
    form: typeof form === 'string' ? formOfSelection() : form,
  };
}
