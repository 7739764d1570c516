import * as vscode from 'vscode';

const STATE_KEY = 'lma.lmo';

/** Which org this workspace uses: the `lma.lmo` setting pins it, else the last choice is remembered. */
export class OrgChoice {
  constructor(private readonly workspaceState: vscode.Memento) {}

  get target(): string | undefined {
    const pinned = vscode.workspace.getConfiguration('lma').get<string>('lmo')?.trim();
    return pinned || this.workspaceState.get<string>(STATE_KEY) || undefined;
  }

  get isPinned(): boolean {
    return !!vscode.workspace.getConfiguration('lma').get<string>('lmo')?.trim();
  }

  remember(target: string | undefined): Thenable<void> {
    return this.workspaceState.update(STATE_KEY, target);
  }
}
