// The real @salesforce/core and jsforce against the local org over HTTP:
// auth discovery, queries and paging, CRUD, collections, composite, tooling,
// installs into test orgs, errors, conditional updates, sessions and faults.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as CoreModule from '@salesforce/core';
import type { LocalOrg } from 'lma-local-org';
import { eventually, raw, sleep, startTestOrg } from 'lma-local-org/testing';

type Core = typeof CoreModule;
type Conn = Awaited<ReturnType<Core['Connection']['create']>>;

process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';

let org: LocalOrg;
let core: Core;
let lmo: Conn;

async function connect(accessToken: string): Promise<Conn> {
  const authInfo = await core.AuthInfo.create({
    accessTokenOptions: { accessToken, instanceUrl: org.instanceUrl, loginUrl: org.instanceUrl },
  });
  return core.Connection.create({ authInfo });
}

before(async () => {
  org = await startTestOrg();
  core = await import('@salesforce/core');
  lmo = await connect(org.orgs.lmo.accessToken as string);
});

after(async () => {
  await org?.close();
});

describe('auth discovery (@salesforce/core)', () => {
  it('identifies the LMO user and org, and does not flag the LMO as a Dev Hub', async () => {
    const authInfo = await core.AuthInfo.create({
      accessTokenOptions: {
        accessToken: org.orgs.lmo.accessToken as string,
        instanceUrl: org.instanceUrl,
        loginUrl: org.instanceUrl,
      },
    });
    const fields = authInfo.getFields();
    assert.equal(fields.username, org.orgs.lmo.username);
    assert.equal(fields.orgId, org.orgs.lmo.id);
    assert.equal(fields.isDevHub, false);
    assert.equal(fields.name, 'License Management Org');
    assert.match(String(fields.instanceApiVersion), /^\d\d\.0$/);
  });

  it('flags the packaging org as a Dev Hub', async () => {
    const authInfo = await core.AuthInfo.create({
      accessTokenOptions: {
        accessToken: org.orgs.devhub.accessToken as string,
        instanceUrl: org.instanceUrl,
        loginUrl: org.instanceUrl,
      },
    });
    assert.equal(authInfo.getFields().isDevHub, true);
  });

  it('answers 401 INVALID_SESSION_ID in the Salesforce error shape without a valid token', async () => {
    const r = await raw(org, 'bogus', 'GET', '/services/data/v62.0/limits');
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, [
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] },
    ]);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('normalises //services paths and lists versions as NN.0', async () => {
    const r = await raw(org, null, 'GET', '//services/data');
    assert.equal(r.status, 200);
    const list = r.body as Array<{ version: string }>;
    assert.ok(list.length > 10 && list.every((v) => /^[1-9]\d\.0$/.test(v.version)));
  });
});

