import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLicenseFormMessage } from '../../../src/protocol/license';

test('the declared messages of the Modify License form are accepted as they are', () => {
  for (const kind of ['ready', 'reload', 'openInSalesforce'])
    assert.deepEqual(parseLicenseFormMessage({ kind }), { message: { kind } });
  const save = {
    kind: 'save',
    change: { seats: 12, expiration: null, status: 'Active' },
    revision: '2026-11-29T00:00:00.000+0000',
  };
  assert.deepEqual(parseLicenseFormMessage(save), { message: save });
  assert.ok('message' in parseLicenseFormMessage({ kind: 'save', change: {}, revision: 'x' }));
});

test('wrong types, extra fields and unknown kinds are rejected with a reason', () => {
  const rejected: [unknown, RegExp][] = [
    [null, /not an object/],
    [[{ kind: 'ready' }], /not an object/],
    [{ kind: 'ready', extra: 1 }, /unexpected fields/],
    [{ kind: 'deleteLicense' }, /unknown message kind/],
    [{ kind: 'save', change: { seats: 1 } }, /exactly kind, change and revision/],
    [{ kind: 'save', change: { seats: 1 }, revision: 5 }, /revision must be a string/],
    [{ kind: 'save', change: null, revision: '' }, /change must be an object/],
    [{ kind: 'save', change: { seats: '12' }, revision: '' }, /seats must be a number/],
    [{ kind: 'save', change: { status: 1 }, revision: '' }, /status must be a string/],
    [
      { kind: 'save', change: { expiration: 20261129 }, revision: '' },
      /expiration must be a date string or null/,
    ],
    [
      { kind: 'save', change: { sfLma__Status__c: 'Active' }, revision: '' },
      /unknown field "sfLma__Status__c"/,
    ],
    [{ kind: 'save', change: { seats: 1 }, revision: '', id: 'a0L…' }, /exactly kind, change and revision/],
  ];
  for (const [message, reason] of rejected) {
    const parsed = parseLicenseFormMessage(message);
    assert.ok('error' in parsed, JSON.stringify(message));
    assert.match(parsed.error, reason);
  }
});
