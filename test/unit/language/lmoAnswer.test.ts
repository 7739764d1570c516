// The extension's answer to the language server's lma/lmoPackages, from the session's state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerLmoPackages } from '../../../src/language/lmoAnswer';
import { LMA_1_20_FIELDS } from '../../../src/lma/records/lmaFields';
import type { Package } from '../../../src/lma/records/types';
import type { SessionState } from '../../../src/org/lmoSession';

const org = {
  username: 'admin@acme.lmo',
  alias: undefined,
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://acme.my.salesforce.com',
  loginUrl: undefined,
};
const packages: Package[] = [];

test('only a connected LMO with the LMA installed has packages to give, and they are loaded then only', async () => {
  let loads = 0;
  const load = async () => {
    loads++;
    return packages;
  };
  const states: SessionState[] = [
    { kind: 'disconnected' },
    { kind: 'connecting', target: 'acme' },
    { kind: 'expired', org, target: 'acme', message: 'expired' },
    { kind: 'connected', org, lma: { kind: 'notInstalled' } },
    { kind: 'connected', org, lma: { kind: 'noAccess', version: '1.20', missing: ['License'] } },
  ];
  for (const state of states) assert.deepEqual(await answerLmoPackages(state, load), { connected: false });
  assert.equal(loads, 0);

  const connected: SessionState = {
    kind: 'connected',
    org,
    lma: { kind: 'installed', fields: LMA_1_20_FIELDS },
  };
  assert.deepEqual(await answerLmoPackages(connected, load), {
    connected: true,
    org: { username: 'admin@acme.lmo', orgId: '00D000000000001AAA' },
    packages,
  });
  assert.equal(loads, 1);
  const aliased = await answerLmoPackages({ ...connected, org: { ...org, alias: 'lmo' } }, load);
  assert.deepEqual(aliased.connected && aliased.org, {
    username: 'admin@acme.lmo',
    orgId: '00D000000000001AAA',
    alias: 'lmo',
  });
});

test('a failure to load the packages reaches the server as an error, not as "not connected"', async () => {
  const connected: SessionState = {
    kind: 'connected',
    org,
    lma: { kind: 'installed', fields: LMA_1_20_FIELDS },
  };
  await assert.rejects(
    answerLmoPackages(connected, () => Promise.reject(new Error('superseded'))),
    /superseded/,
  );
});
