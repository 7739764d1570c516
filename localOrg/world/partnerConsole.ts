// The Partner Console: packages (033) and versions (04t) owned by the Dev Hub,
// and each package's association with the LMO and its default license terms.
// It has no public API on Salesforce; here it is reached through /_local/ and
// the CLI. Associating writes the LMA's Package / Package Version rows, as the
// LMA does when a package is registered.
import { SalesforceError } from '../data/errors';
import { MAX_SEATS } from '../data/schema/lma';
import {
  MAX_TRIAL_DAYS,
  type AssociationState,
  type LicenseDefaults,
  type PackageState,
  type VersionState,
} from './state';
import type { WorldCore } from './core';

export interface PackageView extends PackageState {
  versions: VersionState[];
  association: AssociationState | null;
}

const invalid = (message: string): SalesforceError => new SalesforceError('INVALID_INPUT', message);

const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/**
 * The Partner Console's own checks of default terms: a trial of 1 to MAX_TRIAL_DAYS days, an active
 * license of whole days or null (does not expire), 1 to MAX_SEATS seats or 'site'. The extension
 * states the same limits for its form (test/unit/localOrg/partnerConsole.test.ts checks they agree).
 */
export function validateDefaults(input: unknown): LicenseDefaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('Default terms are an object: { status, lengthDays, seats }.');
  const { status, lengthDays, seats, ...rest } = input as Record<string, unknown>;
  const problems = Object.keys(rest).map((key) => `Unknown key "${key}".`);
  if (status !== 'Trial' && status !== 'Active') problems.push('status is "Trial" or "Active".');
  if (status === 'Trial' && !(isWhole(lengthDays) && lengthDays >= 1 && lengthDays <= MAX_TRIAL_DAYS))
    problems.push(`A trial runs 1 to ${MAX_TRIAL_DAYS} days.`);
  if (status === 'Active' && !(lengthDays === null || (isWhole(lengthDays) && lengthDays >= 1)))
    problems.push('An active license runs a whole number of days, or null when it does not expire.');
  if (!(seats === 'site' || (isWhole(seats) && seats >= 1 && seats <= MAX_SEATS)))
    problems.push(`Seats are 1 to ${MAX_SEATS.toLocaleString('en-US')}, or "site" for a site license.`);
  if (problems.length) throw invalid(problems.join(' '));
  return { status, lengthDays, seats } as LicenseDefaults;
}

export const versionNumber = (v: VersionState): string => `${v.major}.${v.minor}.${v.patch}`;

/** A version right after its release or promotion: subscriber orgs don't see it yet (zero rows). */
export function notYetReplicated(world: WorldCore, v: VersionState): boolean {
  return !!v.visibleAt && world.now().getTime() < Date.parse(v.visibleAt);
}

const siteList = (value: unknown, name: string): string[] => {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    value.length > 100 ||
    !value.every((url) => typeof url === 'string' && /^https:\/\/[^\s]{1,250}$/.test(url))
  )
    throw invalid(`${name} is a list of https:// URLs`);
  return value as string[];
};

/** A version right after its release: not installable until its time comes. */
export function stillPublishing(world: WorldCore, v: VersionState): boolean {
  return !!v.installableAt && world.now().getTime() < Date.parse(v.installableAt);
}

export class PartnerConsole {
  constructor(private readonly world: WorldCore) {}

  packages(): PackageView[] {
    const s = this.world.state;
    return s.packages.map((p) => ({
      ...p,
      versions: s.versions.filter((v) => v.packageId === p.id),
      association: s.associations.find((a) => a.packageId === p.id) ?? null,
    }));
  }

  package(id: string): PackageState {
    const p = this.world.state.packages.find((x) => x.id.slice(0, 15) === id.slice(0, 15) || x.name === id);
    if (!p) throw new SalesforceError('NOT_FOUND', `No package '${id}'`, [], 404);
    return p;
  }

  version(id: string): VersionState | undefined {
    return this.world.state.versions.find((v) => v.id.slice(0, 15) === id.slice(0, 15));
  }

  association(packageId: string): AssociationState | undefined {
    return this.world.state.associations.find((a) => a.packageId === packageId);
  }

