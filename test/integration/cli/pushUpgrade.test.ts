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
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll } from '../../../src/lma/records/lmoApi';
import { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

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
