// The LMO health check against the local org, through the real @salesforce/core and jsforce: every
// problem the local org can be seeded with is found, a clean LMO reports clean, and checks the org
// won't answer are reported as not run.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LMO_PROBLEMS, startLocalOrg, type LmoProblem, type LocalOrg, type OrgView } from 'lma-local-org';
import {
  checkLmoHealth,
  type HealthCheckId,
  type HealthReport,
} from '../../../src/lma/workflows/healthCheck';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import { LmoError } from '../../../src/base/lmoError';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';
import { eventually, raw, startTestOrg } from 'lma-local-org/testing';

const quiet = { trace() {}, info() {}, warn() {}, error() {} };

async function connect(
  org: LocalOrg,
  alias: string,
  refreshToken = org.orgs.lmo.refreshToken,
): Promise<LmoSession> {
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken, alias });
  const session = new LmoSession({ log: quiet, checkLma: (request) => checkLmaPresence({ request }) });
  assert.equal((await session.connect(alias)).kind, 'connected');
  return session;
}

/** What each seeded problem must produce: its check, severity and title. */
const EXPECTED: Record<
  LmoProblem,
  { check: HealthCheckId; severity: string; title: RegExp; count?: number }
> = {
  beforeTrigger: {
    check: 'beforeTriggers',
    severity: 'warning',
    // One on Lead, one on License (whose TableEnumOrId is the object's id, not its name).
    title: /^Before-insert and before-update trigger (LeadRouting on Lead|LicenseSync on License)$/,
    count: 2,
  },
  beforeUpdateTrigger: {
    check: 'beforeTriggers',
    severity: 'warning',
    title: /^Before-update trigger LicenseAudit on License$/,
  },
  workflowRule: {
    check: 'workflowRules',
    severity: 'warning',
    title: /^Workflow rule Lead Follow-up on Lead is active$/,
  },
  recordTriggeredFlow: {
    check: 'recordTriggeredFlows',
    severity: 'warning',
    // TriggerObjectOrEventId: the License's object id, Lead's name.
    title: /^(Before-save flow Stamp License Owner on License|After-save flow Route New Leads on Lead)$/,
    count: 2,
  },
  validationRule: {
    check: 'validationRules',
    severity: 'error',
    title: /^Validation rule Require_Contract_Number on License$/,
  },
  requiredField: {
    check: 'requiredFields',
    severity: 'error',
    title: /^Required field Region \(Region__c\) on Lead has no default$/,
  },
  inactiveLeadManager: {
    check: 'leadManagers',
    severity: 'error',
    title: /^Lead Manager Frankie Former of package Acme Billing is inactive$/,
  },
  missingLeadManager: {
    check: 'leadManagers',
    severity: 'warning',
    title: /^Package Acme Labs Toolkit has no Lead Manager$|^Package Acme Insights has no Lead Manager$/,
  },
  duplicateRule: {
    check: 'duplicateRules',
    severity: 'warning',
    title: /^Duplicate rule Block Duplicate Leads on Lead is active$/,
  },
  stateCountryPicklists: {
    check: 'stateCountryPicklists',
    severity: 'warning',
    title: /^State and Country\/Territory picklists are enabled$/,
  },
};

function assertClean(report: HealthReport): void {
  assert.deepEqual(report.findings, [], JSON.stringify(report.findings, null, 2));
  assert.ok(report.clean);
  assert.deepEqual(
    report.checks.map((c) => c.status),
    report.checks.map(() => 'clean'),
  );
  assert.match(report.summary, /^Nothing found: none of the 8 checks that ran found anything/);
}

