import * as vscode from 'vscode';
import { isConfirmed, type Confirmation } from '../lma/rules/licenseChanges';
import type { AskConfirmation } from '../lma/workflows/licenseSave';

/**
 * The confirmation port of a License save (src/lma/workflows/licenseSave.ts) in VS Code's own UI
 * (never the webview's word): a modal for a plain confirmation, an input box that must match the
 * customer for a typed one. Undefined when cancelled.
 */
export const askConfirmation: AskConfirmation = async (confirmation: Confirmation, action: string) => {
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
};
