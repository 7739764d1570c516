import * as vscode from 'vscode';
import { commands, webviewTypes, type CommandId } from '../ids';
import { loadCustomer, type Customer } from '../lma/records/customer';
import { loadCustomerPushJobs } from '../lma/workflows/customerPushJobs';
import { detectFma, type FmaPresence } from '../lma/records/featureParameters';
import { LMA_OBJECTS } from '../lma/records/objects';
import { isoDate } from '../lma/rules/encodings';
import { SUBSCRIBER_LOGIN_PERMISSION, SUBSCRIBERS_TAB } from '../lma/rules/subscriberLogin';
import { logInToSubscriber, type SubscriberLoginOutcome } from '../lma/workflows/subscriberLogin';
import { toLmoError } from '../org/errors';
import {
  licenseActions,
  parseCustomerMessage,
  type CustomerHostMessage,
  type CustomerMessage,
  type LicenseAction,
} from '../protocol/customer';
import type { FeaturePageMessage } from '../protocol/featureParameters';
import type { SavedPage } from '../protocol/messages';
import type { Services } from '../services';
import { atRiskDropSetting } from '../state/usageSettings';
import { CustomerUsageSection } from './customerUsageSection';
import { FeatureParameterSection } from './featureParameterSection';
import { PanelRegistry, WebviewHost } from './host/webviewHost';
import { openPanel, registerPanelType, type PanelType } from './host/panelType';
import { panelPort } from './host/vscodePanel';

export type CustomerServices = Pick<
  Services,
  | 'extensionUri'
  | 'session'
  | 'log'
  | 'onDidReloadPackages'
  | 'askConfirmation'
  | 'packages'
  | 'knownPushOwner'
  | 'openExternal'
  | 'usageCache'
>;

/** The subscriber org a customer view shows, in the LMO it was opened in: what a reloaded window reopens. */
interface CustomerSubject {
  orgId: string;
  title: string;
  lmoId: string | undefined;
}

const ACTION_COMMANDS: Record<LicenseAction, CommandId> = {
  modify: commands.modifyLicense,
  extendTrial: commands.extendTrial,
  convertToActive: commands.convertToActive,
  suspend: commands.suspendLicense,
  reactivate: commands.reactivateLicense,
};

/**
 * The customer view: one subscriber org, every License it holds with the tree's actions, its History,
 * and the support login. One panel per subscriber org; it reads again after any License change in the
 * extension (the tree's reload) and says when it read.
 */
export class CustomerPanel {
  private static readonly open = new PanelRegistry<CustomerPanel>();
  static readonly viewType = webviewTypes.customer;

  static show(services: CustomerServices, orgId: string, title: string): CustomerPanel {
    const state = services.session.state;
    const subject = { orgId, title, lmoId: state.kind === 'connected' ? state.org.orgId : undefined };
    const { panel, created } = openPanel(services.extensionUri, CustomerPanel.type(services), subject);
    if (!created) void panel.load();
    return panel;
  }

  /** Reopens customer views after a window reload (the org is what the page saved). */
  static register(services: CustomerServices): vscode.Disposable {
    return registerPanelType(services.extensionUri, CustomerPanel.type(services), subjectOf);
  }

  /** One view per subscriber org (its 15-character id). */
  private static type(services: CustomerServices): PanelType<CustomerSubject, CustomerPanel> {
    return {
      viewType: CustomerPanel.viewType,
      bundle: 'customer',
      registry: CustomerPanel.open,
      key: (subject) => subject.orgId.slice(0, 15),
      title: titleOf,
      make: (webviewPanel, subject) => new CustomerPanel(services, webviewPanel, subject),
    };
  }

  readonly host: WebviewHost<CustomerMessage, CustomerHostMessage, CustomerSubject>;
  /** What the view shows: every id the page names is checked against it. */
  private shown: Customer | undefined;
  private lmoId: string | undefined;
  private loading = 0;
  /** Each shown License's feature parameters section, by License id. */
  private readonly sections = new Map<string, FeatureParameterSection>();
  /** Whether the LMO has the FMA: detected once for the view, shared by its sections. */
  private fma: Promise<FmaPresence> | undefined;
  /** The org's App Analytics usage: from the cache on each read, asked only by Load Usage. */
  private readonly usage: CustomerUsageSection;

