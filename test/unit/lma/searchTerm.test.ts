import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SEARCH_TERM, searchTermProblem } from '../../../src/lma/records/licenses';

test('a search term is refused when empty or longer than any name it could match', () => {
  assert.equal(searchTermProblem('   '), 'Type what to look for');
  assert.equal(searchTermProblem('Acme'), undefined);
  assert.equal(searchTermProblem(` ${'a'.repeat(MAX_SEARCH_TERM)} `), undefined);
  assert.equal(
    searchTermProblem('x'.repeat(10_000)),
    'Type at most 255 characters (this is 10,000): no org id, org name or customer name is longer.',
  );
});
