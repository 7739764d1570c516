// Test installs against the local org, through the real @salesforce/core and jsforce: the LMO through
// the session, the test org through its own connection, as the extension and the CLI run them.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg, type OrgView } from 'lma-local-org';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { findPackageTerms } from '../../../src/lma/project/projectDocument';
import { writeTerms } from '../../../src/lma/project/projectTerms';
import {
  checkVersionAccess,
  findRecordedLicense,
  runTestInstall,
  type InstallPhase,
  type TestInstallRun,
} from '../../../src/lma/workflows/testInstall';
import type { LicensingTerms } from '../../../src/lma/rules/licensingTerms';
import { StateAggregator } from '@salesforce/core';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken, listAuthorizedOrgs, openConnection } from '../../../src/org/salesforce';

const quiet = { trace() {}, info() {}, warn() {}, error() {} };
// Polls come quickly; the limits are far off: every wait ends on its condition (the version seen, the
// install finished, the License written), never on a duration.
const fast = { sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 50)) };
const limits = { versionTimeoutMs: 60_000, installTimeoutMs: 60_000, licenseTimeoutMs: 60_000 };
/** For the runs that expect no License: how long "no License" takes to be believed. */
const noLicenseLimits = { ...limits, licenseTimeoutMs: 4_000 };

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
/** The newest seeded released version (tests below add keyed, delayed and newer ones). */
const released = (name: string) =>
  pkg(name)
    .versions.filter((v) => !v.isBeta && !v.installationKey && !v.installableAt && !v.visibleAt)
    .at(-1)!;

/**
 * A new test org, authorized in the CLI auth store as a login by hand does it (the auth store's
 * isSandbox flag stays false, even for a sandbox) and opened through its own connection; `paths`
 * collects the test org's request log.
 */