describe('LMO health check', () => {
  let org: LocalOrg;
  let session: LmoSession;

  before(async () => {
    org = await startLocalOrg({ seed: 'demo' });
    session = await connect(org, 'hc-lmo');
  });
  after(async () => {
    session?.dispose();
    await org?.close();
  });

  test('the demo LMO is clean', async () => {
    assertClean(await checkLmoHealth(session));
  });

  for (const problem of LMO_PROBLEMS) {
    test(`seeded problem ${problem} is found, and gone when removed`, async () => {
      const expected = EXPECTED[problem];
      await org.lmo.setProblems({ [problem]: true });
      try {
        const report = await checkLmoHealth(session);
        const count = expected.count ?? 1;
        assert.equal(report.findings.length, count, JSON.stringify(report.findings, null, 2));
        for (const finding of report.findings) {
          assert.equal(finding.check, expected.check);
          assert.equal(finding.severity, expected.severity);
          assert.match(finding.title, expected.title);
          assert.ok(finding.breaks && finding.fix);
          assert.match(finding.path, /^\/lightning\//);
        }
        assert.equal(new Set(report.findings.map((f) => f.title)).size, count);
        assert.equal(report.checks.find((c) => c.check === expected.check)?.status, 'found');
        assert.equal(report.clean, false);
        assert.match(
          report.summary,
          /^\d findings? \(\d (error|warning)s?\) that can block Lead or License creation\.$/,
        );
      } finally {
        await org.lmo.setProblems({ [problem]: false });
      }
      assertClean(await checkLmoHealth(session));
    });
  }

  test('record paths point at the seeded records', async () => {
    await org.lmo.setProblems({ beforeTrigger: true, inactiveLeadManager: true, duplicateRule: true });
    try {
      const report = await checkLmoHealth(session);
      const path = (check: HealthCheckId) => report.findings.find((f) => f.check === check)?.path ?? '';
      assert.match(
        path('beforeTriggers'),
        /^\/lightning\/setup\/ApexTriggers\/page\?address=%2F01q[A-Za-z0-9]{15}$/,
      );
      assert.match(
        path('duplicateRules'),
        /^\/lightning\/setup\/DuplicateRules\/page\?address=%2F0Bm[A-Za-z0-9]{15}$/,
      );
      const userId = /^\/lightning\/r\/User\/(005[A-Za-z0-9]{15})\/view$/.exec(path('leadManagers'))?.[1];
      assert.ok(userId, path('leadManagers'));
      const user = await session.request<{ IsActive: boolean; Name: string }>(`/sobjects/User/${userId}`);
      assert.equal(user.IsActive, false);
      assert.equal(user.Name, 'Frankie Former');
      // Errors come first.
      assert.equal(report.findings[0]!.severity, 'error');
    } finally {
      await org.lmo.setProblems({ beforeTrigger: false, inactiveLeadManager: false, duplicateRule: false });
    }
  });

  test('the required Lead field is enforced as a real org does: a Lead without it is refused', async () => {
    await org.lmo.setProblems({ requiredField: true });
    try {
      await assert.rejects(
        session.request('/sobjects/Lead', { method: 'POST', body: { LastName: 'Nobody', Company: 'Acme' } }),
        (e: unknown) => e instanceof LmoError && e.errorCode === 'REQUIRED_FIELD_MISSING',
      );
      const created = await session.request<{ id: string }>('/sobjects/Lead', {
        method: 'POST',
        body: { LastName: 'Somebody', Company: 'Acme', Region__c: 'EMEA' },
      });
      const page = await session.request<{ records: Array<{ Region__c: string }> }>(
        `/query?q=${encodeURIComponent(`SELECT Region__c FROM Lead WHERE Id = '${created.id}'`)}`,
      );
      assert.equal(page.records[0]?.Region__c, 'EMEA');
    } finally {
      await org.lmo.setProblems({ requiredField: false });
    }
    // Without the field, the query names it as unknown, as Salesforce does.
    await assert.rejects(
      session.request(`/query?q=${encodeURIComponent('SELECT Region__c FROM Lead LIMIT 1')}`),
      (e: unknown) => e instanceof LmoError && e.errorCode === 'INVALID_FIELD',
    );
  });

  test('the License validation rule set through setLicenseValidationRule shows in Tooling with its message', async () => {
    org.lmo.setLicenseValidationRule('Licenses need a PO number.');
    try {
      assert.equal(org.lmo.problems().validationRule, true);
      const report = await checkLmoHealth(session);
      const finding = report.findings.find((f) => f.check === 'validationRules');
      assert.match(finding?.breaks ?? '', /Licenses need a PO number\./);
      assert.match(
        finding?.path ?? '',
        /^\/lightning\/setup\/ObjectManager\/sfLma__License__c\/ValidationRules\/03d/,
      );
    } finally {
      org.lmo.setLicenseValidationRule(null);
    }
  });

  test('without Tooling access, the Tooling checks are reported as not run and the others still run', async () => {
    const noTooling: LmoApi = {
      request: (path, options) =>
        path.startsWith('/tooling/')
          ? Promise.reject(
              new LmoError(
                'salesforce',
                'You do not have the level of access necessary to perform the operation you requested.',
                'INSUFFICIENT_ACCESS',
                403,
              ),
            )
          : session.request(path, options),
    };
    await org.lmo.setProblems({ duplicateRule: true });
    try {
      const report = await checkLmoHealth(noTooling);
      const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
      assert.deepEqual(status, {
        beforeTriggers: 'skipped',
        validationRules: 'skipped',
        workflowRules: 'clean',
        recordTriggeredFlows: 'clean',
        requiredFields: 'clean',
        leadManagers: 'clean',
        duplicateRules: 'found',
        stateCountryPicklists: 'clean',
      });
      for (const c of report.checks.filter((x) => x.status === 'skipped')) {
        assert.match(c.reason ?? '', /no permission to read it \(INSUFFICIENT_ACCESS\)/);
      }
      assert.equal(report.clean, false);
      assert.match(
        report.summary,
        /^1 finding \(1 warning\) that can block Lead or License creation\. 2 checks could not run: Before-insert and before-update triggers on Lead and License; Active validation rules on Lead and License\.$/,
      );
    } finally {
      await org.lmo.setProblems({ duplicateRule: false });
    }
  });

  test('an org without the LMA: the checks of its objects are reported as not run', async () => {
    const view = await org.createTestOrg({ name: 'Health Check Co' });
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: view.refreshToken,
      alias: 'hc-test',
    });
    const connection = await openConnection('hc-test', () => undefined);
    const report = await checkLmoHealth(connection);
    const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
    assert.equal(status.leadManagers, 'skipped');
    assert.equal(status.requiredFields, 'skipped');
    assert.equal(status.beforeTriggers, 'clean');
    assert.equal(status.stateCountryPicklists, 'clean');
    // The License's workflow rules: /process/rules/sfLma__License__c is a resource this org lacks.
    assert.equal(status.workflowRules, 'skipped');
    assert.match(report.checks.find((c) => c.check === 'workflowRules')?.reason ?? '', /NOT_FOUND/);
    assert.match(report.checks.find((c) => c.check === 'leadManagers')?.reason ?? '', /INVALID_TYPE/);
    assert.deepEqual(report.findings, []);
    assert.equal(report.clean, false);
    assert.match(report.summary, /^Nothing found: .* 3 checks could not run: /);
  });

  test('a user without View Setup and Configuration: the Setup checks are skipped, naming the permission, never clean', async () => {
    const setupProblems = {
      beforeTrigger: true,
      workflowRule: true,
      recordTriggeredFlow: true,
      duplicateRule: true,
    };
    await org.lmo.setProblems({ ...setupProblems, requiredField: true });
    const user = await org.lmo.createUser({ setupAccess: false });
    assert.equal(user.setupAccess, false);
    const limited = await connect(org, 'hc-no-setup', user.refreshToken);
    try {
      // What such a user meets, as on Salesforce: Tooling's Setup objects are not there for it.
      await assert.rejects(
        limited.request(`/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexTrigger')}`),
        (e: unknown) => e instanceof LmoError && e.errorCode === 'INVALID_TYPE',
      );
      const report = await checkLmoHealth(limited);
      const status = Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
      assert.deepEqual(status, {
        beforeTriggers: 'skipped',
        validationRules: 'skipped',
        workflowRules: 'skipped',
        recordTriggeredFlows: 'skipped',
        requiredFields: 'found',
        leadManagers: 'clean',
        duplicateRules: 'skipped',
        stateCountryPicklists: 'clean',
      });
      for (const c of report.checks.filter((x) => x.status === 'skipped')) {
        assert.match(c.reason ?? '', /lacks the "View Setup and Configuration" permission/, c.check);
      }
      assert.equal(report.clean, false);
      assert.match(report.summary, /^1 finding \(1 error\) .* 5 checks could not run: /);
      // The admin, on the same LMO, meets every seeded problem.
      const full = await checkLmoHealth(session);
      for (const check of ['beforeTriggers', 'workflowRules', 'recordTriggeredFlows', 'duplicateRules']) {
        assert.equal(full.checks.find((c) => c.check === check)?.status, 'found', check);
      }
    } finally {
      limited.dispose();
      await org.lmo.setProblems({
        ...Object.fromEntries(Object.keys(setupProblems).map((p) => [p, false])),
        requiredField: false,
      });
    }
  });
});

