// The language server's analysis as pure functions of the text and the LMO's packages (the LSP
// plumbing is tested in test/integration/language/server.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';
import { codeActions, complete, diagnose, hover } from '../../../server/analysis';
import type { LmoPackages } from '../../../src/protocol/languageServer';
import type { Package } from '../../../src/lma/records/types';

// A 2GP project: the package alias is a 0Ho id the LMA never stores; only its 04t versions match.
const text = `{
	"packageAliases": {
		"Acme": "0Ho000000000001AAA",
		"Acme@1.2.0-1": "04t000000000012AAA",
		"Other": "0Ho000000000002AAA"
	},
	"plugins": {
		"lma": {
			"defaultLicensing": {
				"Acme": { "status": "Trial", "trialDays": 0, "seats": "site" },
				"Other": { "status": "Active", "activeDays": "unlimited", "seats": 3 }
			}
		}
	}
}
`;
const document = TextDocument.create('file:///p/sfdx-project.json', 'json', 1, text);
const offsetOf = (marker: string, delta = 0) => text.indexOf(marker) + delta;

const acme: Package = {
  id: 'a01000000000001AAA',
  name: 'Acme CRM',
  packageId: '033000000000001AAA',
  developerName: 'Acme',
  latestVersion: '1.3.0',
  versions: [
    {
      id: 'a02000000000001AAA',
      packageId: 'a01000000000001AAA',
      name: 'Spring',
      versionNumber: '1.2.0',
      versionId: '04t000000000012', // 15-character form, as the LMA may store it
      releaseDate: undefined,
      isBeta: false,
      sequence: 1,
      licenseTotal: 1234,
    },
  ],
  licenseCounts: { Active: 1200, Trial: 34 },
  licenseTotal: 1234,
};
const lmo: LmoPackages = {
  connected: true,
  org: { username: 'admin@acme.lmo', orgId: '00D000000000001AAA' },
  packages: [acme],
};

test('a 0Ho alias matches its LMO package through a 04t version alias; the other is not associated', () => {
  const diagnostics = diagnose(document, lmo);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, document.getText(d.range)]),
    [
      ['trialDays', '0'],
      ['notAssociated', '"Other"'],
    ],
  );
  assert.match(String(diagnostics[1]!.message), /not associated with this LMO \(admin@acme\.lmo\)/);
  assert.deepEqual(
    diagnose(document, { connected: false }).map((d) => d.code),
    ['trialDays'],
    'without an org, the rules only',
  );
});

test('a file that is not an object, or has no plugins.lma, gets no diagnostics from this server', () => {
  for (const other of ['[1, 2]', '', '{ "packageAliases": { "A": 1 }, "plugins": { "x": { "seats": 0 } } }'])
    assert.deepEqual(diagnose(TextDocument.create('file:///x.json', 'json', 1, other), lmo), []);
});

