// The local org: an embedded Salesforce world (LMO with the LMA, a Dev Hub /
// packaging org, subscriber test orgs) behind one HTTP server that jsforce,
// @salesforce/core and the sf CLI can be pointed at. Started in-process by the
// extension, or as a child process through the CLI (localOrg/cli.ts).
import { createServer } from 'node:net';
import { orgView, type OrgView } from './server/admin';
import { startServer } from './server/server';
import type { HeldAnswers } from './server/faults';
import { openDatabase } from './data/index';
import { LMO_PROBLEMS, setLmoProblems, type LmoProblem, type LmoProblems } from './world/lmoProblems';
import type { PackageView } from './world/partnerConsole';
import {
  chooseLmaVersion,
  lmaSetup,
  setLmaCustomizations,
  type LmaCustomizations,
  type LmaSetup,
} from './world/lmaSetup';
import { seedWorld, type SeedShape, type SeedSpec } from './world/seed';
import type { PushRequestSummary, PushUpgrades } from './world/pushUpgrades';
import type {
  AssociationState,
  LicenseDefaults,
  PackageState,
  PushOutcomeState,
  VersionState,
} from './world/state';
import { World } from './world/world';
import type { Timing } from './world/timing';
import type { DeclaredParameter, SubscriberFeatureValue } from './world/fma';
import {
  setSubscriberLoginSettings,
  subscriberLoginSettings,
  type SubscriberLoginSettings,
} from './world/subscriberLoginPermission';
import { appAnalyticsOf, type AppAnalyticsSettings } from './world/appAnalytics';
import { bulk2Jobs, type Bulk2Jobs } from './server/bulk2';

export type {
  OrgView,
  PackageView,
  LicenseDefaults,
  PackageState,
  VersionState,
  AssociationState,
  SeedSpec,
  SeedShape,
  Timing,
  AppAnalyticsSettings,
  LmaSetup,
  LmaCustomizations,
  DeclaredParameter,
  SubscriberFeatureValue,
  SubscriberLoginSettings,
};
export { LMO_PROBLEMS, type LmoProblem, type LmoProblems };

export interface StartLocalOrgOptions {
  /** 0 (default) = a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Where the world and its data are kept; omitted = in memory, gone on close. */
  dataDir?: string;
  /** Used only when dataDir holds no world yet. Default 'demo'. */
  seed?: SeedSpec;
  /** How a seeded LMO looks beyond its size: versions per package, licenses a real LMO also has. */
  seedShape?: SeedShape;
  /**
   * Which LMA the LMO has (the version only when the world is created) and how it is customized, e.g.
   * `{ licenseRules: true }` to have the Modify License limits enforced on every API write.
   */
  lma?: Partial<LmaSetup>;
  /**
   * Customizations of the LMO that stop Leads or Licenses, turned on at start (others stay as the
   * world has them), e.g. `{ requiredField: true, duplicateRule: true }`.
   */
  lmoProblems?: Partial<LmoProblems>;
  /**
   * Whether the LMO has the Feature Management App (namespace sfFma; a support case on Salesforce).
   * Omitted: as the world has it (a new world: not installed).
   */
  fma?: boolean;
  /** How long a test install stays IN_PROGRESS (default 600 ms); the same as `timing.installMs`. */
  installDelayMs?: number;
  /**
   * How long the asynchronous steps take (world/timing.ts): installs, the LMA's Lead and License after
   * an install's SUCCESS (`licenseDelayMs`, default 1.5 s; 0 writes them before SUCCESS), and a new
   * version's replication to subscriber orgs (`replicationMs`, default 1.5 s of zero rows).
   */
  timing?: Partial<Timing>;
  /** App Analytics in the LMO (world/appAnalytics.ts): on, its delays, limits and dataset size. */
  appAnalytics?: Partial<AppAnalyticsSettings>;
}

export interface LocalOrgs {
  lmo: OrgView;
  devhub: OrgView;
  testOrgs: OrgView[];
}

