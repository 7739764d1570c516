import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPackageTerms, readProjectDocument } from '../../../src/lma/project/projectDocument';
import { readProjectTerms } from '../../../src/lma/project/projectTerms';

const project = {
  packageDirectories: [{ path: 'force-app', package: 'Acme', versionNumber: '1.2.0.NEXT' }],
  packageAliases: {
    Acme: '0Ho000000000001AAA',
    'Acme@1.1.0-1': '04t000000000011AAA',
    'Acme@1.2.0-3': '04t000000000012AAA',
    Shipping: '033000000000002AAA',
  },
  plugins: { lma: { defaultLicensing: { Acme: { status: 'Trial', trialDays: 30, seats: 10 } } } },
};
const plain = JSON.stringify(project, undefined, 2);

test('reads packages, aliases, terms, and no problem', () => {
  const facts = readProjectDocument(plain);
  assert.deepEqual(facts.packages, [
    {
      name: 'Acme',
      packageAliasId: '0Ho000000000001AAA',
      versionIds: ['04t000000000011AAA', '04t000000000012AAA'],
    },
    { name: 'Shipping', packageAliasId: '033000000000002AAA', versionIds: [] },
  ]);
  assert.deepEqual(Object.fromEntries(facts.aliases), project.packageAliases);
  assert.deepEqual(facts.packageAliases, ['Acme', 'Shipping']);
  assert.deepEqual(facts.entries.get('Acme')?.raw, { status: 'Trial', trialDays: 30, seats: 10 });
  assert.deepEqual(facts.entries.get('Acme')?.problems, []);
  assert.deepEqual([facts.parseError, facts.problems], [undefined, []]);
});

test('comments and trailing commas are read, with a warning that the sf CLI refuses them', () => {
  const commented = `{
  "packageDirectories": [{ "path": "force-app", "package": "Acme" },],
  // aliases
  "packageAliases": { "Acme": "0Ho000000000001AAA", "Acme@1.1.0-1": "04t000000000011AAA", },
}`;
  const facts = readProjectDocument(commented);
  assert.deepEqual(facts.packages, [
    { name: 'Acme', packageAliasId: '0Ho000000000001AAA', versionIds: ['04t000000000011AAA'] },
  ]);
  assert.equal(facts.parseError, undefined);
  // The first of them: the trailing comma of packageDirectories, line 2.
  assert.deepEqual(
    facts.problems.map(({ severity, line }) => [severity, line]),
    [['warning', 2]],
  );
  assert.match(facts.problems[0]!.message, /a trailing comma.*sf CLI reads the file as strict JSON/);
  const comment = readProjectDocument(`{ /* x */ "packageAliases": {} }`).problems;
  assert.match(comment[0]!.message, /has a comment/);
  assert.equal(comment[0]!.offset, 2);
});

test('a malformed file is one clear problem and no packages, aliases or terms', () => {
  const broken = plain.replace('"Shipping"', '"Shipping" "oops"');
  const facts = readProjectDocument(broken);
  assert.deepEqual(
    [facts.packages, [...facts.aliases], facts.packageAliases, [...facts.entries]],
    [[], [], [], []],
  );
  assert.equal(facts.problems.length, 1);
  const [problem] = facts.problems;
  assert.equal(problem!.severity, 'error');
  assert.equal(problem!.message, 'The JSON is malformed: a colon is expected.');
  assert.deepEqual([problem!.line, problem!.column], [13, 16]);
  assert.deepEqual(
    facts.parseError,
    readProjectTerms(broken).ok ? undefined : (readProjectTerms(broken) as { error: unknown }).error,
  );
  for (const text of ['', '[]', '"x"', '{ "a": ']) {
    const read = readProjectDocument(text);
    assert.ok(read.parseError, text);
    assert.deepEqual(read.packages, []);
  }
  const wrongShape = readProjectDocument(
    '{ "packageDirectories": {}, "packageAliases": { "A": "033000000000001AAA" } }',
  );
  assert.match(wrongShape.problems[0]!.message, /"packageDirectories" in sfdx-project.json must be an array/);
  assert.deepEqual(wrongShape.packages, []);
});

test('a byte order mark is read as the sf CLI and VS Code read it: not part of the JSON', () => {
  const facts = readProjectDocument(`\uFEFF${plain}`);
  assert.deepEqual(facts.problems, []);
  assert.deepEqual(facts.packages, readProjectDocument(plain).packages);
  assert.equal(facts.revision, readProjectDocument(plain).revision);
  assert.ok(readProjectTerms(`\uFEFF${plain}`).ok);
});

test('the revision changes with what the file means, not with its spacing', () => {
  const { revision } = readProjectDocument(plain);
  assert.equal(readProjectDocument(JSON.stringify(project)).revision, revision);
  assert.notEqual(readProjectDocument(plain.replace('"seats": 10', '"seats": 11')).revision, revision);
  assert.notEqual(readProjectDocument(plain.replace('Shipping', 'Shipment')).revision, revision);
  assert.notEqual(readProjectDocument(`${plain} x`).revision, revision);
  assert.notEqual(readProjectDocument(`// note\n${plain}`).revision, revision); // a warning now
});

test('a huge file: every package and version is read, and nesting deeper than the stack is bounded', () => {
  const count = 20_000;
  const aliases: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    aliases[`P${i}`] = `033${String(i).padStart(12, '0')}AAA`;
    aliases[`P${i}@1.0.0-1`] = `04t${String(i).padStart(12, '0')}AAA`;
  }
  const facts = readProjectDocument(JSON.stringify({ packageAliases: aliases }));
  assert.equal(facts.packages.length, count);
  assert.deepEqual(facts.packages[count - 1], {
    name: `P${count - 1}`,
    packageAliasId: `033${String(count - 1).padStart(12, '0')}AAA`,
    versionIds: [`04t${String(count - 1).padStart(12, '0')}AAA`],
  });
  const deep = `{ "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}, ${JSON.stringify(plain).slice(0, 0)}"packageAliases": { "A": "033000000000001AAA" } }`;
  assert.deepEqual(
    readProjectDocument(deep).packages.map((p) => p.name),
    ['A'],
  );
});

test('the terms of an installed package, from the facts or the text alike', () => {
  const installed = {
    subscriberPackageId: '033000000000099AAA',
    versionId: '04t000000000012',
    packageName: 'x',
  };
  assert.deepEqual(findPackageTerms(plain, installed), {
    alias: 'Acme',
    terms: { status: 'Trial', lengthDays: 30, seats: 10 },
  });
  assert.deepEqual(
    findPackageTerms(readProjectDocument(plain), installed),
    findPackageTerms(plain, installed),
  );
  assert.equal(findPackageTerms('{', installed), undefined);
});
