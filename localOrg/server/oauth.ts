// OAuth 2.0 endpoints and identity: token (refresh_token and authorization_code
// grants), authorize (a login page: pick a user of the local org, Log In),
// userinfo, revoke and the identity URL `/id/{orgId}/{userId}`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { approveLogin, issueAccessToken, refreshTokenValid, revokeToken } from '../world/orgs';
import type { OrgState } from '../world/state';
import type { Shared } from './context';
import { LATEST_VERSION } from './context';
import { json, type ApiRequest, type ApiResponse } from './http';

interface Grant {
  orgId: string;
  redirectUri: string;
  codeChallenge: string | null;
  expires: number;
}

// Authorization codes and login forms are single-use and short-lived; memory is enough.
const codes = new Map<string, Grant>();
const loginForms = new Map<string, number>();
const TTL_MS = 15 * 60_000;

const oauthError = (error: string, description: string, status = 400): ApiResponse =>
  json({ error, error_description: description }, status);

/**
 * The callbacks the local org's connected apps have registered: the sf CLI's and @salesforce/core's
 * web login (`WebOAuthServer`: `http://localhost:1717/OauthRedirect`, the port set by
 * `oauthLocalPort` in sfdx-project.json), which the extension's "Log in to a new org" uses too.
 * A code never goes anywhere else (not `javascript:`, not another host).
 */
export function isRegisteredRedirect(uri: string | null): boolean {
  if (!uri) return false;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
    url.port !== '' &&
    url.pathname === '/OauthRedirect' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === ''
  );
}

export function formParams(req: ApiRequest): URLSearchParams {
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
  return json(
    {
      access_token: accessToken,
      ...(withRefresh ? { refresh_token: org.refreshToken } : {}),
      signature: randomBytes(32).toString('base64'),
      scope: 'refresh_token api web id',
      instance_url: shared.instanceUrl(),
      id: identityUrl(shared, org),
      token_type: 'Bearer',
      issued_at: issuedAt,
    },
    200,
    { 'Cache-Control': 'no-store' },
  );
}

const base64url = (b: Buffer): string => b.toString('base64url');

/** PKCE (RFC 7636, S256): the verifier's hash must be the challenge the authorize request sent. */
function verifierMatches(challenge: string, verifier: string | null): boolean {
  if (!verifier) return false;
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(base64url(createHash('sha256').update(verifier).digest()));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function token(shared: Shared, req: ApiRequest): ApiResponse {
  if (req.method !== 'POST') return oauthError('invalid_request', 'must use HTTP POST', 405);
  const p = formParams(req);
  const grant = p.get('grant_type');
  if (grant === 'refresh_token') {
    const refreshToken = p.get('refresh_token') ?? '';
    const org = shared.world.orgByRefreshToken(refreshToken);
    if (!org || !refreshTokenValid(org, refreshToken))
      return oauthError('invalid_grant', 'expired access/refresh token');
    return tokenResponse(shared, org, false);
  }
  if (grant === 'authorization_code') {
    const code = p.get('code') ?? '';
    const entry = codes.get(code);
    codes.delete(code);
    if (!entry || entry.expires < Date.now())
      return oauthError('invalid_grant', 'invalid authorization code');
    if (p.get('redirect_uri') !== entry.redirectUri)
      return oauthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
    if (entry.codeChallenge !== null && !verifierMatches(entry.codeChallenge, p.get('code_verifier')))
      return oauthError('invalid_grant', 'invalid code verifier');
    const org = shared.world.org(entry.orgId);
    // Each login is a new approval with a refresh token of its own; a revoked one never comes back.
    approveLogin(org);
    return tokenResponse(shared, org, true);
  }
  return oauthError('unsupported_grant_type', 'grant type not supported');
}

/** An error of the authorize request sent back to its (registered) callback, as OAuth does. */
function redirectError(req: ApiRequest, error: string, description: string): ApiResponse {
  const target = new URL(req.query.get('redirect_uri') as string);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  const state = req.query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { Location: target.toString(), 'Cache-Control': 'no-store' } };
}

/**
 * `/services/oauth2/authorize`. GET: the login page (a user of the local org to log in as, the LMO's
 * admin or `login_hint` preselected). POST: that page's form, carrying the one-time token the page
 * was served with, so another site can't submit it; then a redirect with the code.
 */
