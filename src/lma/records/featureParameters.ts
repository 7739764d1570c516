/**
 * The Feature Management App in the LMO: whether it is there and what this user may do with it, and the
 * feature parameters of a License (one query per value junction: the FMA keeps Boolean, Integer and
 * Date values in three objects). Objects and fields: `objects.ts` (FMA metadata).
 */
import { LmoError } from '../../base/lmoError';
import { toLmoError } from '../../org/errors';
import {
  directionOf,
  typeOf,
  type FeatureParameterValue,
  type FeatureType,
  type FeatureValue,
} from '../rules/featureParameters';
import { queryAll, toolingQuery, type LmoApi } from './lmoApi';
import { FMA_JUNCTIONS, OBJECTS } from './objects';
import { literal } from './soql';

export type FmaPresence =
  /** Not in this LMO (or this user can't see it): say once what the FMA is and how to get it. */
  | { kind: 'notInstalled' }
  /** Installed, but this user can't read its objects. */
  | { kind: 'noAccess' }
  /** Readable; `editable`: the user may change values (the value fields are updateable for them). */
  | { kind: 'installed'; editable: boolean };

/** What the FMA is and how to get it: shown once, where the feature parameters would be. */
export const FMA_EXPLANATION =
  'Feature parameters need the Feature Management App (FMA) in your License Management Org. It lets you turn features of your package on or off and set limits per customer, and read values your package reports from customers’ orgs. Salesforce installs it in the LMO on request: log a case with Salesforce Partner Support.';

export const FMA_NO_ACCESS =
  'The Feature Management App is installed in this LMO, but this user can’t read its Feature Parameter objects. Ask your Salesforce admin for Read access to them (and Edit to change values).';

export const FMA_READ_ONLY =
  'This user may read feature parameters but not change them: ask your Salesforce admin for Edit access to the Feature Parameter Boolean, Integer and Date objects.';

interface Described {
  updateable: boolean;
  fields: { name: string; updateable: boolean }[];
}

/** Detects the FMA: describeGlobal for its objects, the installed packages to tell "no access" apart, describe for edit access. */
export async function detectFma(api: LmoApi): Promise<FmaPresence> {
  const global = await api.request<{ sobjects: { name: string }[] }>('/sobjects');
  const visible = new Set(global.sobjects.map((s) => s.name.toLowerCase()));
  const names = [OBJECTS.featureParameter.apiName, ...Object.values(FMA_JUNCTIONS)];
  if (!names.every((n) => visible.has(n.toLowerCase()))) {
    return (await fmaPackageInstalled(api)) ? { kind: 'noAccess' } : { kind: 'notInstalled' };
  }
  const described = await Promise.all(
    Object.values(FMA_JUNCTIONS).map((name) => api.request<Described>(`/sobjects/${name}/describe`)),
  );
  const editable = described.every(
    (d) => d.updateable && d.fields.some((f) => f.name === 'sfFma__Value__c' && f.updateable),
  );
  return { kind: 'installed', editable };
}

async function fmaPackageInstalled(api: LmoApi): Promise<boolean> {
  try {
    const page = await toolingQuery<{ Id: string }>(
      api,
      "SELECT Id FROM InstalledSubscriberPackage WHERE SubscriberPackage.NamespacePrefix = 'sfFma'",
    );
    return page.records.length > 0;
  } catch {
    return false; // Not readable with this user's permissions: treated as not installed.
  }
}

interface JunctionRow {
  Id: string;
  LastModifiedDate: string;
  sfFma__Value__c: FeatureValue;
  sfFma__FeatureParameter__c: string;
  sfFma__FeatureParameter__r: {
    Name: string;
    sfFma__FullName__c: string | null;
    sfFma__DataType__c: string | null;
    sfFma__DataFlowDirection__c: string | null;
    sfFma__IntroducedInPackageVersion__c: string | null;
  } | null;
}

const SELECT =
  'Id, LastModifiedDate, sfFma__Value__c, sfFma__FeatureParameter__c, sfFma__FeatureParameter__r.Name, sfFma__FeatureParameter__r.sfFma__FullName__c, sfFma__FeatureParameter__r.sfFma__DataType__c, sfFma__FeatureParameter__r.sfFma__DataFlowDirection__c, sfFma__FeatureParameter__r.sfFma__IntroducedInPackageVersion__c';

function toValue(type: FeatureType, row: JunctionRow): FeatureParameterValue | undefined {
  const p = row.sfFma__FeatureParameter__r;
  const direction = directionOf(p?.sfFma__DataFlowDirection__c);
  if (!p || !direction) return undefined;
  const value = row.sfFma__Value__c ?? null;
  return {
    id: row.Id,
    parameterId: row.sfFma__FeatureParameter__c,
    fullName: p.sfFma__FullName__c ?? p.Name,
    label: p.Name,
    // The junction decides the type; the parameter's own field says the same in a consistent org.
    type: typeOf(p.sfFma__DataType__c) ?? type,
    direction,
    value: type === 'Boolean' ? value === true : value,
    introducedIn: p.sfFma__IntroducedInPackageVersion__c ?? undefined,
    lastModifiedDate: row.LastModifiedDate,
  };
}

