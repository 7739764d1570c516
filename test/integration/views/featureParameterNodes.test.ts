// The tree's "Feature Parameters" node (no VS Code) over a real session against the local org: under
// each package when the LMO has the Feature Management App, its parameters with how many Licenses hold
// each value (one composite request per package, against the records); without the FMA, no node and
// the explanation once under Packages.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { featureParameters } from 'lma-local-org/testing';
import { FMA_EXPLANATION } from '../../../src/lma/records/featureParameters';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll } from '../../../src/lma/records/lmoApi';
import { TestInstalls } from '../../../src/lma/workflows/testInstallHistory';
import { Emitter } from '../../../src/base/emitter';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { valueCounts } from '../../../src/views/featureParameterNodes';
import { LmoTreeModel } from '../../../src/views/lmoTreeModel';
import type { FeatureParameterNode, LmaNode, PackageNode } from '../../../src/views/nodes';

let org: LocalOrg;
let session: LmoSession;
let model: LmoTreeModel;
const requests: string[] = [];

const PARAMETERS = featureParameters('BetaReports', 'MaxProjects', 'ActiveUsers');

before(async () => {
  org = await startLocalOrg({ seed: 'demo', fma: true });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await org.console.declareFeatureParameters(billing.id, PARAMETERS);
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'fp-tree',
  });
  const log = (line: string) => void (/^(GET|POST|PATCH) /.test(line) && requests.push(line));
  session = new LmoSession({
    log: { trace: log, info: log, warn: log, error: log },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  const store = new Map<string, unknown>();
  const testInstalls = new TestInstalls({
    get: <T>(key: string) => store.get(key) as T | undefined,
    update: async (key, value) => void store.set(key, value),
  });
  model = new LmoTreeModel(
    session,
    { packages: async () => undefined, onDidChange: new Emitter<void>().event },
    testInstalls,
  );
  assert.equal((await session.connect('fp-tree')).kind, 'connected');
});
after(async () => {
  model?.dispose();
  session?.dispose();
  await org?.close();
});

async function packagesChildren(): Promise<LmaNode[]> {
  const [lmo] = await model.children();
  const packages = (await model.children(lmo)).find((n) => n.kind === 'packages')!;
  return model.children(packages);
}

async function billingNode(): Promise<PackageNode> {
  const found = (await packagesChildren()).find(
    (n): n is PackageNode => n.kind === 'package' && n.pkg.name === 'Acme Billing',
  );
  assert.ok(found, 'Acme Billing in the tree');
  return found;
}

/** Licenses by value of one parameter, read from its value records one by one. */
async function countsFromRecords(parameterId: string, type: string): Promise<Map<string, number>> {
  const rows = await queryAll<{ sfFma__Value__c: boolean | number | string | null }>(
    session,
    `SELECT sfFma__Value__c FROM sfFma__FeatureParameter${type}__c WHERE sfFma__FeatureParameter__c = '${parameterId}'`,
  );
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = JSON.stringify(type === 'Boolean' ? r.sfFma__Value__c === true : r.sfFma__Value__c);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

test('with the FMA: Feature Parameters under the package, each parameter with its counts in one request', async () => {
  const billing = await billingNode();
  const fp = (await model.children(billing)).find((n) => n.kind === 'featureParameters');
  assert.ok(fp, 'a Feature Parameters node under Acme Billing');
  assert.ok(!(await packagesChildren()).some((n) => n.kind === 'message' && n.detail === FMA_EXPLANATION));
  const before = requests.length;
  const parameters = (await model.children(fp)) as FeatureParameterNode[];
  // One composite request (the REST API's resources are read once per session before the first).
  const made = requests.slice(before).filter((r) => !/^GET \/services\/data\/v[\d.]+\/ /.test(r));
  assert.equal(made.length, 1, made.join('\n'));
  assert.match(made[0]!, /^POST .*\/composite /);
  assert.deepEqual(
    parameters.map((n) => [n.kind, n.parameter.label, n.parameter.type, n.parameter.direction]),
    [
      ['featureParameter', 'Active Users', 'Integer', 'SubscriberToLmo'],
      ['featureParameter', 'Beta Reports', 'Boolean', 'LmoToSubscriber'],
      ['featureParameter', 'Max Projects', 'Integer', 'LmoToSubscriber'],
    ],
  );
  let total = 0;
  for (const { parameter } of parameters) {
    const expected = await countsFromRecords(parameter.id, parameter.type);
    assert.deepEqual(
      new Map(parameter.values.map((v) => [JSON.stringify(v.value), v.licenses])),
      expected,
      parameter.label,
    );
    total += parameter.values.reduce((sum, v) => sum + v.licenses, 0);
  }
  assert.ok(total > 0, 'the demo Licenses hold values');
  // Opened again: the counts are kept, no request.
  const again = requests.length;
  await model.children(fp);
  assert.equal(requests.length, again);
});

test('a value changed: featureParametersChanged counts again and the node shows the new counts', async () => {
  const billing = await billingNode();
  const fp = (await model.children(billing)).find((n) => n.kind === 'featureParameters')!;
  const beta = ((await model.children(fp)) as FeatureParameterNode[]).find(
    (n) => n.parameter.label === 'Beta Reports',
  )!;
  const on = beta.parameter.values.find((v) => v.value === true)?.licenses ?? 0;
  const [row] = await queryAll<{ Id: string }>(
    session,
    `SELECT Id FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__FeatureParameter__c = '${beta.parameter.id}' AND sfFma__Value__c = false LIMIT 1`,
  );
  await session.request(`/sobjects/sfFma__FeatureParameterBoolean__c/${row!.Id}`, {
    method: 'PATCH',
    body: { sfFma__Value__c: true },
  });
  const redrawn: (LmaNode | undefined)[] = [];
  const listening = model.onDidChange((n) => redrawn.push(n));
  model.featureParametersChanged(billing.pkg.id);
  listening.dispose();
  assert.ok(redrawn.includes(fp), 'the Feature Parameters node redrawn');
  const now = ((await model.children(fp)) as FeatureParameterNode[]).find(
    (n) => n.parameter.label === 'Beta Reports',
  )!;
  assert.equal(now.parameter.values.find((v) => v.value === true)?.licenses, on + 1);
  assert.match(valueCounts(now.parameter), new RegExp(`on: ${on + 1}`));
});

test('without the FMA: no Feature Parameters node, and the explanation once under Packages', async () => {
  org.lmo.setFma(false);
  try {
    model.refresh();
    const children = await packagesChildren();
    const explanations = children.filter((n) => n.kind === 'message' && n.detail === FMA_EXPLANATION);
    assert.equal(explanations.length, 1);
    assert.equal(explanations[0]!.kind === 'message' && explanations[0]!.icon, 'info');
    for (const pkg of children.filter((n): n is PackageNode => n.kind === 'package'))
      assert.ok(!(await model.children(pkg)).some((n) => n.kind === 'featureParameters'), pkg.pkg.name);
  } finally {
    org.lmo.setFma(true);
    model.refresh();
  }
});
