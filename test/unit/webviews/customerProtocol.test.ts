import assert from 'node:assert/strict';
import { test } from 'node:test';
import { licenseActions, parseCustomerMessage } from '../../../src/protocol/customer';
import type { License } from '../../../src/lma/records/types';

test('the customer view accepts its declared messages as they are', () => {
  for (const kind of ['ready', 'refresh', 'logIn'])
    assert.deepEqual(parseCustomerMessage({ kind }), { message: { kind } });
  const action = { kind: 'licenseAction', action: 'extendTrial', licenseId: 'a0L000000000001AAA' };
  assert.deepEqual(parseCustomerMessage(action), { message: action });
  const open = { kind: 'openInSalesforce', recordId: 'a0P000000000001' };
  assert.deepEqual(parseCustomerMessage(open), { message: open });
});

test('a forged or malformed message is refused with a reason', () => {
  const refused: [unknown, RegExp][] = [
    [null, /not an object/],
    [{ kind: 'logIn', orgId: '00D000000000001' }, /unexpected fields/],
    [{ kind: 'deleteLicense', licenseId: 'a0L000000000001' }, /unknown message kind/],
    [{ kind: 'licenseAction', action: 'delete', licenseId: 'a0L000000000001' }, /action must be one of/],
    [
      { kind: 'licenseAction', action: 'modify', licenseId: "a0L' OR Id != '" },
      /licenseId must be a record id/,
    ],
    [{ kind: 'licenseAction', action: 'modify' }, /exactly kind, action and licenseId/],
    [{ kind: 'openInSalesforce', recordId: 'https://evil.example/' }, /recordId must be a record id/],
    [{ kind: 'openInSalesforce', recordId: '/0010000', extra: 1 }, /exactly kind and recordId/],
  ];
  for (const [message, reason] of refused) {
    const parsed = parseCustomerMessage(message);
    assert.ok('error' in parsed, JSON.stringify(message));
    assert.match(parsed.error, reason);
  }
});

test("a License offers the tree's actions for its Status, none once Uninstalled", () => {
  const of = (status: string) => licenseActions({ status } as License);
  assert.deepEqual(of('Trial'), ['modify', 'extendTrial', 'convertToActive', 'suspend']);
  assert.deepEqual(of('Active'), ['modify', 'suspend']);
  assert.deepEqual(of('Suspended'), ['modify', 'reactivate']);
  assert.deepEqual(of('Uninstalled'), []);
  assert.deepEqual(of('Something else'), ['modify']);
});

test("the customer view's gate accepts the feature parameters section's messages, and refuses forged ones", () => {
  const save = {
    kind: 'saveFeatureParameter',
    licenseId: 'a0L000000000001AAA',
    id: 'a1F000000000001',
    value: true,
  };
  assert.deepEqual(parseCustomerMessage(save), { message: save });
  const refresh = { kind: 'refreshFeatureParameters', licenseId: 'a0L000000000001AAA' };
  assert.deepEqual(parseCustomerMessage(refresh), { message: refresh });
  const refused: [unknown, RegExp][] = [
    [{ ...save, id: "a1F' OR Id != '" }, /id must be a record id/],
    [{ ...save, value: { evil: 1 } }, /value must be/],
    [{ ...save, extra: 1 }, /exactly kind, licenseId, id and value/],
    [{ kind: 'refreshFeatureParameters' }, /exactly kind and licenseId/],
  ];
  for (const [message, reason] of refused) {
    const parsed = parseCustomerMessage(message);
    assert.ok('error' in parsed, JSON.stringify(message));
    assert.match(parsed.error, reason);
  }
});
