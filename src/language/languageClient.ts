/**
 * The language client, in a bundle of its own (dist/languageClient.js): vscode-languageclient is
 * loaded only when an sfdx-project.json is first opened, never on the activation path.
 */
import type * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { LMO_CHANGED, LMO_PACKAGES, type LmoPackages } from '../protocol/languageServer';
import { languageClientId } from '../ids';

export interface ProjectLanguageClient {
  /** Tells the server that the LMO changed, so it asks for its packages again. */
  lmoChanged(): void;
  stop(): Promise<void>;
}

export async function startLanguageClient(
  serverModule: string,
  lmoPackages: () => Promise<LmoPackages>,
  outputChannel: vscode.LogOutputChannel,
): Promise<ProjectLanguageClient> {
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', pattern: '**/sfdx-project.json' }],
    outputChannel,
  };
  const client = new LanguageClient(languageClientId, 'LMA: sfdx-project.json', serverOptions, clientOptions);
  client.onRequest(LMO_PACKAGES, () => lmoPackages());
  await client.start();
  return {
    lmoChanged: () => void client.sendNotification(LMO_CHANGED),
    stop: () => client.stop(),
  };
}
