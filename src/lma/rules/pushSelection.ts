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
