// The layering rules of eslint.config.mjs fire where they must and only there: each forbidden import
// is linted as if it were in a file of each folder (ESLint's lintText with a file path).
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The messages of `rule` for `code` placed at `file` (which need not exist). */
async function messages(rule: string, file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: join(root, file) });
  assert.ok(result, `${file} was not linted`);
  assert.equal(result.fatalErrorCount, 0, JSON.stringify(result.messages));
  return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

/** The messages of no-restricted-imports for `code` placed at `file` (which need not exist). */
const restrictions = (file: string, code: string) => messages('no-restricted-imports', file, code);

const cases: { code: string; forbidden: string[]; allowed: string[] }[] = [
  {
    code: "import * as x from 'vscode';",
    forbidden: [
      'src/lma/x.ts',
      'src/org/x.ts',
      'src/org/salesforce.ts',
      'src/views/nodes.ts',
      'src/views/lmoTreeModel.ts',
      'src/cli/main.ts',
      'src/webviews/host/webviewHost.ts',
      'server/x.ts',
      'localOrg/data/x.ts',
    ],
    allowed: [
      'src/views/lmoTree.ts',
      'src/commands/x.ts',
      'src/extension.ts',
      'src/webviews/host/vscodePanel.ts',
    ],
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

/** An import of repository module `target` (no extension) written from `file`, as its `../` need. */
function importOf(file: string, target: string, typeOnly = false): string {
  const path = relative(dirname(file), target);
  return `import ${typeOnly ? 'type ' : ''}{ x } from '${path.startsWith('.') ? path : `./${path}`}';`;
}

// layers/direction: who may import whom inside the project, by the resolved path of the import.
const directions: { target: string; typeOnly?: boolean; forbidden: string[]; allowed: string[] }[] = [
  {
    target: 'src/base/emitter',
    forbidden: ['src/ids.ts'],
    allowed: ['src/base/x.ts', 'src/org/x.ts', 'src/lma/records/x.ts', 'server/x.ts', 'webviews/x/main.ts'],
  },
  {
    target: 'src/org/lmoSession',
    forbidden: ['src/base/x.ts', 'src/protocol/x.ts', 'server/x.ts', 'webviews/x/main.ts'],
    allowed: ['src/org/x.ts', 'src/lma/x.ts', 'src/lma/workflows/x.ts', 'src/views/x.ts', 'src/cli/x.ts'],
  },
  {
    target: 'src/lma/records/lmaFields',
    forbidden: ['src/base/x.ts', 'src/org/x.ts', 'src/org/lmoSession.ts'],
    allowed: [
      'src/lma/rules/x.ts',
      'src/protocol/x.ts',
      'src/state/x.ts',
      'server/x.ts',
      'webviews/x/main.ts',
    ],
  },
  {
    target: 'src/protocol/license',
    forbidden: ['src/lma/records/x.ts', 'src/org/x.ts', 'src/state/x.ts'],
    allowed: [
      'src/webviews/x.ts',
      'src/language/x.ts',
      'src/views/x.ts',
      'server/x.ts',
      'webviews/x/main.ts',
    ],
  },
  {
    target: 'src/ids',
    forbidden: ['src/base/x.ts', 'src/org/x.ts', 'src/protocol/x.ts', 'server/x.ts', 'webviews/x/main.ts'],
    allowed: [
      'src/lma/workflows/x.ts',
      'src/state/x.ts',
      'src/views/x.ts',
      'src/cli/x.ts',
      'src/services.ts',
    ],
  },
  {
    target: 'src/state/orgChoice',
    forbidden: ['src/lma/x.ts', 'src/org/x.ts', 'src/protocol/x.ts', 'src/cli/x.ts', 'server/x.ts'],
    allowed: [
      'src/views/x.ts',
      'src/commands/x.ts',
      'src/webviews/x.ts',
      'src/language/x.ts',
      'src/services.ts',
    ],
  },
  {
    target: 'src/views/nodes',
    forbidden: ['src/lma/x.ts', 'src/state/x.ts', 'src/webviews/x.ts', 'src/language/x.ts', 'src/cli/x.ts'],
    allowed: ['src/views/x.ts', 'src/commands/x.ts', 'src/services.ts'],
  },
  {
    target: 'src/webviews/dashboardPanel',
    forbidden: ['src/views/x.ts', 'src/language/x.ts', 'src/state/x.ts', 'src/lma/x.ts'],
    allowed: ['src/webviews/x.ts', 'src/commands/x.ts'],
  },
  {
    target: 'src/commands/connect',
    forbidden: ['src/views/x.ts', 'src/webviews/x.ts', 'src/language/x.ts', 'src/files/x.ts', 'src/cli/x.ts'],
    allowed: ['src/commands/x.ts', 'src/services.ts', 'src/extension.ts'],
  },
  {
    // The file adapters (the export's file) are not on main yet: the rule goes by path.
    target: 'src/files/licenseExportFile',
    forbidden: [
      'src/lma/workflows/x.ts',
      'src/org/x.ts',
      'src/views/x.ts',
      'src/webviews/x.ts',
      'server/x.ts',
    ],
    allowed: ['src/commands/x.ts', 'src/cli/x.ts', 'src/services.ts', 'src/files/x.ts'],
  },
  {
    target: 'src/services',
    forbidden: [
      'src/commands/x.ts',
      'src/webviews/x.ts',
      'src/views/x.ts',
      'src/language/x.ts',
      'src/lma/x.ts',
    ],
    allowed: ['src/extension.ts'],
  },
  {
    target: 'src/services',
    typeOnly: true,
    forbidden: ['src/views/x.ts', 'src/state/x.ts', 'src/lma/x.ts', 'src/org/x.ts', 'src/cli/x.ts'],
    allowed: ['src/commands/x.ts', 'src/webviews/x.ts', 'src/language/x.ts', 'src/extension.ts'],
  },
  {
    target: 'src/extension',
    forbidden: ['src/services.ts', 'src/commands/x.ts', 'src/lma/x.ts'],
    allowed: [],
  },
  {
    // The protocols live in src/protocol/: src/ never imports the other side of one.
    target: 'webviews/shared/host',
    forbidden: ['src/webviews/x.ts', 'src/protocol/x.ts', 'server/x.ts'],
    allowed: ['webviews/x/main.ts'],
  },
  {
    target: 'server/analysis',
    forbidden: ['src/language/x.ts', 'src/lma/project/x.ts', 'webviews/x/main.ts'],
    allowed: ['server/x.ts'],
  },
];

for (const { target, typeOnly, forbidden, allowed } of directions)
  test(`${typeOnly ? 'import type of ' : ''}${target}: refused where the layers forbid it, allowed elsewhere`, async () => {
    for (const file of forbidden) {
      const refused = await messages('layers/direction', file, importOf(file, target, typeOnly));
      assert.equal(refused.length, 1, `${file} may import ${target}`);
      assert.match(refused[0] ?? '', /may not import .*ARCHITECTURE\.md, Layers/);
    }
    for (const file of allowed)
      assert.deepEqual(
        await messages('layers/direction', file, importOf(file, target, typeOnly)),
        [],
        `${file} may not import ${target}`,
      );
  });

test('only the session imports the local org (the lma-local-org workspace), by name or by path', async () => {
  for (const code of [
    "import type * as x from 'lma-local-org';",
    "import { DEFAULT_PORT as x } from 'lma-local-org/address';",
  ]) {
    for (const file of ['src/lma/x.ts', 'src/commands/x.ts', 'src/services.ts', 'server/x.ts'])
      assert.equal((await messages('layers/direction', file, code)).length, 1, `${file} may run: ${code}`);
    assert.deepEqual(await messages('layers/direction', 'src/org/x.ts', code), [], code);
  }
  assert.equal(
    (await messages('layers/direction', 'src/views/x.ts', importOf('src/views/x.ts', 'localOrg/address')))
      .length,
    1,
  );
});

// layers/no-cycle: `file` imports `back`, a real module that already imports `file` (directly or not).
const cycles: { file: string; back: string; typeOnly?: boolean; path: string[] }[] = [
  {
    file: 'src/base/emitter.ts',
    back: 'src/org/lmoSession',
    typeOnly: true,
    path: ['src/base/emitter.ts', 'src/org/lmoSession.ts', 'src/base/emitter.ts'],
  },
  {
    file: 'src/base/lmoError.ts',
    back: 'src/lma/records/lmaPresence',
    path: [
      'src/base/lmoError.ts',
      'src/lma/records/lmaPresence.ts',
      'src/org/errors.ts',
      'src/base/lmoError.ts',
    ],
  },
  {
    file: 'server/analysis.ts',
    back: 'server/server',
    path: ['server/analysis.ts', 'server/server.ts', 'server/analysis.ts'],
  },
  {
    file: 'webviews/shared/styles.ts',
    back: 'webviews/license/main',
    typeOnly: true,
    path: ['webviews/shared/styles.ts', 'webviews/license/main.ts', 'webviews/shared/styles.ts'],
  },
  {
    file: 'localOrg/address.ts',
    back: 'localOrg/cli',
    path: ['localOrg/address.ts', 'localOrg/cli.ts', 'localOrg/address.ts'],
  },
];

for (const { file, back, typeOnly, path } of cycles)
  test(`${file} importing ${typeOnly ? 'the types of ' : ''}${back}, which imports it back: an import cycle`, async () => {
    const found = await messages('layers/no-cycle', file, importOf(file, back, typeOnly));
    assert.equal(found.length, 1, `no cycle found: ${JSON.stringify(found)}`);
    assert.ok(found[0]?.startsWith(`Import cycle: ${path.join(' → ')}.`), found[0]);
    assert.match(found[0] ?? '', /move what both need .*down a layer/);
  });

test('an import that does not come back is no cycle', async () => {
  for (const [file, target] of [
    ['src/base/x.ts', 'src/org/lmoSession'],
    ['src/commands/x.ts', 'src/services'],
    ['server/x.ts', 'server/server'],
  ] as const)
    assert.deepEqual(await messages('layers/no-cycle', file, importOf(file, target)), [], file);
});
