// "Log In to Subscriber Org" on the local org: the LMA's subscriber login page, opened through the front
// door, names the org it logs in to; scratch orgs and Government Cloud are refused by the extension
// before anything opens and by the page alike; a user without the LMA's permissions is refused.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadCustomer } from '../../../src/lma/records/customer';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loginRefusal, subscriberLoginPath } from '../../../src/lma/rules/subscriberLogin';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';
import { install } from './customerWorld';
import { openThroughFrontDoor } from './frontDoor';

let org: LocalOrg;
let session: LmoSession;
let customerOrgId: string;

before(async () => {
  org = await startLocalOrg({ seed: 'demo', installDelayMs: 0, timing: { licenseDelayMs: 0 } });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'login-lmo',
  });
  session = new LmoSession({
    log: { trace: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect('login-lmo');
  const testOrg = await org.createTestOrg({ name: 'Contoso Support' });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await install(org, testOrg.accessToken!, billing.versions.filter((v) => !v.isBeta).at(-1)!.id);
  customerOrgId = testOrg.id;
});
after(async () => {
  session?.dispose();
  await org?.close();
});

/** Opens an LMO path as the browser does after the extension's front-door URL. */
function open(frontDoorUrl: string): Promise<{ status: number; text: string }> {
  return openThroughFrontDoor(frontDoorUrl, org.instanceUrl);
}

async function licenseIdOf(orgId: string): Promise<string> {
  const customer = await loadCustomer(session, orgId);
  return customer!.licenses[0]!.license.id;
}

test('the login page, through the front door, names the subscriber org it logs in to', async () => {
  const customer = (await loadCustomer(session, customerOrgId))!;
  assert.equal(loginRefusal(customer.org), undefined);
  const page = await open(await session.frontDoorUrl(subscriberLoginPath(customer.org.id18)));
  assert.equal(page.status, 200);
  assert.match(page.text, /Logged in to subscriber org Contoso Support/);
  assert.ok(page.text.includes(customer.org.id18));
});

test('a scratch org and a Government Cloud org: refused before opening, and by the page', async () => {
  const licenseId = await licenseIdOf(customerOrgId);
  const cases: [Record<string, unknown>, RegExp, RegExp][] = [
    [
      { sfLma__Subscriber_Org_Is_Sandbox__c: true, sfLma__Org_Trial_Expiration__c: '2026-12-31' },
      /scratch org/,
      /can’t log in to scratch orgs/,
    ],
    [{ sfLma__Org_Instance__c: 'USA42' }, /Government Cloud/, /can’t log in to Government Cloud/],
  ];
  for (const [fields, refusal, pageText] of cases) {
    await org.faults.tamper('lmo', 'sfLma__License__c', licenseId, fields);
    const customer = (await loadCustomer(session, customerOrgId))!;
    assert.match(loginRefusal(customer.org) ?? '', refusal);
    const page = await open(await session.frontDoorUrl(subscriberLoginPath(customer.org.id18)));
    assert.equal(page.status, 403);
    assert.match(page.text, pageText);
    await org.faults.tamper('lmo', 'sfLma__License__c', licenseId, {
      sfLma__Subscriber_Org_Is_Sandbox__c: false,
      sfLma__Org_Trial_Expiration__c: null,
      sfLma__Org_Instance__c: 'NA1',
    });
  }
});

test('an LMO user without the LMA permissions and an org that never installed are refused by the page', async () => {
  const user = await org.lmo.createUser({ lmaAccess: false });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: user.refreshToken,
    alias: 'login-nolma',
  });
  const connection = await openConnection('login-nolma', () => undefined);
  const customer = (await loadCustomer(session, customerOrgId))!;
  const refused = await open(await connection.frontDoorUrl(subscriberLoginPath(customer.org.id18)));
  assert.equal(refused.status, 403);
  assert.match(refused.text, /Log in to Subscriber Organization/);
  const stranger = await org.createTestOrg({ name: 'Never Installed' });
  const none = await open(await session.frontDoorUrl(subscriberLoginPath(stranger.id)));
  assert.equal(none.status, 404);
});
