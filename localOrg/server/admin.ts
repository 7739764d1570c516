// The local org's own admin API: the Partner Console, test orgs and fault
// injection. It lives under /_local/, apart from every Salesforce path, and is
// what `lma-local-org console|faults|orgs` and the LocalOrg methods call.
import { SalesforceError, notFound } from '../data/errors';
import { lmaSetup, setLmaCustomizations, type LmaCustomizations, type LmaSetup } from '../world/lmaSetup';
import { isLmoProblem, lmoProblems, setLmoProblems, type LmoProblems } from '../world/lmoProblems';
import { currentAccessToken, expireSessions, reauthorize } from '../world/orgs';
import type { OrgState } from '../world/state';
import { validTiming, type Timing } from '../world/timing';
import { setSubscriberLoginSettings, subscriberLoginSettings } from '../world/subscriberLoginPermission';
import type { Shared } from './context';
import { showsAdminSecret } from './adminSecret';
import { LIMITS, header, json, jsonBody, type ApiRequest, type ApiResponse } from './http';

export interface OrgView {
  id: string;
  kind: OrgState['kind'];
  name: string;
  username: string;
  userId: string;
  accessToken: string | null;
  refreshToken: string;
  isSandbox: boolean;
  /** False for an LMO user without permission on the LMA's objects. */
  lmaAccess: boolean;
  /** False for a user without "View Setup and Configuration". */
  setupAccess: boolean;
  edition: string;
  instanceUrl: string;
}

/** An optional name of up to 80 characters from the admin API. */
const optionalString = (v: unknown, field: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v.trim() || v.length > 80)
    throw new SalesforceError('INVALID_INPUT', `${field} is a name of up to 80 characters`);
  return v.trim();
};

export const orgView = (shared: Shared, org: OrgState): OrgView => ({
  id: org.id,
  kind: org.kind,
  name: org.name,
  username: org.username,
  userId: org.userId,
  accessToken: currentAccessToken(org) ?? null,
  refreshToken: org.refreshToken,
  isSandbox: org.isSandbox,
  lmaAccess: org.kind === 'lmo' && org.lmaAccess !== false,
  setupAccess: org.setupAccess !== false,
  edition: org.edition,
  instanceUrl: shared.instanceUrl(),
});

/** The operations behind the admin API, shared by HTTP and in-process callers. */
export class Admin {
  constructor(
    private readonly shared: Shared,
    /** What a request must show (`Authorization: Bearer <secret>`); see adminSecret.ts. */
    private readonly secret: string,
    private readonly onShutdown: () => void = () => undefined,
    /** Where the secret is written, for the refusal's message. */
    private readonly secretFile: () => string = () => 'the admin secret file',
  ) {}

  private get world() {
    return this.shared.world;
  }

  summary() {
    return {
      instanceUrl: this.shared.instanceUrl(),
      orgs: this.world.state.orgs.map((o) => orgView(this.shared, o)),
      packages: this.world.console.packages(),
      faults: this.faults(),
    };
  }

  orgs() {
    const w = this.world;
    return {
      lmo: orgView(this.shared, w.lmo),
      devhub: orgView(this.shared, w.devhub),
      testOrgs: w.testOrgs.map((o) => orgView(this.shared, o)),
      lmoUsers: w.lmoUsers.map((o) => orgView(this.shared, o)),
    };
  }

  /**
   * Another LMO user; `lmaAccess: false`: the LMA's objects are not there for it; `setupAccess:
   * false`: without "View Setup and Configuration".
   */
  async createLmoUser(
    input: {
      firstName?: unknown;
      lastName?: unknown;
      lmaAccess?: unknown;
      setupAccess?: unknown;
      fmaEditAccess?: unknown;
      subscriberLoginAccess?: unknown;
    } = {},
  ): Promise<OrgView> {
    const name = (v: unknown, fallback: string): string => {
      if (v === undefined || v === null) return fallback;
      if (typeof v !== 'string' || !v.trim() || v.length > 40)
        throw new SalesforceError('INVALID_INPUT', 'firstName and lastName are names of up to 40 characters');
      return v.trim();
    };
    if (input.lmaAccess !== undefined && typeof input.lmaAccess !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'lmaAccess must be true or false');
    if (input.setupAccess !== undefined && typeof input.setupAccess !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'setupAccess must be true or false');
    if (input.fmaEditAccess !== undefined && typeof input.fmaEditAccess !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'fmaEditAccess must be true or false');
    if (input.subscriberLoginAccess !== undefined && typeof input.subscriberLoginAccess !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'subscriberLoginAccess must be true or false');
    const user = await this.world.createUser(this.world.lmo, {
      firstName: name(input.firstName, 'Sam'),
      lastName: name(input.lastName, input.lmaAccess === false ? 'Sales (no LMA access)' : 'Sales'),
      lmaAccess: input.lmaAccess !== false,
      setupAccess: input.setupAccess !== false,
      fmaEditAccess: input.fmaEditAccess !== false,
      subscriberLoginAccess: input.subscriberLoginAccess !== false,
    });
    return orgView(this.shared, user);
  }

