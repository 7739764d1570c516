import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LOGGED_TEXT, shortenForLog } from '../../../src/org/log';

test('shortenForLog keeps short text whole and cuts long text, saying how much it left out', () => {
  assert.equal(shortenForLog('GET /services/data'), 'GET /services/data');
  const exact = 'q'.repeat(MAX_LOGGED_TEXT);
  assert.equal(shortenForLog(exact), exact);
  const long = `/query?q=SELECT Id FROM sfLma__License__c WHERE Name IN (${"'L-1',".repeat(6_000)})`;
  const short = shortenForLog(long);
  assert.ok(short.startsWith('/query?q=SELECT Id FROM sfLma__License__c WHERE Name IN ('));
  assert.ok(short.endsWith(`… (${(long.length - MAX_LOGGED_TEXT).toLocaleString('en-US')} more characters)`));
  assert.ok(short.length < MAX_LOGGED_TEXT + 40);
});
