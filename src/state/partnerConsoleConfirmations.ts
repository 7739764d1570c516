import type * as vscode from 'vscode';
import { savedState } from '../ids';

/**
 * Which LMOs the user confirmed as connected to the Partner Console (Salesforce has no API to check
 * it), kept in VS Code's global state by org id so the confirmation follows the LMO, not the folder.
 */
export class PartnerConsoleConfirmations {
  constructor(private readonly globalState: vscode.Memento) {}

  isConfirmed(orgId: string): boolean {
    return this.confirmed().includes(orgId);
  }

  confirm(orgId: string): Thenable<void> {
    return this.globalState.update(savedState.partnerConsoleConfirmed, [
      ...new Set([...this.confirmed(), orgId]),
    ]);
  }

  private confirmed(): string[] {
    return this.globalState.get<string[]>(savedState.partnerConsoleConfirmed) ?? [];
  }
}
