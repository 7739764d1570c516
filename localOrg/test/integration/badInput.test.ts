// Bad input over HTTP: each request gets the status and error code a real org answers with (or, where
// that is unknown, the safe refusal CONTRIBUTING.md lists), never a 500, a reset connection or a
// silent success; and a pathological LIKE can't hold up the server.
import './isolatedHome';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { raw, startChildOrg, startTestOrg, type RawResponse } from './helpers';

let org: LocalOrg;
let token: string;
const V = '/services/data/v62.0';

before(async () => {
  org = await startTestOrg({ seed: 'demo' });
  token = org.orgs.lmo.accessToken as string;
});
after(() => org?.close());

/** The status and the first error code of a Salesforce error answer. */
function refusal(r: RawResponse): [number, string | undefined] {
  const body = r.body as Array<{ errorCode?: string }> | { error?: string };
  return [r.status, Array.isArray(body) ? body[0]?.errorCode : body?.error];
}

const count = async (soql: string): Promise<number> => {
  const r = await raw(org, token, 'GET', `${V}/query?q=${encodeURIComponent(soql)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { totalSize: number }).totalSize;
};

describe('bodies that are JSON but not what the resource takes', () => {
  it('a null body: sObject Collections, collection retrieve, composite, the admin API (400 JSON_PARSER_ERROR)', async () => {
    for (const [method, path] of [
      ['POST', `${V}/composite/sobjects`],
      ['PATCH', `${V}/composite/sobjects`],
      ['POST', `${V}/composite/sobjects/Account`],
      ['POST', `${V}/composite`],
      ['POST', `${V}/sobjects/Account`],
      ['POST', '/_local/orgs'],
      ['PUT', '/_local/lmo/problems'],
      ['POST', '/_local/console/packages'],
    ] as const) {
      const r = await raw(org, path.startsWith('/_local') ? org.adminSecret : token, method, path, null);
      assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR'], `${method} ${path}`);
    }
  });

  it('ids as a number in a collection retrieve; records as a string; allOrNone as a string (400)', async () => {
    const ids = await raw(org, token, 'POST', `${V}/composite/sobjects/Account`, { ids: 5, fields: ['Id'] });
    assert.deepEqual(refusal(ids), [400, 'JSON_PARSER_ERROR']);
    const idNumbers = await raw(org, token, 'POST', `${V}/composite/sobjects/Account`, {
      ids: [5],
      fields: ['Id'],
    });
    assert.deepEqual(refusal(idNumbers), [400, 'JSON_PARSER_ERROR']);

    const before = await count('SELECT COUNT() FROM Account');
    const records = await raw(org, token, 'POST', `${V}/composite/sobjects`, { records: 'abc' });
    assert.deepEqual(refusal(records), [400, 'JSON_PARSER_ERROR']);
    const recordNotObject = await raw(org, token, 'POST', `${V}/composite/sobjects`, { records: [1] });
    assert.deepEqual(refusal(recordNotObject), [400, 'JSON_PARSER_ERROR']);
    const allOrNone = await raw(org, token, 'POST', `${V}/composite/sobjects`, {
      allOrNone: 'false',
      records: [{ attributes: { type: 'Account' }, Name: 'Half' }],
    });
    assert.deepEqual(refusal(allOrNone), [400, 'JSON_PARSER_ERROR']);
    const subrequests = await raw(org, token, 'POST', `${V}/composite`, { compositeRequest: 'abc' });
    assert.deepEqual(refusal(subrequests), [400, 'JSON_PARSER_ERROR']);
    assert.equal(await count('SELECT COUNT() FROM Account'), before);
  });

  it('an Id in a single-record create body: 400 INVALID_FIELD_FOR_INSERT_UPDATE, nothing created', async () => {
    const existing = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`,
    );
    const id = (existing.body as { records: Array<{ Id: string }> }).records[0]?.Id as string;
    const r = await raw(org, token, 'POST', `${V}/sobjects/Account`, { Id: id, Name: 'Copy With Id' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, [
      {
        message: 'cannot specify Id in an insert call',
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        fields: ['Id'],
      },
    ]);
    const inCollection = await raw(org, token, 'POST', `${V}/composite/sobjects`, {
      records: [{ attributes: { type: 'Account' }, id, Name: 'Copy With Id' }],
    });
    assert.equal(
      (inCollection.body as Array<{ errors: Array<{ statusCode: string }> }>)[0]?.errors[0]?.statusCode,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
    );
    assert.equal(await count(`SELECT COUNT() FROM Account WHERE Name = 'Copy With Id'`), 0);
  });

  it('an impossible date: 2026-02-30 in a write (400 JSON_PARSER_ERROR, unchanged) and in SOQL (400)', async () => {
    const lic = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT Id, sfLma__Expiration__c FROM sfLma__License__c LIMIT 1')}`,
    );
    const { Id, sfLma__Expiration__c: expiration } = (
      lic.body as { records: Array<{ Id: string; sfLma__Expiration__c: string | null }> }
    ).records[0]!;
    for (const date of ['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10']) {
      const r = await raw(org, token, 'PATCH', `${V}/sobjects/sfLma__License__c/${Id}`, {
        sfLma__Expiration__c: date,
      });
      assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR'], date);
    }
    const after = await raw(
      org,
      token,
      'GET',
      `${V}/sobjects/sfLma__License__c/${Id}?fields=sfLma__Expiration__c`,
    );
    assert.equal((after.body as { sfLma__Expiration__c: string | null }).sfLma__Expiration__c, expiration);
    // 2028 is a leap year.
    const leap = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Expiration__c = 2028-02-29')}`,
    );
    assert.equal(leap.status, 200);
    const q = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = 2026-02-30')}`,
    );
    assert.deepEqual(refusal(q), [400, 'MALFORMED_QUERY']);
    const dt = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT Id FROM sfLma__License__c WHERE CreatedDate > 2026-02-30T00:00:00Z')}`,
    );
    assert.equal(dt.status, 400);
  });
});

