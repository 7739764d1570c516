// The test install's pure rules: which errors are key problems or transient, how a key is escaped
// and kept out of the request log, which License is this install's, and what an upgrade verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordedLicense } from '../../../src/lma/records/types';
import {
  escapeInstallationKey,
  installationKeyProblem,
  installStatusWords,
  isTransientCreateError,
} from '../../../src/lma/rules/packageInstall';
import {
  isThisInstallsLicense,
  verifyLicense,
  verifyUpgrade,
  type BeforeInstall,
} from '../../../src/lma/rules/testInstallChecks';
import { pathOf } from '../../../src/org/salesforce';

test('key problems are recognised by an INSTALL_KEY code or, the codes being unconfirmed, by the message', () => {
  const required =
    'Please provide installationkey when querying against SubscriberPackageVersion that is protected by installationkey';
  const invalid = 'Invalid InstallationKey for SubscriberPackageVersion';
  assert.equal(installationKeyProblem({ errorCode: 'INSTALL_KEY_REQUIRED', message: required }), 'required');
  assert.equal(installationKeyProblem({ errorCode: 'INSTALL_KEY_INVALID', message: invalid }), 'invalid');
  assert.equal(installationKeyProblem({ errorCode: 'UNKNOWN_EXCEPTION', message: required }), 'required');
  assert.equal(installationKeyProblem({ errorCode: 'UNKNOWN_EXCEPTION', message: invalid }), 'invalid');
  assert.equal(installationKeyProblem({ name: 'INSTALL_KEY_SOMETHING', message: '' }), 'required');
  assert.equal(
    installationKeyProblem({ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }),
    undefined,
  );
  assert.equal(installationKeyProblem(undefined), undefined);
});

