// The official sf CLI (run under this Node, with its own throw-away HOME)
// against the local org: login with an access token, a data query on the LMA's
// objects, and a package install into a test org. sf is slow to start, so
// there are only four invocations.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import type { LocalOrg } from 'lma-local-org';
import { eventually, startTestOrg } from 'lma-local-org/testing';

const run = promisify(execFile);
// node_modules/.bin/sf runs under the machine's `node`; run its script under this (Node 24) binary instead.
const SF = join(__dirname, '../../../node_modules/@salesforce/cli/bin/run.js');
const home = mkdtempSync(join(tmpdir(), 'lma-sf-home-'));

let org: LocalOrg;

async function sf(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number; result: unknown; raw: string }> {
  const { stdout } = await run(process.execPath, ['--no-deprecation', SF, ...args, '--json'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      USERPROFILE: home,
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_USE_PROGRESS_BAR: 'false',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_LOG_FILE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_DNS_CHECK: 'true',
      ...env,
    },
    timeout: 120_000,
    maxBuffer: 20 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const parsed = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { status: number; result: unknown };
  return { ...parsed, raw: stdout };
}

before(async () => {
  org = await startTestOrg({ installDelayMs: 500 });
});

after(async () => {
  await org?.close();
  rmSync(home, { recursive: true, force: true });
});

it(
  'logs in with an access token, queries licenses, and installs a package into a test org',
  { timeout: 300_000 },
  async () => {
    const login = await sf(
      ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'lmo'],
      {
        SF_ACCESS_TOKEN: org.orgs.lmo.accessToken as string,
      },
    );
    assert.equal(login.status, 0, login.raw);
    assert.equal((login.result as { username: string }).username, org.orgs.lmo.username);

    const expected = org.console
      .packages()
      .filter((p) => p.name === 'Acme Insights')
      .map((p) => p.id)[0];
    const query = await sf([
      'data',
      'query',
      '--target-org',
      'lmo',
      '--query',
      "SELECT Id, Name, sfLma__Status__c, sfLma__Package__r.sfLma__Package_ID__c FROM sfLma__License__c WHERE sfLma__Package__r.Name = 'Acme Insights' ORDER BY Name",
    ]);
    assert.equal(query.status, 0, query.raw);
    const q = query.result as {
      totalSize: number;
      records: Array<{ Name: string; sfLma__Package__r: { sfLma__Package_ID__c: string } }>;
    };
    assert.ok(q.totalSize > 100, `expected the demo's Acme Insights licenses, got ${q.totalSize}`);
    assert.equal(q.records.length, q.totalSize);
    assert.ok(q.records.every((r) => r.sfLma__Package__r.sfLma__Package_ID__c === expected));
    assert.match(q.records[0]?.Name ?? '', /^L-\d{5}$/);

    const test = await org.createTestOrg();
    const loginTest = await sf(
      ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'test1'],
      {
        SF_ACCESS_TOKEN: test.accessToken as string,
      },
    );
    assert.equal(loginTest.status, 0, loginTest.raw);
    const version = org.console
      .packages()
      .find((p) => p.name === 'Acme Insights')
      ?.versions.find((v) => !v.isBeta);
    assert.ok(version);
    const install = await sf([
      'package',
      'install',
      '--package',
      version.id,
      '--target-org',
      'test1',
      '--wait',
      '2',
      '--no-prompt',
    ]);
    assert.equal(install.status, 0, install.raw);
    assert.equal((install.result as { Status: string }).Status, 'SUCCESS');

    // The LMA writes the License after the install's SUCCESS, as on Salesforce: wait for it.
    const licenses = await eventually(async () => {
      const found = await fetch(
        `${org.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`)}`,
        { headers: { Authorization: `Bearer ${org.orgs.lmo.accessToken}` } },
      ).then((r) => r.json() as Promise<{ totalSize: number }>);
      return found.totalSize ? found : undefined;
    });
    assert.equal(licenses.totalSize, 1);
  },
);