export interface LocalOrg {
  instanceUrl: string;
  port: number;
  /**
   * What the admin API (`/_local/…`) asks for, as `Authorization: Bearer <adminSecret>`; other processes
   * of the same user read it from `adminSecretFile` (`~/.lma-local-org/admin-<port>.secret`, 0600).
   */
  adminSecret: string;
  adminSecretFile: string;
  /** The orgs as they are now (tokens change after a refresh or an expired session). */
  readonly orgs: LocalOrgs;
  createTestOrg(options?: { name?: string; sandbox?: boolean; edition?: string }): Promise<OrgView>;
  /**
   * Uninstalls a package (033 id or name) from a test org: the LMA sets its License to Uninstalled
   * and never writes it again; installing the package again makes a new License.
   */
  uninstall(org: string, packageId: string): Promise<{ packageId: string; licenseId: string | null }>;
  /** The Partner Console (no Salesforce API exists for it). */
  console: {
    packages(): PackageView[];
    /** `owner`: a 1GP packaging org (`pushes.createPackagingOrg`); `pushEnabled: false`: Salesforce hasn't enabled pushes. */
    createPackage(input: {
      name: string;
      namespace?: string;
      description?: string;
      owner?: string;
      pushEnabled?: boolean;
    }): PackageState;
    /** Deprecates a version: it can't be pushed any more. */
    deprecate(versionId: string): VersionState;
    createVersion(
      packageId: string,
      input: {
        version: string;
        beta?: boolean;
        name?: string;
        /** Not installable (PACKAGE_UNAVAILABLE) for this long after its creation: a fresh release. */
        installableAfterSeconds?: number;
        /** Invisible to subscriber orgs (zero rows) for this long; default: `timing.replicationMs`. */
        visibleAfterSeconds?: number;
        installationKey?: string;
        /** Remote site settings (URLs) and CSP trusted sites the version brings. */
        remoteSites?: string[];
        cspTrustedSites?: string[];
      },
    ): Promise<VersionState>;
    promote(versionId: string): Promise<VersionState>;
    /** Associates the package with the LMO, or changes its default license terms (future installs only). */
    associate(packageId: string, defaults: LicenseDefaults): Promise<AssociationState>;
    /**
     * The feature parameters the package declares (replacing its list); with the FMA installed, its
     * Licenses get their values (installs from now on too).
     */
    declareFeatureParameters(
      packageId: string,
      parameters: DeclaredParameter[],
    ): Promise<DeclaredParameter[]>;
  };
  /** Feature parameter values as subscriber test orgs hold them. */
  subscriber: {
    featureParameters(org: string): Promise<SubscriberFeatureValue[]>;
    /** A Subscriber-to-LMO value set by the package's code in the org; it reaches the LMO later. */
    setFeatureParameter(
      org: string,
      input: { package: string; fullName: string; value: boolean | number | string | null },
    ): SubscriberFeatureValue;
  };
  /** Push upgrades in the Dev Hub and 1GP packaging orgs (world/pushUpgrades.ts). */
  pushes: {
    /** Push requests of every owner org (or one), newest first, with their jobs counted by status. */
    list(options?: { owner?: string; status?: string }): PushRequestSummary[];
    /** One request with its jobs, their orgs and errors. */
    show(requestId: string): ReturnType<PushUpgrades['show']>;
    /** Runs the request's next `count` jobs now, whatever `timing.pushJobMs` is; its job counts after. */
    advance(requestId: string, count?: number): Promise<Record<string, number>>;
    /** How an org's pushes fail: `{ org, errorType, message?, times? }` or `{ org, clear: true }`. */
    setOutcome(input: Record<string, unknown>): Promise<Record<string, PushOutcomeState>>;
    /** An org's status or push restriction: `{ org, orgStatus?, blocksPushes? }`. */
    setSubscriber(input: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
    /** A 1GP packaging org: it owns packages and pushes, and is no Dev Hub. */
    createPackagingOrg(options?: { name?: string }): Promise<OrgView>;
    /**
     * Another user of an org; `pushAccess: false`: without the permission to push upgrades;
     * `subscriberRestrictionAccess: false`: a Dev Hub user who doesn't see PackageSubscriber.HasRestrictionEnabled.
     */
    createUser(
      org: string,
      input?: { pushAccess?: boolean; subscriberRestrictionAccess?: boolean },
    ): Promise<OrgView>;
  };
  /** Customizations of the LMO. */
  lmo: {
    /** Which LMA the LMO has and how it is customized. */
    lma(): LmaSetup;
    /** Turns the licenseRules customization on or off, or sets the License fields history tracks. */
    customize(changes: Partial<LmaCustomizations>): LmaSetup;
    /**
     * Another LMO user; `lmaAccess: false`: without permission on the LMA's objects; `setupAccess:
     * false`: without "View Setup and Configuration".
     */
    createUser(input?: {
      firstName?: string;
      lastName?: string;
      lmaAccess?: boolean;
      setupAccess?: boolean;
      /** False: may read the Feature Management App's objects but not edit them. */
      fmaEditAccess?: boolean;
      /** False: without "Log In to Subscriber Organization" (the LMA's subscriber login refuses it). */
      subscriberLoginAccess?: boolean;
    }): Promise<OrgView>;
    /**
     * The subscriber login permission: whether UserPermissionAccess exposes it as a field
     * (`fieldExposed`, UNCONFIRMED either way; default not), whether the LMO's own user holds it
     * (`granted`), and how many requests the login page has answered (`pageRequests`).
     */
    subscriberLogin(changes?: { fieldExposed?: boolean; granted?: boolean }): SubscriberLoginSettings;
    /** Installs the Feature Management App in the LMO, or takes it away. */
    setFma(installed: boolean): { installed: boolean };
    /** An active validation rule on License that rejects the LMA's inserts (null removes it). */
    setLicenseValidationRule(message: string | null): void;
    /** Which problems (customizations known to block Lead or License creation) the LMO has. */
    problems(): LmoProblems;
    /** Turns problems on (true) or off (false); the others stay. */
    setProblems(changes: Partial<LmoProblems>): Promise<LmoProblems>;
  };
  faults: {
    /** The org's access tokens stop working; with revokeRefreshToken the refresh grant fails too. */
    expireSession(org: string, options?: { revokeRefreshToken?: boolean }): OrgView;
    /** Gives an org whose refresh token was revoked a new one. */
    reauthorize(org: string): OrgView;
    /** 503, or 403 REQUEST_LIMIT_EXCEEDED, for the next `count` requests (null = until cleared). */
    respondWith(status: 503 | 403, count?: number | null): void;
    /** Delays every Salesforce request by `ms`. */
    slow(ms: number): void;
    /** Holds every Salesforce answer until released (or the faults are cleared); `arrived` once one is held. */
    hold(): HeldAnswers;
    failNextInstall(message?: string): void;
    /**
     * The next `count` PackageInstallRequest creates fail with a transient error (by default
     * INVALID_CROSS_REFERENCE_KEY "invalid cross reference id", as CumulusCI meets right after a release).
     */
    failNextInstallCreates(count: number, message?: string): void;
    /** Changes a record behind the clients' backs. */
    tamper(org: string, sobject: string, id: string, fields: Record<string, unknown>): Promise<void>;
    clear(): void;
  };
  /** The Bulk API 2.0 jobs and their switches (localOrg/server/bulk2.ts). */
  bulk: Bulk2Jobs;
  /** How long installs, the LMA's writes after them and replication take; changes apply from now on. */
  timing(changes?: Partial<Timing>): Timing;
  /**
   * App Analytics: on or off, how long a request takes (`completeAfterMs`), how long its link works,
   * the daily download limit, the dataset's size (`syntheticOrgs`), a seeded failure (`failNext`).
   */
  appAnalytics(changes?: Partial<AppAnalyticsSettings>): AppAnalyticsSettings;
  /** `sf org login access-token` commands for each org (token in SF_ACCESS_TOKEN). */
  loginCommands(): string[];
  close(): Promise<void>;
}

/** Fails with EADDRINUSE before the store is opened, so a second instance never touches the first one's files. */
async function ensurePortFree(port: number): Promise<void> {
  if (!port) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export async function startLocalOrg(options: StartLocalOrgOptions = {}): Promise<LocalOrg> {
  await ensurePortFree(options.port ?? 0);
  const db = await openDatabase({ dir: options.dataDir });
  let closed = false;
  try {
    const { world, fresh } = await World.open({
      dir: options.dataDir,
      db,
      timing: {
        ...(options.installDelayMs === undefined ? {} : { installMs: options.installDelayMs }),
        ...options.timing,
      },
    });
    if (options.lma?.version) chooseLmaVersion(world, options.lma.version, fresh);
    if (fresh) await seedWorld(world, options.seed ?? 'demo', options.seedShape);
    const { version: _version, ...customizations } = options.lma ?? {};
    if (Object.keys(customizations).length) setLmaCustomizations(world, customizations);
    if (options.lmoProblems) await setLmoProblems(world, options.lmoProblems);
    if (options.fma !== undefined && options.fma !== world.fma.installed) world.fma.setInstalled(options.fma);
    await world.installs.resume();
    world.pushes.resume();
    await world.fma.settleDue();
    if (options.appAnalytics) appAnalyticsOf(world).configure(options.appAnalytics);
    let close: () => Promise<void> = async () => undefined;
    const server = await startServer(world, { port: options.port ?? 0, onShutdown: () => void close() });
    const { shared, admin } = server;
    close = async () => {
      if (closed) return;
      closed = true;
      world.installs.stop();
      world.pushes.stop();
      world.fma.stop();
      await server.close();
      db.close();
    };
    const view = (org: Parameters<typeof orgView>[1]) => orgView(shared, org);
    return {
      instanceUrl: shared.instanceUrl(),
      port: server.port,
      adminSecret: server.adminSecret,
      adminSecretFile: server.adminSecretFile,
      get orgs() {
        return { lmo: view(world.lmo), devhub: view(world.devhub), testOrgs: world.testOrgs.map(view) };
      },
      createTestOrg: (o) => admin.createTestOrg(o),
      uninstall: (org, pkg) => admin.uninstall(org, pkg),
      console: {
        packages: () => world.console.packages(),
        createPackage: (i) => world.console.createPackage(i),
        createVersion: (id, i) => world.console.createVersion(id, i),
        promote: (id) => world.console.promote(id),
        associate: (id, d) => world.console.associate(id, d),
        deprecate: (id) => world.console.deprecate(id),
        declareFeatureParameters: (id, p) => world.fma.declare(id, p),
      },
      pushes: {
        list: (o) => world.pushes.list(o),
        show: (id) => world.pushes.show(id),
        advance: (id, count = 1) => world.pushes.advance(id, count),
        setOutcome: (input) => world.pushes.setOutcome(input),
        setSubscriber: (input) => world.pushes.setSubscriber(input),
        createPackagingOrg: async (o) => view(await world.createPackagingOrg(o)),
        createUser: (orgRef, input = {}) => admin.createOrgUser(orgRef, input),
      },
      subscriber: {
        featureParameters: (org) => world.fma.subscriberValues(org),
        setFeatureParameter: (org, input) => world.fma.setSubscriberValue(org, input),
      },
      lmo: {
        lma: () => lmaSetup(world),
        customize: (changes) => admin.customizeLma(changes),
        createUser: (input) => admin.createLmoUser(input),
        setFma: (installed) => admin.setFma({ installed }),
        subscriberLogin: (changes) =>
          changes ? setSubscriberLoginSettings(world, changes) : subscriberLoginSettings(world),
        setLicenseValidationRule: (message) => admin.setLicenseValidationRule(message),
        problems: () => admin.lmoProblems(),
        setProblems: (changes) => admin.setLmoProblems(changes),
      },
      faults: {
        expireSession: (org, o) => admin.expireSession(org, o),
        reauthorize: (org) => admin.reauthorize(org),
        respondWith: (status, count = null) => admin.forceResponses(status, count),
        slow: (ms) => admin.slowResponses(ms),
        hold: () => shared.faults.hold(),
        failNextInstall: (m) => admin.failNextInstall(m),
        failNextInstallCreates: (n, m) => admin.failNextInstallCreates(n, m),
        tamper: (org, s, id, f) => admin.tamper(org, s, id, f),
        clear: () => admin.clearFaults(),
      },
      bulk: bulk2Jobs(world),
      timing: (changes = {}) => admin.setTiming(changes),
      appAnalytics: (changes = {}) => appAnalyticsOf(world).configure(changes),
      loginCommands: () => loginCommands(shared.instanceUrl(), world.state.orgs.map(view)),
      close: () => close(),
    };
  } catch (e) {
    if (!closed) db.close();
    throw e;
  }
}

export function loginCommands(instanceUrl: string, orgs: OrgView[]): string[] {
  const aliases = new Set<string>();
  return orgs.map((o) => {
    let alias = `local-${o.kind === 'subscriber' ? o.name.toLowerCase().replace(/\s+/g, '-') : o.kind}`;
    // Another user of the same org: the alias names the user too.
    if (aliases.has(alias)) alias += `-${o.username.split('@')[0]!.replace(/[^a-z0-9]+/gi, '-')}`;
    aliases.add(alias);
    return `SF_ACCESS_TOKEN='${o.accessToken ?? '<expired: refresh or restart>'}' sf org login access-token --instance-url ${instanceUrl} --no-prompt --alias ${alias}`;
  });
}
