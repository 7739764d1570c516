/**
 * Feature parameters of the Feature Management App (namespace sfFma): what a value may be, which values
 * may be edited in the LMO, and the confirmation a change needs. Pure: the host, the webview (bundled)
 * and the CLI check with the same functions. Facts: /work/shared/reference/isv-operations.md (FMA).
 */
import type { Confirmation } from './licenseChanges';

export type FeatureType = 'Boolean' | 'Integer' | 'Date';
export type FeatureDirection = 'LmoToSubscriber' | 'SubscriberToLmo';
export type FeatureValue = boolean | number | string | null;

/** The picklist values of `sfFma__DataFlowDirection__c` (FMA metadata), by direction. */
export const DIRECTION_PICKLIST: Record<FeatureDirection, string> = {
  LmoToSubscriber: 'LMO to Subscriber',
  SubscriberToLmo: 'Subscriber to LMO',
};

/** An Integer feature parameter holds at most 9 digits (isv-operations.md, FMA). */
export const MAX_INTEGER_DIGITS = 9;
export const MAX_INTEGER = 999_999_999;
/** Salesforce stores dates from 1700-01-01 to 4000-12-31 (SOQL and SOSL Reference). */
const FIRST_YEAR = 1700;
const LAST_YEAR = 4000;

export const REACHES_CUSTOMER = 'It reaches the customer’s org within minutes.';
export const SET_BY_CUSTOMER = 'Set by the customer’s org; arrives within 24 hours.';

/** One parameter of one License: the value junction and its parameter. */
export interface FeatureParameterValue {
  /** The junction record (sfFma__FeatureParameterBoolean__c …) holding the License's value. */
  id: string;
  parameterId: string;
  fullName: string;
  label: string;
  type: FeatureType;
  direction: FeatureDirection;
  value: FeatureValue;
  /** The package version that introduced the parameter (sfFma__IntroducedInPackageVersion__c). */
  introducedIn: string | undefined;
  /** The junction's LastModifiedDate as read: a save compares it before writing. */
  lastModifiedDate: string;
}

/** Who holds the License, for the confirmation. */
export interface FeatureLicense {
  id: string;
  name: string;
  customerName: string | undefined;
  subscriberOrgId: string | undefined;
}

/** The direction of a `sfFma__DataFlowDirection__c` value (case-insensitive: the FMA's own rule writes "Subscriber To LMO"). */
export function directionOf(picklist: unknown): FeatureDirection | undefined {
  const text = typeof picklist === 'string' ? picklist.trim().toLowerCase() : '';
  if (text === 'lmo to subscriber') return 'LmoToSubscriber';
  if (text === 'subscriber to lmo') return 'SubscriberToLmo';
  return undefined;
}

export function typeOf(picklist: unknown): FeatureType | undefined {
  return picklist === 'Boolean' || picklist === 'Integer' || picklist === 'Date' ? picklist : undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` names a day that exists (2026-02-30 does not) within Salesforce's range. */
export function isExistingDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** A value the parameter's type takes, or the message why not. */
export function checkValue(
  type: FeatureType,
  input: unknown,
): { ok: true; value: FeatureValue } | { ok: false; message: string } {
  if (type === 'Boolean') {
    if (typeof input === 'boolean') return { ok: true, value: input };
    return { ok: false, message: 'A Boolean parameter is on or off.' };
  }
  if (type === 'Integer') {
    if (input === null) return { ok: true, value: null };
    if (typeof input !== 'number' || !Number.isInteger(input))
      return { ok: false, message: 'An Integer parameter takes a whole number.' };
    if (Math.abs(input) > MAX_INTEGER)
      return {
        ok: false,
        message: `An Integer parameter holds at most ${MAX_INTEGER_DIGITS} digits (up to ${MAX_INTEGER.toLocaleString('en-US')}).`,
      };
    return { ok: true, value: input };
  }
  if (input === null) return { ok: true, value: null };
  if (typeof input !== 'string' || !isExistingDate(input))
    return {
      ok: false,
      message: `${typeof input === 'string' ? `${input.slice(0, 40)} is not a date that exists` : 'A Date parameter takes a date'} (YYYY-MM-DD, ${FIRST_YEAR} to ${LAST_YEAR}).`,
    };
  return { ok: true, value: input };
}

export type FeatureChangePlan =
  | { kind: 'refused'; message: string }
  | { kind: 'unchanged' }
  | { kind: 'ready'; value: FeatureValue; summary: string; confirmation: Confirmation };

export function formatValue(type: FeatureType, value: FeatureValue): string {
  if (value === null || value === undefined) return 'no value';
  if (type === 'Boolean') return value ? 'on' : 'off';
  if (type === 'Integer' && typeof value === 'number') return value.toLocaleString('en-US');
  return String(value);
}

export function customerOf(license: FeatureLicense): string {
  const org = license.subscriberOrgId ? ` (org ${license.subscriberOrgId})` : '';
  return `${license.customerName ?? 'unknown customer'}${org}, ${license.name}`;
}

/** Whether the change takes something away from the customer: a Boolean turned off, a lower number, a value cleared. */
export function takesAway(type: FeatureType, before: FeatureValue, after: FeatureValue): boolean {
  if (before === null || before === undefined) return false;
  if (after === null) return true;
  if (type === 'Boolean') return before === true && after === false;
  if (type === 'Integer') return typeof before === 'number' && typeof after === 'number' && after < before;
  return false;
}

/** What a change of one parameter's value does: refused, nothing, or a write with its confirmation. */
export function planFeatureChange(
  license: FeatureLicense,
  parameter: FeatureParameterValue,
  input: unknown,
): FeatureChangePlan {
  if (parameter.direction !== 'LmoToSubscriber')
    return {
      kind: 'refused',
      message: `${parameter.label} is set by the customer’s org (Subscriber to LMO) and can’t be changed in the LMO. ${SET_BY_CUSTOMER}`,
    };
  const checked = checkValue(parameter.type, input);
  if (!checked.ok) return { kind: 'refused', message: `${parameter.label}: ${checked.message}` };
  if (checked.value === parameter.value) return { kind: 'unchanged' };
  const summary = `${parameter.label} ${formatValue(parameter.type, parameter.value)} → ${formatValue(parameter.type, checked.value)}`;
  const confirmation: Confirmation = takesAway(parameter.type, parameter.value, checked.value)
    ? {
        kind: 'confirm',
        message: `${summary} takes a feature away from the customer: ${customerOf(license)}. ${REACHES_CUSTOMER}`,
      }
    : { kind: 'none' };
  return { kind: 'ready', value: checked.value, summary, confirmation };
}
