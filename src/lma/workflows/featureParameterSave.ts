/**
 * Saving one feature parameter value of one License, with the guard rails of License saves
 * (licenseEdits.ts): the rules are checked here again whatever the caller sent (a forged webview
 * message included), the value junction is re-read just before the write and any change since the
 * caller read it is a conflict (nothing written), the PATCH carries `If-Unmodified-Since`, and a value
 * that takes something away from the customer needs a confirmation naming them, asked through the
 * host's own port.
 */
import { toLmoError } from '../../org/errors';
import { loadFeatureParameterValue, FMA_READ_ONLY } from '../records/featureParameters';
import { FMA_JUNCTIONS } from '../records/objects';
import {
  REACHES_CUSTOMER,
  planFeatureChange,
  type FeatureLicense,
  type FeatureParameterValue,
} from '../rules/featureParameters';
import { waitPastSecondOf, type EditApi } from './licenseEdits';
import type { AskConfirmation } from './licenseSave';

export type FeatureSaveOutcome =
  | { kind: 'saved'; value: FeatureParameterValue; message: string }
  | { kind: 'unchanged'; message: string }
  /** A rule, the direction or the user's access refuses it: nothing was sent. */
  | { kind: 'refused'; message: string }
  | { kind: 'cancelled'; message: string }
  | { kind: 'conflict'; current: FeatureParameterValue; message: string }
  | { kind: 'deleted'; message: string }
  | { kind: 'failed'; message: string; errorCode: string | undefined };

export interface FeatureSaveOptions {
  /** Whether this user may edit the FMA's values (detectFma); false refuses before any request. */
  editable: boolean;
  /** Waits are short (at most about two seconds); tests may replace the timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Plans, confirms (through the host's port) and saves a new value of one License's parameter. */
export async function saveFeatureParameter(
  api: EditApi,
  license: FeatureLicense,
  loaded: FeatureParameterValue,
  input: unknown,
  askConfirmation: AskConfirmation,
  options: FeatureSaveOptions,
): Promise<FeatureSaveOutcome> {
  const plan = planFeatureChange(license, loaded, input);
  if (plan.kind === 'refused') return plan;
  if (!options.editable) return { kind: 'refused', message: FMA_READ_ONLY };
  if (plan.kind === 'unchanged')
    return { kind: 'unchanged', message: `Nothing to save: ${loaded.label} already has this value.` };
  if (plan.confirmation.kind !== 'none') {
    const confirmed = await askConfirmation(plan.confirmation, `Save ${loaded.label}`);
    if (confirmed === undefined || confirmed === false)
      return { kind: 'cancelled', message: 'Cancelled: nothing was saved.' };
  }

  await waitPastSecondOf(api, loaded.lastModifiedDate, options.sleep);
  const current = await loadFeatureParameterValue(api, loaded.type, loaded.id);
  if (!current) return deleted(loaded);
  if (current.lastModifiedDate !== loaded.lastModifiedDate) return conflict(current);
  try {
    await api.request(`/sobjects/${FMA_JUNCTIONS[loaded.type]}/${loaded.id}`, {
      method: 'PATCH',
      body: { sfFma__Value__c: plan.value },
      headers: { 'If-Unmodified-Since': new Date(loaded.lastModifiedDate).toUTCString() },
    });
  } catch (error) {
    const failure = toLmoError(error);
    if (failure.status === 412 || failure.errorCode === 'PRECONDITION_FAILED') {
      const now = await loadFeatureParameterValue(api, loaded.type, loaded.id);
      return now ? conflict(now) : deleted(loaded);
    }
    if (failure.errorCode === 'ENTITY_IS_DELETED' || failure.errorCode === 'NOT_FOUND')
      return deleted(loaded);
    if (failure.kind !== 'salesforce') throw failure;
    return {
      kind: 'failed',
      message: `Salesforce refused the change of ${loaded.label}: ${failure.message}`,
      errorCode: failure.errorCode,
    };
  }
  const after = (await loadFeatureParameterValue(api, loaded.type, loaded.id)) ?? current;
  return {
    kind: 'saved',
    value: after,
    message: `Saved ${license.name}: ${plan.summary}. ${REACHES_CUSTOMER}`,
  };
}

function conflict(current: FeatureParameterValue): FeatureSaveOutcome {
  return {
    kind: 'conflict',
    current,
    message: `${current.label} was changed at ${current.lastModifiedDate} after it was read. Nothing was saved: review its current value and apply your change again.`,
  };
}

function deleted(loaded: FeatureParameterValue): FeatureSaveOutcome {
  return {
    kind: 'deleted',
    message: `${loaded.label} no longer exists for this License in the LMO (deleted meanwhile). Nothing was saved.`,
  };
}