  /** Whether the LMO has the Feature Management App. */
  fma(): { installed: boolean } {
    return { installed: this.world.fma.installed };
  }

  setFma(input: { installed?: unknown }): { installed: boolean } {
    if (typeof input.installed !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'Expected { "installed": true | false }');
    this.world.fma.setInstalled(input.installed);
    return this.fma();
  }

  lmaSetup(): LmaSetup {
    return lmaSetup(this.world);
  }

  customizeLma(changes: Partial<LmaCustomizations>): LmaSetup {
    return setLmaCustomizations(this.world, changes);
  }

  /** Checked before anything is created: a refused request leaves no org behind. */
  async createTestOrg(
    input: { name?: unknown; sandbox?: unknown; edition?: unknown } = {},
  ): Promise<OrgView> {
    const text = (field: string, v: unknown, max: number): string | undefined => {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string' || !v.trim())
        throw new SalesforceError(
          'INVALID_INPUT',
          `${field} must be a name (text), not ${JSON.stringify(v)}`,
        );
      if (v.trim().length > max)
        throw new SalesforceError('STRING_TOO_LONG', `${field}: data value too large (max length=${max})`, [
          field,
        ]);
      return v.trim();
    };
    if (input.sandbox !== undefined && input.sandbox !== null && typeof input.sandbox !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'sandbox must be true or false');
    const options = {
      name: text('name', input.name, 80),
      sandbox: input.sandbox === true,
      edition: text('edition', input.edition, 40),
    };
    return orgView(this.shared, await this.world.createTestOrg(options));
  }

  /** Uninstalls a package from a test org; the LMA marks its License Uninstalled. */
  uninstall(orgRef: string, packageRef: unknown): Promise<{ packageId: string; licenseId: string | null }> {
    if (typeof packageRef !== 'string' || !packageRef)
      throw new SalesforceError('INVALID_INPUT', 'package (a 033 id or a package name) is required');
    return this.world.installs.uninstall(this.world.org(orgRef), packageRef);
  }

  expireSession(orgRef: string, options: { revokeRefreshToken?: boolean } = {}): OrgView {
    const org = this.world.org(orgRef);
    expireSessions(org, options);
    this.world.save();
    return orgView(this.shared, org);
  }

  reauthorize(orgRef: string): OrgView {
    const org = this.world.org(orgRef);
    reauthorize(org);
    this.world.save();
    return orgView(this.shared, org);
  }

  forceResponses(status: number, count: number | null): void {
    if (status !== 503 && status !== 403)
      throw new SalesforceError('INVALID_INPUT', 'status must be 503 or 403');
    this.shared.faults.force(status === 503 ? 'unavailable' : 'request-limit', count);
  }

  slowResponses(ms: number): void {
    this.shared.faults.slow(ms);
  }

  failNextInstall(message?: string): void {
    this.world.installs.failNext =
      message || 'UNKNOWN_ERROR: The package could not be installed (injected fault).';
  }

