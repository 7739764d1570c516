import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFormMessage } from '../../../src/protocol/licensingTerms';

const terms = { status: 'Trial', lengthDays: 30, seats: 25 };

test('the declared messages are accepted as they are', () => {
  assert.deepEqual(parseFormMessage({ kind: 'ready' }), { message: { kind: 'ready' } });
  assert.deepEqual(parseFormMessage({ kind: 'openFile' }), { message: { kind: 'openFile' } });
  assert.deepEqual(parseFormMessage({ kind: 'runTestInstall' }), { message: { kind: 'runTestInstall' } });
  assert.deepEqual(parseFormMessage({ kind: 'save', terms, revision: '' }), {
    message: { kind: 'save', terms, revision: '' },
  });
  assert.ok(
    'message' in parseFormMessage({ kind: 'save', terms: { ...terms, seats: 'site' }, revision: 'x' }),
  );
});

test('wrong types, extra fields and unknown kinds are rejected with a reason', () => {
  const rejected: [unknown, RegExp][] = [
    [null, /not an object/],
    ['save', /not an object/],
    [[{ kind: 'ready' }], /not an object/],
    [{ kind: 'delete' }, /unknown message kind "delete"/],
    [{}, /unknown message kind undefined/],
    [{ kind: 'ready', extra: 1 }, /unexpected fields/],
    [{ kind: 'runTestInstall', versionId: '04t000000000001' }, /unexpected fields in runTestInstall/],
    [{ kind: 'save', terms, revision: '', path: '/etc/passwd' }, /exactly kind, terms and revision/],
    [{ kind: 'save', terms, revision: 3 }, /revision must be a string/],
    [
      { kind: 'save', terms: { ...terms, lengthDays: '30' }, revision: '' },
      /lengthDays must be a number or null/,
    ],
    [{ kind: 'save', terms: { ...terms, seats: [] }, revision: '' }, /seats must be a number/],
    [{ kind: 'save', terms: { ...terms, owner: 'x' }, revision: '' }, /exactly status, lengthDays and seats/],
    [{ kind: 'save', terms: { ...terms, status: 1 }, revision: '' }, /status must be a string/],
  ];
  for (const [message, reason] of rejected) {
    const parsed = parseFormMessage(message);
    assert.ok('error' in parsed, JSON.stringify(message));
    assert.match(parsed.error, reason);
  }
});
