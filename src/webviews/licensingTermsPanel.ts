import * as vscode from 'vscode';
import { commands, webviewTypes } from '../ids';
import type { LicensingTerms } from '../lma/rules/licensingTerms';
import { entryRevision, planTermsSave } from '../lma/project/projectTerms';
import type { Package } from '../lma/records/types';
import { applyLocalPartnerConsoleTerms, isLocalOrgUrl } from '../org/localOrg';
import {
  parseFormMessage,
  PARTNER_CONSOLE_URL,
  type FileState,
  type FormMessage,
  type FormState,
  type HostMessage,
  type LmoState,
  type SaveOutcome,
} from '../protocol/licensingTerms';
import type { Services } from '../services';
import { PanelRegistry, refusedSave, WebviewHost } from './host/webviewHost';
import { panelPort, registerPanelSerializer } from './host/vscodePanel';
import { createWebviewPanel, showPage } from './host/webviewHtml';

const NO_PROJECT =
  'This workspace has no sfdx-project.json. Open the folder of your Salesforce DX project: the terms are kept in its sfdx-project.json, next to the package aliases.';

/** Which package the form edits: its alias in sfdx-project.json, and its LMO record when known. */
export interface TermsTarget {
  packageName: string;
  alias: string;
  /** The LMO package has no alias in the project: Save declares `alias` → this 033 id. */
  addAlias: { alias: string; packageId: string } | undefined;
  lmoPackage: Package | undefined;
}

export type TermsFormServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'packages' | 'project' | 'testInstalls' | 'openExternal'
>;

/**
 * The default-licensing form of one package: a webview that edits the package's entry under
 * `plugins.lma.defaultLicensing` in sfdx-project.json. One panel per package; showing it again reveals it.
 */
export class LicensingTermsPanel {
  private static readonly open = new PanelRegistry<LicensingTermsPanel>();
  static readonly viewType = webviewTypes.licensingTerms;

  static show(services: TermsFormServices, target: TermsTarget): LicensingTermsPanel {
    return LicensingTermsPanel.open.show(target.alias, () => {
      const panel = createWebviewPanel(
        services.extensionUri,
        LicensingTermsPanel.viewType,
        titleOf(target),
        'licensingTerms',
      );
      return new LicensingTermsPanel(services, panel, target);
    }).panel;
  }

  /** Reopens the forms after a window reload, with the unsaved draft each page kept. */
  static register(services: TermsFormServices): vscode.Disposable {
    return registerPanelSerializer(LicensingTermsPanel.viewType, (panel, saved) => {
      const target = targetOf(saved?.subject);
      if (!target || LicensingTermsPanel.open.get(target.alias)) return panel.dispose();
      showPage(panel, services.extensionUri, 'licensingTerms', titleOf(target));
      LicensingTermsPanel.open.add(
        target.alias,
        new LicensingTermsPanel(services, panel, target, saved?.state),
      );
    });
  }

  readonly host: WebviewHost<FormMessage, HostMessage, TermsTarget>;

