// The extension's calls to the local org's admin API (src/org/localOrg.ts): the Partner Console terms
// and a new test org, with the secret the server wrote for this user; none without it.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { applyLocalPartnerConsoleTerms, createLocalTestOrg } from '../../../src/org/localOrg';

let org: LocalOrg;

before(async () => {
  org = await startLocalOrg({ port: 0, seed: 'demo', installDelayMs: 200 });
});
after(() => org?.close());

test('sets Partner Console terms and creates a test org through the admin API', async () => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await applyLocalPartnerConsoleTerms(org.instanceUrl, billing.id, {
    status: 'Trial',
    lengthDays: 45,
    seats: 7,
  });
  const association = org.console.packages().find((p) => p.id === billing.id)!.association;
  assert.deepEqual(association?.defaults, { status: 'Trial', lengthDays: 45, seats: 7 });

  const before = org.orgs.testOrgs.length;
  const alias = await createLocalTestOrg(org.instanceUrl);
  assert.match(alias, /^lma-test-/);
  assert.equal(org.orgs.testOrgs.length, before + 1);
});

test('without the secret file, says no local org of this user runs there and changes nothing', async () => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const was = org.console.packages().find((p) => p.id === billing.id)!.association?.defaults;
  renameSync(org.adminSecretFile, `${org.adminSecretFile}.away`);
  try {
    await assert.rejects(
      applyLocalPartnerConsoleTerms(org.instanceUrl, billing.id, {
        status: 'Active',
        lengthDays: null,
        seats: 1,
      }),
      /No local org of yours runs on port \d+/,
    );
  } finally {
    renameSync(`${org.adminSecretFile}.away`, org.adminSecretFile);
  }
  assert.deepEqual(org.console.packages().find((p) => p.id === billing.id)!.association?.defaults, was);
});
