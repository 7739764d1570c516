// A rolled-back allOrNone request leaves nothing behind outside the data store either: an install it
// requested never starts (test/unit/transactions.test.ts: nor are the LMA's own writes taken
// back by another request's rollback).
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { eventually, raw, startTestOrg } from './helpers';

const V = '/services/data/v62.0';
let org: LocalOrg;

// Installs are due at once: a read of the request inside the composite finds it ready to finish.
before(async () => {
  org = await startTestOrg({ timing: { installMs: 0, licenseDelayMs: 0, replicationMs: 0 } });
});
after(() => org?.close());

const released = (): string => {
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  return billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
};

const licensesOf = async (orgId: string): Promise<number> => {
  const soql = `SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgId.slice(0, 15)}'`;
  const r = await raw(org, org.orgs.lmo.accessToken, 'GET', `${V}/query?q=${encodeURIComponent(soql)}`);
  return (r.body as { totalSize: number }).totalSize;
};

const toolingCount = async (token: string, soql: string): Promise<number> => {
  const r = await raw(org, token, 'GET', `${V}/tooling/query?q=${encodeURIComponent(soql)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { totalSize: number }).totalSize;
};

it('an allOrNone composite that requests an install and then fails installs nothing and leaves no request', async () => {
  const test = await org.createTestOrg({ name: 'Rolled Back Install' });
  const token = test.accessToken as string;
  const res = await raw(org, token, 'POST', `${V}/composite`, {
    allOrNone: true,
    compositeRequest: [
      {
        method: 'POST',
        url: `${V}/tooling/sobjects/PackageInstallRequest`,
        referenceId: 'pir',
        body: { SubscriberPackageVersionKey: released(), SecurityType: 'none' },
      },
      // Read back inside the same request: the install is due, but must not run before the commit.
      { method: 'GET', url: `${V}/tooling/sobjects/PackageInstallRequest/@{pir.id}`, referenceId: 'read' },
      { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'bad', body: { Industry: 'No name' } },
    ],
  });
  assert.equal(res.status, 200);
  const out = (res.body as { compositeResponse: Array<{ httpStatusCode: number; body: unknown }> })
    .compositeResponse;
  assert.deepEqual(
    out.map((o) => o.httpStatusCode),
    [400, 400, 400],
  );
  assert.equal((out[0]?.body as Array<{ errorCode: string }>)[0]?.errorCode, 'PROCESSING_HALTED');

  // The same install requested on its own: once it has finished, the rolled-back one (requested
  // earlier, with the same delay) would have finished too.
  const pir = await raw(org, token, 'POST', `${V}/tooling/sobjects/PackageInstallRequest`, {
    SubscriberPackageVersionKey: released(),
    SecurityType: 'none',
  });
  assert.equal(pir.status, 201, JSON.stringify(pir.body));
  const id = (pir.body as { id: string }).id;
  const status = await eventually(async () => {
    const r = await raw(org, token, 'GET', `${V}/tooling/sobjects/PackageInstallRequest/${id}`);
    const s = (r.body as { Status: string }).Status;
    return s === 'IN_PROGRESS' ? undefined : s;
  });
  assert.equal(status, 'SUCCESS', 'the package was not already installed by the rolled-back request');
  assert.equal(await toolingCount(token, 'SELECT Id FROM PackageInstallRequest'), 1);
  assert.equal(await toolingCount(token, 'SELECT Id FROM InstalledSubscriberPackage'), 1);
  assert.equal(await licensesOf(test.id), 1);
});
