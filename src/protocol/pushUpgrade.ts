/**
 * The message protocol of the push upgrade panel (choose the orgs, preview, schedule), shared by the
 * webview (webviews/pushUpgrade) and the extension host (src/webviews/pushUpgradePanel.ts). The page
 * sends what the user typed (`SelectionForm`); the host turns it into a selection with the domain's
 * rules and schedules only the preview it built itself, never a list of orgs the page names.
 */
import type { SelectionCounts } from '../lma/records/pushUpgrade';
import { isSalesforceId } from '../lma/records/soql';
import { licenseStatuses, type LicenseStatus } from '../lma/records/types';
import type { PushSelectionForm } from '../lma/rules/pushSelection';
import type { ExcludedOrg, ExclusionReason, OrgTypeFilter } from '../lma/rules/pushUpgrade';
import { parseMessage, type Parsed } from './messages';

/** The filters as the page holds them (src/lma/rules/pushSelection.ts says what they mean). */
export type SelectionForm = PushSelectionForm;

/** The longest customer search the gate passes on (a SOQL LIKE of an Account name: 255 characters). */
export const MAX_CUSTOMER = 255;
/** The longest pasted list the gate passes on: 10,000 ids of 18 characters and their separators. */
export const MAX_ORG_IDS_TEXT = 200_000;
/** Orgs left out, and refused jobs, the panel lists one by one; the rest are counted. */
export const LISTED_ORGS = 50;

/** The preview as the panel shows it: `jobs` is the number of jobs the schedule creates, never more. */
export interface PreviewSummary {
  packageName: string | undefined;
  versionNumber: string | undefined;
  jobs: number;
  productionOrgs: number;
  byVersion: Record<string, number>;
  byStatus: Record<string, number>;
  byOrgType: Record<string, number>;
  /** The first `LISTED_ORGS` orgs left out, each with its reason. */
  excluded: ExcludedOrg[];
  excludedTotal: number;
  excludedByReason: Partial<Record<ExclusionReason, number>>;
  /** The preview's head line (describePreview). */
  head: string;
  /** Why it can't be scheduled (no job), if so. */
  problem: string | undefined;
}

export interface RefusedOrg {
  orgId: string;
  message: string;
}

/** What came of a schedule, as the panel shows it. */
/**
 * How a schedule ended; `abandoned`: the ingest jobs an earlier schedule (or bulk change) in the owner org
 * left behind, found, aborted and deleted first, each said with what it wrote and the next step;
 * `abandonedRequests`: the push requests those jobs created jobs in, each offered to open (`showRequest`).
 */
export type ScheduleOutcome = (
  | {
      kind: 'started';
      requestId: string;
      jobs: number;
      refused: RefusedOrg[];
      refusedTotal: number;
      /** Local time and UTC; undefined: started now. */
      scheduledFor: { local: string; utc: string } | undefined;
    }
  | { kind: 'notStarted'; message: string; refused: RefusedOrg[]; refusedTotal: number }
  | { kind: 'interrupted'; requestId: string; message: string; remaining: number }
  | { kind: 'aborted'; requestId: string; message: string }
  /** Nothing was created: a time in the past, a dismissed confirmation, a stale preview, a refusal. */
  | { kind: 'notScheduled'; message: string }
) & { abandoned?: string[]; abandonedRequests?: string[] };

/** What the page keeps across a hide or a reload: its filters and the revision they started from. */
export interface PageDraft {
  revision: number;
  form: SelectionForm;
}

/** Host → webview. */
export type HostMessage =
  /**
   * The target and the filters to start from (the selection the panel was opened with). `revision`
   * counts the selections the panel was given: a draft the page kept from the same revision wins, a
   * newer selection (the panel opened again from the tree, a retry) replaces it.
   */
  | { kind: 'scope'; packageName: string; versionNumber: string; form: SelectionForm; revision: number }
  | { kind: 'counts'; seq: number; counts: SelectionCounts }
  | { kind: 'countError'; seq: number; message: string }
  | { kind: 'preview'; previewId: number; preview: PreviewSummary }
  | { kind: 'previewError'; message: string }
  | { kind: 'scheduleResult'; outcome: ScheduleOutcome }
  /** "Load from File…": the file's org ids (checked), which the page adds to its list; or why none were. */
  | { kind: 'orgIdsLoaded'; fileName: string; ids: string[] }
  | { kind: 'orgIdsFileError'; message: string }
  | { kind: 'error'; message: string };

