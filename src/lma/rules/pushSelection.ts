/**
 * A push's selection as a form holds it (the push upgrade panel's filters, a pasted list as text) and
 * back: the one place that decides what the filters mean, used by the panel's page as the user types
 * and by its host before anything is counted, previewed or created.
 */
import type { LicenseStatus } from '../records/types';
import {
  DEFAULT_SELECTION,
  describeOrgIdProblems,
  parseOrgIdList,
  type OrgIdProblem,
  type OrgTypeFilter,
  type PushSelection,
} from './pushUpgrade';

/** The panel's filters: a pasted list, when it has any id-like text, replaces the others. */
export interface PushSelectionForm {
  olderVersionsOnly: boolean;
  statuses: LicenseStatus[];
  orgType: OrgTypeFilter;
  customer: string;
  orgIdsText: string;
}

/** The form of a selection (the one a panel opens with): a list of org ids one a line. */
export function formOfSelection(selection: PushSelection = DEFAULT_SELECTION): PushSelectionForm {
  return {
    olderVersionsOnly: selection.olderVersionsOnly,
    statuses: [...selection.statuses],
    orgType: selection.orgType,
    customer: selection.customer ?? '',
    orgIdsText: (selection.orgIds ?? []).join('\n'),
  };
}

/**
 * The selection a form means, or why it can't be used: a pasted list with a wrong id names each line
 * (nothing is counted or created), a list with no id at all is refused, no status selected is refused.
 */
export function selectionOfForm(
  form: PushSelectionForm,
): { selection: PushSelection } | { problem: string; lines?: OrgIdProblem[] } {
  if (form.orgIdsText.trim()) {
    const { ids, problems } = parseOrgIdList(form.orgIdsText);
    if (problems.length) return { problem: describeOrgIdProblems(problems), lines: problems };
    if (!ids.length) return { problem: 'The pasted list has no org id.' };
    return { selection: { ...DEFAULT_SELECTION, orgIds: ids } };
  }
  if (!form.statuses.length) return { problem: 'Choose at least one License status.' };
  const customer = form.customer.trim();
  return {
    selection: {
      olderVersionsOnly: form.olderVersionsOnly,
      statuses: form.statuses,
      orgType: form.orgType,
      ...(customer ? { customer } : {}),
    },
  };
}

/** The largest file of org ids "Load from File…" reads: 10,000 ids fit many times over, with other columns. */
export const MAX_ORG_ID_FILE_BYTES = 1_000_000;

/**
 * The org ids of a file (.txt or .csv): one id a line, or the first column of each line (cut at the first
 * comma, semicolon or tab; quotes around it dropped), checked as a pasted list is, each problem named by
 * the file's own line number; a header line with no id-like text is skipped.
 */
export function orgIdsOfFile(content: string): { ids: string[]; problems: OrgIdProblem[] } {
  const firstColumns = content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.split(/[,;\t]/)[0]!.trim());
  return parseOrgIdList(firstColumns.join('\n'));
}

/** What a file of org ids gave, in one sentence when it can't be used (nothing is loaded then). */
export function describeOrgIdFileProblems(fileName: string, problems: readonly OrgIdProblem[]): string {
  const shown = problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message.replace(/\.$/, '')}`);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return `${fileName}: ${problems.length} of its lines can't be used, so nothing was loaded: ${shown.join('; ')}${more}.`;
}
