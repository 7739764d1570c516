import * as vscode from 'vscode';
import { readWorkspacePackages, SfdxProjectError, type WorkspacePackage } from '../lma/project/sfdxProject';

/**
 * The open folder's sfdx-project.json, read once and again after it changes on disk or is saved
 * (the one watcher of the file: the tree and the setup checks listen to `onDidChange`).
 */
export class WorkspaceProject implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/sfdx-project.json');
  private readonly subscriptions: vscode.Disposable[];
  /** Read once per change: the tree asks for it for the LMO node and again for its own node. */
  private read: Promise<WorkspacePackage[] | SfdxProjectError | undefined> | undefined;

  constructor() {
    const forget = () => {
      this.read = undefined;
      this.changed.fire();
    };
    this.subscriptions = [
      this.watcher,
      this.changed,
      this.watcher.onDidChange(forget),
      this.watcher.onDidCreate(forget),
      this.watcher.onDidDelete(forget),
      vscode.workspace.onDidChangeWorkspaceFolders(forget),
      // A save is also a change on disk, but the watcher may report it late (or not, in a browser).
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.path.endsWith('/sfdx-project.json')) forget();
      }),
    ];
  }

  /** The project's packages; undefined when the folder is not a Salesforce DX project. */
  packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined> {
    return (this.read ??= this.readPackages());
  }

  /** Where the project's sfdx-project.json is (or would be): the first workspace folder's root. */
  projectFile(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, 'sfdx-project.json');
  }

  private async readPackages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined> {
    const file = this.projectFile();
    if (!file) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch {
      return undefined;
    }
    try {
      return readWorkspacePackages(new TextDecoder().decode(bytes));
    } catch (error) {
      return error instanceof SfdxProjectError ? error : new SfdxProjectError(String(error));
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
