// The License Management tree's model (no VS Code) over a real session against two local orgs:
// paging with Load more, search, Refresh of one package, and an org switch in the middle of a load.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { LICENSE_PAGE_SIZE } from '../../../src/lma/records/licenses';
import { FIGURE_LIST_LIMIT, loadDashboard, type DashboardFigure } from '../../../src/lma/records/dashboard';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { readWorkspacePackages } from '../../../src/lma/project/sfdxProject';
import { TestInstalls } from '../../../src/lma/workflows/testInstallHistory';
import { Emitter } from '../../../src/base/emitter';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { LmoTreeModel } from '../../../src/views/lmoTreeModel';
import type { LmaNode, PackageNode, StatusGroupNode } from '../../../src/views/nodes';

let large: LocalOrg;
let demo: LocalOrg;
let session: LmoSession;
let model: LmoTreeModel;
let requests = 0;
/** Every node the model asked to redraw (undefined: the whole tree), in order. */
let redraws: (LmaNode | undefined)[] = [];

const project = {
  packages: async () =>
    readWorkspacePackages(
      JSON.stringify({ packageDirectories: [{ path: 'force-app', package: 'Acme Billing', default: true }] }),
    ),
  onDidChange: new Emitter<void>().event,
};

before(async () => {
  large = await startLocalOrg({ seed: 3_000 });
  demo = await startLocalOrg({ seed: 'demo' });
  for (const [org, alias] of [
    [large, 'tree-large'],
    [demo, 'tree-demo'],
  ] as const)
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias,
    });
  const count = (line: string) => void (/^(GET|POST|PATCH) /.test(line) && requests++);
  session = new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  const store = new Map<string, unknown>();
  const testInstalls = new TestInstalls({
    get: <T>(key: string) => store.get(key) as T | undefined,
    update: async (key, value) => void store.set(key, value),
  });
  model = new LmoTreeModel(session, project, testInstalls);
  model.onDidChange((node) => redraws.push(node));
});
after(async () => {
  model?.dispose();
  session?.dispose();
  await large?.close();
  await demo?.close();
});

async function child(parent: LmaNode | undefined, kind: LmaNode['kind']): Promise<LmaNode> {
  const found = (await model.children(parent)).find((node) => node.kind === kind);
  assert.ok(found, `no ${kind} under ${parent?.id ?? 'the root'}`);
  return found;
}

async function packageNodes(): Promise<PackageNode[]> {
  const packages = await child(await child(undefined, 'lmo'), 'packages');
  return (await model.children(packages)).filter((node): node is PackageNode => node.kind === 'package');
}

