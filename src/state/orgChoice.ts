import * as vscode from 'vscode';
import { savedState, settings } from '../ids';

/** Which org this workspace uses: the `lma.lmo` setting pins it, else the last choice is remembered. */
export class OrgChoice {
  constructor(private readonly workspaceState: vscode.Memento) {}

  get target(): string | undefined {
    return this.pinned || this.workspaceState.get<string>(savedState.chosenLmo) || undefined;
  }

  get isPinned(): boolean {
    return !!this.pinned;
  }

  private get pinned(): string | undefined {
    return vscode.workspace.getConfiguration().get<string>(settings.lmo)?.trim() || undefined;
  }

  remember(target: string | undefined): Thenable<void> {
    return this.workspaceState.update(savedState.chosenLmo, target);
  }
}
