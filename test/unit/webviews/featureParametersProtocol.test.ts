import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessage } from '../../../src/protocol/messages';
import { parseFeaturePageMessage, type FeaturePageMessage } from '../../../src/protocol/featureParameters';

const gate = (m: unknown) => parseMessage<FeaturePageMessage>(m, [], parseFeaturePageMessage);
const LICENSE = 'a0L000000000001AAA';
const VALUE = 'a0B000000000001AAA';

test('the declared messages pass exactly', () => {
  assert.deepEqual(gate({ kind: 'saveFeatureParameter', licenseId: LICENSE, id: VALUE, value: true }), {
    message: { kind: 'saveFeatureParameter', licenseId: LICENSE, id: VALUE, value: true },
  });
  assert.deepEqual(gate({ kind: 'refreshFeatureParameters', licenseId: LICENSE }), {
    message: { kind: 'refreshFeatureParameters', licenseId: LICENSE },
  });
});

test('anything else is refused with a reason', () => {
  const refused = [
    { kind: 'saveFeatureParameter', licenseId: LICENSE, id: VALUE },
    {
      kind: 'saveFeatureParameter',
      licenseId: LICENSE,
      id: VALUE,
      value: true,
      direction: 'LmoToSubscriber',
    },
    { kind: 'saveFeatureParameter', licenseId: "x' OR Id != '", id: VALUE, value: 1 },
    { kind: 'saveFeatureParameter', licenseId: LICENSE, id: VALUE, value: { toString: 1 } },
    { kind: 'saveFeatureParameter', licenseId: LICENSE, id: VALUE, value: 'x'.repeat(11) },
    { kind: 'refreshFeatureParameters' },
    { kind: 'deleteFeatureParameter', licenseId: LICENSE },
    [],
    null,
  ];
  for (const m of refused) assert.ok('error' in gate(m), JSON.stringify(m));
});
