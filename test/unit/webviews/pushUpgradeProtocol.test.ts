// The push upgrade panel's gate and what its filters mean: the gate passes exactly the declared
// messages (a form field by field), and a form becomes a selection or a message naming what is wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formOfSelection, selectionOfForm } from '../../../src/lma/rules/pushSelection';
import { DEFAULT_SELECTION } from '../../../src/lma/rules/pushUpgrade';
import { toId18 } from '../../../src/lma/records/soql';
import { MAX_ORG_IDS_TEXT, parsePushUpgradeMessage } from '../../../src/protocol/pushUpgrade';

const form = {
  olderVersionsOnly: true,
  statuses: ['Active', 'Trial'],
  orgType: 'production',
  customer: "O'Brien 100%",
  orgIdsText: '',
};

test('the push panel gate accepts exactly its declared messages', () => {
  for (const kind of ['ready', 'finish', 'abort', 'watch', 'loadOrgIds'])
    assert.deepEqual(parsePushUpgradeMessage({ kind }), { message: { kind } });
  assert.deepEqual(parsePushUpgradeMessage({ kind: 'count', seq: 3, form }), {
    message: { kind: 'count', seq: 3, form },
  });
  assert.deepEqual(parsePushUpgradeMessage({ kind: 'preview', form }), {
    message: { kind: 'preview', form },
  });
  assert.deepEqual(parsePushUpgradeMessage({ kind: 'schedule', previewId: 2, when: '2030-01-01T09:30Z' }), {
    message: { kind: 'schedule', previewId: 2, when: '2030-01-01T09:30Z' },
  });
  assert.deepEqual(parsePushUpgradeMessage({ kind: 'showRequest', requestId: '0DV000000000001' }), {
    message: { kind: 'showRequest', requestId: '0DV000000000001' },
  });

  const refused: [unknown, RegExp][] = [
    ['watch', /not an object/],
    [{ kind: 'watch', requestId: '0DV000000000001' }, /unexpected fields in watch/],
    // The page asks for a file; it never names one (the host's own dialog does).
    [{ kind: 'loadOrgIds', path: '/etc/passwd' }, /unexpected fields in loadOrgIds/],
    [{ kind: 'push', orgIds: ['00D000000000001'] }, /unknown message kind "push"/],
    [{ kind: 'count', seq: -1, form }, /seq is not a whole number/],
    [{ kind: 'count', seq: 1.5, form }, /seq is not a whole number/],
    [{ kind: 'count', seq: 1 }, /count takes exactly kind, seq and form/],
    [
      { kind: 'preview', form: { ...form, statuses: ['Active', 'Expired'] } },
      /statuses are not distinct values/,
    ],
    [
      { kind: 'preview', form: { ...form, statuses: ['Active', 'Active'] } },
      /statuses are not distinct values/,
    ],
    [{ kind: 'preview', form: { ...form, orgType: 'scratch' } }, /orgType is not one of/],
    [{ kind: 'preview', form: { ...form, customer: 'x'.repeat(256) } }, /customer is not a text/],
    [{ kind: 'preview', form: { ...form, orgIdsText: 'x'.repeat(MAX_ORG_IDS_TEXT + 1) } }, /orgIdsText/],
    [{ kind: 'preview', form: { ...form, olderVersionsOnly: 'yes' } }, /olderVersionsOnly/],
    [{ kind: 'preview', form: { ...form, jobs: [] } }, /takes exactly olderVersionsOnly/],
    [{ kind: 'preview', form: null }, /preview.form: not an object/],
    // The page names a preview by the host's id, never by a list of orgs.
    [{ kind: 'schedule', previewId: 1, when: '', orgIds: ['00D000000000001'] }, /schedule takes exactly/],
    [{ kind: 'schedule', previewId: '1', when: '' }, /previewId is not a whole number/],
    [{ kind: 'schedule', previewId: 1, when: 'x'.repeat(41) }, /when is not a text/],
    [{ kind: 'showRequest', requestId: "0DV' OR Id != '" }, /requestId is not a record id/],
    [{ kind: 'showRequest', requestId: 1 }, /requestId is not a record id/],
    [{ kind: 'showRequest' }, /showRequest takes exactly kind and requestId/],
  ];
  for (const [message, reason] of refused) {
    const parsed = parsePushUpgradeMessage(message) as { error?: string };
    assert.match(parsed.error ?? '', reason, JSON.stringify(message).slice(0, 200));
  }
});

test('a form becomes the selection it means; a pasted list with bad ids names each line', () => {
  assert.deepEqual(selectionOfForm(formOfSelection(DEFAULT_SELECTION)), { selection: DEFAULT_SELECTION });
  assert.deepEqual(selectionOfForm({ ...formOfSelection(), orgType: 'sandbox', customer: '  Acme ' }), {
    selection: { ...DEFAULT_SELECTION, orgType: 'sandbox', customer: 'Acme' },
  });
  assert.match(
    (selectionOfForm({ ...formOfSelection(), statuses: [] }) as { problem: string }).problem,
    /at least one License status/,
  );

  const good = '00D000000000001';
  const listed = selectionOfForm({ ...formOfSelection(), orgIdsText: `${good}\n${toId18(good)}, ` });
  // The list replaces the filters, and 15 and 18 characters count once.
  assert.deepEqual(listed, { selection: { ...DEFAULT_SELECTION, orgIds: [toId18(good)] } });

  const bad = selectionOfForm({
    ...formOfSelection(),
    orgIdsText: `${good}\n00D00000000001\n001000000000001\n`,
  }) as { problem: string; lines: { line: number }[] };
  assert.deepEqual(
    bad.lines.map((l) => l.line),
    [2, 3],
  );
  assert.match(bad.problem, /line 2: “00D00000000001” has 14 characters/);
  assert.match(bad.problem, /line 3: “001000000000001” doesn't start with 00D/);
  assert.match(
    (selectionOfForm({ ...formOfSelection(), orgIdsText: 'Org ID\n' }) as { problem: string }).problem,
    /no org id/,
  );

  // The form a selection opens the panel with holds its list one id a line.
  assert.equal(formOfSelection({ ...DEFAULT_SELECTION, orgIds: ['a', 'b'] }).orgIdsText, 'a\nb');
});
