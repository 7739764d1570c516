// The sfdx-project.json language server through the LSP protocol: the built dist/server.js as its own
// process, driven over stdio. Its org data comes over `lma/lmoPackages`, answered here from a real
// LMO session on the local org, as the extension answers it.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { CodeAction, CompletionItem, Diagnostic, Hover } from 'vscode-languageserver-types';
import { startLocalOrg, type LocalOrg } from '../../../emulator/index';
import { checkLmaPresence } from '../../../src/lma/lmaPresence';
import { loadPackages } from '../../../src/lma/packages';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { LMO_CHANGED, LMO_PACKAGES, type LmoPackages } from '../../../server/protocol';

const serverModule = path.resolve(import.meta.dirname, '../../../dist/server.js');
const uri = 'file:///project/sfdx-project.json';

/** A minimal LSP client: initialize, open a document, collect diagnostics, ask for features. */
class Client {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  lmoRequests = 0;
  private version = 1;
  private constructor(
    private readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(lmo: () => Promise<LmoPackages>): Promise<Client> {
    const child = spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new Client(child, connection);
    connection.onNotification(
      'textDocument/publishDiagnostics',
      (params: PublishDiagnosticsParams) => void client.diagnostics.push(params),
    );
    connection.onRequest(LMO_PACKAGES, () => {
      client.lmoRequests++;
      return lmo();
    });
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    return client;
  }

  async open(text: string): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'json', version: this.version, text },
    });
    return this.nextDiagnostics();
  }

  async change(text: string): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++this.version },
      contentChanges: [{ text }],
    });
    return this.nextDiagnostics();
  }

  /** What the extension sends when the session changes; the server asks again and re-checks. */
  async lmoChanged(): Promise<Diagnostic[]> {
    this.diagnostics.length = 0;
    await this.connection.sendNotification(LMO_CHANGED);
    return this.nextDiagnostics();
  }

  /** The next diagnostics published for the document (the server publishes after every change). */
  async nextDiagnostics(): Promise<Diagnostic[]> {
    for (let i = 0; i < 200 && this.diagnostics.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const last = this.diagnostics.at(-1);
    assert.ok(last, 'diagnostics were published');
    return last.diagnostics;
  }

  at(text: string, marker: string, delta = 0): { line: number; character: number } {
    const offset = text.indexOf(marker) + delta;
    assert.ok(offset >= delta, marker);
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before.at(-1)!.length };
  }

  completion(position: { line: number; character: number }): Promise<CompletionItem[]> {
    return this.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });
  }

  hover(position: { line: number; character: number }): Promise<Hover | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(range: Diagnostic['range'], diagnostics: Diagnostic[]): Promise<CodeAction[]> {
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
    this.process.kill();
  }
}

let org: LocalOrg;
let session: LmoSession;
let ids: { billing: string; labs: string; billingVersion: string };

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'ls-lmo',
  });
  session = new LmoSession({
    log: { trace() {}, info() {}, warn() {}, error() {} },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect('ls-lmo');
  const named = (name: string) => org.console.packages().find((p) => p.name === name)!;
  ids = {
    billing: named('Acme Billing').id,
    labs: named('Acme Labs Toolkit').id,
    billingVersion: named('Acme Billing').versions.find((v) => !v.isBeta)!.id,
  };
});
after(async () => {
  session?.dispose();
  await org?.close();
});

const connected = async (): Promise<LmoPackages> => ({
  connected: true,
  orgLabel: 'ls-lmo',
  packages: await loadPackages(session),
});
const disconnected = async (): Promise<LmoPackages> => ({ connected: false });

function project(terms: string): string {
  return `{
  "packageDirectories": [{ "path": "force-app", "package": "Acme Billing" }],
  "packageAliases": {
    "Acme Billing": "${ids.billing}",
    "Acme Billing@1.0.0-1": "${ids.billingVersion}",
    "Acme Labs Toolkit": "${ids.labs}"
  },
  "plugins": {
    "lma": {
      "defaultLicensing": {
${terms}
      }
    }
  }
}
`;
}

const summary = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => `${String(d.code)}: ${d.message}`).sort();

