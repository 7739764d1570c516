import * as vscode from 'vscode';
import type { ProjectFacts } from '../lma/project/projectDocument';
import type { SfdxProjectError, WorkspacePackage } from '../lma/project/sfdxProject';
import { ProjectDocumentModel } from './projectDocumentModel';

/** The file name the project document, its watcher and the language client follow. */
export const PROJECT_FILE_NAME = 'sfdx-project.json';

/** Any sfdx-project.json (the language client's documentSelector, `**\/sfdx-project.json`, in code). */
export const isSfdxProjectFile = (uri: vscode.Uri): boolean => uri.path.endsWith(`/${PROJECT_FILE_NAME}`);

/**
 * The open folder's sfdx-project.json as one document: the editor's text when an editor holds the
 * file (unsaved edits included), the file on disk otherwise, parsed once per change
 * (`readProjectDocument`). The tree, the default-licensing form, the walkthrough and the test install
 * read it; `onDidChange` fires when its packages, aliases, terms or problems change. It is the one
 * watcher of the file. Writes go through the editor (`planTermsSave` edits the current text).
 */
export class ProjectDocument implements vscode.Disposable {
  private readonly model = new ProjectDocumentModel({
    editorText: () => this.openDocument()?.getText(),
    readDisk: () => this.readDisk(),
  });
  readonly onDidChange = this.model.onDidChange;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_FILE_NAME}`);
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const diskChanged = () => this.model.diskChanged();
    const ifProject = (uri: vscode.Uri, then: () => void) => {
      if (uri.toString() === this.projectFile()?.toString()) then();
    };
    this.subscriptions = [
      this.watcher,
      this.model,
      this.watcher.onDidChange(diskChanged),
      this.watcher.onDidCreate(diskChanged),
      this.watcher.onDidDelete(diskChanged),
      vscode.workspace.onDidChangeWorkspaceFolders(diskChanged),
      // A save is also a change on disk, but the watcher may report it late (or not, in a browser).
      vscode.workspace.onDidSaveTextDocument((document) => ifProject(document.uri, diskChanged)),
      vscode.workspace.onDidChangeTextDocument(({ document }) =>
        ifProject(document.uri, () => this.model.editorChanged()),
      ),
      vscode.workspace.onDidOpenTextDocument((document) =>
        ifProject(document.uri, () => this.model.editorChanged()),
      ),
      // Unsaved edits closed without saving: the disk is the project again.
      vscode.workspace.onDidCloseTextDocument((document) => ifProject(document.uri, diskChanged)),
    ];
  }

  /** What the project file means now (packages, aliases, terms, problems, revision); undefined when there is none. */
  facts(): Promise<ProjectFacts | undefined> {
    return this.model.facts();
  }

  /** The project's packages; undefined when the folder is not a Salesforce DX project. */
  packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined> {
    return this.model.packages();
  }

  /** Where the project's sfdx-project.json is (or would be): the first workspace folder's root. */
  projectFile(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, PROJECT_FILE_NAME);
  }

  /** The document VS Code holds for the project file, if it holds one (opened in an editor or by the form). */
  private openDocument(): vscode.TextDocument | undefined {
    const file = this.projectFile()?.toString();
    return file === undefined
      ? undefined
      : vscode.workspace.textDocuments.find((document) => document.uri.toString() === file);
  }

  private async readDisk(): Promise<string | undefined> {
    const file = this.projectFile();
    if (!file) return undefined;
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
