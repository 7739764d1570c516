/**
 * Exports a package's feature parameters as CSV, one row per License (featureParameterCsv.ts), to any
 * stream with backpressure; the file is the adapter's (as for the license export). The values are read
 * first (each value object's rows of the package, 2,000 a request), then the Licenses page by page.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { toLmoError } from '../../org/errors';
import { groupConditions } from '../records/licenseScope';
import { LMA_1_20_FIELDS } from '../records/lmaFields';
import { queryAll, queryPage, type LmoApi } from '../records/lmoApi';
import { FMA_JUNCTIONS, OBJECTS } from '../records/objects';
import { literal } from '../records/soql';
import type { QueryPage } from '../../org/connection';
import { directionOf, typeOf, type FeatureType, type FeatureValue } from '../rules/featureParameters';
import { featureCsvHeader, featureCsvRow, type CsvParameter } from '../rules/featureParameterCsv';

export interface FeatureExportResult {
  licenses: number;
  parameters: number;
  requests: number;
}

interface LicenseRow {
  Id: string;
  Name: string;
  sfLma__Status__c: string | null;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Account__r: { Name: string | null } | null;
}

export async function writeFeatureParametersCsv(
  api: LmoApi,
  packageId: string,
  out: Writable,
  options: { signal?: AbortSignal } = {},
): Promise<FeatureExportResult> {
  let requests = 0;
  const counted: LmoApi = {
    request: (path, o) => {
      requests++;
      return api.request(path, o);
    },
    lmaFields: api.lmaFields,
  };
  const put = async (text: string) => {
    if (options.signal?.aborted) throw new Error('Cancelled: the export was stopped.');
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    const parameters: CsvParameter[] = (
      await queryAll<{
        Id: string;
        Name: string;
        sfFma__DataType__c: string;
        sfFma__DataFlowDirection__c: string;
      }>(
        counted,
        `SELECT Id, Name, sfFma__DataType__c, sfFma__DataFlowDirection__c FROM ${OBJECTS.featureParameter.apiName} WHERE sfFma__Package__c = ${literal(packageId)} ORDER BY Name`,
      )
    ).flatMap((p) => {
      const type = typeOf(p.sfFma__DataType__c);
      const direction = directionOf(p.sfFma__DataFlowDirection__c);
      return type && direction ? [{ id: p.Id, label: p.Name, type, direction }] : [];
    });
    const values = new Map<string, Map<string, FeatureValue>>();
    for (const [type, object] of Object.entries(FMA_JUNCTIONS) as [FeatureType, string][]) {
      if (!parameters.some((p) => p.type === type)) continue;
      const rows = await queryAll<{
        sfFma__License__c: string;
        sfFma__FeatureParameter__c: string;
        sfFma__Value__c: FeatureValue;
      }>(
        counted,
        `SELECT sfFma__License__c, sfFma__FeatureParameter__c, sfFma__Value__c FROM ${object} WHERE sfFma__FeatureParameter__r.sfFma__Package__c = ${literal(packageId)}`,
      );
      for (const r of rows) {
        const byParameter = values.get(r.sfFma__License__c) ?? new Map<string, FeatureValue>();
        byParameter.set(
          r.sfFma__FeatureParameter__c,
          type === 'Boolean' ? r.sfFma__Value__c === true : r.sfFma__Value__c,
        );
        values.set(r.sfFma__License__c, byParameter);
      }
    }
    await put(featureCsvHeader(parameters));
    const conditions = groupConditions({ packageId }, api.lmaFields ?? LMA_1_20_FIELDS);
    let page: QueryPage<LicenseRow> = await queryPage<LicenseRow>(
      counted,
      `SELECT Id, Name, sfLma__Status__c, sfLma__Subscriber_Org_ID__c, sfLma__Account__r.Name FROM sfLma__License__c WHERE ${conditions.join(' AND ')} ORDER BY Id`,
    );
    let licenses = 0;
    for (;;) {
      for (const r of page.records) {
        await put(
          featureCsvRow(
            {
              id: r.Id,
              name: r.Name,
              status: r.sfLma__Status__c ?? undefined,
              subscriberOrgId: r.sfLma__Subscriber_Org_ID__c ?? undefined,
              customerName: r.sfLma__Account__r?.Name ?? undefined,
            },
            parameters,
            values.get(r.Id) ?? new Map(),
          ),
        );
        licenses++;
      }
      if (page.done || !page.nextRecordsUrl) break;
      page = await counted.request<QueryPage<LicenseRow>>(page.nextRecordsUrl);
    }
    return { licenses, parameters: parameters.length, requests };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Cancelled')) throw error;
    throw toLmoError(error);
  }
}
