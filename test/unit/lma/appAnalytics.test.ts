import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  atRisk,
  cacheKey,
  checkQuestion,
  MAX_ORGS_PER_REQUEST,
  CsvStream,
  decline,
  joinedCsvLines,
  joinUsage,
  pollDelayMs,
  requestFields,
  rowTexts,
  unusedActive,
  UsageFileError,
  UsageSummaryAggregator,
  type UsageQuestion,
} from '../../../src/lma/rules/appAnalytics';
import { atRiskDrop, describeAtRisk } from '../../../src/lma/rules/atRisk';
import { toId18 } from '../../../src/lma/records/soql';

const PKG = '033000000000001';
const NOW = new Date('2026-12-05T00:00:00Z');
const q = (over: Partial<UsageQuestion> = {}): UsageQuestion => ({
  dataType: 'PackageUsageSummary',
  packageId: PKG,
  start: '2025-12',
  end: '2026-11',
  ...over,
});

describe('App Analytics questions', () => {
  test('a period in the future, longer than retention, backwards or malformed is refused with a reason', () => {
    assert.equal(checkQuestion(q(), NOW), null);
    assert.match(checkQuestion(q({ start: '2027-01', end: '2027-02' }), NOW)!, /starts in the future/);
    assert.match(checkQuestion(q({ end: '2027-03' }), NOW)!, /ends in the future/);
    assert.match(checkQuestion(q({ start: '2014-01' }), NOW)!, /keeps usage summaries .* for 10 years/);
    const logs = q({ dataType: 'PackageUsageLog', start: '2026-10-01', end: '2026-12-04' });
    assert.match(checkQuestion(logs, NOW)!, /45 days/);
    assert.equal(checkQuestion({ ...logs, start: '2026-11-01' }, NOW), null);
    assert.match(checkQuestion(q({ start: '2026-11', end: '2026-01' }), NOW)!, /ends .* before it starts/);
    assert.match(checkQuestion(q({ start: '2026-13' }), NOW)!, /YYYY-MM/);
    assert.match(checkQuestion(q({ packageId: '04t000000000001' }), NOW)!, /not a package id/);
    assert.match(checkQuestion(q({ orgIds: ["00D' OR 1=1"] }), NOW)!, /not an org id/);
    // Organization IDs holds 255 characters: 7 orgs by both lengths fit (244), 8 don't.
    const orgs = (n: number) => Array.from({ length: n }, (_, i) => `00D00000000000${i}`);
    assert.equal(MAX_ORGS_PER_REQUEST, 7);
    assert.equal(checkQuestion(q({ orgIds: orgs(7) }), NOW), null);
    assert.ok(requestFields(q({ orgIds: orgs(7) })).OrganizationIds!.length <= 255);
    assert.match(
      checkQuestion(q({ orgIds: orgs(8) }), NOW)!,
      /At most 7 orgs fit in one App Analytics request/,
    );
  });

  test('the request covers the period; the cache key names package, kind, period and orgs', () => {
    const f = requestFields(q({ orgIds: ['00D000000000001'] }));
    assert.equal(f.StartTime, '2025-12-01T00:00:00.000Z');
    assert.equal(f.EndTime, '2026-11-30T23:59:59.000Z');
    // Each org by both lengths of its id (which one the field matches on is UNCONFIRMED).
    assert.equal(f.OrganizationIds, `00D000000000001,${toId18('00D000000000001')}`);
    assert.equal(f.FileCompression, 'gzip');
    assert.deepEqual(cacheKey(q()), { packageId: PKG, name: 'PackageUsageSummary-2025-12-2026-11' });
    assert.notEqual(
      cacheKey(q({ orgIds: ['00D000000000001'] })).name,
      cacheKey(q({ orgIds: ['00D000000000002'] })).name,
    );
  });

  test('polls back off to at most 10 s', () => {
    assert.equal(pollDelayMs(0), 500);
    assert.ok(pollDelayMs(3) > pollDelayMs(2));
    assert.equal(pollDelayMs(50), 10_000);
  });
});

