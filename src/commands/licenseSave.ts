import * as vscode from 'vscode';
import {
  isConfirmed,
  planLicenseChange,
  type Confirmation,
  type EditableLicense,
  type LicenseChange,
} from '../lma/rules/licenseChanges';
import { saveLicenseChange, type SaveOutcome } from '../lma/workflows/licenseEdits';
import type { LmoSession } from '../org/lmoSession';

/**
 * Asks what `confirmation` needs, in VS Code's own UI (never the webview's word): a modal for a plain
 * confirmation, an input box that must match the customer for a typed one. Undefined when cancelled.
 */
export async function askConfirmation(
  confirmation: Confirmation,
  action: string,
): Promise<string | boolean | undefined> {
  switch (confirmation.kind) {
    case 'none':
      return false;
    case 'confirm': {
      const answer = await vscode.window.showWarningMessage(confirmation.message, { modal: true }, action);
      return answer === action ? true : undefined;
    }
    case 'typed': {
      return vscode.window.showInputBox({
        title: `${action}: confirm`,
        prompt: `${confirmation.message} ${confirmation.prompt}`,
        // No placeholder: the name to type as a placeholder looks already filled in. The prompt says it.
        ignoreFocusOut: true,
        validateInput: (value) => (isConfirmed(confirmation, value) ? undefined : confirmation.prompt),
      });
    }
  }
}

/** Plans, confirms and saves one License change: the one path for the form and every quick action. */
export async function confirmAndSave(
  session: LmoSession,
  loaded: EditableLicense,
  change: LicenseChange,
  action: string,
): Promise<SaveOutcome | { kind: 'cancelled' }> {
  const plan = planLicenseChange(loaded, change, new Date());
  const confirmed = plan.kind === 'ready' ? await askConfirmation(plan.confirmation, action) : false;
  if (confirmed === undefined) return { kind: 'cancelled' };
  return saveLicenseChange(session, loaded, change, { confirmed });
}

/** One line for a notification or the form: what happened to the save. */
export function describeOutcome(outcome: SaveOutcome | { kind: 'cancelled' }): string {
  switch (outcome.kind) {
    case 'saved':
    case 'conflict':
    case 'deleted':
    case 'failed':
    case 'needsConfirmation':
      return outcome.message;
    case 'refused':
      return outcome.plan.problems.map((p) => p.message).join(' ');
    case 'unchanged':
      return 'Nothing to save: the License already has these values.';
    case 'cancelled':
      return 'Cancelled: nothing was saved.';
  }
}
