/**
 * The one message protocol of the default-licensing form, shared by the webview (webviews/licensingTerms)
 * and the extension host (src/webviews/licensingTermsPanel.ts). The host trusts nothing the webview
 * posts: `parseFormMessage` accepts only the shapes declared here, with no extra fields.
 */
import type { LicensingTerms } from '../lma/rules/licensingTerms';
import type { LicenseStatus } from '../lma/records/types';
import type { TestInstallOutcome } from '../lma/workflows/testInstall';
import { parseMessage, type Parsed } from './messages';

/** What the form shows; the host posts it after `ready` and again whenever the file or the org changes. */
export interface FormState {
  packageName: string;
  /** The last test install of this package, when one ran in this workspace. */
  lastTestInstall: { outcome: TestInstallOutcome; versionName: string; finishedAt: string } | undefined;
  /** The key of the terms in sfdx-project.json (a package alias). */
  alias: string;
  file: FileState;
  lmo: LmoState;
}

export type FileState =
  | {
      kind: 'ok';
      /** Workspace-relative path of sfdx-project.json. */
      path: string;
      /** The terms as written; undefined when the package has none yet. */
      terms: LicensingTerms | undefined;
      /** Why the written entry can't be shown as terms (the language server says where). */
      problems: string[];
      /** The written entry as JSON text: the form sends it back with Save, so a concurrent change is seen. */
      revision: string;
      /** Save also adds the alias to packageAliases (the LMO package has none in this project). */
      addsAlias: string | undefined;
      /** The editor holds unsaved changes of the file: Save edits the editor and leaves saving to the user. */
      dirty: boolean;
    }
  | { kind: 'missing'; message: string }
  | { kind: 'malformed'; path: string; message: string; line: number; column: number };

export type LmoState =
  | { kind: 'disconnected' }
  | {
      kind: 'connected';
      orgLabel: string;
      /** The local org: Save also applies the terms to its Partner Console. */
      isLocalOrg: boolean;
      associated: boolean;
      licenseCounts: Partial<Record<LicenseStatus, number>>;
    };

export type SaveOutcome =
  | { kind: 'saved'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'rejected'; message: string };

/** Host → webview. */
export type HostMessage = { kind: 'state'; state: FormState } | { kind: 'saveResult'; outcome: SaveOutcome };

/** Webview → host. */
export type FormMessage =
  | { kind: 'ready' }
  | { kind: 'save'; terms: LicensingTerms; revision: string }
  | { kind: 'openFile' }
  | { kind: 'openPartnerConsole' }
  /** "Run Test Install…": the host runs the test-install command for this form's package. */
  | { kind: 'runTestInstall' };

export const PARTNER_CONSOLE_URL = 'https://partners.salesforce.com/';

/** The message if it has exactly a declared shape (values not yet checked against the rules); else why not. */
export function parseFormMessage(message: unknown): Parsed<FormMessage> {
  return parseMessage<FormMessage>(
    message,
    ['ready', 'openFile', 'openPartnerConsole', 'runTestInstall'],
    (m, keys) => {
      if (m.kind !== 'save') return undefined;
      if (keys !== 'kind,revision,terms') return { error: 'save takes exactly kind, terms and revision' };
      if (typeof m.revision !== 'string') return { error: 'save.revision must be a string' };
      const t = m.terms as Record<string, unknown> | null;
      if (
        typeof t !== 'object' ||
        t === null ||
        Object.keys(t).sort().join(',') !== 'lengthDays,seats,status'
      )
        return { error: 'save.terms takes exactly status, lengthDays and seats' };
      if (typeof t.status !== 'string') return { error: 'save.terms.status must be a string' };
      if (t.lengthDays !== null && typeof t.lengthDays !== 'number')
        return { error: 'save.terms.lengthDays must be a number or null' };
      if (typeof t.seats !== 'number' && typeof t.seats !== 'string')
        return { error: 'save.terms.seats must be a number or "site"' };
      return { message: { kind: 'save', terms: t as unknown as LicensingTerms, revision: m.revision } };
    },
  );
}
