// The world's own durable state: orgs and their sessions, the Partner Console
// and install requests. Records of the orgs (licenses, leads…) live in the data
// layer; this file is small, so it is rewritten whole, atomically, on change.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { OrgKind } from '../data/index';
import type { FeatureDataType } from '../data/schema/fma';

export interface OrgState {
  id: string;
  kind: OrgKind;
  name: string;
  username: string;
  userId: string;
  firstName: string;
  lastName: string;
  email: string;
  isSandbox: boolean;
  edition: string;
  instanceName: string;
  createdDate: string;
  /** Access tokens still valid, newest last. */
  accessTokens: string[];
  /** The refresh token of the newest login (approval). */
  refreshToken: string;
  /** Whether `refreshToken` was revoked; a revoked token never works again, a new login gets a new one. */
  refreshRevoked: boolean;
  /**
   * Refresh tokens of the user's earlier logins that still work, oldest first: Salesforce keeps five
   * approvals per user and connected app, and a sixth revokes the oldest.
   */
  earlierRefreshTokens?: string[];
  /** Another user of the org with this id (its own username and sessions); absent for the org's admin. */
  additionalUser?: boolean;
  /** False: the user has no permission on the LMA's objects (an LMO user without the LMA's permission set). */
  lmaAccess?: boolean;
  /** False: the user lacks "View Setup and Configuration" (Setup's Tooling objects answer INVALID_TYPE). */
  setupAccess?: boolean;
  /** False: the user lacks the permission to push upgrades ("Create and Update Second-Generation Packages", 1GP "Upload AppExchange Packages"). */
  pushAccess?: boolean;
  /** False: a Dev Hub user who doesn't see PackageSubscriber.HasRestrictionEnabled (UNCONFIRMED that every owner org has it). */
  subscriberRestrictionAccess?: boolean;
  /** A 1GP packaging org: it owns packages and pushes their upgrades, but it is not a Dev Hub. */
  packagingOrg?: boolean;
  /** False: the LMO user may read the Feature Management App's objects but not edit them. */
  fmaEditAccess?: boolean;
  /** False: the LMO user lacks "Log In to Subscriber Organization" (world/subscriberLoginPermission.ts). */
  subscriberLoginAccess?: boolean;
}

export type LicenseStatusDefault = 'Trial' | 'Active';

/** The Partner Console's longest trial, in days (a Salesforce rule; seats are bounded by the schema's MAX_SEATS). */
export const MAX_TRIAL_DAYS = 90;

/** The Partner Console's default license terms of an associated package. */
export interface LicenseDefaults {
  status: LicenseStatusDefault;
  /** Days until expiry; null = "License does not expire" (Active only). Trials: 1..MAX_TRIAL_DAYS. */
  lengthDays: number | null;
  /** A seat count, or 'site' for "License is site-wide". */
  seats: number | 'site';
}

export interface PackageState {
  id: string;
  name: string;
  namespace: string | null;
  description: string;
  /** The owner org: the Dev Hub (2GP), or a 1GP packaging org. */
  devHubOrgId: string;
  createdDate: string;
  /** False: Salesforce has not enabled push upgrades for this managed package (a support case does). */
  pushEnabled?: boolean;
}

export interface VersionState {
  id: string;
  packageId: string;
  name: string;
  major: number;
  minor: number;
  patch: number;
  build: number;
  isBeta: boolean;
  releaseDate: string;
  /** Until this time the version is still being published: not installable (PACKAGE_UNAVAILABLE). */
  installableAt?: string | null;
  /** The installation key that installs of this version need, if any. */
  installationKey?: string | null;
  /**
   * Until this time subscriber orgs don't see the version at all (replication to their instances is
   * not finished): their SubscriberPackageVersion query returns zero rows.
   */
  visibleAt?: string | null;
  /** The remote site settings and CSP trusted sites the version brings (installs ask to enable them). */
  remoteSites?: string[];
  cspTrustedSites?: string[];
  /** A deprecated version: nobody can install it or be pushed to it. */
  isDeprecated?: boolean;
}

/** How a subscriber org answers a push (seeds and tests set it): the error its job fails with. */
export interface PushOutcomeState {
  errorType: string;
  title: string;
  message: string;
  details: string;
  severity?: 'Error' | 'Warning';
  /** How many more pushes fail (then they succeed); null: every push fails. */
  remaining: number | null;
}

export interface AssociationState {
  packageId: string;
  defaults: LicenseDefaults;
  associatedDate: string;
}

export type InstallStatus = 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'UNKNOWN';

export interface InstallRequestState {
  id: string;
  orgId: string;
  subscriberPackageVersionKey: string;
  fields: Record<string, unknown>;
  status: InstallStatus;
  errors: string[];
  createdDate: string;
  lastModifiedDate: string;
  /** When the asynchronous install finishes (epoch ms). */
  completeAt: number;
  /** Set by the fail-next-install fault. */
  failWith: string | null;
  /** The key's check, made when the request was created (the key itself is never kept). */
  keyProblem?: string | null;
  /** When the LMA writes its Lead and License for a successful install (epoch ms); null once written. */
  lmaDueAt?: number | null;
}

