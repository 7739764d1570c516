// The headless `lma-explorer test-install` reads sfdx-project.json as the extension does
// (readProjectDocument): a comment and a trailing comma are read, with a warning that the sf CLI
// refuses them; a file that doesn't parse is said to be so, instead of checking no terms in silence.
import { home } from '../isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import type { TestInstallReport } from '../../../src/lma/workflows/testInstall';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

const bin = path.resolve(import.meta.dirname, '../../../bin/lma-explorer.js');
let org: LocalOrg;
let folder: string;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'cli-project-lmo',
  });
  folder = mkdtempSync(path.join(tmpdir(), 'lma-cli-project-document-'));
});
after(async () => {
  await org?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function testInstall(projectText: string) {
  const project = path.join(folder, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(project, projectText);
  const view = await org.createTestOrg();
  const target = `cli-project-${view.id.slice(-5)}`;
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: view.refreshToken,
    alias: target,
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const version = billing.versions
    .filter((v) => !v.isBeta && !v.installationKey && !v.remoteSites)
    .at(-1)!.id;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        bin,
        'test-install',
        '--lmo',
        'cli-project-lmo',
        '--target-org',
        target,
        '--version',
        version,
        '--project',
        project,
        '--json',
      ],
      { cwd: folder, env: { ...process.env, HOME: home } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const projectText = (billingId: string) => `{
  // Acme Billing, as the LMO knows it
  "packageDirectories": [{ "path": "force-app", "package": "Acme Billing" },],
  "packageAliases": { "Acme Billing": "${billingId}", },
  "plugins": { "lma": { "defaultLicensing": { "Acme Billing": { "status": "Trial", "trialDays": 30, "seats": 10 } } } }
}`;

test(
  'a comment and a trailing comma: the terms are read and checked, with a warning about the sf CLI',
  { timeout: 60_000 },
  async () => {
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const result = await testInstall(projectText(billing.id));
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const report = JSON.parse(result.stdout) as TestInstallReport;
    assert.equal(report.expectedTerms, 'New installs get a 30-day trial for 10 seats.');
    assert.match(
      result.stderr,
      /\(line 2, column 3\): sfdx-project.json has a comment: .*the sf CLI reads the file as strict JSON/,
    );
  },
);

test(
  'a file that does not parse is said to be so, and no terms are checked',
  { timeout: 60_000 },
  async () => {
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const result = await testInstall(
      projectText(billing.id).replace('"packageAliases":', '"packageAliases"'),
    );
    assert.match(
      result.stderr,
      /\(line 4, column \d+\): The JSON is malformed: a colon is expected\. Its terms are not checked\./,
    );
    const report = JSON.parse(result.stdout) as TestInstallReport;
    assert.equal(report.expectedTerms, undefined);
  },
);
