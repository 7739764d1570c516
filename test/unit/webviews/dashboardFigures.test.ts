// The dashboard's figures as links: the gate passes only a declared figure, and each figure's list is
// queried with the condition its count is (escaped: a status enters only as a literal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  figureCondition,
  figureTitle,
  NO_STATUS,
  type DashboardFigure,
} from '../../../src/lma/records/dashboard';
import { parseDashboardMessage } from '../../../src/protocol/dashboard';

test('the dashboard gate accepts each declared figure as it is', () => {
  const figures: DashboardFigure[] = [
    { kind: 'all' },
    { kind: 'status', status: 'Active' },
    { kind: 'trialsExpiring', days: 7 },
    { kind: 'trialsExpiring', days: 30 },
    { kind: 'activeWithSeats' },
    { kind: 'siteLicenses' },
  ];
  for (const figure of figures)
    assert.deepEqual(parseDashboardMessage({ kind: 'openFigure', figure }), {
      message: { kind: 'openFigure', figure },
    });
});

test('the dashboard gate refuses any other figure with a reason', () => {
  const refused: [unknown, RegExp][] = [
    [{ kind: 'openFigure' }, /exactly kind and figure/],
    [{ kind: 'openFigure', figure: { kind: 'all' }, soql: 'x' }, /exactly kind and figure/],
    [{ kind: 'openFigure', figure: 'all' }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'trialsExpiring', days: 8 } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'trialsExpiring', days: '7' } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'status', status: 3 } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'status', status: '' } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'status', status: 'x'.repeat(256) } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'all', where: '1=1' } }, /not a figure/],
    [{ kind: 'openFigure', figure: { kind: 'everything' } }, /not a figure/],
  ];
  for (const [message, reason] of refused) {
    const parsed = parseDashboardMessage(message) as { error?: string };
    assert.match(parsed.error ?? '', reason, JSON.stringify(message));
  }
});

test("a figure's condition is its count's, with the status escaped", () => {
  assert.equal(figureCondition({ kind: 'all' }), undefined);
  assert.equal(figureCondition({ kind: 'status', status: 'Active' }), "sfLma__Status__c = 'Active'");
  assert.equal(
    figureCondition({ kind: 'status', status: "x' OR Name != '" }),
    "sfLma__Status__c = 'x\\' OR Name != \\''",
  );
  assert.equal(figureCondition({ kind: 'status', status: NO_STATUS }), 'sfLma__Status__c = null');
  assert.equal(
    figureCondition({ kind: 'trialsExpiring', days: 7 }),
    "sfLma__Status__c = 'Trial' AND sfLma__Expiration__c >= TODAY AND sfLma__Expiration__c <= NEXT_N_DAYS:7",
  );
  assert.equal(
    figureTitle({ kind: 'trialsExpiring', days: 7 }, undefined),
    'Trials expiring in the next 7 days',
  );
  assert.equal(figureTitle({ kind: 'status', status: 'Trial' }, 'Acme'), 'Trial Licenses of Acme');
});