describe('queries', () => {
  it('pages 500 licenses with batchSize=200 through nextRecordsUrl locators', async () => {
    const token = org.orgs.lmo.accessToken as string;
    const first = await raw(
      org,
      token,
      'GET',
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM sfLma__License__c')}`,
      undefined,
      {
        'Sforce-Query-Options': 'batchSize=200',
      },
    );
    const page = first.body as {
      totalSize: number;
      done: boolean;
      records: unknown[];
      nextRecordsUrl: string;
    };
    assert.equal(first.status, 200);
    assert.ok(page.totalSize >= 500);
    assert.equal(page.records.length, 200);
    assert.equal(page.done, false);
    assert.match(page.nextRecordsUrl, /^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-200$/);
    assert.match(first.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/\d+$/);

    const all = await lmo.autoFetchQuery('SELECT Id, Name, sfLma__Status__c FROM sfLma__License__c');
    assert.equal(all.records.length, all.totalSize);
    assert.equal(new Set(all.records.map((r) => (r as unknown as { Id: string }).Id)).size, all.totalSize);
  });

  it('pages over several 2,000-row pages with jsforce autoFetch', async () => {
    const ids = (await lmo
      .sobject('Account')
      .create(Array.from({ length: 200 }, (_, i) => ({ Name: `Paging ${i}` })))) as Array<{
      success: boolean;
    }>;
    assert.ok(ids.every((r) => r.success));
    // 500 licenses + 500 leads + accounts: ask for licenses and leads as history rows — several pages.
    const q = await lmo
      .query<{ Id: string }>('SELECT Id FROM Lead')
      .run({ autoFetch: true, maxFetch: 100_000 });
    assert.ok(q.totalSize >= 500);
    assert.equal(q.records.length, q.totalSize);
  });

  it('answers the status-by-package aggregate in one response', async () => {
    const r = await lmo.query<{ status: string; pkg: string; n: number }>(
      'SELECT sfLma__Package__r.Name pkg, sfLma__Status__c status, COUNT(Id) n FROM sfLma__License__c GROUP BY sfLma__Package__r.Name, sfLma__Status__c',
    );
    const statuses = new Set(r.records.map((x) => x.status));
    for (const s of ['Active', 'Trial', 'Suspended', 'Uninstalled'])
      assert.ok(statuses.has(s), `missing ${s}`);
    assert.ok(
      !r.records.some((x) => x.pkg === 'Acme Labs Toolkit'),
      'the unassociated package has no licenses',
    );
  });

  it('answers columns=true for sf data query', async () => {
    const r = await raw(
      org,
      org.orgs.lmo.accessToken,
      'GET',
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, sfLma__Package__r.Name FROM sfLma__License__c')}&columns=true`,
    );
    const cols = (
      r.body as { columnMetadata: Array<{ columnName: string; joinColumns: Array<{ columnName: string }> }> }
    ).columnMetadata;
    assert.deepEqual(
      cols.map((c) => c.columnName),
      ['Id', 'sfLma__Package__r'],
    );
    assert.equal(cols[1]?.joinColumns[0]?.columnName, 'Name');
  });

  it('rejects an unparseable query with MALFORMED_QUERY and survives', async () => {
    const r = await raw(org, org.orgs.lmo.accessToken, 'GET', '/services/data/v62.0/query?q=SELEKT+nothing');
    assert.equal(r.status, 400);
    assert.equal((r.body as Array<{ errorCode: string }>)[0]?.errorCode, 'MALFORMED_QUERY');
    const bad = await raw(
      org,
      org.orgs.lmo.accessToken,
      'POST',
      '/services/data/v62.0/sobjects/Account',
      undefined,
      { 'Content-Type': 'application/json' },
    );
    assert.equal(bad.status, 400);
    assert.equal(
      (await raw(org, org.orgs.lmo.accessToken, 'GET', '/services/data/v62.0/limits')).status,
      200,
    );
  });
});

