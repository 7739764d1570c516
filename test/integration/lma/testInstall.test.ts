// Test installs against the local org, through the real @salesforce/core and jsforce: the LMO through
// the session, the test org through its own connection, as the extension and the CLI run them.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg, type OrgView } from '../../../localOrg/index';
import { checkLmaPresence } from '../../../src/lma/lmaPresence';
import { findPackageTerms, writeTerms } from '../../../src/lma/projectTerms';
import { findRecordedLicense, runTestInstall, type TestInstallRun } from '../../../src/lma/testInstall';
import type { LicensingTerms } from '../../../src/lma/licensingTerms';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';

const quiet = { trace() {}, info() {}, warn() {}, error() {} };
const fast = { sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 20)) };
const limits = { versionTimeoutMs: 5_000, installTimeoutMs: 10_000, licenseTimeoutMs: 1_500 };

let org: LocalOrg;
let session: LmoSession;
let testOrgs = 0;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'ti-lmo',
  });
  session = new LmoSession({ log: quiet, checkLma: (request) => checkLmaPresence({ request }) });
  assert.equal((await session.connect('ti-lmo')).kind, 'connected');
});
after(async () => {
  session?.dispose();
  await org?.close();
});

const pkg = (name: string) => {
  const found = org.console.packages().find((p) => p.name === name);
  assert.ok(found, name);
  return found;
};
/** The newest released version that installs with no key and no wait (tests below add such versions). */
const released = (name: string) =>
  pkg(name)
    .versions.filter((v) => !v.isBeta && !v.installationKey && !v.installableAt)
    .at(-1)!;

/** A new test org, authorized in the CLI auth store and opened through its own connection. */
async function testOrg(
  options: { sandbox?: boolean } = {},
): Promise<{ view: OrgView; target: TestInstallRun['target'] }> {
  const view = await org.createTestOrg({ name: `Test Install Co ${++testOrgs}`, ...options });
  const alias = `ti-test-${testOrgs}`;
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken: view.refreshToken, alias });
  const connection = await openConnection(alias, () => undefined);
  assert.equal(connection.orgId, view.id, `${alias} reaches the org it was authorized for`);
  return {
    view,
    target: {
      username: connection.username,
      orgId: connection.orgId,
      isSandbox: view.isSandbox,
      request: (path, options) => connection.request(path, options),
    },
  };
}

function project(terms: Record<string, LicensingTerms>): string {
  let text = JSON.stringify(
    {
      packageDirectories: [{ path: 'force-app', package: 'Acme Billing' }],
      packageAliases: { 'Acme Billing': pkg('Acme Billing').id, 'Acme Insights': pkg('Acme Insights').id },
    },
    null,
    2,
  );
  for (const [alias, entry] of Object.entries(terms)) text = writeTerms(text, alias, entry);
  return text;
}

async function run(versionId: string, target: TestInstallRun['target'], projectText: string) {
  return runTestInstall({
    lmo: session,
    lmoUsername: 'ti-lmo',
    target,
    versionId,
    termsFor: (installed) => findPackageTerms(projectText, installed)?.terms,
    limits,
    waiting: fast,
  });
}

