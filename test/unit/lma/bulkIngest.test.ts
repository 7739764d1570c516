// The CSV an ingest job uploads, and Salesforce's sf__Error read back as a message and a code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestCsv, parseIngestError } from '../../../src/lma/records/bulkIngest';
import { parseBulkCsv } from '../../../src/lma/records/bulkQuery';

test('an ingest CSV has every field any row has; absent is empty (unchanged), null is #N/A, quotes doubled', () => {
  const { header, csv } = ingestCsv([
    { Id: 'a1', sfLma__Seats__c: 5 },
    { Id: 'a2', sfLma__Status__c: 'Active, "paid"', sfLma__Expiration__c: null },
  ]);
  assert.deepEqual(header, ['Id', 'sfLma__Seats__c', 'sfLma__Status__c', 'sfLma__Expiration__c']);
  assert.equal(
    csv,
    'Id,sfLma__Seats__c,sfLma__Status__c,sfLma__Expiration__c\na1,5,,\na2,,"Active, ""paid""",#N/A\n',
  );
  assert.deepEqual(parseBulkCsv(csv)[2], ['a2', '', 'Active, "paid"', '#N/A']);
});

test("sf__Error is read as Salesforce's message and its code", () => {
  assert.deepEqual(parseIngestError('FIELD_CUSTOM_VALIDATION_EXCEPTION:Seats: too many:sfLma__Seats__c --'), {
    message: 'Seats: too many',
    errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  });
  assert.deepEqual(parseIngestError('ENTITY_IS_DELETED:entity is deleted: --'), {
    message: 'entity is deleted',
    errorCode: 'ENTITY_IS_DELETED',
  });
  assert.deepEqual(parseIngestError(''), { message: 'Salesforce did not say why.', errorCode: undefined });
});