test('the trial clamps to the nearest bound, and the fix keeps the tabs of the file', () => {
  const [trial] = diagnose(document, lmo);
  const [clamp] = codeActions(document, trial!.range, [trial!]);
  assert.equal(clamp!.title, 'Clamp the trial to 1 day');
  const edits = clamp!.edit!.changes![document.uri]!;
  assert.equal(TextDocument.applyEdits(document, edits), text.replace('"trialDays": 0', '"trialDays": 1'));

  const at = document.positionAt(offsetOf('"Other": "', 2));
  const withoutOther = text.replace(/\n\t+"Other": \{[^\n]*/, '').replace('"site" },', '"site" }');
  const doc = TextDocument.create(document.uri, 'json', 2, withoutOther);
  const [add] = codeActions(doc, { start: at, end: at }, []);
  assert.equal(add!.title, 'Add default licensing terms for Other');
  assert.equal(
    TextDocument.applyEdits(doc, add!.edit!.changes![doc.uri]!),
    withoutOther.replace(
      '"site" }\n',
      '"site" },\n\t\t\t\t"Other": {\n\t\t\t\t\t"status": "Trial",\n\t\t\t\t\t"trialDays": 30,\n\t\t\t\t\t"seats": 10\n\t\t\t\t}\n',
    ),
  );
});

test('plugins.lma and defaultLicensing must be objects', () => {
  const codes = (other: string) =>
    diagnose(TextDocument.create('file:///x.json', 'json', 1, other), undefined).map((d) => [
      d.code,
      d.message,
    ]);
  assert.deepEqual(codes('{ "plugins": { "lma": true } }'), [
    [
      'notAnObject',
      'plugins.lma holds the settings of LMA Explorer: an object, such as { "defaultLicensing": {} }.',
    ],
  ]);
  assert.deepEqual(codes('{ "plugins": { "lma": { "defaultLicensing": [] } } }'), [
    ['notAnObject', 'defaultLicensing maps package aliases to their terms: an object.'],
  ]);
});

test('no code actions for diagnostics of other sources (the JSON service)', () => {
  const [trial] = diagnose(document, lmo);
  assert.deepEqual(codeActions(document, trial!.range, [{ ...trial!, source: 'json' }]), []);
});

test('completion replaces the string being typed, or inserts at the cursor', () => {
  const typed = text.replace('"Other": {', '"Ot": {');
  const doc = TextDocument.create(document.uri, 'json', 2, typed);
  const items = complete(doc, typed.indexOf('"Ot"') + 3, lmo);
  assert.deepEqual(
    items.map((item) => item.label),
    ['Other'],
  );
  const edit = items[0]!.textEdit as TextEdit;
  assert.equal(doc.getText(edit.range), '"Ot"');
  assert.equal(edit.newText, '"Other"', 'the colon and the terms are already written');
  const key = complete(doc, typed.indexOf('"status": "Active"') + 2, lmo);
  assert.deepEqual(
    key.map((item) => (item.textEdit as TextEdit).newText),
    ['"trialDays"'],
  );

  const empty = text.replace('"seats": 3 }', '"seats":  }');
  const emptyDoc = TextDocument.create(document.uri, 'json', 3, empty);
  const values = complete(emptyDoc, empty.indexOf('"seats":  }') + 9, lmo);
  assert.deepEqual(
    values.map((item) => item.label),
    ['"site"'],
  );
  assert.equal(emptyDoc.getText((values[0]!.textEdit as TextEdit).range), '');

  // The alias completion names the LMO package it stands for.
  const fresh = text.replace(/\n\t+"Acme": \{[^\n]*/, '');
  const freshItems = complete(
    TextDocument.create(document.uri, 'json', 4, fresh),
    fresh.indexOf('"Other": {'),
    lmo,
  );
  assert.deepEqual(
    freshItems.map((item) => [item.label, item.detail]),
    [['Acme', 'Acme CRM in the LMO']],
  );
});

test('completion of the keys of plugins and plugins.lma', () => {
  // `|` marks the cursor.
  const completions = (marked: string) => {
    const written = marked.replace('|', '');
    const doc = TextDocument.create(document.uri, 'json', 1, written);
    return complete(doc, marked.indexOf('|'), undefined).map((item) => [
      item.label,
      (item.textEdit as TextEdit).newText,
    ]);
  };
  assert.deepEqual(completions('{ "plugins": { "other": {}, | } }'), [
    ['lma', '"lma": { "defaultLicensing": {} }'],
  ]);
  assert.deepEqual(completions('{ "plugins": { "lma": {}, | } }'), []);
  assert.deepEqual(completions('{ "plugins": { "lma": { | } } }'), [
    ['defaultLicensing', '"defaultLicensing": {}'],
  ]);
  assert.deepEqual(completions('{ "plugins": { "lma": { "defaultLicensing": {}, | } } }'), []);
  assert.deepEqual(completions('{ "plugins": { "lma": { "def|" } } }'), [
    ['defaultLicensing', '"defaultLicensing": {}'],
  ]);
  // Renaming a key keeps its value.
  assert.deepEqual(completions('{ "plugins": { "lma": { "def|": {} } } }'), [
    ['defaultLicensing', '"defaultLicensing"'],
  ]);
});

test('hover on an alias shows its LMO record, on a version alias its version; elsewhere nothing', () => {
  const shown = hover(document, offsetOf('"Acme": {', 2), lmo);
  const value = (shown?.contents as { value: string }).value;
  assert.equal(
    value,
    [
      '**Acme CRM** in admin@acme.lmo',
      'Package id: `033000000000001AAA`',
      'Latest version: 1.3.0',
      'Licenses: Active 1,200 · Trial 34 (1,234 in all)',
    ].join('\n\n'),
  );
  assert.equal(document.getText(shown!.range!), '"Acme"');
  assert.equal(
    (hover(document, offsetOf('"Acme@1.2.0-1"', 2), lmo)?.contents as { value: string }).value,
    '**Acme CRM 1.2.0** in admin@acme.lmo\n\nVersion id: `04t000000000012`\n\nLicenses: 1,234',
  );
  const unknownVersion = text.replace('04t000000000012AAA', '04t000000000099AAA');
  assert.match(
    (
      hover(TextDocument.create(document.uri, 'json', 2, unknownVersion), offsetOf('"Acme@1.2.0-1"', 2), lmo)
        ?.contents as { value: string }
    ).value,
    /admin@acme\.lmo has no record of this version/,
  );
  assert.equal(hover(document, offsetOf('"Acme@1.2.0-1"', 2), { connected: false }), undefined);
  assert.equal(hover(document, offsetOf('"status"', 2), lmo), undefined);
});

test('half-typed files (every prefix, every character left out) never make the server throw', () => {
  const full = `{
  "packageAliases": { "Acme": "0Ho000000000001AAA", "Acme@1.0.0-1": "04t000000000012AAA" },
  "plugins": { "lma": { "x": 1, "defaultLicensing": { "Acme": { "status": "Trial", "trialDays": 120,
    "activeDays": "unlimited", "seats": 0, "seat": [1, { "a": null }] }, "B": 3, "C": { "seats": "site" } } } }
}`;
  for (let end = 0; end <= full.length; end++)
    for (const text of [full.slice(0, end), full.slice(0, end) + full.slice(end + 1)]) {
      const doc = TextDocument.create(document.uri, 'json', 1, text);
      const diagnostics = diagnose(doc, lmo);
      for (let offset = 0; offset <= text.length; offset += 5) {
        complete(doc, offset, lmo);
        hover(doc, offset, lmo);
      }
      for (const found of diagnostics) codeActions(doc, found.range, [found]);
    }
});
