/**
 * Setting one feature parameter for several Licenses (a selection, a Status group, a package version),
 * in the shape of Change Licenses: a preview of what each License would get, one confirmation through
 * the host's port when the change takes something away from customers (it names them), then the
 * writes and a report. The preview's reads are compared just before each chunk's write: a value changed
 * or deleted since the preview is reported and not overwritten. Writes go through sObject Collections
 * (200 a request, allOrNone false), so one refusal doesn't stop the others.
 */
import { toLmoError } from '../../org/errors';
import { groupConditions } from '../records/licenseScope';
import { LMA_1_20_FIELDS } from '../records/lmaFields';
import { queryAll, type LmoApi } from '../records/lmoApi';
import { FMA_JUNCTIONS } from '../records/objects';
import { literal } from '../records/soql';
import type { LicenseGroupStatus } from '../records/types';
import {
  REACHES_CUSTOMER,
  customerOf,
  formatValue,
  planFeatureChange,
  takesAway,
  type FeatureLicense,
  type FeatureParameterValue,
  type FeatureType,
  type FeatureValue,
} from '../rules/featureParameters';
import type { Confirmation } from '../rules/licenseChanges';
import type { AskConfirmation } from './licenseSave';
import { loadLicenseFeatureParameters } from '../records/featureParameters';

export const BULK_CHUNK = 200;

/** Which Licenses: a selection, or a package's Status group or version. */
export type BulkFeatureScope =
  | { kind: 'selection'; licenseIds: string[] }
  | { kind: 'group'; packageId: string; status?: LicenseGroupStatus; packageVersionId?: string };

/** The parameter to set (a Feature Parameter record of the package). */
export interface BulkFeatureParameter {
  id: string;
  label: string;
  type: FeatureType;
}

export interface BulkFeatureItem {
  license: FeatureLicense;
  /** The License's value as the preview read it (undefined: the License has no value record). */
  current: FeatureParameterValue | undefined;
  plan: { kind: 'ready'; value: FeatureValue } | { kind: 'unchanged' } | { kind: 'refused'; message: string };
}

export interface BulkFeaturePreview {
  parameter: BulkFeatureParameter;
  value: FeatureValue;
  items: BulkFeatureItem[];
  /** One line per outcome: "3 change, 1 unchanged, 1 refused". */
  summary: string;
  confirmation: Confirmation;
}

export interface BulkFeatureReport {
  applied: FeatureLicense[];
  unchanged: FeatureLicense[];
  failed: { license: FeatureLicense; reason: string }[];
  message: string;
}

/** The License ids of a scope. */
export async function licenseIdsOf(api: LmoApi, scope: BulkFeatureScope): Promise<string[]> {
  if (scope.kind === 'selection') return [...new Set(scope.licenseIds)];
  const conditions = [
    ...groupConditions(scope, api.lmaFields ?? LMA_1_20_FIELDS),
    ...(scope.packageVersionId ? [`sfLma__Package_Version__c = ${literal(scope.packageVersionId)}`] : []),
  ];
  const rows = await queryAll<{ Id: string }>(
    api,
    `SELECT Id FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id`,
  );
  return rows.map((r) => r.Id);
}

interface BulkRow {
  Id: string;
  LastModifiedDate: string;
  sfFma__Value__c: FeatureValue;
  sfFma__License__c: string;
}

interface LicenseRow {
  Id: string;
  Name: string;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Account__r: { Name: string | null } | null;
}

const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BULK_CHUNK) }, (_, i) =>
    items.slice(i * BULK_CHUNK, (i + 1) * BULK_CHUNK),
  );

/** The values of the parameter for these Licenses, by License id (one query per 200 Licenses). */
async function readValues(
  api: LmoApi,
  parameter: BulkFeatureParameter,
  licenseIds: string[],
): Promise<Map<string, BulkRow>> {
  const out = new Map<string, BulkRow>();
  for (const chunk of chunks(licenseIds)) {
    const rows = await queryAll<BulkRow>(
      api,
      `SELECT Id, LastModifiedDate, sfFma__Value__c, sfFma__License__c FROM ${FMA_JUNCTIONS[parameter.type]} WHERE sfFma__FeatureParameter__c = ${literal(parameter.id)} AND sfFma__License__c IN (${chunk.map(literal).join(', ')})`,
    );
    for (const r of rows) out.set(r.sfFma__License__c, r);
  }
  return out;
}

