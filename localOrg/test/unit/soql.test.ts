import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { SalesforceError } from '../../data';
import type { Fixture } from './fixture';
import { lmoFixture } from './fixture';

let fx: Fixture;
before(async () => {
  fx = await lmoFixture();
});

const q = (soql: string, opts = {}) => fx.org.query(soql, opts);
const names = (soql: string): unknown[] => q(soql).records.map((r) => r.Name);
const errorCode = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SalesforceError, String(e));
    return e.errorCode;
  }
  assert.fail('expected an error');
};

describe('SOQL select and where', () => {
  test('record shape with attributes, parent relationships two levels deep, null parents', () => {
    const [rec] = q(
      `SELECT Id, Name, sfLma__Package_Version__r.sfLma__Package__r.Name, sfLma__Lead__r.Company FROM sfLma__License__c WHERE Id = '${fx.licenses[0]}'`,
    ).records;
    assert.deepEqual(Object.keys(rec!), [
      'attributes',
      'Id',
      'Name',
      'sfLma__Package_Version__r',
      'sfLma__Lead__r',
    ]);
    assert.equal((rec!.attributes as { type: string }).type, 'sfLma__License__c');
    assert.equal(
      (rec!.sfLma__Package_Version__r as Record<string, Record<string, unknown>>).sfLma__Package__r!.Name,
      'Alpha',
    );
    assert.equal((rec!.sfLma__Lead__r as Record<string, unknown>).Company, 'Acme');
    const [other] = q(
      `SELECT sfLma__Lead__r.Company FROM sfLma__License__c WHERE Id = '${fx.licenses[1]}'`,
    ).records;
    assert.equal(other!.sfLma__Lead__r, null);
  });

  test('ORDER BY Id with LIMIT (a keyset page) answers as a full sort would, from either end, with OFFSET', () => {
    // `ORDER BY Id DESC, Name` takes the full filter-and-sort path; `ORDER BY Id DESC` the early stop.
    for (const [fast, full] of [
      [
        "SELECT Name FROM sfLma__License__c WHERE sfLma__Status__c != 'Trial' ORDER BY Id DESC LIMIT 2",
        "SELECT Name FROM sfLma__License__c WHERE sfLma__Status__c != 'Trial' ORDER BY Id DESC, Name LIMIT 2",
      ],
      [
        'SELECT Name FROM sfLma__License__c ORDER BY Id LIMIT 2 OFFSET 1',
        'SELECT Name FROM sfLma__License__c ORDER BY Id, Name LIMIT 2 OFFSET 1',
      ],
      [
        `SELECT Name FROM sfLma__License__c WHERE Id < '${fx.licenses[3]}' AND sfLma__Seats__c > 0 ORDER BY Id DESC LIMIT 10`,
        `SELECT Name FROM sfLma__License__c WHERE Id < '${fx.licenses[3]}' AND sfLma__Seats__c > 0 ORDER BY Id DESC, Name LIMIT 10`,
      ],
    ] as const) {
      assert.deepEqual(names(fast), names(full), fast);
    }
    assert.deepEqual(
      names("SELECT Name FROM sfLma__License__c WHERE sfLma__Status__c != 'Trial' ORDER BY Id DESC LIMIT 2"),
      ['L-00005', 'L-00004'],
    );
  });

  test('case-insensitive names, AND/OR/NOT with parentheses', () => {
    const n = q(
      `select ID from SFLMA__LICENSE__C where (sflma__status__c = 'active' OR sfLma__Status__c = 'Trial') AND NOT sfLma__Seats__c = 25`,
    ).totalSize;
    assert.equal(n, 2);
    assert.equal(
      q(
        `SELECT Id FROM sfLma__License__c WHERE NOT (sfLma__Status__c = 'Active' OR sfLma__Status__c = 'Trial')`,
      ).totalSize,
      2,
    );
    assert.equal(
      q(
        `SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' OR (sfLma__Status__c = 'Trial' AND sfLma__Seats__c = -1)`,
      ).totalSize,
      3,
    );
  });

  test('comparison operators, IN, NOT IN, LIKE, null', () => {
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Seats__c >= 10`).totalSize, 2);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Seats__c < 5`).totalSize, 2);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Seats__c != 5`).totalSize, 4);
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c IN ('Active', 'Suspended')`).totalSize,
      3,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c NOT IN ('Active', 'Suspended')`).totalSize,
      2,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c LIKE '00d5g%c_c'`).totalSize,
      1,
    );
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = null`).totalSize, 2);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c != null`).totalSize, 3);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Lead__r.Company LIKE 'ac%'`).totalSize, 1);
  });

  test('date values and date literals', () => {
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c > 2026-01-01`).totalSize, 1);
    assert.equal(
      q(
        `SELECT Id FROM sfLma__License__c WHERE sfLma__Install_Date__c >= 2025-03-01 AND sfLma__Install_Date__c <= 2025-05-20`,
      ).totalSize,
      2,
    );
    const now = new Date('2026-06-15T12:00:00Z');
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = THIS_MONTH`, { now }).totalSize,
      1,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = NEXT_N_DAYS:30`, { now }).totalSize,
      1,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = LAST_N_DAYS:200`, { now }).totalSize,
      1,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c < LAST_YEAR`, { now }).totalSize,
      1,
    );
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE CreatedDate = TODAY`).totalSize, 5);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE CreatedDate < YESTERDAY`).totalSize, 0);
    assert.equal(q(`SELECT Id FROM sfLma__License__c WHERE CreatedDate > 2020-01-01T00:00:00Z`).totalSize, 5);
  });

  test("date literals are the running user's days (its TimeZoneSidKey), dates and datetimes alike", () => {
    const ids = (soql: string, opts = {}) => q(soql, opts).records.map((r) => r.Id);
    const all = ids('SELECT Id FROM sfLma__License__c');
    const created = q('SELECT CreatedDate FROM sfLma__License__c LIMIT 1').records[0]!.CreatedDate as string;
    const createdAt = new Date(created.replace('+0000', 'Z'));
    // A datetime: compared with the UTC instants of the user's midnights, so the instant it was
    // created is on the user's today, and a day later on its yesterday, in any zone.
    for (const timeZone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Berlin']) {
      assert.deepEqual(
        ids('SELECT Id FROM sfLma__License__c WHERE CreatedDate = TODAY', { now: createdAt, timeZone }),
        all,
      );
      const nextDay = new Date(createdAt.getTime() + 86_400_000);
      assert.deepEqual(
        ids('SELECT Id FROM sfLma__License__c WHERE CreatedDate = YESTERDAY', { now: nextDay, timeZone }),
        all,
      );
      assert.deepEqual(
        ids('SELECT Id FROM sfLma__License__c WHERE CreatedDate = TODAY', { now: nextDay, timeZone }),
        [],
      );
    }
    // A date field: the user's date. At 23:30 UTC of a day, Kiritimati (UTC+14) is on the next day,
    // Pago Pago (UTC-11) still on that day.
    const expiring = q(
      'SELECT Id, sfLma__Expiration__c FROM sfLma__License__c WHERE sfLma__Expiration__c != null LIMIT 1',
    ).records[0]!;
    const day = String(expiring.sfLma__Expiration__c);
    const onDay = new Date(`${day}T23:30:00Z`);
    assert.ok(
      ids('SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = TODAY', { now: onDay }).includes(
        expiring.Id,
      ),
    );
    assert.ok(
      ids('SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = YESTERDAY', {
        now: onDay,
        timeZone: 'Pacific/Kiritimati',
      }).includes(expiring.Id),
    );
    assert.ok(
      ids('SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = TODAY', {
        now: onDay,
        timeZone: 'Pacific/Pago_Pago',
      }).includes(expiring.Id),
    );
    // GMT, an unknown zone or none: UTC's days.
    for (const timeZone of ['GMT', 'Not/AZone', undefined]) {
      assert.ok(
        ids('SELECT Id FROM sfLma__License__c WHERE sfLma__Expiration__c = TODAY', {
          now: onDay,
          timeZone,
        }).includes(expiring.Id),
      );
    }
  });

  test('formula fields are computed and filterable', () => {
    const recs = q(
      `SELECT sfLma__Licensed_Seats__c, sfLma__Expiration_Date__c, sfLma__License_Status__c FROM sfLma__License__c ORDER BY Name`,
    ).records;
    assert.deepEqual(
      recs.map((r) => r.sfLma__Licensed_Seats__c),
      ['10', 'Site License', '25', '5', '1'],
    );
    assert.deepEqual(
      recs.map((r) => r.sfLma__Expiration_Date__c),
      ['2026-06-30', 'Does not expire', 'Does not expire', '2025-12-31', 'Does not expire'],
    );
    assert.deepEqual(
      recs.map((r) => r.sfLma__License_Status__c),
      ['Active', 'Trial', 'Active', 'Suspended', 'Uninstalled'],
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Licensed_Seats__c = 'Site License'`).totalSize,
      1,
    );
  });

  test('15- and 18-character ids compare equal', () => {
    const id18 = fx.licenses[2]!;
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE Id = '${id18.slice(0, 15)}'`).records[0]!.Id,
      id18,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Package__c = '${fx.pkgB.slice(0, 15)}'`).totalSize,
      2,
    );
    assert.equal(
      q(`SELECT Id FROM sfLma__License__c WHERE Id IN ('${id18}', '${fx.licenses[0]!.slice(0, 15)}')`)
        .totalSize,
      2,
    );
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c WHERE Id = 'nope'`)),
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  test('ORDER BY several fields, NULLS FIRST/LAST, LIMIT, OFFSET', () => {
    assert.deepEqual(names(`SELECT Name FROM sfLma__License__c ORDER BY sfLma__Seats__c DESC LIMIT 2`), [
      'L-00003',
      'L-00001',
    ]);
    assert.deepEqual(
      names(
        `SELECT Name FROM sfLma__License__c ORDER BY sfLma__Package__r.Name DESC, sfLma__Seats__c ASC LIMIT 3`,
      ),
      ['L-00005', 'L-00004', 'L-00002'],
    );
    assert.deepEqual(
      names(`SELECT Name FROM sfLma__License__c ORDER BY sfLma__Expiration__c ASC NULLS LAST, Name`),
      ['L-00003', 'L-00004', 'L-00001', 'L-00002', 'L-00005'],
    );
    assert.deepEqual(
      names(`SELECT Name FROM sfLma__License__c ORDER BY sfLma__Expiration__c DESC`).slice(-2),
      ['L-00002', 'L-00005'],
    );
    assert.deepEqual(names(`SELECT Name FROM sfLma__License__c ORDER BY Name LIMIT 2 OFFSET 3`), [
      'L-00004',
      'L-00005',
    ]);
  });

  test('child subqueries with their own WHERE/ORDER BY; null when empty', () => {
    const recs = q(
      `SELECT Name, (SELECT Name FROM sfLma__Licenses__r WHERE sfLma__Status__c != 'Uninstalled' ORDER BY Name DESC) FROM sfLma__Package__c ORDER BY Name`,
    ).records;
    const alpha = recs[0]!.sfLma__Licenses__r as {
      totalSize: number;
      done: boolean;
      records: { Name: string }[];
    };
    assert.equal(alpha.totalSize, 3);
    assert.equal(alpha.done, true);
    assert.deepEqual(
      alpha.records.map((r) => r.Name),
      ['L-00003', 'L-00002', 'L-00001'],
    );
    const none = q(
      `SELECT Name, (SELECT Id FROM sfLma__Licenses__r WHERE sfLma__Seats__c > 1000) FROM sfLma__Package__c`,
    ).records;
    assert.equal(none[0]!.sfLma__Licenses__r, null);
    // Package Version's licenses go by the generated name, as on a real LMO; the readable one fails.
    const versions = q(
      `SELECT Name, (SELECT Id FROM sfLma__R00N30000001JvQxEAK__r) FROM sfLma__Package_Version__c WHERE Name = '1.1.0'`,
    ).records;
    assert.equal((versions[0]!.sfLma__R00N30000001JvQxEAK__r as { totalSize: number }).totalSize, 2);
    assert.throws(
      () => q(`SELECT Name, (SELECT Id FROM sfLma__Licenses__r) FROM sfLma__Package_Version__c`),
      (e: { errorCode?: string }) => e.errorCode === 'INVALID_TYPE',
    );
  });

  test('semi-join IN subquery', () => {
    const recs = q(
      `SELECT Name FROM sfLma__Package__c WHERE Id IN (SELECT sfLma__Package__c FROM sfLma__License__c WHERE sfLma__Status__c = 'Suspended')`,
    ).records;
    assert.deepEqual(
      recs.map((r) => r.Name),
      ['Beta'],
    );
  });
});