describe('LMO health check, every problem seeded at start', () => {
  let org: LocalOrg;
  let session: LmoSession;

  before(async () => {
    const all = Object.fromEntries(LMO_PROBLEMS.map((p) => [p, true]));
    org = await startLocalOrg({ seed: 'demo', lmoProblems: all });
    session = await connect(org, 'hc-all');
  });
  after(async () => {
    session?.dispose();
    await org?.close();
  });

  test('finds one finding per problem, errors first', async () => {
    const report = await checkLmoHealth(session);
    // Two triggers and two flows, one finding for each other problem.
    assert.equal(report.findings.length, LMO_PROBLEMS.length + 2, JSON.stringify(report.findings, null, 2));
    for (const problem of LMO_PROBLEMS) {
      const e = EXPECTED[problem];
      assert.ok(
        report.findings.some(
          (f) => f.check === e.check && f.severity === e.severity && e.title.test(f.title),
        ),
        problem,
      );
    }
    const order = report.findings.map((f) => f.severity);
    assert.deepEqual(
      order,
      [...order].sort(
        (a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b),
      ),
    );
    assert.match(report.summary, /^12 findings \(3 errors, 9 warnings\)/);
    assert.deepEqual(org.lmo.problems(), Object.fromEntries(LMO_PROBLEMS.map((p) => [p, true])));
  });
});