describe('CsvStream', () => {
  const read = (chunks: Array<string | Buffer>, required = ['a', 'b']) => {
    const rows: string[][] = [];
    const csv = new CsvStream(required, (row) => rows.push(rowTexts(row, csv.wanted)));
    for (const c of chunks) csv.push(c);
    csv.end();
    return rows;
  };
  /** The text's UTF-8 bytes cut at `at`, and cut at every byte. */
  const cutAt = (text: string, at: number) => {
    const b = Buffer.from(text);
    return [b.subarray(0, at), b.subarray(at)];
  };
  const bytesOf = (text: string) => [...Buffer.from(text)].map((x) => Buffer.from([x]));

  test('reads quotes, doubled quotes, CRLF and commas across any chunk boundary', () => {
    const text = 'a,b\r\n"x, ""y""",2\r\nplain,"multi\nline"\n';
    const whole = read([text]);
    assert.deepEqual(whole, [
      ['x, "y"', '2'],
      ['plain', 'multi\nline'],
    ]);
    for (let i = 1; i < Buffer.byteLength(text); i++)
      assert.deepEqual(read(cutAt(text, i)), whole, `split at ${i}`);
    assert.deepEqual(read(bytesOf(text)), whole);
  });

  test('only the required columns are read; a row with quotes among plain rows, in any chunks', () => {
    const text = 'x,a,y,b\r\n1,p,2,q\r\n3,"r,""s""",4,t\r\n5,p,6,q\n7,u,8,"v\nw"\n';
    const want = [
      ['', 'p', '', 'q'],
      ['', 'r,"s"', '', 't'],
      ['', 'p', '', 'q'],
      ['', 'u', '', 'v\nw'],
    ];
    assert.deepEqual(read([text]), want);
    for (let i = 1; i < Buffer.byteLength(text); i++)
      assert.deepEqual(read(cutAt(text, i)), want, `split at ${i}`);
    assert.deepEqual(read(bytesOf(text)), want);
    assert.throws(() => read(['x,a,y,b\n1,p,2,q\n', '3,p\n']), /line 3 has 2 values for 4 columns/);
  });

  test('bytes: UTF-8 text, doubled quotes and CRLF read the same cut at any byte', () => {
    // Multi-byte characters plain and quoted, a doubled quote in a required and in an ignored column.
    const text = 'x,a,b\r\n"i""g",Zoë,"Ça ""va"", oui"\r\n"n\r\no",,"€"\r\n';
    const want = [
      ['', 'Zoë', 'Ça "va", oui'],
      ['', '', '€'],
    ];
    assert.deepEqual(read([text]), want);
    for (let i = 1; i < Buffer.byteLength(text); i++)
      assert.deepEqual(read(cutAt(text, i)), want, `split at byte ${i}`);
    assert.deepEqual(read(bytesOf(text)), want);
  });

  test('bytes: a CRLF file cut at any byte gives an error or its rows, the last cut only in its last cell', () => {
    const text = 'a,b,c\r\n1,22,333\r\n4,"55",666\r\n';
    const full = read([text], ['a', 'b', 'c']);
    const whole = Buffer.from(text);
    let errors = 0;
    for (let cut = whole.indexOf('\n') + 1; cut < whole.length; cut++) {
      const head = whole.subarray(0, cut);
      let rows: string[][];
      try {
        rows = read([head.subarray(0, 9), head.subarray(9)], ['a', 'b', 'c']);
      } catch (error) {
        assert.ok(error instanceof UsageFileError, String(error));
        errors++;
        continue;
      }
      const complete = head.toString().split('\n').length - 2;
      assert.ok(rows.length === complete || rows.length === complete + 1, `cut at ${cut}`);
      rows.forEach((row, i) => {
        const want = full[i]!;
        assert.deepEqual(row.slice(0, 2), want.slice(0, 2), `cut at ${cut}, row ${i}`);
        assert.ok(want[2]!.startsWith(row[2]!), `cut at ${cut}, row ${i}: ${row[2]}`);
      });
    }
    assert.ok(errors >= 10, `rows short of cells are errors (${errors})`);
  });

  test('a truncated row, an unclosed quote, missing columns or an empty file is an error naming it', () => {
    assert.throws(
      () => read(['a,b\n1,2\n3']),
      (e: Error) => e instanceof UsageFileError && /line 3 has 1 values for 2 columns/.test(e.message),
    );
    assert.throws(() => read(['a,b\n1,"2\n3,4\n']), /ends inside a quoted value that starts on line 2/);
    assert.throws(() => read(['x,y\n1,2\n']), /columns App Analytics writes: a, b missing \(it has x, y\)/);
    assert.throws(() => read(['']), /empty/);
    assert.throws(() => read(['a,b\n1,2"x\n']), /stray quote/);
  });
});

