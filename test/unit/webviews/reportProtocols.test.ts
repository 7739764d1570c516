// The report webviews' gates: each accepts its declared messages and refuses any other shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDashboardMessage } from '../../../src/protocol/dashboard';
import { parseHealthMessage } from '../../../src/protocol/healthReport';
import { parseReportMessage } from '../../../src/protocol/testInstallReport';

test('the report webviews accept exactly their declared messages', () => {
  assert.deepEqual(parseDashboardMessage({ kind: 'refresh' }), { message: { kind: 'refresh' } });
  assert.deepEqual(parseReportMessage({ kind: 'editTerms' }), { message: { kind: 'editTerms' } });
  assert.deepEqual(parseHealthMessage({ kind: 'open', findingId: 'f1' }), {
    message: { kind: 'open', findingId: 'f1' },
  });
  const refused: [unknown, (m: unknown) => unknown, RegExp][] = [
    ['refresh', parseDashboardMessage, /not an object/],
    [{ kind: 'refresh', all: true }, parseDashboardMessage, /unexpected fields in refresh/],
    [{ kind: 'recheck' }, parseDashboardMessage, /unknown message kind "recheck"/],
    [{ kind: 'showLicense', id: 'x' }, parseReportMessage, /unexpected fields/],
    [{ kind: 'open', findingId: 7 }, parseHealthMessage, /open takes exactly kind and a string findingId/],
    [{ kind: 'open', findingId: 'f1', url: 'javascript:' }, parseHealthMessage, /open takes exactly/],
    [{}, parseHealthMessage, /unknown message kind undefined/],
  ];
  for (const [message, parse, reason] of refused) {
    const parsed = parse(message) as { error?: string };
    assert.match(parsed.error ?? '', reason, JSON.stringify(message));
  }
});
