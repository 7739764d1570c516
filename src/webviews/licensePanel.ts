import * as vscode from 'vscode';
import { webviewTypes } from '../ids';
import { isoDate } from '../lma/rules/encodings';
import type { EditableLicense } from '../lma/rules/licenseChanges';
import { loadEditableLicense, loadLicenseHistory } from '../lma/workflows/licenseEdits';
import { toLmoError } from '../org/errors';
import {
  parseLicenseFormMessage,
  type LicenseFormMessage,
  type LicenseHostMessage,
  type LicenseSaveOutcome,
} from '../protocol/license';
import { confirmAndSave, describeOutcome } from '../lma/workflows/licenseSave';
import type { Services } from '../services';
import { createWebviewPanel } from './webviewHtml';

export type LicenseFormServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'licenseChanged' | 'askConfirmation'
>;

/**
 * The Modify License form of one License: current values, the change as a before/after diff, and the
 * License history. One panel per License; showing it again reveals it and reloads it.
 */
export class LicensePanel implements vscode.Disposable {
  private static readonly open = new Map<string, LicensePanel>();
  static readonly viewType = webviewTypes.license;

  static show(services: LicenseFormServices, licenseId: string, title: string): LicensePanel {
    const existing = LicensePanel.open.get(licenseId);
    if (existing) {
      existing.panel.reveal();
      void existing.postState();
      return existing;
    }
    const panel = new LicensePanel(services, licenseId, title);
    LicensePanel.open.set(licenseId, panel);
    return panel;
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  /** The License as last shown: a save is checked against this version. */
  private loaded: EditableLicense | undefined;
  private readonly orgId: string | undefined;

  private constructor(
    private readonly services: LicenseFormServices,
    private readonly licenseId: string,
    title: string,
  ) {
    const state = services.session.state;
    this.orgId = state.kind === 'connected' ? state.org.orgId : undefined;
    this.panel = createWebviewPanel(
      services.extensionUri,
      LicensePanel.viewType,
      `License ${title}`,
      'license',
    );
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      // A rebuilt (hidden, then shown) webview says `ready` again; until then nothing is posted.
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
      services.session.onDidChangeState((state) => {
        // Another org, or none: this License is not there.
        if (state.kind === 'connected' && state.org.orgId === this.orgId) void this.postState();
        else this.panel.dispose();
      }),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseLicenseFormMessage(raw);
    if ('error' in parsed) {
      this.services.log.warn(
        `Modify License form: rejected a message (${parsed.error}); nothing was written.`,
      );
      return this.post({
        kind: 'saveResult',
        outcome: { kind: 'rejected', message: 'The form sent a message the extension does not accept.' },
      });
    }
    await this.handle(parsed.message);
  }

  private async handle(message: LicenseFormMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
        this.ready = true;
        return this.postState();
      case 'reload':
        return this.postState();
      case 'openInSalesforce': {
        const url = await this.services.session.frontDoorUrl(`/${this.licenseId}`);
        await vscode.env.openExternal(vscode.Uri.parse(url));
        return;
      }
      case 'save': {
        const outcome = await this.save(message);
        await this.post({ kind: 'saveResult', outcome });
        if (outcome.kind === 'saved' || outcome.kind === 'conflict') await this.postState();
        return;
      }
    }
  }

  private async save(message: LicenseFormMessage & { kind: 'save' }): Promise<LicenseSaveOutcome> {
    const loaded = this.loaded;
    if (!loaded) return { kind: 'rejected', message: 'The License is not loaded yet.' };
    if (message.revision !== loaded.lastModifiedDate) {
      // The form shows an older version than the host: the user's values were made against it.
      const theirs = loaded;
      return {
        kind: 'conflict',
        theirs,
        message: `${loaded.name} changed while the form was open. Nothing was saved.`,
      };
    }
    try {
      const outcome = await confirmAndSave(
        this.services.session,
        loaded,
        message.change,
        'Save License',
        this.services.askConfirmation,
      );
      switch (outcome.kind) {
        case 'saved':
          this.services.licenseChanged();
          return {
            kind: 'saved',
            message: outcome.message,
            ...(outcome.lmaStatusBehind ? { lmaStatusBehind: outcome.lmaStatusBehind } : {}),
          };
        case 'conflict':
          return { kind: 'conflict', theirs: outcome.current, message: outcome.message };
        case 'cancelled':
          return { kind: 'cancelled', message: describeOutcome(outcome) };
        default:
          return { kind: 'rejected', message: describeOutcome(outcome) };
      }
    } catch (error) {
      return { kind: 'rejected', message: `Nothing was saved: ${toLmoError(error).message}` };
    }
  }

  private async postState(): Promise<void> {
    if (!this.ready) return;
    const { session } = this.services;
    try {
      const [license, history] = await Promise.all([
        loadEditableLicense(session, this.licenseId),
        loadLicenseHistory(session, this.licenseId),
      ]);
      if (!license) {
        this.loaded = undefined;
        return this.post({ kind: 'loadFailed', message: 'This License no longer exists in the LMO.' });
      }
      this.loaded = license;
      const org = session.state.kind === 'connected' ? session.state.org : undefined;
      await this.post({
        kind: 'state',
        state: {
          license,
          history,
          orgLabel: org ? (org.alias ?? org.username) : 'the LMO',
          today: isoDate(new Date()),
        },
      });
    } catch (error) {
      await this.post({
        kind: 'loadFailed',
        message: `The License could not be read: ${toLmoError(error).message}`,
      });
    }
  }

  private async post(message: LicenseHostMessage): Promise<void> {
    if (!this.disposed) await this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    LicensePanel.open.delete(this.licenseId);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
  }
}
