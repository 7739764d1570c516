// The layering rules of eslint.config.mjs fire where they must and only there: each forbidden import
// is linted as if it were in a file of each folder (ESLint's lintText with a file path).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The messages of no-restricted-imports for `code` placed at `file` (which need not exist). */
async function restrictions(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: join(root, file) });
  assert.ok(result, `${file} was not linted`);
  assert.equal(result.fatalErrorCount, 0, JSON.stringify(result.messages));
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { code: string; forbidden: string[]; allowed: string[] }[] = [
  {
    code: "import * as x from 'vscode';",
    forbidden: [
      'src/lma/x.ts',
      'src/org/x.ts',
      'src/org/salesforce.ts',
      'src/views/nodes.ts',
      'src/views/lmoTreeModel.ts',
      'server/x.ts',
      'localOrg/data/x.ts',
    ],
    allowed: ['src/views/lmoTree.ts', 'src/commands/x.ts', 'src/extension.ts'],
  },
  {
    code: "import { Connection as x } from '@salesforce/core';",
    forbidden: ['src/org/lmoSession.ts', 'src/commands/x.ts', 'src/lma/x.ts', 'localOrg/x.ts', 'server/x.ts'],
    allowed: ['src/org/salesforce.ts', 'test/integration/x.test.ts'],
  },
  {
    code: "import { Connection as x } from '@jsforce/jsforce-node';",
    forbidden: ['src/org/connection.ts', 'webviews/x/main.ts'],
    allowed: ['src/org/salesforce.ts', 'bench/x.ts'],
  },
  {
    code: "import x from 'jsforce';",
    forbidden: ['src/extension.ts'],
    allowed: ['src/org/salesforce.ts'],
  },
  {
    code: "import { createWriteStream as x } from 'node:fs';",
    forbidden: ['src/lma/x.ts', 'src/lma/workflows/x.ts', 'src/lma/records/x.ts'],
    allowed: ['src/files/x.ts', 'src/commands/x.ts', 'src/org/x.ts'],
  },
  {
    code: "import { rename as x } from 'node:fs/promises';",
    forbidden: ['src/lma/workflows/x.ts'],
    allowed: ['src/files/x.ts'],
  },
  {
    code: "import { readFileSync as x } from 'fs';",
    forbidden: ['src/lma/project/x.ts'],
    allowed: ['src/state/x.ts'],
  },
  {
    code: "import { MAX_SEATS as x } from '../../src/lma/rules/encodings';",
    forbidden: ['localOrg/world/x.ts', 'localOrg/data/rules/x.ts'],
    allowed: ['server/x.ts', 'webviews/x/main.ts', 'test/unit/x.test.ts'],
  },
];

for (const { code, forbidden, allowed } of cases)
  test(`${code}: refused where a layer forbids it, allowed elsewhere`, async () => {
    for (const file of forbidden)
      assert.equal((await restrictions(file, code)).length, 1, `${file} may import it`);
    for (const file of allowed)
      assert.deepEqual(await restrictions(file, code), [], `${file} may not import it`);
  });

test('the local org may import its own modules', async () => {
  assert.deepEqual(
    await restrictions('localOrg/world/x.ts', "import { SalesforceError as x } from '../data/errors';"),
    [],
  );
});

test("the local org's own tests import nothing from src/ nor vscode, and may drive it with jsforce", async () => {
  for (const file of ['localOrg/test/unit/x.test.ts', 'localOrg/test/integration/x.test.ts']) {
    for (const code of [
      "import { MAX_SEATS as x } from '../../../src/lma/rules/encodings';",
      "import * as x from 'vscode';",
    ])
      assert.equal((await restrictions(file, code)).length, 1, `${file} may run: ${code}`);
    assert.deepEqual(
      await restrictions(file, "import { Connection as x } from '@jsforce/jsforce-node';"),
      [],
      `${file} may not import jsforce`,
    );
  }
});
