/**
 * The one message protocol of the Modify License form, shared by the webview (webviews/license) and the
 * extension host (src/webviews/licensePanel.ts). The host trusts nothing the webview posts:
 * `parseLicenseFormMessage` accepts only these shapes, and the host checks every rule again and asks
 * any confirmation itself (a modal, or a typed name), never taking the webview's word for it.
 */
import type { EditableLicense, LicenseChange } from '../lma/rules/licenseChanges';
import type { HistoryEntry } from '../lma/workflows/licenseEdits';
import { parseMessage, type Parsed } from './messages';

export interface LicenseFormState {
  license: EditableLicense;
  history: HistoryEntry[];
  /** Who the form is connected to, e.g. "lmo (00D…)". */
  orgLabel: string;
  /** The host's today (YYYY-MM-DD): the rules compare dates with it. */
  today: string;
}

export type LicenseSaveOutcome =
  /** `lmaStatusBehind`: saved, but the LMA's own License Status didn't follow (finish on Modify License). */
  | { kind: 'saved'; message: string; lmaStatusBehind?: string }
  | { kind: 'cancelled'; message: string }
  /** The License changed since the form loaded it: `theirs` is what it holds now. Nothing was written. */
  | { kind: 'conflict'; message: string; theirs: EditableLicense }
  | { kind: 'rejected'; message: string };

/** Host → webview. */
export type LicenseHostMessage =
  | { kind: 'state'; state: LicenseFormState }
  | { kind: 'loadFailed'; message: string }
  | { kind: 'saveResult'; outcome: LicenseSaveOutcome };

/** Webview → host. `revision` is the LastModifiedDate the form's values came from. */
export type LicenseFormMessage =
  | { kind: 'ready' }
  | { kind: 'reload' }
  | { kind: 'openInSalesforce' }
  | { kind: 'save'; change: LicenseChange; revision: string };

const CHANGE_KEYS = new Set(['status', 'seats', 'expiration']);

/** The message if it has exactly a declared shape (values are checked by the rules later); else why not. */
export function parseLicenseFormMessage(message: unknown): Parsed<LicenseFormMessage> {
  return parseMessage<LicenseFormMessage>(message, ['ready', 'reload', 'openInSalesforce'], (m, keys) => {
    if (m.kind !== 'save') return undefined;
    if (keys !== 'change,kind,revision') return { error: 'save takes exactly kind, change and revision' };
    if (typeof m.revision !== 'string') return { error: 'save.revision must be a string' };
    const c = m.change;
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      return { error: 'save.change must be an object' };
    const change = c as Record<string, unknown>;
    for (const key of Object.keys(change))
      if (!CHANGE_KEYS.has(key)) return { error: `save.change has an unknown field ${JSON.stringify(key)}` };
    if ('status' in change && typeof change.status !== 'string')
      return { error: 'save.change.status must be a string' };
    if ('seats' in change && typeof change.seats !== 'number')
      return { error: 'save.change.seats must be a number' };
    if ('expiration' in change && change.expiration !== null && typeof change.expiration !== 'string')
      return { error: 'save.change.expiration must be a date string or null' };
    return { message: { kind: 'save', change: change as LicenseChange, revision: m.revision } };
  });
}
