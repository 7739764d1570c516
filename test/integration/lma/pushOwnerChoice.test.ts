// The owner org of a package's pushes is checked before anything is counted or created (choosePushOwnerOrg,
// through real connections to the local org): the LMO that owns the package is used; one that lists other
// packages only is not offered, one that can't say is offered last with a warning; a picked or remembered
// org that owns it is used (and remembered); one that lists other packages only is refused, naming the
// org and the package, and is not remembered; one without MetadataPackage or without any package goes on
// only after the warning; each org's MetadataPackage is read once per org and package.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LocalOrg } from 'lma-local-org';
import { raw } from 'lma-local-org/testing';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import {
  choosePushOwnerOrg,
  OwnershipChecks,
  type OwnerCandidate,
  type PushOwnerPorts,
} from '../../../src/lma/workflows/pushOwnerChoice';
import type { LmoSession } from '../../../src/org/lmoSession';
import { silentLog } from '../../../src/org/log';
import { OwnerOrgConnections } from '../../../src/org/ownerOrgs';
import { authorizeWithRefreshToken, listAuthorizedOrgs, openConnection } from '../../../src/org/salesforce';
import { closePushWorld, openPushWorld } from './pushWorld';

let org: LocalOrg;
let session: LmoSession;
let packageId: string;
let connections: OwnerOrgConnections;
/** MetadataPackage queries per org id, through the connections the test hands out. */
const metadataReads = new Map<string, number>();

before(async () => {
  const world = await openPushWorld('owner', { pushStartMs: 3_600_000, pushJobMs: 3_600_000 });
  ({ org, session } = world);
  packageId = world.scope.target.packageId!;
  connections = new OwnerOrgConnections({ log: silentLog, open: openConnection });
  // A 1GP packaging org that owns a package of its own, one that owns none, and a customer's org
  // (no MetadataPackage object at all).
  const admin = async (body: unknown) => {
    const response = await raw(org, org.adminSecret, 'POST', '/_local/packaging-orgs', body);
    assert.ok(response.status < 300, JSON.stringify(response.body));
    return response.body as { id: string; refreshToken: string };
  };
  const packaging = await admin({ name: 'Other Packaging Org' });
  org.console.createPackage({
    name: 'Other Classic',
    namespace: 'otherclassic',
    owner: packaging.id,
  } as never);
  const empty = await admin({ name: 'Empty Packaging Org' });
  const customer = await org.createTestOrg({ name: 'Owner Test Customer' });
  for (const [alias, refreshToken] of [
    ['owner-other', packaging.refreshToken],
    ['owner-empty', empty.refreshToken],
    ['owner-customer', customer.refreshToken],
  ] as const)
    await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken, alias });
});
after(() => closePushWorld({ org, session }));

function counted(api: LmoApi & { orgId: string }): LmoApi & { orgId: string } {
  return {
    orgId: api.orgId,
    request: <T>(path: string, options?: Parameters<LmoApi['request']>[1]) => {
      if (decodeURIComponent(path).includes('FROM MetadataPackage'))
        metadataReads.set(api.orgId, (metadataReads.get(api.orgId) ?? 0) + 1);
      return api.request<T>(path, options);
    },
  };
}

interface Run {
  result: (LmoApi & { orgId?: string }) | undefined;
  picks: OwnerCandidate[][];
  warnings: string[];
  refusals: string[];
  remembered: string | undefined;
}

/** One choice with ports that record what the user was shown; `choose` picks a target, `accept` answers a warning. */
async function choose(options: {
  lmo?: { api: LmoApi & { orgId: string }; username: string | undefined };
  remembered?: string;
  pick?: string;
  accept?: boolean;
  checks?: OwnershipChecks;
}): Promise<Run> {
  const identity = session.state.kind === 'connected' ? session.state.org : undefined;
  assert.ok(identity);
  const lmo = options.lmo ?? {
    api: counted({ orgId: identity.orgId, request: session.request.bind(session) }),
    username: identity.username,
  };
  const run: Run = {
    result: undefined,
    picks: [],
    warnings: [],
    refusals: [],
    remembered: options.remembered,
  };
  const ports: PushOwnerPorts = {
    lmo: { api: lmo.api, orgId: lmo.api.orgId, username: lmo.username },
    packageId,
    packageName: 'Acme Billing',
    checks: options.checks ?? new OwnershipChecks(),
    remembered: options.remembered,
    remember: async (target) => void (run.remembered = target),
    forget: async () => void (run.remembered = undefined),
    projectDevHub: async () => 'owner-hub',
    authorizedOrgs: listAuthorizedOrgs,
    pick: async (candidates) => {
      run.picks.push(candidates);
      return candidates.find((c) => c.target === options.pick);
    },
    connect: async (target) => counted(await connections.connect(target)),
    confirmUnconfirmed: async (message) => {
      run.warnings.push(message);
      return options.accept ?? false;
    },
    refuse: (message) => void run.refusals.push(message),
  };
  run.result = await choosePushOwnerOrg(ports);
  return run;
}