/** The feature parameters of a License, by label. */
export async function loadLicenseFeatureParameters(
  api: LmoApi,
  licenseId: string,
): Promise<FeatureParameterValue[]> {
  try {
    const all = await Promise.all(
      (Object.entries(FMA_JUNCTIONS) as [FeatureType, string][]).map(async ([type, object]) =>
        (
          await queryAll<JunctionRow>(
            api,
            `SELECT ${SELECT} FROM ${object} WHERE sfFma__License__c = ${literal(licenseId)}`,
          )
        ).map((row) => toValue(type, row)),
      ),
    );
    return all
      .flat()
      .filter((v): v is FeatureParameterValue => v !== undefined)
      .sort((a, b) => a.label.localeCompare(b.label));
  } catch (error) {
    throw toLmoError(error);
  }
}

/** One value junction as it is now, or undefined when it (or its parameter) was deleted. */
export async function loadFeatureParameterValue(
  api: LmoApi,
  type: FeatureType,
  id: string,
): Promise<FeatureParameterValue | undefined> {
  const rows = await queryAll<JunctionRow>(
    api,
    `SELECT ${SELECT} FROM ${FMA_JUNCTIONS[type]} WHERE Id = ${literal(id)}`,
  );
  return rows[0] ? toValue(type, rows[0]) : undefined;
}

/** A parameter of a package with how many Licenses hold each value. */
export interface FeatureParameterCounts {
  id: string;
  fullName: string;
  label: string;
  type: FeatureType;
  direction: FeatureParameterValue['direction'];
  introducedIn: string | undefined;
  /** Each value held and by how many Licenses, most held first. */
  values: { value: FeatureValue; licenses: number }[];
}

/** The versioned base of the REST API (`/services/data/v62.0`), read once per session from its resources. */
const bases = new WeakMap<LmoApi, Promise<string>>();
function restBase(api: LmoApi): Promise<string> {
  let base = bases.get(api);
  if (!base) {
    base = api
      .request<Record<string, string>>('/')
      .then((resources) => (resources.query ?? '/services/data/v62.0/query').replace(/\/query$/, ''));
    base.catch(() => bases.delete(api));
    bases.set(api, base);
  }
  return base;
}

interface CompositeAnswer {
  compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
}

/**
 * The package's parameters and, for each, how many Licenses hold each value: the parameters and one
 * aggregate per value junction, in one composite request (one API call, as Salesforce counts it).
 */
export async function loadFeatureParameterCounts(
  api: LmoApi,
  packageId: string,
): Promise<FeatureParameterCounts[]> {
  const base = await restBase(api);
  const byPackage = `sfFma__FeatureParameter__r.sfFma__Package__c = ${literal(packageId)}`;
  const query = (referenceId: string, soql: string) => ({
    method: 'GET',
    referenceId,
    url: `${base}/query?q=${encodeURIComponent(soql)}`,
  });
  const answer = await api.request<CompositeAnswer>('/composite', {
    method: 'POST',
    body: {
      allOrNone: false,
      compositeRequest: [
        query(
          'parameters',
          `SELECT Id, Name, sfFma__FullName__c, sfFma__DataType__c, sfFma__DataFlowDirection__c, sfFma__IntroducedInPackageVersion__c FROM ${OBJECTS.featureParameter.apiName} WHERE sfFma__Package__c = ${literal(packageId)} ORDER BY Name`,
        ),
        ...(Object.entries(FMA_JUNCTIONS) as [FeatureType, string][]).map(([type, object]) =>
          query(
            type,
            `SELECT sfFma__FeatureParameter__c parameter, sfFma__Value__c value, COUNT(Id) licenses FROM ${object} WHERE ${byPackage} GROUP BY sfFma__FeatureParameter__c, sfFma__Value__c`,
          ),
        ),
      ],
    },
  });
  const failed = answer.compositeResponse.find((r) => r.httpStatusCode >= 300);
  if (failed) {
    const error = (Array.isArray(failed.body) ? failed.body[0] : failed.body) as {
      message?: string;
      errorCode?: string;
    };
    throw new LmoError(
      'salesforce',
      error?.message ?? 'The feature parameter counts could not be read.',
      error?.errorCode,
      failed.httpStatusCode,
    );
  }
  const records = <T>(ref: string): T[] =>
    ((answer.compositeResponse.find((r) => r.referenceId === ref)?.body as { records?: T[] }) ?? {})
      .records ?? [];
  const counts = new Map<string, { value: FeatureValue; licenses: number }[]>();
  for (const type of Object.keys(FMA_JUNCTIONS) as FeatureType[])
    for (const row of records<{ parameter: string; value: FeatureValue; licenses: number }>(type)) {
      const list = counts.get(row.parameter) ?? [];
      list.push({
        value: type === 'Boolean' ? row.value === true : (row.value ?? null),
        licenses: row.licenses,
      });
      counts.set(row.parameter, list);
    }
  return records<{
    Id: string;
    Name: string;
    sfFma__FullName__c: string | null;
    sfFma__DataType__c: string | null;
    sfFma__DataFlowDirection__c: string | null;
    sfFma__IntroducedInPackageVersion__c: string | null;
  }>('parameters').flatMap((p) => {
    const type = typeOf(p.sfFma__DataType__c);
    const direction = directionOf(p.sfFma__DataFlowDirection__c);
    if (!type || !direction) return [];
    return [
      {
        id: p.Id,
        fullName: p.sfFma__FullName__c ?? p.Name,
        label: p.Name,
        type,
        direction,
        introducedIn: p.sfFma__IntroducedInPackageVersion__c ?? undefined,
        values: (counts.get(p.Id) ?? []).sort((a, b) => b.licenses - a.licenses),
      },
    ];
  });
}
