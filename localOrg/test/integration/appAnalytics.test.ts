// App Analytics in the local org's LMO: AppAnalyticsQueryRequest over REST, its states, the file behind
// DownloadUrl (gzip CSV of the world's orgs), an expired link, NoData, a seeded failure, the daily limit.
import './isolatedHome';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { DEFAULT_SETTINGS } from '../../world/appAnalytics';
import { raw, startTestOrg } from './helpers';

const V = '/services/data/v62.0';
const OBJECT = `${V}/sobjects/AppAnalyticsQueryRequest`;
let org: LocalOrg;
let billing: string;

const monthStart = (back: number): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString();
};

const create = async (fields: Record<string, unknown>) =>
  raw(org, org.orgs.lmo.accessToken, 'POST', OBJECT, {
    DataType: 'PackageUsageSummary',
    PackageIds: billing,
    FileType: 'csv',
    FileCompression: 'gzip',
    StartTime: monthStart(12),
    EndTime: monthStart(0),
    ...fields,
  });

const read = async (id: string) =>
  (await raw(org, org.orgs.lmo.accessToken, 'GET', `${OBJECT}/${id}`)).body as Record<string, unknown>;

const createdId = async (fields: Record<string, unknown> = {}): Promise<string> => {
  const res = await create(fields);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return (res.body as { id: string }).id;
};

before(async () => {
  org = await startTestOrg();
  billing = org.console.packages().find((p) => p.name === 'Acme Billing')!.id;
});
after(() => org?.close());
beforeEach(() => org.appAnalytics({ ...DEFAULT_SETTINGS, completeAfterMs: 0 }));