describe('on an LMO with 3,000 licenses', () => {
  beforeEach(async () => {
    if (session.state.kind !== 'connected' || session.state.org.orgId !== large.orgs.lmo.id)
      assert.equal((await session.connect('tree-large')).kind, 'connected');
    large.faults.clear();
    redraws = [];
  });

  test('a status group pages by 200 with Load more until it holds its count, one request a page', async () => {
    const packages = await packageNodes();
    const groups = (await Promise.all(packages.map((pkg) => model.children(pkg))))
      .flat()
      .filter((node): node is StatusGroupNode => node.kind === 'statusGroup');
    const group = groups.sort((a, b) => b.count - a.count)[0]!;
    assert.ok(group.count > 2 * LICENSE_PAGE_SIZE, `largest group: ${group.count}`);

    let children = await model.children(group);
    assert.equal(children.filter((node) => node.kind === 'license').length, LICENSE_PAGE_SIZE);
    let pages = 1;
    while (children.at(-1)?.kind === 'loadMore') {
      const more = children.at(-1)!;
      assert.equal(model.isBusy(more), false);
      const before = requests;
      const loading = model.loadMore(group);
      assert.equal(model.isBusy(more), true, 'Load more spins while it loads');
      await loading;
      assert.equal(requests - before, 1);
      assert.ok(redraws.includes(group), 'the group is redrawn with its new page');
      children = await model.children(group);
      pages++;
    }
    const licenses = children.filter((node) => node.kind === 'license');
    assert.equal(licenses.length, group.count);
    assert.equal(new Set(licenses.map((node) => node.id)).size, group.count, 'no license twice');
    assert.equal(pages, Math.ceil(group.count / LICENSE_PAGE_SIZE));
    assert.equal(await model.loadMore(group), undefined, 'Load more after the last page does nothing');
  });

  test('a search shows its results above Packages until cleared', async () => {
    const packages = await packageNodes();
    const group = (await model.children(packages[0])).find((node) => node.kind === 'statusGroup')!;
    const license = (await model.children(group)).find((node) => node.kind === 'license')!;
    assert.ok(license.kind === 'license' && license.license.subscriberOrgId);
    const orgId = license.license.subscriberOrgId;

    assert.ok((await model.findLicenses(orgId.slice(0, 15))) >= 1);
    const lmo = await child(undefined, 'lmo');
    const [first] = await model.children(lmo);
    assert.equal(first?.kind, 'search');
    const found = await model.children(first);
    assert.ok(found.some((node) => node.kind === 'license' && node.license.id === license.license.id));
    // Same-named customers are told apart by their package in the results.
    const same = found.find((node) => node.kind === 'license' && node.license.id === license.license.id);
    assert.equal(same?.kind === 'license' && same.packageName, packages[0]!.pkg.name);
    assert.ok(found.every((node) => node.kind === 'license' && node.packageName));

    model.clearSearch();
    assert.deepEqual(
      (await model.children(lmo)).map((node) => node.kind),
      ['packages', 'workspacePackages'],
    );
    const workspace = await child(lmo, 'workspacePackages');
    const [declared] = await model.children(workspace);
    assert.equal(declared?.kind === 'workspacePackage' && declared.workspacePackage.name, 'Acme Billing');
  });

  test("Refresh on a package reloads that package's counts and licenses in 3 requests, and nothing else", async () => {
    const [target, other] = await packageNodes();
    assert.ok(target && other);
    const otherGroup = (await model.children(other)).find((node) => node.kind === 'statusGroup')!;
    const otherLicenses = await model.children(otherGroup);
    const activeGroup = (await model.children(target)).find(
      (node): node is StatusGroupNode => node.kind === 'statusGroup' && node.status === 'Active',
    )!;
    const [active] = await model.children(activeGroup);
    assert.ok(active?.kind === 'license');
    await large.faults.tamper('lmo', 'sfLma__License__c', active.license.id, {
      sfLma__Status__c: 'Suspended',
    });

    const before = requests;
    const refreshing = model.refreshPackage(target);
    assert.equal(model.isBusy(target), true, 'the package spins while it loads');
    await refreshing;
    assert.equal(requests - before, 3);

    const [refreshed, sameOther] = await packageNodes();
    assert.notEqual(refreshed, target, 'the refreshed package is a new node');
    assert.equal(refreshed?.id, target.id, 'with the same id, so it stays expanded');
    assert.equal(sameOther, other, 'the other package keeps its node');
    assert.equal(
      refreshed?.kind === 'package' && refreshed.pkg.licenseCounts.Active,
      target.pkg.licenseCounts.Active! - 1,
    );
    assert.equal(
      refreshed?.kind === 'package' && refreshed.pkg.licenseCounts.Suspended,
      (target.pkg.licenseCounts.Suspended ?? 0) + 1,
    );
    const afterRefresh = requests;
    assert.deepEqual(await model.children(otherGroup), otherLicenses, 'the other package kept its licenses');
    assert.equal(requests, afterRefresh, '…without a request');
    const newActive = (await model.children(refreshed!)).find(
      (node): node is StatusGroupNode => node.kind === 'statusGroup' && node.status === 'Active',
    )!;
    const licenses = await model.children(newActive);
    assert.equal(requests - afterRefresh, 1, "the refreshed package's group loads again");
    assert.ok(!licenses.some((node) => node.kind === 'license' && node.license.id === active.license.id));
  });
});

describe('on the demo LMO', () => {
  beforeEach(async () => {
    if (session.state.kind !== 'connected' || session.state.org.orgId !== demo.orgs.lmo.id)
      assert.equal((await session.connect('tree-demo')).kind, 'connected');
    redraws = [];
  });

  test('a dashboard figure lists in the results node exactly the Licenses it counts', async () => {
    const [pkg] = await packageNodes();
    assert.ok(pkg);
    for (const scope of [undefined, { packageRecordId: pkg.pkg.id, packageName: pkg.pkg.name }]) {
      const data = await loadDashboard(session, scope);
      const figures: [DashboardFigure, number][] = [
        [{ kind: 'all' }, data.byStatus.reduce((sum, row) => sum + row.count, 0)],
        [{ kind: 'trialsExpiring', days: 7 }, data.trialsExpiringIn7Days],
        [{ kind: 'trialsExpiring', days: 30 }, data.trialsExpiringIn30Days],
        [{ kind: 'activeWithSeats' }, data.seats.activeLicenses],
        [{ kind: 'siteLicenses' }, data.seats.siteLicenses],
        ...data.byStatus.map((row): [DashboardFigure, number] => [
          { kind: 'status', status: row.status },
          row.count,
        ]),
      ];
      assert.ok(data.trialsExpiringIn7Days > 0 && data.trialsExpiringIn30Days > data.trialsExpiringIn7Days);
      for (const [figure, expected] of figures) {
        const shown = Math.min(expected, FIGURE_LIST_LIMIT);
        const what = `${JSON.stringify(figure)} of ${scope?.packageName ?? 'the LMO'}`;
        assert.equal(await model.showFigure(figure, scope), shown, what);
        const [results] = await model.children(await child(undefined, 'lmo'));
        assert.ok(results?.kind === 'search', what);
        assert.equal(results.licenses.length, shown, what);
        assert.equal(results.more ?? false, expected > FIGURE_LIST_LIMIT, what);
        const nodes = await model.resultNodes();
        assert.equal(nodes.length, shown, what);
        assert.equal(new Set(nodes.map((node) => node.license.id)).size, shown, `${what}: no License twice`);
        if (figure.kind === 'status')
          assert.ok(
            nodes.every((node) => node.license.status === figure.status),
            what,
          );
        if (scope)
          assert.ok(
            nodes.every((node) => node.packageName === scope.packageName),
            what,
          );
      }
    }
    // A change of Licenses loads the last figure's list again, under its title.
    const [last] = await model.children(await child(undefined, 'lmo'));
    assert.ok(last?.kind === 'search' && last.title);
    const nextChange = () =>
      new Promise<void>((resolve) => {
        const listening = model.onDidChange(() => {
          listening.dispose();
          resolve();
        });
      });
    const changed = nextChange();
    model.licensesChanged();
    await changed;
    let again: LmaNode | undefined;
    for (;;) {
      // Listening before looking, so the redraw of the reloaded list can't pass unseen.
      const redrawn = nextChange();
      again = (await model.children(await child(undefined, 'lmo'))).find((n) => n.kind === 'search');
      if (again) break;
      await redrawn;
    }
    assert.ok(again.kind === 'search');
    assert.equal(again.title, last.title);
    assert.equal(again.licenses.length, last.licenses.length);
    model.clearSearch();
  });
});

