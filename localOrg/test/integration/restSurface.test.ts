// The REST answers a real client's own tests expect (issue 25), through jsforce as the client: a query
// plan for `?explain=`, FOR VIEW / FOR REFERENCE with the last-viewed dates they set, sObject Collections
// upsert by external id, getUpdated / getDeleted with their window limits, listviews and quickActions,
// a version index whose every resource answers, version-true describe URLs, a multipart insert, and
// unknown types as 404 NOT_FOUND on the data and Tooling APIs alike.
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import { openDatabase, type Database } from '../../data/index';
import { orgView } from '../../server/admin';
import { startServer, type LocalOrgServer } from '../../server/server';
import { seedWorld } from '../../world/seed';
import { World } from '../../world/world';
import { raw, type RawResponse } from './helpers';

const EXT = 'Sync_Key__c';

interface TestOrg {
  instanceUrl: string;
  token: string;
  close(): Promise<void>;
}

/**
 * A demo local org whose Account has an external id field, as ISVs add one to sync their own systems
 * (the local org has no API to add fields, so the test adds it as the LMO's metadata).
 */
async function startOrgWithExternalId(): Promise<TestOrg> {
  const db: Database = await openDatabase({});
  const { world } = await World.open({ db, timing: { installMs: 200 } });
  await seedWorld(world, 'demo');
  world.lmaData().setAddedFields('Account', [
    {
      name: EXT,
      label: 'Sync Key',
      type: 'string',
      length: 40,
      custom: true,
      createable: true,
      updateable: true,
      externalId: true,
      unique: true,
      indexed: true,
    },
  ]);
  const server: LocalOrgServer = await startServer(world, { port: 0 });
  return {
    instanceUrl: server.shared.instanceUrl(),
    token: orgView(server.shared, world.lmo).accessToken as string,
    close: async () => {
      world.installs.stop();
      await server.close();
      db.close();
    },
  };
}

const get = (org: TestOrg, path: string): Promise<RawResponse> => raw(org as never, org.token, 'GET', path);

const errorCode = (r: RawResponse): string | undefined =>
  (r.body as Array<{ errorCode?: string }> | undefined)?.[0]?.errorCode;

/** A date in the form jsforce sends (`updated()` / `deleted()`). */
const minuteAgo = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