export function authorize(shared: Shared, req: ApiRequest): ApiResponse {
  const redirect = req.query.get('redirect_uri');
  if (!isRegisteredRedirect(redirect)) {
    return oauthError('redirect_uri_mismatch', 'redirect_uri must match configuration');
  }
  if (!req.query.get('client_id')) return oauthError('invalid_client_id', 'client identifier invalid');
  if (req.query.get('response_type') !== 'code') {
    return redirectError(req, 'unsupported_response_type', 'response type not supported');
  }
  const challenge = req.query.get('code_challenge');
  const method = req.query.get('code_challenge_method') ?? 'S256';
  if (challenge !== null && method !== 'S256') {
    return redirectError(req, 'invalid_request', 'code_challenge_method must be S256');
  }
  if (req.method === 'GET') return loginPage(shared, req);
  if (req.method !== 'POST') return oauthError('invalid_request', 'must use HTTP GET or POST', 405);

  const form = new URLSearchParams(req.rawBody);
  const formToken = form.get('login_form') ?? '';
  const issued = loginForms.get(formToken);
  loginForms.delete(formToken);
  if (issued === undefined || issued < Date.now()) {
    return oauthError(
      'invalid_request',
      'This login form expired or was not sent from the login page. Start the login again.',
      403,
    );
  }
  const org = shared.world.state.orgs.find((o) => o.username === form.get('username'));
  if (!org) return oauthError('invalid_request', `unknown username ${form.get('username') ?? ''}`);
  const code = randomBytes(24).toString('base64url');
  codes.set(code, {
    orgId: org.id,
    redirectUri: redirect as string,
    codeChallenge: challenge,
    expires: Date.now() + TTL_MS,
  });
  const target = new URL(redirect as string);
  target.searchParams.set('code', code);
  const state = req.query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return { status: 302, headers: { Location: target.toString(), 'Cache-Control': 'no-store' } };
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const KIND_LABEL: Record<OrgState['kind'], string> = {
  lmo: 'License Management Org',
  devhub: 'Dev Hub',
  subscriber: 'Test org',
};

/** The login page: one form, posted to this same URL (so it works behind a forwarding proxy too). */
function loginPage(shared: Shared, req: ApiRequest): ApiResponse {
  for (const [t, expires] of loginForms) if (expires < Date.now()) loginForms.delete(t);
  const formToken = randomBytes(24).toString('base64url');
  loginForms.set(formToken, Date.now() + TTL_MS);
  const hint = req.query.get('login_hint');
  const chosen = shared.world.state.orgs.find((o) => o.username === hint) ?? shared.world.lmo;
  const options = shared.world.state.orgs
    .map(
      (o) =>
        `<option value="${escapeHtml(o.username)}"${o === chosen ? ' selected' : ''}>${escapeHtml(
          `${o.firstName} ${o.lastName} (${o.username}), ${o.name}, ${KIND_LABEL[o.kind]}`,
        )}</option>`,
    )
    .join('');
  const app =
    req.query.get('client_id') === 'PlatformCLI' ? 'Salesforce CLI' : (req.query.get('client_id') ?? '');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Log In | Local Org</title>
<style>
body{font-family:system-ui,sans-serif;background:#f3f3f3;color:#181818;margin:0}
main{max-width:30rem;margin:4rem auto;background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:2rem}
h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;font-weight:600;margin:1rem 0 .4rem}
select,button{font:inherit;width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1.5rem;background:#0b5cab;color:#fff;border:0;border-radius:.25rem;cursor:pointer}
p{color:#444}
</style></head>
<body><main>
<h1>Log in to the local org</h1>
<p><strong>${escapeHtml(app)}</strong> asks for access to the org of the user you log in as.
This local org has no passwords: it runs on this computer, for tests and demos.</p>
<form method="post">
<input type="hidden" name="login_form" value="${formToken}">
<label for="username">Username</label>
<select id="username" name="username">${options}</select>
<button type="submit">Log In</button>
</form>
<p>Served by ${escapeHtml(shared.instanceUrl())}.</p>
</main></body></html>`;
  return {
    status: 200,
    body: html,
    headers: {
      'Content-Type': 'text/html;charset=UTF-8',
      'Cache-Control': 'no-store',
      // No other page may frame the login page and trick a click on Log In.
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    },
  };
}

/**
 * `/services/oauth2/revoke`: a refresh token (with the access tokens) or an access token. Salesforce
 * answers 200, and 400 `invalid_token` for a token that is unknown, empty or already revoked.
 */
export function revoke(shared: Shared, req: ApiRequest): ApiResponse {
  const t = formParams(req).get('token') ?? '';
  if (!revokeToken(shared.world.state.orgs, t)) return oauthError('invalid_token', 'Token was invalid');
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
