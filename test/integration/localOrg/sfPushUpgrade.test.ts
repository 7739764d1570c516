// The official `sf package push-upgrade list | report | abort` against the local org's Dev Hub, as a
// process (its own throw-away HOME). The requests and jobs here are inserted through jsforce; `schedule`
// itself runs in sfPushSchedule.test.ts.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from 'lma-local-org';
import { sfProcess } from './sfProcess';
import { eventually, raw, startTestOrg } from 'lma-local-org/testing';

const { sf, dispose } = sfProcess();

let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ timing: { pushStartMs: 0, pushJobMs: 0 } });
});

after(async () => {
  await org?.close();
  dispose();
});

it('lists, reports and aborts push requests with --json', { timeout: 300_000 }, async () => {
  const hub = new Connection({
    instanceUrl: org.instanceUrl,
    accessToken: org.orgs.devhub.accessToken as string,
    version: '62.0',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const { records } = await hub.query<{ OrgKey: string }>(
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false ORDER BY OrgKey DESC LIMIT 3`,
  );
  const keys = records.map((r) => r.OrgKey);
  await raw(org, org.adminSecret, 'PUT', '/_local/push-outcomes', {
    org: keys[0],
    errorType: 'DeployError',
    message: 'Field exists',
  });
  const request = async (orgKeys: string[]): Promise<string> => {
    const r = (await hub.sobject('PackagePushRequest').create({ PackageVersionId: latest })) as {
      id: string;
    };
    await hub.sobject('PackagePushJob').create(
      orgKeys.map((k) => ({ PackagePushRequestId: r.id, SubscriberOrganizationKey: k })),
      { allOrNone: true },
    );
    return r.id;
  };
  const ran = await request(keys);
  await hub.sobject('PackagePushRequest').update({ Id: ran, Status: 'Pending' });
  await eventually(
    async () =>
      (await hub.sobject('PackagePushRequest').retrieve(ran)).Status === 'Failed' ? true : undefined,
    30_000,
  );
  const created = await request(keys.slice(0, 1));

  const login = await sf(
    ['org', 'login', 'access-token', '--instance-url', org.instanceUrl, '--no-prompt', '--alias', 'hub'],
    {
      SF_ACCESS_TOKEN: org.orgs.devhub.accessToken as string,
    },
  );
  assert.equal(login.status, 0, login.raw);

  const list = await sf([
    'package',
    'push-upgrade',
    'list',
    '--package',
    billing.id,
    '--target-dev-hub',
    'hub',
  ]);
  assert.equal(list.status, 0, list.raw);
  const rows = list.result as Array<Record<string, unknown>>;
  assert.deepEqual(new Set(rows.map((r) => String(r.Id))), new Set([ran, created]));
  const done = rows.find((r) => r.Id === ran)!;
  assert.equal(done.Status, 'Failed');
  // --json gives the records of the CLI's query; its job counts (COUNT(Id) per status) go to the table.
  assert.equal((done.PackageVersion as Record<string, unknown>).MajorVersion, 2);

  const report = await sf([
    'package',
    'push-upgrade',
    'report',
    '--push-request-id',
    ran,
    '--target-dev-hub',
    'hub',
  ]);
  assert.equal(report.status, 0, report.raw);
  assert.match(report.raw, /Field exists/);
  assert.match(report.raw, /"Status": "Failed"/);

  const abort = await sf([
    'package',
    'push-upgrade',
    'abort',
    '--push-request-id',
    created,
    '--target-dev-hub',
    'hub',
  ]);
  assert.equal(abort.status, 0, abort.raw);
  assert.equal((await hub.sobject('PackagePushRequest').retrieve(created)).Status, 'Canceled');
  const again = await sf([
    'package',
    'push-upgrade',
    'abort',
    '--push-request-id',
    ran,
    '--target-dev-hub',
    'hub',
  ]);
  assert.equal(again.status, 1, again.raw);
  assert.match(
    again.raw,
    /Only push upgrade requests with a status of 'Created' or 'Pending' can be cancelled/,
  );
});