async function testOrg(
  options: { sandbox?: boolean } = {},
): Promise<{ view: OrgView; alias: string; paths: string[]; target: TestInstallRun['target'] }> {
  const view = await org.createTestOrg({ name: `Test Install Co ${++testOrgs}`, ...options });
  const alias = `ti-test-${testOrgs}`;
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken: view.refreshToken, alias });
  const paths: string[] = [];
  const connection = await openConnection(alias, (exchange) => void paths.push(exchange.path));
  assert.equal(connection.orgId, view.id, `${alias} reaches the org it was authorized for`);
  return {
    view,
    alias,
    paths,
    target: {
      username: connection.username,
      orgId: connection.orgId,
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

async function run(
  versionId: string,
  target: TestInstallRun['target'],
  projectText: string,
  runLimits = limits,
) {
  return runTestInstall({
    lmo: session,
    lmoUsername: 'ti-lmo',
    target,
    versionId,
    termsFor: (installed) => findPackageTerms(projectText, installed)?.terms,
    limits: runLimits,
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
    const labs = await run(released('Acme Labs Toolkit').id, target, project({}), noLicenseLimits);
    assert.equal(labs.outcome, 'noLicense');
    assert.match(labs.messages.join('\n'), /not associated with this LMO/);

    const beta = pkg('Acme Billing').versions.find((v) => v.isBeta)!;
    const betaRun = await run(beta.id, (await testOrg()).target, project({}), noLicenseLimits);
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
    // Zero rows: as on Salesforce, an unknown id looks like a version not replicated yet, so the run
    // waits up to the version timeout (short here: this version never comes).
    const report = await run('04t000000000000AAA', target, project({}), {
      ...limits,
      versionTimeoutMs: 1_000,
    });
    assert.equal(report.outcome, 'installFailed');
    assert.match(report.messages[0]!, /can't see version 04t000000000000AAA after 1 s/);
    assert.match(report.messages.join('\n'), /Check the 04t id/);
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
    // The test org first: its login must not use up the version's time of PACKAGE_UNAVAILABLE.
    const { target } = await testOrg();
    const fresh = await org.console.createVersion(pkg('Acme Billing').id, {
      version: '3.0.0',
      installableAfterSeconds: 3,
      visibleAfterSeconds: 0,
    });
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
    assert.match(wrongKey.messages[0]!, /installation key is not valid/);
  });

  test('a validation rule in the LMO that blocks License creation: the install succeeds, no License comes', async () => {
    org.lmo.setLicenseValidationRule('Every License needs a Contract Number.');
    try {
      const { target } = await testOrg();
      const report = await run(released('Acme Billing').id, target, project({}), noLicenseLimits);
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
    let armed = false;
    const report = await runTestInstall({
      lmo: {
        request: (path, options) => (armed && looks++, session.request(path, options)),
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
          if (phase.kind === 'waitingForLmo' && !armed) {
            armed = true;
            org.faults.respondWith(403, 1);
          }
        },
        onLmoError: async () => 'retry',
      },
    });
    assert.equal(looks, 1, 'no second look after REQUEST_LIMIT_EXCEEDED');
    assert.equal(report.outcome, 'installFailed');
    assert.match(report.messages[0]!, /REQUEST_LIMIT_EXCEEDED: polling stopped/);
  });
});

describe('test installs as a real LMO answers them', () => {
  const terms = (): LicensingTerms => ({ status: 'Trial', lengthDays: 30, seats: 10 });
  const base = () => ({
    lmo: session,
    lmoUsername: 'ti-lmo',
    termsFor: terms,
    limits,
  });
  let versions = 0;
  /** A new released version of Acme Billing (4.x, 5.x…), invisible to test orgs for the default time. */
  const newVersion = (input: Omit<Parameters<LocalOrg['console']['createVersion']>[1], 'version'> = {}) =>
    org.console.createVersion(pkg('Acme Billing').id, { version: `${4 + versions++}.0.0`, ...input });
  const phasesOf = (phases: InstallPhase[], kind: InstallPhase['kind']) =>
    phases.filter((phase) => phase.kind === kind);

  test('a key-protected version: the query without a key fails as on Salesforce, the key is asked for, never logged', async () => {
    const key = "it's a \\ key";
    const locked = await newVersion({ installationKey: key, visibleAfterSeconds: 0 });
    const { target, paths } = await testOrg();
    assert.equal((await checkVersionAccess(target, locked.id)).kind, 'keyRequired');
    assert.equal((await checkVersionAccess(target, locked.id, 'guess')).kind, 'keyInvalid');
    assert.equal((await checkVersionAccess(target, locked.id, key)).kind, 'visible');

    const asked: string[] = [];
    const lmoLog: string[] = [];
    const report = await runTestInstall({
      ...base(),
      lmo: {
        request: (path, options) => (lmoLog.push(path), session.request(path, options)),
        lmaFields: session.lmaFields,
      },
      target,
      versionId: locked.id,
      asks: {
        installationKey: async (problem) => {
          asked.push(problem);
          // First a wrong key: the run says so and asks again.
          return asked.length === 1 ? 'guess' : key;
        },
      },
      waiting: fast,
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    assert.deepEqual(asked, ['required', 'invalid']);
    const everything = [...paths, ...lmoLog, JSON.stringify(report)].join('\n');
    assert.ok(
      !everything.includes(key) && !everything.includes("it\\'s"),
      'the key is in no log and no report',
    );
    assert.ok(
      paths.some((path) => /InstallationKey = '\*\*\*'/.test(path)),
      paths.join('\n'),
    );
  });

  test('a key-protected version without a key and nobody to ask: a clear failure, nothing installed', async () => {
    const locked = await newVersion({ installationKey: 'k3y', visibleAfterSeconds: 0 });
    const { target, view } = await testOrg();
    const report = await runTestInstall({ ...base(), target, versionId: locked.id, waiting: fast });
    assert.equal(report.outcome, 'installFailed');
    assert.match(report.messages[0]!, /protected by an installation key/);
    const wrong = await runTestInstall({
      ...base(),
      target,
      versionId: locked.id,
      installationKey: 'wrong',
      waiting: fast,
    });
    assert.equal(wrong.outcome, 'installFailed');
    assert.match(wrong.messages[0]!, /installation key is not valid/);
    assert.equal(
      (
        await session.request<{ totalSize: number }>(
          `/query?q=${encodeURIComponent(`SELECT Id FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${view.id.slice(0, 15)}'`)}`,
        )
      ).totalSize,
      0,
    );
  });

  test('a version just released is invisible for a while (zero rows): the run waits, saying so, then installs', async () => {
    const fresh = await newVersion({ visibleAfterSeconds: 2 });
    const { target } = await testOrg();
    assert.equal((await checkVersionAccess(target, fresh.id)).kind, 'notVisible');
    const phases: InstallPhase[] = [];
    const report = await runTestInstall({
      ...base(),
      target,
      versionId: fresh.id,
      waiting: { ...fast, onPhase: (phase) => void phases.push(phase) },
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    assert.ok(
      phasesOf(phases, 'waitingForVersion').some(
        (phase) => 'status' in phase && phase.status === 'NOT_VISIBLE',
      ),
      JSON.stringify(phases),
    );
  });

  test('a transient error creating the install request is retried, each retry logged', async () => {
    const { target } = await testOrg();
    org.faults.failNextInstallCreates(2);
    const phases: InstallPhase[] = [];
    const report = await runTestInstall({
      ...base(),
      target,
      versionId: released('Acme Billing').id,
      waiting: { ...fast, onPhase: (phase) => void phases.push(phase) },
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    const retries = phasesOf(phases, 'retryingInstall');
    assert.equal(retries.length, 2, JSON.stringify(phases));
    assert.match(JSON.stringify(retries[0]), /invalid cross reference id/);

    // Past the bound, the error is the report's.
    org.faults.failNextInstallCreates(20);
    try {
      const failed = await runTestInstall({
        ...base(),
        target: (await testOrg()).target,
        versionId: released('Acme Billing').id,
        waiting: fast,
      });
      assert.equal(failed.outcome, 'installFailed');
      assert.match(failed.messages.join('\n'), /invalid cross reference id/);
    } finally {
      org.faults.clear();
    }
  });

  test('remote sites: the run asks, the install request carries the answer, the report says it', async () => {
    const sites = await newVersion({
      visibleAfterSeconds: 0,
      remoteSites: ['https://api.acme.example'],
      cspTrustedSites: ['https://cdn.acme.example'],
    });
    for (const answer of [true, false]) {
      const { target } = await testOrg();
      const asked: string[][] = [];
      const report = await runTestInstall({
        ...base(),
        target,
        versionId: sites.id,
        asks: { remoteSites: async (list) => (asked.push(list), answer) },
        waiting: fast,
      });
      assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
      assert.deepEqual(asked, [['https://api.acme.example', 'https://cdn.acme.example']]);
      assert.deepEqual(report.remoteSites, { sites: asked[0], enabled: answer });
      const requests = await target.request<{ records: { EnableRss: boolean }[] }>(
        `/tooling/query?q=${encodeURIComponent('SELECT EnableRss FROM PackageInstallRequest')}`,
      );
      assert.deepEqual(
        requests.records.map((r) => r.EnableRss),
        [answer],
      );
    }
    // A choice made beforehand (the setting, the CLI flag) is not asked again.
    const preset = await runTestInstall({
      ...base(),
      target: (await testOrg()).target,
      versionId: sites.id,
      enableRemoteSites: true,
      asks: { remoteSites: () => assert.fail('asked although chosen') },
      waiting: fast,
    });
    assert.equal(preset.remoteSites?.enabled, true);
  });

  test('a new install, then an upgrade that keeps terms someone edited, then a reinstall after an uninstall', async () => {
    const { target, view } = await testOrg();
    const first = await runTestInstall({
      ...base(),
      target,
      versionId: released('Acme Billing').id,
      waiting: fast,
    });
    assert.equal(first.outcome, 'passed', JSON.stringify(first, null, 2));
    assert.equal(first.installKind, 'new');
    const license = (await findRecordedLicense(session, view.id, pkg('Acme Billing').id))!;
    // Someone gives the customer more seats: the upgrade must keep that, not "fix" it.
    await org.faults.tamper('lmo', 'sfLma__License__c', license.id, { sfLma__Seats__c: 25 });

    const upgradeTo = await newVersion();
    const upgrade = await runTestInstall({ ...base(), target, versionId: upgradeTo.id, waiting: fast });
    assert.equal(upgrade.outcome, 'passed', JSON.stringify(upgrade, null, 2));
    assert.equal(upgrade.installKind, 'upgrade');
    assert.match(upgrade.messages.join('\n'), /upgrade: terms kept/);
    const seats = upgrade.checks.find((check) => check.name === 'Seats')!;
    assert.equal(seats.result, 'pass');
    assert.match(seats.expected, /kept: 25/);
    const moved = (await findRecordedLicense(session, view.id, pkg('Acme Billing').id))!;
    assert.equal(moved.id, license.id, 'the same License');
    assert.equal(moved.versionId?.slice(0, 15), upgradeTo.id.slice(0, 15));

    await org.uninstall(view.id, pkg('Acme Billing').id);
    const again = await runTestInstall({ ...base(), target, versionId: upgradeTo.id, waiting: fast });
    assert.equal(again.outcome, 'passed', JSON.stringify(again, null, 2));
    assert.equal(again.installKind, 'reinstall');
    const fresh = (await findRecordedLicense(session, view.id, pkg('Acme Billing').id))!;
    assert.notEqual(fresh.id, license.id, 'a new License beside the Uninstalled one');
    assert.equal(fresh.seats, 10, 'the defaults again');
  });

  test('the License appears after the install succeeded: the run waits for it', async () => {
    const { target, view } = await testOrg();
    const phases: InstallPhase[] = [];
    const report = await runTestInstall({
      ...base(),
      target,
      versionId: released('Acme Billing').id,
      waiting: { ...fast, onPhase: (phase) => void phases.push(phase) },
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    assert.ok(phasesOf(phases, 'waitingForLmo').length > 1, 'the first look after SUCCESS found no License');
    assert.ok(await findRecordedLicense(session, view.id, pkg('Acme Billing').id));
  });

  test('a sandbox logged in by hand (isSandbox false in the auth store) is a sandbox: site license expected', async () => {
    const { target, alias } = await testOrg({ sandbox: true });
    // @salesforce/core 9 reads Organization.IsSandbox at login; auth files written by older CLIs, or
    // when that read failed, say false, and most sandboxes in use were logged in that way.
    await StateAggregator.clearInstanceAsync();
    const state = await StateAggregator.getInstance();
    await state.orgs.read(target.username);
    state.orgs.update(target.username, { isSandbox: false });
    await state.orgs.write(target.username);
    const stored = (await listAuthorizedOrgs()).find((o) => o.aliases.includes(alias));
    assert.equal(stored?.isSandbox, false, 'the auth store does not know it is a sandbox');
    const report = await runTestInstall({
      ...base(),
      target,
      versionId: released('Acme Billing').id,
      waiting: fast,
    });
    assert.equal(report.outcome, 'passed', JSON.stringify(report, null, 2));
    assert.equal(report.targetOrg.isSandbox, true);
    assert.match(report.checks.find((check) => check.name === 'Seats')!.expected, /Site License/);
  });
});