/** Webview → host. */
export type PushUpgradeMessage =
  | { kind: 'ready' }
  /** Count the Licenses this form selects; the answer carries `seq` back (only the newest is shown). */
  | { kind: 'count'; seq: number; form: SelectionForm }
  | { kind: 'preview'; form: SelectionForm }
  /** Schedule the preview `previewId` (the host's own), now ('') or at the time typed. */
  | { kind: 'schedule'; previewId: number; when: string }
  /** An interrupted request: add its remaining jobs and start it, or abort it. */
  | { kind: 'finish' }
  | { kind: 'abort' }
  /** Watch the request just started (the watch flow: progress, failures, retry). */
  | { kind: 'watch' }
  /** Open the view of a push request the last result named among `abandonedRequests`. */
  | { kind: 'showRequest'; requestId: string }
  /** "Load from File…": the host asks for a file of org ids (its own open dialog) and reads it. */
  | { kind: 'loadOrgIds' };

const ORG_TYPES: readonly OrgTypeFilter[] = ['all', 'sandbox', 'production'];
/** The longest schedule text: an ISO time with seconds, fraction and zone. */
const MAX_WHEN = 40;

export function parsePushUpgradeMessage(message: unknown): Parsed<PushUpgradeMessage> {
  return parseMessage<PushUpgradeMessage>(
    message,
    ['ready', 'finish', 'abort', 'watch', 'loadOrgIds'],
    (m, keys) => {
      switch (m.kind) {
        case 'count': {
          if (keys !== 'form,kind,seq') return { error: 'count takes exactly kind, seq and form' };
          if (!isCounter(m.seq)) return { error: 'count.seq is not a whole number' };
          const form = parseForm(m.form);
          return typeof form === 'string'
            ? { error: `count.form: ${form}` }
            : { message: { kind: 'count', seq: m.seq, form } };
        }
        case 'preview': {
          if (keys !== 'form,kind') return { error: 'preview takes exactly kind and form' };
          const form = parseForm(m.form);
          return typeof form === 'string'
            ? { error: `preview.form: ${form}` }
            : { message: { kind: 'preview', form } };
        }
        case 'schedule':
          if (keys !== 'kind,previewId,when')
            return { error: 'schedule takes exactly kind, previewId and when' };
          if (!isCounter(m.previewId)) return { error: 'schedule.previewId is not a whole number' };
          if (typeof m.when !== 'string' || m.when.length > MAX_WHEN)
            return { error: `schedule.when is not a text of at most ${MAX_WHEN} characters` };
          return { message: { kind: 'schedule', previewId: m.previewId, when: m.when } };
        case 'showRequest':
          if (keys !== 'kind,requestId') return { error: 'showRequest takes exactly kind and requestId' };
          if (typeof m.requestId !== 'string' || !isSalesforceId(m.requestId))
            return { error: 'showRequest.requestId is not a record id' };
          return { message: { kind: 'showRequest', requestId: m.requestId } };
        default:
          return undefined;
      }
    },
  );
}

function isCounter(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The form checked field by field: a `SelectionForm`, or what is wrong with it. */
export function parseForm(value: unknown): SelectionForm | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const f = value as Record<string, unknown>;
  if (Object.keys(f).sort().join(',') !== 'customer,olderVersionsOnly,orgIdsText,orgType,statuses')
    return 'takes exactly olderVersionsOnly, statuses, orgType, customer and orgIdsText';
  if (typeof f.olderVersionsOnly !== 'boolean') return 'olderVersionsOnly is not true or false';
  if (
    !Array.isArray(f.statuses) ||
    !f.statuses.every((s) => (licenseStatuses as readonly unknown[]).includes(s)) ||
    new Set(f.statuses).size !== f.statuses.length
  )
    return `statuses are not distinct values of ${licenseStatuses.join(', ')}`;
  if (!(ORG_TYPES as readonly unknown[]).includes(f.orgType))
    return `orgType is not one of ${ORG_TYPES.join(', ')}`;
  if (typeof f.customer !== 'string' || f.customer.length > MAX_CUSTOMER)
    return `customer is not a text of at most ${MAX_CUSTOMER} characters`;
  if (typeof f.orgIdsText !== 'string' || f.orgIdsText.length > MAX_ORG_IDS_TEXT)
    return `orgIdsText is not a text of at most ${MAX_ORG_IDS_TEXT} characters`;
  return {
    olderVersionsOnly: f.olderVersionsOnly,
    statuses: f.statuses as LicenseStatus[],
    orgType: f.orgType as OrgTypeFilter,
    customer: f.customer,
    orgIdsText: f.orgIdsText,
  };
}
