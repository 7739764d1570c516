/**
 * The tree and the form read one sfdx-project.json the same way: a comment or a trailing comma, which
 * jsonc-parser (the form, the language server) reads, must not make the tree's packages an error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProjectTerms } from '../../../src/lma/project/projectTerms';
import { readWorkspacePackages } from '../../../src/lma/project/sfdxProject';

const commented = `{
  // The package of this repository.
  "packageDirectories": [{ "path": "force-app", "package": "Acme", "default": true },],
  "packageAliases": {
    "Acme": "0Ho000000000001AAA",
    "Acme@1.0.0-1": "04t000000000001AAA", /* the first release */
  },
  "plugins": { "lma": { "defaultLicensing": { "Acme": { "status": "Trial", "trialDays": 30, "seats": 10 } } } },
}
`;

test('a project with a comment and a trailing comma: the tree reads the packages the form reads', () => {
  const form = readProjectTerms(commented);
  assert.ok(form.ok);
  assert.deepEqual(form.project.packageAliases, ['Acme']);
  assert.deepEqual(readWorkspacePackages(commented), [
    { name: 'Acme', packageAliasId: '0Ho000000000001AAA', versionIds: ['04t000000000001AAA'] },
  ]);
});