describe('LMO problems through the admin API, across a restart, and in installs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lma-health-'));
  let org: LocalOrg;

  before(async () => {
    // The LMA writes its Lead and License before the install reports SUCCESS here (by default it
    // writes them later, as a real LMA does), so that a count right after an install is final.
    org = await startTestOrg({ dataDir, timing: { licenseDelayMs: 0 } });
  });
  after(async () => {
    await org?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lmoQuery = async (soql: string) =>
    (
      await raw(
        org,
        org.orgs.lmo.accessToken,
        'GET',
        `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
      )
    ).body as { totalSize: number; records: Array<Record<string, unknown>> };

  /** Installs a package's newest released version into a test org (a new one by default); the LMO's Licenses of that org. */
  async function install(name = 'Acme Billing', into?: OrgView): Promise<number> {
    const test = into ?? (await org.createTestOrg());
    const version = org.console
      .packages()
      .find((p) => p.name === name)!
      .versions.filter((v) => !v.isBeta && !v.installationKey)
      .at(-1)!;
    const created = await raw(
      org,
      test.accessToken,
      'POST',
      '/services/data/v62.0/tooling/sobjects/PackageInstallRequest',
      {
        SubscriberPackageVersionKey: version.id,
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = (created.body as { id: string }).id;
    await eventually(async () => {
      const r = await raw(
        org,
        test.accessToken,
        'GET',
        `/services/data/v62.0/tooling/sobjects/PackageInstallRequest/${id}`,
      );
      const status = (r.body as { Status: string }).Status;
      return status === 'IN_PROGRESS' ? undefined : status;
    });
    const licenses = await lmoQuery(
      `SELECT Id FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`,
    );
    return licenses.totalSize;
  }

  test('PUT /_local/lmo/problems turns problems on and off; unknown names are refused', async () => {
    const on = await raw(org, org.adminSecret, 'PUT', '/_local/lmo/problems', {
      requiredField: true,
      duplicateRule: true,
    });
    assert.equal(on.status, 200);
    assert.equal((on.body as Record<string, boolean>).requiredField, true);
    assert.equal((on.body as Record<string, boolean>).beforeTrigger, false);
    const bad = await raw(org, org.adminSecret, 'PUT', '/_local/lmo/problems', { noSuchProblem: true });
    assert.equal(bad.status, 400);
    const rules = await lmoQuery(
      "SELECT Id, MasterLabel FROM DuplicateRule WHERE SobjectType = 'Lead' AND IsActive = true",
    );
    assert.equal(rules.records[0]?.MasterLabel, 'Block Duplicate Leads');
  });

  test('the problems and the added field survive a restart', async () => {
    await org.close();
    // A new port: fetch's pooled sockets to the old server would meet a closed connection.
    org = await startTestOrg({ dataDir, timing: { licenseDelayMs: 0 } });
    assert.equal(
      ((await raw(org, org.adminSecret, 'GET', '/_local/lmo/problems')).body as Record<string, boolean>)
        .requiredField,
      true,
    );
    const lead = (
      await raw(org, org.orgs.lmo.accessToken, 'GET', '/services/data/v62.0/sobjects/Lead/describe')
    ).body as {
      fields: Array<{ name: string; nillable: boolean; defaultedOnCreate: boolean; custom: boolean }>;
    };
    const region = lead.fields.find((f) => f.name === 'Region__c');
    assert.deepEqual(
      region && {
        nillable: region.nillable,
        defaultedOnCreate: region.defaultedOnCreate,
        custom: region.custom,
      },
      { nillable: false, defaultedOnCreate: false, custom: true },
    );
  });

  test('an install records no License while the LMA cannot create its Lead, and one once the problem is gone', async () => {
    // The required Lead field (still on from above) stops the Lead, and with it the License.
    assert.equal(await install(), 0);
    await org.lmo.setProblems({ requiredField: false, duplicateRule: false, inactiveLeadManager: true });
    assert.equal(await install(), 0, 'an inactive Lead Manager can own no Lead');
    await org.lmo.setProblems({ inactiveLeadManager: false });
    assert.equal(await install(), 1);
  });

  test('the duplicate rule blocks the Lead of a repeat installer: the second package gets no License', async () => {
    await org.lmo.setProblems({ duplicateRule: true });
    try {
      const test = await org.createTestOrg({ name: 'Repeat Installer Co' });
      assert.equal(await install('Acme Billing', test), 1);
      assert.equal(
        await install('Acme Insights', test),
        1,
        'the second install found a Lead of the same email',
      );
    } finally {
      await org.lmo.setProblems({ duplicateRule: false });
    }
    const other = await org.createTestOrg({ name: 'Second Chance Co' });
    assert.equal(await install('Acme Billing', other), 1);
    assert.equal(await install('Acme Insights', other), 2);
  });
});