  createPackage(input: {
    name?: unknown;
    namespace?: unknown;
    description?: unknown;
    /** The owner org (a 1GP packaging org); default the Dev Hub. */
    owner?: unknown;
    /** False: Salesforce has not enabled push upgrades for it. */
    pushEnabled?: unknown;
  }): PackageState {
    if (typeof input.name !== 'string' || !input.name.trim()) throw invalid('name is required');
    const owner = input.owner === undefined ? this.world.devhub : this.world.org(String(input.owner));
    if (owner.kind !== 'devhub') throw invalid('owner is the Dev Hub or a packaging org');
    if (input.pushEnabled !== undefined && typeof input.pushEnabled !== 'boolean')
      throw invalid('pushEnabled is true or false');
    const pkg: PackageState = {
      id: this.world.nextId('033'),
      name: input.name.trim(),
      namespace: typeof input.namespace === 'string' && input.namespace ? input.namespace : null,
      description: typeof input.description === 'string' ? input.description : '',
      devHubOrgId: owner.id,
      createdDate: this.world.now().toISOString(),
      ...(input.pushEnabled === false ? { pushEnabled: false } : {}),
    };
    this.world.state.packages.push(pkg);
    this.world.save();
    return pkg;
  }

  async createVersion(
    packageId: string,
    input: {
      version?: unknown;
      beta?: unknown;
      name?: unknown;
      releaseDate?: unknown;
      installableAfterSeconds?: unknown;
      visibleAfterSeconds?: unknown;
      installationKey?: unknown;
      remoteSites?: unknown;
      cspTrustedSites?: unknown;
    },
  ): Promise<VersionState> {
    const pkg = this.package(packageId);
    const m =
      typeof input.version === 'string' ? /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(input.version) : null;
    if (!m) throw invalid('version must look like 1.2.0');
    const delay = input.installableAfterSeconds ?? 0;
    if (typeof delay !== 'number' || !(delay >= 0))
      throw invalid('installableAfterSeconds must be a number ≥ 0');
    const hidden = input.visibleAfterSeconds ?? this.world.timing.replicationMs / 1000;
    if (typeof hidden !== 'number' || !(hidden >= 0))
      throw invalid('visibleAfterSeconds must be a number ≥ 0');
    const remoteSites = siteList(input.remoteSites, 'remoteSites');
    const cspTrustedSites = siteList(input.cspTrustedSites, 'cspTrustedSites');
    if (
      input.installationKey !== undefined &&
      (typeof input.installationKey !== 'string' || !input.installationKey)
    )
      throw invalid('installationKey must be a non-empty string');
    const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    const siblings = this.world.state.versions.filter((v) => v.packageId === pkg.id);
    const build =
      siblings.filter((v) => v.major === major && v.minor === minor && v.patch === patch).length + 1;
    const version: VersionState = {
      id: this.world.nextId('04t'),
      packageId: pkg.id,
      name: typeof input.name === 'string' ? input.name : `${pkg.name} ${major}.${minor}`,
      major,
      minor,
      patch,
      build,
      isBeta: input.beta === true,
      releaseDate:
        typeof input.releaseDate === 'string'
          ? input.releaseDate
          : this.world.now().toISOString().slice(0, 10),
      installableAt: delay > 0 ? new Date(this.world.now().getTime() + delay * 1000).toISOString() : null,
      installationKey: (input.installationKey as string | undefined) ?? null,
      // A beta is replicated again when it is promoted (promote() sets the time).
      visibleAt: hidden > 0 ? new Date(this.world.now().getTime() + hidden * 1000).toISOString() : null,
      ...(remoteSites.length ? { remoteSites } : {}),
      ...(cspTrustedSites.length ? { cspTrustedSites } : {}),
    };
    const versions = this.world.state.versions;
    versions.push(version);
    await this.world.allOrNothing(
      async () => {
        if (!version.isBeta && this.association(pkg.id)) await this.publishToLma(pkg);
      },
      () => versions.splice(versions.indexOf(version), 1),
    );
    this.world.save();
    return version;
  }

  /** Deprecates a version: nobody can install it or be pushed to it any more. */
  deprecate(versionId: string): VersionState {
    const v = this.version(versionId);
    if (!v) throw new SalesforceError('NOT_FOUND', `No package version '${versionId}'`, [], 404);
    v.isDeprecated = true;
    this.world.save();
    return v;
  }

