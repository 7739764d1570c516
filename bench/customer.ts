// Benchmark of the customer view's read (issue 22): one subscriber org holding Licenses of five
// packages, each with History, read by `loadCustomer` over HTTP through the real session:
//   requests = requests the session sent for one read (target: as few as possible; it is one)
//   read     = wall time of the read, the panel's first render waits on it (target: 500 ms)
// Run: node --import tsx bench/customer.ts [licenses] (the world's size; default: the demo world)
import '../test/integration/isolatedHome.ts';
import { startLocalOrg } from 'lma-local-org';
import { loadCustomer } from '../src/lma/records/customer.ts';
import { checkLmaPresence } from '../src/lma/records/lmaPresence.ts';
import { LmoSession } from '../src/org/lmoSession.ts';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';
import { customerWithFivePackages } from '../test/integration/lma/customerWorld.ts';

const RUNS = 20;

async function main() {
  const size = process.argv[2] ? Number(process.argv[2]) : undefined;
  const org = await startLocalOrg({
    seed: size ?? 'demo',
    installDelayMs: 0,
    timing: { licenseDelayMs: 0 },
  });
  let requests = 0;
  const counting = (line: string) => {
    if (/^(GET|POST|PATCH|DELETE) /.test(line)) requests++;
  };
  const session = new LmoSession({
    log: { trace: counting, info: counting, warn: counting, error: counting },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-customer',
    });
    await session.connect('bench-customer');
    const { orgId } = await customerWithFivePackages(org);
    // History on every License: two changes each.
    const first = await loadCustomer(session, orgId);
    for (const entry of first!.licenses)
      for (const seats of [11, 12])
        await session.request(`/sobjects/sfLma__License__c/${entry.license.id}`, {
          method: 'PATCH',
          body: { sfLma__Seats__c: seats },
        });
    const times: number[] = [];
    const counts: number[] = [];
    let licenses = 0;
    for (let run = 0; run < RUNS; run++) {
      const before = requests;
      const start = performance.now();
      const customer = await loadCustomer(session, orgId);
      times.push(performance.now() - start);
      counts.push(requests - before);
      licenses = customer!.licenses.length;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.table([
      {
        world: size ? `${size} licenses` : 'demo',
        packages: licenses,
        requests: [...new Set(counts)].join(', '),
        'first read': ms(times[0]!),
        median: ms(sorted[Math.floor(RUNS / 2)]!),
        range: `${ms(sorted[0]!)}–${ms(sorted.at(-1)!)}`,
      },
    ]);
  } finally {
    session.dispose();
    await org.close();
  }
}

void main();
