/**
 * The language server of sfdx-project.json: diagnostics, completion, hover and quick fixes for the
 * default licensing terms (`plugins.lma`) and the package aliases. Org data comes from the extension
 * over `lma/lmoPackages` (src/protocol/languageServer.ts); without an org it still checks the rules.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions, complete, diagnose, hover } from './analysis';
import { guarded } from './guard';
import { LMO_CHANGED, LMO_PACKAGES, type LmoPackages } from '../src/protocol/languageServer';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let lmo: LmoPackages | undefined;

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: ['"', ':'] },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: ['quickfix'] },
  },
  serverInfo: { name: 'LMA Explorer: sfdx-project.json' },
}));

connection.onInitialized(() => void refreshLmo());
connection.onNotification(LMO_CHANGED, () => void refreshLmo());

let asked = 0;

/**
 * Asks the extension for the LMO's packages, then checks every open document again. Only the latest
 * question's answer counts: a slow answer about the previous org never overwrites a newer one.
 */
function refreshLmo(): Promise<void> {
  const question = ++asked;
  return connection.sendRequest<LmoPackages>(LMO_PACKAGES).then(
    (answer) => {
      if (question !== asked) return;
      lmo = answer;
      for (const document of documents.all()) validate(document);
    },
    (error: unknown) => {
      if (question !== asked) return;
      lmo = undefined;
      connection.console.warn(`No LMO data: ${String(error)}`);
      for (const document of documents.all()) validate(document);
    },
  );
}

const log = { error: (message: string) => connection.console.error(message) };

function validate(document: TextDocument): void {
  void connection.sendDiagnostics({
    uri: document.uri,
    version: document.version,
    diagnostics: guarded(log, 'Diagnostics', document.uri, [], () => diagnose(document, lmo)),
  });
}

documents.onDidChangeContent((change) => validate(change.document));
documents.onDidClose(
  (event) => void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }),
);

connection.onCompletion((params) => {
  const document = documents.get(params.textDocument.uri);
  return document
    ? guarded(log, 'Completion', document.uri, [], () =>
        complete(document, document.offsetAt(params.position), lmo),
      )
    : [];
});

connection.onHover((params) => {
  const document = documents.get(params.textDocument.uri);
  return document
    ? guarded(
        log,
        'Hover',
        document.uri,
        null,
        () => hover(document, document.offsetAt(params.position), lmo) ?? null,
      )
    : null;
});

connection.onCodeAction((params) => {
  const document = documents.get(params.textDocument.uri);
  return document
    ? guarded(log, 'Code actions', document.uri, [], () =>
        codeActions(document, params.range, params.context.diagnostics),
      )
    : [];
});

documents.listen(connection);
connection.listen();
