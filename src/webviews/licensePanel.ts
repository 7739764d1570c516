import type * as vscode from 'vscode';
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
import { PanelRegistry, refusedSave, WebviewHost } from './host/webviewHost';
import { openPanel, registerPanelType, type PanelType } from './host/panelType';
import { panelPort } from './host/vscodePanel';

export type LicenseFormServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'licenseChanged' | 'askConfirmation' | 'openExternal'
>;

/** The License a form edits, in the org it was opened in: what a reloaded window reopens. */
interface LicenseSubject {
  licenseId: string;
  title: string;
  orgId: string | undefined;
}

/**
 * The Modify License form of one License: current values, the change as a before/after diff, and the
 * License history. One panel per License; showing it again reveals it and reloads it.
 */
export class LicensePanel {
  private static readonly open = new PanelRegistry<LicensePanel>();
  static readonly viewType = webviewTypes.license;

  static show(services: LicenseFormServices, licenseId: string, title: string): LicensePanel {
    const state = services.session.state;
    const subject = { licenseId, title, orgId: state.kind === 'connected' ? state.org.orgId : undefined };
    const { panel, created } = openPanel(services.extensionUri, LicensePanel.type(services), subject);
    if (!created) void panel.postState();
    return panel;
  }

  /** Reopens the forms after a window reload, with the draft each page kept. */
  static register(services: LicenseFormServices): vscode.Disposable {
    return registerPanelType(services.extensionUri, LicensePanel.type(services), (saved) =>
      subjectOf(saved?.subject),
    );
  }

  /** One form per License. */
  private static type(services: LicenseFormServices): PanelType<LicenseSubject, LicensePanel> {
    return {
      viewType: LicensePanel.viewType,
      bundle: 'license',
      registry: LicensePanel.open,
      key: (subject) => subject.licenseId,
      title: (subject) => `License ${subject.title}`,
      make: (webviewPanel, subject, restoredState) =>
        new LicensePanel(services, webviewPanel, subject, restoredState),
    };
  }

  readonly host: WebviewHost<LicenseFormMessage, LicenseHostMessage, LicenseSubject>;
  /** The License as last shown: a save is checked against this version. */
  private loaded: EditableLicense | undefined;
  private readonly licenseId: string;
  private orgId: string | undefined;
  /** A form reopened by a window reload shows "Loading…" until the session connects to its org. */
  private awaitingOrg: boolean;

  private constructor(
    private readonly services: LicenseFormServices,
    panel: vscode.WebviewPanel,
    subject: LicenseSubject,
    restoredState?: unknown,
  ) {
    this.licenseId = subject.licenseId;
    this.orgId = subject.orgId;
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Modify License form',
      parse: parseLicenseFormMessage,
      subject,
      log: services.log,
      ...refusedSave,
      draftOutlivesPanel: true,
      restoredState,
    });
    this.host.onMessage((message) => this.handle(message));
    this.awaitingOrg = !this.connectedTo(this.orgId);
    this.host.own(
      services.session.onDidChangeState((state) => {
        const connected = state.kind === 'connected' ? state.org.orgId : undefined;
        if (this.awaitingOrg && !connected) return;
        this.awaitingOrg = false;
        this.orgId ??= connected;
        // Another org, or none: this License is not there.
        if (connected && connected === this.orgId) void this.postState();
        else this.host.dispose();
      }),
    );
  }

  private connectedTo(orgId: string | undefined): boolean {
    const state = this.services.session.state;
    return state.kind === 'connected' && state.org.orgId === orgId;
  }

  private async handle(message: LicenseFormMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
        return this.postState();
      case 'reload':
        return this.postState();
      case 'openInSalesforce': {
        const url = await this.services.session.frontDoorUrl(`/${this.licenseId}`);
        await this.services.openExternal(url);
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
    // A hidden form's page is torn down: it loads again when it says `ready`.
    if (!this.host.isReady || this.awaitingOrg) return;
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
    await this.host.post(message);
  }
}

/** The License a page saved, checked (the page's state is no more trusted than its messages). */
function subjectOf(saved: unknown): LicenseSubject | undefined {
  const subject = saved as Partial<Record<keyof LicenseSubject, unknown>> | null | undefined;
  if (typeof subject !== 'object' || subject === null) return undefined;
  const { licenseId, title, orgId } = subject;
  if (typeof licenseId !== 'string' || !/^[a-zA-Z0-9]{15,18}$/.test(licenseId) || typeof title !== 'string')
    return undefined;
  return { licenseId, title, orgId: typeof orgId === 'string' ? orgId : undefined };
}