/** What setting `value` would do to each License of the scope. Reads only. */
export async function previewBulkFeatureChange(
  api: LmoApi,
  parameter: BulkFeatureParameter,
  scope: BulkFeatureScope,
  value: unknown,
): Promise<BulkFeaturePreview> {
  try {
    const ids = await licenseIdsOf(api, scope);
    const licenses = new Map<string, FeatureLicense>();
    for (const chunk of chunks(ids)) {
      const rows = await queryAll<LicenseRow>(
        api,
        `SELECT Id, Name, sfLma__Subscriber_Org_ID__c, sfLma__Account__r.Name FROM sfLma__License__c WHERE Id IN (${chunk.map(literal).join(', ')})`,
      );
      for (const r of rows)
        licenses.set(r.Id, {
          id: r.Id,
          name: r.Name,
          customerName: r.sfLma__Account__r?.Name ?? undefined,
          subscriberOrgId: r.sfLma__Subscriber_Org_ID__c ?? undefined,
        });
    }
    const values = await readValues(api, parameter, ids);
    // The direction comes from the parameter itself: read one License's parameters for it.
    const sample = [...values.values()][0];
    const described = sample
      ? (await loadLicenseFeatureParameters(api, sample.sfFma__License__c)).find((p) => p.id === sample.Id)
      : undefined;
    const items = ids.map((id): BulkFeatureItem => {
      const license = licenses.get(id) ?? {
        id,
        name: id,
        customerName: undefined,
        subscriberOrgId: undefined,
      };
      const row = values.get(id);
      if (!row || !described)
        return {
          license,
          current: undefined,
          plan: {
            kind: 'refused',
            message: `${license.name} has no ${parameter.label} value (deleted, or its version predates the parameter).`,
          },
        };
      const current: FeatureParameterValue = {
        ...described,
        id: row.Id,
        value: parameter.type === 'Boolean' ? row.sfFma__Value__c === true : (row.sfFma__Value__c ?? null),
        lastModifiedDate: row.LastModifiedDate,
      };
      const plan = planFeatureChange(license, current, value);
      return {
        license,
        current,
        plan: plan.kind === 'ready' ? { kind: 'ready', value: plan.value } : plan,
      };
    });
    const count = (kind: BulkFeatureItem['plan']['kind']) => items.filter((i) => i.plan.kind === kind).length;
    const ready = items.filter((i) => i.plan.kind === 'ready');
    const target = ready[0]?.plan.kind === 'ready' ? ready[0].plan.value : (value as FeatureValue);
    const losing = ready.filter((i) => i.current && takesAway(parameter.type, i.current.value, target));
    let confirmation: Confirmation = { kind: 'none' };
    if (losing.length) {
      const names = losing.slice(0, 5).map((i) => customerOf(i.license));
      const more = losing.length > names.length ? ` and ${losing.length - names.length} more` : '';
      confirmation = {
        kind: 'confirm',
        message: `Setting ${parameter.label} to ${formatValue(parameter.type, target)} takes a feature away from ${losing.length} ${losing.length === 1 ? 'customer' : 'customers'}: ${names.join('; ')}${more}. ${REACHES_CUSTOMER}`,
      };
    }
    return {
      parameter,
      value: target,
      items,
      summary: `${count('ready')} to change, ${count('unchanged')} unchanged, ${count('refused')} refused`,
      confirmation,
    };
  } catch (error) {
    throw toLmoError(error);
  }
}

interface CollectionResult {
  id?: string;
  success: boolean;
  errors: { statusCode?: string; message: string }[];
}

/** Asks the preview's confirmation (if any), then writes; the report says what happened to each License. */
export async function applyBulkFeatureChange(
  api: LmoApi,
  preview: BulkFeaturePreview,
  askConfirmation: AskConfirmation,
  options: { editable: boolean; signal?: AbortSignal },
): Promise<BulkFeatureReport | { kind: 'cancelled' }> {
  const report: BulkFeatureReport = { applied: [], unchanged: [], failed: [], message: '' };
  const ready = preview.items.filter((i) => i.plan.kind === 'ready');
  if (ready.length && !options.editable)
    return finish({
      ...report,
      failed: ready.map((i) => ({
        license: i.license,
        reason: 'This user may not edit feature parameters.',
      })),
    });
  if (preview.confirmation.kind !== 'none') {
    const n = ready.length;
    const answer = await askConfirmation(
      preview.confirmation,
      `Set ${preview.parameter.label} on ${n} ${n === 1 ? 'License' : 'Licenses'}`,
    );
    if (answer === undefined || answer === false) return { kind: 'cancelled' };
  }
  for (const i of preview.items) {
    if (i.plan.kind === 'unchanged') report.unchanged.push(i.license);
    if (i.plan.kind === 'refused') report.failed.push({ license: i.license, reason: i.plan.message });
  }
  for (const chunk of chunks(ready)) {
    if (options.signal?.aborted) {
      for (const i of chunk) report.failed.push({ license: i.license, reason: 'Not attempted: cancelled.' });
      continue;
    }
    const now = await readValues(
      api,
      preview.parameter,
      chunk.map((i) => i.license.id),
    );
    const writable = chunk.filter((i) => {
      const row = now.get(i.license.id);
      if (!row)
        report.failed.push({ license: i.license, reason: 'Its value was deleted after the preview.' });
      else if (row.LastModifiedDate !== i.current?.lastModifiedDate)
        report.failed.push({
          license: i.license,
          reason: 'Its value was changed after the preview: not overwritten.',
        });
      else return true;
      return false;
    });
    if (!writable.length) continue;
    try {
      const answers = await api.request<CollectionResult[]>('/composite/sobjects', {
        method: 'PATCH',
        body: {
          allOrNone: false,
          records: writable.map((i) => ({
            attributes: { type: FMA_JUNCTIONS[preview.parameter.type] },
            id: i.current!.id,
            sfFma__Value__c: preview.value,
          })),
        },
      });
      writable.forEach((i, n) => {
        const a = answers[n];
        if (a?.success) report.applied.push(i.license);
        else
          report.failed.push({
            license: i.license,
            reason: a?.errors.map((e) => e.message).join(' ') || 'Refused.',
          });
      });
    } catch (error) {
      const reason = toLmoError(error).message;
      for (const i of writable)
        report.failed.push({
          license: i.license,
          reason: `Unknown: the request failed (${reason}); check the value in the LMO.`,
        });
    }
  }
  return finish(report);

  function finish(r: BulkFeatureReport): BulkFeatureReport {
    const parts = [
      `${preview.parameter.label} set to ${formatValue(preview.parameter.type, preview.value)} on ${r.applied.length} ${r.applied.length === 1 ? 'License' : 'Licenses'}`,
      ...(r.unchanged.length ? [`${r.unchanged.length} already had it`] : []),
      ...(r.failed.length ? [`${r.failed.length} not changed`] : []),
    ];
    return { ...r, message: `${parts.join(', ')}.${r.applied.length ? ` ${REACHES_CUSTOMER}` : ''}` };
  }
}
