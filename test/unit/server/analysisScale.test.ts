// The language server's analysis on hostile and heavy sfdx-project.json files (issue 19): a deep nest
// is answered without throwing, a large file is answered correctly, and the work grows linearly with
// the file. Work is counted, not timed: V8's precise coverage counts every block of JavaScript that
// runs (the analysis, jsonc-parser, the domain's rules); the time is bench/languageServer.ts's.
import assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { after, before, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { boundDepth, codeActions, complete, diagnose, hover, MAX_DEPTH } from '../../../server/analysis';
import type { LmoPackages } from '../../../src/protocol/languageServer';
import type { Package } from '../../../src/lma/records/types';

const DEEP = 100_000;
const nest = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(12, '0')}AAA`;

/** n packages: an alias and a version alias each, terms for each with a bad seats value. */
function bigProject(n: number, extra = ''): string {
  const aliases: string[] = [];
  const terms: string[] = [];
  for (let i = 0; i < n; i++) {
    aliases.push(`    "P${i}": "${id('0Ho', i)}",`, `    "P${i}@1.0.0-1": "${id('04t', i)}",`);
    terms.push(`        "P${i}": { "status": "Trial", "trialDays": 30, "seats": ${i % 2 ? 0 : 5} }`);
  }
  return `{
  "packageDirectories": [${extra || '{ "path": "force-app" }'}],
  "packageAliases": {
${aliases.join('\n')}
    "Unused": "${id('0Ho', n)}"
  },
  "plugins": {
    "lma": {
      "defaultLicensing": {
${terms.join(',\n')}
      }
    }
  }
}
`;
}

/** An LMO that knows every fourth package by one of its versions, and has 50 packages of its own. */
function lmoOf(n: number): LmoPackages {
  const packages: Package[] = [];
  for (let i = 0; i < n + 50; i++)
    packages.push({
      id: id('a01', i),
      name: `Package ${i}`,
      packageId: id('033', i),
      developerName: `P${i}`,
      latestVersion: '1.0.0',
      versions:
        i % 4 === 0 && i < n
          ? [
              {
                id: id('a02', i),
                packageId: id('a01', i),
                name: '1.0',
                versionNumber: '1.0.0',
                versionId: id('04t', i),
                releaseDate: undefined,
                isBeta: false,
                sequence: 1,
                licenseTotal: i,
              },
            ]
          : [],
      licenseCounts: { Active: i },
      licenseTotal: i,
    });
  return { connected: true, org: { username: 'admin@lmo', orgId: '00D000000000001AAA' }, packages };
}

const documentOf = (text: string) => TextDocument.create('file:///p/sfdx-project.json', 'json', 1, text);
const markdown = (text: string, at: number, lmo?: LmoPackages) =>
  (hover(documentOf(text), at, lmo)?.contents as { value: string } | undefined)?.value;

test(`a ${DEEP.toLocaleString('en-US')}-deep nested array is answered without throwing`, () => {
  for (const text of [
    bigProject(2, nest(DEEP)),
    bigProject(2).replace('"seats": 0', `"seats": ${nest(DEEP)}`),
  ]) {
    const document = documentOf(text);
    const diagnostics = diagnose(document, undefined);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['seats'],
    );
    const afterNest = text.indexOf('"P1": {') + 2;
    assert.match(markdown(text, afterNest) ?? '', /\*\*P1\*\*/);
    assert.ok(Array.isArray(complete(document, text.indexOf('"status"') + 1, undefined)));
    assert.ok(Array.isArray(codeActions(document, diagnostics[0]!.range, diagnostics)));
  }
  // An unclosed one, and one in a string or a comment (which is no nest at all).
  assert.deepEqual(diagnose(documentOf(`{ "a": ${'['.repeat(DEEP)}`), undefined), []);
  const quoted = bigProject(1).replace('"force-app"', `"${'['.repeat(DEEP)}" /* ${'{'.repeat(DEEP)} */`);
  assert.equal(boundDepth(quoted), quoted);
  // A line comment ends at a carriage return too: what follows it is counted.
  const afterComment = boundDepth(`// x\r${'['.repeat(DEEP)}`);
  assert.equal(afterComment.slice(0, 5 + MAX_DEPTH + 1), `// x\r${'['.repeat(MAX_DEPTH + 1)}`);
  assert.equal(afterComment.trimEnd(), afterComment.slice(0, 5 + MAX_DEPTH + 1));
});

