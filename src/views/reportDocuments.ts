// Read-only reports as virtual documents (`lma-report:` URIs): shown in an editor that is never dirty,
// so closing it asks nothing; File: Save As… (or the report's own Save As button) keeps a copy.
import * as vscode from 'vscode';
import { uriSchemes } from '../ids';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(
    uriSchemes.report,
    this,
  );
  private serial = 0;

  /** Keeps a report's text under a new URI whose path ends with `fileName` (its language follows the extension). */
  add(fileName: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: uriSchemes.report, path: `/${++this.serial}/${fileName}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.texts.get(uri.toString()) ?? 'This report is no longer available: run the change again to see it.'
    );
  }

  /** Opens the report read-only. */
  async show(uri: vscode.Uri): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  }

  /** Asks where to save a copy and writes it there. Returns the file, or undefined when cancelled. */
  async saveAs(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = uri.path.split('/').pop()!;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { Markdown: ['md'] },
      title: 'Save the Report As',
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(this.provideTextDocumentContent(uri)),
    );
    return target;
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
