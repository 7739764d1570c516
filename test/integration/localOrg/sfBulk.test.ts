// The official sf CLI's Bulk API 2.0 commands as processes against the local org: `sf data export bulk`
// of the LMA's Licenses (the same rows as a REST query), `sf data update bulk` of License seats with one
// row that fails, and `sf data import bulk` of Leads. The CLI polls every 5 s, so there are few runs.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from 'lma-local-org';
import { sfProcess } from './sfProcess';
import { startTestOrg } from 'lma-local-org/testing';

const { sf, home, dispose } = sfProcess({ cwd: 'home', timeoutMs: 180_000 });

let org: LocalOrg;
let conn: Connection;

before(async () => {
  org = await startTestOrg();
  conn = new Connection({
    instanceUrl: org.instanceUrl,
    accessToken: org.orgs.lmo.accessToken as string,
    version: '62.0',
  });
  const login = await sf(
    ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'lmo'],
    {
      SF_ACCESS_TOKEN: org.orgs.lmo.accessToken as string,
    },
  );
  assert.equal(login.status, 0, login.raw);
});

after(async () => {
  await org?.close();
  dispose();
});

it('sf data export bulk writes every License the REST query sees', { timeout: 300_000 }, async () => {
  const soql = 'SELECT Id, Name, sfLma__Status__c, sfLma__Package__r.Name FROM sfLma__License__c';
  const file = join(home, 'licenses.csv');
  const out = await sf([
    'data',
    'export',
    'bulk',
    '--target-org',
    'lmo',
    '--query',
    soql,
    '--output-file',
    file,
    '--wait',
    '2',
  ]);
  assert.equal(out.status, 0, out.raw);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines[0], '"Id","Name","sfLma__Status__c","sfLma__Package__r.Name"');
  const rest = await conn.query<{ Id: string }>('SELECT Id FROM sfLma__License__c');
  assert.equal(lines.length - 1, rest.totalSize);
  assert.deepEqual(
    new Set(lines.slice(1).map((l) => l.slice(1, 19))),
    new Set(rest.records.map((r) => r.Id)),
  );
});

it(
  'sf data update bulk changes seats and reports the row that failed; sf data import bulk inserts Leads',
  { timeout: 300_000 },
  async () => {
    const some = await conn.query<{ Id: string; sfLma__Seats__c: number }>(
      'SELECT Id, sfLma__Seats__c FROM sfLma__License__c ORDER BY Id LIMIT 2',
    );
    const [a, b] = some.records;
    assert.ok(a && b);
    const file = join(home, 'seats.csv');
    writeFileSync(file, `Id,sfLma__Seats__c\n${a.Id},41\n${b.Id},lots\n`);
    const update = await sf([
      'data',
      'update',
      'bulk',
      '--target-org',
      'lmo',
      '--sobject',
      'sfLma__License__c',
      '--file',
      file,
      '--wait',
      '2',
    ]);
    assert.equal(update.status, 1, 'one row failed');
    assert.match(update.raw, /failed to process 1 records/);
    const after = await conn.query<{ Id: string; sfLma__Seats__c: number }>(
      `SELECT Id, sfLma__Seats__c FROM sfLma__License__c WHERE Id IN ('${a.Id}', '${b.Id}') ORDER BY Id`,
    );
    assert.equal(after.records[0]?.sfLma__Seats__c, 41);
    assert.equal(after.records[1]?.sfLma__Seats__c, b.sfLma__Seats__c);

    const leads = join(home, 'leads.csv');
    writeFileSync(leads, 'LastName,Company\nBulkA,Acme Bulk\nBulkB,Acme Bulk\n');
    const imported = await sf([
      'data',
      'import',
      'bulk',
      '--target-org',
      'lmo',
      '--sobject',
      'Lead',
      '--file',
      leads,
      '--wait',
      '2',
    ]);
    assert.equal(imported.status, 0, imported.raw);
    assert.equal((imported.result as { successfulRecords: number }).successfulRecords, 2);
    const found = await conn.query("SELECT Id FROM Lead WHERE Company = 'Acme Bulk'");
    assert.equal(found.totalSize, 2);
  },
);
