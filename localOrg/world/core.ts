// The world's orgs and their data: what every part of the world (Partner Console, installs, the
// LMO's customizations) stands on. `World` (world.ts) adds those parts on top; they import this
// file, never world.ts, so imports in the world go one way.
import { SalesforceError } from '../data/errors';
import type { Database, OrgData } from '../data/index';
import { worldId } from './ids';
import { saveState, type OrgState, type WorldState } from './state';
import { DEFAULT_TIMING, type Timing } from './timing';

export class WorldCore {
  private readonly byToken = new Map<string, OrgState>();
  /** How long installs, the LMA's writes and version replication take (world/timing.ts). */
  readonly timing: Timing = { ...DEFAULT_TIMING };

  protected constructor(
    readonly state: WorldState,
    /** The data layer: every org's records, in one store (`db.atomically` spans orgs). */
    readonly db: Database,
    readonly dir: string | undefined,
  ) {
    this.reindexTokens();
  }

  save(): void {
    this.reindexTokens();
    saveState(this.dir, this.state);
  }

  /**
   * A change of the world's state and its data as one: `fn`'s writes are one transaction, and if it
   * throws they are rolled back and `undo` takes back what it changed in the state (saved again), so
   * a refused request leaves nothing behind (no org, no token, no version).
   */
  async allOrNothing<T>(fn: () => Promise<T>, undo: () => void): Promise<T> {
    try {
      return await this.db.atomically(async () => ({ keep: true, value: await fn() }));
    } catch (e) {
      undo();
      this.save();
      throw e;
    }
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
    return this.state.orgs.find(
      (o) => o.kind === 'devhub' && !o.additionalUser && !o.packagingOrg,
    ) as OrgState;
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
    if (!token) return undefined;
    return this.state.orgs.find(
      (o) => o.refreshToken === token || (o.earlierRefreshTokens?.includes(token) ?? false),
    );
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

  /** An org's data (created on first use), as the platform writes it. */
  platform(org: OrgState): OrgData {
    return this.db.org(org.id, { kind: org.kind, name: org.name }).system();
  }

  /** An org's data as its admin user sees and writes it (API requests). */
  data(org: OrgState): OrgData {
    return this.db.org(org.id, { kind: org.kind, name: org.name }).asUser(org.userId);
  }

  /** The LMO written by the LMA itself (installs, associations, seeds), with the fields its version has. */
  lmaData(): OrgData {
    return this.db.org(this.lmo.id, { kind: 'lmo' }).writtenByLma();
  }
}