describe('records', () => {
  it('creates, reads, updates and deletes', async () => {
    const created = (await lmo.sobject('Account').create({ Name: 'CRUD Co' })) as {
      id: string;
      success: boolean;
    };
    assert.ok(created.success);
    const read = (await lmo.sobject('Account').retrieve(created.id)) as { Name: string };
    assert.equal(read.Name, 'CRUD Co');
    await lmo.sobject('Account').update({ Id: created.id, Name: 'CRUD Co 2' });
    assert.equal(((await lmo.sobject('Account').retrieve(created.id)) as { Name: string }).Name, 'CRUD Co 2');
    await lmo.sobject('Account').destroy(created.id);
    await assert.rejects(
      lmo.sobject('Account').retrieve(created.id),
      (e: Error) => e.name === 'ENTITY_IS_DELETED' || e.name === 'NOT_FOUND',
    );
  });

  it('refuses a license edit that breaks the LMA rules (licenseRules customization), in the Salesforce error shape, changing nothing', async (t) => {
    org.lmo.customize({ licenseRules: true });
    t.after(() => void org.lmo.customize({ licenseRules: false }));
    const lic = (
      await lmo.query<{ Id: string; sfLma__Seats__c: number }>(
        "SELECT Id, sfLma__Seats__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' LIMIT 1",
      )
    ).records[0];
    assert.ok(lic);
    // An Active license can't go back to Trial; the seat change in the same request must not land either.
    const r = await raw(
      org,
      org.orgs.lmo.accessToken,
      'PATCH',
      `/services/data/v62.0/sobjects/sfLma__License__c/${lic.Id}`,
      {
        sfLma__Status__c: 'Trial',
        sfLma__Seats__c: 7,
      },
    );
    assert.equal(r.status, 400);
    const [err] = r.body as Array<{ message: string; errorCode: string; fields: string[] }>;
    assert.equal(err?.errorCode, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
    assert.deepEqual(err?.fields, ['sfLma__Status__c']);
    const after = (await lmo.sobject('sfLma__License__c').retrieve(lic.Id)) as { sfLma__Seats__c: number };
    assert.equal(after.sfLma__Seats__c, lic.sfLma__Seats__c);
  });

  it('answers 412 to If-Unmodified-Since when the record changed behind the client', async () => {
    const { id } = (await lmo.sobject('Account').create({ Name: 'Conditional' })) as { id: string };
    const seen = new Date();
    await sleep(1100);
    await org.faults.tamper('lmo', 'Account', id, { Name: 'Changed elsewhere' });
    const path = `/services/data/v62.0/sobjects/Account/${id}`;
    const r = await raw(
      org,
      org.orgs.lmo.accessToken,
      'PATCH',
      path,
      { Name: 'Mine' },
      { 'If-Unmodified-Since': seen.toUTCString() },
    );
    assert.equal(r.status, 412);
    assert.equal(((await lmo.sobject('Account').retrieve(id)) as { Name: string }).Name, 'Changed elsewhere');
    const ok = await raw(
      org,
      org.orgs.lmo.accessToken,
      'PATCH',
      path,
      { Name: 'Mine' },
      { 'If-Unmodified-Since': new Date(Date.now() + 1000).toUTCString() },
    );
    assert.equal(ok.status, 204);
  });

  it('writes sObject collections, and allOrNone rolls every record back', async () => {
    const good = (await lmo.sobject('Account').create([{ Name: 'Coll A' }, { Name: 'Coll B' }])) as Array<{
      success: boolean;
    }>;
    assert.deepEqual(
      good.map((r) => r.success),
      [true, true],
    );
    const r = await raw(org, org.orgs.lmo.accessToken, 'POST', '/services/data/v62.0/composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Name: 'Rolled back' },
        { attributes: { type: 'Account' } },
      ],
    });
    const results = r.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    assert.equal(results[0]?.errors[0]?.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(results[1]?.errors[0]?.statusCode, 'REQUIRED_FIELD_MISSING');
    assert.equal((await lmo.query("SELECT Id FROM Account WHERE Name = 'Rolled back'")).totalSize, 0);
  });

  it('runs composite subrequests with references', async () => {
    const body = (await lmo.requestPost('/composite', {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'acc',
          body: { Name: 'Composite Co' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'con',
          body: { LastName: 'Ref', AccountId: '@{acc.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Contact/@{con.id}?fields=AccountId',
          referenceId: 'read',
        },
      ],
    })) as {
      compositeResponse: Array<{ httpStatusCode: number; body: { id?: string; AccountId?: string } }>;
    };
    const [acc, con, read] = body.compositeResponse;
    assert.equal(acc?.httpStatusCode, 201);
    assert.equal(con?.httpStatusCode, 201);
    assert.equal(read?.body.AccountId, acc?.body.id);

    const halted = (await lmo.requestPost('/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'ok',
          body: { Name: 'Halted Co' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'bad',
          body: { FirstName: 'No last name' },
        },
      ],
    })) as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> };
    assert.equal(halted.compositeResponse[0]?.body[0]?.errorCode, 'PROCESSING_HALTED');
    assert.equal(halted.compositeResponse[1]?.body[0]?.errorCode, 'REQUIRED_FIELD_MISSING');
    assert.equal((await lmo.query("SELECT Id FROM Account WHERE Name = 'Halted Co'")).totalSize, 0);
  });
});