describe('values Salesforce refuses (never a 500, never stored as something else)', () => {
  const licenseQuery = (fields: string) =>
    raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent(`SELECT ${fields} FROM sfLma__License__c LIMIT 1`)}`,
    );
  async function aLicense(): Promise<Record<string, unknown> & { Id: string }> {
    const r = await licenseQuery(
      'Id, sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Package_Version__c',
    );
    return (r.body as { records: Array<Record<string, unknown> & { Id: string }> }).records[0]!;
  }
  async function readLicense(id: string): Promise<Record<string, unknown>> {
    const r = await raw(org, token, 'GET', `${V}/sobjects/sfLma__License__c/${id}`);
    return r.body as Record<string, unknown>;
  }
  const patch = (id: string, fields: Record<string, unknown>) =>
    raw(org, token, 'PATCH', `${V}/sobjects/sfLma__License__c/${id}`, fields);

  it('an object whose toString is not a function, in a picklist and in a lookup: 400 JSON_PARSER_ERROR', async () => {
    const lic = await aLicense();
    const before = await readLicense(lic.Id);
    for (const field of [
      'sfLma__Status__c',
      'sfLma__Package_Version__c',
      'sfLma__Seats__c',
      'sfLma__Expiration__c',
    ]) {
      const r = await patch(lic.Id, { [field]: { toString: 1 } });
      assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR'], field);
    }
    assert.deepEqual(await readLicense(lic.Id), before);
  });

  it('an object or an array in a picklist or text field: 400 JSON_PARSER_ERROR, not "[object Object]" or "1,2"', async () => {
    const lic = await aLicense();
    const before = await readLicense(lic.Id);
    for (const value of [{ a: 1 }, [1, 2], []]) {
      for (const field of ['sfLma__Status__c', 'sfLma__Subscriber_Org_ID__c']) {
        const r = await patch(lic.Id, { [field]: value });
        assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR'], `${field} ${JSON.stringify(value)}`);
      }
    }
    assert.deepEqual(await readLicense(lic.Id), before);
  });

  it('a 10,000-character Status in its 255-character picklist: 400 STRING_TOO_LONG', async () => {
    const lic = await aLicense();
    const r = await patch(lic.Id, { sfLma__Status__c: 'A'.repeat(10_000) });
    assert.deepEqual(refusal(r), [400, 'STRING_TOO_LONG']);
    assert.equal((await readLicense(lic.Id)).sfLma__Status__c, lic.sfLma__Status__c);
    assert.equal((await patch(lic.Id, { sfLma__Status__c: 'A'.repeat(255) })).status, 204);
    assert.equal((await patch(lic.Id, { sfLma__Status__c: lic.sfLma__Status__c })).status, 204);
  });

  it('Seats as "0x10", "0b1", "Infinity" or "10abc": 400 JSON_PARSER_ERROR, not 16; "12" is a number', async () => {
    const lic = await aLicense();
    for (const seats of ['0x10', '0b1', '0o7', 'Infinity', '1_000', '10abc']) {
      const r = await patch(lic.Id, { sfLma__Seats__c: seats });
      assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR'], seats);
    }
    assert.equal((await readLicense(lic.Id)).sfLma__Seats__c, lic.sfLma__Seats__c);
    assert.equal((await patch(lic.Id, { sfLma__Seats__c: '12' })).status, 204);
    assert.equal((await readLicense(lic.Id)).sfLma__Seats__c, 12);
    assert.equal((await patch(lic.Id, { sfLma__Seats__c: lic.sfLma__Seats__c })).status, 204);
  });

  it('dates outside 1700-01-01..4000-12-31 in a write: 400 FIELD_INTEGRITY_EXCEPTION; the bounds are accepted', async () => {
    const lic = await aLicense();
    for (const date of ['0000-01-01', '1699-12-31', '4001-01-01', '9999-12-31']) {
      const r = await patch(lic.Id, { sfLma__Expiration__c: date });
      assert.deepEqual(refusal(r), [400, 'FIELD_INTEGRITY_EXCEPTION'], date);
    }
    assert.equal((await readLicense(lic.Id)).sfLma__Expiration__c, lic.sfLma__Expiration__c);
    for (const date of ['1700-01-01', '4000-12-31'])
      assert.equal((await patch(lic.Id, { sfLma__Expiration__c: date })).status, 204, date);
    assert.equal((await patch(lic.Id, { sfLma__Expiration__c: lic.sfLma__Expiration__c })).status, 204);
  });

  it('"Id": {"toString":1} in an sObject Collections update: 400 JSON_PARSER_ERROR, nothing written', async () => {
    const lic = await aLicense();
    const r = await raw(org, token, 'PATCH', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [
        { attributes: { type: 'sfLma__License__c' }, Id: { toString: 1 }, sfLma__Seats__c: 3 },
        { attributes: { type: 'sfLma__License__c' }, Id: lic.Id, sfLma__Seats__c: 3 },
      ],
    });
    assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR']);
    assert.equal((await readLicense(lic.Id)).sfLma__Seats__c, lic.sfLma__Seats__c);
  });

  it('an object as a composite httpHeaders value: 400 JSON_PARSER_ERROR, no subrequest runs', async () => {
    const before = await count('SELECT COUNT() FROM Account');
    const r = await raw(org, token, 'POST', `${V}/composite`, {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a', body: { Name: 'Headers First' } },
        {
          method: 'GET',
          url: `${V}/limits`,
          referenceId: 'b',
          httpHeaders: { 'If-Modified-Since': { toString: 1 } },
        },
      ],
    });
    assert.deepEqual(refusal(r), [400, 'JSON_PARSER_ERROR']);
    assert.equal(await count('SELECT COUNT() FROM Account'), before);
  });

  it('date literals past the valid dates (LAST_N_DAYS:99999999999, NEXT_N_YEARS:300000): 400 MALFORMED_QUERY', async () => {
    for (const literal of [
      'LAST_N_DAYS:99999999999',
      'NEXT_N_YEARS:300000',
      'N_YEARS_AGO:5000',
      'NEXT_N_DAYS:1e3',
    ]) {
      const r = await raw(
        org,
        token,
        'GET',
        `${V}/query?q=${encodeURIComponent(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = ${literal}`)}`,
      );
      assert.deepEqual(refusal(r), [400, 'MALFORMED_QUERY'], literal);
    }
    const withinRange = await raw(
      org,
      token,
      'GET',
      `${V}/query?q=${encodeURIComponent('SELECT COUNT() FROM sfLma__License__c WHERE CreatedDate = LAST_N_DAYS:36500')}`,
    );
    assert.equal(withinRange.status, 200);
  });

  it('the same field twice in a SELECT: 400 MALFORMED_QUERY "duplicate field selected"', async () => {
    for (const fields of [
      'Id, Name, Id',
      'Name, NAME',
      'Owner.Name, owner.name',
      'Id, Name, Account.Id, Id',
    ]) {
      const r = await raw(
        org,
        token,
        'GET',
        `${V}/query?q=${encodeURIComponent(`SELECT ${fields} FROM Contact`)}`,
      );
      assert.deepEqual(refusal(r), [400, 'MALFORMED_QUERY'], fields);
      assert.match((r.body as Array<{ message: string }>)[0]!.message, /duplicate field selected: /i, fields);
    }
    assert.equal(
      (
        await raw(
          org,
          token,
          'GET',
          `${V}/query?q=${encodeURIComponent('SELECT Id, Name, Account.Name, Account.Id FROM Contact')}`,
        )
      ).status,
      200,
    );
  });

  it('the admin API: an edition that is not a name (400, no org created), a body typed text/plain (415)', async () => {
    const before = org.orgs.testOrgs.length;
    for (const edition of [{ a: 1 }, ['Developer'], 5, '']) {
      const r = await raw(org, org.adminSecret, 'POST', '/_local/orgs', { edition });
      assert.deepEqual(refusal(r), [400, 'INVALID_INPUT'], JSON.stringify(edition));
    }
    const long = await raw(org, org.adminSecret, 'POST', '/_local/orgs', { edition: 'x'.repeat(200) });
    assert.deepEqual(refusal(long), [400, 'STRING_TOO_LONG']);
    const longName = await raw(org, org.adminSecret, 'POST', '/_local/orgs', { name: 'n'.repeat(100) });
    assert.deepEqual(refusal(longName), [400, 'STRING_TOO_LONG']);
    for (const type of [
      'text/plain; x=application/json',
      'text/plain',
      'application/jsonx',
      'multipart/form-data; boundary=application/json',
    ]) {
      const r = await raw(org, org.adminSecret, 'POST', '/_local/orgs', {}, { 'Content-Type': type });
      assert.deepEqual(refusal(r), [415, 'UNSUPPORTED_MEDIA_TYPE'], type);
    }
    assert.equal(org.orgs.testOrgs.length, before);
    const ok = await raw(
      org,
      org.adminSecret,
      'POST',
      '/_local/orgs',
      { edition: 'Enterprise Edition' },
      { 'Content-Type': 'application/json; charset=utf-8' },
    );
    assert.equal(ok.status, 201);
  });

  it('HTTP/1.1 without a Host header: 400 with a Salesforce error body', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(org.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', (e) => (text ? resolve(text) : reject(e)));
      socket.write(`GET ${V}/limits HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Array<{
      errorCode: string;
      message: string;
    }>;
    assert.equal(body[0]?.errorCode, 'BAD_REQUEST');
    assert.match(body[0]!.message, /Host/);
  });
});

describe('URLs', () => {
  it('API versions that do not exist get 404 NOT_FOUND, retired ones 410', async () => {
    for (const v of ['v0.0', 'v1.0', 'v99.0', 'v1000.0', 'v62.5', 'v62', 'vabc']) {
      const r = await raw(org, token, 'GET', `/services/data/${v}/limits`);
      assert.equal(r.status, 404, v);
      assert.deepEqual(
        r.body,
        [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND', fields: [] }],
        v,
      );
    }
    for (const v of ['v20.0', 'v30.0']) {
      const r = await raw(org, token, 'GET', `/services/data/${v}/limits`);
      assert.deepEqual(refusal(r), [410, 'GONE'], v);
    }
    assert.equal((await raw(org, token, 'GET', '/services/data/v31.0/limits')).status, 200);
    // In a composite subrequest too.
    const c = await raw(org, token, 'POST', `${V}/composite`, {
      compositeRequest: [{ method: 'GET', url: '/services/data/v99.0/limits', referenceId: 'r' }],
    });
    const sub = (
      c.body as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> }
    ).compositeResponse[0]!;
    assert.deepEqual([sub.httpStatusCode, sub.body[0]?.errorCode], [404, 'NOT_FOUND']);
  });

  it('bad %-encoding in a composite subrequest URL, and in a request URL: 400, not 500', async () => {
    const c = await raw(org, token, 'POST', `${V}/composite`, {
      compositeRequest: [{ method: 'GET', url: `${V}/sobjects/Acc%E0%A4%A/describe`, referenceId: 'bad' }],
    });
    assert.equal(c.status, 200);
    const sub = (
      c.body as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> }
    ).compositeResponse[0]!;
    assert.deepEqual([sub.httpStatusCode, sub.body[0]?.errorCode], [400, 'INVALID_INPUT']);
    const direct = await raw(org, token, 'GET', `${V}/sobjects/Acc%E0%A4%A/describe`);
    assert.deepEqual(refusal(direct), [400, 'INVALID_INPUT']);
  });

  it('a malformed redirect_uri: 400 redirect_uri_mismatch', async () => {
    const r = await raw(
      org,
      null,
      'GET',
      '/services/oauth2/authorize?response_type=code&client_id=PlatformCLI&redirect_uri=http%3A%2F%2F%5B',
    );
    assert.deepEqual(refusal(r), [400, 'redirect_uri_mismatch']);
  });

  it('a 16 KB URL gets 414, and a 1 MB header 431: answers, not a reset connection', async () => {
    const soql = `SELECT Id FROM Account WHERE Name IN (${Array.from({ length: 1200 }, (_, i) => `'name${i}'`).join(',')})`;
    const long = await raw(org, token, 'GET', `${V}/query?q=${encodeURIComponent(soql)}`);
    assert.deepEqual(refusal(long), [414, 'URI_TOO_LONG']);

    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(org.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', (e) => (text ? resolve(text) : reject(e)));
      socket.write(
        `GET ${V}/limits HTTP/1.1\r\nHost: 127.0.0.1:${org.port}\r\nAuthorization: Bearer ${token}\r\n`,
      );
      socket.write(`X-Padding: ${'x'.repeat(1024 * 1024)}\r\n\r\n`);
    });
    assert.match(answer, /^HTTP\/1\.1 431 /);
    assert.match(answer, /"errorCode":"REQUEST_HEADER_FIELDS_TOO_LARGE"/);
    // The server still answers.
    assert.equal((await raw(org, token, 'GET', `${V}/limits`)).status, 200);
  });
});

describe('bounded work', () => {
  // The server runs in a child process: a blocked event loop there fails this test on its timeouts
  // instead of freezing the test process with it.
  // Its work is counted in localOrg/test/unit/like.test.ts (at most value length × pattern length).
  it("LIKE '%a%a%a%a%b' over 255-character names answers, and another request is served beside it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lma-like-'));
    const child = await startChildOrg(dataDir);
    try {
      const base = `http://127.0.0.1:${child.port}${V}`;
      const call = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(base + path, {
          ...init,
          headers: { Authorization: `Bearer ${child.token}`, 'Content-Type': 'application/json' },
          signal: AbortSignal.timeout(20_000),
        });
        return {
          status: res.status,
          body: (await res.json()) as { totalSize?: number },
        };
      };
      const created = await call('/composite/sobjects', {
        method: 'POST',
        body: JSON.stringify({
          records: Array.from({ length: 20 }, () => ({
            attributes: { type: 'Account' },
            Name: 'a'.repeat(255),
          })),
        }),
      });
      assert.equal(created.status, 200);
      const soql = (p: string) =>
        `/query?q=${encodeURIComponent(`SELECT Id FROM Account WHERE Name LIKE '${p}'`)}`;
      const [like, limits] = await Promise.all([call(soql('%a%a%a%a%b')), call('/limits')]);
      assert.deepEqual([like.status, like.body.totalSize], [200, 0]);
      assert.equal(limits.status, 200);
      assert.equal((await call(soql('%a%a%a%a%a'))).body.totalSize, 20);
    } finally {
      await child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