  /** The next `count` install creates fail with a transient error (see Installs.failCreates). */
  failNextInstallCreates(count: unknown, message?: unknown): void {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 100)
      throw new SalesforceError('INVALID_INPUT', 'count is a whole number from 0 to 100');
    if (message !== undefined && (typeof message !== 'string' || !message))
      throw new SalesforceError('INVALID_INPUT', 'message is a non-empty string');
    this.world.installs.failCreates = { count, message: (message as string | undefined) ?? null };
  }

  /** Changes the world's timing (world/timing.ts); the rest stays. */
  setTiming(changes: Record<string, unknown>): Timing {
    let valid: Partial<Timing>;
    try {
      valid = validTiming(changes);
    } catch (e) {
      throw new SalesforceError('INVALID_INPUT', (e as Error).message);
    }
    Object.assign(this.world.timing, valid);
    return { ...this.world.timing };
  }

  /** Changes a record behind the clients' backs (as another user in the org would). */
  async tamper(orgRef: string, sobject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.world.data(this.world.org(orgRef)).update(sobject, id, fields);
  }

  /**
   * Another user of an org (`pushAccess: false`: without the permission to push upgrades;
   * `subscriberRestrictionAccess: false`: a Dev Hub user who doesn't see PackageSubscriber.HasRestrictionEnabled).
   */
  async createOrgUser(orgRef: string, body: Record<string, unknown>): Promise<OrgView> {
    const org = this.world.org(orgRef);
    if (body.pushAccess !== undefined && typeof body.pushAccess !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', 'pushAccess is true or false');
    if (
      body.subscriberRestrictionAccess !== undefined &&
      typeof body.subscriberRestrictionAccess !== 'boolean'
    )
      throw new SalesforceError('INVALID_INPUT', 'subscriberRestrictionAccess is true or false');
    const user = await this.world.createUser(org, {
      firstName: optionalString(body.firstName, 'firstName') ?? 'Other',
      lastName: optionalString(body.lastName, 'lastName') ?? 'User',
      ...(body.pushAccess === false ? { pushAccess: false } : {}),
      ...(body.subscriberRestrictionAccess === false ? { subscriberRestrictionAccess: false } : {}),
    });
    return orgView(this.shared, user);
  }

  setLicenseValidationRule(message: string | null): void {
    this.world.state.licenseValidationRule = message;
    this.world.save();
  }

  lmoProblems(): LmoProblems {
    return lmoProblems(this.world);
  }

  /** Turns the given problems of the LMO on (true) or off (false); the others stay. */
  async setLmoProblems(changes: Partial<LmoProblems>): Promise<LmoProblems> {
    return setLmoProblems(this.world, changes);
  }

  clearFaults(): void {
    this.shared.faults.clear();
    this.world.installs.failNext = null;
    this.world.installs.failCreates = { count: 0, message: null };
  }

  faults() {
    return {
      ...this.shared.faults.snapshot(),
      failNextInstall: this.world.installs.failNext,
      failNextInstallCreates: this.world.installs.failCreates.count,
    };
  }

  /** `readBody` reads the request body (capped); it runs only once the request passed the checks. */
  async handle(req: ApiRequest, readBody?: (limit: number) => Promise<void>): Promise<ApiResponse> {
    // A web page must not drive this API: no cross-origin callers (a link or a redirect carries no
    // Origin, but the browser says where it came from), JSON bodies only.
    if (header(req, 'origin'))
      throw new SalesforceError('INSUFFICIENT_ACCESS', 'Cross-origin requests are refused', [], 403);
    const site = header(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'none' && site !== 'same-origin')
      throw new SalesforceError(
        'INSUFFICIENT_ACCESS',
        `Requests from another site are refused (${site})`,
        [],
        403,
      );
    // Only the user who started the server can read the secret; nothing is answered without it.
    if (!showsAdminSecret(header(req, 'authorization'), this.secret)) {
      throw new SalesforceError(
        'INVALID_SESSION_ID',
        `The admin API needs the secret in ${this.secretFile()} (Authorization: Bearer <secret>)`,
        [],
        401,
      );
    }
    const hasBody = req.method === 'POST' || req.method === 'PUT';
    if (hasBody) await readBody?.(LIMITS.adminBody);
    // The media type is what comes before any parameter: `text/plain; x=application/json` is text.
    const mediaType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (hasBody && req.rawBody && mediaType !== 'application/json') {
      throw new SalesforceError('UNSUPPORTED_MEDIA_TYPE', 'Send application/json', [], 415);
    }
    const body = hasBody && req.rawBody ? jsonBody(req) : {};
    const console = this.world.console;
    // `METHOD path` with ids replaced by `:id`, e.g. `POST /console/packages/:id/versions`.
    const parts = req.segments.slice(1);
    const ids: string[] = [];
    const shape = parts
      .map((p, i) => {
        const isId =
          (parts[i - 1] === 'orgs' ||
            parts[i - 1] === 'packages' ||
            parts[i - 1] === 'versions' ||
            parts[i - 1] === 'pushes') &&
          i > 0;
        if (isId) ids.push(p);
        return isId ? ':id' : p;
      })
      .join('/');
    const a = ids[0] ?? '';
    const route = `${req.method} ${shape}`;
    switch (route) {
      case 'GET world':
        return json(this.summary());
      case 'GET orgs':
        return json(this.orgs());
      case 'POST orgs':
        return json(await this.createTestOrg(body), 201);
      case 'POST orgs/:id/expire-session':
        return json(this.expireSession(a, { revokeRefreshToken: body.revokeRefreshToken === true }));
      case 'POST orgs/:id/uninstall':
        return json(await this.uninstall(a, body.package));
      case 'POST orgs/:id/reauthorize':
        return json(this.reauthorize(a));
      case 'GET console/packages':
        return json(console.packages());
      case 'POST console/packages':
        return json(console.createPackage(body), 201);
      case 'POST console/packages/:id/versions':
        return json(await console.createVersion(a, body), 201);
      case 'PUT console/packages/:id/association':
        return json(await console.associate(a, body));
      case 'POST console/versions/:id/promote':
        return json(await console.promote(a));
      case 'POST console/versions/:id/deprecate':
        return json(console.deprecate(a));
      case 'POST packaging-orgs':
        return json(
          orgView(
            this.shared,
            await this.world.createPackagingOrg({ name: optionalString(body.name, 'name') }),
          ),
          201,
        );
      case 'POST orgs/:id/users':
        return json(await this.createOrgUser(a, body), 201);
      case 'GET pushes':
        return json(
          this.world.pushes.list({
            owner: req.query.get('owner') ?? undefined,
            status: req.query.get('status') ?? undefined,
          }),
        );
      case 'GET pushes/:id':
        return json(this.world.pushes.show(a));
      case 'POST pushes/:id/advance': {
        const count = body.count ?? 1;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 100_000)
          throw new SalesforceError('INVALID_INPUT', 'count is a whole number from 1 to 100000');
        return json(await this.world.pushes.advance(a, count));
      }
      case 'GET push-outcomes':
        return json(this.world.state.pushOutcomes ?? {});
      case 'PUT push-outcomes':
        return json(await this.world.pushes.setOutcome(body));
      case 'PUT push-subscribers':
        return json(await this.world.pushes.setSubscriber(body));
      case 'GET faults':
        return json(this.faults());
      case 'DELETE faults':
        this.clearFaults();
        return json(this.faults());
      case 'POST faults/respond':
        this.forceResponses(
          Number(body.status),
          body.count === undefined || body.count === null ? null : Number(body.count),
        );
        return json(this.faults());
      case 'POST faults/delay':
        this.slowResponses(Number(body.ms));
        return json(this.faults());
      case 'POST faults/fail-next-install':
        this.failNextInstall(typeof body.message === 'string' ? body.message : undefined);
        return json(this.faults());
      case 'POST faults/fail-next-install-creates':
        this.failNextInstallCreates(body.count, body.message);
        return json(this.faults());
      case 'GET timing':
        return json({ ...this.world.timing });
      case 'PUT timing':
        return json(this.setTiming(body));
      case 'POST faults/expire-session':
        return json(
          this.expireSession(String(body.org ?? 'lmo'), {
            revokeRefreshToken: body.revokeRefreshToken === true,
          }),
        );
      case 'POST faults/tamper':
        await this.tamper(
          String(body.org ?? 'lmo'),
          String(body.sobject),
          String(body.id),
          (body.fields ?? {}) as Record<string, unknown>,
        );
        return json({ success: true });
      case 'PUT lmo/license-validation-rule':
        this.setLicenseValidationRule(typeof body.message === 'string' && body.message ? body.message : null);
        return json({ licenseValidationRule: this.world.state.licenseValidationRule ?? null });
      case 'GET lmo/lma':
        return json(this.lmaSetup());
      case 'PUT lmo/lma':
        return json(this.customizeLma(body as Partial<LmaCustomizations>));
      case 'POST lmo/users':
        return json(await this.createLmoUser(body), 201);
      case 'GET lmo/problems':
        return json(this.lmoProblems());
      case 'PUT lmo/problems': {
        const changes: Partial<LmoProblems> = {};
        for (const [key, value] of Object.entries(body)) {
          if (!isLmoProblem(key) || typeof value !== 'boolean') {
            throw new SalesforceError('INVALID_INPUT', `Expected { <problem>: true | false }, got ${key}`);
          }
          changes[key] = value;
        }
        return json(await this.setLmoProblems(changes));
      }
      case 'GET lmo/subscriber-login':
        return json(subscriberLoginSettings(this.world));
      case 'PUT lmo/subscriber-login':
        return json(setSubscriberLoginSettings(this.world, body));
      case 'GET lmo/fma':
        return json(this.fma());
      case 'PUT lmo/fma':
        return json(this.setFma(body));
      case 'GET console/packages/:id/feature-parameters':
        return json(this.world.fma.declared(console.package(a).id));
      case 'PUT console/packages/:id/feature-parameters':
        return json(await this.world.fma.declare(a, body.parameters));
      case 'GET orgs/:id/feature-parameters':
        return json(await this.world.fma.subscriberValues(a));
      case 'PUT orgs/:id/feature-parameters':
        return json(this.world.fma.setSubscriberValue(a, body));
      case 'POST shutdown':
        setImmediate(this.onShutdown);
        return json({ stopping: true });
      default:
        throw notFound();
    }
  }
}