describe('test installs', () => {
  const pkgNamed = (name: string) => {
    const p = org.console.packages().find((x) => x.name === name);
    assert.ok(p, name);
    return p;
  };

  async function install(token: string, versionId: string): Promise<{ Status: string; Errors: unknown }> {
    const conn = await connect(token);
    const res = (await conn.tooling.create('PackageInstallRequest', {
      SubscriberPackageVersionKey: versionId,
      SecurityType: 'none',
    })) as { id: string };
    assert.match(res.id, /^0Hf/);
    return eventually(async () => {
      const r = (await conn.tooling.retrieve('PackageInstallRequest', res.id)) as {
        Status: string;
        Errors: unknown;
      };
      return r.Status === 'IN_PROGRESS' ? undefined : r;
    });
  }

  const licensesFor = async (orgId: string) =>
    (
      await lmo.query<{
        sfLma__Status__c: string;
        sfLma__Lead__r: { LeadSource: string } | null;
        sfLma__Expiration__c: string | null;
        sfLma__Seats__c: number;
      }>(
        `SELECT sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Lead__r.LeadSource FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgId.slice(0, 15)}'`,
      )
    ).records;

  it('writes a Lead and a License from the defaults for an associated package; none for an unassociated one', async () => {
    const test = await org.createTestOrg();
    const billing = pkgNamed('Acme Billing');
    const released = billing.versions.find((v) => !v.isBeta) as { id: string };
    assert.equal((await install(test.accessToken as string, released.id)).Status, 'SUCCESS');
    const [lic] = await eventually(async () =>
      (await licensesFor(test.id)).length ? licensesFor(test.id) : undefined,
    );
    assert.equal(lic?.sfLma__Status__c, 'Trial');
    assert.equal(lic?.sfLma__Seats__c, 10);
    assert.equal(lic?.sfLma__Lead__r?.LeadSource, 'Package Installation');

    const labs = pkgNamed('Acme Labs Toolkit');
    assert.equal(
      (await install(test.accessToken as string, (labs.versions[0] as { id: string }).id)).Status,
      'SUCCESS',
    );
    assert.equal((await licensesFor(test.id)).length, 1, 'no License for the unassociated package');

    const conn = await connect(test.accessToken as string);
    const installed = await conn.tooling.query<{ SubscriberPackage: { Name: string } }>(
      'SELECT Id, SubscriberPackageId, SubscriberPackage.Name FROM InstalledSubscriberPackage ORDER BY SubscriberPackageId',
    );
    assert.deepEqual(installed.records.map((r) => r.SubscriberPackage.Name).sort(), [
      'Acme Billing',
      'Acme Labs Toolkit',
    ]);
  });

  it('never sends beta installs to the LMA, and uses changed defaults for later installs only', async () => {
    const billing = pkgNamed('Acme Billing');
    const beta = billing.versions.find((v) => v.isBeta) as { id: string };
    const t1 = await org.createTestOrg();
    assert.equal((await install(t1.accessToken as string, beta.id)).Status, 'SUCCESS');
    await sleep(200);
    assert.equal((await licensesFor(t1.id)).length, 0);

    await org.console.associate(billing.id, { status: 'Active', lengthDays: null, seats: 50 });
    const t2 = await org.createTestOrg();
    const released = billing.versions.find((v) => !v.isBeta) as { id: string };
    assert.equal((await install(t2.accessToken as string, released.id)).Status, 'SUCCESS');
    const [lic] = await eventually(async () =>
      (await licensesFor(t2.id)).length ? licensesFor(t2.id) : undefined,
    );
    assert.equal(lic?.sfLma__Status__c, 'Active');
    assert.equal(lic?.sfLma__Seats__c, 50);
    assert.equal(lic?.sfLma__Expiration__c, null);
  });

  it('gives a sandbox install a site license', async () => {
    const sandbox = await org.createTestOrg({ sandbox: true });
    const insights = pkgNamed('Acme Insights');
    await org.console.associate(insights.id, { status: 'Trial', lengthDays: 14, seats: 20 });
    const released = insights.versions.find((v) => !v.isBeta) as { id: string };
    assert.equal((await install(sandbox.accessToken as string, released.id)).Status, 'SUCCESS');
    const [lic] = await eventually(async () =>
      (await licensesFor(sandbox.id)).length ? licensesFor(sandbox.id) : undefined,
    );
    assert.equal(lic?.sfLma__Seats__c, -1);
    assert.equal(lic?.sfLma__Status__c, 'Trial');
  });

  it('fails the next install on demand, with Errors', async () => {
    const t = await org.createTestOrg();
    org.faults.failNextInstall('Injected failure');
    const r = await install(
      t.accessToken as string,
      (pkgNamed('Acme Insights').versions[0] as { id: string }).id,
    );
    assert.equal(r.Status, 'ERROR');
    assert.deepEqual(r.Errors, { errors: [{ message: 'Injected failure' }] });
  });

  it('answers SubscriberPackageVersion by Id only', async () => {
    const t = await org.createTestOrg();
    const conn = await connect(t.accessToken as string);
    const v = pkgNamed('Acme Insights').versions[0] as { id: string };
    const one = await conn.tooling.query<{ IsBeta: boolean }>(
      `SELECT Id, Name, IsBeta FROM SubscriberPackageVersion WHERE Id = '${v.id}'`,
    );
    assert.equal(one.totalSize, 1);
    await assert.rejects(
      async () => conn.tooling.query('SELECT Id FROM SubscriberPackageVersion'),
      (e: Error) => e.name === 'MALFORMED_QUERY',
    );
  });
});

