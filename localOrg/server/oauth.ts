// OAuth 2.0 endpoints and identity: token (refresh_token and authorization_code
// grants), authorize (answers at once with a redirect, there is nobody to log
// in), userinfo, revoke and the identity URL `/id/{orgId}/{userId}`.
import { randomBytes } from 'node:crypto';
import { issueAccessToken } from '../world/orgs';
import type { OrgState } from '../world/state';
import type { Shared } from './context';
import { LATEST_VERSION } from './context';
import { header, json, type ApiRequest, type ApiResponse } from './http';

// Authorization codes are single-use and short-lived; memory is enough.
const codes = new Map<string, { orgId: string; expires: number }>();

const oauthError = (error: string, description: string, status = 400): ApiResponse =>
  json({ error, error_description: description }, status);

export function formParams(req: ApiRequest): URLSearchParams {
  const type = header(req, 'content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      return new URLSearchParams(JSON.parse(req.rawBody || '{}') as Record<string, string>);
    } catch {
      return new URLSearchParams();
    }
  }
  const params = new URLSearchParams(req.rawBody);
  for (const [k, v] of req.query) if (!params.has(k)) params.set(k, v);
  return params;
}

export function identityUrl(shared: Shared, org: OrgState): string {
  return `${shared.instanceUrl()}/id/${org.id}/${org.userId}`;
}

function tokenResponse(shared: Shared, org: OrgState, withRefresh: boolean): ApiResponse {
  const accessToken = issueAccessToken(org);
  shared.world.save();
  const issuedAt = String(Date.now());
  return json({
    access_token: accessToken,
    ...(withRefresh ? { refresh_token: org.refreshToken } : {}),
    signature: randomBytes(32).toString('base64'),
    scope: 'refresh_token api web id',
    instance_url: shared.instanceUrl(),
    id: identityUrl(shared, org),
    token_type: 'Bearer',
    issued_at: issuedAt,
  });
}

export function token(shared: Shared, req: ApiRequest): ApiResponse {
  if (req.method !== 'POST') return oauthError('invalid_request', 'must use HTTP POST', 405);
  const p = formParams(req);
  const grant = p.get('grant_type');
  if (grant === 'refresh_token') {
    const org = shared.world.orgByRefreshToken(p.get('refresh_token') ?? '');
    if (!org || org.refreshRevoked) return oauthError('invalid_grant', 'expired access/refresh token');
    return tokenResponse(shared, org, false);
  }
  if (grant === 'authorization_code') {
    const entry = codes.get(p.get('code') ?? '');
    codes.delete(p.get('code') ?? '');
    if (!entry || entry.expires < Date.now())
      return oauthError('invalid_grant', 'invalid authorization code');
    const org = shared.world.org(entry.orgId);
    if (org.refreshRevoked) org.refreshRevoked = false;
    return tokenResponse(shared, org, true);
  }
  return oauthError('unsupported_grant_type', 'grant type not supported');
}

/** `/services/oauth2/authorize`: logs in as `login_hint` (a username) or the LMO's admin, and redirects. */
export function authorize(shared: Shared, req: ApiRequest): ApiResponse {
  const redirect = req.query.get('redirect_uri');
  if (!redirect) return oauthError('invalid_request', 'missing required redirect_uri parameter');
  const hint = req.query.get('login_hint');
  const org = hint ? shared.world.state.orgs.find((o) => o.username === hint) : shared.world.lmo;
  if (!org) return oauthError('invalid_request', `unknown login_hint ${hint}`);
  const code = randomBytes(24).toString('base64url');
  codes.set(code, { orgId: org.id, expires: Date.now() + 15 * 60_000 });
  const target = new URL(redirect);
  target.searchParams.set('code', code);
  const state = req.query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { Location: target.toString() }, body: undefined };
}

export function revoke(shared: Shared, req: ApiRequest): ApiResponse {
  const t = formParams(req).get('token') ?? '';
  for (const org of shared.world.state.orgs) {
    if (org.refreshToken === t) {
      org.refreshRevoked = true;
      org.accessTokens = [];
    } else org.accessTokens = org.accessTokens.filter((a) => a !== t);
  }
  shared.world.save();
  return { status: 200, body: undefined };
}

function urls(shared: Shared, org: OrgState): Record<string, string> {
  const base = `${shared.instanceUrl()}/services/data/v{version}`;
  return {
    enterprise: `${shared.instanceUrl()}/services/Soap/c/{version}/${org.id}`,
    metadata: `${shared.instanceUrl()}/services/Soap/m/{version}/${org.id}`,
    partner: `${shared.instanceUrl()}/services/Soap/u/{version}/${org.id}`,
    rest: `${base}/`,
    sobjects: `${base}/sobjects/`,
    search: `${base}/search/`,
    query: `${base}/query/`,
    recent: `${base}/recent/`,
    tooling_soap: `${shared.instanceUrl()}/services/Soap/T/{version}/${org.id}`,
    tooling_rest: `${base}/tooling/`,
    profile: `${shared.instanceUrl()}/${org.userId}`,
    users: `${base}/chatter/users`,
    custom_domain: shared.instanceUrl(),
  };
}

/** The default profile picture a user without a photo has, as Salesforce links it. */
const profilePhoto = (shared: Shared, size: 45 | 200): string =>
  `${shared.instanceUrl()}/img/userprofile/default_profile_${size}_v2.png`;

export function userinfo(shared: Shared, org: OrgState): ApiResponse {
  return json({
    sub: identityUrl(shared, org),
    user_id: org.userId,
    organization_id: org.id,
    preferred_username: org.username,
    nickname: org.username.split('@')[0],
    name: `${org.firstName} ${org.lastName}`,
    email: org.email,
    email_verified: true,
    given_name: org.firstName,
    family_name: org.lastName,
    zoneinfo: 'GMT',
    photos: {
      picture: profilePhoto(shared, 200),
      thumbnail: profilePhoto(shared, 45),
    },
    profile: `${shared.instanceUrl()}/${org.userId}`,
    picture: profilePhoto(shared, 200),
    address: {},
    is_salesforce_integration_user: false,
    urls: urls(shared, org),
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    updated_at: org.createdDate,
    is_app_installed: true,
  });
}

export function identity(shared: Shared, org: OrgState): ApiResponse {
  return json({
    id: identityUrl(shared, org),
    asserted_user: true,
    user_id: org.userId,
    organization_id: org.id,
    username: org.username,
    nick_name: org.username.split('@')[0],
    display_name: `${org.firstName} ${org.lastName}`,
    email: org.email,
    email_verified: true,
    first_name: org.firstName,
    last_name: org.lastName,
    timezone: 'GMT',
    photos: { picture: profilePhoto(shared, 200) },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: urls(shared, org),
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: org.createdDate,
  });
}

export { LATEST_VERSION };
