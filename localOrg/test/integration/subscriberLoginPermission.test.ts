// "Log In to Subscriber Organization" in the local org, in both readings (UNCONFIRMED which a real org
// has): by default UserPermissionAccess's describe has no such field; switched on, a field with that
// label answers whether the running user holds it. The CLI and the admin API switch it.
import { home } from './isolatedHome';
import { runLocalOrgCli } from './cliProcess';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { raw, startTestOrg } from './helpers';

const LABEL = 'Log In to Subscriber Organization';
let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ seed: 'demo' });
});
after(() => org?.close());

const cli = (args: string[]) => runLocalOrgCli([...args, '--port', String(org.port)], { HOME: home });

/** The permission's field in UserPermissionAccess's describe, and its value for the user of `token`. */
async function permission(token: string): Promise<{ field?: string; value?: unknown }> {
  const describe = await raw(
    org,
    token,
    'GET',
    '/services/data/v62.0/sobjects/UserPermissionAccess/describe',
  );
  assert.equal(describe.status, 200);
  const fields = (describe.body as { fields: { name: string; label: string }[] }).fields;
  assert.ok(fields.some((f) => f.label === 'View Setup and Configuration'));
  const field = fields.find((f) => f.label === LABEL)?.name;
  if (!field) return {};
  const q = encodeURIComponent(`SELECT ${field} FROM UserPermissionAccess LIMIT 1`);
  const answer = await raw(org, token, 'GET', `/services/data/v62.0/query?q=${q}`);
  assert.equal(answer.status, 200);
  return { field, value: (answer.body as { records: Record<string, unknown>[] }).records[0]?.[field] };
}

it('by default the API does not expose the permission; switched on, a field with its label answers per user', async () => {
  const lmo = org.orgs.lmo.accessToken!;
  assert.deepEqual(await permission(lmo), {});
  const query = await raw(
    org,
    lmo,
    'GET',
    `/services/data/v62.0/query?q=${encodeURIComponent('SELECT PermissionsLmaSubscriberOrgLogin FROM UserPermissionAccess')}`,
  );
  assert.equal(query.status, 400);

  assert.deepEqual(org.lmo.subscriberLogin({ fieldExposed: true }), {
    fieldExposed: true,
    granted: true,
    pageRequests: 0,
  });
  assert.equal((await permission(lmo)).value, true);
  const without = await org.lmo.createUser({ subscriberLoginAccess: false });
  assert.equal((await permission(without.accessToken!)).value, false);
  const noLma = await org.lmo.createUser({ lmaAccess: false });
  assert.equal((await permission(noLma.accessToken!)).value, false);
  org.lmo.subscriberLogin({ granted: false });
  assert.equal((await permission(lmo)).value, false);
  org.lmo.subscriberLogin({ fieldExposed: false, granted: true });
  assert.deepEqual(await permission(lmo), {});
});

it('the CLI shows and switches both readings, and refuses anything but on or off', async () => {
  const set = await cli(['lmo', 'subscriber-login', '--field', 'on', '--permission', 'off']);
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(JSON.parse(set.stdout), { fieldExposed: true, granted: false, pageRequests: 0 });
  const shown = await cli(['lmo', 'subscriber-login']);
  assert.deepEqual(JSON.parse(shown.stdout), { fieldExposed: true, granted: false, pageRequests: 0 });
  const bad = await cli(['lmo', 'subscriber-login', '--field', 'yes']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--field takes on or off/);
  assert.deepEqual(org.lmo.subscriberLogin(), { fieldExposed: true, granted: false, pageRequests: 0 });
  const user = await cli(['lmo', 'users', 'create', '--no-subscriber-login']);
  assert.equal(user.code, 0, user.stderr);
  const token = (JSON.parse(user.stdout) as { accessToken: string }).accessToken;
  assert.equal((await permission(token)).value, false);
  const refused = await raw(org, org.adminSecret, 'PUT', '/_local/lmo/subscriber-login', { granted: 'yes' });
  assert.equal(refused.status, 400);
  org.lmo.subscriberLogin({ fieldExposed: false, granted: true });
});
