// SOQL LIKE's work is bounded by the value's length times the pattern's: counted in characters
// compared, not timed. A backtracking matcher tries every placement of the `%` runs (for
// '%a%a%a%a%b' on 255 a's, over a hundred million) and held every other request up for a minute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { likeMatcher } from '../../data/soql/like';
import type { LikeMeter } from '../../data/soql/like';

const matches = (pattern: string, value: string, meter?: LikeMeter): boolean =>
  likeMatcher(`'${pattern}'`, meter)(value);

test("LIKE '%a%a%a%a%b' on 255 a's compares at most value length × pattern length characters", () => {
  const value = 'a'.repeat(255);
  for (const pattern of ['%a%a%a%a%b', '%a%a%a%a%a', '%a_a%a__a%b%', 'a%a%a%a%a%a%a%a%a%a%a%b']) {
    const meter = { comparisons: 0 };
    const matched = matches(pattern, value, meter);
    assert.equal(matched, !pattern.includes('b'), pattern);
    assert.ok(meter.comparisons > 0, 'the meter counts');
    assert.ok(
      meter.comparisons <= value.length * pattern.length,
      `${pattern}: ${meter.comparisons} comparisons, over ${value.length * pattern.length}`,
    );
  }
});

test('LIKE matches as SOQL does: % any run, _ one character, escapes, any case', () => {
  assert.equal(matches('Acme%', 'ACME Billing'), true);
  assert.equal(matches('%bill%', 'Acme Billing'), true);
  assert.equal(matches('A_me', 'Acme'), true);
  assert.equal(matches('A_me', 'Acne Inc'), false);
  assert.equal(matches('100\\%', '100%'), true);
  assert.equal(matches('100\\%', '1000'), false);
  assert.equal(matches('%a%b', 'ab'), true);
  assert.equal(matches('%a%b', 'ba'), false);
});
