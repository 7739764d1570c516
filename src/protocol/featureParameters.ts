/**
 * The feature parameters section of a page (one License's parameters: the customer view embeds it for
 * each License), shared by the page part (webviews/shared/featureParameters.ts) and the host
 * (src/webviews/featureParameterSection.ts). The host trusts nothing the page posts: a save names the
 * value junction by id and the host edits only a value it sent in the section, through the same rules.
 */
import type { FeatureParameterValue } from '../lma/rules/featureParameters';
import type { Parsed } from './messages';

export type FeatureSection =
  /** The LMO has no Feature Management App: the explanation is shown once, not as an error. */
  | { kind: 'notInstalled'; explanation: string }
  | { kind: 'noAccess'; message: string }
  | {
      kind: 'loaded';
      licenseId: string;
      /** Whether this user may change values; false shows them read-only with `readOnlyReason`. */
      editable: boolean;
      readOnlyReason: string | undefined;
      parameters: FeatureParameterValue[];
      /** When the values were read (ISO). */
      readAt: string;
    }
  | { kind: 'failed'; licenseId: string; message: string };

/** The outcome of a save, for the page (the host also shows it in VS Code's own UI). */
export interface FeatureSaveResult {
  licenseId: string;
  parameterId: string;
  kind: 'saved' | 'unchanged' | 'refused' | 'cancelled' | 'conflict' | 'deleted' | 'failed';
  message: string;
}

/** Host → page. */
export type FeatureHostMessage =
  | { kind: 'featureParameters'; section: FeatureSection }
  | { kind: 'featureSaveResult'; result: FeatureSaveResult };

/** Page → host. */
export type FeaturePageMessage =
  /** `id`: the value junction's id as the section listed it; `value` as the field holds it. */
  | { kind: 'saveFeatureParameter'; licenseId: string; id: string; value: boolean | number | string | null }
  | { kind: 'refreshFeatureParameters'; licenseId: string };

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/**
 * The feature-parameter messages of a page, exactly as declared (values not yet checked against the
 * rules: the host does that); undefined for a kind this section doesn't own, so a page's own gate can
 * try it first and hand the rest over.
 */
export function parseFeaturePageMessage(
  fields: Record<string, unknown>,
  keys: string,
): Parsed<FeaturePageMessage> | undefined {
  if (fields.kind === 'refreshFeatureParameters') {
    if (keys !== 'kind,licenseId')
      return { error: 'refreshFeatureParameters takes exactly kind and licenseId' };
    if (typeof fields.licenseId !== 'string' || !ID.test(fields.licenseId))
      return { error: 'refreshFeatureParameters.licenseId must be a record id' };
    return { message: { kind: 'refreshFeatureParameters', licenseId: fields.licenseId } };
  }
  if (fields.kind !== 'saveFeatureParameter') return undefined;
  if (keys !== 'id,kind,licenseId,value')
    return { error: 'saveFeatureParameter takes exactly kind, licenseId, id and value' };
  if (typeof fields.licenseId !== 'string' || !ID.test(fields.licenseId))
    return { error: 'saveFeatureParameter.licenseId must be a record id' };
  if (typeof fields.id !== 'string' || !ID.test(fields.id))
    return { error: 'saveFeatureParameter.id must be a record id' };
  const v = fields.value;
  if (v !== null && typeof v !== 'boolean' && typeof v !== 'number' && typeof v !== 'string')
    return { error: 'saveFeatureParameter.value must be a boolean, a number, a date or null' };
  if (typeof v === 'string' && v.length > 10) return { error: 'saveFeatureParameter.value is too long' };
  return { message: { kind: 'saveFeatureParameter', licenseId: fields.licenseId, id: fields.id, value: v } };
}
