// `lma-explorer usage` as a process against the local org through the CLI auth store: a complete
// answer (then the same question from the cache), NoData, App Analytics not enabled, a bad file, and
// bad arguments, each with its exit code. Needs `npm run build` (bin/lma-explorer.js runs dist/cli.js).
import { home } from '../isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

const bin = path.resolve(import.meta.dirname, '../../../bin/lma-explorer.js');
let org: LocalOrg;
let dir: string;

const month = (back: number): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};
const period = `${month(12)}..${month(1)}`;

before(async () => {
  org = await startLocalOrg({ seed: 'demo', appAnalytics: { completeAfterMs: 0 } });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'usage-lmo',
  });
  dir = mkdtempSync(path.join(tmpdir(), 'lma-usage-cli-'));
});
after(async () => {
  await org?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  org.appAnalytics({ enabled: true, completeAfterMs: 0, failNext: null, corruptNext: null });
  rmSync(path.join(dir, 'cache'), { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'usage', ...args, '--cache-dir', path.join(dir, 'cache')],
      { cwd: dir, env: { ...process.env, HOME: home } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const cacheFiles = () =>
  existsSync(path.join(dir, 'cache'))
    ? readdirSync(path.join(dir, 'cache'), { recursive: true }).map(String)
    : [];

test('a complete answer: months, objects, at-risk orgs with their customer, the CSV; then from the cache', async () => {
  const csv = path.join(dir, 'usage.csv');
  const first = await cli(['Acme Billing', '--lmo', 'usage-lmo', '--period', period, '--csv', csv]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Usage of Acme Billing, \d{4}-\d\d to \d{4}-\d\d: \d+ orgs with usage/);
  assert.match(first.stdout, /downloaded now, request \w+/);
  assert.match(first.stdout, new RegExp(`${month(1)}\\s+\\d+\\s+\\d+`));
  assert.match(first.stdout, /Custom objects used most: \w+__\w+__c \(\d+/);
  assert.match(first.stdout, /At risk, users fell by more than 50% over the last 3 months: [1-9]/);
  assert.match(first.stdout, /\n {2}00D\w+ {2}\S.* \((Active|Trial|Suspended|Uninstalled)\) {2}−\d+%/);
  const lines = readFileSync(csv, 'utf8').split('\r\n');
  assert.match(lines[0]!, /^Org ID,Customer,License,Status,Seats,Used,At risk,Decline %,Users /);
  assert.ok(lines.length > 10);

  const again = await cli(['Acme Billing', '--lmo', 'usage-lmo', '--period', period, '--json']);
  assert.equal(again.code, 0, again.stderr);
  const json = JSON.parse(again.stdout) as {
    outcome: string;
    source: string;
    report: { months: string[]; atRisk: unknown[] };
    rows: Array<{ license: { customer: string } | null }>;
  };
  assert.equal(json.outcome, 'ready');
  assert.equal(json.source, 'cache', 'the same question is answered from the cache');
  assert.equal(json.report.months.at(-1), month(1));
  assert.ok(json.report.atRisk.length > 0);
  assert.ok(json.rows.some((r) => r.license?.customer));

  const steep = await cli([
    'Acme Billing',
    '--lmo',
    'usage-lmo',
    '--period',
    period,
    '--at-risk-drop',
    '95%',
  ]);
  assert.equal(steep.code, 0, steep.stderr);
  assert.match(steep.stdout, /At risk, users fell by more than 95% over the last 3 months: \d+/);
  const count = (text: string) => Number(/At risk, .*: (\d+)/.exec(text)![1]);
  assert.ok(count(steep.stdout) < count(first.stdout), 'a steeper drop lists fewer orgs');

  const refreshed = await cli([
    'Acme Billing',
    '--lmo',
    'usage-lmo',
    '--period',
    period,
    '--refresh',
    '--json',
  ]);
  assert.equal((JSON.parse(refreshed.stdout) as { source: string }).source, 'download');
});

test('NoData: the report and exit 1, nothing cached', async () => {
  const none = await cli(['Acme Billing', '--lmo', 'usage-lmo', '--period', '2020-01..2020-06', '--json']);
  assert.equal(none.code, 1, none.stderr);
  const json = JSON.parse(none.stdout) as { outcome: string; message: string };
  assert.equal(json.outcome, 'noData');
  assert.match(json.message, /no usage for 2020-01 to 2020-06/);
  assert.deepEqual(
    cacheFiles().filter((f) => f.endsWith('.gz')),
    [],
  );
});

test('App Analytics not enabled: what to do, exit 1', async () => {
  org.appAnalytics({ enabled: false });
  const off = await cli(['Acme Billing', '--lmo', 'usage-lmo', '--period', period]);
  assert.equal(off.code, 1, off.stderr);
  assert.match(off.stdout, /App Analytics is not available .*--enable-app-analytics/);
  assert.equal(off.stderr, '');
});

test('a bad file: the reason, exit 1, nothing cached as complete', async () => {
  org.appAnalytics({ corruptNext: 'truncated' });
  const bad = await cli(['Acme Billing', '--lmo', 'usage-lmo', '--period', period]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /truncated.*Nothing was kept in the cache/);
  assert.deepEqual(
    cacheFiles().filter((f) => f.endsWith('.gz') || f.endsWith('.partial')),
    [],
  );
});

test('bad arguments, an unknown package or a period in the future: exit 2 with the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['--lmo', 'usage-lmo'], /Which package\?/],
    [['Acme Billing'], /Missing --lmo/],
    [['Acme Billing', '--lmo', 'usage-lmo', '--period', '2026'], /--period takes a month/],
    [['Acme Billing', '--lmo', 'usage-lmo', '--org', "00D' OR 1=1"], /--org takes org ids/],
    [['No Such Package', '--lmo', 'usage-lmo'], /"No Such Package" is not a package of usage-lmo/],
    [
      ['Acme Billing', '--lmo', 'usage-lmo', '--at-risk-drop', '0.99'],
      /--at-risk-drop: The at-risk drop must be between 5% and 95%/,
    ],
    [['Acme Billing', '--lmo', 'usage-lmo', '--period', '2099-01..2099-02'], /starts in the future/],
  ];
  for (const [args, message] of cases) {
    const run = await cli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
    assert.match(run.stderr, message);
  }
});
