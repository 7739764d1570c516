// Push upgrades, as a package's owner org runs them (the Dev Hub for 2GP and unlocked packages, a
// packaging org for 1GP): the owner org's catalog of its packages and versions, its PackageSubscriber
// rows (the world's test orgs' installs, and seeded subscribers), the rules Salesforce applies to
// PackagePushRequest and PackagePushJob writes, and the asynchronous run of a started request: each
// job upgrades the subscriber's installed version and the LMO License's version lookup, or fails with
// a PackagePushError. The behaviours and their sources: CONTRIBUTING.md, "Push upgrades".
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SalesforceError } from '../data/errors';
import { id15, toId18, type OrgData, type Row } from '../data/index';
import {
  METADATA_PACKAGE,
  METADATA_PACKAGE_VERSION,
  ORG_STATUSES,
  PACKAGE_SUBSCRIBER,
  PUSH_ERROR,
  PUSH_ERROR_TYPES,
  PUSH_JOB,
  PUSH_REQUEST,
} from '../data/schema/push';
import type { WorldCore } from './core';
import { versionNumber, type PartnerConsole } from './partnerConsole';
import type { OrgState, PackageState, PushOutcomeState, VersionState } from './state';

type PushWorld = WorldCore & { readonly console: PartnerConsole };

/** Statuses from which a request may still be canceled (Object Reference; the CLI's abort checks the same). */
const ABORTABLE = new Set(['Created', 'Pending']);
const FINAL = new Set(['Succeeded', 'Failed', 'Canceled']);

const stamp = (d: Date): string => d.toISOString().replace('Z', '+0000');
const ORG_ID = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

/** Version order: [major, minor, patch, build]. */
const order = (v: VersionState): number[] => [v.major, v.minor, v.patch, v.build];
export function compareVersions(a: VersionState, b: VersionState): number {
  const [x, y] = [order(a), order(b)];
  const i = x.findIndex((n, k) => n !== y[k]);
  return i < 0 ? 0 : (x[i] as number) - (y[i] as number);
}

/** Titles of the seeded failures, in the words of the errors Salesforce's push reports show (UNCONFIRMED). */
export const DEFAULT_TITLES: Record<string, string> = {
  ApexTestFailure: 'Apex test failure',
  DeployError: 'Deployment error',
  FeatureMissing: 'Required feature missing',
  IneligibleUpgrade: 'Ineligible upgrade',
  LimitExceeded: 'Limit exceeded',
  LockingFailure: 'Locking failure',
  PACError: 'Package access error',
  UnclassifiedError: 'Unclassified error',
};

const refused = (code: string, message: string, fields: string[] = []): SalesforceError =>
  new SalesforceError(code, message, fields);

export interface PushRequestSummary {
  id: string;
  ownerOrgId: string;
  ownerOrgName: string;
  packageName: string;
  versionId: string;
  versionNumber: string;
  status: string;
  scheduledStartTime: string | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
  createdDate: string;
  jobs: Record<string, number>;
}

export class PushUpgrades {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  /** Jobs a test may run at once (admin `pushes advance`), and the wait each run is in. */
  private readonly credits = new Map<string, number>();
  private readonly wakers = new Map<string, () => void>();
  /** Jobs run so far per request (since the server started). */
  private readonly done = new Map<string, number>();
  private readonly signatures = new Map<string, string>();
  private stopped = false;

  constructor(private readonly world: PushWorld) {}

  /** The orgs that own packages and push their upgrades: the Dev Hub and any 1GP packaging org. */
  owners(): OrgState[] {
    return this.world.state.orgs.filter((o) => o.kind === 'devhub' && !o.additionalUser);
  }

  private owner(orgId: string): OrgState {
    return this.world.org(orgId);
  }