  private constructor(
    private readonly services: CustomerServices,
    private readonly panel: vscode.WebviewPanel,
    private readonly subject: CustomerSubject,
  ) {
    this.lmoId = subject.lmoId;
    this.host = new WebviewHost(panelPort(panel), {
      label: 'Customer view',
      parse: parseCustomerMessage,
      subject,
      log: services.log,
      rejectedNote: 'nothing was done',
    });
    this.usage = new CustomerUsageSection({
      session: services.session,
      cache: services.usageCache,
      threshold: () => atRiskDropSetting(services.log),
    });
    this.host.own({ dispose: () => this.usage.dispose() });
    this.host.onMessage((message) => this.handle(message));
    this.host.own(
      services.session.onDidChangeState((state) => {
        if (state.kind !== 'connected') return;
        this.lmoId ??= state.org.orgId;
        // Another LMO: this customer's Licenses are not there.
        if (state.org.orgId !== this.lmoId) this.host.dispose();
      }),
    );
    // A License changed anywhere in the extension (a save, a bulk change, Refresh): read again.
    this.host.own(services.onDidReloadPackages(() => void this.load()));
  }

  private async handle(message: CustomerMessage): Promise<void> {
    switch (message.kind) {
      case 'ready':
      case 'refresh':
        return this.load();
      case 'licenseAction':
        return this.licenseAction(message.action, message.licenseId);
      case 'openInSalesforce':
        return this.openRecord(message.recordId);
      case 'logIn':
        return this.logIn();
      case 'saveFeatureParameter':
      case 'refreshFeatureParameters':
        return this.featureMessage(message);
      case 'loadUsage':
      case 'refreshUsage':
        return this.loadUsage(message.kind === 'refreshUsage');
      case 'showPackageUsage':
        return this.showPackageUsage(message.packageRecordId);
    }
  }

  /** Load Usage / Refresh Usage: the section says it is asking, then shows the answer. */
  private async loadUsage(refresh: boolean): Promise<void> {
    if (!this.shown || this.usage.isLoading) return;
    await this.host.post({ kind: 'usage', usage: { kind: 'loading' } });
    let usage;
    try {
      usage = await this.usage.load(refresh);
    } catch (error) {
      this.services.log.error(`Customer view: usage of ${this.subject.orgId}: ${String(error)}`);
      return this.notice(`Could not load the usage: ${toLmoError(error).message}`, 'error');
    }
    if (usage) await this.host.post({ kind: 'usage', usage });
  }

  /** Show Usage for the Package: the usage panel of a package the section shows, else refused. */
  private async showPackageUsage(packageRecordId: string): Promise<void> {
    const subject = this.usage.packageShown(packageRecordId);
    if (!subject) {
      this.services.log.warn(
        `Customer view: Show Usage of ${packageRecordId} refused: not a package the view shows`,
      );
      return;
    }
    await vscode.commands.executeCommand(commands.showUsage, subject);
  }

  /** What the cache has of the org's usage, posted after the customer (no App Analytics request). */
  private async loadUsageSection(customer: Customer, mine: number): Promise<void> {
    let usage;
    try {
      usage = await this.usage.show(customer);
    } catch (error) {
      this.services.log.error(`Customer view: cached usage of ${this.subject.orgId}: ${String(error)}`);
      return;
    }
    if (usage && mine === this.loading) await this.host.post({ kind: 'usage', usage });
  }

  /** A section's save or refresh, answered by the section of a License the view shows, else refused. */
  private async featureMessage(message: FeaturePageMessage): Promise<void> {
    const section = this.sections.get(message.licenseId);
    const replies = section && (await section.handle(message));
    if (!replies) {
      this.services.log.warn(
        `Customer view: ${message.kind} on ${message.licenseId} refused: not a License it shows`,
      );
      return this.notice('That License is not in this view any more. Nothing was changed.', 'error');
    }
    for (const reply of replies) {
      await this.host.post(reply);
      if (reply.kind === 'featureSaveResult' && reply.result.kind === 'saved')
        void vscode.window.showInformationMessage(reply.result.message);
    }
  }

