// "Log In to Subscriber Org" and the LMA's "Log In to Subscriber Organization" permission, in both
// readings of the API (UNCONFIRMED which a real org has): UserPermissionAccess exposes the permission as
// a field (found by its label, read: a user without it is told so before anything opens, and no request
// reaches the login page), or it doesn't (the login opens and the LMA's page answers). The permission is
// read once per connection, not per click.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadCustomer, type SubscriberOrg } from '../../../src/lma/records/customer';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { PERMISSION_SETS_SETUP } from '../../../src/lma/rules/subscriberLogin';
import { logInToSubscriber } from '../../../src/lma/workflows/subscriberLogin';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { install } from './customerWorld';
import { openThroughFrontDoor } from './frontDoor';

let org: LocalOrg;
let session: LmoSession;
let customer: SubscriberOrg;
/** Every API request the session sent ("GET /services/data/… → 200 (3 ms)"). */
const sent: string[] = [];
/** The login page's answers to what `open` opened, in order. */
const pages: { status: number; text: string }[] = [];

before(async () => {
  org = await startLocalOrg({ seed: 'demo', installDelayMs: 0, timing: { licenseDelayMs: 0 } });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'permission-lmo',
  });
  session = new LmoSession({
    log: { trace: () => {}, info: (line: string) => sent.push(line), warn: () => {}, error: () => {} },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  const testOrg = await org.createTestOrg({ name: 'Fabrikam Support' });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await install(org, testOrg.accessToken!, billing.versions.filter((v) => !v.isBeta).at(-1)!.id);
  await session.connect('permission-lmo');
  customer = (await loadCustomer(session, testOrg.id))!.org;
});
after(async () => {
  session?.dispose();
  await org?.close();
});

/** Opens an LMO path as the browser does with the extension's front-door URL. */
async function open(path: string): Promise<void> {
  pages.push(await openThroughFrontDoor(await session.frontDoorUrl(path), org.instanceUrl));
}

/** The world in one reading, and a new connection (the permission is read once per connection). */
async function reading(settings: { fieldExposed: boolean; granted: boolean }): Promise<void> {
  org.lmo.subscriberLogin(settings);
  pages.length = 0;
  await session.connect('permission-lmo');
  sent.length = 0;
}

const permissionRequests = () => ({
  describes: sent.filter((l) => /\/sobjects\/UserPermissionAccess\/describe /.test(l)).length,
  queries: sent.filter((l) => /\/query\?q=SELECT.*UserPermissionAccess/i.test(decodeURIComponent(l))).length,
});

test('reading A, with the permission: the login opens and the page names the org', async () => {
  await reading({ fieldExposed: true, granted: true });
  const outcome = await logInToSubscriber(session, customer, open);
  assert.equal(outcome.kind, 'opened');
  assert.equal(pages.length, 1);
  assert.equal(pages[0]!.status, 200);
  assert.match(pages[0]!.text, /Logged in to subscriber org Fabrikam Support/);
});

test('reading A, without the permission: said before anything opens, with the way to get it; no request reaches the login page', async () => {
  await reading({ fieldExposed: true, granted: false });
  const before = org.lmo.subscriberLogin().pageRequests;
  const outcome = await logInToSubscriber(session, customer, open);
  assert.equal(outcome.kind, 'refused');
  assert.ok(outcome.kind === 'refused');
  assert.match(outcome.message, /"Log In to Subscriber Organization" permission/);
  assert.match(outcome.message, /Permission Sets → the set → System Permissions/);
  assert.match(outcome.message, /sfLma\.LoginToPartnerBT and sfLma\.SubscriberSupport/);
  assert.deepEqual(outcome.nextStep, { label: 'Open Permission Sets', path: PERMISSION_SETS_SETUP });
  assert.equal(pages.length, 0);
  assert.equal(org.lmo.subscriberLogin().pageRequests, before);
  // The LMA's page agrees: opened anyway, it refuses this user.
  await open(`/partnerbt/lmo/subOrgLogin.apexp?directLoginOrgId=${customer.id18}`);
  assert.equal(pages[0]!.status, 403);
});

test('reading B (the API does not expose the permission): the login opens, and the LMA answers', async () => {
  await reading({ fieldExposed: false, granted: false });
  const refused = await logInToSubscriber(session, customer, open);
  assert.equal(refused.kind, 'opened');
  assert.equal(pages[0]!.status, 403);
  assert.match(pages[0]!.text, /Log in to Subscriber Organization/);
  assert.deepEqual(permissionRequests(), { describes: 1, queries: 0 });

  await reading({ fieldExposed: false, granted: true });
  const opened = await logInToSubscriber(session, customer, open);
  assert.equal(opened.kind, 'opened');
  assert.equal(pages[0]!.status, 200);
});

test('the permission is read once per connection (one describe, one query), not per click', async () => {
  await reading({ fieldExposed: true, granted: true });
  for (let click = 0; click < 3; click++)
    assert.equal((await logInToSubscriber(session, customer, open)).kind, 'opened');
  assert.equal(pages.length, 3);
  assert.deepEqual(permissionRequests(), { describes: 1, queries: 1 });
  // Granted away meanwhile: this connection still goes by what it read; a new connection reads again.
  org.lmo.subscriberLogin({ granted: false });
  assert.equal((await logInToSubscriber(session, customer, open)).kind, 'opened');
  assert.deepEqual(permissionRequests(), { describes: 1, queries: 1 });
  await session.connect('permission-lmo');
  sent.length = 0;
  assert.equal((await logInToSubscriber(session, customer, open)).kind, 'refused');
  assert.deepEqual(permissionRequests(), { describes: 1, queries: 1 });
});

test('a scratch org is refused before the permission is even read', async () => {
  await reading({ fieldExposed: true, granted: true });
  const outcome = await logInToSubscriber(
    session,
    { ...customer, isSandbox: true, trialExpiration: '2026-12-31' },
    open,
  );
  assert.equal(outcome.kind, 'refused');
  assert.equal(pages.length, 0);
  assert.deepEqual(permissionRequests(), { describes: 0, queries: 0 });
});
