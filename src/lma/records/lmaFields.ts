import type { LmoApi } from './lmoApi';
import { LMA_OBJECTS, relationshipTarget, type FieldPath, type LmaFields, type LmaObject } from './objects';

export { LMA_1_20_FIELDS, LMA_OBJECT_LABELS, LMA_OBJECTS, type LmaFields, type LmaObject } from './objects';

/**
 * One policy for every LMA: query only the fields the org's describe lists. LMA 1.20 added License →
 * Package, the subscriber org fields (sandbox flag, instance, type, status) and the version numbers;
 * older LMAs lack them, and a query naming one fails whole (INVALID_FIELD). The session describes
 * the three objects once per connection (lmaPresence.ts); every query builder here reads that.
 */

interface Describe {
  fields: { name: string }[];
}

interface CompositeAnswer {
  compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[];
}

/**
 * The three objects' describes in one composite request (one API call: "The entire series of requests
 * counts as a single call", Composite docs); each answer, or its error as a request of its own would
 * throw it. Without the API version (`api.apiVersion`) the subrequests can't be named: three requests.
 */
export function describeAll(api: LmoApi): Record<LmaObject, Promise<Describe>> {
  const objects = Object.keys(LMA_OBJECTS) as LmaObject[];
  const path = (object: LmaObject) => `/sobjects/${LMA_OBJECTS[object]}/describe`;
  if (!api.apiVersion) {
    return Object.fromEntries(objects.map((o) => [o, api.request<Describe>(path(o))])) as Record<
      LmaObject,
      Promise<Describe>
    >;
  }
  const answer = api.request<CompositeAnswer>('/composite', {
    method: 'POST',
    body: {
      allOrNone: false,
      compositeRequest: objects.map((o) => ({
        method: 'GET',
        url: `/services/data/v${api.apiVersion}${path(o)}`,
        referenceId: o,
      })),
    },
  });
  const one = async (object: LmaObject): Promise<Describe> => {
    const sub = (await answer).compositeResponse.find((r) => r.referenceId === object);
    if (!sub) throw new Error(`The composite answer has no describe of ${LMA_OBJECTS[object]}`);
    if (sub.httpStatusCode >= 300) {
      const error = (Array.isArray(sub.body) ? sub.body[0] : sub.body) as
        { errorCode?: string; message?: string } | undefined;
      throw Object.assign(new Error(error?.message ?? `describe answered ${sub.httpStatusCode}`), {
        errorCode: error?.errorCode,
        statusCode: sub.httpStatusCode,
      });
    }
    return sub.body as Describe;
  };
  const described = Object.fromEntries(objects.map((o) => [o, one(o)])) as Record<
    LmaObject,
    Promise<Describe>
  >;
  // Each is awaited by its caller; a failure nobody awaits must not be an unhandled rejection.
  for (const p of Object.values(described)) p.catch(() => undefined);
  return described;
}

/** Describes the three objects (one composite request; three without the API version). Fails as the first describe fails. */
export async function describeLmaFields(api: LmoApi): Promise<LmaFields> {
  const all = describeAll(api);
  const names = async (object: LmaObject) => (await all[object]).fields.map((f) => f.name);
  const [license, pkg, packageVersion] = await Promise.all([
    names('license'),
    names('package'),
    names('packageVersion'),
  ]);
  return { license, package: pkg, packageVersion };
}

const described = new WeakMap<LmoApi, Promise<LmaFields>>();

/** The LMA's fields for `api`: the session's (read at connect), else described once for this api object. */
export function lmaFieldsOf(api: LmoApi): Promise<LmaFields> {
  if (api.lmaFields) return Promise.resolve(api.lmaFields);
  let fields = described.get(api);
  if (!fields) {
    fields = describeLmaFields(api);
    described.set(api, fields);
    fields.catch(() => described.delete(api));
  }
  return fields;
}

/** The lookup field behind a relationship name: sfLma__Lead__r → sfLma__Lead__c, CreatedBy → CreatedById. */
const lookupOf = (relationship: string): string =>
  relationship.endsWith('__r') ? relationship.replace(/__r$/, '__c') : `${relationship}Id`;

const isLmaObject = (object: string | undefined): object is LmaObject =>
  !!object && Object.hasOwn(LMA_OBJECTS, object);

/** Whether `object` has `field`, or, for `sfLma__X__r.Field`, the lookup it goes through (and the target field, for LMA objects). */
export function hasField(fields: LmaFields, object: LmaObject, field: string): boolean {
  const has = (o: LmaObject, name: string) => fields[o].some((f) => f.toLowerCase() === name.toLowerCase());
  const [first, ...rest] = field.split('.');
  if (!rest.length) return has(object, field);
  if (!has(object, lookupOf(first!))) return false;
  // Parents outside the LMA (Lead, Account, User) are standard objects: their fields are there.
  const target = relationshipTarget(object, first!);
  return isLmaObject(target) ? hasField(fields, target, rest.join('.')) : true;
}

/** The fields of `wanted` this org has, for a SELECT list. */
export function selectable(fields: LmaFields, object: LmaObject, wanted: readonly string[]): string[] {
  return wanted.filter((field) => hasField(fields, object, field));
}

/** The SELECT list of `wanted` that this org's `object` has. */
export function selectList<O extends LmaObject>(
  fields: LmaFields,
  object: O,
  wanted: readonly FieldPath<O>[],
): string {
  return selectable(fields, object, wanted).join(', ');
}

/**
 * Runs `read` with this org's LMA fields: the one way a query learns which LMA it asks. When the
 * session knows them, at once, so the request goes out in the same tick as the call (before an org
 * switch can come between); else after one describe (`lmaFieldsOf`).
 */
export function withLmaFields<T>(api: LmoApi, read: (fields: LmaFields) => Promise<T>): Promise<T> {
  return api.lmaFields ? read(api.lmaFields) : lmaFieldsOf(api).then(read);
}
