// The official `sf package push-upgrade schedule` against the local org's Dev Hub, as a process (its own
// throw-away HOME): the request over REST, its jobs through a Bulk API 2.0 ingest job (a chunked CSV
// upload), then Pending. `--org-file` keeps only lines of 15 characters (`^00D[a-zA-Z0-9]{12}$` in
// @salesforce/plugin-packaging's readOrgFile): a file of the 18-character OrgKeys that PackageSubscriber
// answers leaves it no org, and it still creates a request and uploads an empty body (content-length 0).
import '../isolatedHome';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from 'lma-local-org';
import { sfProcess } from './sfProcess';
import { startTestOrg } from 'lma-local-org/testing';

const { sf, home, dispose } = sfProcess();

let org: LocalOrg;
let hub: Connection;
let latest: string;
let keys: string[];

before(async () => {
  org = await startTestOrg({ timing: { pushStartMs: 0, pushJobMs: 0 } });
  hub = new Connection({
    instanceUrl: org.instanceUrl,
    accessToken: org.orgs.devhub.accessToken as string,
    version: '62.0',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const { records } = await hub.query<{ OrgKey: string }>(
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false ORDER BY OrgKey DESC LIMIT 4`,
  );
  keys = records.map((r) => r.OrgKey);
  assert.equal(keys.length, 4);
  assert.ok(keys.every((k) => k.length === 18));
  const login = await sf(
    ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'hub'],
    { SF_ACCESS_TOKEN: org.orgs.devhub.accessToken as string },
  );
  assert.equal(login.status, 0, login.raw);
});

after(async () => {
  await org?.close();
  dispose();
});

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

const schedule = (orgs: string[]) =>
  sf([
    'package',
    'push-upgrade',
    'schedule',
    '--package',
    latest,
    ...orgs,
    '--start-time',
    tomorrow(),
    '--target-dev-hub',
    'hub',
  ]);

const jobsOf = async (requestId: string): Promise<string[]> =>
  (
    await hub.query<{ SubscriberOrganizationKey: string }>(
      `SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '${requestId}'`,
    )
  ).records
    .map((r) => r.SubscriberOrganizationKey)
    .sort();

it(
  'schedules with --org-list: the jobs through its Bulk upload, the request Pending',
  { timeout: 300_000 },
  async () => {
    const run = await schedule(['--org-list', keys.slice(0, 2).join(',')]);
    assert.equal(run.status, 0, run.raw);
    const result = run.result as { PushRequestId: string; Status: string };
    assert.equal(result.Status, 'Pending');
    assert.deepEqual(await jobsOf(result.PushRequestId), keys.slice(0, 2).sort());
    assert.equal((await hub.sobject('PackagePushRequest').retrieve(result.PushRequestId)).Status, 'Pending');
    await hub.sobject('PackagePushRequest').update({ Id: result.PushRequestId, Status: 'Canceled' });
  },
);

it('schedules with --org-file of 15-character org ids', { timeout: 300_000 }, async () => {
  const file = join(home, 'orgs15.csv');
  writeFileSync(
    file,
    keys
      .slice(2)
      .map((k) => k.slice(0, 15))
      .join('\n') + '\n',
  );
  const run = await schedule(['--org-file', file]);
  assert.equal(run.status, 0, run.raw);
  const result = run.result as { PushRequestId: string };
  assert.deepEqual(
    (await jobsOf(result.PushRequestId)).map((k) => k.slice(0, 15)),
    keys
      .slice(2)
      .map((k) => k.slice(0, 15))
      .sort(),
  );
  await hub.sobject('PackagePushRequest').update({ Id: result.PushRequestId, Status: 'Canceled' });
});

it(
  'an --org-file of 18-character OrgKeys: the CLI drops every line and uploads nothing',
  { timeout: 300_000 },
  async () => {
    const before = new Set(
      (await hub.query<{ Id: string }>('SELECT Id FROM PackagePushRequest')).records.map((r) => r.Id),
    );
    const file = join(home, 'orgs18.csv');
    writeFileSync(file, keys.join('\n') + '\n');
    const run = await schedule(['--org-file', file]);
    assert.equal(run.status, 1, run.raw);
    // The local org's answer to an empty upload (the job Failed, ClientInputError) is UNCONFIRMED.
    assert.match(run.raw, /ClientInputError/);
    const created = (
      await hub.query<{ Id: string; Status: string }>('SELECT Id, Status FROM PackagePushRequest')
    ).records.filter((r) => !before.has(r.Id));
    assert.equal(created.length, 1);
    assert.equal(created[0]!.Status, 'Created');
    assert.deepEqual(await jobsOf(created[0]!.Id), []);
  },
);
