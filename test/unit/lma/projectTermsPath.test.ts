// Saving terms into an sfdx-project.json whose path to them is not a plain chain of objects (issue 19):
// a string where an object belongs, or a key written twice, is refused with a message that says
// where, and nothing is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from 'jsonc-parser';
import {
  entryRevision,
  planTermsSave,
  readProjectTerms,
  writeTerms,
  type SavePlan,
} from '../../../src/lma/project/projectTerms';

const trial = { status: 'Trial', lengthDays: 45, seats: 25 } as const;
const aliases = `  "packageAliases": {
    "Acme": "0Ho000000000001AAA"
  },`;

const rejection = (plan: SavePlan): string => {
  assert.equal(plan.kind, 'rejected', JSON.stringify(plan));
  return (plan as { message: string }).message;
};

for (const [where, text, line] of [
  ['plugins', `{\n${aliases}\n  "plugins": "lma"\n}\n`, 5],
  ['plugins.lma', `{\n${aliases}\n  "plugins": {\n    "lma": "on"\n  }\n}\n`, 6],
  [
    'plugins.lma.defaultLicensing',
    `{\n${aliases}\n  "plugins": {\n    "lma": {\n      "defaultLicensing": "Acme"\n    }\n  }\n}\n`,
    7,
  ],
  ['plugins.lma (an array)', `{\n${aliases}\n  "plugins": { "lma": [] }\n}\n`, 5],
] as const)
  test(`a string where ${where} should be an object is refused with a message, not thrown`, () => {
    const message = rejection(planTermsSave(text, 'Acme', trial, ''));
    const name = where.split(' ')[0]!;
    assert.match(
      message,
      new RegExp(`${name.replaceAll('.', '\\.')} is (a string|an array) \\(line ${line}\\)`),
    );
    assert.match(message, /not an object/);
    assert.match(message, /Nothing was written\.$/);
    assert.throws(() => writeTerms(text, 'Acme', trial), new RegExp(`line ${line}`));
  });

test('packageAliases as a string: adding the alias is refused with a message', () => {
  const text = `{\n  "packageAliases": "none",\n  "plugins": { "lma": { "defaultLicensing": {} } }\n}\n`;
  const message = rejection(
    planTermsSave(text, 'Acme Insights', trial, '', {
      alias: 'Acme Insights',
      packageId: '033000000000002AAA',
    }),
  );
  assert.match(message, /packageAliases is a string \(line 2\), not an object/);
});

for (const [what, text, lines, key] of [
  [
    'plugins',
    `{\n${aliases}\n  "plugins": { "lma": { "defaultLicensing": {} } },\n  "plugins": { "other": true }\n}\n`,
    [5, 6],
    '"plugins"',
  ],
  [
    'lma',
    `{\n${aliases}\n  "plugins": {\n    "lma": { "defaultLicensing": {} },\n    "lma": { "defaultLicensing": {} }\n  }\n}\n`,
    [6, 7],
    '"lma" in plugins',
  ],
  [
    'defaultLicensing',
    `{\n${aliases}\n  "plugins": {\n    "lma": {\n      "defaultLicensing": {},\n      "defaultLicensing": {}\n    }\n  }\n}\n`,
    [7, 8],
    '"defaultLicensing" in plugins.lma',
  ],
  [
    'the alias',
    `{\n${aliases}\n  "plugins": {\n    "lma": {\n      "defaultLicensing": {\n        "Acme": { "status": "Trial", "trialDays": 30, "seats": 1 },\n        "Acme": { "status": "Trial", "trialDays": 45, "seats": 25 }\n      }\n    }\n  }\n}\n`,
    [8, 9],
    '"Acme" in plugins.lma.defaultLicensing',
  ],
] as const)
  test(`${what} written twice on the path: the save is refused, naming both lines`, () => {
    // The reader takes the last occurrence; jsonc's edit would land on the first.
    const read = readProjectTerms(text);
    assert.ok(read.ok);
    // The form's revision is the entry as read: the refusal is about the duplicate, not a conflict.
    const message = rejection(
      planTermsSave(text, 'Acme', { ...trial, seats: 7 }, entryRevision(read.project, 'Acme')),
    );
    assert.ok(message.includes(`${key} twice (lines ${lines[0]} and ${lines[1]})`), message);
    assert.match(message, /Nothing was written\.$/);
    assert.throws(() => writeTerms(text, 'Acme', trial), new RegExp(`lines ${lines[0]} and ${lines[1]}`));
  });

test('the same key in another object is no duplicate: the save goes through', () => {
  const text = `{\n${aliases}\n  "plugins": {\n    "other": { "lma": 1 },\n    "lma": { "defaultLicensing": {} }\n  }\n}\n`;
  const plan = planTermsSave(text, 'Acme', trial, '');
  assert.equal(plan.kind, 'write');
  const after = applyEdits(text, (plan as { edits: Parameters<typeof applyEdits>[1] }).edits);
  const read = readProjectTerms(after);
  assert.ok(read.ok);
  assert.deepEqual(read.project.entries.get('Acme')?.terms, trial);
});