test('a Refresh in the middle of a load drops the answers of the load before it', async () => {
  assert.equal((await session.connect('tree-large')).kind, 'connected');
  const [pkg] = await packageNodes();
  const group = (await model.children(pkg)).find((node) => node.kind === 'statusGroup')!;
  large.faults.slow(300);
  const pendingGroup = model.children(group);
  const pendingSearch = model.findLicenses('a');
  model.refresh();
  assert.deepEqual(await pendingGroup, [], 'licenses loaded before the Refresh: dropped');
  assert.ok((await pendingSearch) > 0);
  large.faults.clear();
  assert.deepEqual(
    (await model.children(await child(undefined, 'lmo'))).map((node) => node.kind),
    ['packages', 'workspacePackages'],
    'search results of before the Refresh: dropped',
  );
});

test('an org switch in the middle of a load drops the old answers', async () => {
  assert.equal((await session.connect('tree-large')).kind, 'connected');
  const largeOrgId = large.orgs.lmo.id;
  const [pkg] = await packageNodes();
  const groups = (await model.children(pkg)).filter(
    (node): node is StatusGroupNode => node.kind === 'statusGroup',
  );
  const [group, otherGroup] = groups as [StatusGroupNode, StatusGroupNode];
  await model.children(group);
  // The large org's answers wait until the switch is done: they arrive after it, whatever the machine's speed.
  const held = large.faults.hold();
  const pendingGroup = model.children(otherGroup);
  // Settled at once: an answer of the first org fails as superseded (the pipeline drops those), and
  // a rejection nobody has caught yet when it arrives would end the test as unhandled.
  const pendingMore = model.loadMore(group).catch(() => undefined);
  const pendingSearch = model.findLicenses('a').catch(() => undefined);
  redraws = [];

  assert.equal((await session.connect('tree-demo')).kind, 'connected');
  held.release();
  assert.deepEqual(await pendingGroup, [], 'the first org answered after the switch: dropped');
  await Promise.all([pendingMore, pendingSearch]);
  large.faults.clear();

  const root = await child(undefined, 'lmo');
  assert.ok(root.id.startsWith(`lmo:${demo.orgs.lmo.id}`));
  assert.notEqual(demo.orgs.lmo.id, largeOrgId);
  assert.deepEqual(
    (await model.children(root)).map((node) => node.kind),
    ['packages', 'workspacePackages'],
    'no search results of the first org',
  );
  const names = (await packageNodes()).map((node) => node.pkg.name);
  assert.deepEqual(
    names,
    (await model.loadedPackages()).map((p) => p.name),
  );
  assert.ok(names.includes('Acme Billing'), `packages of the demo org: ${names.join(', ')}`);
  for (const node of redraws)
    assert.ok(!node || !node.id.startsWith(`lmo:${largeOrgId}`), `redrew ${node?.id} after the switch`);
});

test("the org node's LMA version is read when the node first shows, once per connection, and redrawn with it", async () => {
  assert.equal((await session.connect('tree-demo')).kind, 'connected');
  const root = await child(undefined, 'lmo');
  const redrawn = new Promise<void>((resolve) => {
    const listening = model.onDidChange((node) => {
      if (node?.id !== root.id) return;
      listening.dispose();
      resolve();
    });
  });
  const before = requests;
  assert.equal(model.lmaVersion(root), undefined, 'not read by connecting');
  await redrawn;
  assert.equal(model.lmaVersion(root), '1.20');
  assert.equal(requests - before, 1, 'one Tooling query');
  model.refresh();
  assert.equal(model.lmaVersion(await child(undefined, 'lmo')), '1.20', 'kept through a Refresh of the view');
  assert.equal(requests - before, 1, 'no request for it again on the same connection');
});