describe('the REST surface a real client expects (issue 25)', () => {
  let org: TestOrg;
  let conn: Connection;
  before(async () => {
    org = await startOrgWithExternalId();
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.token, version: '62.0' });
  });
  after(() => org?.close());

  it('answers a query plan for ?explain=, and refuses a query that would fail as the query does', async () => {
    const plan = await conn.query("SELECT Id, Name FROM Account WHERE Name = 'Acme'").explain();
    assert.ok(Array.isArray(plan.plans) && plan.plans.length >= 1, JSON.stringify(plan));
    const first = plan.plans[0]!;
    assert.equal(first.sobjectType, 'Account');
    assert.equal(first.leadingOperationType, 'TableScan');
    for (const key of ['cardinality', 'relativeCost', 'sobjectCardinality'] as const)
      assert.equal(typeof first[key], 'number', key);
    assert.ok(first.sobjectCardinality > 0);
    assert.ok(Array.isArray(first.fields) && Array.isArray(first.notes));
    // An indexed filter leads with the index.
    const ids = await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1');
    const byId = await conn.query(`SELECT Id FROM Account WHERE Id = '${ids.records[0]!.Id}'`).explain();
    assert.equal(byId.plans[0]!.leadingOperationType, 'Index');
    assert.deepEqual(byId.plans[0]!.fields, ['Id']);
    assert.equal(byId.plans[0]!.cardinality, 1);
    const bad = await get(
      org,
      `/services/data/v62.0/query/?explain=${encodeURIComponent('SELECT Nope FROM Account')}`,
    );
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'INVALID_FIELD');
    const unknown = await get(
      org,
      `/services/data/v62.0/query/?explain=${encodeURIComponent('SELECT Id FROM Nope__c')}`,
    );
    assert.equal(errorCode(unknown), 'INVALID_TYPE');
  });

  it('accepts FOR VIEW and FOR REFERENCE: each sets its own date (LastViewedDate, LastReferencedDate), nothing else; /recent lists them', async () => {
    const soql = 'SELECT Id, LastModifiedDate, LastViewedDate, LastReferencedDate FROM Account ORDER BY Id';
    type Row = {
      Id: string;
      LastModifiedDate: string;
      LastViewedDate: string | null;
      LastReferencedDate: string | null;
    };
    const [a, b] = (await conn.query<Row>(`${soql} LIMIT 2`)).records;
    assert.ok(a && b);
    const t0 = Date.now() - 1000;
    const viewed = await conn.query<Row>(`SELECT Id, Name FROM Account WHERE Id = '${a.Id}' FOR VIEW`);
    assert.equal(viewed.records.length, 1);
    await conn.query(`SELECT Id FROM Account WHERE Id = '${b.Id}' FOR REFERENCE`);
    const after = new Map((await conn.query<Row>(`${soql} LIMIT 2`)).records.map((r) => [r.Id, r] as const));
    const av = after.get(a.Id)!;
    const bv = after.get(b.Id)!;
    assert.ok(av.LastViewedDate && Date.parse(av.LastViewedDate) >= t0, JSON.stringify(av));
    assert.equal(av.LastReferencedDate, a.LastReferencedDate, 'FOR VIEW leaves LastReferencedDate');
    assert.equal(bv.LastViewedDate, b.LastViewedDate, 'FOR REFERENCE leaves LastViewedDate');
    assert.ok(bv.LastReferencedDate && Date.parse(bv.LastReferencedDate) >= t0, JSON.stringify(bv));
    assert.equal(av.LastModifiedDate, a.LastModifiedDate, 'a view is not a modification');
    // The records viewed or referenced are the recent items, the newest first.
    const recent = (await conn.recent(2)) as unknown as Array<{
      Id: string;
      Name: string;
      attributes: { type: string };
    }>;
    assert.deepEqual(
      recent.map((r) => [r.Id, r.attributes.type, typeof r.Name]),
      [
        [b.Id, 'Account', 'string'],
        [a.Id, 'Account', 'string'],
      ],
    );
    const recentAccounts = (await conn.sobject('Account').recent()) as Array<{ Id: string }>;
    assert.deepEqual(
      recentAccounts.slice(0, 2).map((r) => r.Id),
      [b.Id, a.Id],
    );
    const badLimit = await get(org, '/services/data/v62.0/recent?limit=0');
    assert.equal(badLimit.status, 400);
    // FOR UPDATE locks records in Apex only: the REST API still refuses it.
    const update = await get(
      org,
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1 FOR UPDATE')}`,
    );
    assert.equal(update.status, 400);
    assert.equal(errorCode(update), 'MALFORMED_QUERY');
  });

  it('upserts a collection by external id: created, then updated, per record in input order', async () => {
    const key = `K${Date.now()}`;
    const first = await conn.sobject('Account').upsert(
      [
        { Name: 'Sync One', [EXT]: `${key}-1` },
        { Name: 'Sync Two', [EXT]: `${key}-2` },
      ],
      EXT,
    );
    assert.deepEqual(
      first.map((r) => [r.success, r.created, typeof r.id]),
      [
        [true, true, 'string'],
        [true, true, 'string'],
      ],
      JSON.stringify(first),
    );
    const second = await conn.sobject('Account').upsert(
      [
        { Name: 'Sync One, renamed', [EXT]: `${key}-1` },
        { Name: 'Sync Three', [EXT]: `${key}-3` },
      ],
      EXT,
    );
    assert.equal(second[0]!.id, first[0]!.id);
    assert.deepEqual(
      second.map((r) => [r.success, r.created]),
      [
        [true, false],
        [true, true],
      ],
    );
    const one = await conn.sobject('Account').retrieve(first[0]!.id as string);
    assert.equal(one.Name, 'Sync One, renamed');
  });

  it('upsert: allOrNone rolls every record back; a record without the key fails alone', async () => {
    const key = `R${Date.now()}`;
    const results = await conn.sobject('Account').upsert(
      [
        { Name: 'Kept back 1', [EXT]: `${key}-1` },
        { Name: 'Bad owner', [EXT]: `${key}-2`, OwnerId: 'INVALID_OWNER' },
        { Name: 'Kept back 3', [EXT]: `${key}-3` },
      ],
      EXT,
      { allOrNone: true },
    );
    assert.deepEqual(
      results.map((r) => [
        r.success,
        r.created,
        r.errors.map((e) => (e as unknown as { statusCode: string }).statusCode),
      ]),
      [
        [false, true, ['ALL_OR_NONE_OPERATION_ROLLED_BACK']],
        [false, true, ['MALFORMED_ID']],
        [false, true, ['ALL_OR_NONE_OPERATION_ROLLED_BACK']],
      ],
      JSON.stringify(results),
    );
    const left = await conn.query(`SELECT Id FROM Account WHERE ${EXT} LIKE '${key}%'`);
    assert.equal(left.totalSize, 0);
    const mixed = await raw(
      org as never,
      org.token,
      'PATCH',
      `/services/data/v62.0/composite/sobjects/Account/${EXT}`,
      {
        allOrNone: false,
        records: [
          { attributes: { type: 'Account' }, Name: 'No key' },
          { attributes: { type: 'Account' }, Name: 'Keyed', [EXT]: `${key}-4` },
        ],
      },
    );
    assert.equal(mixed.status, 200);
    const [noKey, keyed] = mixed.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    assert.equal(noKey!.success, false);
    assert.equal(noKey!.errors[0]!.statusCode, 'MISSING_ARGUMENT');
    assert.equal(keyed!.success, true);
  });

  it('upsert refuses an unknown type, a field that is no external id, and record ids', async () => {
    const body = { allOrNone: false, records: [{ attributes: { type: 'Account' }, Name: 'x', [EXT]: 'x' }] };
    const patch = (path: string): Promise<RawResponse> =>
      raw(org as never, org.token, 'PATCH', `/services/data/v62.0/composite/sobjects/${path}`, body);
    const unknownType = await patch(`Nope__c/${EXT}`);
    assert.equal(unknownType.status, 404);
    assert.equal(errorCode(unknownType), 'NOT_FOUND');
    for (const field of ['Name', 'Id', 'Nope__c']) {
      const r = await patch(`Account/${field}`);
      assert.equal(r.status, 400, field);
      assert.equal(errorCode(r), 'INVALID_FIELD', field);
    }
    const count = await conn.query("SELECT COUNT() FROM Account WHERE Name = 'x'");
    assert.equal(count.totalSize, 0, 'nothing was written');
  });

  it('getUpdated and getDeleted: the ids in the window, latestDateCovered, earliestDateAvailable', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Replicated' });
    const doomed = await conn.sobject('Account').create({ Name: 'Deleted soon' });
    await conn.sobject('Account').destroy(doomed.id as string);
    // The API ignores seconds: a window that ends in the next minute covers what happened now.
    const start = minuteAgo(5);
    const end = new Date(Date.now() + 2 * 60_000);
    const updated = await conn.sobject('Account').updated(start, end);
    assert.ok(updated.ids.includes(created.id as string), JSON.stringify(updated));
    assert.ok(!updated.ids.includes(doomed.id as string), 'a deleted record is in getDeleted only');
    assert.match(updated.latestDateCovered, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000\+0000$/);
    assert.ok(Date.parse(updated.latestDateCovered) <= end.getTime());
    const deleted = await conn.sobject('Account').deleted(start, end);
    assert.deepEqual(
      deleted.deletedRecords.map((r) => r.id),
      [doomed.id],
    );
    assert.match(deleted.deletedRecords[0]!.deletedDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.match(deleted.earliestDateAvailable, /\+0000$/);
    assert.match(deleted.latestDateCovered, /:00\.000\+0000$/);
    // String input, as jsforce's own test sends it.
    const asStrings = await conn.sobject('Account').updated(start.toString(), end.toString());
    assert.ok(Array.isArray(asStrings.ids));
    // A record changed outside the window is not listed.
    const older = await conn.sobject('Account').updated(minuteAgo(60), minuteAgo(30));
    assert.ok(!older.ids.includes(created.id as string));
  });

  it('getUpdated and getDeleted refuse a window Salesforce refuses', async () => {
    const q = (
      kind: string,
      start: Date | string,
      end: Date | string,
      type = 'Account',
    ): Promise<RawResponse> =>
      get(
        org,
        `/services/data/v62.0/sobjects/${type}/${kind}/?start=${encodeURIComponent(typeof start === 'string' ? start : start.toISOString())}&end=${encodeURIComponent(typeof end === 'string' ? end : end.toISOString())}`,
      );
    for (const kind of ['updated', 'deleted']) {
      const backwards = await q(kind, minuteAgo(1), minuteAgo(10));
      assert.equal(backwards.status, 400, kind);
      assert.equal(errorCode(backwards), 'INVALID_REPLICATION_DATE', kind);
      const same = await q(kind, minuteAgo(10), minuteAgo(10));
      assert.equal(errorCode(same), 'INVALID_REPLICATION_DATE', kind);
      const tooOld = await q(kind, minuteAgo(31 * 24 * 60), minuteAgo(1));
      assert.equal(errorCode(tooOld), 'INVALID_REPLICATION_DATE', kind);
      const garbage = await q(kind, 'yesterday', minuteAgo(1));
      assert.equal(garbage.status, 400, kind);
      const missing = await get(org, `/services/data/v62.0/sobjects/Account/${kind}`);
      assert.equal(missing.status, 400, kind);
      assert.notEqual(errorCode(missing), 'MALFORMED_ID', kind);
      const unknownType = await q(kind, minuteAgo(10), minuteAgo(1), 'Nope__c');
      assert.equal(unknownType.status, 404, kind);
    }
  });

  it('answers listviews and quickActions as for an object that has none, never MALFORMED_ID', async () => {
    const listviews = await get(org, '/services/data/v62.0/sobjects/Account/listviews');
    assert.equal(listviews.status, 200);
    assert.deepEqual(listviews.body, {
      done: true,
      listviews: [],
      nextRecordsUrl: null,
      size: 0,
      sobjectType: 'Account',
    });
    const actions = await get(org, '/services/data/v62.0/sobjects/Account/quickActions');
    assert.equal(actions.status, 200);
    assert.deepEqual(actions.body, []);
    const unknown = await get(org, '/services/data/v62.0/sobjects/Nope__c/listviews');
    assert.equal(unknown.status, 404);
  });

  it('the version index lists only resources that answer', async () => {
    const index = (await conn.request('/services/data/v62.0/')) as Record<string, string>;
    assert.ok(index.sobjects && index.query);
    for (const [name, url] of Object.entries(index)) {
      if (name === 'identity') continue;
      const r = await get(org, url);
      assert.notEqual(r.status, 404, `${name}: ${url}`);
    }
  });

  it('describes at the version asked: every URL in a describe carries it', async () => {
    const old = new Connection({ instanceUrl: org.instanceUrl, accessToken: org.token, version: '50.0' });
    const describe = await old.sobject('sfLma__License__c').describe();
    const urls = JSON.stringify([describe.urls, describe.recordTypeInfos.map((r) => r.urls)]);
    assert.ok(!/\/v(?!50\.0)\d+\.\d+\//.test(urls), urls);
    assert.match(urls, /\/services\/data\/v50\.0\/sobjects\/sfLma__License__c/);
    const global = await old.describeGlobal();
    const globalUrls = JSON.stringify(global.sobjects.map((s) => s.urls));
    assert.ok(!/\/v(?!50\.0)\d+\.\d+\//.test(globalUrls));
    const basic = (await old.request('/services/data/v50.0/sobjects/Account')) as {
      objectDescribe: { urls: Record<string, string> };
    };
    assert.ok(!/\/v(?!50\.0)\d+\.\d+\//.test(JSON.stringify(basic.objectDescribe.urls)));
    // Every URL a describe lists answers.
    for (const url of Object.values(describe.urls)) {
      if (url.includes('{ID}')) continue;
      const r = await get(org, url);
      assert.equal(r.status, 200, url);
    }
  });

  it('a multipart insert of an unknown type is 404 as for JSON; of a known type, its JSON part is the record', async () => {
    const form = new FormData();
    form.append('Body', new Blob([Buffer.from('PK')], { type: 'application/zip' }), 'test.zip');
    form.append('entity_content', new Blob([JSON.stringify({ Name: 'x' })], { type: 'application/json' }));
    const send = (path: string, body: FormData): Promise<Response> =>
      fetch(`${org.instanceUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${org.token}` },
        body,
      });
    const tooling = await send('/services/data/v62.0/tooling/sobjects/StaticResource', form);
    assert.equal(tooling.status, 404);
    assert.equal(((await tooling.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'NOT_FOUND');
    const data = await send('/services/data/v62.0/sobjects/ContentVersion', form);
    assert.equal(data.status, 404);
    // Account has no blob field: the binary part names a field it lacks.
    const account = await send('/services/data/v62.0/sobjects/Account', form);
    assert.equal(account.status, 400);
    assert.equal(((await account.json()) as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_FIELD');
    const jsonOnly = new FormData();
    jsonOnly.append(
      'entity_content',
      new Blob([JSON.stringify({ Name: 'From a form' })], { type: 'application/json' }),
    );
    const created = await send('/services/data/v62.0/sobjects/Account', jsonOnly);
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await conn.sobject('Account').retrieve(id)).Name, 'From a form');
  });

  it('an unknown type is 404 NOT_FOUND on the data API and the Tooling API alike', async () => {
    for (const path of [
      '/services/data/v62.0/sobjects/Nope__c/describe',
      '/services/data/v62.0/tooling/sobjects/Nope__c/describe',
      '/services/data/v62.0/tooling/sobjects/Nope__c',
      '/services/data/v62.0/tooling/sobjects/Nope__c/0Hf000000000001AAA',
    ]) {
      const r = await get(org, path);
      assert.equal(r.status, 404, path);
      assert.equal(errorCode(r), 'NOT_FOUND', path);
    }
    await assert.rejects(conn.tooling.describe('Nope__c'), { errorCode: 'NOT_FOUND' });
  });
});
