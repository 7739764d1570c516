import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BulkCsvStream, csvRows, parseBulkCsv } from '../../../src/lma/records/bulkQuery';

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

test('BulkCsvStream answers the same rows as parseBulkCsv however the text is cut into chunks', () => {
  const text =
    '"Id","Name","Note"\n"a1","Acme, Inc.","say ""hi""\r\nthere"\r\n"a2","",""\n"a3","x\ny",""""\n' +
    'a4,plain,\r\na5,,"q"\r\n"a6",""""""\n';
  const whole = parseBulkCsv(text);
  assert.equal(whole.length, 7);
  assert.deepEqual(whole.slice(4), [
    ['a4', 'plain', ''],
    ['a5', '', 'q'],
    ['a6', '""'],
  ]);
  for (let cut = 0; cut <= text.length; cut++)
    for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
      const csv = new BulkCsvStream();
      const rows = [
        ...csv.push(text.slice(0, cut)),
        ...csv.push(text.slice(cut, cut2)),
        ...csv.push(text.slice(cut2)),
        ...csv.end(),
      ];
      assert.deepEqual(rows, whole, `cut at ${cut} and ${cut2}`);
    }
  const csv = new BulkCsvStream();
  assert.deepEqual(csv.push('"Id","Name"\n"a1","Ac'), [['Id', 'Name']], 'a whole row as soon as it ends');
  assert.deepEqual(csv.push('me"'), [], 'a row is held until its line break');
  assert.deepEqual(csv.end(), [['a1', 'Acme']], 'the last row without a line break');
});

test('BulkCsvStream refuses text that stops inside a quoted field', () => {
  const csv = new BulkCsvStream();
  csv.push('"Id","Name"\n"a1","Acm');
  assert.throws(() => csv.end(), /never closed/);
});
