import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containsPattern, isSalesforceId, literal, toId15, toId18 } from '../../../src/lma/records/soql';

test('literal escapes quotes and backslashes so input cannot end the string', () => {
  assert.equal(literal("O'Brien"), "'O\\'Brien'");
  assert.equal(literal('a\\b'), "'a\\\\b'");
  assert.equal(literal("x' OR Name != '"), "'x\\' OR Name != \\''");
  assert.equal(literal('line\nbreak'), "'line\\nbreak'");
});

test('containsPattern wraps in % and takes LIKE wildcards literally', () => {
  assert.equal(containsPattern('Acme'), "'%Acme%'");
  assert.equal(containsPattern('50%_off'), "'%50\\%\\_off%'");
  assert.equal(containsPattern("it's"), "'%it\\'s%'");
  assert.equal(containsPattern('back\\slash'), "'%back\\\\slash%'");
});

test('toId18 computes the case-safe suffix of a 15-character id', () => {
  // Known pair: 001A0000006Vm9r → 001A0000006Vm9rIAC (the suffix encodes upper-case positions).
  assert.equal(toId18('001A0000006Vm9r'), '001A0000006Vm9rIAC');
  assert.equal(toId18('00D000000000001'), '00D000000000001EAA'); // the D in chunk one sets bit 2
  assert.equal(toId18('001A0000006Vm9rIAC'), '001A0000006Vm9rIAC');
  assert.equal(toId15('001A0000006Vm9rIAC'), '001A0000006Vm9r');
});

test('isSalesforceId accepts 15 and 18 alphanumerics only', () => {
  assert.ok(isSalesforceId('00D000000000001'));
  assert.ok(isSalesforceId('00D000000000001AAA'));
  assert.ok(!isSalesforceId('00D00000000000'));
  assert.ok(!isSalesforceId("00D00000000000'"));
  assert.throws(() => toId18('nope'), /Not a Salesforce id/);
});
