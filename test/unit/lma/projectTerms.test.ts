import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  entryRevision,
  planTermsSave,
  readProjectTerms,
  termsEdits,
  writeTerms,
  ProjectTermsError,
  type SavePlan,
} from '../../../src/lma/project/projectTerms';
import { applyEdits } from 'jsonc-parser';

const editsOf = (plan: SavePlan) => {
  assert.equal(plan.kind, 'write');
  return (plan as Extract<SavePlan, { kind: 'write' }>).edits;
};

const trial = { status: 'Trial', lengthDays: 45, seats: 25 } as const;

const handWritten = `{
    // The team's project: comments, 4-space indents and a one-line plugin setting stay as they are.
    "packageDirectories": [{ "path": "force-app", "package": "Acme", "versionNumber": "1.0.0.NEXT" }],
    "packageAliases": {
        "Acme": "0Ho000000000001AAA",
        "Acme@1.0.0-1": "04t000000000001AAA"
    },
    "plugins": {
        "someOtherTool": { "keep": true }
    }
}
`;

test('writing terms inserts only the new entry, formatted like the file', () => {
  const after = writeTerms(handWritten, 'Acme', trial);
  assert.equal(
    after,
    handWritten.replace(
      '"someOtherTool": { "keep": true }\n',
      `"someOtherTool": { "keep": true },
        "lma": {
            "defaultLicensing": {
                "Acme": {
                    "status": "Trial",
                    "trialDays": 45,
                    "seats": 25
                }
            }
        }
`,
    ),
  );
});

test('changing terms replaces only their values; tabs and CRLF line endings are kept', () => {
  const tabbed =
    '{\r\n\t"plugins": {\r\n\t\t"lma": {\r\n\t\t\t"defaultLicensing": {}\r\n\t\t}\r\n\t}\r\n}\r\n';
  const once = writeTerms(tabbed, 'Acme', trial);
  assert.ok(once.includes('\r\n\t\t\t\t"Acme": {\r\n\t\t\t\t\t"status": "Trial",'), JSON.stringify(once));
  assert.ok(!/[^\r]\n/.test(once), 'no bare LF');
  const twice = writeTerms(once, 'Acme', { status: 'Active', lengthDays: null, seats: 'site' });
  const read = readProjectTerms(twice);
  assert.ok(read.ok);
  assert.deepEqual(read.project.entries.get('Acme')?.terms, {
    status: 'Active',
    lengthDays: null,
    seats: 'site',
  });
  assert.equal(twice.split('\r\n').length, once.split('\r\n').length, 'same shape, other values');
});

test('a file that does not parse is never edited, and the error says where', () => {
  const broken = '{\n  "packageAliases": {\n    "Acme": "0Ho…",\n  \n  "plugins": }\n';
  const read = readProjectTerms(broken);
  assert.ok(!read.ok);
  assert.equal(read.error.line, 5);
  assert.throws(() => termsEdits(broken, 'Acme', trial), ProjectTermsError);
  const plan = planTermsSave(broken, 'Acme', trial, '');
  assert.equal(plan.kind, 'rejected');
  assert.match((plan as { message: string }).message, /line 5.*Nothing was written/);
});

test('a concurrent change of the entry is detected, and other changes are not conflicts', () => {
  const loaded = writeTerms(handWritten, 'Acme', trial);
  const read = readProjectTerms(loaded);
  assert.ok(read.ok);
  const revision = entryRevision(read.project, 'Acme');

  const someoneElse = loaded.replace('"seats": 25', '"seats": 30');
  assert.equal(planTermsSave(someoneElse, 'Acme', { ...trial, seats: 99 }, revision).kind, 'conflict');

  const unrelated = loaded.replace('"keep": true', '"keep": false');
  const plan = planTermsSave(unrelated, 'Acme', { ...trial, seats: 99 }, revision);
  assert.equal(plan.kind, 'write');
  const written = applyEdits(unrelated, editsOf(plan));
  assert.ok(written.includes('"keep": false') && written.includes('"seats": 99'));
});

test('saving refuses terms that break the rules', () => {
  const plan = planTermsSave(handWritten, 'Acme', { status: 'Trial', lengthDays: 120, seats: 25 }, '');
  assert.deepEqual(plan, { kind: 'rejected', message: 'A trial runs 1 to 90 days.' });
});

test('saving for an LMO package the project does not name also declares its alias', () => {
  const plan = planTermsSave(handWritten, 'Acme Insights', trial, '', {
    alias: 'Acme Insights',
    packageId: '033000000000002AAA',
  });
  assert.equal(plan.kind, 'write');
  const after = applyEdits(handWritten, editsOf(plan));
  const read = readProjectTerms(after);
  assert.ok(read.ok);
  assert.ok(read.project.packageAliases.includes('Acme Insights'));
  assert.deepEqual(read.project.entries.get('Acme Insights')?.terms, trial);
  assert.ok(after.includes('        "Acme Insights": "033000000000002AAA"\n'), after);
});

test('entries that break the rules are read with their problems', () => {
  const text = writeTerms(handWritten, 'Acme', trial).replace('"trialDays": 45', '"trialDays": 120');
  const read = readProjectTerms(text);
  assert.ok(read.ok);
  const entry = read.project.entries.get('Acme');
  assert.equal(entry?.terms, undefined);
  assert.deepEqual(
    entry?.problems.map((problem) => problem.code),
    ['trialDays'],
  );
  assert.deepEqual(read.project.packageAliases, ['Acme']);
});
