// Test installs: a PackageInstallRequest in a test org runs asynchronously
// (IN_PROGRESS, then SUCCESS or ERROR). After a success the LMA, if the package is
// associated with the LMO, writes a Lead and a License from the association's
// defaults as they are at install time, `timing.licenseDelayMs` later (on
// Salesforce often minutes later). An upgrade moves the org's License to the new
// version and keeps its terms; after an uninstall, a new License. Beta versions
// install but never reach the LMA; unassociated packages get no License.
import { SalesforceError } from '../data/errors';
import { leadOwner, refuseDuplicateLead } from './lmoProblems';
import { notYetReplicated, stillPublishing, versionNumber, type PartnerConsole } from './partnerConsole';
import type { InstallRequestState, OrgState, VersionState } from './state';
import type { WorldCore } from './core';

const FINAL = new Set(['SUCCESS', 'ERROR']);

const addDays = (d: Date, days: number): string =>
  new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);

export class Installs {
  /** Set by the fail-next-install fault: the message of the next install's error. */
  failNext: string | null = null;
  /** Set by the fail-next-install-creates fault: how many creates fail, and with what message. */
  failCreates: { count: number; message: string | null } = { count: 0, message: null };
  /** What else follows the LMA's License for an install (the Feature Management App's values). */
  onLicense: (packageId: string, licenseId: string) => Promise<void> = async () => undefined;
  private readonly settling = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly world: WorldCore & { readonly console: PartnerConsole }) {}

  private later(ms: number, action: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action().catch(() => undefined);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  async request(org: OrgState, body: Record<string, unknown>): Promise<InstallRequestState> {
    const key = body.SubscriberPackageVersionKey;
    if (typeof key !== 'string' || !key) {
      throw new SalesforceError(
        'REQUIRED_FIELD_MISSING',
        'Required fields are missing: [SubscriberPackageVersionKey]',
        ['SubscriberPackageVersionKey'],
      );
    }
    // A version this org's instance doesn't have yet (or at all) is an unknown reference.
    const version = this.world.console.version(key);
    const transient = this.failCreates.count > 0;
    if (transient) this.failCreates.count--;
    if (!version || transient || (org.kind === 'subscriber' && notYetReplicated(this.world, version))) {
      throw new SalesforceError(
        'INVALID_CROSS_REFERENCE_KEY',
        (transient && this.failCreates.message) || 'invalid cross reference id',
        ['SubscriberPackageVersionKey'],
      );
    }
    // The packaging library escapes \ and ' in the key of the request body (as in SOQL): read it back.
    const { Password: password, ...fields } = body;
    const given = typeof password === 'string' ? password.replace(/\\(.)/gs, '$1') : undefined;
    const now = this.world.now();
    const req: InstallRequestState = {
      id: this.world.nextId('0Hf'),
      orgId: org.id,
      subscriberPackageVersionKey: key,
      // The key is checked now and never kept (world.json is a file on disk).
      fields,
      keyProblem:
        version.installationKey && given !== version.installationKey
          ? 'The installation key is missing or not valid for this package version.'
          : null,
      status: 'IN_PROGRESS',
      errors: [],
      createdDate: now.toISOString(),
      lastModifiedDate: now.toISOString(),
      completeAt: now.getTime() + this.world.timing.installMs,
      failWith: this.failNext,
    };
    const failNext = this.failNext;
    this.failNext = null;
    // Inside an allOrNone request the install request exists for the rest of it, but the install
    // starts only once the request commits: a rollback takes the request back and installs nothing.
    const db = this.world.db;
    this.world.state.installRequests.push(req);
    db.onRollback(() => {
      const at = this.world.state.installRequests.indexOf(req);
      if (at >= 0) this.world.state.installRequests.splice(at, 1);
      this.failNext = failNext;
      this.world.save();
    });
    db.afterCommit(() => {
      this.world.save();
      this.later(this.world.timing.installMs, () => this.settle(req));
    });
    return req;
  }

  /** The request as the org sees it, finished first if its time has come. */
  async get(org: OrgState, id: string): Promise<InstallRequestState | undefined> {
    const req = this.world.state.installRequests.find(
      (r) => r.orgId === org.id && r.id.slice(0, 15) === id.slice(0, 15),
    );
    if (req && this.due(req)) await this.settle(req);
    return req;
  }

  /**
   * Whether a read may finish the request now. Not inside a transaction: the LMA's writes are its
   * own, and another request's rollback must not take them back (the timer finishes it instead).
   */
  private due(req: InstallRequestState): boolean {
    return !FINAL.has(req.status) && Date.now() >= req.completeAt && !this.world.db.inTransaction;
  }

  /** Finishes the org's requests whose time has come (before a query reads them). */
  async settleDue(org: OrgState): Promise<void> {
    if (this.world.db.inTransaction) return;
    const now = Date.now();
    for (const req of this.world.state.installRequests) {
      if (req.orgId === org.id && !FINAL.has(req.status) && now >= req.completeAt) await this.settle(req);
    }
  }

  /**
   * Requests that were in flight when the server stopped finish on the next start, and the LMA
   * writes what it had not written yet.
   */
  async resume(): Promise<void> {
    for (const req of this.world.state.installRequests) {
      if (!FINAL.has(req.status)) await this.settle(req);
      else if (req.lmaDueAt) await this.writeLma(req);
    }
  }

  /**
   * Uninstalls a package from a test org, as its admin would in Setup: the package leaves the org,
   * and the LMA sets the org's License to Uninstalled (its record type follows) with no used
   * licenses. The LMA never writes that License again: installing the package again is a new
   * installation, with a new License.
   */
  async uninstall(
    org: OrgState,
    packageRef: string,
  ): Promise<{ packageId: string; licenseId: string | null }> {
    if (org.kind !== 'subscriber')
      throw new SalesforceError('INVALID_OPERATION', 'Packages are uninstalled from test orgs.');
    const pkg = this.world.console.package(packageRef);
    const at = this.world.state.installed.findIndex((i) => i.orgId === org.id && i.packageId === pkg.id);
    if (at < 0) throw new SalesforceError('INVALID_INPUT', `${pkg.name} is not installed in ${org.name}.`);
    this.world.state.installed.splice(at, 1);
    this.world.save();
    const licenseId = await this.currentLicense(org, pkg.id);
    if (licenseId) {
      await this.world.lmaData().update('sfLma__License__c', licenseId, {
        sfLma__Status__c: 'Uninstalled',
        sfLma__Used_Licenses__c: null,
        sfLma__Last_Modified__c: this.world.now().toISOString(),
      });
    }
    return { packageId: pkg.id, licenseId: licenseId ?? null };
  }

  /** The License the LMA keeps for this org's install of the package: not an uninstalled one. */
  private async currentLicense(org: OrgState, packageId: string): Promise<string | undefined> {
    if (!this.world.console.association(packageId)) return undefined;
    const packageRowId = await this.world.console.lmaPackageId(this.world.console.package(packageId));
    const orgId15 = org.id.slice(0, 15);
    // Through the Package Version, which every LMA has (License → Package is missing in older ones).
    const found = this.world
      .lmaData()
      .query(
        `SELECT Id, sfLma__Subscriber_Org_ID__c, sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgId15}' AND sfLma__Package_Version__r.sfLma__Package__c = '${packageRowId}' ORDER BY CreatedDate DESC`,
      );
    // SOQL matches text case-insensitively, and two orgs' 15-character ids may differ only in case:
    // the License of this org is the one whose id matches exactly.
    return found.records.find(
      (r) => r.sfLma__Subscriber_Org_ID__c === orgId15 && r.sfLma__Status__c !== 'Uninstalled',
    )?.Id as string | undefined;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  settle(req: InstallRequestState): Promise<void> {
    let p = this.settling.get(req.id);
    if (!p) {
      p = this.finish(req).finally(() => this.settling.delete(req.id));
      this.settling.set(req.id, p);
    }
    return p;
  }

  private async finish(req: InstallRequestState): Promise<void> {
    if (FINAL.has(req.status)) return;
    const org = this.world.org(req.orgId);
    const version = this.world.console.version(req.subscriberPackageVersionKey) as VersionState;
    const error = req.failWith ?? this.checkInstallable(org, version, req.keyProblem ?? null);
    if (error) {
      this.complete(req, 'ERROR', [error]);
      return;
    }
    const previous = this.world.state.installed.find(
      (i) => i.orgId === org.id && i.packageId === version.packageId,
    );
    const today = this.world.now().toISOString().slice(0, 10);
    if (previous) previous.versionId = version.id;
    else {
      this.world.state.installed.push({
        id: this.world.nextId('0A3'),
        orgId: org.id,
        packageId: version.packageId,
        versionId: version.id,
        minVersionId: version.id,
        installedDate: today,
      });
    }
    const delay = this.world.timing.licenseDelayMs;
    if (delay === 0) {
      await this.recordInLmaQuietly(org, version);
      this.complete(req, 'SUCCESS', []);
      return;
    }
    // The LMA hears of the install later: the License is never there before SUCCESS.
    req.lmaDueAt = Date.now() + delay;
    this.complete(req, 'SUCCESS', []);
    this.later(delay, () => this.writeLma(req));
  }

  /** The LMA's writes for a successful install, once (a restart may find them still due). */
  private async writeLma(req: InstallRequestState): Promise<void> {
    if (!req.lmaDueAt) return;
    req.lmaDueAt = null;
    this.world.save();
    const version = this.world.console.version(req.subscriberPackageVersionKey) as VersionState;
    await this.recordInLmaQuietly(this.world.org(req.orgId), version);
  }

  private async recordInLmaQuietly(org: OrgState, version: VersionState): Promise<void> {
    try {
      await this.recordInLma(org, version);
    } catch {
      // The LMA failing to write (e.g. a validation rule in the LMO) does not fail the
      // install on Salesforce either: the license just doesn't appear.
    }
  }

  private complete(req: InstallRequestState, status: 'SUCCESS' | 'ERROR', errors: string[]): void {
    req.status = status;
    req.errors = errors;
    req.lastModifiedDate = this.world.now().toISOString();
    this.world.save();
  }

  private checkInstallable(org: OrgState, version: VersionState, keyProblem: string | null): string | null {
    if (org.kind === 'devhub') return 'You can’t install a package in the org that owns it.';
    if (stillPublishing(this.world, version))
      return 'The subscriber package version is not fully available. Try again in a few minutes.';
    if (keyProblem) return keyProblem;
    const current = this.world.state.installed.find(
      (i) => i.orgId === org.id && i.packageId === version.packageId,
    );
    const installed = current && this.world.console.version(current.versionId);
    if (!installed) return null;
    if (installed.id === version.id) return 'This package version is already installed in this org.';
    if (installed.isBeta) return 'CANNOT_UPGRADE_BETA: A beta version can’t be upgraded. Uninstall it first.';
    const order = (v: VersionState): number[] => [v.major, v.minor, v.patch, v.build];
    const [a, b] = [order(version), order(installed)];
    const cmp = a.findIndex((x, i) => x !== b[i]);
    if (cmp === -1 || (a[cmp] as number) < (b[cmp] as number)) {
      return `CANNOT_INSTALL_EARLIER_VERSION: Version ${versionNumber(installed)} or later is already installed.`;
    }
    return null;
  }

  private async recordInLma(org: OrgState, version: VersionState): Promise<void> {
    const association = this.world.console.association(version.packageId);
    if (!association || version.isBeta || !this.world.state.lmoConnected) return;
    const rule = this.world.state.licenseValidationRule;
    if (rule) throw new SalesforceError('FIELD_CUSTOM_VALIDATION_EXCEPTION', rule, []);
    const pkg = this.world.console.package(version.packageId);
    const lmo = this.world.lmaData();
    const packageRowId = await this.world.console.lmaPackageId(pkg);
    const versionRowId = await this.world.console.lmaVersionId(version);
    const orgId15 = org.id.slice(0, 15);
    // An upgrade moves the org's License; after an uninstall, the install is a new one.
    const licenseId = await this.currentLicense(org, pkg.id);
    const upgrade = {
      sfLma__Package_Version__c: versionRowId ?? null,
      sfLma__Version_Number__c: versionNumber(version),
    };
    if (licenseId) {
      await lmo.update('sfLma__License__c', licenseId, {
        ...upgrade,
        sfLma__Last_Modified__c: this.world.now().toISOString(),
      });
      await this.onLicense(pkg.id, licenseId);
      return;
    }
    const now = this.world.now();
    const d = association.defaults;
    // The Lead Manager owns the Lead; an inactive one makes the insert fail, and no License follows.
    const ownerId = await leadOwner(this.world, packageRowId);
    await refuseDuplicateLead(this.world, org.email);
    // The License record type follows from the Status (the data layer's LMA rules set it).
    const { id: leadId } = await lmo.create('Lead', {
      FirstName: org.firstName,
      LastName: org.lastName,
      Company: org.name,
      Email: org.email,
      LeadSource: 'Package Installation',
      OwnerId: ownerId,
    });
    const seats = org.isSandbox || d.seats === 'site' ? -1 : d.seats;
    const { id: newLicenseId } = await lmo.create('sfLma__License__c', {
      sfLma__Status__c: d.status,
      sfLma__Seats__c: seats,
      sfLma__Used_Licenses__c: seats === -1 ? null : 0,
      sfLma__Expiration__c: d.lengthDays === null ? null : addDays(now, d.lengthDays),
      sfLma__Install_Date__c: now.toISOString().slice(0, 10),
      sfLma__Lead__c: leadId,
      sfLma__Package__c: packageRowId,
      ...upgrade,
      sfLma__Subscriber_Org_ID__c: orgId15,
      sfLma__Subscriber_Org_Is_Sandbox__c: org.isSandbox,
      sfLma__Org_Instance__c: org.instanceName,
      sfLma__Org_Type__c: org.edition,
      sfLma__Org_Status_Formula__c: org.edition === 'Developer Edition' ? 'Free' : 'Active',
      sfLma__Package_License_ID__c: this.world.nextId('050'),
      sfLma__Proxy_User__c: `${pkg.namespace ?? 'pkg'}@${orgId15}`.slice(0, 40),
      sfLma__License_Type__c: 'Editable',
      sfLma__Last_Modified__c: now.toISOString(),
    });
    await this.onLicense(pkg.id, newLicenseId);
  }
}
