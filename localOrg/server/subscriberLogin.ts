// The LMA's subscriber login page, `/partnerbt/lmo/subOrgLogin.apexp?directLoginOrgId=<org id>`, for a
// browser session of the LMO (the front door's cookie). Salesforce documents neither the page nor its
// answers (Package Visualizer links it; /work/shared/reference/isv-operations.md "Subscriber support"):
// the local org answers a page that names the org it logs in to, so a test can see that it opened, and
// refuses what Salesforce says can't be logged into (scratch orgs, Government Cloud) and users without
// "Log In to Subscriber Organization" (world/subscriberLoginPermission.ts). The real page's wording and status codes: UNCONFIRMED.
import type { OrgState } from '../world/state';
import { countLoginPageRequest, hasSubscriberLoginPermission } from '../world/subscriberLoginPermission';
import type { Shared } from './context';
import { escapeHtml, page } from './frontDoor';
import type { ApiRequest, ApiResponse } from './http';

export const SUBSCRIBER_LOGIN_PATH = '/partnerbt/lmo/subOrgLogin.apexp';

const ORG_ID = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

export function subscriberLogin(shared: Shared, user: OrgState, req: ApiRequest): ApiResponse {
  countLoginPageRequest(shared.world);
  const refuse = (status: number, text: string) =>
    page(status, 'Subscriber Login', `<h1>Subscriber Login</h1><p class="refused">${escapeHtml(text)}</p>`);
  if (user.kind !== 'lmo') return refuse(404, 'The License Management App is not installed in this org.');
  if (!hasSubscriberLoginPermission(user))
    return refuse(
      403,
      'You need the "Log in to Subscriber Organization" permission to log in to subscriber orgs.',
    );
  const orgId = req.query.get('directLoginOrgId') ?? '';
  if (!ORG_ID.test(orgId)) return refuse(400, 'No subscriber org id was given.');
  const id15 = orgId.slice(0, 15);
  // What the LMA recorded of the org: its newest License.
  const licenses = shared.world
    .lmaData()
    .query(
      `SELECT sfLma__Subscriber_Org_ID__c, sfLma__Subscriber_Org_Is_Sandbox__c, sfLma__Org_Trial_Expiration__c, sfLma__Org_Instance__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN ('${id15}', '${orgId}') ORDER BY CreatedDate DESC`,
    )
    .records.filter((r) => String(r.sfLma__Subscriber_Org_ID__c).slice(0, 15) === id15);
  const license = licenses[0];
  if (!license) return refuse(404, `No subscriber org ${orgId} has installed your packages.`);
  if (license.sfLma__Subscriber_Org_Is_Sandbox__c === true && license.sfLma__Org_Trial_Expiration__c)
    return refuse(403, 'You can’t log in to scratch orgs.');
  if (/^(USA|GOV)/i.test(String(license.sfLma__Org_Instance__c ?? '')))
    return refuse(403, 'You can’t log in to Government Cloud orgs.');
  const org = shared.world.state.orgs.find((o) => o.id.slice(0, 15) === id15 && !o.additionalUser);
  const name = org?.name ?? orgId;
  return page(
    200,
    `Subscriber Login: ${name}`,
    `<h1>Logged in to subscriber org ${escapeHtml(name)}</h1>
<p>Org id <code>${escapeHtml(orgId)}</code>. In a real LMO this page logs ${escapeHtml(user.username)} in to
the subscriber org as a user who granted login access.</p>`,
  );
}