  /**
   * Reads each License's feature parameters and posts each section as it arrives (the FMA detected once
   * for the view: without it, every section is the one explanation, and no values are asked for).
   */
  private async loadFeatureSections(customer: Customer, mine: number): Promise<void> {
    const { session, askConfirmation } = this.services;
    const detect = () => {
      const detection = (this.fma ??= detectFma(session));
      // A failed detection is tried again on the next read, not remembered.
      detection.catch(() => {
        if (this.fma === detection) this.fma = undefined;
      });
      return detection;
    };
    const ids = new Set(customer.licenses.map((l) => l.license.id));
    for (const id of this.sections.keys()) if (!ids.has(id)) this.sections.delete(id);
    await Promise.all(
      customer.licenses.map(async ({ license }) => {
        let section = this.sections.get(license.id);
        if (!section) {
          section = new FeatureParameterSection(
            session,
            {
              id: license.id,
              name: license.name,
              customerName: customer.org.account?.name ?? customer.org.name,
              subscriberOrgId: customer.org.id18,
            },
            askConfirmation,
            detect,
          );
          this.sections.set(license.id, section);
        }
        let loaded;
        try {
          loaded = await section.load();
        } catch (error) {
          loaded = {
            kind: 'failed',
            licenseId: license.id,
            message: `Could not read the feature parameters: ${toLmoError(error).message}`,
          } as const;
        }
        if (mine === this.loading) await this.host.post({ kind: 'featureParameters', section: loaded });
      }),
    );
  }

  /** Runs the tree's command on a License the view shows, as if the user had right-clicked it there. */
  private async licenseAction(action: LicenseAction, licenseId: string): Promise<void> {
    const entry = this.shown?.licenses.find((l) => l.license.id === licenseId);
    if (!entry || !licenseActions(entry.license).includes(action)) {
      this.services.log.warn(
        `Customer view: ${action} on ${licenseId} refused: not a License it offers that for`,
      );
      return this.notice('That License is not in this view any more. Nothing was changed.', 'error');
    }
    // The shape of the tree's License node, which the commands take (this layer may not import the tree's).
    const node = {
      kind: 'license',
      id: `customer:${licenseId}`,
      license: entry.license,
      packageName: entry.package.name,
    } as const;
    await vscode.commands.executeCommand(ACTION_COMMANDS[action], node, [node]);
  }

  /** Opens a record the view shows (a License, its package, the org's Account, Lead or Contact). */
  private async openRecord(recordId: string): Promise<void> {
    const customer = this.shown;
    const object = customer && objectOf(customer, recordId);
    if (!object) {
      this.services.log.warn(
        `Customer view: Open in Salesforce of ${recordId} refused: not a record it shows`,
      );
      return;
    }
    await this.openInLmo(`/lightning/r/${object}/${recordId}/view`);
  }

  /**
   * "Log In to Subscriber Org": said before anything opens when the org can't be logged into or the user
   * lacks the LMA's permission (where the API tells: read once per connection), with Setup's Permission
   * Sets as the next step; else the LMA's subscriber login through the session's front door (no second
   * login to the LMO).
   */
  private async logIn(): Promise<void> {
    const org = this.shown?.org;
    if (!org) return;
    let outcome: SubscriberLoginOutcome;
    try {
      outcome = await logInToSubscriber(this.services.session, org, (path) => this.openInLmo(path));
    } catch (error) {
      return this.notice(`Could not check your permission to log in: ${toLmoError(error).message}`, 'error');
    }
    if (outcome.kind === 'refused') {
      await this.notice(outcome.message, 'error');
      const next = outcome.nextStep;
      if (next)
        void vscode.window
          .showErrorMessage(outcome.message, next.label)
          .then((choice) => (choice === next.label ? this.openInLmo(next.path) : undefined));
      return;
    }
    const other = 'Open Subscribers Tab';
    void vscode.window
      .showInformationMessage(
        `Opened the LMA's login to ${org.name ?? org.id18}. If the page doesn't log you in (the customer must grant login access, and you need the "${SUBSCRIBER_LOGIN_PERMISSION}" permission), search the org on the LMA's Subscribers tab.`,
        other,
      )
      .then((choice) => (choice === other ? this.openInLmo(SUBSCRIBERS_TAB) : undefined));
  }