describe('Usage from summaries', () => {
  const summary = (rows: Array<[string, string, string, string, number]>) => {
    const agg = new UsageSummaryAggregator();
    const csv = new CsvStream(
      ['month', 'organization_id', 'custom_entity', 'custom_entity_type', 'user_id_token', 'num_events'],
      (row) => agg.add(row),
    );
    csv.push('month,organization_id,custom_entity,custom_entity_type,user_id_token,num_events\n');
    for (const [m, o, e, t, n] of rows) csv.push(`${m},${o},${e},${t},005-${o.slice(-1)}${n % 7},${n}\n`);
    csv.end();
    return agg;
  };

  test('active orgs and users per month, top objects and pages, at-risk orgs by their decline', () => {
    const rows: Array<[string, string, string, string, number]> = [];
    const months = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];
    months.forEach((m, i) => {
      for (let u = 0; u < 4; u++) rows.push([m, '00D00000000000A', 'ns__Invoice__c', 'CustomObject', u + 10]);
      // B: 4 users, then 1 in the last three months.
      const usersB = i < 3 ? 4 : 1;
      for (let u = 0; u < usersB; u++)
        rows.push([m, '00D00000000000B', 'ns__Dashboard', 'VisualforcePage', u + 20]);
    });
    const report = summary(rows).report(0.5);
    assert.deepEqual(report.months, months);
    assert.deepEqual(report.perMonth[0], { month: '2026-01', activeOrgs: 2, activeUsers: 8 });
    assert.deepEqual(report.perMonth[5], { month: '2026-06', activeOrgs: 2, activeUsers: 5 });
    assert.equal(report.objects[0]!.name, 'ns__Invoice__c');
    assert.equal(report.pages[0]!.name, 'ns__Dashboard');
    assert.deepEqual(
      report.atRisk.map((o) => o.orgId),
      ['00D00000000000B'],
    );
    assert.equal(report.atRisk[0]!.decline, 0.75);
    assert.equal(summary(rows).report(0.8).atRisk.length, 0, 'the threshold decides');
    assert.equal(decline([1, 1, 1, 1, 1]), null, 'too few months');
    assert.equal(decline([0, 0, 0, 3, 3, 3]), null, 'no earlier usage');
  });

  test('from bytes: 18-character ids, quoted names, odd numbers, rows in any order, a table that grows', () => {
    const header = 'month,organization_id,custom_entity,custom_entity_type,user_id_token,num_events\r\n';
    const lines: string[] = [];
    const expected = new Map<string, Set<string>>();
    // 70,000 distinct (org, month, user): the users' table grows past its first sizes; orgs interleaved.
    for (let i = 0; i < 70_000; i++) {
      const org = `00D00000000${String(i % 97).padStart(4, '0')}`;
      const month = `2026-0${1 + (i % 6)}`;
      const user = `005-${(i * 7919) % 50_000}`;
      const key = `${org}/${month}`;
      expected.set(key, (expected.get(key) ?? new Set()).add(user));
      lines.push(`${month},${i % 2 ? `${org}EAA` : org},ns__Invoice__c,CustomObject,${user},1\r\n`);
    }
    // The same 2,000 users in every month of an org: 2,000 users each month.
    for (let m = 1; m <= 6; m++) {
      const users = new Set<string>();
      for (let u = 0; u < 2000; u++) {
        users.add(`005-z${u}`);
        lines.push(`2026-0${m},00D00000000Z000,ns__Invoice__c,CustomObject,005-z${u},0\r\n`);
      }
      expected.set(`00D00000000Z000/2026-0${m}`, users);
    }
    lines.push('2026-01,00D000000000000EAQ,"ns__Invoice__c",CustomObject,005-0,2.5\r\n');
    lines.push('2026-01,00D000000000000,"ns__""Odd""",VisualforcePage,005-0,\r\n');
    lines.push('2026-01,00D000000000000,Été__c,CustomObject,005-0,7\r\n');
    const agg = new UsageSummaryAggregator();
    const csv = new CsvStream(
      ['month', 'organization_id', 'custom_entity', 'custom_entity_type', 'user_id_token', 'num_events'],
      (row) => agg.add(row),
    );
    const bytes = Buffer.from(header + lines.join(''));
    for (let at = 0; at < bytes.length; at += 4093) csv.push(bytes.subarray(at, at + 4093));
    csv.end();
    const report = agg.report();
    assert.equal(report.orgs.length, 98, 'an 18-character id is its 15-character org');
    for (const org of report.orgs)
      report.months.forEach((m, i) =>
        assert.equal(org.users[i], expected.get(`${org.orgId}/${m}`)?.size ?? 0, `${org.orgId} ${m}`),
      );
    const invoice = report.objects.find((e) => e.name === 'ns__Invoice__c')!;
    assert.equal(invoice.events, 70_002.5, 'a quoted name is the same object; 2.5 is read as a number');
    assert.deepEqual(
      report.pages.map((e) => [e.name, e.events]),
      [['ns__"Odd"', 0]],
    );
    assert.equal(report.objects.find((e) => e.name === 'Été__c')?.events, 7);
    assert.throws(() => {
      const bad = new CsvStream(
        ['month', 'organization_id', 'custom_entity', 'custom_entity_type', 'user_id_token', 'num_events'],
        (row) => new UsageSummaryAggregator().add(row),
      );
      bad.push(`${header}2026-13,00D000000000000,o,CustomObject,005-1,1\n`);
    }, /"2026-13" where a month \(YYYY-MM\) belongs/);
  });

  test('joined with Licenses: Active Licenses without usage, and the CSV', () => {
    const report = summary([['2026-01', '00D00000000000A', 'o', 'CustomObject', 1]]).report();
    const rows = joinUsage(report, [
      { id: 'a0L1', orgId: '00D00000000000AEAA', customer: '=Acme', status: 'Active', seats: 10, used: 2 },
      { id: 'a0L2', orgId: '00D00000000000C', customer: 'Idle, Inc.', status: 'Active', seats: 5, used: 0 },
      { id: 'a0L3', orgId: '00D00000000000D', customer: 'Gone', status: 'Uninstalled', seats: 5, used: 0 },
    ]);
    assert.equal(rows.find((r) => r.orgId === '00D00000000000A')!.license!.id, 'a0L1');
    assert.deepEqual(
      unusedActive(rows).map((r) => r.license!.id),
      ['a0L2'],
    );
    const lines = joinedCsvLines(report.months, rows);
    assert.equal(lines[0], 'Org ID,Customer,License,Status,Seats,Used,At risk,Decline %,Users 2026-01\r\n');
    assert.equal(lines[1], "00D00000000000A,'=Acme,a0L1,Active,10,2,no,,1\r\n");
    assert.equal(lines[2], '00D00000000000C,"Idle, Inc.",a0L2,Active,5,0,no,,0\r\n');
  });
});