test('only what is nested deeper than the bound is blanked; offsets and line breaks stay', () => {
  // The root object and MAX_DEPTH arrays: the innermost array is one level too deep to walk into.
  const opening = `{ "a": ${'['.repeat(MAX_DEPTH)}`;
  const inside = '"x",\n{ "b": "]" } ';
  const closing = `${']'.repeat(MAX_DEPTH)}, "c": 1 }`;
  const bounded = boundDepth(opening + inside + closing);
  assert.equal(bounded, opening + '    \n' + ' '.repeat(inside.length - 5) + closing);
  const shallow = `{ "a": ${nest(MAX_DEPTH - 1)} }`;
  assert.equal(boundDepth(shallow), shallow);
});

test('a large file is answered correctly: every diagnostic, the LMO match of every alias, completion, hover', () => {
  const n = 5_000;
  const text = bigProject(n);
  const document = documentOf(text);
  const lmo = lmoOf(n);
  const diagnostics = diagnose(document, lmo);
  const seats = diagnostics.filter((d) => d.code === 'seats');
  const notAssociated = diagnostics.filter((d) => d.code === 'notAssociated');
  assert.equal(seats.length, n / 2);
  assert.equal(notAssociated.length, n - n / 4, 'all but the packages the LMO knows by a version');
  assert.equal(diagnostics.length, seats.length + notAssociated.length);
  assert.deepEqual(document.offsetAt(seats.at(-1)!.range.start), text.lastIndexOf('"seats": 0') + 9);

  const last = text.indexOf(`"P${n - 4}": {`) + 2;
  assert.match(markdown(text, last, lmo) ?? '', new RegExp(`\\*\\*Package ${n - 4}\\*\\*`));
  assert.match(markdown(text, text.indexOf(`"P${n - 1}": {`) + 2, lmo) ?? '', /is not associated/);
  // Completion of the one alias without terms, and of the keys of an entry.
  const completion = complete(document, text.indexOf('"defaultLicensing": {') + 22, lmo);
  assert.deepEqual(
    completion.map((item) => item.label),
    ['Unused'],
  );
  assert.deepEqual(
    complete(document, text.indexOf('"status"', last) - 1, lmo).map((item) => item.label),
    ['activeDays'],
  );
});

// ---- Work, counted ----

const session = new Session();
before(async () => {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
});
after(async () => {
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
});

/** The blocks of JavaScript run by `work` (V8's precise coverage counts; taking them resets them). */
async function blocksRun(work: () => void): Promise<number> {
  await session.post('Profiler.takePreciseCoverage');
  work();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  let blocks = 0;
  for (const script of result)
    for (const fn of script.functions) for (const range of fn.ranges) blocks += range.count;
  return blocks;
}

test('the work grows linearly with the file: 8 times the packages, about 8 times the blocks run', async (t) => {
  const work = async (n: number) => {
    const text = bigProject(n);
    const lmo = lmoOf(n);
    const termsAt = text.indexOf('"defaultLicensing": {') + 22;
    const aliasAt = text.indexOf(`"P${n - 4}": {`) + 2;
    return blocksRun(() => {
      // A fresh document each time: nothing is reused from an earlier call.
      const diagnostics = diagnose(documentOf(text), lmo);
      complete(documentOf(text), termsAt, lmo);
      hover(documentOf(text), aliasAt, lmo);
      codeActions(documentOf(text), diagnostics.at(-1)!.range, diagnostics.slice(-1));
      diagnose(documentOf(text.replace('"Unused"', '"Unused2"')), lmo);
    });
  };
  const small = await work(500);
  const large = await work(4_000);
  const ratio = large / small;
  t.diagnostic(`${small} blocks for 500 packages, ${large} for 4,000: ${ratio.toFixed(2)} times`);
  assert.ok(ratio > 4 && ratio < 10, `8 times the packages ran ${ratio.toFixed(1)} times the blocks`);
});
