import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaFor } from '../../data';
import type { Row } from '../../data';
import type { QuerySource } from '../../data/soql/source';
import { runQuery } from '../../data/soql/query';

const license: Row = {
  Id: 'a0L4L0000000001AAA',
  IsDeleted: false,
  Name: 'L-00001',
  sfLma__Subscriber_Org_ID__c: '00D5g0000001AAA',
};

// A source that refuses full scans: a query it answers must have used the index.
function indexOnlySource(lookups: string[]): QuerySource {
  return {
    schema: schemaFor('lmo'),
    rows: () => {
      throw new Error('full scan');
    },
    liveRows: () => {
      throw new Error('full scan');
    },
    get: () => undefined,
    lookup: (_sobject, field, value) => {
      lookups.push(`${field}=${String(value)}`);
      if (field === 'sfLma__Subscriber_Org_ID__c')
        return String(value).toLowerCase() === '00d5g0000001aaa' ? [license] : [];
      return undefined;
    },
  };
}

test('equality on an indexed field is answered from the index, then re-checked', () => {
  const lookups: string[] = [];
  const r = runQuery(
    indexOnlySource(lookups),
    "SELECT Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '00D5G0000001aaa' AND Name != 'L-2'",
  );
  assert.deepEqual(
    r.records.map((x) => x.Name),
    ['L-00001'],
  );
  assert.deepEqual(lookups, ['sfLma__Subscriber_Org_ID__c=00D5G0000001aaa']);
  const none = runQuery(
    indexOnlySource([]),
    "SELECT Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN ('00D5g0000001AAA', 'x') AND Name = 'other'",
  );
  assert.equal(none.totalSize, 0);
});

test('a non-indexed filter, or an OR, scans', () => {
  assert.throws(
    () => runQuery(indexOnlySource([]), "SELECT Name FROM sfLma__License__c WHERE sfLma__Org_Type__c = 'x'"),
    /full scan/,
  );
  assert.throws(
    () =>
      runQuery(
        indexOnlySource([]),
        "SELECT Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = 'a' OR Name = 'b'",
      ),
    /full scan/,
  );
});
