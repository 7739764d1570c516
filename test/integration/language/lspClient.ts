// A minimal LSP client over stdio for the sfdx-project.json language server (the built dist/server.js):
// used by the protocol tests and by bench/languageServer.ts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  Position,
  Range,
  TextEdit,
} from 'vscode-languageserver-types';
import { LMO_CHANGED, LMO_PACKAGES, type LmoPackages } from '../../../src/protocol/languageServer';

export const serverModule = path.resolve(import.meta.dirname, '../../../dist/server.js');
export const uri = 'file:///project/sfdx-project.json';

export class Client {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  lmoRequests = 0;
  /** Settles when the server process ends (its exit code, or the signal that ended it). */
  readonly exited: Promise<number | string | null>;
  /** The document's text as last sent. */
  text = '';
  private version = 1;
  private constructor(
    private readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  }

  /** Starts the server; `lmo` answers its `lma/lmoPackages` requests, as the extension does. */
  static async start(lmo: () => Promise<LmoPackages>): Promise<Client> {
    const child = spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new Client(child, connection);
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.diagnostics.push(params);
    });
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    connection.onRequest(LMO_PACKAGES, async () => {
      client.lmoRequests++;
      try {
        return await lmo();
      } finally {
        answered();
      }
    });
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    // The server asks once when initialized and then checks its documents again. Waiting until it has
    // taken the answer (ours is written, then a request of ours comes back after it) keeps that
    // re-check from being taken for the diagnostics of a later step.
    await firstAnswer;
    await new Promise((resolve) => setImmediate(resolve));
    await connection.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///none/sfdx-project.json' },
      position: { line: 0, character: 0 },
    });
    return client;
  }

  async open(text: string): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    this.text = text;
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'json', version: this.version, text },
    });
    return this.nextDiagnostics();
  }

  async change(text: string): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    this.text = text;
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++this.version },
      contentChanges: [{ text }],
    });
    return this.nextDiagnostics();
  }

  /** What the extension sends when the session changes; the server asks again and checks again. */
  async lmoChanged(): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    await this.connection.sendNotification(LMO_CHANGED);
    return this.nextDiagnostics();
  }

  /** The next diagnostics published for the document (the server publishes after every change). */
  async nextDiagnostics(): Promise<Diagnostic[]> {
    for (let i = 0; i < 500 && this.diagnostics.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const last = this.diagnostics.at(-1);
    assert.ok(last, 'diagnostics were published');
    return last.diagnostics;
  }

  /** The position of `marker` (plus `delta` characters) in the current text. */
  at(marker: string, delta = 0): Position {
    const offset = this.text.indexOf(marker);
    assert.ok(offset >= 0, marker);
    return TextDocument.create(uri, 'json', 0, this.text).positionAt(offset + delta);
  }

  /** The current text with `edits` applied (what VS Code would show after a quick fix). */
  applied(edits: TextEdit[]): string {
    return TextDocument.applyEdits(TextDocument.create(uri, 'json', 0, this.text), edits);
  }

  completion(position: Position): Promise<CompletionItem[]> {
    return this.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });
  }

  hover(position: Position): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    return this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest('shutdown').catch(() => undefined);
    await this.connection.sendNotification('exit').catch(() => undefined);
    this.connection.dispose();
    this.child.kill();
  }
}