const orgIdOf = async (target: string) => (await connections.connect(target)).orgId;

test('an LMO that owns the package is used at once: no pick, no warning', async () => {
  const hub = await connections.connect('owner-hub');
  const run = await choose({ lmo: { api: counted(hub), username: hub.username } });
  assert.equal(run.result?.orgId, hub.orgId);
  assert.deepEqual([run.picks, run.warnings, run.refusals], [[], [], []]);
});

test("an LMO that lists other packages only is not offered; one that can't say is offered last, with its warning", async () => {
  const other = await connections.connect('owner-other');
  const listsOthers = await choose({ lmo: { api: counted(other), username: other.username } });
  assert.equal(listsOthers.result, undefined);
  assert.ok(listsOthers.picks[0]!.length > 0);
  assert.ok(
    !listsOthers.picks[0]!.some((c) => c.description.startsWith(other.username)),
    'the LMO is not offered',
  );

  // The local LMO has no MetadataPackage: it may own the package under the UNCONFIRMED reading.
  const unsure = await choose({ pick: 'owner-lmo', accept: false });
  const candidates = unsure.picks[0]!;
  assert.equal(candidates[0]!.target, 'owner-hub', "the project's target-dev-hub comes first");
  assert.equal(candidates[0]!.detail, "The project's target-dev-hub");
  assert.equal(candidates.at(-1)!.target, 'owner-lmo');
  assert.match(candidates.at(-1)!.detail!, /The LMO can't confirm that it owns Acme Billing/);
  assert.equal(unsure.result, undefined, 'the warning declined');
  assert.match(unsure.warnings[0]!, /owner-lmo can't confirm that it owns Acme Billing/);
  assert.equal(unsure.remembered, undefined);
});

test('a picked org that owns the package is used and remembered', async () => {
  const run = await choose({ pick: 'owner-hub' });
  assert.equal(run.result?.orgId, await orgIdOf('owner-hub'));
  assert.equal(run.remembered, 'owner-hub');
  assert.deepEqual([run.warnings, run.refusals], [[], []]);
});

test('a picked org that lists other packages only is refused, naming the org and the package, and not remembered', async () => {
  const run = await choose({ pick: 'owner-other' });
  assert.equal(run.result, undefined);
  assert.equal(run.remembered, undefined);
  assert.equal(run.refusals.length, 1);
  assert.match(run.refusals[0]!, new RegExp(`owner-other does not own Acme Billing \\(${packageId}\\)`));
});

test('a remembered org that lists other packages only is refused and forgotten, and the pick is offered', async () => {
  const run = await choose({ remembered: 'owner-other', pick: 'owner-hub' });
  assert.match(run.refusals[0]!, /owner-other does not own Acme Billing/);
  assert.equal(run.picks.length, 1);
  assert.equal(run.remembered, 'owner-hub');
  assert.equal(run.result?.orgId, await orgIdOf('owner-hub'));
});

test('an org without MetadataPackage, or listing no package, goes on only after the warning', async () => {
  for (const target of ['owner-customer', 'owner-empty']) {
    const declined = await choose({ pick: target, accept: false });
    assert.equal(declined.result, undefined, target);
    assert.equal(declined.remembered, undefined, target);
    assert.match(declined.warnings[0]!, new RegExp(`${target} can't confirm that it owns Acme Billing`));
    assert.deepEqual(declined.refusals, []);
    const accepted = await choose({ pick: target, accept: true });
    assert.equal(accepted.result?.orgId, await orgIdOf(target), target);
    assert.equal(accepted.remembered, target);
  }
});

test('each org is asked once per package: a remembered org checked again asks nothing, an accepted warning is not shown again', async () => {
  const checks = new OwnershipChecks();
  metadataReads.clear();
  await choose({ remembered: 'owner-hub', checks });
  await choose({ remembered: 'owner-hub', checks });
  const hubId = await orgIdOf('owner-hub');
  assert.equal(metadataReads.get(hubId), 1, 'one MetadataPackage read of the Dev Hub for the package');
  const first = await choose({ remembered: 'owner-customer', accept: true, checks });
  const again = await choose({ remembered: 'owner-customer', accept: true, checks });
  assert.equal(first.warnings.length, 1);
  assert.deepEqual(again.warnings, []);
  assert.equal(again.result?.orgId, await orgIdOf('owner-customer'));
});
