// The official sf CLI (run under this Node, with its own throw-away HOME)
// against the local org: login with an access token, a data query on the LMA's
// objects, and a package install into a test org. sf is slow to start, so
// there are only four invocations.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { sfProcess } from './sfProcess';
import { eventually, startTestOrg } from 'lma-local-org/testing';

const { sf, dispose } = sfProcess();

let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ installDelayMs: 500 });
});

after(async () => {
  await org?.close();
  dispose();
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
