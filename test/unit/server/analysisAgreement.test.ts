/**
 * The language server keeps its own position-aware reading of sfdx-project.json (for diagnostics
 * while the file is being typed), but it must mean by the file what the project document means: the
 * same aliases, the same versions of each package, the same terms entries and their problems, the
 * same LMO package for each alias; and on a file that doesn't parse, no claim about the aliases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findNodeAtLocation } from 'jsonc-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analysedProject, diagnose, lmoPackageOf } from '../../../server/analysis';
import { readProjectDocument } from '../../../src/lma/project/projectDocument';
import { nodeValue, TERMS_PATH } from '../../../src/lma/project/projectTerms';
import { findLmoPackage } from '../../../src/lma/project/sfdxProject';
import { lmoPackage } from '../lma/packageFixture';
import type { LmoPackages } from '../../../src/protocol/languageServer';

const lmo: LmoPackages = {
  connected: true,
  org: { username: 'admin@acme.lmo', orgId: '00D000000000001AAA' },
  packages: [
    lmoPackage('a', '033000000000001AAA', '04t000000000001'),
    lmoPackage('b', '033000000000002AAA', '04t000000000099AAA'),
  ],
};

const files: Record<string, string> = {
  plain: JSON.stringify(
    {
      packageDirectories: [{ path: 'force-app', package: 'Acme' }],
      packageAliases: {
        Acme: '0Ho000000000001AAA',
        'Acme@1.0.0-1': '04t000000000001AAA',
        Beta: '033000000000002AAA',
        'Beta@2.0.0-1@x': '04t000000000002AAA',
      },
      plugins: {
        lma: {
          defaultLicensing: {
            Acme: { status: 'Trial', trialDays: 0, seats: 10 },
            Beta: { status: 'Active', activeDays: 'unlimited', seats: 'site' },
            Gamma: { status: 'Trial', trialDays: 30, seats: 5 },
          },
        },
      },
    },
    undefined,
    2,
  ),
  'comments and trailing commas': `\uFEFF{
  // Acme and its first version
  "packageDirectories": [{ "path": "force-app", "package": "Acme", },],
  "packageAliases": {
    "Acme": "0Ho000000000001AAA", /* 2GP */
    "Acme@1.0.0-1": "04t000000000001AAA",
    "Beta": "033000000000002AAA",
  },
  "plugins": { "lma": { "defaultLicensing": { "Beta": { "status": "Trial", "trialDays": 30, "seats": 5, }, }, }, },
}`,
  'a name written twice': `{
  "packageAliases": { "Acme": "033000000000009AAA", "Beta": "033000000000002AAA", "Acme": "033000000000001AAA", "Beta": 7 },
  "plugins": { "lma": { "defaultLicensing": { "Acme": { "status": "Trial", "trialDays": 30, "seats": 5 }, "Beta": {} } } }
}`,
};
const malformed = `{
  "packageAliases": { "Acme": "033000000000001AAA" },
  "plugins": { "lma": { "defaultLicensing": { "Nope": { "status": "Trial", "trialDays": 30, "seats": 5 } } } }
  "packageDirectories": [
}`;

for (const [name, text] of Object.entries(files))
  test(`the server and the project document agree: ${name}`, () => {
    const facts = readProjectDocument(text);
    const project = analysedProject(text);
    assert.equal(facts.parseError, undefined);
    assert.ok(project && !project.malformed);
    assert.deepEqual([...project.aliases], [...facts.aliases]);
    for (const workspacePackage of facts.packages) {
      assert.equal(project.aliases.get(workspacePackage.name), workspacePackage.packageAliasId);
      assert.deepEqual(project.versionIds.get(workspacePackage.name) ?? [], workspacePackage.versionIds);
      assert.equal(
        lmoPackageOf(project, workspacePackage.name, lmo.packages)?.id,
        findLmoPackage(workspacePackage, lmo.packages)?.id,
        workspacePackage.name,
      );
    }
    // The terms entries as written, and the rules' problems the server reports on each.
    const termsNode = findNodeAtLocation(project.root, [...TERMS_PATH]);
    const written = new Map(
      (termsNode?.children ?? []).map((property) => [
        property.children![0]!.value as string,
        nodeValue(property.children![1]!),
      ]),
    );
    assert.deepEqual(written, new Map([...facts.entries].map(([alias, entry]) => [alias, entry.raw])));
    const diagnostics = diagnose(TextDocument.create('file:///p/sfdx-project.json', 'json', 1, text), lmo);
    const reported = (alias: string) =>
      diagnostics
        .filter((diagnostic) => {
          const path = (diagnostic.data as { path: string[] }).path;
          return (
            path[TERMS_PATH.length] === alias &&
            !['unknownAlias', 'notAssociated'].includes(String(diagnostic.code))
          );
        })
        .map((diagnostic) => diagnostic.code)
        .sort();
    for (const [alias, entry] of facts.entries)
      assert.deepEqual(reported(alias), entry.problems.map((problem) => problem.code).sort(), alias);
    // An alias the server calls unknown is one the project document doesn't have.
    const unknown = diagnostics
      .filter((diagnostic) => diagnostic.code === 'unknownAlias')
      .map((diagnostic) => (diagnostic.data as { path: string[] }).path.at(-1));
    assert.deepEqual(
      unknown,
      [...facts.entries.keys()].filter((alias) => !facts.aliases.has(alias)),
    );
  });

test('a file that does not parse: no packages in the project document, no claim about aliases from the server', () => {
  const facts = readProjectDocument(malformed);
  assert.ok(facts.parseError);
  assert.deepEqual([facts.packages, [...facts.aliases], [...facts.entries]], [[], [], []]);
  const project = analysedProject(malformed);
  assert.ok(project?.malformed);
  const diagnostics = diagnose(TextDocument.create('file:///p/sfdx-project.json', 'json', 1, malformed), lmo);
  assert.deepEqual(
    diagnostics.filter((diagnostic) => ['unknownAlias', 'notAssociated'].includes(String(diagnostic.code))),
    [],
  );
});
