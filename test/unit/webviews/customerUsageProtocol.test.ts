import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCustomerMessage } from '../../../src/protocol/customer';

test("the customer view's gate accepts the usage section's messages as they are", () => {
  for (const kind of ['loadUsage', 'refreshUsage'])
    assert.deepEqual(parseCustomerMessage({ kind }), { message: { kind } });
  const show = { kind: 'showPackageUsage', packageRecordId: 'a0A000000000001AAA' };
  assert.deepEqual(parseCustomerMessage(show), { message: show });
});

test('a forged usage section message is refused with a reason', () => {
  const refused: [unknown, RegExp][] = [
    [{ kind: 'loadUsage', orgId: '00D000000000001' }, /unexpected fields in loadUsage/],
    [{ kind: 'refreshUsage', refresh: true }, /unexpected fields in refreshUsage/],
    [{ kind: 'showPackageUsage' }, /exactly kind and packageRecordId/],
    [{ kind: 'showPackageUsage', packageRecordId: "a0A' OR Id != '" }, /must be a record id/],
    [{ kind: 'showPackageUsage', packageRecordId: 42 }, /must be a record id/],
    [
      { kind: 'showPackageUsage', packageRecordId: 'a0A000000000001', packageName: 'x' },
      /exactly kind and packageRecordId/,
    ],
  ];
  for (const [message, reason] of refused) {
    const parsed = parseCustomerMessage(message);
    assert.ok('error' in parsed, JSON.stringify(message));
    assert.match(parsed.error, reason);
  }
});
