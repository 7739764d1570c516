import * as vscode from 'vscode';
import type { Services } from '../services';
import { isSfdxProjectFile } from '../state/projectDocument';
import type * as LanguageClientModule from './languageClient';
import { answerLmoPackages } from './lmoAnswer';

/** `onDidReloadPackages`: the LMO's packages were loaded again (the tree's Refresh), so the server asks again. */
export type ProjectLanguageServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'packages' | 'onDidReloadPackages'
>;

// The client's documentSelector, { scheme: 'file', pattern: '**/sfdx-project.json' }, in code: the file
// name the project document follows.
const isProjectFile = (document: vscode.TextDocument) =>
  document.uri.scheme === 'file' && isSfdxProjectFile(document.uri);

/**
 * Starts the sfdx-project.json language server the first time such a file is shown, and answers its
 * requests for LMO data from the one session. Until then nothing of the language client is loaded.
 */
export class ProjectLanguage implements vscode.Disposable {
  private client: Promise<LanguageClientModule.ProjectLanguageClient> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: ProjectLanguageServices) {
    // Shown in an editor, not merely opened: the form and the test install open the file in the
    // background to read and edit it, which needs no language server.
    const startIfShown = (editors: readonly vscode.TextEditor[]) => {
      if (editors.some((editor) => isProjectFile(editor.document))) this.start();
    };
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(startIfShown),
      services.session.onDidChangeState(() => this.whenStarted((client) => client.lmoChanged())),
      services.onDidReloadPackages(() => this.whenStarted((client) => client.lmoChanged())),
    ];
    startIfShown(vscode.window.visibleTextEditors);
  }

  private start(): void {
    this.client ??= (async () => {
      // Never inside activate(): requiring the client bundle takes ~90 ms.
      await new Promise((resolve) => setImmediate(resolve));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded at run time
      const { startLanguageClient } = require('./languageClient.js') as typeof LanguageClientModule;
      const serverModule = vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'server.js').fsPath;
      const client = await startLanguageClient(
        serverModule,
        () => answerLmoPackages(this.services.session.state, () => this.services.packages()),
        this.services.log,
      );
      this.services.log.info('sfdx-project.json language server started');
      return client;
    })();
    this.client.catch((error: unknown) => {
      this.services.log.error(`The sfdx-project.json language server did not start: ${String(error)}`);
      this.client = undefined;
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.whenStarted((client) => client.stop());
  }

  /** Runs `action` on the client once it started; a client that failed to start was logged already. */
  private whenStarted(action: (client: LanguageClientModule.ProjectLanguageClient) => unknown): void {
    this.client?.then(action).catch(() => undefined);
  }
}
