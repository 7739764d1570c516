// The push request view's gate: its bare actions pass, any other shape is refused (an action never
// carries an id: the host acts on the request it read); a saved subject is checked before a reload
// reopens it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePushRequestMessage, parsePushRequestSubject } from '../../../src/protocol/pushRequest';

test('the push request view accepts exactly its declared messages', () => {
  for (const kind of ['ready', 'refresh', 'retry', 'abort', 'finish', 'exportCsv'])
    assert.deepEqual(parsePushRequestMessage({ kind }), { message: { kind } });
  const refused: [unknown, RegExp][] = [
    ['retry', /not an object/],
    [null, /not an object/],
    [[{ kind: 'retry' }], /not an object/],
    [{ kind: 'abort', requestId: '0DV000000000001' }, /unexpected fields in abort/],
    [{ kind: 'retry', orgIds: ['00D000000000001'] }, /unexpected fields in retry/],
    [{ kind: 'delete' }, /unknown message kind "delete"/],
  ];
  for (const [message, reason] of refused)
    assert.match((parsePushRequestMessage(message) as { error?: string }).error ?? '', reason);
});

test('a saved subject reopens only with the shape the panel saves', () => {
  const subject = {
    packageRecordId: 'a0P000000000001',
    packageName: 'Billing',
    requestId: '0DV000000000001AAA',
  };
  assert.deepEqual(parsePushRequestSubject(subject), subject);
  for (const bad of [
    undefined,
    null,
    'x',
    { ...subject, requestId: "0DV' OR Id != '" },
    { ...subject, extra: 1 },
    { packageRecordId: 'a0P000000000001', packageName: 'Billing' },
    { ...subject, packageName: 'x'.repeat(256) },
  ])
    assert.equal(parsePushRequestSubject(bad), undefined, JSON.stringify(bad));
});
