import * as vscode from 'vscode';
import { readWorkspacePackages, SfdxProjectError, type WorkspacePackage } from '../lma/sfdxProject';

/** The open folder's sfdx-project.json, re-read when it changes on disk or in an editor. */
export class WorkspaceProject implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/sfdx-project.json');
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const fire = () => this.changed.fire();
    this.subscriptions = [
      this.watcher,
      this.changed,
      this.watcher.onDidChange(fire),
      this.watcher.onDidCreate(fire),
      this.watcher.onDidDelete(fire),
      vscode.workspace.onDidChangeWorkspaceFolders(fire),
    ];
  }

  /** The project's packages; undefined when the folder is not a Salesforce DX project. */
  async packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'sfdx-project.json'));
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
