import { randomBytes, randomInt } from 'node:crypto';
// The local org's world: the LMO, the Dev Hub / packaging org, test orgs (core.ts), and on top of
// them the Partner Console and installs. The parts it is built from never import this file.
import type { Database } from '../data/index';
import { WorldCore } from './core';
import { Fma } from './fma';
import { Installs } from './installs';
import { applyLmaSetup } from './lmaSetup';
import { applyLmoSchema } from './lmoProblems';
import { addOrg, addUser, organizationRow, userRow, type NewOrg } from './orgs';
import { PartnerConsole } from './partnerConsole';
import { PushUpgrades } from './pushUpgrades';
import { emptyState, loadState, type OrgState, type WorldState } from './state';
import type { Timing } from './timing';

export interface WorldOptions {
  dir?: string;
  db: Database;
  /** How long installs, the LMA's writes after them and version replication take. */
  timing?: Partial<Timing>;
}

export class World extends WorldCore {
  readonly console: PartnerConsole;
  readonly installs: Installs;
  readonly pushes: PushUpgrades;
  readonly fma: Fma;

  private constructor(state: WorldState, db: Database, dir: string | undefined, timing: Partial<Timing>) {
    super(state, db, dir);
    Object.assign(this.timing, timing);
    this.console = new PartnerConsole(this);
    this.installs = new Installs(this);
    this.pushes = new PushUpgrades(this);
    this.fma = new Fma(this);
    this.installs.onLicense = (packageId, licenseId) => this.fma.onLicense(packageId, licenseId);
  }

  /** Opens the saved world, or builds the base one (LMO + Dev Hub) when there is none. */
  static async open(options: WorldOptions): Promise<{ world: World; fresh: boolean }> {
    const saved = loadState(options.dir);
    const fresh = emptyState('');
    // Org ids are unique across Salesforce too: a random start keeps two worlds' ids apart.
    fresh.counter = 1 + randomInt(62 ** 6);
    const world = new World(saved ?? fresh, options.db, options.dir, options.timing ?? {});
    if (saved) {
      applyLmoSchema(world);
      applyLmaSetup(world);
      world.pushes.install();
      // Dev Hub users who don't see PackageSubscriber.HasRestrictionEnabled, after a restart too.
      for (const user of world.state.orgs)
        if (user.subscriberRestrictionAccess === false && user.userId)
          world.db.org(user.id, { kind: user.kind }).setSubscriberRestrictionAccess(user.userId, false);
      return { world, fresh: false };
    }
    // Usernames are unique across all of Salesforce, and the CLI auth store is keyed by them:
    // a per-world tag keeps two local orgs (two worlds, two ports) apart in `sf org list`.
    const tag = randomBytes(3).toString('hex');
    await world.createOrg({
      kind: 'lmo',
      name: 'License Management Org',
      username: `admin@lmo-${tag}.local-org.example`,
      firstName: 'Lena',
      lastName: 'Manager',
      edition: 'Enterprise Edition',
    });
    await world.createOrg({
      kind: 'devhub',
      name: 'Packaging Org (Dev Hub)',
      username: `admin@devhub-${tag}.local-org.example`,
      firstName: 'Dev',
      lastName: 'Hubbard',
      edition: 'Enterprise Edition',
    });
    applyLmaSetup(world);
    return { world, fresh: true };
  }

  async createOrg(spec: NewOrg): Promise<OrgState> {
    const org = addOrg(this.state, spec, this.now());
    await this.allOrNothing(
      async () => {
        const platform = this.platform(org);
        const { Id: _id, ...organization } = organizationRow(org);
        await platform.update('Organization', org.id, organization);
        const { Id: _uid, ...user } = userRow(org);
        org.userId = (await platform.create('User', user)).id;
      },
      () => this.state.orgs.splice(this.state.orgs.indexOf(org), 1),
    );
    this.save();
    if (org.kind === 'devhub') this.pushes.install();
    return org;
  }

  /** A 1GP packaging org: it owns its packages and pushes their upgrades, but it is no Dev Hub. */
  async createPackagingOrg(options: { name?: string } = {}): Promise<OrgState> {
    const n = this.state.orgs.filter((o) => o.packagingOrg).length + 1;
    const org = await this.createOrg({
      kind: 'devhub',
      name: options.name ?? `Packaging Org ${n} (1GP)`,
      username: `packager-${n}-${Date.now().toString(36)}@packaging.local-org.example`,
      firstName: 'Paula',
      lastName: `Packager ${n}`,
      edition: 'Developer Edition',
    });
    org.packagingOrg = true;
    this.save();
    return org;
  }

  /** Another user of an org (its own username, sessions, User row); `lmaAccess: false` in the LMO: no LMA. */
  async createUser(
    org: OrgState,
    spec: {
      firstName: string;
      lastName: string;
      username?: string;
      lmaAccess?: boolean;
      setupAccess?: boolean;
      pushAccess?: boolean;
      subscriberRestrictionAccess?: boolean;
      fmaEditAccess?: boolean;
      subscriberLoginAccess?: boolean;
    },
  ): Promise<OrgState> {
    const n = this.state.orgs.filter((o) => o.id === org.id).length + 1;
    const user = addUser(this.state, org, {
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: spec.username ?? `user${n}.${org.username.replace(/^[^@]*@/, '')}`,
    });
    if (spec.lmaAccess === false) user.lmaAccess = false;
    if (spec.setupAccess === false) user.setupAccess = false;
    if (spec.pushAccess === false) user.pushAccess = false;
    if (spec.subscriberRestrictionAccess === false) user.subscriberRestrictionAccess = false;
    if (spec.fmaEditAccess === false) user.fmaEditAccess = false;
    if (spec.subscriberLoginAccess === false) user.subscriberLoginAccess = false;
    await this.allOrNothing(
      async () => {
        const { Id: _uid, ...row } = userRow(user);
        user.userId = (await this.platform(org).create('User', row)).id;
      },
      () => this.state.orgs.splice(this.state.orgs.indexOf(user), 1),
    );
    this.save();
    if (org.kind === 'lmo') applyLmaSetup(this);
    if (user.subscriberRestrictionAccess === false && user.userId)
      this.db.org(org.id, { kind: org.kind }).setSubscriberRestrictionAccess(user.userId, false);
    return user;
  }

  async createTestOrg(
    options: { name?: string; sandbox?: boolean; edition?: string } = {},
  ): Promise<OrgState> {
    const n = this.testOrgs.length + 1;
    const sandbox = options.sandbox ?? false;
    return this.createOrg({
      kind: 'subscriber',
      name: options.name ?? (sandbox ? `Sandbox Test Org ${n}` : `Test Org ${n}`),
      username: `test-${n}-${Date.now().toString(36)}@subscriber.local-org.example`,
      firstName: 'Tess',
      lastName: `Installer ${n}`,
      isSandbox: sandbox,
      edition: options.edition ?? (sandbox ? 'Enterprise Edition' : 'Developer Edition'),
    });
  }
}