  private async openInLmo(path: string): Promise<void> {
    try {
      const url = await this.services.session.frontDoorUrl(path);
      await this.services.openExternal(url);
    } catch (error) {
      await this.notice(`Could not open Salesforce: ${toLmoError(error).message}`, 'error');
    }
  }

  private async notice(message: string, level: 'info' | 'error'): Promise<void> {
    await this.host.post({ kind: 'notice', message, level });
  }

  /** Reads the customer (one request) and posts it; a slower earlier read never overwrites a later one. */
  async load(): Promise<void> {
    if (!this.host.isReady) return;
    const { session } = this.services;
    const state = session.state;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed') {
      await this.host.post({
        kind: 'error',
        message: 'Connect your License Management Org to see this customer.',
      });
      return;
    }
    const mine = ++this.loading;
    let message: CustomerHostMessage;
    try {
      const customer = await loadCustomer(session, this.subject.orgId);
      const orgLabel = state.org.alias ?? state.org.username;
      if (mine !== this.loading) return;
      this.shown = customer;
      if (customer) {
        this.panel.title = titleOf({ ...this.subject, title: customer.org.name ?? this.subject.title });
        message = { kind: 'state', customer, orgLabel, today: isoDate(new Date()) };
      } else
        message = { kind: 'notFound', orgId: this.subject.orgId, orgLabel, readAt: new Date().toISOString() };
    } catch (error) {
      if (mine !== this.loading) return;
      message = { kind: 'error', message: `The LMO did not answer: ${toLmoError(error).message}` };
    }
    await this.host.post(message);
    if (message.kind === 'state')
      await Promise.all([
        this.loadFeatureSections(message.customer, mine),
        this.loadPushJobs(message.customer, mine),
        this.loadUsageSection(message.customer, mine),
      ]);
  }

  /** The org's push jobs: one query per known owner org of its packages (and one for failed jobs' errors). */
  private async loadPushJobs(customer: Customer, mine: number): Promise<void> {
    const { services } = this;
    const packages = await services.packages().catch(() => []);
    const versions = new Map(
      packages.flatMap((pkg) =>
        pkg.versions.flatMap((v) =>
          v.versionId
            ? [
                [
                  v.versionId.slice(0, 15),
                  { packageName: pkg.name, versionNumber: v.versionNumber ?? undefined },
                ] as const,
              ]
            : [],
        ),
      ),
    );
    const pushJobs = await loadCustomerPushJobs(
      customer.org.id18,
      customer.licenses.map((l) => l.package),
      (pkg) => services.knownPushOwner(pkg),
      versions,
    );
    if (mine === this.loading) await this.host.post({ kind: 'pushJobs', pushJobs });
  }
}

/** The object of a record the view shows, for its Lightning URL; undefined for any other id. */
function objectOf(customer: Customer, recordId: string): string | undefined {
  const same = (id: string | undefined) => !!id && id.slice(0, 15) === recordId.slice(0, 15);
  if (customer.licenses.some((l) => same(l.license.id))) return LMA_OBJECTS.license;
  if (customer.licenses.some((l) => same(l.package.id))) return LMA_OBJECTS.package;
  if (same(customer.org.account?.id)) return 'Account';
  if (same(customer.org.lead?.id)) return 'Lead';
  if (same(customer.org.contact?.id)) return 'Contact';
  return undefined;
}

function titleOf(subject: Pick<CustomerSubject, 'title'>): string {
  return `Customer: ${subject.title}`;
}

/** The org a page saved, checked (the page's state is no more trusted than its messages). */
function subjectOf(saved: SavedPage | undefined): CustomerSubject | undefined {
  const subject = saved?.subject as Partial<Record<keyof CustomerSubject, unknown>> | null | undefined;
  if (typeof subject !== 'object' || subject === null) return undefined;
  const { orgId, title, lmoId } = subject;
  if (typeof orgId !== 'string' || !/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/.test(orgId)) return undefined;
  return {
    orgId,
    title: typeof title === 'string' ? title.slice(0, 200) : orgId,
    lmoId: typeof lmoId === 'string' ? lmoId : undefined,
  };
}
