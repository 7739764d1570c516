import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isGovernmentCloud,
  isSubscriberLoginLabel,
  loginRefusal,
  permissionRefusal,
  subscriberLoginPath,
  SUBSCRIBER_LOGIN_PAGE,
} from '../../../src/lma/rules/subscriberLogin';

const production = { isSandbox: false, trialExpiration: undefined, instance: 'NA224', status: 'ACTIVE' };

test('the subscriber login path is the LMA page Package Visualizer links, with the org id escaped', () => {
  assert.equal(
    subscriberLoginPath('00D5g000000AbCdEAK'),
    '/partnerbt/lmo/subOrgLogin.apexp?directLoginOrgId=00D5g000000AbCdEAK',
  );
  assert.ok(subscriberLoginPath('a&b').startsWith(`${SUBSCRIBER_LOGIN_PAGE}?directLoginOrgId=a%26b`));
});

test('scratch orgs, Government Cloud and deleted orgs are refused before anything opens; others pass', () => {
  assert.equal(loginRefusal(production), undefined);
  assert.equal(loginRefusal({ ...production, isSandbox: true }), undefined, 'a sandbox may be logged into');
  assert.match(
    loginRefusal({ ...production, isSandbox: true, trialExpiration: '2026-12-31' })!,
    /scratch org/,
  );
  assert.match(loginRefusal({ ...production, instance: 'USA384' })!, /Government Cloud/);
  assert.match(loginRefusal({ ...production, status: 'DELETED' })!, /deleted/);
  assert.equal(isGovernmentCloud('CS42'), false);
  assert.equal(isGovernmentCloud('gov12'), true);
});

test('the permission is found by its label, in the spellings Salesforce uses, and nothing else', () => {
  for (const label of [
    'Log In to Subscriber Organization',
    'Log in to Subscriber Org',
    'log in to subscriber organization',
    ' Login to  Subscriber Organization ',
  ])
    assert.ok(isSubscriberLoginLabel(label), label);
  for (const label of ['Log In to Community as User', 'Manage Subscriber Organizations', 'Subscriber Org'])
    assert.ok(!isSubscriberLoginLabel(label), label);
});

test('a missing permission is refused with its name and how to get it; granted or unknown is not', () => {
  const message = permissionRefusal({ kind: 'missing', field: 'PermissionsX' }) ?? '';
  assert.match(message, /"Log In to Subscriber Organization" permission/);
  assert.match(message, /Setup → Permission Sets → the set → System Permissions/);
  assert.match(message, /sfLma\.LoginToPartnerBT and sfLma\.SubscriberSupport/);
  assert.equal(permissionRefusal({ kind: 'granted', field: 'PermissionsX' }), undefined);
  assert.equal(permissionRefusal({ kind: 'unknown' }), undefined);
});
