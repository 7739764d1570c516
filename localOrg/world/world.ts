import { randomBytes, randomInt } from 'node:crypto';
// The local org's world: the LMO, the Dev Hub / packaging org, test orgs, the
// Partner Console and installs, on top of the data layer's per-org stores.
import { SalesforceError } from '../data/errors';
import type { DataStore, OrgData } from './dataPort';
import { worldId } from './ids';
import { Installs } from './installs';
import { applyLmaSetup, fitToLma } from './lmaSetup';
import { applyLmoSchema } from './lmoProblems';
import { addOrg, addUser, organizationRow, userRow, type NewOrg } from './orgs';
import { PartnerConsole } from './partnerConsole';
import { emptyState, loadState, saveState, type OrgState, type WorldState } from './state';

export interface WorldOptions {
  dir?: string;
  store: DataStore;
  /** How long an install stays IN_PROGRESS. */
  installDelayMs?: number;
}

export class World {
  readonly console: PartnerConsole;
  readonly installs: Installs;
  private readonly byToken = new Map<string, OrgState>();

  private constructor(
    readonly state: WorldState,
    readonly store: DataStore,
    readonly dir: string | undefined,
    installDelayMs: number,
  ) {
    this.console = new PartnerConsole(this);
    this.installs = new Installs(this, installDelayMs);
    this.reindexTokens();
  }

  /** Opens the saved world, or builds the base one (LMO + Dev Hub) when there is none. */
  static async open(options: WorldOptions): Promise<{ world: World; fresh: boolean }> {
    const saved = loadState(options.dir);
    const fresh = emptyState('');
    // Org ids are unique across Salesforce too: a random start keeps two worlds' ids apart.
    fresh.counter = 1 + randomInt(62 ** 6);
    const world = new World(saved ?? fresh, options.store, options.dir, options.installDelayMs ?? 600);
    if (saved) {
      applyLmoSchema(world);
      applyLmaSetup(world);
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

  save(): void {
    this.reindexTokens();
    saveState(this.dir, this.state);
  }

  private reindexTokens(): void {
    this.byToken.clear();
    for (const org of this.state.orgs) for (const t of org.accessTokens) this.byToken.set(t, org);
  }

  now(): Date {
    return new Date();
  }

  nextId(prefix: string): string {
    return worldId(prefix, this.state.counter++);
  }

  get lmo(): OrgState {
    return this.state.orgs.find((o) => o.kind === 'lmo' && !o.additionalUser) as OrgState;
  }

  get devhub(): OrgState {
    return this.state.orgs.find((o) => o.kind === 'devhub' && !o.additionalUser) as OrgState;
  }

  get testOrgs(): OrgState[] {
    return this.state.orgs.filter((o) => o.kind === 'subscriber' && !o.additionalUser);
  }

  /** The LMO's other users (each with its own username and sessions). */
  get lmoUsers(): OrgState[] {
    return this.state.orgs.filter((o) => o.kind === 'lmo' && o.additionalUser);
  }

  orgByAccessToken(token: string): OrgState | undefined {
    return this.byToken.get(token);
  }

  orgByRefreshToken(token: string): OrgState | undefined {
    return this.state.orgs.find((o) => o.refreshToken === token);
  }

  /** An org by 'lmo', 'devhub', id (15 or 18), username or name. */
  org(ref: string): OrgState {
    // An org id names the org's admin; a username names any user.
    const found =
      ref === 'lmo'
        ? this.lmo
        : ref === 'devhub'
          ? this.devhub
          : (this.state.orgs.find(
              (o) => !o.additionalUser && (o.id.slice(0, 15) === ref.slice(0, 15) || o.name === ref),
            ) ?? this.state.orgs.find((o) => o.username === ref));
    if (!found) throw new SalesforceError('NOT_FOUND', `No org '${ref}' in the local org world`, [], 404);
    return found;
  }

  /** An org's data as its admin user sees and writes it (API requests). */
  data(org: OrgState): OrgData {
    return this.store.org(org.id, org.kind, org.name).asUser(org.userId);
  }

  /** The LMO written by the LMA itself (installs, associations, seeds), with the fields its version has. */
  lmaData(): OrgData {
    return fitToLma(this.store.org(this.lmo.id, 'lmo').system(), this);
  }

  async createOrg(spec: NewOrg): Promise<OrgState> {
    const org = addOrg(this.state, spec, this.now());
    const platform = this.store.org(org.id, org.kind, org.name).system();
    const { Id: _id, ...organization } = organizationRow(org);
    await platform.update('Organization', org.id, organization);
    const { Id: _uid, ...user } = userRow(org);
    org.userId = await platform.create('User', user);
    this.save();
    return org;
  }

  /** Another user of an org (its own username, sessions, User row); `lmaAccess: false` in the LMO: no LMA. */
  async createUser(
    org: OrgState,
    spec: { firstName: string; lastName: string; username?: string; lmaAccess?: boolean },
  ): Promise<OrgState> {
    const n = this.state.orgs.filter((o) => o.id === org.id).length + 1;
    const user = addUser(this.state, org, {
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: spec.username ?? `user${n}.${org.username.replace(/^[^@]*@/, '')}`,
    });
    if (spec.lmaAccess === false) user.lmaAccess = false;
    const platform = this.store.org(org.id, org.kind).system();
    const { Id: _uid, ...row } = userRow(user);
    user.userId = await platform.create('User', row);
    this.save();
    if (org.kind === 'lmo') applyLmaSetup(this);
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
