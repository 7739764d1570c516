// SOQL LIKE in the local org: wildcards, the escapes \% \_ \\, case, and the same answers as a
// regular expression, without its backtracking.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase } from 'lma-local-org/data';
import { likeMatcher } from '../../../localOrg/data/soql/like';
import { containsPattern } from '../../../src/lma/records/soql';
const LMO_ID = '00D000000000001EAA';

const like = (pattern: string, value: string): boolean => likeMatcher(pattern)(value);

describe('LIKE', () => {
  test('% and _ as wildcards, case-insensitively, anchored at both ends', () => {
    assert.ok(like(`'ac%'`, 'Acme'));
    assert.ok(like(`'%ME'`, 'Acme'));
    assert.ok(like(`'a_m_'`, 'Acme'));
    assert.ok(like(`'%'`, ''));
    assert.ok(like(`'%%'`, 'x'));
    assert.ok(!like(`'a_m'`, 'Acme'));
    assert.ok(!like(`'cm'`, 'Acme'));
    assert.ok(like(`'%cm%'`, 'Acme'));
    // The first and the last piece may not overlap.
    assert.ok(!like(`'ab%ba'`, 'aba'));
    assert.ok(like(`'ab%ba'`, 'abba'));
    // One character is one code point, also outside the BMP.
    assert.ok(like(`'_'`, '😀'));
    assert.ok(like(`'straße%'`, 'STRAßE 1'));
  });

  test('\\% \\_ and \\\\ match themselves; other escapes as in string literals', () => {
    assert.ok(like(`'100\\%'`, '100%'));
    assert.ok(!like(`'100\\%'`, '1000'));
    assert.ok(like(`'a\\_b'`, 'a_b'));
    assert.ok(!like(`'a\\_b'`, 'axb'));
    assert.ok(like(`'a\\\\b'`, 'a\\b'));
    assert.ok(!like(`'a\\\\b'`, 'ab'));
    // \\ followed by %: a backslash, then the wildcard.
    assert.ok(like(`'a\\\\%'`, 'a\\anything'));
    assert.ok(like(`'it\\'s%'`, "it's here"));
    assert.ok(like(`'a\\nb'`, 'a\nb'));
  });

  test('agrees with a regular expression on every pattern over a, b, % and _ up to 5 characters', () => {
    const alphabet = ['a', 'b', '%', '_'];
    const patterns: string[] = [''];
    for (let n = 1; n <= 5; n++)
      for (const p of patterns.filter((x) => x.length === n - 1))
        for (const c of alphabet) patterns.push(p + c);
    const values: string[] = [''];
    for (let n = 1; n <= 6; n++)
      for (const v of values.filter((x) => x.length === n - 1))
        for (const c of ['a', 'b']) values.push(v + c);
    let checked = 0;
    for (const p of patterns) {
      const re = new RegExp(`^${p.replace(/%/g, '.*').replace(/_/g, '.')}$`);
      const m = likeMatcher(`'${p}'`);
      for (const v of values) {
        assert.equal(m(v), re.test(v), `'${p}' on '${v}'`);
        checked++;
      }
    }
    assert.ok(checked > 100_000);
  });

  test('Find License for "%", "_" or "\\" finds only what contains it (containsPattern of src/lma/records/soql)', async () => {
    const db = await openDatabase({});
    const org = db.org(LMO_ID, { kind: 'lmo' });
    for (const Name of ['Growth 100% Ltd', 'Acme_Labs', 'Back\\slash Inc', 'Plain Corp'])
      await org.create('Account', { Name });
    const find = (term: string): unknown[] =>
      org
        .query(`SELECT Name FROM Account WHERE Name LIKE ${containsPattern(term)} ORDER BY Name`)
        .records.map((r) => r.Name);
    assert.deepEqual(find('%'), ['Growth 100% Ltd']);
    assert.deepEqual(find('_'), ['Acme_Labs']);
    assert.deepEqual(find('\\'), ['Back\\slash Inc']);
    assert.deepEqual(find('0%'), ['Growth 100% Ltd']);
    assert.deepEqual(find('corp'), ['Plain Corp']);
    await db.close();
  });
});