describe('sessions and faults', () => {
  it('refreshes an expired session with the refresh token, and fails once it is revoked', async () => {
    const authInfo = await core.AuthInfo.create({
      oauth2Options: {
        refreshToken: org.orgs.lmo.refreshToken,
        loginUrl: org.instanceUrl,
        clientId: 'PlatformCLI',
      },
    });
    const conn = await core.Connection.create({ authInfo });
    assert.ok((await conn.query('SELECT Id FROM Organization')).totalSize === 1);
    org.faults.expireSession('lmo');
    assert.ok(
      (await conn.query('SELECT Id FROM Organization')).totalSize === 1,
      'jsforce refreshed and replayed',
    );
    org.faults.expireSession('lmo', { revokeRefreshToken: true });
    await assert.rejects(async () => conn.query('SELECT Id FROM Organization'));
    org.faults.reauthorize('lmo');
    lmo = await connect(org.orgs.lmo.accessToken as string);
  });

  it('answers REQUEST_LIMIT_EXCEEDED for the next request only, and slows responses on demand', async () => {
    org.faults.respondWith(403, 1);
    await assert.rejects(
      async () => lmo.query('SELECT Id FROM Organization'),
      (e: Error) => e.name === 'REQUEST_LIMIT_EXCEEDED',
    );
    assert.equal((await lmo.query('SELECT Id FROM Organization')).totalSize, 1);
    org.faults.slow(300);
    const t0 = Date.now();
    await lmo.query('SELECT Id FROM Organization');
    assert.ok(Date.now() - t0 >= 290);
    org.faults.clear();
  });

  it('counts API usage per org in Sforce-Limit-Info and /limits', async () => {
    const remaining = async (): Promise<number> =>
      ((await lmo.limits()) as unknown as { DailyApiRequests: { Remaining: number } }).DailyApiRequests
        .Remaining;
    const before = await remaining();
    await lmo.query('SELECT Id FROM Organization');
    const after = await remaining();
    assert.equal(before - after, 2);
  });
});