describe('sfdx-project.json language server', () => {
  test('without an org it checks the rules, and only in plugins.lma', async () => {
    const client = await Client.start(disconnected);
    try {
      const text =
        project(`        "Acme Billing": { "status": "Trial", "trialDays": 120, "activeDays": 30, "seats": 0, "seat": 5 },
        "Acme Billng": { "status": "Active", "activeDays": "unlimited", "seats": "site" }`);
      const diagnostics = await client.open(text);
      assert.deepEqual(
        summary(diagnostics),
        [
          '"activeDays" applies to Active licenses; a trial uses "trialDays".',
          'A trial runs 1 to 90 days.',
          'Seats must be a whole number from 1 to 99,000,000, or "site" for a site license.',
          'Unknown key "seat": the terms have status, trialDays, activeDays, seats.',
          '"Acme Billng" is not a package alias of packageAliases: these terms apply to no package.',
        ]
          .map(
            (message, i) =>
              `${['activeDaysOnTrial', 'trialDays', 'seats', 'unknownKey', 'unknownAlias'][i]}: ${message}`,
          )
          .sort(),
      );
      assert.ok(diagnostics.every((d) => d.source === 'LMA'));
      const seats = diagnostics.find((d) => d.code === 'seats')!;
      assert.deepEqual(seats.range.start, client.at(text, '"seats": 0', 9));

      // A syntax error elsewhere is VS Code's JSON service's to report, not ours.
      const broken = await client.change(
        text.replace('"sourceApiVersion"', '').replace('"packageDirectories": [', '"packageDirectories": [,'),
      );
      assert.ok(broken.every((d) => d.source === 'LMA'));
    } finally {
      await client.stop();
    }
  });

  test('with an org: packages the LMO does not know, hover, completion, and a refresh on LMO change', async () => {
    let answer = disconnected;
    const client = await Client.start(() => answer());
    try {
      const text = project(`        "Acme Billing": { "status": "Trial", "trialDays": 30, "seats": 10 },
        "Acme Labs Toolkit": { "status": "Active", "activeDays": 365, "seats": 5 }`);
      assert.deepEqual(await client.open(text), []);
      answer = connected;
      const diagnostics = await client.lmoChanged();
      assert.deepEqual(summary(diagnostics), [
        'notAssociated: Acme Labs Toolkit is not associated with this LMO (ls-lmo): installs will create no License.',
      ]);
      assert.equal(client.lmoRequests, 2, 'asked once at start and once after the change');

      const hover = await client.hover(client.at(text, '"Acme Billing": "', 3));
      const markdown = (hover?.contents as { value: string }).value;
      assert.match(markdown, /\*\*Acme Billing\*\* in ls-lmo/);
      assert.match(markdown, /Latest version: 2\.0\.0/);
      assert.match(markdown, /Licenses: Active \d+ · Trial \d+/);

      const keys = await client.completion(client.at(text, '{ "status": "Trial", "trialDays": 30', 2));
      assert.deepEqual(
        keys.map((item) => item.label),
        ['activeDays'],
      );
      const statuses = await client.completion(client.at(text, '"Trial", "trialDays": 30', 1));
      assert.deepEqual(
        statuses.map((item) => item.label),
        ['"Trial"', '"Active"'],
      );
    } finally {
      await client.stop();
    }
  });

  test('quick fixes: clamp a trial, fix seats, remove an unknown key, add terms for an alias', async () => {
    const client = await Client.start(connected);
    try {
      const text = project(
        `        "Acme Billing": { "status": "Trial", "trialDays": 120, "seats": 0, "seat": 5 }`,
      );
      const diagnostics = await client.open(text);
      const titles = async (code: string) => {
        const found = diagnostics.find((d) => d.code === code)!;
        return (await client.codeActions(found.range, [found])).map((action) => action.title);
      };
      assert.deepEqual(await titles('trialDays'), ['Clamp the trial to 90 days']);
      assert.deepEqual(await titles('seats'), ['Set the seats to 1', 'Make it a site license']);
      assert.deepEqual(await titles('unknownKey'), ['Remove "seat"']);

      const trial = diagnostics.find((d) => d.code === 'trialDays')!;
      const [clamp] = await client.codeActions(trial.range, [trial]);
      const [edit] = clamp!.edit!.changes![uri]!;
      assert.equal(edit!.newText, '90');

      const labs = client.at(text, '"Acme Labs Toolkit": "', 2);
      const add = await client.codeActions({ start: labs, end: labs }, []);
      assert.deepEqual(
        add.map((action) => action.title),
        ['Add default licensing terms for Acme Labs Toolkit'],
      );
      assert.match(
        add[0]!.edit!.changes![uri]![0]!.newText,
        /"Acme Labs Toolkit": \{\n {10}"status": "Trial",/,
      );
    } finally {
      await client.stop();
    }
  });
});
