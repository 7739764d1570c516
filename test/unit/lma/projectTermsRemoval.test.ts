// Removing a property from sfdx-project.json (the language server's "Remove" quick fix, and the form's
// "no terms"): the property's own lines go, and nothing else moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from 'jsonc-parser';
import { formattedModify } from '../../../src/lma/project/projectTerms';

const remove = (text: string, path: string[]) => applyEdits(text, formattedModify(text, path, undefined));

const file = `{
  "plugins": {
    "lma": {
      // kept: a comment above the first key
      "first": {},
      "defaultLicensing": { "A": { "status": "Trial", "trialDays": 30, "seats": 10, "seat": 5 } },
      "last": true
    }
  }
}
`;

test('removing the first of several properties removes its line only', () => {
  assert.equal(remove(file, ['plugins', 'lma', 'first']), file.replace('      "first": {},\n', ''));
});

test('removing the last property also removes the comma before it', () => {
  assert.equal(remove(file, ['plugins', 'lma', 'last']), file.replace('} },\n      "last": true\n', '} }\n'));
});

test('removing a property that shares its line removes it and its comma, nothing more', () => {
  assert.equal(
    remove(file, ['plugins', 'lma', 'defaultLicensing', 'A', 'seat']),
    file.replace('"seats": 10, "seat": 5 }', '"seats": 10 }'),
  );
  assert.equal(
    remove(file, ['plugins', 'lma', 'defaultLicensing', 'A', 'status']),
    file.replace('{ "status": "Trial", "trialDays"', '{ "trialDays"'),
  );
});

test('removing the only property leaves the braces', () => {
  const only = '{\n  "plugins": {\n    "lma": {\n      "x": 1\n    }\n  }\n}\n';
  assert.equal(remove(only, ['plugins', 'lma', 'x']), '{\n  "plugins": {\n    "lma": {\n    }\n  }\n}\n');
});

test('CRLF files lose whole CRLF lines', () => {
  const crlf = file.replaceAll('\n', '\r\n');
  assert.equal(remove(crlf, ['plugins', 'lma', 'first']), crlf.replace('      "first": {},\r\n', ''));
});

test('removing what is not there changes nothing', () => {
  assert.deepEqual(formattedModify(file, ['plugins', 'lma', 'missing'], undefined), []);
});
