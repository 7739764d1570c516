// `lma-local-org pushes …` as a process: list the push requests, show one with its jobs and errors,
// run its next jobs now, and set how a subscriber's pushes fail.
import { home } from './isolatedHome';
import { runLocalOrgCli } from './cliProcess';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from '../../index';
import { eventually, startTestOrg } from './helpers';

let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ seed: 'demo', timing: { pushStartMs: 0, pushJobMs: 86_400_000 } });
});
after(() => org?.close());

const cli = (args: string[]) => runLocalOrgCli([...args, '--port', String(org.port)], { HOME: home });

it('lists, shows and advances a push request, and sets a failure for an org', async () => {
  const empty = await cli(['pushes']);
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /No push requests/);

  const hub = new Connection({
    instanceUrl: org.instanceUrl,
    accessToken: org.orgs.devhub.accessToken as string,
    version: '62.0',
  });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const { records } = await hub.query<{ OrgKey: string }>(
    `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${billing.id}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND HasRestrictionEnabled = false ORDER BY OrgKey DESC LIMIT 2`,
  );
  const [a, b] = records.map((r) => r.OrgKey) as [string, string];
  const set = await cli([
    'pushes',
    'fail',
    '--org',
    b,
    '--error-type',
    'ApexTestFailure',
    '--message',
    'Test failed',
  ]);
  assert.equal(set.code, 0, set.stderr);
  const wrong = await cli(['pushes', 'fail', '--org', b, '--error-type', 'NoSuchType']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /errorType is one of/);

  const req = (await hub.sobject('PackagePushRequest').create({ PackageVersionId: latest })) as {
    id: string;
  };
  await hub.sobject('PackagePushJob').create(
    [a, b].map((k) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: k })),
    { allOrNone: true },
  );
  await hub.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Pending' });
  const listed = await eventually(async () => {
    const r = await cli(['pushes', '--status', 'In Progress']);
    return r.stdout.includes(req.id) ? r.stdout : undefined;
  });
  assert.match(listed, /In Progress +Acme Billing/);
  assert.match(listed, /jobs: 2 Created/);

  const advanced = await cli(['pushes', 'advance', '--id', req.id, '--count', '2']);
  assert.equal(advanced.code, 0, advanced.stderr);
  assert.deepEqual(JSON.parse(advanced.stdout), { Failed: 1, Succeeded: 1 });
  const shown = await eventually(async () => {
    const r = JSON.parse((await cli(['pushes', 'show', '--id', req.id])).stdout) as {
      status: string;
      jobList: Array<{
        orgKey: string;
        status: string;
        errors: Array<{ ErrorType: string; ErrorMessage: string }>;
      }>;
    };
    return r.status === 'Failed' ? r : undefined;
  });
  const failed = shown.jobList.find((j) => j.orgKey === b)!;
  assert.equal(failed.status, 'Failed');
  assert.deepEqual(
    failed.errors.map((e) => [e.ErrorType, e.ErrorMessage]),
    [['ApexTestFailure', 'Test failed']],
  );
  const bad = await cli(['pushes', 'show', '--id', 'nonsense']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a push request id/);
});
