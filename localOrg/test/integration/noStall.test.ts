// One heavy request doesn't stall the others: a long query yields to the event loop, so that a light
// request sent while it runs is answered before it finishes. (bench/localOrgApi.ts measures the wait.)
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { raw, startTestOrg } from './helpers';

const V = '/services/data/v62.0';
let org: LocalOrg;
let token: string;

before(async () => {
  org = await startTestOrg({ seed: 'none' });
  token = org.orgs.lmo.accessToken as string;
  for (let b = 0; b < 5; b++) {
    const records = Array.from({ length: 200 }, (_, i) => ({
      attributes: { type: 'Account' },
      Name: `${String(b * 200 + i).padStart(5, '0')} ${'0a'.repeat(40)}`,
    }));
    const res = await raw(org, token, 'POST', `${V}/composite/sobjects`, { records });
    assert.equal(res.status, 200);
  }
});
after(() => org?.close());

/** The LMO's API requests counted so far today (the /limits request itself included). */
const used = async (): Promise<number> => {
  const r = await raw(org, token, 'GET', `${V}/limits`);
  assert.equal(r.status, 200);
  const d = (r.body as { DailyApiRequests: { Max: number; Remaining: number } }).DailyApiRequests;
  return d.Max - d.Remaining;
};

it('a light request sent while a heavy query runs is answered before the heavy query finishes', async () => {
  // 320 LIKE terms ORed over 1,000 names: seconds of work in one request (under the 16 KB URL).
  const terms = Array.from({ length: 320 }, (_, i) => `Name LIKE '%0%0%0%N${i % 10}'`).join(' OR ');
  const soql = `SELECT Id FROM Account WHERE ${terms}`;
  const url = `${V}/query?q=${encodeURIComponent(soql)}`;
  const sentUrl = new URL(org.instanceUrl + url); // as fetch sends it (quotes %-encoded)
  assert.ok(sentUrl.pathname.length + sentUrl.search.length < 16 * 1024);

  const base = await used();
  let heavyDone = false;
  const heavy = raw(org, token, 'GET', url).then((r) => {
    heavyDone = true;
    return r;
  });
  // Light requests one after another until the heavy one is answered. One counts as "during" when
  // the server had counted the heavy request before it (the usage says so) and it was answered first.
  let sent = 0;
  let during = 0;
  while (!heavyDone) {
    sent++;
    const u = await used();
    const heavyCounted = u - base - sent >= 1;
    if (heavyCounted && !heavyDone) during++;
  }
  const res = await heavy;
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal((res.body as { totalSize: number }).totalSize, 0);
  assert.ok(during >= 2, `${during} light requests answered while the heavy query ran (${sent} sent)`);
});

describe('composite is bounded as on Salesforce', () => {
  const composite = (compositeRequest: unknown[]) =>
    raw(org, token, 'POST', `${V}/composite`, { compositeRequest });
  type Answer = { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> };

  it('26 subrequests are refused (25 at most); 25 count as one API request', async () => {
    const get = (i: number) => ({ method: 'GET', url: `${V}/limits`, referenceId: `r${i}` });
    const over = await composite(Array.from({ length: 26 }, (_, i) => get(i)));
    assert.equal(over.status, 400);
    assert.equal((over.body as Array<{ errorCode: string }>)[0]?.errorCode, 'LIMIT_EXCEEDED');
    const before = await used();
    const ok = await composite(Array.from({ length: 25 }, (_, i) => get(i)));
    assert.equal(ok.status, 200);
    // One for the composite, one for the /limits that reads the count.
    assert.equal((await used()) - before, 2);
  });

  it('a composite inside a composite is refused, and nothing in it runs', async () => {
    const res = await composite([
      {
        method: 'POST',
        url: `${V}/composite`,
        referenceId: 'nested',
        body: {
          compositeRequest: [
            {
              method: 'POST',
              url: `${V}/sobjects/Account`,
              referenceId: 'a',
              body: { Name: 'Nested Inside' },
            },
          ],
        },
      },
    ]);
    assert.equal(res.status, 200);
    const [nested] = (res.body as Answer).compositeResponse;
    assert.equal(nested?.httpStatusCode, 400);
    assert.equal(nested?.body[0]?.errorCode, 'INVALID_INPUT');
    const soql = encodeURIComponent("SELECT COUNT() FROM Account WHERE Name = 'Nested Inside'");
    const found = await raw(org, token, 'GET', `${V}/query?q=${soql}`);
    assert.equal((found.body as { totalSize: number }).totalSize, 0);
  });

  it('a subrequest URL over 16 KB gets 414, as the same URL as a request does', async () => {
    const soql = `SELECT Id FROM Account WHERE Name IN (${Array.from({ length: 2500 }, (_, i) => `'n${i}'`).join(',')})`;
    const url = `${V}/query?q=${encodeURIComponent(soql)}`;
    assert.ok(url.length > 16 * 1024);
    assert.equal((await raw(org, token, 'GET', url)).status, 414);
    const res = await composite([{ method: 'GET', url, referenceId: 'long' }]);
    const [long] = (res.body as Answer).compositeResponse;
    assert.equal(long?.httpStatusCode, 414);
    assert.equal(long?.body[0]?.errorCode, 'URI_TOO_LONG');
  });
});
