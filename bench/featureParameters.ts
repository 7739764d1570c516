// Benchmark of the tree's Feature Parameters node (issue 22), opened through the tree's model
// (LmoTreeModel, as VS Code asks it): a package's parameters with how many Licenses hold each value, on the local org with the Feature Management App, for the package with the
// most Licenses of a seeded world (at least 10,000), each License holding a value of each of four
// parameters (Boolean, two Integers, a Date). Requests are counted by the session's log.
// Run: node --import tsx bench/featureParameters.ts [licenses]   (prints a table; target: 1 request)
import '../test/integration/isolatedHome.ts';
import { startLocalOrg } from 'lma-local-org';
import { featureParameters } from 'lma-local-org/testing';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { loadLmoPackages } from '../src/lma/records/packages.ts';
import { TestInstalls } from '../src/lma/workflows/testInstallHistory.ts';
import { Emitter } from '../src/base/emitter.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { LmoTreeModel } from '../src/views/lmoTreeModel.ts';
import type { LmaNode } from '../src/views/nodes.ts';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';

const RUNS = 7;
const seed = Number(process.argv[2] ?? 40_000);

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const org = await startLocalOrg({ seed, fma: true });
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-fma',
    });
    let requests = 0;
    const count = (line: string) => void (/^(GET|POST|PATCH) /.test(line) && requests++);
    const session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    await session.connect('bench-fma');
    const { packages } = await loadLmoPackages(session);
    const biggest = [...packages].sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    const declared = org.console.packages().find((p) => p.name === biggest.name)!;
    const started = performance.now();
    await org.console.declareFeatureParameters(
      declared.id,
      featureParameters('BetaReports', 'MaxProjects', 'ActiveUsers', 'RenewalDate'),
    );
    const declaring = performance.now() - started;
    const model = new LmoTreeModel(
      session,
      { packages: async () => undefined, onDidChange: new Emitter<void>().event },
      new TestInstalls({ get: () => undefined, update: async () => undefined }),
    );
    const find = async (parent: LmaNode | undefined, match: (n: LmaNode) => boolean) =>
      (await model.children(parent)).find(match)!;
    const packagesNode = await find(await find(undefined, () => true), (n) => n.kind === 'packages');
    const packageNode = await find(packagesNode, (n) => n.kind === 'package' && n.pkg.id === biggest.id);
    const node = await find(packageNode, (n) => n.kind === 'featureParameters');
    const open = async () => {
      model.featureParametersChanged(biggest.id); // counted again each run
      return (await model.children(node)).flatMap((n) =>
        n.kind === 'featureParameter' ? [n.parameter] : [],
      );
    };
    await open(); // the REST base, once per session
    const times: number[] = [];
    let perRun = 0;
    let held = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = requests;
      const t = performance.now();
      const counts = await open();
      times.push(performance.now() - t);
      perRun = requests - before;
      held = counts[0]?.values.reduce((n, v) => n + v.licenses, 0) ?? 0;
    }
    model.dispose();
    session.dispose();
    console.table([
      {
        measure: `Feature Parameters node: ${biggest.name}, ${biggest.licenseTotal} Licenses, 4 parameters`,
        'median ms': Math.round(median(times)),
        'first ms': Math.round(times[0]!),
        requests: perRun,
        'Licenses counted (first parameter)': held,
        'declaring the parameters (local org) ms': Math.round(declaring),
      },
    ]);
  } finally {
    await org.close();
  }
}

void main();
