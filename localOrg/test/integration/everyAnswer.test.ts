// Every executed request gets its answer, and a refused one changes nothing: a valid POST followed by
// garbage on the same keep-alive connection gets its 201 (then the 400 for the garbage); an admin
// request refused for a bad value creates nothing.
import './isolatedHome';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { raw, startTestOrg } from './helpers';

const V = '/services/data/v62.0';
let org: LocalOrg;
before(async () => {
  org = await startTestOrg({ seed: 'none' });
});
after(() => org?.close());

/** Writes `text` on one connection and reads until the server closes it. */
const exchange = (text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(org.port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (answer += c));
    socket.on('end', () => resolve(answer));
    socket.on('error', (e) => (answer ? resolve(answer) : reject(e)));
    socket.write(text);
  });

it('a valid POST followed by garbage on the same connection gets its 201, then a 400 for the garbage', async () => {
  const token = org.orgs.lmo.accessToken as string;
  const body = JSON.stringify({ Name: 'Answered' });
  const answer = await exchange(
    `POST ${V}/sobjects/Account HTTP/1.1\r\nHost: 127.0.0.1:${org.port}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
      `\x01\x02 this is not HTTP\r\n\r\n`,
  );
  const soql = encodeURIComponent("SELECT Id FROM Account WHERE Name = 'Answered'");
  const found = await raw(org, token, 'GET', `${V}/query?q=${soql}`);
  const ids = (found.body as { records: Array<{ Id: string }> }).records.map((r) => r.Id);
  assert.equal(ids.length, 1, 'the POST was executed once');
  const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [201, 400], answer);
  assert.ok(answer.includes(`"id":"${ids[0]}"`), 'the 201 carries the id of the record it created');
});

it('POST /_local/orgs with a name too long for the org answers 400 and creates no org and no token', async () => {
  const before = (await raw(org, org.adminSecret, 'GET', '/_local/orgs')).body as { testOrgs: unknown[] };
  const res = await raw(org, org.adminSecret, 'POST', '/_local/orgs', { name: 'N'.repeat(100) });
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal((res.body as Array<{ errorCode: string }>)[0]?.errorCode, 'STRING_TOO_LONG');
  const now = (await raw(org, org.adminSecret, 'GET', '/_local/orgs')).body as { testOrgs: unknown[] };
  assert.equal(now.testOrgs.length, before.testOrgs.length, 'no org was created');
  const world = JSON.stringify((await raw(org, org.adminSecret, 'GET', '/_local/world')).body);
  assert.ok(!world.includes('N'.repeat(100)), 'the org is nowhere in the world');
});

it('a Partner Console version or association the LMA cannot record answers 400 and is not kept', async () => {
  const pkg = await raw(org, org.adminSecret, 'POST', '/_local/console/packages', {
    name: 'Long Versions',
    namespace: 'lv',
  });
  assert.equal(pkg.status, 201, JSON.stringify(pkg.body));
  const id = (pkg.body as { id: string }).id;
  const assoc = await raw(org, org.adminSecret, 'PUT', `/_local/console/packages/${id}/association`, {
    status: 'Active',
    lengthDays: null,
    seats: 'site',
  });
  assert.equal(assoc.status, 200, JSON.stringify(assoc.body));
  const bad = await raw(org, org.adminSecret, 'POST', `/_local/console/packages/${id}/versions`, {
    version: '1.0.0',
    name: 'V'.repeat(100),
  });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  const packages = (await raw(org, org.adminSecret, 'GET', '/_local/console/packages')).body as Array<{
    id: string;
    versions: unknown[];
  }>;
  assert.deepEqual(packages.find((p) => p.id === id)?.versions, [], 'the refused version is not kept');

  const longName = await raw(org, org.adminSecret, 'POST', '/_local/console/packages', {
    name: 'P'.repeat(100),
  });
  assert.equal(longName.status, 201);
  const longId = (longName.body as { id: string }).id;
  const refused = await raw(org, org.adminSecret, 'PUT', `/_local/console/packages/${longId}/association`, {
    status: 'Active',
    lengthDays: null,
    seats: 'site',
  });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  const after = (await raw(org, org.adminSecret, 'GET', '/_local/console/packages')).body as Array<{
    id: string;
    association: unknown;
  }>;
  assert.equal(after.find((p) => p.id === longId)?.association ?? null, null, 'no association kept');
});
