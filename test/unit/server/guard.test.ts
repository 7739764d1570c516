// The language server's guard around each analysis (server/guard.ts): a throw is logged with the
// document, and that document gets the fallback instead of the server failing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guarded } from '../../../server/guard';

test('an analysis that throws is logged with its document and answered with the fallback', () => {
  const logged: string[] = [];
  const log = { error: (message: string) => logged.push(message) };
  const overflow = () => {
    const deeper = (n: number): number => deeper(n + 1) + 1;
    return deeper(0);
  };
  assert.deepEqual(
    guarded(log, 'Diagnostics', 'file:///a/sfdx-project.json', [], () => [overflow()]),
    [],
  );
  assert.equal(logged.length, 1);
  assert.match(
    logged[0]!,
    /^Diagnostics of file:\/\/\/a\/sfdx-project\.json failed; it gets no results: RangeError/,
  );
  assert.equal(
    guarded(log, 'Hover', 'file:///b', null, () => 'answered'),
    'answered',
  );
  assert.equal(logged.length, 1, 'an answer logs nothing');
});
