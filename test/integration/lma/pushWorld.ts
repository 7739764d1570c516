// The world of the push-upgrade tests: the demo's local org, a session to its LMO, its Dev Hub as the
// owner org (a CLI-authorized org that is not the LMO), and Acme Billing's latest released version as
// the target. `timing` paces the org's push runner (an hour: the jobs never run during the test).
import assert from 'node:assert/strict';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import { loadPackages } from '../../../src/lma/records/packages';
import { scopeForVersion, type PushScope } from '../../../src/lma/records/pushUpgrade';
import { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { OwnerOrgConnections } from '../../../src/org/ownerOrgs';
import { authorizeWithRefreshToken, openConnection } from '../../../src/org/salesforce';

export interface PushWorld {
  org: LocalOrg;
  session: LmoSession;
  owner: LmoApi;
  scope: PushScope;
}

export async function openPushWorld(
  aliasPrefix: string,
  timing: { pushStartMs: number; pushJobMs: number },
  /** The demo world, or a sized one of this many Licenses (more candidates than a query's page). */
  seed: 'demo' | number = 'demo',
): Promise<PushWorld> {
  const org = await startLocalOrg({ seed });
  await org.timing(timing as never);
  const lmo = `${aliasPrefix}-lmo`;
  const hub = `${aliasPrefix}-hub`;
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: lmo,
  });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.devhub.refreshToken,
    alias: hub,
  });
  const session = new LmoSession({ log: silentLog, checkLma: (request) => checkLmaPresence({ request }) });
  await session.connect(lmo);
  const owner = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect(hub);
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
  const found = scopeForVersion(await loadPackages(session), latest);
  assert.ok('scope' in found, JSON.stringify(found));
  return { org, session, owner, scope: found.scope };
}

export async function closePushWorld(world: Partial<PushWorld>): Promise<void> {
  world.session?.dispose();
  await world.org?.close();
}
