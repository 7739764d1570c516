// Benchmark of the extension's Bulk Change (applyBulkChange, src/lma/workflows/licenseEdits.ts) written
// two ways, side by side in one run, at several sizes up to the command's 5,000 Licenses:
//   collections = sObject Collections, 200 Licenses a request (no ingest threshold)
//   ingest      = one Bulk API 2.0 ingest job (threshold 1)
// Both re-read every License just before the write and read it back with License History after it;
// only the write differs. API requests are the session's own (every request it logged); wall time is the
// whole applyBulkChange. The local org answers at once: a real org adds its round trip to every request
// and queues an ingest job (UNCONFIRMED how long).
// Run: node --import tsx bench/bulkChange.ts [sizes, comma-separated]   (prints a table)
import '../test/integration/isolatedHome';
import { startLocalOrg } from 'lma-local-org';
import { planBulkChange } from '../src/lma/rules/licenseChanges';
import { applyBulkChange, loadEditableLicenses } from '../src/lma/workflows/licenseEdits';
import { queryAll } from '../src/lma/records/lmoApi';
import { checkLmaPresence } from '../src/lma/records/lmaPresence';
import { LmoSession } from '../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../src/org/salesforce';

const SIZES = (process.argv[2] ?? '1000,2000,5000').split(',').map(Number);
const RUNS = Number(process.env.LMA_BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const largest = Math.max(...SIZES);
  const org = await startLocalOrg({ seed: Math.ceil(largest * 4) });
  let requests = 0;
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-lmo',
    });
    const count = (line: string) => {
      if (/^(GET|POST|PATCH|PUT|DELETE) /.test(line)) requests++;
    };
    const session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    await session.connect('bench-lmo');
    const ids = (
      await queryAll<{ Id: string }>(
        session,
        "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' AND sfLma__Seats__c > 0 ORDER BY Id",
      )
    ).map((r) => r.Id);
    if (ids.length < largest) throw new Error(`only ${ids.length} Active licenses`);
    const rows: string[] = [];
    for (const size of SIZES) {
      const targets = ids.slice(0, size);
      const measure = async (threshold: number | undefined) => {
        const licenses = await loadEditableLicenses(session, targets);
        const plan = planBulkChange(licenses, { kind: 'addSeats', seats: 1 }, new Date());
        const before = requests;
        const started = performance.now();
        const result = await applyBulkChange(session, plan, {
          confirmed: true,
          ingestThreshold: threshold,
          ingest: { pollMs: 100 },
        });
        const ms = performance.now() - started;
        if (result.applied.length !== size)
          throw new Error(`${result.applied.length} of ${size} applied: ${result.failed[0]?.reason}`);
        return { ms, requests: requests - before };
      };
      const a: Array<{ ms: number; requests: number }> = [];
      const b: Array<{ ms: number; requests: number }> = [];
      for (let run = 0; run < RUNS; run++) {
        // Taking turns at going first.
        if (run % 2 === 0) {
          a.push(await measure(undefined));
          b.push(await measure(1));
        } else {
          b.push(await measure(1));
          a.push(await measure(undefined));
        }
      }
      const range = (xs: number[]) =>
        `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${median(a.map((r) => r.requests))} | ${median(b.map((r) => r.requests))} | ${range(a.map((r) => r.ms))} | ${range(b.map((r) => r.ms))} |`,
      );
    }
    session.dispose();
    console.log(
      `\nBulk Change (add 1 seat), in-process local org; ${RUNS} runs each, median (min–max); Node ${process.version}\n`,
    );
    console.log(
      '| Licenses | requests, sObject Collections | requests, ingest job | wall time (ms), Collections | wall time (ms), ingest |',
    );
    console.log('|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    await org.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
