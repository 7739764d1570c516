import {
  planLicenseChange,
  type Confirmation,
  type EditableLicense,
  type LicenseChange,
} from '../rules/licenseChanges';
import type { LmoSession } from '../../org/lmoSession';
import { saveLicenseChange, type SaveOutcome } from './licenseEdits';

/**
 * The confirmation port: asks what `confirmation` needs in the host's own UI (never a webview's word).
 * Resolves to the typed text, true for a plain confirmation, false when none was needed, undefined
 * when the user cancelled. The VS Code adapter is src/commands/askConfirmation.ts.
 */
export type AskConfirmation = (
  confirmation: Confirmation,
  action: string,
) => Promise<string | boolean | undefined>;

/** Plans, confirms and saves one License change: the one path for the form and every quick action. */
export async function confirmAndSave(
  session: LmoSession,
  loaded: EditableLicense,
  change: LicenseChange,
  action: string,
  askConfirmation: AskConfirmation,
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
