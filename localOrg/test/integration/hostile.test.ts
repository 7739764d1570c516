// What a hostile web page open in the user's browser can send to the local org on 127.0.0.1, request by
// request, with the headers a browser puts on them, and what each gets: nothing that reads or writes
// data, hands out a code or a token, or makes the server buffer a large body.
import './isolatedHome';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { startTestOrg } from './helpers';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with exactly these headers (fetch would add and drop some); `body` may be a stream size. */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (a: Answer): unknown => JSON.parse(a.text) as unknown;

// What Chromium adds to a cross-site fetch or form post from https://evil.example (a link or a
// redirect, a GET navigation, carries no Origin).
const fromEvil = (mode: 'no-cors' | 'cors' | 'navigate'): Record<string, string> => ({
  Origin: 'https://evil.example',
  'Sec-Fetch-Site': 'cross-site',
  'Sec-Fetch-Mode': mode,
  Referer: 'https://evil.example/',
});
const linkFromEvil = {
  'Sec-Fetch-Site': 'cross-site',
  'Sec-Fetch-Mode': 'navigate',
  Referer: 'https://evil.example/',
};

let org: LocalOrg;
let port: number;
let token: string;

before(async () => {
  org = await startTestOrg({ seed: 'none' });
  port = org.port;
  token = org.orgs.lmo.accessToken as string;
});
after(() => org?.close());

