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

test('abandonedIngestMessage words a job found left behind by its object: records of a bulk change, push jobs and their request of a push schedule', async () => {
  const { abandonedIngestMessage } = await import('../../../src/lma/records/bulkIngest');
  const job = {
    jobId: '750000000000001AAA',
    operation: 'insert',
    state: 'Aborted' as const,
    wasRunning: true,
    processed: 3,
    failed: 1,
  };
  const license = abandonedIngestMessage({ ...job, object: 'sfLma__License__c', operation: 'update' });
  assert.match(
    license,
    /earlier bulk change .*aborted now, after it had written 2 records \(1 record failed\)/,
  );
  assert.match(license, /Check those records in the org\. The job was deleted\.$/);
  const push = abandonedIngestMessage({ ...job, object: 'PackagePushJob', parents: ['0DV000000000001AAA'] });
  assert.match(
    push,
    /earlier push schedule .*aborted now, after it had created 2 push jobs \(1 push job failed\)/,
  );
  assert.match(push, /Push request 0DV000000000001AAA may hold jobs you never saw scheduled: .*abort it/);
  assert.doesNotMatch(push, /Check those records/);
  const two = abandonedIngestMessage({
    ...job,
    object: 'PackagePushJob',
    parents: ['0DV000000000001AAA', '0DV000000000002AAA'],
  });
  assert.match(two, /Push requests 0DV000000000001AAA, 0DV000000000002AAA may hold .* abort them/);
  const none = abandonedIngestMessage({
    ...job,
    object: 'PackagePushJob',
    processed: 0,
    failed: 0,
    parents: [],
  });
  assert.match(none, /created 0 push jobs\. .*not started/);
});