  private constructor(
    private readonly services: TermsFormServices,
    panel: vscode.WebviewPanel,
    private readonly target: TermsTarget,
    restoredState?: unknown,
  ) {
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Default licensing form',
      parse: parseFormMessage,
      subject: target,
      log: services.log,
      ...refusedSave,
      draftOutlivesPanel: true,
      restoredState,
    });
    this.host.onMessage((message) => this.handle(message));
    this.host.own(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.isProjectFile(event.document.uri)) void this.postState();
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (this.isProjectFile(document.uri)) void this.postState();
      }),
      services.session.onDidChangeState(() => void this.postState()),
      services.testInstalls.onDidChange(() => void this.postState()),
    );
  }

  private async handle(message: FormMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
        return this.postState();
      case 'save': {
        const outcome = await this.save(message.terms, message.revision).catch((error: unknown) => {
          // The plan refuses what it can foresee with a message; anything else still gets an answer.
          this.services.log.error(`Default licensing of ${this.target.alias}: ${String(error)}`);
          return { kind: 'rejected', message: `The save failed: ${(error as Error).message}` } as const;
        });
        await this.post({ kind: 'saveResult', outcome });
        return this.postState();
      }
      case 'openFile':
        return this.openFile();
      case 'openPartnerConsole':
        await this.services.openExternal(PARTNER_CONSOLE_URL);
        return;
      case 'runTestInstall': {
        // The command's own steps (version, test org) follow; a package the LMO doesn't know is picked there.
        const pkg = this.target.lmoPackage;
        await vscode.commands.executeCommand(
          commands.runTestInstall,
          pkg ? { kind: 'package', pkg } : undefined,
        );
        return;
      }
    }
  }

  /** Writes the terms through a WorkspaceEdit (undoable, open editors stay in sync), never over a change. */
  private async save(terms: LicensingTerms, revision: string): Promise<SaveOutcome> {
    const document = await this.openProject();
    if (!document) return { kind: 'rejected', message: NO_PROJECT };
    const uri = document.uri;
    const plan = planTermsSave(document.getText(), this.target.alias, terms, revision, this.target.addAlias);
    if (plan.kind !== 'write') {
      this.services.log.info(`Default licensing of ${this.target.alias}: ${plan.message}`);
      return plan;
    }
    const wasDirty = document.isDirty;
    const edit = new vscode.WorkspaceEdit();
    for (const change of plan.edits)
      edit.replace(
        uri,
        new vscode.Range(
          document.positionAt(change.offset),
          document.positionAt(change.offset + change.length),
        ),
        change.content,
      );
    if (!(await vscode.workspace.applyEdit(edit)))
      return { kind: 'rejected', message: 'VS Code did not apply the edit to sfdx-project.json.' };
    // Saving a file that held someone's unsaved edits would write those too: leave that to the user.
    if (!wasDirty) await document.save();
    const written = wasDirty
      ? 'Written to sfdx-project.json in the editor, which has unsaved changes: save the file to keep them.'
      : 'Saved to sfdx-project.json.';
    return { kind: 'saved', message: `${written}${await this.applyToLocalOrg(terms)}` };
  }

  /** On the local org, the Partner Console takes the terms too, so the next test install uses them. */
  private async applyToLocalOrg(terms: LicensingTerms): Promise<string> {
    const state = this.services.session.state;
    if (state.kind !== 'connected' || !isLocalOrgUrl(state.org.instanceUrl)) return '';
    const packageRef =
      this.target.lmoPackage?.packageId ?? this.target.addAlias?.packageId ?? this.target.alias;
    try {
      await applyLocalPartnerConsoleTerms(state.org.instanceUrl, packageRef, terms);
      return " The local org's Partner Console now uses these terms for new installs.";
    } catch (error) {
      this.services.log.error(`Local Partner Console: ${(error as Error).message}`);
      return ` The local org's Partner Console did not take them: ${(error as Error).message}`;
    }
  }

  private async postState(): Promise<void> {
    // A hidden form's page is torn down: it gets the state when it says `ready` again.
    if (!this.host.isReady) return;
    await this.post({ kind: 'state', state: await this.formState() });
  }

  private async formState(): Promise<FormState> {
    const last = this.services.testInstalls.lastFor(
      this.target.lmoPackage?.packageId ?? this.target.addAlias?.packageId,
    );
    return {
      packageName: this.target.packageName,
      lastTestInstall: last && {
        outcome: last.outcome,
        versionName: last.versionName,
        finishedAt: last.finishedAt,
      },
      alias: this.target.alias,
      file: await this.fileState(),
      lmo: await this.lmoState(),
    };
  }

  private async fileState(): Promise<FileState> {
    const document = await this.openProject();
    if (!document) return { kind: 'missing', message: NO_PROJECT };
    const path = vscode.workspace.asRelativePath(document.uri);
    const read = await this.services.project.facts();
    if (!read) return { kind: 'missing', message: NO_PROJECT };
    if (read.parseError) return { kind: 'malformed', path, ...read.parseError };
    const entry = read.entries.get(this.target.alias);
    return {
      kind: 'ok',
      path,
      terms: entry?.terms,
      problems: entry?.problems.map((problem) => problem.message) ?? [],
      revision: entryRevision(read, this.target.alias),
      addsAlias:
        this.target.addAlias && !read.packageAliases.includes(this.target.addAlias.alias)
          ? this.target.addAlias.alias
          : undefined,
      dirty: document.isDirty,
    };
  }

  private async lmoState(): Promise<LmoState> {
    const state = this.services.session.state;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed') return { kind: 'disconnected' };
    const packages = await this.services.packages().catch(() => []);
    const lmoPackage = packages.find((pkg) => pkg.id === this.target.lmoPackage?.id);
    return {
      kind: 'connected',
      orgLabel: state.org.alias ?? state.org.username,
      isLocalOrg: isLocalOrgUrl(state.org.instanceUrl),
      associated: !!lmoPackage,
      licenseCounts: lmoPackage?.licenseCounts ?? {},
    };
  }

  /** The project file as the editor holds it (unsaved changes included); undefined when there is none. */
  private async openProject(): Promise<vscode.TextDocument | undefined> {
    const uri = this.services.project.projectFile();
    return uri && vscode.workspace.openTextDocument(uri).then(undefined, () => undefined);
  }

  private async openFile(): Promise<void> {
    const document = await this.openProject();
    if (!document) return;
    const offset = (await this.services.project.facts())?.parseError?.offset ?? 0;
    const position = document.positionAt(offset);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      selection: new vscode.Range(position, position),
    });
  }

  private isProjectFile(uri: vscode.Uri): boolean {
    return uri.toString() === this.services.project.projectFile()?.toString();
  }

  private async post(message: HostMessage): Promise<void> {
    await this.host.post(message);
  }
}

function titleOf(target: TermsTarget): string {
  return `Default Licensing: ${target.packageName}`;
}

/** The package a page saved, checked (the page's state is no more trusted than its messages). */
function targetOf(saved: unknown): TermsTarget | undefined {
  const target = saved as Partial<Record<keyof TermsTarget, unknown>> | null | undefined;
  if (typeof target !== 'object' || target === null) return undefined;
  const { packageName, alias, addAlias, lmoPackage } = target;
  if (typeof packageName !== 'string' || typeof alias !== 'string' || !alias) return undefined;
  const add = addAlias as Partial<Record<'alias' | 'packageId', unknown>> | null | undefined;
  const addsAlias =
    typeof add?.alias === 'string' && typeof add.packageId === 'string'
      ? { alias: add.alias, packageId: add.packageId }
      : undefined;
  const pkg = lmoPackage as Partial<Package> | null | undefined;
  return {
    packageName,
    alias,
    addAlias: addsAlias,
    lmoPackage:
      typeof pkg?.id === 'string' && (pkg.packageId === undefined || typeof pkg.packageId === 'string')
        ? (pkg as Package)
        : undefined,
  };
}