async function accountsNamed(name: string): Promise<number> {
  const q = encodeURIComponent(`SELECT COUNT() FROM Account WHERE Name = '${name}'`);
  const a = await send(port, {
    path: `/services/data/v62.0/query?q=${q}`,
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(a.status, 200, a.text);
  return (json(a) as { totalSize: number }).totalSize;
}

describe('the data API, from a web page', () => {
  it("refuses fetch(…?oauth_token=…, { mode: 'no-cors', body: text }): no record is created", async () => {
    // The request the issue reproduced: a "simple" request needs no preflight, so the browser sends it.
    const hostile = {
      method: 'POST',
      path: `/services/data/v62.0/sobjects/Account?oauth_token=${encodeURIComponent(token)}`,
      body: JSON.stringify({ Name: 'Pwned' }),
    };
    const withOrigin = await send(port, {
      ...hostile,
      headers: { ...fromEvil('no-cors'), 'Content-Type': 'text/plain;charset=UTF-8' },
    });
    assert.equal(withOrigin.status, 403);
    assert.equal((json(withOrigin) as Array<{ errorCode: string }>)[0]?.errorCode, 'INSUFFICIENT_ACCESS');
    assert.equal(withOrigin.headers['access-control-allow-origin'], undefined);

    // Without the Origin header (a browser that leaves it out): the query-string token is no token.
    const noOrigin = await send(port, {
      ...hostile,
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    });
    assert.equal(noOrigin.status, 401);
    assert.deepEqual(json(noOrigin), [
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] },
    ]);

    // GET with the token in the query (an <img> or <script> tag): no data either.
    const q = encodeURIComponent('SELECT Id, Name FROM Account');
    const img = await send(port, {
      path: `/services/data/v62.0/query?q=${q}&oauth_token=${encodeURIComponent(token)}`,
      headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
    });
    assert.equal(img.status, 401);
    assert.equal(await accountsNamed('Pwned'), 0);
  });

  it('refuses a text/plain body even with the token in the Authorization header (415)', async () => {
    const a = await send(port, {
      method: 'POST',
      path: '/services/data/v62.0/sobjects/Account',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ Name: 'Pwned' }),
    });
    assert.equal(a.status, 415);
    assert.deepEqual(json(a), [
      {
        message: 'Content-Type header specified in HTTP request is not supported: text/plain',
        errorCode: 'UNSUPPORTED_MEDIA_TYPE',
        fields: [],
      },
    ]);
    assert.equal(await accountsNamed('Pwned'), 0);
  });

  it('answers the CORS preflight of a request with an Authorization header with 403, no CORS headers', async () => {
    const a = await send(port, {
      method: 'OPTIONS',
      path: '/services/data/v62.0/sobjects/Account',
      headers: {
        ...fromEvil('cors'),
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    assert.equal(a.status, 403);
    for (const h of Object.keys(a.headers)) assert.ok(!h.startsWith('access-control-'), h);
  });

  it('refuses a cross-origin read of the identity and the userinfo endpoints', async () => {
    for (const path of [`/id/${org.orgs.lmo.id}/${org.orgs.lmo.userId}`, '/services/oauth2/userinfo']) {
      const a = await send(port, {
        path,
        headers: { ...fromEvil('cors'), Authorization: `Bearer ${token}` },
      });
      assert.equal(a.status, 403, path);
      assert.ok(!a.text.includes(org.orgs.lmo.username), path);
    }
  });
});

describe('OAuth, from a web page', () => {
  const redirect = 'http://localhost:1717/OauthRedirect';
  const authorizeUrl = (params: Record<string, string>): string =>
    `/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'PlatformCLI', ...params }).toString()}`;

  it('refuses a redirect_uri that is not a registered callback, without a redirect', async () => {
    for (const uri of [
      'javascript:alert(document.domain)',
      'https://evil.example/OauthRedirect',
      'http://evil.example:1717/OauthRedirect',
      'http://localhost.evil.example:1717/OauthRedirect',
      'http://localhost:1717@evil.example/OauthRedirect',
      'http://localhost:1717/OauthRedirect/../steal',
      'http://localhost:1717/OauthRedirect?next=https://evil.example',
      'http://[',
      '',
    ]) {
      const a = await send(port, {
        path: authorizeUrl({ redirect_uri: uri }),
        headers: linkFromEvil,
      });
      assert.equal(a.status, 400, uri);
      assert.equal(a.headers.location, undefined, uri);
      assert.deepEqual(
        json(a),
        { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' },
        uri,
      );
    }
    const missing = await send(port, { path: '/services/oauth2/authorize?response_type=code&client_id=x' });
    assert.equal(missing.status, 400);
    assert.equal((json(missing) as { error: string }).error, 'redirect_uri_mismatch');
  });

  it('shows a login page that no other page can frame, and gives no code for a GET', async () => {
    const a = await send(port, { path: authorizeUrl({ redirect_uri: redirect, state: 's1' }) });
    assert.equal(a.status, 200);
    assert.equal(a.headers.location, undefined);
    assert.match(String(a.headers['content-type']), /^text\/html/);
    assert.equal(a.headers['x-frame-options'], 'DENY');
    assert.match(String(a.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(a.text, /<button type="submit">Log In<\/button>/);
    assert.ok(a.text.includes(org.orgs.lmo.username));
  });

  it('refuses a cross-site post of the login form, and one without the token of its page', async () => {
    const path = authorizeUrl({ redirect_uri: redirect, state: 's2' });
    const page = await send(port, { path });
    const formToken = /name="login_form" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const form = (t: string): string =>
      new URLSearchParams({ login_form: t, username: org.orgs.lmo.username }).toString();
    const post = (headers: Record<string, string>, body: string) =>
      send(port, {
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });

    // A form on evil.example that posts here, even with a token it could never read.
    const crossSite = await post(fromEvil('navigate'), form(formToken));
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.headers.location, undefined);
    // Same-site (another page on localhost), but without the page's token.
    const noToken = await post({ Origin: 'http://localhost:3000' }, form('guessed'));
    assert.equal(noToken.status, 403);
    assert.equal(noToken.headers.location, undefined);
    assert.equal((json(noToken) as { error: string }).error, 'invalid_request');

    // The page's own post: a code for the registered callback. The token works once.
    const own = await post({ Origin: `http://127.0.0.1:${port}` }, form(formToken));
    assert.equal(own.status, 302);
    const location = new URL(String(own.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, redirect);
    assert.equal(location.searchParams.get('state'), 's2');
    assert.ok(location.searchParams.get('code'));
    const again = await post({ Origin: `http://127.0.0.1:${port}` }, form(formToken));
    assert.equal(again.status, 403);
  });

  it('exchanges a code only with its PKCE verifier and redirect_uri, never for a cross-origin post', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const login = async (): Promise<string> => {
      const path = authorizeUrl({ redirect_uri: redirect, code_challenge: challenge });
      const page = await send(port, { path });
      const formToken = /name="login_form" value="([^"]+)"/.exec(page.text)?.[1] as string;
      const a = await send(port, {
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login_form: formToken, username: org.orgs.lmo.username }).toString(),
      });
      return new URL(String(a.headers.location)).searchParams.get('code') as string;
    };
    const exchange = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      send(port, {
        method: 'POST',
        path: '/services/oauth2/token',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: 'PlatformCLI',
          ...fields,
        }).toString(),
      });

    // The token endpoint answers no web page: a form on evil.example posting a stolen refresh token.
    const refresh = org.orgs.lmo.refreshToken;
    for (const origin of ['https://evil.example', 'null']) {
      const a = await send(port, {
        method: 'POST',
        path: '/services/oauth2/token',
        headers: {
          ...fromEvil('navigate'),
          Origin: origin,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`,
      });
      assert.equal(a.status, 403, origin);
      assert.ok(!a.text.includes('access_token'), origin);
      assert.equal((json(a) as { error: string }).error, 'invalid_request');
    }
    const crossOrigin = await exchange(
      { code: await login(), redirect_uri: redirect, code_verifier: verifier },
      fromEvil('navigate'),
    );
    assert.equal(crossOrigin.status, 403);

    const noVerifier = await exchange({ code: await login(), redirect_uri: redirect });
    assert.deepEqual(json(noVerifier), {
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    });
    const otherRedirect = await exchange({
      code: await login(),
      redirect_uri: 'http://localhost:1718/OauthRedirect',
      code_verifier: verifier,
    });
    assert.equal((json(otherRedirect) as { error: string }).error, 'redirect_uri_mismatch');

    const code = await login();
    const ok = await exchange({ code, redirect_uri: redirect, code_verifier: verifier });
    assert.equal(ok.status, 200, ok.text);
    assert.ok((json(ok) as { access_token: string }).access_token);
    const reused = await exchange({ code, redirect_uri: redirect, code_verifier: verifier });
    assert.equal((json(reused) as { error: string }).error, 'invalid_grant');
  });
});

describe('revoked tokens', () => {
  const redirect = 'http://localhost:1717/OauthRedirect';
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  /** The browser login of the sf CLI (code with PKCE, then the exchange): the token answer. */
  async function login(username: string): Promise<{ access_token: string; refresh_token: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const path = `/services/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'PlatformCLI',
      redirect_uri: redirect,
      code_challenge: challenge,
    }).toString()}`;
    const page = await send(port, { path });
    const formToken = /name="login_form" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const posted = await send(port, { path, ...form({ login_form: formToken, username }) });
    const code = new URL(String(posted.headers.location)).searchParams.get('code') as string;
    const a = await send(port, {
      path: '/services/oauth2/token',
      ...form({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier }),
    });
    assert.equal(a.status, 200, a.text);
    return json(a) as { access_token: string; refresh_token: string };
  }
  const refresh = (refreshToken: string) =>
    send(port, {
      path: '/services/oauth2/token',
      ...form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'PlatformCLI' }),
    });
  const revoke = (fields: Record<string, string>) =>
    send(port, { path: '/services/oauth2/revoke', ...form(fields) });

  it('a revoked refresh token stays revoked: the next login gets a new one', async () => {
    const user = org.orgs.devhub.username;
    const first = await login(user);
    assert.equal((await refresh(first.refresh_token)).status, 200);
    assert.equal((await revoke({ token: first.refresh_token })).status, 200);
    assert.deepEqual(json(await refresh(first.refresh_token)), {
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });

    const second = await login(user);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal((await refresh(first.refresh_token)).status, 400, 'the revoked token came back');
    assert.equal((await refresh(second.refresh_token)).status, 200);
  });

  it('each login has its own refresh token; the earlier ones work until a sixth login revokes the oldest', async () => {
    const user = org.orgs.devhub.username;
    const tokens = [(await login(user)).refresh_token];
    for (let i = 0; i < 4; i++) tokens.push((await login(user)).refresh_token);
    assert.equal(new Set(tokens).size, 5);
    for (const t of tokens) assert.equal((await refresh(t)).status, 200);
    tokens.push((await login(user)).refresh_token);
    assert.equal((await refresh(tokens[0] as string)).status, 400);
    for (const t of tokens.slice(1)) assert.equal((await refresh(t)).status, 200);
  });

  it('revoking an unknown, empty, missing or already revoked token answers 400 invalid_token', async () => {
    const { refresh_token: revoked, access_token: access } = await login(org.orgs.devhub.username);
    assert.equal((await revoke({ token: revoked })).status, 200);
    assert.equal(
      (await revoke({ token: access })).status,
      400,
      'revoking the refresh token revoked its sessions',
    );
    const refused: Array<Record<string, string>> = [
      { token: revoked },
      { token: 'no-such-token' },
      { token: '' },
      {},
    ];
    for (const fields of refused) {
      const a = await revoke(fields);
      assert.equal(a.status, 400, JSON.stringify(fields));
      assert.equal((json(a) as { error: string }).error, 'invalid_token', JSON.stringify(fields));
    }
    const live = await login(org.orgs.devhub.username);
    assert.equal((await revoke({ token: live.access_token })).status, 200);
    assert.equal((await refresh(live.refresh_token)).status, 200, 'an access token revoked alone');
  });
});

describe('the admin API, from another user or a web page', () => {
  const tokensIn = (text: string): string[] =>
    [org.orgs.lmo, org.orgs.devhub, ...org.orgs.testOrgs].flatMap((o) =>
      [o.accessToken, o.refreshToken].filter((t): t is string => !!t && text.includes(t)),
    );

  it('answers nothing without the secret: 401, no token in the body, nothing created', async () => {
    const before = org.orgs.testOrgs.length;
    for (const [method, path, body] of [
      ['GET', '/_local/orgs', undefined],
      ['GET', '/_local/world', undefined],
      ['POST', '/_local/orgs', '{}'],
      ['POST', '/_local/lmo/users', '{}'],
      ['POST', '/_local/orgs/lmo/reauthorize', '{}'],
    ] as const) {
      for (const authorization of [undefined, 'Bearer wrong-secret', `Bearer ${token}`, org.adminSecret]) {
        const a = await send(port, {
          method,
          path,
          headers: {
            ...(authorization ? { Authorization: authorization } : {}),
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          body,
        });
        const what = `${method} ${path} with ${authorization === undefined ? 'no secret' : authorization.slice(0, 12)}`;
        assert.equal(a.status, 401, what);
        assert.equal((json(a) as Array<{ errorCode: string }>)[0]?.errorCode, 'INVALID_SESSION_ID', what);
        assert.deepEqual(tokensIn(a.text), [], what);
      }
    }
    assert.equal(org.orgs.testOrgs.length, before);
  });

  it('refuses a cross-site request without an Origin even with the secret (a link, a redirect)', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const a = await send(port, {
        path: '/_local/orgs',
        headers: { ...linkFromEvil, 'Sec-Fetch-Site': site, Authorization: `Bearer ${org.adminSecret}` },
      });
      assert.equal(a.status, 403, site);
      assert.deepEqual(tokensIn(a.text), [], site);
    }
  });

  it('answers with the secret, which only this user can read from ~/.lma-local-org', async () => {
    const file = join(homedir(), '.lma-local-org', `admin-${port}.secret`);
    assert.equal(org.adminSecretFile, file);
    assert.equal(readFileSync(file, 'utf8').trim(), org.adminSecret);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
    for (const site of [undefined, 'none', 'same-origin']) {
      const a = await send(port, {
        path: '/_local/orgs',
        headers: { Authorization: `Bearer ${org.adminSecret}`, ...(site ? { 'Sec-Fetch-Site': site } : {}) },
      });
      assert.equal(a.status, 200, a.text);
      assert.equal(
        (json(a) as { lmo: { refreshToken: string } }).lmo.refreshToken,
        org.orgs.lmo.refreshToken,
      );
    }
  });

  it('removes the secret file when the server stops; each start has a secret of its own', async () => {
    const other = await startTestOrg({ seed: 'none' });
    const file = join(homedir(), '.lma-local-org', `admin-${other.port}.secret`);
    try {
      assert.notEqual(other.adminSecret, org.adminSecret);
      assert.ok(existsSync(file));
    } finally {
      await other.close();
    }
    assert.ok(!existsSync(file));
  });
});

// The old server read the whole body first: these hung until the client gave up.
describe('bodies', { timeout: 10_000 }, () => {
  /** Sends the headers and `sent` bytes of a body announced as `length`, and waits for the answer. */
  function partial(
    path: string,
    headers: Record<string, string>,
    length: number,
    sent: number,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(length), ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(sent, 0x20)); // the rest never comes: only an answer before the body ends passes
    });
  }

  it('answers a 49 MB post without a valid token at once, before reading the body', async () => {
    const a = await partial(
      '/services/data/v62.0/sobjects/Account',
      { Authorization: 'Bearer bogus' },
      49 * 1024 * 1024,
      1024,
    );
    assert.equal(a.status, 401);
    assert.equal((json(a) as Array<{ errorCode: string }>)[0]?.errorCode, 'INVALID_SESSION_ID');
  });

  it('refuses a body over 50 MB from a valid session with 413 as soon as it is announced', async () => {
    const a = await partial(
      '/services/data/v62.0/composite/sobjects',
      { Authorization: `Bearer ${token}` },
      50 * 1024 * 1024 + 1,
      1024,
    );
    assert.equal(a.status, 413);
    assert.equal(a.headers.connection, 'close');
    assert.equal((json(a) as Array<{ errorCode: string }>)[0]?.errorCode, 'REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses an OAuth form over 64 KB with 413', async () => {
    const a = await partial('/services/oauth2/token', {}, 65 * 1024, 1024);
    assert.equal(a.status, 413);
  });
});