describe('SOQL aggregates', () => {
  test('COUNT() answers only totalSize', () => {
    const r = q(`SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Status__c = 'Active'`);
    assert.equal(r.totalSize, 2);
    assert.deepEqual(r.records, []);
  });

  test('COUNT(field) without GROUP BY gives one expr0 row', () => {
    const r = q(`SELECT COUNT(Id), COUNT(sfLma__Expiration__c) FROM sfLma__License__c`);
    assert.deepEqual(r.records, [{ attributes: { type: 'AggregateResult' }, expr0: 5, expr1: 3 }]);
  });

  test('status-by-package GROUP BY with aliased and unaliased aggregates', () => {
    const r = q(
      `SELECT sfLma__Package__c, sfLma__Status__c, COUNT(Id), SUM(sfLma__Seats__c) seats, MIN(sfLma__Seats__c), MAX(sfLma__Seats__c), AVG(sfLma__Seats__c) FROM sfLma__License__c GROUP BY sfLma__Package__c, sfLma__Status__c ORDER BY sfLma__Status__c`,
    );
    assert.equal(r.totalSize, 4);
    const active = r.records.find((x) => x.sfLma__Status__c === 'Active')!;
    assert.equal(active.sfLma__Package__c, fx.pkgA);
    assert.equal(active.expr0, 2);
    assert.equal(active.seats, 35);
    assert.equal(active.expr1, 10);
    assert.equal(active.expr2, 25);
    assert.equal(active.expr3, 17.5);
  });

  test('GROUP BY a parent field, HAVING, ORDER BY an aggregate', () => {
    const r = q(
      `SELECT sfLma__Package__r.Name, COUNT(Id) n FROM sfLma__License__c GROUP BY sfLma__Package__r.Name HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC`,
    );
    assert.deepEqual(
      r.records.map((x) => [x.Name, x.n]),
      [
        ['Alpha', 3],
        ['Beta', 2],
      ],
    );
    assert.equal(
      q(`SELECT sfLma__Status__c FROM sfLma__License__c GROUP BY sfLma__Status__c HAVING COUNT(Id) > 1`)
        .totalSize,
      1,
    );
  });
});

