import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseSuffix, isWellFormedId, toId18 } from '../../data';
import { mintId } from '../../data/ids';

test('case-safe suffix matches Salesforce examples', () => {
  // Known pair from Salesforce documentation/community: 001A0000006Vm9r -> 001A0000006Vm9rIAC
  assert.equal(caseSuffix('001A0000006Vm9r'), 'IAC');
  assert.equal(toId18('00D000000000001'), '00D000000000001EAA');
  assert.equal(toId18('001A0000006Vm9rIAC'), '001A0000006Vm9rIAC');
});

test('malformed ids are rejected', () => {
  assert.equal(isWellFormedId('001A0000006Vm9rXXX'), false);
  assert.equal(isWellFormedId('001-bad'), false);
  assert.equal(toId18('short'), undefined);
});

test('minted ids are 18 chars, carry the prefix, valid and unique', () => {
  const ids = new Set<string>();
  for (let i = 1; i <= 1000; i++) {
    const id = mintId('a0L', i);
    assert.equal(id.length, 18);
    assert.ok(id.startsWith('a0L'));
    assert.ok(isWellFormedId(id));
    ids.add(id);
  }
  assert.equal(ids.size, 1000);
});
