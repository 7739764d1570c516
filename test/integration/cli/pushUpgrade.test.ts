// `lma-explorer push-upgrade` as a process: bad input is refused with a clear message and exit 2
// before anything is created (arguments, the org id list, the confirmation, the target), against the
// local org through the CLI auth store.
import { home } from '../isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { eventually, raw } from 'lma-local-org/testing';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll } from '../../../src/lma/records/lmoApi';
import { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';
import { toId18 } from '../../../src/lma/records/soql';
import type { PushPreview } from '../../../src/lma/rules/pushUpgrade';

const bin = path.resolve(import.meta.dirname, '../../../bin/lma-explorer.js');
let org: LocalOrg;
let dir: string;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'push-lmo',
  });
  dir = mkdtempSync(path.join(tmpdir(), 'lma-push-cli-'));
});
after(async () => {
  await org?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'push-upgrade', ...args],
      { cwd: dir, env: { ...process.env, HOME: home } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const versionOf = (name: string, beta: boolean) =>
  org.console
    .packages()
    .find((p) => p.name === name)!
    .versions.filter((v) => v.isBeta === beta)
    .at(-1)?.id;

test('--help prints the verbs and the exit codes, exit 0', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /plan\|schedule\|report\|retry\|abort/);
  assert.match(help.stdout, /Exit codes: 0/);
});