  /** Registers the rules of every owner org's push objects (on open, and when an owner org is created). */
  install(): void {
    for (const owner of this.owners()) {
      const data = this.world.platform(owner);
      data.setWriteRule(PUSH_REQUEST, (old, next, info) => this.requestRule(owner, old, next, info));
      data.setWriteRule(PUSH_JOB, (old, next, info) => this.jobRule(owner, old, next, info));
    }
  }

  // ---- the owner org's catalog and subscribers ----

  /**
   * Brings an owner org's MetadataPackage / MetadataPackageVersion rows and its test orgs'
   * PackageSubscriber rows up to date with the world (cheap when nothing changed): called before
   * each API request to the org, so that queries and references see them.
   */
  async prepare(owner: OrgState): Promise<void> {
    if (owner.kind !== 'devhub' || this.world.db.inTransaction) return;
    const s = this.world.state;
    const packages = s.packages.filter((p) => p.devHubOrgId === owner.id);
    const ids = new Set(packages.map((p) => p.id));
    const versions = s.versions.filter((v) => ids.has(v.packageId));
    const installed = s.installed.filter((i) => ids.has(i.packageId));
    const testOrgs = this.world.testOrgs;
    const signature = JSON.stringify([
      packages.map((p) => [p.id, p.name, p.namespace]),
      versions.map((v) => [v.id, v.isBeta, v.isDeprecated ?? false]),
      installed.map((i) => [i.orgId, i.packageId, i.versionId]),
      testOrgs.length,
    ]);
    if (this.signatures.get(owner.id) === signature) return;
    const data = this.world.platform(owner);
    const have = new Map(
      data
        .query(`SELECT Id, Name, ReleaseState, IsDeprecated FROM ${METADATA_PACKAGE_VERSION}`)
        .records.map((r) => [String(r.Id), r]),
    );
    const havePackages = new Set(
      data.query(`SELECT Id FROM ${METADATA_PACKAGE}`).records.map((r) => String(r.Id)),
    );
    for (const p of packages) {
      const id = toId18(p.id) as string;
      if (!havePackages.has(id))
        await data.create(
          METADATA_PACKAGE,
          { Name: p.name, NamespacePrefix: p.namespace, PackageCategory: 'Package' },
          { id },
        );
    }
    for (const v of versions) {
      const id = toId18(v.id) as string;
      const fields = {
        Name: v.name,
        MetadataPackageId: toId18(v.packageId),
        MajorVersion: v.major,
        MinorVersion: v.minor,
        PatchVersion: v.patch,
        BuildNumber: v.build,
        ReleaseState: v.isBeta ? 'Beta' : 'Released',
        IsDeprecated: v.isDeprecated === true,
      };
      const row = have.get(id);
      if (!row) await data.create(METADATA_PACKAGE_VERSION, fields, { id });
      else if (row.ReleaseState !== fields.ReleaseState || row.IsDeprecated !== fields.IsDeprecated)
        await data.update(METADATA_PACKAGE_VERSION, id, fields);
    }
    // The world's test orgs: one PackageSubscriber row per install of a package this org owns.
    for (const org of testOrgs) {
      const rows = this.subscriberRows(data, org.id);
      for (const pkg of packages) {
        const install = installed.find((i) => i.orgId === org.id && i.packageId === pkg.id);
        const row = rows.find((r) => id15(String(r.MetadataPackageId)) === id15(pkg.id));
        if (!install) {
          if (row) await data.delete(PACKAGE_SUBSCRIBER, String(row.Id));
          continue;
        }
        const fields = {
          OrgName: org.name,
          OrgType: org.isSandbox ? 'Sandbox' : 'Production',
          InstanceName: org.instanceName,
          InstalledStatus: 'i',
          MetadataPackageVersionId: toId18(install.versionId),
          MetadataPackageId: toId18(pkg.id),
        };
        if (!row)
          await data.create(PACKAGE_SUBSCRIBER, {
            ...fields,
            OrgKey: toId18(org.id),
            OrgStatus: org.edition === 'Developer Edition' ? 'Free' : 'Active',
            HasRestrictionEnabled: false,
          });
        else if (id15(String(row.MetadataPackageVersionId)) !== id15(install.versionId))
          await data.update(PACKAGE_SUBSCRIBER, String(row.Id), fields);
      }
    }
    this.signatures.set(owner.id, signature);
  }

