// The headless `lma-explorer test-install` as a process: exit codes and --json output, on a pass and
// on a failure, against the local org through the CLI auth store.
import { home } from '../isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { writeTerms } from '../../../src/lma/project/projectTerms';
import type { TestInstallReport } from '../../../src/lma/workflows/testInstall';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

const bin = path.resolve(import.meta.dirname, '../../../bin/lma-explorer.js');
let org: LocalOrg;
let project: string;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'cli-lmo',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  project = mkdtempSync(path.join(tmpdir(), 'lma-cli-project-'));
  const text = JSON.stringify(
    {
      packageDirectories: [{ path: 'force-app', package: 'Acme Billing' }],
      packageAliases: { 'Acme Billing': billing.id },
    },
    null,
    2,
  );
  writeFileSync(
    path.join(project, 'sfdx-project.json'),
    writeTerms(text, 'Acme Billing', { status: 'Trial', lengthDays: 30, seats: 10 }),
  );
});
after(async () => {
  await org?.close();
  rmSync(project, { recursive: true, force: true });
});

async function testOrgAlias(): Promise<string> {
  const view = await org.createTestOrg();
  const alias = `cli-test-${view.id.slice(-5)}`;
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken: view.refreshToken, alias });
  return alias;
}

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: project, env: { ...process.env, HOME: home, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const released = (name: string) =>
  org.console
    .packages()
    .find((p) => p.name === name)!
    .versions.filter((v) => !v.isBeta && !v.installationKey && !v.remoteSites)
    .at(-1)!.id;

test('a verified test install exits 0 and prints the report as JSON', { timeout: 60_000 }, async () => {
  const result = await cli([
    'test-install',
    '--lmo',
    'cli-lmo',
    '--target-org',
    await testOrgAlias(),
    '--version',
    released('Acme Billing'),
    '--json',
  ]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const report = JSON.parse(result.stdout) as TestInstallReport;
  assert.equal(report.outcome, 'passed');
  assert.equal(report.packageName, 'Acme Billing');
  assert.equal(report.expectedTerms, 'New installs get a 30-day trial for 10 seats.');
  assert.deepEqual(
    report.checks.map((check) => check.result),
    ['pass', 'pass', 'pass', 'pass', 'pass'],
  );
});

test('an install that creates no License exits 1 and says why, in text', { timeout: 60_000 }, async () => {
  const result = await cli([
    'test-install',
    '--lmo',
    'cli-lmo',
    '--target-org',
    await testOrgAlias(),
    '--version',
    released('Acme Labs Toolkit'),
    '--license-timeout',
    '3',
  ]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /: NOLICENSE/);
  assert.match(result.stdout, /FAIL {2}License/);
  assert.match(result.stdout, /not associated with this LMO/);
});

test('bad arguments exit 2 with the usage, and the LMO is refused as the target', async () => {
  const missing = await cli(['test-install', '--lmo', 'cli-lmo']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing --target-org, --version/);
  const badVersion = await cli([
    'test-install',
    '--lmo',
    'cli-lmo',
    '--target-org',
    'x',
    '--version',
    "04t' OR Id != '",
  ]);
  assert.equal(badVersion.code, 2);
  assert.match(badVersion.stderr, /--version must be a package version id/);
  const itself = await cli([
    'test-install',
    '--lmo',
    'cli-lmo',
    '--target-org',
    'cli-lmo',
    '--version',
    released('Acme Billing'),
  ]);
  assert.equal(itself.code, 2);
  assert.match(itself.stderr, /is the LMO itself/);
});

test(
  'a key-protected version: exit 2 without a key, 2 with a wrong one, 0 with the key from the environment; the key is never printed',
  { timeout: 120_000 },
  async () => {
    const key = 's3cret-cli-key';
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const locked = await org.console.createVersion(billing.id, { version: '7.0.0', installationKey: key });
    const args = async () => [
      'test-install',
      '--lmo',
      'cli-lmo',
      '--target-org',
      await testOrgAlias(),
      '--version',
      locked.id,
      '--verbose',
    ];
    const none = await cli(await args());
    assert.equal(none.code, 2, none.stderr + none.stdout);
    assert.match(
      none.stderr,
      /protected by an installation key: pass --installation-key <key> or set LMA_INSTALLATION_KEY/,
    );
    const wrong = await cli([...(await args()), '--installation-key', 'guess']);
    assert.equal(wrong.code, 2, wrong.stderr + wrong.stdout);
    assert.match(wrong.stderr, /installation key is not valid for version/);
    const right = await cli([...(await args()), '--json'], { LMA_INSTALLATION_KEY: key });
    assert.equal(right.code, 0, right.stderr + right.stdout);
    assert.equal((JSON.parse(right.stdout) as TestInstallReport).outcome, 'passed');
    assert.ok(
      !`${right.stdout}${right.stderr}`.includes(key),
      'the key is in neither the report nor the --verbose log',
    );
    assert.match(right.stderr, /InstallationKey = '\*\*\*'/, 'the verbose log shows the query, key blanked');
  },
);

test(
  'remote sites: without --remote-sites the CLI refuses to guess (exit 2); with it, the report says what was chosen',
  { timeout: 120_000 },
  async () => {
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const sites = await org.console.createVersion(billing.id, {
      version: '8.0.0',
      remoteSites: ['https://api.acme.example'],
    });
    const args = async () => [
      'test-install',
      '--lmo',
      'cli-lmo',
      '--target-org',
      await testOrgAlias(),
      '--version',
      sites.id,
    ];
    const unasked = await cli(await args());
    assert.equal(unasked.code, 2, unasked.stderr + unasked.stdout);
    assert.match(
      unasked.stderr,
      /https:\/\/api\.acme\.example[\s\S]*--remote-sites enable or --remote-sites disable/,
    );
    const enabled = await cli([...(await args()), '--remote-sites', 'enable']);
    assert.equal(enabled.code, 0, enabled.stderr + enabled.stdout);
    assert.match(enabled.stdout, /Remote sites and CSP trusted sites enabled: https:\/\/api\.acme\.example/);
    assert.match(enabled.stdout, /new install/);
  },
);