describe('SOQL errors', () => {
  test('unknown object, field and relationship', () => {
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__Nope__c`)),
      'INVALID_TYPE',
    );
    assert.equal(
      errorCode(() => q(`SELECT Bogus__c FROM sfLma__License__c`)),
      'INVALID_FIELD',
    );
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c WHERE Bogus__c = 1`)),
      'INVALID_FIELD',
    );
    assert.equal(
      errorCode(() => q(`SELECT Nope__r.Name FROM sfLma__License__c`)),
      'INVALID_FIELD',
    );
    assert.equal(
      errorCode(() => q(`SELECT Id, (SELECT Id FROM Nopes__r) FROM sfLma__Package__c`)),
      'INVALID_TYPE',
    );
  });

  test('malformed and unsupported constructs', () => {
    assert.equal(
      errorCode(() => q(`SELECT FROM WHERE`)),
      'MALFORMED_QUERY',
    );
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c FOR UPDATE`)),
      'MALFORMED_QUERY',
    );
    assert.equal(
      errorCode(() => q(`SELECT TYPEOF Owner WHEN User THEN Name END FROM sfLma__License__c`)),
      'MALFORMED_QUERY',
    );
    assert.equal(
      errorCode(() => q(`SELECT sfLma__Status__c, COUNT(Id) FROM sfLma__License__c`)),
      'MALFORMED_QUERY',
    );
    assert.equal(
      errorCode(() =>
        q(`SELECT CALENDAR_YEAR(CreatedDate) FROM sfLma__License__c GROUP BY CALENDAR_YEAR(CreatedDate)`),
      ),
      'MALFORMED_QUERY',
    );
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c LIMIT 10 OFFSET 2001`)),
      'NUMBER_OUTSIDE_VALID_RANGE',
    );
  });

  test('literal of the wrong type', () => {
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Seats__c = 'ten'`)),
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    assert.equal(
      errorCode(() => q(`SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 5`)),
      'INVALID_QUERY_FILTER_OPERATOR',
    );
  });

  test('queryAll sees deleted rows; query does not', async () => {
    const tmp = (await fx.org.create('sfLma__Package__c', { Name: 'Gone' })).id;
    await fx.org.delete('sfLma__Package__c', tmp);
    assert.equal(q(`SELECT Id FROM sfLma__Package__c WHERE Name = 'Gone'`).totalSize, 0);
    const all = q(`SELECT Id, IsDeleted FROM sfLma__Package__c WHERE Name = 'Gone'`, {
      includeDeleted: true,
    });
    assert.equal(all.records[0]!.IsDeleted, true);
  });

  test('page() projects only the requested slice', () => {
    const r = q(`SELECT Name FROM sfLma__License__c ORDER BY Name`);
    assert.deepEqual(
      r.page(1, 2).map((x) => x.Name),
      ['L-00002', 'L-00003'],
    );
  });
});