describe('The at-risk drop', () => {
  test('a fraction or a percentage from 5% to 95% is taken; anything else gives 50% and says why', () => {
    assert.deepEqual(atRiskDrop(0.5), { drop: 0.5, problem: null });
    assert.deepEqual(atRiskDrop(0.05), { drop: 0.05, problem: null });
    assert.deepEqual(atRiskDrop(0.95), { drop: 0.95, problem: null });
    assert.deepEqual(atRiskDrop('30%'), { drop: 0.3, problem: null });
    assert.deepEqual(atRiskDrop('95'), { drop: 0.95, problem: null });
    assert.deepEqual(atRiskDrop(' 0.7 '), { drop: 0.7, problem: null });
    for (const bad of [0.04, 0.951, 0, 1.5, 96, -0.5, '120%', '4%', 'half', '', null, undefined, NaN, {}]) {
      const { drop, problem } = atRiskDrop(bad);
      assert.equal(drop, 0.5, String(bad));
      assert.match(problem ?? '', /must be between 5% and 95%/, String(bad));
    }
    assert.match(atRiskDrop(0.04).problem!, /between 5% and 95% .*"0\.04" is not, so 50% is used/);
    assert.match(atRiskDrop('half').problem!, /"half" is not/);
    assert.equal(describeAtRisk(0.3), 'users fell by more than 30% over the last 3 months');
  });

  test('an org is at risk only past the drop: exactly the drop is not', () => {
    const org = (users: number[]) => ({
      orgId: '00D00000000000A',
      users,
      events: 1,
      decline: decline(users),
    });
    const quarter = org([4, 4, 4, 3, 3, 3]); // a fall of 25%
    assert.equal(quarter.decline, 0.25);
    assert.deepEqual(atRisk([quarter], 0.25), [], 'exactly the drop');
    assert.equal(atRisk([quarter], 0.2499).length, 1, 'just under it');
    assert.equal(atRisk([org([4, 4, 4, 0, 0, 0])], 0.95).length, 1, 'a fall to nothing is past 95%');
    assert.deepEqual(atRisk([org([4, 4, 4, 5, 5, 5])], 0.05), [], 'growth is never at risk');
  });
});