test('transient create errors are those CumulusCI retries', () => {
  assert.ok(
    isTransientCreateError({
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
      message: 'invalid cross reference id',
    }),
  );
  assert.ok(
    isTransientCreateError({ errorCode: 'UNKNOWN_EXCEPTION', message: 'This package is not yet available' }),
  );
  assert.ok(
    !isTransientCreateError({ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing' }),
  );
});

test('the key is escaped as the packaging library escapes it, and blanked in the request log', () => {
  assert.equal(escapeInstallationKey("it's a \\ key"), "it\\'s a \\\\ key");
  const soql =
    "SELECT Id FROM SubscriberPackageVersion WHERE Id = '04t000000000001AAA' AND InstallationKey = 'it\\'s a \\\\ key'";
  const logged = pathOf(`https://x.example/services/data/v62.0/tooling/query?q=${encodeURIComponent(soql)}`);
  assert.equal(
    logged,
    "/services/data/v62.0/tooling/query?q=SELECT Id FROM SubscriberPackageVersion WHERE Id = '04t000000000001AAA' AND InstallationKey = '***'",
  );
  const plus = pathOf(
    "https://x.example/q?q=SELECT+Id+FROM+SubscriberPackageVersion+WHERE+InstallationKey+=+'k'",
  );
  assert.ok(!plus.includes("'k'"), plus);
});

const license = (fields: Partial<RecordedLicense>): RecordedLicense => ({
  id: 'a0L000000000001AAA',
  name: 'L-00001',
  status: 'Trial',
  seats: 10,
  expiration: '2027-01-01',
  installDate: '2026-12-02',
  subscriberOrgId: '00D000000000001',
  isSandbox: false,
  versionId: '04t000000000001AAA',
  versionNumber: '1.0.0',
  lead: { id: '00Q000000000001AAA', leadSource: 'Package Installation', company: 'Acme' },
  ...fields,
});

test("this install's License: a new one for new installs and reinstalls, the moved one for an upgrade", () => {
  const old = license({ status: 'Uninstalled' });
  const reinstall: BeforeInstall = {
    kind: 'reinstall',
    licenses: [old],
    current: undefined,
    installedVersionId: undefined,
  };
  assert.equal(isThisInstallsLicense(old, reinstall, '04t000000000002AAA'), false);
  assert.equal(
    isThisInstallsLicense(license({ id: 'a0L000000000002AAA' }), reinstall, '04t000000000002AAA'),
    true,
  );

  const current = license({});
  const upgrade: BeforeInstall = {
    kind: 'upgrade',
    licenses: [current],
    current,
    installedVersionId: current.versionId!,
  };
  assert.equal(isThisInstallsLicense(current, upgrade, '04t000000000002AAA'), false, 'not moved yet');
  assert.equal(
    isThisInstallsLicense(license({ versionId: '04t000000000002AAA' }), upgrade, '04t000000000002'),
    true,
  );
  assert.equal(
    isThisInstallsLicense(
      license({ id: 'a0L000000000009AAA', versionId: '04t000000000002AAA' }),
      upgrade,
      '04t000000000002AAA',
    ),
    false,
    'another License of the org is not the upgraded one',
  );
});

test('an upgrade verifies the terms were kept: the defaults are not expected', () => {
  const before = license({ seats: 25, status: 'Active', expiration: null });
  const after = license({
    seats: 25,
    status: 'Active',
    expiration: null,
    versionId: '04t000000000002AAA',
    versionNumber: '2.0.0',
    lead: undefined,
  });
  const checks = verifyUpgrade(after, before, { id: '04t000000000002AAA', number: '2.0.0' });
  assert.deepEqual(
    checks.map((c) => [c.name, c.result]),
    [
      ['License', 'pass'],
      ['Version', 'pass'],
      ['Status', 'pass'],
      ['Seats', 'pass'],
      ['Expiration', 'pass'],
      ['Lead', 'info'],
    ],
  );
  const changed = verifyUpgrade(license({ ...after, seats: 10 }), before, {
    id: '04t000000000002AAA',
    number: '2.0.0',
  });
  const seats = changed.find((c) => c.name === 'Seats')!;
  assert.equal(seats.result, 'fail');
  assert.match(seats.advice!, /An upgrade keeps the License/);
});

test('a sandbox is a sandbox when the org or the License says so; a scratch org may have either seats', () => {
  const terms = { status: 'Trial', lengthDays: 30, seats: 10 } as const;
  const site = license({ seats: -1, expiration: '2027-01-01', installDate: '2026-12-02' });
  const seatsOf = (l: RecordedLicense, o: { isSandbox: boolean; isScratch?: boolean }) =>
    verifyLicense(l, terms, o).find((c) => c.name === 'Seats')!.result;
  assert.equal(seatsOf(site, { isSandbox: true }), 'pass');
  assert.equal(
    seatsOf({ ...site, isSandbox: true }, { isSandbox: false }),
    'pass',
    "the License's own flag counts",
  );
  assert.equal(seatsOf(site, { isSandbox: false }), 'fail');
  assert.equal(seatsOf(site, { isSandbox: true, isScratch: true }), 'pass');
  assert.equal(seatsOf(license({}), { isSandbox: true, isScratch: true }), 'pass');
});

test('install and availability statuses are shown in words, never as the API value', () => {
  assert.equal(installStatusWords('IN_PROGRESS'), 'in progress');
  assert.equal(installStatusWords('PACKAGE_UNAVAILABLE'), 'still being published');
  assert.equal(installStatusWords('UNINSTALL_IN_PROGRESS'), 'an uninstall is still running');
  for (const raw of [
    'IN_PROGRESS',
    'SUCCESS',
    'ERROR',
    'UNKNOWN',
    'PACKAGE_UNAVAILABLE_ZIP',
    'UNKNOWN_EXCEPTION_42',
    'SOMETHING_NEW',
  ])
    assert.doesNotMatch(installStatusWords(raw), /[A-Z]{2,}_|[A-Z]{4,}/, `${raw} in words`);
});
