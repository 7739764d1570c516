// Orgs and their sessions. Several orgs share one server; as on a real
// instance, the access token tells them apart.
import type { OrgKind } from '../data/index';
import { randomTokenBody, worldId } from './ids';
import type { OrgState, WorldState } from './state';

export const INSTANCE_NAME = 'LOC1';

export interface NewOrg {
  kind: OrgKind;
  name: string;
  username: string;
  firstName: string;
  lastName: string;
  isSandbox?: boolean;
  edition: string;
}

const nextId = (state: WorldState, prefix: string): string => worldId(prefix, state.counter++);

/** `00D…!…`: the shape the sf CLI and @salesforce/core require of an access token. */
export const newAccessToken = (orgId: string): string => `${orgId.slice(0, 15)}!${randomTokenBody()}`;
const newRefreshToken = (): string => `5Aep861${randomTokenBody(80)}`;

export function addOrg(state: WorldState, spec: NewOrg, now: Date): OrgState {
  const id = nextId(state, '00D');
  const org: OrgState = {
    id,
    kind: spec.kind,
    name: spec.name,
    username: spec.username,
    userId: nextId(state, '005'),
    firstName: spec.firstName,
    lastName: spec.lastName,
    email: spec.username,
    isSandbox: spec.isSandbox ?? false,
    edition: spec.edition,
    instanceName: INSTANCE_NAME,
    createdDate: now.toISOString(),
    accessTokens: [newAccessToken(id)],
    refreshToken: newRefreshToken(),
    refreshRevoked: false,
  };
  state.orgs.push(org);
  return org;
}

/** Another user of `org`: same org id, its own username, user id and sessions. */
export function addUser(
  state: WorldState,
  org: OrgState,
  spec: { firstName: string; lastName: string; username: string },
): OrgState {
  if (state.orgs.some((o) => o.username === spec.username))
    throw new Error(`The username ${spec.username} is taken`);
  const user: OrgState = {
    ...org,
    username: spec.username,
    userId: nextId(state, '005'),
    firstName: spec.firstName,
    lastName: spec.lastName,
    email: spec.username,
    accessTokens: [newAccessToken(org.id)],
    refreshToken: newRefreshToken(),
    refreshRevoked: false,
    additionalUser: true,
  };
  delete user.lmaAccess;
  delete user.setupAccess;
  state.orgs.push(user);
  return user;
}

/** The newest valid access token (what the CLI prints), or undefined after an expired session. */
export const currentAccessToken = (org: OrgState): string | undefined => org.accessTokens.at(-1);

// Several valid tokens at once, as on Salesforce: a refresh grant issues a new
// token without killing the ones other clients hold. Keep the list short.
export function issueAccessToken(org: OrgState): string {
  const token = newAccessToken(org.id);
  org.accessTokens = [...org.accessTokens.slice(-9), token];
  return token;
}

export function expireSessions(org: OrgState, options: { revokeRefreshToken?: boolean } = {}): void {
  org.accessTokens = [];
  if (options.revokeRefreshToken) {
    org.refreshRevoked = true;
    delete org.earlierRefreshTokens;
  }
}

/** Give a revoked org a fresh refresh token (admin use, e.g. after a test). */
export function reauthorize(org: OrgState): void {
  org.refreshToken = newRefreshToken();
  org.refreshRevoked = false;
  delete org.earlierRefreshTokens;
  issueAccessToken(org);
}

/** Approvals (refresh tokens) Salesforce keeps per user and connected app; a sixth revokes the oldest. */
export const MAX_APPROVALS = 5;

/**
 * A new login (approval) of the user: a new refresh token, as on Salesforce. The earlier ones keep
 * working (other clients hold them), up to MAX_APPROVALS; a revoked one stays revoked.
 */
export function approveLogin(org: OrgState): void {
  const earlier = [...(org.earlierRefreshTokens ?? []), ...(org.refreshRevoked ? [] : [org.refreshToken])];
  org.earlierRefreshTokens = earlier.slice(-(MAX_APPROVALS - 1));
  org.refreshToken = newRefreshToken();
  org.refreshRevoked = false;
}

/** Whether `token` is a refresh token of `org` that still works. */
export const refreshTokenValid = (org: OrgState, token: string): boolean =>
  (org.refreshToken === token && !org.refreshRevoked) || (org.earlierRefreshTokens?.includes(token) ?? false);

/**
 * Revokes a refresh token (and the user's access tokens: here they aren't tied to one refresh token)
 * or one access token. False when it is no token that works.
 */
export function revokeToken(orgs: OrgState[], token: string): boolean {
  if (!token) return false;
  for (const org of orgs) {
    if (refreshTokenValid(org, token)) {
      if (org.refreshToken === token) org.refreshRevoked = true;
      else org.earlierRefreshTokens = org.earlierRefreshTokens?.filter((t) => t !== token);
      org.accessTokens = [];
      return true;
    }
    if (org.accessTokens.includes(token)) {
      org.accessTokens = org.accessTokens.filter((a) => a !== token);
      return true;
    }
  }
  return false;
}

export function organizationRow(org: OrgState): Record<string, unknown> {
  return {
    Id: org.id,
    Name: org.name,
    InstanceName: org.instanceName,
    IsSandbox: org.isSandbox,
    TrialExpirationDate: null,
    NamespacePrefix: null,
    OrganizationType: org.edition,
    PrimaryContact: `${org.firstName} ${org.lastName}`,
    Country: 'United States',
  };
}

export function userRow(org: OrgState): Record<string, unknown> {
  return {
    Id: org.userId,
    Username: org.username,
    FirstName: org.firstName,
    LastName: org.lastName,
    Email: org.email,
    Alias: (org.firstName.slice(0, 1) + org.lastName).slice(0, 8).toLowerCase(),
    IsActive: true,
  };
}
