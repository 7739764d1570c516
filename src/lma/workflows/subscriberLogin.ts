import type { SubscriberOrg } from '../records/customer';
import type { LmoApi } from '../records/lmoApi';
import { readSubscriberLoginPermission } from '../records/subscriberLoginPermission';
import {
  loginRefusal,
  PERMISSION_SETS_SETUP,
  permissionRefusal,
  subscriberLoginPath,
} from '../rules/subscriberLogin';

/** What "Log In to Subscriber Org" did: opened the LMA's login, or said why not before opening anything. */
export type SubscriberLoginOutcome =
  | { kind: 'opened'; path: string }
  | {
      kind: 'refused';
      message: string;
      /** The step that fixes it, an LMO path (Setup's Permission Sets for a missing permission). */
      nextStep?: { label: string; path: string };
    };

export const OPEN_PERMISSION_SETS = 'Open Permission Sets';

/**
 * "Log In to Subscriber Org": an org that can't be logged into, then a user without the permission
 * (where the API says so; read once per connection), are refused before `open` is called; else `open`
 * gets the LMA's subscriber login path.
 */
export async function logInToSubscriber(
  api: LmoApi,
  org: Pick<SubscriberOrg, 'id18' | 'isSandbox' | 'trialExpiration' | 'instance' | 'status'>,
  open: (path: string) => Promise<void>,
): Promise<SubscriberLoginOutcome> {
  const refusal = loginRefusal(org);
  if (refusal) return { kind: 'refused', message: refusal };
  const missing = permissionRefusal(await readSubscriberLoginPermission(api));
  if (missing)
    return {
      kind: 'refused',
      message: missing,
      nextStep: { label: OPEN_PERMISSION_SETS, path: PERMISSION_SETS_SETUP },
    };
  const path = subscriberLoginPath(org.id18);
  await open(path);
  return { kind: 'opened', path };
}
