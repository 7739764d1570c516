// .vscode/launch.json attaches to the language server where the client starts its inspector.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';

const root = join(import.meta.dirname, '../../..');

test('"Attach to Language Server" uses the port of the server\'s --inspect in debug mode', () => {
  const launch = parse(readFileSync(join(root, '.vscode/launch.json'), 'utf8')) as {
    configurations: { name: string; request: string; port?: number; outFiles?: string[] }[];
    compounds?: { name: string; configurations: string[] }[];
  };
  const attach = launch.configurations.find((c) => c.name === 'Attach to Language Server');
  assert.ok(attach, 'no "Attach to Language Server" configuration');
  assert.equal(attach.request, 'attach');
  assert.deepEqual(attach.outFiles, ['${workspaceFolder}/dist/server.js']);
  const client = readFileSync(join(root, 'src/language/languageClient.ts'), 'utf8');
  const debug = /debug: \{[^}]*execArgv: \['--inspect=(\d+)'\]/.exec(client);
  assert.ok(debug, 'the server options have no --inspect=<port> for debug mode');
  assert.equal(attach.port, Number(debug[1]));
  assert.ok(launch.compounds?.some((c) => c.configurations.includes(attach.name)));
});