export interface InstalledPackageState {
  id: string;
  orgId: string;
  packageId: string;
  versionId: string;
  minVersionId: string;
  installedDate: string;
}

export interface WorldState {
  format: 1;
  counter: number;
  seed: string;
  lmoConnected: boolean;
  /**
   * The error message of an active validation rule on License in the LMO that rejects the LMA's
   * inserts (a customization that silently stops License creation); null when there is none.
   */
  licenseValidationRule?: string | null;
  /** Other customizations of the LMO that stop Leads or Licenses (world/lmoProblems.ts), by flag. */
  lmoProblems?: Partial<Record<string, boolean>>;
  /** Which LMA the LMO has and how it is customized (world/lmaSetup.ts); absent = LMA 1.20 as shipped. */
  lma?: {
    version?: 'current' | 'older';
    licenseRules?: boolean;
    recordTypeFollowsStatus?: boolean;
    trackedFields?: string[];
  };
  /** The Feature Management App in the LMO (world/fma.ts); absent = not installed. */
  fma?: FmaState;
  /**
   * Whether UserPermissionAccess exposes "Log In to Subscriber Organization" to the API
   * (world/subscriberLoginPermission.ts; UNCONFIRMED either way); absent = not exposed.
   */
  subscriberLoginField?: boolean;
  orgs: OrgState[];
  packages: PackageState[];
  versions: VersionState[];
  associations: AssociationState[];
  installRequests: InstallRequestState[];
  installed: InstalledPackageState[];
  /** Subscriber orgs whose pushes fail, by 18-character org id (world/pushUpgrades.ts). */
  pushOutcomes?: Record<string, PushOutcomeState>;
}

export const emptyState = (seed: string): WorldState => ({
  format: 1,
  counter: 1,
  seed,
  lmoConnected: true,
  orgs: [],
  packages: [],
  versions: [],
  associations: [],
  installRequests: [],
  installed: [],
});

const FILE = 'world.json';

export function loadState(dir: string | undefined): WorldState | undefined {
  if (!dir) return undefined;
  const file = join(dir, FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // Records without their world (org ids, tokens) would be orphaned by a new world: refuse.
    const records = readdirSync(dir).filter(
      (f) => (f === 'snapshot.jsonl' || /^journal-\d+\.jsonl$/.test(f)) && statSync(join(dir, f)).size > 0,
    );
    if (records.length > 0) {
      throw new Error(
        `${file} is missing, but ${join(dir, records[0]!)} holds records: refusing to start a new world ` +
          `beside them. Restore world.json from a backup, or move the folder away to start afresh.`,
      );
    }
    return undefined;
  }
  try {
    return JSON.parse(text) as WorldState;
  } catch (e) {
    throw new Error(
      `${file} is damaged (${(e as Error).message}); restore it from a backup, or move the folder away to start afresh.`,
    );
  }
}

/** Write to a temp file, fsync, rename: a kill at any moment leaves the old or the new file, never half of one. */
export function saveState(dir: string | undefined, state: WorldState): void {
  if (!dir) return;
  // Tokens live here: the folder and the file are the user's alone.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `${FILE}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, FILE));
}

// The Feature Management App's part of the world (world/fma.ts).
export type FeatureDirection = 'LmoToSubscriber' | 'SubscriberToLmo';
export type FeatureValue = boolean | number | string | null;

/** A parameter as the package declares it (metadata `FeatureParameter<Type>`). */
export interface DeclaredParameter {
  /** The developer name, e.g. `BetaReports`. */
  fullName: string;
  /** `masterLabel`. */
  label: string;
  type: FeatureDataType;
  direction: FeatureDirection;
  /** The default value (`value`): a Boolean, a whole number or a `YYYY-MM-DD` date. */
  value: FeatureValue;
  /** The package version that introduced it, e.g. `1.2.0`. */
  introducedIn: string | null;
}

export interface SubscriberFeatureValue {
  package: string;
  fullName: string;
  type: FeatureDataType;
  direction: FeatureDirection;
  value: FeatureValue;
}

export interface FmaState {
  installed?: boolean;
  /** Declared parameters by package id (033). */
  declared?: Record<string, DeclaredParameter[]>;
  /** The values subscriber orgs hold: `${orgId}/${packageId}/${fullName}` → value and when it arrived. */
  subscriber?: Record<string, { value: FeatureValue; at: string }>;
  /** Subscriber-to-LMO values on their way to the LMO. */
  pending?: { orgId: string; packageId: string; fullName: string; value: FeatureValue; dueAt: number }[];
}
