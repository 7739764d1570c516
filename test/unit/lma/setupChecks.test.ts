import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Package } from '../../../src/lma/records/types';
import { lmoKindWarning, setupState, type SetupInputs } from '../../../src/lma/workflows/setupChecks';

const lmoPackage = (name: string, packageId: string): Package => ({
  id: `a0${name}`,
  name,
  packageId,
  developerName: undefined,
  latestVersion: '1.0.0',
  versions: [],
  licenseCounts: {},
  licenseTotal: 0,
});

const billing = lmoPackage('Acme Billing', '033000000000001AAA');
const inputs = (overrides: Partial<SetupInputs> = {}): SetupInputs => ({
  lmo: { lmaInstalled: true, isLocalOrg: false, partnerConsoleConfirmed: false },
  workspacePackages: [
    { name: 'Acme Billing', packageAliasId: '033000000000001AAA', versionIds: [] },
    { name: 'Acme Labs', packageAliasId: '033000000000009AAA', versionIds: [] },
  ],
  lmoPackages: [billing],
  aliasesWithTerms: new Set(['Acme Billing']),
  lastTestInstall: () => undefined,
  ...overrides,
});

test('nothing is complete without an LMO', () => {
  const state = setupState(inputs({ lmo: undefined }));
  assert.equal(state.lmaInstalled, false);
  assert.equal(state.partnerConsoleConnected, false);
  assert.equal(state.packagesAssociated, false);
});

test('the Partner Console step: confirmed by the user on a real LMO, automatic on the local org', () => {
  assert.equal(setupState(inputs()).partnerConsoleConnected, false);
  assert.equal(
    setupState(inputs({ lmo: { lmaInstalled: true, isLocalOrg: false, partnerConsoleConfirmed: true } }))
      .partnerConsoleConnected,
    true,
  );
  assert.equal(
    setupState(inputs({ lmo: { lmaInstalled: true, isLocalOrg: true, partnerConsoleConfirmed: false } }))
      .partnerConsoleConnected,
    true,
  );
});

test('associations: every workspace package must be known to the LMO', () => {
  const state = setupState(inputs());
  assert.deepEqual(state.unassociated, ['Acme Labs']);
  assert.equal(state.packagesAssociated, false);
  const all = setupState(inputs({ lmoPackages: [billing, lmoPackage('Acme Labs', '033000000000009AAA')] }));
  assert.equal(all.packagesAssociated, true);
  assert.equal(
    setupState(inputs({ workspacePackages: [] })).packagesAssociated,
    false,
    'a project without packages has nothing associated',
  );
});

test('terms and test installs are checked for the associated packages', () => {
  const state = setupState(inputs());
  assert.deepEqual(state.missingTerms, []);
  assert.equal(state.termsSet, true);
  assert.deepEqual(state.notVerified, ['Acme Billing']);
  assert.equal(state.testInstallsPassed, false);
  const passed = setupState(
    inputs({ lastTestInstall: (id) => (id === billing.packageId ? 'passed' : 'failed') }),
  );
  assert.equal(passed.testInstallsPassed, true);
  const failed = setupState(inputs({ lastTestInstall: () => 'failed' }));
  assert.equal(failed.testInstallsPassed, false);
  assert.equal(setupState(inputs({ aliasesWithTerms: new Set() })).termsSet, false);
});

test('the LMO should be a permanent production org', () => {
  assert.equal(lmoKindWarning('production'), undefined);
  for (const kind of ['sandbox', 'scratch', 'developer', 'trial'] as const) assert.ok(lmoKindWarning(kind));
  assert.match(lmoKindWarning('developer')!, /commercial use of the LMA is not allowed/);
});