describe('test install and verification on the local org', () => {
  test('an associated package gets a License with the expected terms and a Lead: the report passes', async () => {
    const { target } = await testOrg();
    const report = await run(
      released('Acme Billing').id,
      target,
      project({ 'Acme Billing': { status: 'Trial', lengthDays: 30, seats: 10 } }),
    );
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    assert.deepEqual(
      report.checks.map((check) => [check.name, check.result]),
      [
        ['License', 'pass'],
        ['Status', 'pass'],
        ['Seats', 'pass'],
        ['Expiration', 'pass'],
        ['Lead', 'pass'],
      ],
    );
    assert.equal(report.expectedTerms, 'New installs get a 30-day trial for 10 seats.');
  });

  test('terms that differ from the Partner Console fail with advice; no terms reports what was found', async () => {
    const { target } = await testOrg();
    const differ = await run(
      released('Acme Billing').id,
      target,
      project({ 'Acme Billing': { status: 'Active', lengthDays: null, seats: 25 } }),
    );
    assert.equal(differ.outcome, 'failed');
    const failed = differ.checks.filter((check) => check.result === 'fail');
    assert.deepEqual(
      failed.map((check) => check.name),
      ['Status', 'Seats', 'Expiration'],
    );
    assert.match(failed[0]!.advice!, /Partner Console/);

    const other = await testOrg();
    const none = await run(released('Acme Billing').id, other.target, project({}));
    assert.equal(none.outcome, 'passed');
    assert.ok(none.checks.some((check) => check.result === 'info' && check.found === 'Trial'));
    assert.match(none.messages.join(' '), /nothing to compare against/);
  });

  test('an unassociated package and a beta version get no License, and the report says why', async () => {
    const { target } = await testOrg();
    const labs = await run(released('Acme Labs Toolkit').id, target, project({}));
    assert.equal(labs.outcome, 'noLicense');
    assert.match(labs.messages.join('\n'), /not associated with this LMO/);

    const beta = pkg('Acme Billing').versions.find((v) => v.isBeta)!;
    const betaRun = await run(beta.id, (await testOrg()).target, project({}));
    assert.equal(betaRun.outcome, 'noLicense');
    assert.match(betaRun.messages.join('\n'), /This version is a beta/);
  });

  test('a sandbox gets a site license whatever the seats', async () => {
    const { target } = await testOrg({ sandbox: true });
    const report = await run(
      released('Acme Billing').id,
      target,
      project({ 'Acme Billing': { status: 'Trial', lengthDays: 30, seats: 10 } }),
    );
    assert.equal(report.outcome, 'passed', JSON.stringify(report.checks));
    assert.match(
      report.checks.find((check) => check.name === 'Seats')!.expected,
      /Site License \(sandboxes always get a site license\)/,
    );
  });

  test('changed defaults reach only later installs', async () => {
    const insights = pkg('Acme Insights');
    const first: LicensingTerms = { status: 'Active', lengthDays: 365, seats: 50 };
    await org.console.associate(insights.id, first);
    const early = await testOrg();
    assert.equal(
      (await run(released('Acme Insights').id, early.target, project({ 'Acme Insights': first }))).outcome,
      'passed',
    );

    const changed: LicensingTerms = { status: 'Active', lengthDays: null, seats: 'site' };
    await org.console.associate(insights.id, changed);
    const late = await testOrg();
    assert.equal(
      (await run(released('Acme Insights').id, late.target, project({ 'Acme Insights': changed }))).outcome,
      'passed',
    );
    const earlier = await findRecordedLicense(session, early.view.id, insights.id);
    assert.equal(earlier?.seats, 50, 'the License written before the change keeps its terms');
  });

  test('an install that fails in the test org shows its errors', async () => {
    const { target } = await testOrg();
    org.faults.failNextInstall('UNKNOWN_ERROR: The package could not be installed (test).');
    const report = await run(released('Acme Billing').id, target, project({}));
    assert.equal(report.outcome, 'installFailed');
    assert.deepEqual(report.messages, [
      'The install failed in the test org.',
      'UNKNOWN_ERROR: The package could not be installed (test).',
    ]);
  });

  test('an unknown version is refused before anything is installed', async () => {
    const { target } = await testOrg();
    const report = await run('04t000000000000AAA', target, project({}));
    assert.equal(report.outcome, 'installFailed');
    assert.match(report.messages[0]!, /can't see version 04t000000000000AAA/);
  });

  test('a session that expires while waiting for the License: one re-login, then the run goes on', async () => {
    const { target } = await testOrg();
    let expired = false;
    let relogins = 0;
    const report = await runTestInstall({
      lmo: session,
      lmoUsername: 'ti-lmo',
      target,
      versionId: released('Acme Billing').id,
      termsFor: () => ({ status: 'Trial', lengthDays: 30, seats: 10 }),
      limits,
      waiting: {
        ...fast,
        onPhase: (phase) => {
          // The LMO's tokens die just before the first look: the refresh grant is revoked too.
          if (phase.kind === 'waitingForLmo' && !expired) {
            expired = true;
            org.faults.expireSession('lmo', { revokeRefreshToken: true });
          }
        },
        onLmoError: async () => {
          relogins++;
          assert.equal(session.state.kind, 'expired');
          // What "Log in again" does: a new authorization, and the session connects to it.
          const view = org.faults.reauthorize('lmo');
          await authorizeWithRefreshToken({
            loginUrl: org.instanceUrl,
            refreshToken: view.refreshToken,
            alias: 'ti-lmo',
          });
          return (await session.connect('ti-lmo')).kind === 'connected' ? 'retry' : 'stop';
        },
      },
    });
    assert.equal(relogins, 1);
    assert.equal(report.outcome, 'passed', JSON.stringify(report));
  });

  test('a version released a moment ago is waited for until it is installable', async () => {
    const fresh = await org.console.createVersion(pkg('Acme Billing').id, {
      version: '3.0.0',
      installableAfterSeconds: 1,
    });
    const { target } = await testOrg();
    const phases: string[] = [];
    const report = await runTestInstall({
      lmo: session,
      lmoUsername: 'ti-lmo',
      target,
      versionId: fresh.id,
      termsFor: () => ({ status: 'Trial', lengthDays: 30, seats: 10 }),
      limits,
      waiting: {
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 200))),
        onPhase: (phase) => void phases.push(`${phase.kind}:${'status' in phase ? phase.status : ''}`),
      },
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report));
    assert.ok(phases.includes('waitingForVersion:PACKAGE_UNAVAILABLE'), phases.join(' '));
  });

  test('a version with an installation key installs with the key and is refused without it', async () => {
    const locked = await org.console.createVersion(pkg('Acme Billing').id, {
      version: '3.1.0',
      installationKey: 's3cret',
    });
    const terms = (): LicensingTerms => ({ status: 'Trial', lengthDays: 30, seats: 10 });
    const base = {
      lmo: session,
      lmoUsername: 'ti-lmo',
      versionId: locked.id,
      termsFor: terms,
      limits,
      waiting: fast,
    };
    const withKey = await runTestInstall({
      ...base,
      target: (await testOrg()).target,
      installationKey: 's3cret',
    });
    assert.equal(withKey.outcome, 'passed', JSON.stringify(withKey));
    const wrongKey = await runTestInstall({
      ...base,
      target: (await testOrg()).target,
      installationKey: 'guess',
    });
    assert.equal(wrongKey.outcome, 'installFailed');
    assert.match(wrongKey.messages[0]!, /with this installation key/);
  });

  test('a validation rule in the LMO that blocks License creation: the install succeeds, no License comes', async () => {
    org.lmo.setLicenseValidationRule('Every License needs a Contract Number.');
    try {
      const { target } = await testOrg();
      const report = await run(released('Acme Billing').id, target, project({}));
      assert.equal(report.outcome, 'noLicense');
      assert.match(report.messages.join('\n'), /validation rule/);
    } finally {
      org.lmo.setLicenseValidationRule(null);
    }
  });

  test('a License of an org whose id differs only in case is not taken for the test org', async () => {
    const { target } = await testOrg();
    // SOQL matches text case-insensitively: "…SCn" finds "…SCN", another org's License.
    // Flip the case of the id's last letter (digits have no case).
    const id15 = target.orgId.slice(0, 15);
    const at = Math.max(...[...id15].map((c, i) => (/[a-z]/i.test(c) ? i : -1)));
    const flipped = id15[at] === id15[at]!.toUpperCase() ? id15[at]!.toLowerCase() : id15[at]!.toUpperCase();
    const twin = id15.slice(0, at) + flipped + id15.slice(at + 1);
    assert.notEqual(twin, id15);
    const versionRow = await session.request<{ records: { Id: string }[] }>(
      `/query?q=${encodeURIComponent(`SELECT Id FROM sfLma__Package_Version__c WHERE sfLma__Version_ID__c = '${released('Acme Billing').id}'`)}`,
    );
    let twinWritten = false;
    // The twin's License is written just before the first look, so it is the newest one.
    const lmo = {
      request: async <T>(path: string, options?: Parameters<LmoSession['request']>[1]): Promise<T> => {
        if (!twinWritten && path.includes('sfLma__Subscriber_Org_ID__c')) {
          twinWritten = true;
          await session.request('/sobjects/sfLma__License__c', {
            method: 'POST',
            body: {
              sfLma__Subscriber_Org_ID__c: twin,
              sfLma__Status__c: 'Active',
              sfLma__Seats__c: 999,
              sfLma__Package_Version__c: versionRow.records[0]!.Id,
            },
          });
        }
        return session.request<T>(path, options);
      },
    };
    const report = await runTestInstall({
      lmo,
      lmoUsername: 'ti-lmo',
      target,
      versionId: released('Acme Billing').id,
      termsFor: () => ({ status: 'Trial', lengthDays: 30, seats: 10 }),
      limits,
      waiting: fast,
    });
    assert.ok(twinWritten);
    assert.equal(report.outcome, 'passed', JSON.stringify(report.checks));
  });

  test('REQUEST_LIMIT_EXCEEDED from the LMO stops the polling at once', async () => {
    const { target } = await testOrg();
    let looks = 0;
    const report = await runTestInstall({
      lmo: {
        request: (path, options) => (looks++, session.request(path, options)),
        lmaFields: session.lmaFields,
      },
      lmoUsername: 'ti-lmo',
      target,
      versionId: released('Acme Billing').id,
      termsFor: () => undefined,
      limits,
      waiting: {
        ...fast,
        // The org's daily limit runs out just before the first look at the LMO.
        onPhase: (phase) => {
          if (phase.kind === 'waitingForLmo') org.faults.respondWith(403, 1);
        },
        onLmoError: async () => 'retry',
      },
    });
    assert.equal(looks, 1, 'no second look after REQUEST_LIMIT_EXCEEDED');
    assert.equal(report.outcome, 'installFailed');
    assert.match(report.messages[0]!, /REQUEST_LIMIT_EXCEEDED: polling stopped/);
  });
});
