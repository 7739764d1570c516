// The local org and the extension each state Salesforce's limits of the LMA and the Partner Console
// (the local org imports nothing from src/): here they must agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SEATS, PERPETUAL_DATE, SITE_LICENSE } from '../../../localOrg/data/schema/lma';
import { validateDefaults } from '../../../localOrg/world/partnerConsole';
import { MAX_TRIAL_DAYS } from '../../../localOrg/world/state';
import * as encodings from '../../../src/lma/rules/encodings';
import * as terms from '../../../src/lma/rules/licensingTerms';

test('the seat limit, the site-license seats, the does-not-expire date and the longest trial agree', () => {
  assert.equal(MAX_SEATS, encodings.MAX_SEATS);
  assert.equal(SITE_LICENSE, encodings.SITE_LICENSE_SEATS);
  assert.equal(PERPETUAL_DATE, encodings.PERPETUAL_DATE);
  assert.equal(MAX_TRIAL_DAYS, encodings.MAX_TRIAL_DAYS);
});

test("the Partner Console accepts every default the extension's form accepts, and refuses the same limits", () => {
  const lengths = [null, -1, 0, 1, 1.5, 30, MAX_TRIAL_DAYS, MAX_TRIAL_DAYS + 1, terms.MAX_ACTIVE_DAYS, 'x'];
  const seats = [-1, 0, 1, 1.5, 25, MAX_SEATS, MAX_SEATS + 1, 'site', 'all', null];
  let accepted = 0;
  for (const status of ['Trial', 'Active', 'Suspended'])
    for (const lengthDays of lengths)
      for (const seat of seats) {
        const input = { status, lengthDays, seats: seat };
        const extension = terms.checkTerms(input).length === 0;
        let console = true;
        try {
          assert.deepEqual(validateDefaults(input), input);
        } catch {
          console = false;
        }
        assert.equal(
          console,
          extension,
          `${JSON.stringify(input)}: console ${console}, extension ${extension}`,
        );
        if (extension) accepted++;
      }
  assert.ok(accepted > 10, `only ${accepted} combinations accepted`);
  // Beyond the extension's own ceiling of an active license's length (the console states none):
  const long = { status: 'Active', lengthDays: terms.MAX_ACTIVE_DAYS + 1, seats: 1 };
  assert.ok(terms.checkTerms(long).length > 0);
  assert.deepEqual(validateDefaults(long), long);
  assert.throws(
    () => validateDefaults({ status: 'Trial', lengthDays: 5, seats: 1, extra: true }),
    /Unknown key/,
  );
  assert.throws(() => validateDefaults(null), /object/);
});