  /** Beta → released (managed-released / promoted). */
  async promote(versionId: string): Promise<VersionState> {
    const v = this.version(versionId);
    if (!v) throw new SalesforceError('NOT_FOUND', `No package version '${versionId}'`, [], 404);
    const wasBeta = v.isBeta;
    v.isBeta = false;
    const visibleBefore = v.visibleAt;
    const hidden = this.world.timing.replicationMs;
    v.visibleAt = hidden > 0 ? new Date(this.world.now().getTime() + hidden).toISOString() : null;
    await this.world.allOrNothing(
      async () => {
        if (this.association(v.packageId)) await this.publishToLma(this.package(v.packageId));
      },
      () => {
        v.isBeta = wasBeta;
        v.visibleAt = visibleBefore;
      },
    );
    this.world.save();
    return v;
  }

  /** Registers the package with the LMO, or changes its defaults (future installs only). */
  async associate(packageId: string, defaultsInput: unknown): Promise<AssociationState> {
    const pkg = this.package(packageId);
    if (!this.world.state.lmoConnected) throw invalid('Connect the LMO in the Partner Console first');
    const defaults = validateDefaults(defaultsInput);
    const associations = this.world.state.associations;
    const existing = this.association(pkg.id);
    const assoc = existing ?? { packageId: pkg.id, defaults, associatedDate: this.world.now().toISOString() };
    const before = assoc.defaults;
    if (existing) existing.defaults = defaults;
    else associations.push(assoc);
    await this.world.allOrNothing(
      () => this.publishToLma(pkg),
      () => (existing ? (existing.defaults = before) : associations.splice(associations.indexOf(assoc), 1)),
    );
    this.world.save();
    return assoc;
  }

  /** The LMO's sfLma__Package__c id of a package, creating its rows when missing. */
  async lmaPackageId(pkg: PackageState): Promise<string> {
    return (await this.publishToLma(pkg)).packageRowId;
  }

  async lmaVersionId(version: VersionState): Promise<string | undefined> {
    const lmo = this.world.lmaData();
    const r = lmo.query(
      `SELECT Id FROM sfLma__Package_Version__c WHERE sfLma__Version_ID__c = '${version.id}'`,
    );
    return r.records[0]?.Id as string | undefined;
  }

  // Idempotent: finds rows by their Package ID / Version ID before writing.
  private async publishToLma(pkg: PackageState): Promise<{ packageRowId: string }> {
    const lmo = this.world.lmaData();
    const released = this.world.state.versions
      .filter((v) => v.packageId === pkg.id && !v.isBeta)
      .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.build - b.build);
    const latest = released.at(-1);
    const fields = {
      Name: pkg.name,
      sfLma__Package_ID__c: pkg.id,
      sfLma__Developer_Org_ID__c: pkg.devHubOrgId,
      sfLma__Developer_Name__c: this.world.devhub.name,
      sfLma__Latest_Version__c: latest ? versionNumber(latest) : null,
      sfLma__Release_Date__c: latest?.releaseDate ?? null,
    };
    const existing = lmo.query(`SELECT Id FROM sfLma__Package__c WHERE sfLma__Package_ID__c = '${pkg.id}'`);
    let packageRowId = existing.records[0]?.Id as string | undefined;
    if (packageRowId) await lmo.update('sfLma__Package__c', packageRowId, fields);
    else
      packageRowId = (
        await lmo.create('sfLma__Package__c', {
          ...fields,
          sfLma__Lead_Manager__c: this.world.lmo.userId,
        })
      ).id;
    const have = lmo.query(
      `SELECT sfLma__Version_ID__c FROM sfLma__Package_Version__c WHERE sfLma__Package__c = '${packageRowId}'`,
    );
    const known = new Set(have.records.map((r) => String(r.sfLma__Version_ID__c)));
    for (const [i, v] of released.entries()) {
      if (known.has(v.id)) continue;
      await lmo.create('sfLma__Package_Version__c', {
        Name: v.name,
        sfLma__Package__c: packageRowId,
        sfLma__Version__c: `${v.major}.${v.minor}`,
        sfLma__Version_Number__c: versionNumber(v),
        sfLma__Version_ID__c: v.id,
        sfLma__Release_Date__c: v.releaseDate,
        sfLma__Is_Beta__c: false,
        sfLma__Sequence__c: i + 1,
      });
    }
    return { packageRowId };
  }
}