test('bad arguments exit 2 with the reason, before any connection', async () => {
  const cases: [string[], RegExp][] = [
    [[], /Which push-upgrade: plan, schedule, report, retry or abort\?/],
    [['push', '--lmo', 'push-lmo'], /Unknown push-upgrade verb "push"/],
    [['plan', '--lmo', 'push-lmo'], /Missing --version/],
    [['plan', '--lmo', 'push-lmo', '--version', "04t' OR Id != '"], /--version must be a package version id/],
    [
      ['report', '--lmo', 'push-lmo', '--request', '001000000000001'],
      /--request must be a push request id \(0DV/,
    ],
    [
      ['plan', '--lmo', 'push-lmo', '--version', '04t000000000001', '--status', 'Active,Expired'],
      /--status takes Active, Trial, Suspended, Uninstalled \(not Expired\)/,
    ],
    [
      ['plan', '--lmo', 'push-lmo', '--version', '04t000000000001', '--org-type', 'scratch'],
      /--org-type takes all, sandbox or production/,
    ],
    [['schedule', '--lmo', 'push-lmo', '--version', '04t000000000001'], /Missing --production-orgs/],
    [
      [
        'schedule',
        '--lmo',
        'push-lmo',
        '--version',
        '04t000000000001',
        '--production-orgs',
        '1',
        '--start-time',
        '2020-01-01T00:00Z',
      ],
      /--start-time: .* has passed/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await cli(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message, args.join(' '));
  }
});

test('a pasted list with an id of the wrong length or prefix: exit 2 naming each line, nothing created', async () => {
  const file = path.join(dir, 'orgs.txt');
  writeFileSync(file, 'Org ID\n00D000000000001\n00D00000000002\n005000000000003\n');
  const result = await cli(['plan', '--lmo', 'push-lmo', '--version', '04t000000000001', '--org-ids', file]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /2 of the org ids can't be used, so nothing was pushed: line 3: “00D00000000002” has 14 characters: an org id has 15 or 18; line 4: “005000000000003” doesn't start with 00D/,
  );
});

test('a beta target, and a version the LMO does not have: exit 2 with the reason', async () => {
  const released = versionOf('Acme Billing', false)!;
  const session = new LmoSession({ log: silentLog, checkLma: (request) => checkLmaPresence({ request }) });
  await session.connect('push-lmo');
  const [record] = await queryAll<{ Id: string }>(
    session,
    `SELECT Id FROM sfLma__Package_Version__c WHERE sfLma__Version_ID__c = '${released}'`,
  );
  session.dispose();
  assert.ok(record, 'the LMO has the released version');
  // The LMA's record of the version says beta (the local org's LMA records released versions only).
  await org.faults.tamper('lmo', 'sfLma__Package_Version__c', record.Id, { sfLma__Is_Beta__c: true });
  const onBeta = await cli(['plan', '--lmo', 'push-lmo', '--version', released]);
  await org.faults.tamper('lmo', 'sfLma__Package_Version__c', record.Id, { sfLma__Is_Beta__c: false });
  assert.equal(onBeta.code, 2, onBeta.stderr + onBeta.stdout);
  assert.match(onBeta.stderr, /is a beta: only released versions can be pushed/);
  const unknown = await cli(['plan', '--lmo', 'push-lmo', '--version', '04t000000000999']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /The LMO has no Package Version 04t000000000999/);
});

test(
  'plan, schedule, report, retry and abort with --json against the Dev Hub as the owner org',
  { timeout: 120_000 },
  async () => {
    await org.timing({ pushStartMs: 0, pushJobMs: 0 } as never);
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.devhub.refreshToken,
      alias: 'push-cli-hub',
    });
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const latest = versionOf('Acme Billing', false)!;
    const hub = await openConnection('push-cli-hub', () => {});
    const lmo = await openConnection('push-lmo', () => {});
    const licensed = new Set(
      (
        await queryAll<{ sfLma__Subscriber_Org_ID__c: string }>(
          lmo,
          "SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Status__c IN ('Active', 'Trial') AND sfLma__Subscriber_Org_ID__c != null",
        )
      ).map((r) => toId18(r.sfLma__Subscriber_Org_ID__c)),
    );
    const seeded = new Set(
      Object.keys((await raw(org, org.adminSecret, 'GET', '/_local/push-outcomes')).body as object),
    );
    const orgs = (
      await queryAll<{ OrgKey: string }>(
        hub,
        `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' AND OrgType = 'Sandbox' ORDER BY OrgKey`,
      )
    )
      .map((r) => toId18(r.OrgKey))
      .filter((k) => licensed.has(k) && !seeded.has(k))
      .slice(0, 2);
    assert.equal(orgs.length, 2, 'two plain sandbox subscribers');
    await raw(org, org.adminSecret, 'PUT', '/_local/push-outcomes', {
      org: orgs[0],
      errorType: 'ApexTestFailure',
      times: 1,
    });
    const file = path.join(dir, 'push-orgs.csv');
    writeFileSync(file, orgs.join('\n'));
    const common = [
      '--lmo',
      'push-lmo',
      '--owner-org',
      'push-cli-hub',
      '--version',
      latest,
      '--org-ids',
      file,
      '--json',
    ];

    const plan = await cli(['plan', ...common]);
    assert.equal(plan.code, 0, plan.stderr);
    const preview = (JSON.parse(plan.stdout) as { preview: PushPreview }).preview;
    assert.deepEqual(preview.jobs.map((j) => j.orgId).sort(), [...orgs].sort());
    assert.equal(preview.productionOrgs, 0);

    const wrong = await cli(['schedule', ...common, '--production-orgs', '3']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /The plan counts 0 production orgs, not 3: nothing was scheduled/);
    const dry = await cli(['schedule', ...common, '--production-orgs', '0', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(
      (JSON.parse(dry.stdout) as { schedule?: unknown }).schedule,
      undefined,
      'a dry run creates nothing',
    );

    const scheduled = await cli(['schedule', ...common, '--production-orgs', '0']);
    assert.equal(scheduled.code, 0, scheduled.stderr + scheduled.stdout);
    const report = (
      JSON.parse(scheduled.stdout) as { schedule: { kind: string; requestId: string; jobs: number } }
    ).schedule;
    assert.equal(report.kind, 'started');
    assert.equal(report.jobs, 2);

    const reportArgs = [
      'report',
      '--lmo',
      'push-lmo',
      '--owner-org',
      'push-cli-hub',
      '--request',
      report.requestId,
      '--json',
    ];
    const ended = await eventually(async () => {
      const r = await cli(reportArgs);
      const body = JSON.parse(r.stdout) as {
        request: { status: string };
        failures: { errorType: string; failures: { orgId: string }[] }[];
      };
      return ['Succeeded', 'Failed'].includes(body.request.status) ? { code: r.code, body } : undefined;
    }, 60_000);
    assert.equal(ended.code, 1, 'a push with a failure exits 1');
    assert.deepEqual(
      ended.body.failures.map((g) => [g.errorType, g.failures.map((f) => f.orgId)]),
      [['ApexTestFailure', [orgs[0]]]],
    );

    const retry = await cli([
      'retry',
      '--lmo',
      'push-lmo',
      '--owner-org',
      'push-cli-hub',
      '--request',
      report.requestId,
      '--production-orgs',
      '0',
      '--json',
    ]);
    assert.equal(retry.code, 0, retry.stderr + retry.stdout);
    const retried = JSON.parse(retry.stdout) as { preview: PushPreview; schedule: { requestId: string } };
    assert.deepEqual(
      retried.preview.jobs.map((j) => j.orgId),
      [orgs[0]],
    );

    const abortDone = await cli([
      'abort',
      '--lmo',
      'push-lmo',
      '--owner-org',
      'push-cli-hub',
      '--request',
      report.requestId,
      '--json',
    ]);
    assert.equal(abortDone.code, 1, 'a finished request cannot be aborted');
    assert.match(
      (JSON.parse(abortDone.stdout) as { message: string }).message,
      /only a request that is Created or Pending can be aborted/,
    );
  },
);

test('an --owner-org that lists other packages only: exit 2 naming it and the package, nothing created', async () => {
  const made = await raw(org, org.adminSecret, 'POST', '/_local/packaging-orgs', {
    name: 'CLI Other Packaging',
  });
  assert.ok(made.status < 300, JSON.stringify(made.body));
  const packaging = made.body as { id: string; refreshToken: string };
  org.console.createPackage({
    name: 'CLI Other Classic',
    namespace: 'cliother',
    owner: packaging.id,
  } as never);
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: packaging.refreshToken,
    alias: 'push-cli-other',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = versionOf('Acme Billing', false)!;
  const plan = await cli(['plan', '--lmo', 'push-lmo', '--owner-org', 'push-cli-other', '--version', latest]);
  assert.equal(plan.code, 2, plan.stdout);
  assert.match(plan.stderr, new RegExp(`push-cli-other does not own Acme Billing \\(${billing.id}`));
  const other = await openConnection('push-cli-other', () => {});
  assert.deepEqual(await queryAll(other, 'SELECT Id FROM PackagePushRequest'), [], 'nothing created');
});
