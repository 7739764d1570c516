import type * as vscode from 'vscode';
import { savedState } from '../ids';

/**
 * The owner org chosen for each package's push upgrades (by its 033 id), when the LMO does not own
 * the package: kept in the workspace's state so the next push suggests it again.
 */
export class PushOwners {
  constructor(private readonly workspaceState: vscode.Memento) {}

  get(packageId: string): string | undefined {
    return this.all()[packageId.slice(0, 15)];
  }

  remember(packageId: string, target: string): Thenable<void> {
    return this.workspaceState.update(savedState.pushOwners, {
      ...this.all(),
      [packageId.slice(0, 15)]: target,
    });
  }

  /** Forgets the org remembered for a package (it turned out not to own it). */
  forget(packageId: string): Thenable<void> {
    const { [packageId.slice(0, 15)]: _gone, ...rest } = this.all();
    return this.workspaceState.update(savedState.pushOwners, rest);
  }

  private all(): Record<string, string> {
    return this.workspaceState.get<Record<string, string>>(savedState.pushOwners) ?? {};
  }
}
