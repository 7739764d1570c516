import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvRows, parseBulkCsv } from '../../../src/lma/records/bulkQuery';

test('parseBulkCsv reads quoted fields with commas, doubled quotes and line breaks, LF and CRLF', () => {
  const text = '"Id","Name","Note"\n"a1","Acme, Inc.","say ""hi""\r\nthere"\r\n"a2","",""\n';
  assert.deepEqual(parseBulkCsv(text), [
    ['Id', 'Name', 'Note'],
    ['a1', 'Acme, Inc.', 'say "hi"\r\nthere'],
    ['a2', '', ''],
  ]);
  assert.deepEqual(parseBulkCsv('a,b\n1,\n'), [
    ['a', 'b'],
    ['1', ''],
  ]);
  assert.deepEqual(parseBulkCsv('"Id"\n'), [['Id']]);
});

test('parseBulkCsv refuses a page cut inside a quoted field', () => {
  assert.throws(() => parseBulkCsv('"Id","Name"\n"a1","Acm'), /never closed/);
  assert.throws(() => parseBulkCsv('"Id"x\n'), /after a closing quote/);
});

test('csvRows types values as REST answers them and nulls a missing parent', () => {
  const toRow = csvRows<Record<string, unknown>>('license', [
    'Id',
    'sfLma__Seats__c',
    'sfLma__Subscriber_Org_Is_Sandbox__c',
    'CreatedDate',
    'sfLma__Lead__r.Company',
    'sfLma__Account__r.Name',
  ]);
  assert.deepEqual(toRow(['a1', '-1', 'true', '2026-01-02T03:04:05.000Z', 'Acme', '']), {
    Id: 'a1',
    sfLma__Seats__c: -1,
    sfLma__Subscriber_Org_Is_Sandbox__c: true,
    CreatedDate: '2026-01-02T03:04:05.000+0000',
    sfLma__Lead__r: { Company: 'Acme' },
    sfLma__Account__r: null,
  });
  assert.deepEqual(toRow(['a2', '', 'false', '2026-01-02T03:04:05.000Z', '', '']).sfLma__Seats__c, null);
});
