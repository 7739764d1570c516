// Hostile sfdx-project.json documents through the real language server process (issue 19): a
// 100,000-deep nested array and a 5 MB file neither kill the server nor keep it from answering the
// next document; what the server can read of them is still answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MessageType,
  type Diagnostic,
  type LogMessageParams,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import type { LmoPackages } from '../../../src/protocol/languageServer';
import { Client, uri } from './lspClient';

const disconnected = async (): Promise<LmoPackages> => ({ connected: false });
const DEPTH = 100_000;
const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;

const project = (directories: string, seats: string) => `{
  "packageDirectories": ${directories},
  "packageAliases": { "Acme": "0Ho000000000001AAA" },
  "plugins": {
    "lma": {
      "defaultLicensing": {
        "Acme": { "status": "Trial", "trialDays": 30, "seats": ${seats} }
      }
    }
  }
}
`;

/** Fails when the server exits or logs an error (a handler that threw), whichever comes first. */
function failure(client: Client): Promise<never> {
  const logged = new Promise<never>((_, reject) => {
    client.connection.onNotification('window/logMessage', (params: LogMessageParams) => {
      if (params.type === MessageType.Error)
        reject(new Error(`the language server logged: ${params.message}`));
    });
  });
  const exited = client.exited.then((code) => assert.fail(`the language server exited (${String(code)})`));
  return Promise.race([logged, exited]);
}

/** The next diagnostics published for `forUri`, or a failure of the server, whichever comes first. */
async function diagnosticsOf(client: Client, forUri: string): Promise<Diagnostic[]> {
  const published = new Promise<Diagnostic[]>((resolve) => {
    const listener = client.connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: PublishDiagnosticsParams) => {
        if (params.uri !== forUri) return;
        listener.dispose();
        resolve(params.diagnostics);
      },
    );
  });
  return Promise.race([published, failure(client)]);
}

function alive<T>(client: Client, answer: Promise<T>): Promise<T> {
  return Promise.race([answer, failure(client)]);
}

test('a 100,000-deep nested array is answered without throwing, and the next document still is', async () => {
  const client = await Client.start(disconnected);
  try {
    // Deep in another key, and deep where the terms' seats should be.
    for (const text of [project(deep, '0'), project('[]', deep)]) {
      client.text = text;
      const diagnostics = diagnosticsOf(client, uri);
      await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'json', version: 1, text },
      });
      assert.deepEqual(
        (await diagnostics).map((d) => d.code),
        ['seats'],
        'the terms are checked past the deep array',
      );
      const completion = await alive(client, client.completion(client.at('"status"', 1)));
      assert.ok(Array.isArray(completion));
      const hover = await alive(client, client.hover(client.at('"Acme": {', 2)));
      assert.match(JSON.stringify(hover), /Connect a License Management Org/);
      const actions = await alive(
        client,
        client.codeActions({ start: client.at('"Acme": {'), end: client.at('"Acme": {') }, await diagnostics),
      );
      assert.ok(Array.isArray(actions));
      const cleared = diagnosticsOf(client, uri);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      assert.deepEqual(await cleared, []);
    }

    const next = 'file:///project/other/sfdx-project.json';
    const answered = diagnosticsOf(client, next);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: next, languageId: 'json', version: 1, text: project('[]', '0') },
    });
    assert.deepEqual(
      (await answered).map((d) => d.code),
      ['seats'],
    );
  } finally {
    await client.stop();
  }
});
