import { toLmoError } from '../../org/errors';
import { isSubscriberLoginLabel, type SubscriberLoginPermission } from '../rules/subscriberLogin';
import { queryPage, type LmoApi } from './lmoApi';

interface Describe {
  fields: { name: string; label: string }[];
}

const read = new WeakMap<LmoApi, { connection: string; answer: Promise<SubscriberLoginPermission> }>();

/**
 * Whether the running user may log in to subscriber orgs, from UserPermissionAccess (the user's effective
 * permissions): its describe finds the permission's field by label (its API name is UNCONFIRMED), one
 * query reads it. `unknown` where the describe has no such field. Read at most once per connection (one
 * describe and one query), not per click; a failed read is not kept.
 */
export function readSubscriberLoginPermission(api: LmoApi): Promise<SubscriberLoginPermission> {
  const connection = `${api.username ?? ''}#${api.connectionId ?? ''}`;
  const kept = read.get(api);
  if (kept?.connection === connection) return kept.answer;
  const answer = readOnce(api);
  read.set(api, { connection, answer });
  answer.catch(() => {
    if (read.get(api)?.answer === answer) read.delete(api);
  });
  return answer;
}

async function readOnce(api: LmoApi): Promise<SubscriberLoginPermission> {
  let describe: Describe;
  try {
    describe = await api.request<Describe>('/sobjects/UserPermissionAccess/describe');
  } catch (error) {
    if (isUnknown(error)) return { kind: 'unknown' };
    throw toLmoError(error);
  }
  const field = describe.fields.find((f) => isSubscriberLoginLabel(f.label))?.name;
  if (!field) return { kind: 'unknown' };
  try {
    const page = await queryPage<Record<string, unknown>>(
      api,
      `SELECT ${field} FROM UserPermissionAccess LIMIT 1`,
    );
    return { kind: page.records[0]?.[field] === true ? 'granted' : 'missing', field };
  } catch (error) {
    if (isUnknown(error)) return { kind: 'unknown' };
    throw toLmoError(error);
  }
}

/** The object or the field is not there for this user: the API can't tell. */
function isUnknown(error: unknown): boolean {
  const code = toLmoError(error).errorCode;
  return code === 'NOT_FOUND' || code === 'INVALID_TYPE' || code === 'INVALID_FIELD';
}
