// Bulk API 2.0 of the local org through jsforce's `bulk2` (a real client) and raw HTTP (the headers,
// states and errors jsforce hides): query jobs with CSV pages behind Sforce-Locator, abort and delete,
// a query Bulk doesn't support, and ingest jobs with per-record results and a malformed upload.
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from '../../index';
import { eventually, raw, startTestOrg } from './helpers';

const V = '62.0';
const base = `/services/data/v${V}/jobs`;

async function text(
  org: LocalOrg,
  method: string,
  path: string,
  body?: string,
  type = 'text/csv',
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(org.instanceUrl + path, {
    method,
    headers: {
      Authorization: `Bearer ${org.orgs.lmo.accessToken}`,
      ...(body === undefined ? {} : { 'Content-Type': type }),
    },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

interface JobInfo {
  id: string;
  state: string;
  object: string;
  operation: string;
  apiVersion: number;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}

const csvRows = (t: string): string[] => t.split('\n').filter(Boolean);

describe('Bulk API 2.0 in the local org', () => {
  let org: LocalOrg;
  let conn: Connection;
  let token: string;
  let licenses: number;
  before(async () => {
    org = await startTestOrg();
    token = org.orgs.lmo.accessToken as string;
    conn = new Connection({ instanceUrl: org.instanceUrl, accessToken: token, version: V });
    conn.bulk2.pollInterval = 20;
    licenses = (await conn.query('SELECT COUNT() FROM sfLma__License__c')).totalSize;
    assert.ok(licenses > 10, 'the demo world has Licenses');
  });
  after(async () => {
    org.bulk.release();
    await org?.close();
  });

  const create = async (query: string): Promise<JobInfo> => {
    const r = await raw(org, token, 'POST', `${base}/query`, { operation: 'query', query });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as JobInfo;
  };
  const state = async (id: string): Promise<JobInfo> =>
    (await raw(org, token, 'GET', `${base}/query/${id}`)).body as JobInfo;
  const completed = (id: string): Promise<JobInfo> =>
    eventually(async () => {
      const info = await state(id);
      return info.state === 'JobComplete' || info.state === 'Failed' ? info : undefined;
    });

  it('answers a query through jsforce bulk2 with every row, relationship columns included', async () => {
    const rows = (await (
      await conn.bulk2.query(
        'SELECT Id, Name, sfLma__Seats__c, sfLma__Package__r.Name FROM sfLma__License__c',
      )
    ).toArray()) as Array<Record<string, string>>;
    assert.equal(rows.length, licenses);
    const rest = await conn.query<{ Id: string; Name: string; sfLma__Package__r: { Name: string } | null }>(
      `SELECT Id, Name, sfLma__Package__r.Name FROM sfLma__License__c WHERE Id = '${rows[0]?.Id}'`,
    );
    assert.equal(rows[0]?.Name, rest.records[0]?.Name);
    assert.equal(rows[0]?.['sfLma__Package__r.Name'], rest.records[0]?.sfLma__Package__r?.Name ?? '');
    // jsforce deleted nothing; the job is listed as complete
    const list = (await raw(org, token, 'GET', `${base}/query`)).body as {
      done: boolean;
      records: JobInfo[];
    };
    assert.equal(list.done, true);
    assert.ok(list.records.some((j) => j.state === 'JobComplete' && j.object === 'sfLma__License__c'));
  });

  it('pages results by maxRecords with Sforce-Locator and Sforce-NumberOfRecords, the last locator "null"', async () => {
    const job = await create('SELECT Id, Name FROM sfLma__License__c');
    assert.equal(job.state, 'UploadComplete');
    assert.equal(job.apiVersion, 62);
    assert.match(job.id, /^750[A-Za-z0-9]{15}$/);
    await completed(job.id);
    const ids: string[] = [];
    let locator: string | null = null;
    let pages = 0;
    const size = Math.ceil(licenses / 3);
    for (;;) {
      const r = await text(
        org,
        'GET',
        `${base}/query/${job.id}/results?maxRecords=${size}${locator ? `&locator=${locator}` : ''}`,
      );
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = csvRows(r.text);
      assert.equal(lines[0], '"Id","Name"');
      assert.equal(Number(r.headers.get('sforce-numberofrecords')), lines.length - 1);
      ids.push(...lines.slice(1).map((l) => l.slice(1, 19)));
      pages++;
      locator = r.headers.get('sforce-locator');
      if (locator === 'null') break;
      assert.ok(locator, 'a locator for the next page');
    }
    assert.equal(pages, 3);
    assert.equal(new Set(ids).size, licenses);
    // a locator may be used again; another API version is refused
    const again = await text(org, 'GET', `${base}/query/${job.id}/results?maxRecords=${size}`);
    assert.equal(csvRows(again.text).length, size + 1);
    const other = await text(org, 'GET', `/services/data/v61.0/jobs/query/${job.id}/results`);
    assert.equal(other.status, 409);
    const bad = await raw(org, token, 'GET', `${base}/query/${job.id}/results?locator=nonsense`);
    assert.equal(bad.status, 400);
  });

  it('streams a results page: its headers and header line before its rows are made, then every row', async () => {
    const job = await create('SELECT Id, Name FROM sfLma__License__c');
    await completed(job.id);
    org.bulk.switches.holdResultsPageAfter = 0; // the page stops before its first row
    const res = await fetch(`${org.instanceUrl}${base}/query/${job.id}/results`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    try {
      // Headers came while the page is held: a real org serves a stored file, not a page built first.
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('sforce-numberofrecords'), String(licenses));
      assert.equal(res.headers.get('sforce-locator'), 'null');
      assert.equal(res.headers.get('content-length'), null, 'the length of a streamed page is not told');
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('\n')) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the page goes on once released');
        text += decoder.decode(value, { stream: true });
      }
      assert.equal(text, '"Id","Name"\n', 'no row before the page is released');
      org.bulk.release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      assert.equal(csvRows(text).length, licenses + 1, 'every row, once');
    } finally {
      org.bulk.release();
    }
  });

  it('closes the connection of a results page that breaks off midway, after the characters it sent', async () => {
    const job = await create('SELECT Id, Name FROM sfLma__License__c');
    await completed(job.id);
    org.bulk.switches.breakNextResultsPage = 40;
    const res = await fetch(`${org.instanceUrl}${base}/query/${job.id}/results`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('sforce-numberofrecords'), String(licenses));
    const reader = res.body!.getReader();
    let got = '';
    const decoder = new TextDecoder();
    await assert.rejects(async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        got += decoder.decode(value, { stream: true });
      }
    }, 'the body ends in an error, not as a complete answer');
    assert.equal(got.length, 40);
    assert.ok(got.startsWith('"Id","Name"\n"'));
    const whole = await text(org, 'GET', `${base}/query/${job.id}/results`);
    assert.equal(csvRows(whole.text).length, licenses + 1, 'the next page is whole again');
  });

  it('refuses results before the job completes (412), aborts a running job and deletes it', async () => {
    org.bulk.switches.holdQueryJobs = true;
    const job = await create('SELECT Id FROM sfLma__License__c');
    assert.equal(
      await eventually(async () => ((await state(job.id)).state === 'InProgress' ? true : undefined)),
      true,
    );
    const early = await raw(org, token, 'GET', `${base}/query/${job.id}/results`);
    assert.equal(early.status, 412);
    assert.equal((early.body as Array<{ errorCode: string }>)[0]?.errorCode, 'JOB_NOT_COMPLETE');
    const refused = await raw(org, token, 'DELETE', `${base}/query/${job.id}`);
    assert.equal(refused.status, 400, 'a running job is aborted before it is deleted');
    const aborted = await raw(org, token, 'PATCH', `${base}/query/${job.id}`, { state: 'Aborted' });
    assert.equal(aborted.status, 200);
    assert.equal((aborted.body as JobInfo).state, 'Aborted');
    org.bulk.release();
    assert.equal((await state(job.id)).state, 'Aborted', 'a released job stays aborted');
    const again = await raw(org, token, 'PATCH', `${base}/query/${job.id}`, { state: 'Aborted' });
    assert.equal(again.status, 400);
    assert.equal((await raw(org, token, 'DELETE', `${base}/query/${job.id}`)).status, 204);
    assert.equal((await raw(org, token, 'GET', `${base}/query/${job.id}`)).status, 404);
    assert.ok(!org.bulk.list(org.orgs.lmo.id).some((j) => j.id === job.id));
  });

  it('fails a query Bulk API 2.0 does not support, or refuses it with the other reading', async () => {
    const job = await create(
      'SELECT sfLma__Status__c, COUNT(Id) FROM sfLma__License__c GROUP BY sfLma__Status__c',
    );
    const done = await completed(job.id);
    assert.equal(done.state, 'Failed');
    assert.match(done.errorMessage ?? '', /GROUP BY/);
    await assert.rejects(conn.bulk2.query('SELECT Id FROM sfLma__License__c OFFSET 5'), /failed/);
    org.bulk.switches.unsupportedQuery = 'refuse';
    try {
      const r = await raw(org, token, 'POST', `${base}/query`, {
        operation: 'query',
        query: 'SELECT Id, (SELECT Id FROM sfLma__Licenses__r) FROM sfLma__Package__c',
      });
      assert.equal(r.status, 400);
    } finally {
      org.bulk.switches.unsupportedQuery = 'fail-job';
    }
    const unknown = await raw(org, token, 'POST', `${base}/query`, {
      operation: 'query',
      query: 'SELECT Id FROM Nope__c',
    });
    assert.equal(unknown.status, 400);
    assert.equal(
      (await raw(org, token, 'POST', `${base}/query`, { operation: 'select', query: 'SELECT Id FROM Lead' }))
        .status,
      400,
    );
  });

  it('ingests an update through jsforce bulk2 with per-record results, mixed', async () => {
    const some = await conn.query<{ Id: string; sfLma__Seats__c: number }>(
      'SELECT Id, sfLma__Seats__c FROM sfLma__License__c ORDER BY Id LIMIT 2',
    );
    const [a, b] = some.records;
    assert.ok(a && b);
    const input = [
      { Id: a.Id, sfLma__Seats__c: 77 },
      { Id: b.Id, sfLma__Seats__c: 'many' },
      { Id: 'a0B000000000000AAA', sfLma__Seats__c: 5 },
    ];
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'sfLma__License__c',
      operation: 'update',
      input,
      pollInterval: 20,
      pollTimeout: 30_000,
    });
    assert.equal(res.successfulResults.length, 1);
    assert.equal(res.successfulResults[0]?.sf__Id, a.Id);
    assert.equal(res.successfulResults[0]?.sf__Created, 'false');
    assert.equal(res.failedResults.length, 2);
    assert.ok(res.failedResults.every((r) => /^[A-Z_]+:/.test(String(r.sf__Error))));
    assert.equal(res.unprocessedRecords.length, 0);
    const after = await conn.query<{ Id: string; sfLma__Seats__c: number }>(
      `SELECT Id, sfLma__Seats__c FROM sfLma__License__c WHERE Id IN ('${a.Id}', '${b.Id}') ORDER BY Id`,
    );
    assert.equal(after.records[0]?.sfLma__Seats__c, 77);
    assert.equal(after.records[1]?.sfLma__Seats__c, b.sfLma__Seats__c, 'the failed row changed nothing');
  });

  it('fails an ingest job whose CSV has a malformed row, writing nothing and leaving every row unprocessed', async () => {
    const some = await conn.query<{ Id: string; sfLma__Seats__c: number }>(
      'SELECT Id, sfLma__Seats__c FROM sfLma__License__c ORDER BY Id LIMIT 2',
    );
    const [a, b] = some.records;
    assert.ok(a && b);
    const job = (
      await raw(org, token, 'POST', `${base}/ingest`, { object: 'sfLma__License__c', operation: 'update' })
    ).body as JobInfo;
    assert.equal(job.state, 'Open');
    const wrongType = await text(org, 'PUT', `${base}/ingest/${job.id}/batches`, 'Id\n', 'application/json');
    assert.equal(wrongType.status, 415);
    const csv = `Id,sfLma__Seats__c\n${a.Id},3\n"${b.Id},4\n`;
    assert.equal((await text(org, 'PUT', `${base}/ingest/${job.id}/batches`, csv)).status, 201);
    const early = await text(org, 'GET', `${base}/ingest/${job.id}/successfulResults`);
    assert.equal(early.status, 400, 'no results while the job is open');
    const closed = await raw(org, token, 'PATCH', `${base}/ingest/${job.id}`, { state: 'UploadComplete' });
    assert.equal((closed.body as JobInfo).state, 'UploadComplete');
    const done = await eventually(async () => {
      const info = (await raw(org, token, 'GET', `${base}/ingest/${job.id}`)).body as JobInfo;
      return ['JobComplete', 'Failed'].includes(info.state) ? info : undefined;
    });
    assert.equal(done.state, 'Failed');
    assert.match(done.errorMessage ?? '', /quote/);
    assert.equal(done.numberRecordsProcessed, 0);
    const unprocessed = await text(org, 'GET', `${base}/ingest/${job.id}/unprocessedrecords`);
    assert.equal(unprocessed.text, csv);
    const seats = await conn.query<{ sfLma__Seats__c: number }>(
      `SELECT sfLma__Seats__c FROM sfLma__License__c WHERE Id = '${a.Id}'`,
    );
    assert.equal(seats.records[0]?.sfLma__Seats__c, a.sfLma__Seats__c, 'nothing was written');
    assert.equal((await raw(org, token, 'DELETE', `${base}/ingest/${job.id}`)).status, 204);
  });

  it('refuses an ingest job for an unknown object and a row with the wrong number of fields', async () => {
    const bad = await raw(org, token, 'POST', `${base}/ingest`, { object: 'Nope__c', operation: 'insert' });
    assert.equal(bad.status, 400);
    const job = (
      await raw(org, token, 'POST', `${base}/ingest`, { object: 'sfLma__License__c', operation: 'update' })
    ).body as JobInfo;
    await text(
      org,
      'PUT',
      `${base}/ingest/${job.id}/batches`,
      'Id,sfLma__Seats__c\na0B000000000001AAA,3,9\n',
    );
    await raw(org, token, 'PATCH', `${base}/ingest/${job.id}`, { state: 'UploadComplete' });
    const done = await eventually(async () => {
      const info = (await raw(org, token, 'GET', `${base}/ingest/${job.id}`)).body as JobInfo;
      return info.state === 'Failed' ? info : undefined;
    });
    assert.match(done.errorMessage ?? '', /Row 2 has 3 fields/);
  });
});
