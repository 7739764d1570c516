import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUsageMessage } from '../../../src/protocol/usage';

test('the usage panel accepts its declared messages as they are', () => {
  for (const kind of ['ready', 'refresh', 'exportCsv'])
    assert.deepEqual(parseUsageMessage({ kind }), { message: { kind } });
  for (const orgId of ['00D000000000007', '00D000000000007AAA'])
    assert.deepEqual(parseUsageMessage({ kind: 'showOrg', orgId }), { message: { kind: 'showOrg', orgId } });
});

test('a forged or malformed usage message is refused with a reason', () => {
  const refused: [unknown, RegExp][] = [
    [null, /not an object/],
    [{ kind: 'refresh', cache: false }, /unexpected fields/],
    [{ kind: 'clearCache' }, /unknown message kind/],
    [{ kind: 'showOrg' }, /exactly kind and orgId/],
    [{ kind: 'showOrg', orgId: '00D000000000007', packageName: 'x' }, /exactly kind and orgId/],
    [{ kind: 'showOrg', orgId: "00D' OR Id != '" }, /not an org id/],
    [{ kind: 'showOrg', orgId: 'a0L000000000001' }, /not an org id/],
    [{ kind: 'showOrg', orgId: 7 }, /not an org id/],
  ];
  for (const [message, reason] of refused) {
    const parsed = parseUsageMessage(message);
    assert.ok('error' in parsed, `${JSON.stringify(message)} was accepted`);
    assert.match(parsed.error, reason);
  }
});
