// "Open in Salesforce" on the local org: the extension's front-door URL (src/org/salesforce.ts) is
// served as Salesforce serves it: the session id becomes a browser session (an HttpOnly cookie) and
// the browser is sent on to retURL at once, so the token leaves the address bar.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';

let org: LocalOrg;
let alias: string;

before(async () => {
  org = await startLocalOrg({ port: 0, seed: 'demo' });
  alias = 'front-door-lmo';
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias,
  });
});
after(() => org?.close());

/** A browser's GET: no redirect followed, the cookie sent if given. */
function get(
  url: string,
  cookie?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the front door trades the session id for a cookie and redirects to the record, which then opens', async () => {
  const connection = await openConnection(alias, () => undefined);
  const license = (
    await connection.request<{ records: Array<{ Id: string }> }>(
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM sfLma__License__c LIMIT 1')}`,
    )
  ).records[0]!.Id;
  const target = `/lightning/r/sfLma__License__c/${license}/view`;
  const url = await connection.frontDoorUrl(target);
  const sid = new URL(url).searchParams.get('sid') as string;
  assert.match(url, /\/secur\/frontdoor\.jsp\?sid=/);

  const door = await get(url);
  assert.equal(door.status, 302, door.text);
  assert.equal(door.headers.location, target);
  assert.ok(!String(door.headers.location).includes(sid));
  const cookie = String(door.headers['set-cookie']);
  assert.match(cookie, /^sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  assert.ok(!cookie.includes(sid), 'the cookie is a session of its own, not the access token');

  const opened = await get(new URL(target, org.instanceUrl).href, cookie.split(';')[0]);
  assert.equal(opened.status, 200);
  assert.match(String(opened.headers['content-type']), /^text\/html/);
  assert.ok(opened.text.includes(license));
  assert.ok(!opened.text.includes(sid));
  // Without the cookie the page is not there, as before.
  assert.equal((await get(new URL(target, org.instanceUrl).href)).status, 404);
});

test('an invalid session id gets no cookie; retURL never leaves the local org', async () => {
  const bad = await get(`${org.instanceUrl}/secur/frontdoor.jsp?sid=00Dnope&retURL=%2Fhome`);
  assert.equal(bad.status, 401);
  assert.equal(bad.headers['set-cookie'], undefined);
  const token = org.orgs.lmo.accessToken as string;
  for (const retURL of [
    '//evil.example/x',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
  ]) {
    const r = await get(
      `${org.instanceUrl}/secur/frontdoor.jsp?sid=${encodeURIComponent(token)}&retURL=${encodeURIComponent(retURL)}`,
    );
    assert.equal(r.status, 302, retURL);
    assert.equal(r.headers.location, '/home/home.jsp', retURL);
  }
});