  /** The PackageSubscriber rows of one org (its id compared exactly: SOQL compares text without case). */
  private subscriberRows(data: OrgData, orgId: string): Row[] {
    return data
      .query(
        `SELECT Id, OrgKey, OrgStatus, HasRestrictionEnabled, InstalledStatus, MetadataPackageId, MetadataPackageVersionId FROM ${PACKAGE_SUBSCRIBER} WHERE OrgKey = '${toId18(orgId) ?? orgId}'`,
      )
      .records.filter((r) => id15(String(r.OrgKey)) === id15(orgId));
  }

  private subscriber(data: OrgData, orgKey: string, packageId: string): Row | undefined {
    return this.subscriberRows(data, orgKey).find(
      (r) => id15(String(r.MetadataPackageId)) === id15(packageId) && r.InstalledStatus === 'i',
    );
  }

  // ---- rules ----

  private checkPushAccess(owner: OrgState, userId: string): void {
    const user = this.world.state.orgs.find((o) => o.id === owner.id && id15(o.userId) === id15(userId));
    if (user?.pushAccess === false)
      throw refused(
        'INSUFFICIENT_ACCESS_OR_READONLY',
        'insufficient access rights on object id: you need the permission to push package upgrades',
      );
  }

  private versionOf(id: unknown): VersionState {
    const v = typeof id === 'string' ? this.world.console.version(id) : undefined;
    if (!v) throw refused('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PackageVersionId']);
    return v;
  }

  private requestRule(
    owner: OrgState,
    old: Row | undefined,
    next: Row,
    info: { system: boolean; userId: string },
  ): void {
    if (info.system) return;
    this.checkPushAccess(owner, info.userId);
    if (!old) {
      const version = this.versionOf(next.PackageVersionId);
      const pkg = this.world.console.package(version.packageId);
      if (pkg.devHubOrgId !== owner.id)
        throw refused('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PackageVersionId']);
      if (pkg.pushEnabled === false)
        throw refused(
          'INSUFFICIENT_ACCESS_OR_READONLY',
          `Push upgrades aren't enabled for the package ${pkg.name}. Log a case with Salesforce Partner Support to enable them.`,
          ['PackageVersionId'],
        );
      if (version.isBeta)
        throw refused(
          'FIELD_INTEGRITY_EXCEPTION',
          `You can't push a beta package version (${versionNumber(version)}): push a released version.`,
          ['PackageVersionId'],
        );
      if (version.isDeprecated)
        throw refused(
          'FIELD_INTEGRITY_EXCEPTION',
          `You can't push a deprecated package version (${versionNumber(version)}).`,
          ['PackageVersionId'],
        );
      if (next.Status !== 'Created')
        throw refused(
          'FIELD_INTEGRITY_EXCEPTION',
          `A new push request's Status is Created (not ${String(next.Status)}): insert its jobs, then set it to Pending.`,
          ['Status'],
        );
      return;
    }
    const from = String(old.Status);
    const to = String(next.Status);
    if (from !== to) {
      const allowed =
        (from === 'Created' && (to === 'Pending' || to === 'Canceled')) ||
        (from === 'Pending' && to === 'Canceled');
      if (!allowed)
        throw refused(
          'FIELD_INTEGRITY_EXCEPTION',
          to === 'Canceled'
            ? `Only a push request that is Created or Pending can be canceled; this one is ${from}.`
            : `A push request can't go from ${from} to ${to}: set a Created request to Pending to start it.`,
          ['Status'],
        );
    }
    if (!ABORTABLE.has(from) && next.ScheduledStartTime !== old.ScheduledStartTime)
      throw refused(
        'FIELD_INTEGRITY_EXCEPTION',
        `The scheduled start time of a push request that is ${from} can't change.`,
        ['ScheduledStartTime'],
      );
    const id = String(old.Id);
    if (from !== to && to === 'Pending')
      this.world.db.afterCommit(() => queueMicrotask(() => this.schedule(owner.id, id)));
    if (from !== to && to === 'Canceled')
      this.world.db.afterCommit(() =>
        queueMicrotask(() => void this.cancelJobs(owner.id, id).catch(() => undefined)),
      );
  }

  private jobRule(
    owner: OrgState,
    old: Row | undefined,
    next: Row,
    info: { system: boolean; userId: string },
  ): void {
    if (info.system || old) return;
    this.checkPushAccess(owner, info.userId);
    const data = this.world.platform(owner);
    const requestId = String(next.PackagePushRequestId);
    const request = data.retrieve(PUSH_REQUEST, requestId, ['Id', 'Status', 'PackageVersionId']);
    if (request.Status !== 'Created')
      throw refused(
        'FIELD_INTEGRITY_EXCEPTION',
        `Jobs can be added only to a push request that is Created; this one is ${String(request.Status)}.`,
        ['PackagePushRequestId'],
      );
    const key = String(next.SubscriberOrganizationKey ?? '');
    if (!ORG_ID.test(key))
      throw refused(
        'INVALID_ID_FIELD',
        `Invalid subscriber organization key: ${key} (an org id of 15 or 18 characters starting with 00D)`,
        ['SubscriberOrganizationKey'],
      );
    const version = this.versionOf(request.PackageVersionId);
    if (!this.subscriber(data, key, version.packageId))
      throw refused(
        'INVALID_CROSS_REFERENCE_KEY',
        `The organization ${key} isn't a subscriber of this package.`,
        ['SubscriberOrganizationKey'],
      );
    // The org's key first: the data layer uses the first indexed term (a request may have 10,000 jobs).
    const twin = data
      .query(
        `SELECT Id, SubscriberOrganizationKey FROM ${PUSH_JOB} WHERE SubscriberOrganizationKey = '${key}' AND PackagePushRequestId = '${requestId}'`,
      )
      .records.some((r) => id15(String(r.SubscriberOrganizationKey)) === id15(key));
    if (twin)
      throw refused('DUPLICATE_VALUE', `This push request already has a job for the organization ${key}.`, [
        'SubscriberOrganizationKey',
      ]);
  }

  // ---- the run ----

  private later(ms: number, action: () => void): NodeJS.Timeout {
    // setTimeout's longest wait is about 24.8 days: a later start waits again.
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        action();
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /** A Pending request starts `timing.pushStartMs` after its scheduled time (or now). */
  private schedule(ownerId: string, requestId: string): void {
    if (this.stopped) return;
    const data = this.world.platform(this.owner(ownerId));
    const request = data.retrieve(PUSH_REQUEST, requestId, ['Status', 'ScheduledStartTime']);
    if (request.Status !== 'Pending') return;
    const at = request.ScheduledStartTime ? Date.parse(String(request.ScheduledStartTime)) : Date.now();
    const wait = Math.max(0, at - Date.now()) + this.world.timing.pushStartMs;
    this.later(wait, () => {
      if (Date.now() < at) this.schedule(ownerId, requestId);
      else void this.run(ownerId, requestId);
    });
  }

  /** Runs a request (once at a time); resolves when it has ended or was canceled. */
  run(ownerId: string, requestId: string): Promise<void> {
    const id = toId18(requestId) as string;
    let p = this.running.get(id);
    if (!p) {
      p = this.runJobs(ownerId, id)
        .catch(() => undefined)
        .finally(() => this.running.delete(id));
      this.running.set(id, p);
    }
    return p;
  }

  private async runJobs(ownerId: string, requestId: string): Promise<void> {
    const owner = this.owner(ownerId);
    const data = this.world.platform(owner);
    const request = data.retrieve(PUSH_REQUEST, requestId, ['Status', 'PackageVersionId', 'StartTime']);
    if (request.Status !== 'Pending' && request.Status !== 'In Progress') return;
    const start = request.StartTime ? new Date(Date.parse(String(request.StartTime))) : this.world.now();
    if (request.Status === 'Pending')
      await data.update(PUSH_REQUEST, requestId, { Status: 'In Progress', StartTime: stamp(start) });
    const version = this.versionOf(request.PackageVersionId);
    const jobs = data
      .query(
        `SELECT Id, SubscriberOrganizationKey, Status FROM ${PUSH_JOB} WHERE PackagePushRequestId = '${requestId}' ORDER BY CreatedDate, Id`,
      )
      .records.filter((j) => !FINAL.has(String(j.Status)));
    for (const job of jobs) {
      if (this.stopped) return;
      await this.pace(requestId);
      if (this.stopped) return;
      await this.runJob(owner, data, version, job);
      this.done.set(requestId, (this.done.get(requestId) ?? 0) + 1);
    }
    const counts = this.jobCounts(data, requestId);
    const end = this.world.now();
    await data.update(PUSH_REQUEST, requestId, {
      Status: (counts.Failed ?? 0) > 0 ? 'Failed' : 'Succeeded',
      EndTime: stamp(end),
      DurationSeconds: Math.round((end.getTime() - start.getTime()) / 1000),
    });
  }

  /** Waits for the next job's turn: `timing.pushJobMs`, or at once for a job `advance` allowed. */
  private async pace(requestId: string): Promise<void> {
    const credit = this.credits.get(requestId) ?? 0;
    if (credit > 0) {
      this.credits.set(requestId, credit - 1);
      return;
    }
    const ms = this.world.timing.pushJobMs;
    if (ms === 0) {
      await nextTurn(); // other requests are answered between jobs
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = this.later(ms, () => {
        this.wakers.delete(requestId);
        resolve();
      });
      this.wakers.set(requestId, () => {
        this.credits.set(requestId, (this.credits.get(requestId) ?? 1) - 1);
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(requestId);
        resolve();
      });
    });
  }

  /**
   * Lets the next `count` jobs of a request in progress run at once, whatever `timing.pushJobMs` is
   * (tests drive the pace with it). Returns the request's job counts after they ran.
   */
  async advance(requestId: string, count: number): Promise<Record<string, number>> {
    const id = toId18(requestId) as string;
    const owner = this.ownerOfRequest(id);
    const target = (this.done.get(id) ?? 0) + count;
    this.credits.set(id, (this.credits.get(id) ?? 0) + count);
    this.wakers.get(id)?.();
    // Wait until those jobs ran (or the request ended).
    while ((this.done.get(id) ?? 0) < target && this.running.has(id)) await nextTurn();
    this.credits.delete(id);
    return this.jobCounts(this.world.platform(owner), id);
  }

  private async runJob(owner: OrgState, data: OrgData, version: VersionState, job: Row): Promise<void> {
    const jobId = String(job.Id);
    const key = String(job.SubscriberOrganizationKey);
    const started = this.world.now();
    await data.update(PUSH_JOB, jobId, { Status: 'In Progress', StartTime: stamp(started) });
    const failure = this.failureOf(data, key, version);
    if (!failure) await this.upgrade(data, key, version);
    else
      await data.create(PUSH_ERROR, {
        PackagePushJobId: jobId,
        ErrorSeverity: failure.severity ?? 'Error',
        ErrorType: failure.errorType,
        ErrorTitle: failure.title,
        ErrorMessage: failure.message,
        ErrorDetails: failure.details,
      });
    const end = this.world.now();
    await data.update(PUSH_JOB, jobId, {
      Status: failure ? 'Failed' : 'Succeeded',
      EndTime: stamp(end),
      DurationSeconds: Math.round((end.getTime() - started.getTime()) / 1000),
    });
    void owner;
  }

  /** Why this org's push fails, or null: its eligibility now, then what a seed or test set for it. */
  private failureOf(data: OrgData, key: string, version: VersionState): PushOutcomeState | null {
    const ineligible = (title: string, message: string): PushOutcomeState => ({
      errorType: 'IneligibleUpgrade',
      title,
      message,
      details: '',
      remaining: null,
    });
    const sub = this.subscriber(data, key, version.packageId);
    if (!sub)
      return ineligible('Package not installed', `The package isn't installed in the organization ${key}.`);
    if (sub.OrgStatus === 'Inactive')
      return ineligible('Organization inactive', `The organization ${key} is inactive.`);
    if (sub.HasRestrictionEnabled === true)
      return ineligible(
        'Push upgrades blocked',
        `The subscriber ${key} has blocked push upgrades of this package.`,
      );
    const current = this.world.console.version(String(sub.MetadataPackageVersionId));
    if (current && compareVersions(current, version) >= 0)
      return ineligible(
        'Version already installed',
        `The organization has version ${versionNumber(current)} installed, the same as or later than ${versionNumber(version)}.`,
      );
    const outcomes = this.world.state.pushOutcomes ?? {};
    const k = toId18(key) as string;
    const outcome = outcomes[k];
    if (!outcome) return null;
    if (outcome.remaining !== null) {
      outcome.remaining--;
      if (outcome.remaining <= 0) delete outcomes[k];
      this.world.save();
    }
    return outcome;
  }

  /** The subscriber gets the version: its PackageSubscriber row, the test org's install, the LMO License. */
  private async upgrade(data: OrgData, key: string, version: VersionState): Promise<void> {
    const sub = this.subscriber(data, key, version.packageId) as Row;
    await data.update(PACKAGE_SUBSCRIBER, String(sub.Id), { MetadataPackageVersionId: toId18(version.id) });
    const install = this.world.state.installed.find(
      (i) => i.orgId.slice(0, 15) === key.slice(0, 15) && i.packageId === version.packageId,
    );
    if (install) {
      install.versionId = version.id;
      this.world.save();
    }
    // The LMA moves the org's License to the new version; Status, Seats and Expiration stay.
    const console = this.world.console;
    if (!console.association(version.packageId) || !this.world.state.lmoConnected) return;
    const pkg = console.package(version.packageId);
    const packageRowId = await console.lmaPackageId(pkg);
    const versionRowId = await console.lmaVersionId(version);
    const lmo = this.world.lmaData();
    const key15 = key.slice(0, 15);
    const licenses = lmo
      .query(
        `SELECT Id, sfLma__Subscriber_Org_ID__c, sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${key15}' AND sfLma__Package_Version__r.sfLma__Package__c = '${packageRowId}'`,
      )
      .records.filter((r) => r.sfLma__Subscriber_Org_ID__c === key15 && r.sfLma__Status__c !== 'Uninstalled');
    for (const l of licenses)
      await lmo
        .update('sfLma__License__c', String(l.Id), {
          sfLma__Package_Version__c: versionRowId ?? null,
          sfLma__Version_Number__c: versionNumber(version),
          sfLma__Last_Modified__c: this.world.now().toISOString(),
        })
        .catch(() => undefined); // a customization refusing the LMA's write doesn't fail the push
  }

  private async cancelJobs(ownerId: string, requestId: string): Promise<void> {
    const data = this.world.platform(this.owner(ownerId));
    const jobs = data.query(
      `SELECT Id FROM ${PUSH_JOB} WHERE PackagePushRequestId = '${requestId}' AND Status = 'Created'`,
    ).records;
    for (const j of jobs) await data.update(PUSH_JOB, String(j.Id), { Status: 'Canceled' });
  }

  private jobCounts(data: OrgData, requestId: string): Record<string, number> {
    const out: Record<string, number> = {};
    const r = data.query(
      `SELECT Status, COUNT(Id) n FROM ${PUSH_JOB} WHERE PackagePushRequestId = '${requestId}' GROUP BY Status`,
    );
    for (const row of r.records) out[String(row.Status)] = Number(row.n);
    return out;
  }

  /** Requests that were started when the server stopped go on after a restart. */
  resume(): void {
    for (const owner of this.owners()) {
      const data = this.world.platform(owner);
      for (const r of data.query(
        `SELECT Id, Status FROM ${PUSH_REQUEST} WHERE Status IN ('Pending', 'In Progress')`,
      ).records) {
        if (r.Status === 'Pending') this.schedule(owner.id, String(r.Id));
        else void this.run(owner.id, String(r.Id));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of [...this.wakers.values()]) wake();
  }

  // ---- what seeds and the admin API set ----

  /**
   * How a subscriber org's pushes fail from now on: `{ org, errorType, title?, message?, details?,
   * times? }` (times: how many pushes fail before one succeeds; absent: all), or `{ org, clear: true }`.
   */
  async setOutcome(input: Record<string, unknown>): Promise<Record<string, PushOutcomeState>> {
    const key =
      typeof input.org === 'string' && ORG_ID.test(input.org) ? (toId18(input.org) as string) : null;
    if (!key) throw new SalesforceError('INVALID_INPUT', 'org is a subscriber org id (00D…)');
    const outcomes = (this.world.state.pushOutcomes ??= {});
    if (input.clear === true) delete outcomes[key];
    else {
      const type = input.errorType;
      if (typeof type !== 'string' || !PUSH_ERROR_TYPES.includes(type))
        throw new SalesforceError('INVALID_INPUT', `errorType is one of ${PUSH_ERROR_TYPES.join(', ')}`);
      const times = input.times;
      if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1))
        throw new SalesforceError('INVALID_INPUT', 'times is a whole number of at least 1');
      const text = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
      outcomes[key] = {
        errorType: type,
        title: text(input.title, DEFAULT_TITLES[type] ?? type),
        message: text(input.message, `The upgrade failed in this org (${type}).`),
        details: text(input.details, ''),
        remaining: times === undefined ? null : times,
      };
    }
    this.world.save();
    return outcomes;
  }

  /** A subscriber org's status or push restriction, in every owner org's PackageSubscriber rows. */
  async setSubscriber(input: Record<string, unknown>): Promise<Row[]> {
    const key = typeof input.org === 'string' && ORG_ID.test(input.org) ? input.org : null;
    if (!key) throw new SalesforceError('INVALID_INPUT', 'org is a subscriber org id (00D…)');
    const fields: Row = {};
    if (input.orgStatus !== undefined) {
      if (typeof input.orgStatus !== 'string' || !ORG_STATUSES.includes(input.orgStatus))
        throw new SalesforceError('INVALID_INPUT', `orgStatus is one of ${ORG_STATUSES.join(', ')}`);
      fields.OrgStatus = input.orgStatus;
    }
    if (input.blocksPushes !== undefined) {
      if (typeof input.blocksPushes !== 'boolean')
        throw new SalesforceError('INVALID_INPUT', 'blocksPushes is true or false');
      fields.HasRestrictionEnabled = input.blocksPushes;
    }
    const changed: Row[] = [];
    for (const owner of this.owners()) {
      await this.prepare(owner);
      const data = this.world.platform(owner);
      for (const row of this.subscriberRows(data, key)) {
        await data.update(PACKAGE_SUBSCRIBER, String(row.Id), fields);
        changed.push(data.retrieve(PACKAGE_SUBSCRIBER, String(row.Id)));
      }
    }
    if (!changed.length) throw new SalesforceError('NOT_FOUND', `${key} is no package's subscriber`, [], 404);
    return changed;
  }

  // ---- what the admin API shows ----

  private ownerOfRequest(id: string): OrgState {
    for (const owner of this.owners()) {
      try {
        this.world.platform(owner).retrieve(PUSH_REQUEST, id, ['Id']);
        return owner;
      } catch {
        // not this org's
      }
    }
    throw new SalesforceError('NOT_FOUND', `No push request '${id}'`, [], 404);
  }

  /** Every owner org's push requests, newest first, with their jobs counted by status. */
  list(options: { owner?: string; status?: string } = {}): PushRequestSummary[] {
    const owners = options.owner ? [this.world.org(options.owner)] : this.owners();
    const out: PushRequestSummary[] = [];
    for (const owner of owners) {
      if (owner.kind !== 'devhub')
        throw new SalesforceError(
          'INVALID_INPUT',
          `${owner.name} owns no packages: push requests live in a Dev Hub or packaging org.`,
        );
      const data = this.world.platform(owner);
      const rows = data.query(
        `SELECT Id, PackageVersionId, Status, ScheduledStartTime, StartTime, EndTime, DurationSeconds, CreatedDate FROM ${PUSH_REQUEST} ORDER BY CreatedDate DESC, Id DESC`,
      ).records;
      for (const r of rows) {
        if (options.status && String(r.Status).toLowerCase() !== options.status.toLowerCase()) continue;
        out.push(this.summary(owner, data, r));
      }
    }
    return out;
  }

  private summary(owner: OrgState, data: OrgData, r: Row): PushRequestSummary {
    const v = this.world.console.version(String(r.PackageVersionId));
    const pkg: PackageState | undefined = v ? this.world.console.package(v.packageId) : undefined;
    return {
      id: String(r.Id),
      ownerOrgId: owner.id,
      ownerOrgName: owner.name,
      packageName: pkg?.name ?? '',
      versionId: String(r.PackageVersionId),
      versionNumber: v ? versionNumber(v) : '',
      status: String(r.Status),
      scheduledStartTime: (r.ScheduledStartTime as string | null) ?? null,
      startTime: (r.StartTime as string | null) ?? null,
      endTime: (r.EndTime as string | null) ?? null,
      durationSeconds: (r.DurationSeconds as number | null) ?? null,
      createdDate: String(r.CreatedDate),
      jobs: this.jobCounts(data, String(r.Id)),
    };
  }

  /** One request: its summary, and each job with its org and errors. */
  show(requestId: string): PushRequestSummary & {
    jobList: Array<{ id: string; orgKey: string; orgName: string | null; status: string; errors: Row[] }>;
  } {
    const id = toId18(requestId);
    if (!id || !id.startsWith('0DV'))
      throw new SalesforceError('INVALID_INPUT', `${requestId} is not a push request id (0DV…).`);
    const owner = this.ownerOfRequest(id);
    const data = this.world.platform(owner);
    const r = data.retrieve(PUSH_REQUEST, id);
    const jobs = data.query(
      `SELECT Id, SubscriberOrganizationKey, Status FROM ${PUSH_JOB} WHERE PackagePushRequestId = '${id}' ORDER BY CreatedDate, Id`,
    ).records;
    const errors = data.query(
      `SELECT PackagePushJobId, ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage, ErrorDetails FROM ${PUSH_ERROR} WHERE PackagePushJob.PackagePushRequestId = '${id}'`,
    ).records;
    const names = new Map(
      data
        .query(`SELECT OrgKey, OrgName FROM ${PACKAGE_SUBSCRIBER}`)
        .records.map((s) => [id15(String(s.OrgKey)), s.OrgName]),
    );
    return {
      ...this.summary(owner, data, r),
      jobList: jobs.map((j) => ({
        id: String(j.Id),
        orgKey: String(j.SubscriberOrganizationKey),
        orgName: (names.get(id15(String(j.SubscriberOrganizationKey))) as string | undefined) ?? null,
        status: String(j.Status),
        errors: errors
          .filter((e) => e.PackagePushJobId === j.Id)
          .map(({ attributes: _a, PackagePushJobId: _j, ...e }) => e),
      })),
    };
  }
}