describe('AppAnalyticsQueryRequest', () => {
  it('is New, then Pending until its delay has passed, then Complete with a link to a gzip CSV', async () => {
    org.appAnalytics({ completeAfterMs: 86_400_000 });
    const id = await createdId();
    assert.equal((await read(id)).RequestState, 'New');
    const pending = await read(id);
    assert.equal(pending.RequestState, 'Pending');
    assert.equal(pending.DownloadUrl, null);
    org.appAnalytics({ completeAfterMs: 0 });
    const done = await read(id);
    assert.equal(done.RequestState, 'Complete');
    assert.match(String(done.DownloadUrl), /^http:\/\/127\.0\.0\.1:\d+\/_analytics\//);
    assert.ok(Date.parse(String(done.DownloadExpirationTime).replace('+0000', 'Z')) > Date.now());
    const file = await fetch(String(done.DownloadUrl));
    assert.equal(file.status, 200);
    const bytes = Buffer.from(await file.arrayBuffer());
    assert.equal(bytes.length, done.DownloadSize);
    const [head, ...rows] = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
    assert.match(head!, /^month,organization_id,.*user_id_token,.*num_events$/);
    assert.ok(rows.length > 50, `${rows.length} rows`);
    // The same question, the same file.
    const again = await read(await createdId());
    const second = Buffer.from(await (await fetch(String(again.DownloadUrl))).arrayBuffer());
    assert.deepEqual(gunzipSync(second), gunzipSync(bytes));
  });

  it('is found by SOQL, by Id', async () => {
    const id = await createdId();
    const q = `SELECT Id, RequestState, DataType, ErrorMessage FROM AppAnalyticsQueryRequest WHERE Id = '${id}'`;
    const res = await raw(org, org.orgs.lmo.accessToken, 'GET', `${V}/query?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200);
    const body = res.body as { totalSize: number; records: Array<Record<string, unknown>> };
    assert.equal(body.totalSize, 1);
    assert.equal(body.records[0]!.DataType, 'PackageUsageSummary');
  });

  it('NoData for a period without data; a seeded failure with its message', async () => {
    const old = await read(
      await createdId({ StartTime: '2001-01-01T00:00:00Z', EndTime: '2001-06-01T00:00:00Z' }),
    );
    assert.equal(old.RequestState, 'NoData');
    assert.equal(old.DownloadUrl, null);
    org.appAnalytics({ failNext: 'Query failed: internal error 42' });
    const failed = await read(await createdId());
    assert.equal(failed.RequestState, 'Failed');
    assert.equal(failed.ErrorMessage, 'Query failed: internal error 42');
    assert.equal((await read(await createdId())).RequestState, 'Complete', 'only the next one fails');
  });

  it('an expired link answers 403; the record stays Complete, or shows Expired with the switch', async () => {
    org.appAnalytics({ linkLifetimeMs: 0 });
    const done = await read(await createdId());
    assert.equal(done.RequestState, 'Complete');
    const res = await fetch(String(done.DownloadUrl));
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Request has expired/);
    org.appAnalytics({ expiredState: true });
    const expired = await read(await createdId());
    assert.equal(expired.RequestState, 'Expired');
    assert.equal(expired.DownloadUrl, null);
  });

  it('the daily download limit: 429 with what is left', async () => {
    const done = await read(await createdId());
    org.appAnalytics({ dailyDownloadBytes: Number(done.DownloadSize) + 10 });
    assert.equal((await fetch(String(done.DownloadUrl))).status, 200);
    const res = await fetch(String(done.DownloadUrl));
    assert.equal(res.status, 429);
    assert.match(await res.text(), /download limit reached: \d+ bytes per 24 hours, 10 bytes left/);
  });

  it('refuses bad input and packages not registered; without App Analytics the object is not there', async () => {
    const bad = await create({ DataType: 'Everything' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST/);
    const noStart = await create({ StartTime: null });
    assert.match(JSON.stringify(noStart.body), /REQUIRED_FIELD_MISSING/);
    const labs = org.console.packages().find((p) => p.name === 'Acme Labs Toolkit')!.id;
    const unregistered = await create({ PackageIds: labs });
    assert.equal(unregistered.status, 400);
    assert.match(JSON.stringify(unregistered.body), /not registered/);
    org.appAnalytics({ enabled: false });
    assert.equal((await create({})).status, 404);
    const q = encodeURIComponent('SELECT Id FROM AppAnalyticsQueryRequest');
    const res = await raw(org, org.orgs.lmo.accessToken, 'GET', `${V}/query?q=${q}`);
    assert.match(JSON.stringify(res.body), /INVALID_TYPE/);
  });

  it('the dataset has a declining cohort and Licenses without usage, and grows with generated orgs', async () => {
    const csv = async (): Promise<string[][]> => {
      const done = await read(await createdId());
      const bytes = Buffer.from(await (await fetch(String(done.DownloadUrl))).arrayBuffer());
      return gunzipSync(bytes)
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((r) => r.split(','));
    };
    const usersIn = (rows: string[][], month: string, orgId: string): number =>
      new Set(rows.filter((r) => r[0] === month && r[1] === orgId).map((r) => r[9])).size;
    org.appAnalytics({ syntheticOrgs: 400 });
    const rows = await csv();
    const months = [...new Set(rows.map((r) => r[0]!))].sort();
    const last = months.at(-1)!;
    const earlier = months.at(-6)!;
    const orgs = [...new Set(rows.map((r) => r[1]!))];
    const declining = orgs.filter((o) => usersIn(rows, last, o) * 2 < usersIn(rows, earlier, o));
    assert.ok(declining.length >= 20, `${declining.length} declining orgs`);
    assert.ok(orgs.length >= 400 * 0.9, `${orgs.length} orgs with usage, 400 of them generated`);
    // Licenses in the LMO whose org has no usage row at all.
    const q = encodeURIComponent(
      `SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c = '${billing}'`,
    );
    const res = await raw(org, org.orgs.lmo.accessToken, 'GET', `${V}/query?q=${q}`);
    const licensed = (res.body as { records: Array<{ sfLma__Subscriber_Org_ID__c: string }> }).records.map(
      (r) => r.sfLma__Subscriber_Org_ID__c.slice(0, 15),
    );
    assert.ok(licensed.length > 0);
    const used = new Set(orgs);
    assert.ok(
      licensed.some((o) => !used.has(o)),
      'a License without usage',
    );
    assert.ok(
      licensed.some((o) => used.has(o)),
      'a License with usage',
    );
  });
});
