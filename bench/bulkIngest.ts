// Benchmark of 10,000 License changes written to the local org two ways, side by side in one run:
//   collections = 50 sObject Collections requests (PATCH /composite/sobjects, 200 records each), as the
//                 extension's bulk change writes today
//   bulk        = one Bulk API 2.0 ingest job (create, CSV upload, UploadComplete, polls, results) via
//                 jsforce's `bulk2`
// API requests are the org's own count (/limits before and after); wall time is each whole write.
// Run: node --import tsx bench/bulkIngest.ts [licenses]   (prints a table)
import { Connection } from '@jsforce/jsforce-node';
import { startLocalOrg } from 'lma-local-org';

const CHANGES = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.env.LMA_BENCH_RUNS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const org = await startLocalOrg({ seed: Math.ceil(CHANGES * 1.2) });
  try {
    const conn = new Connection({
      instanceUrl: org.instanceUrl,
      accessToken: org.orgs.lmo.accessToken as string,
      version: '62.0',
    });
    conn.bulk2.pollInterval = 100;
    const used = async (): Promise<number> => {
      const limits = (await conn.request('/limits')) as {
        DailyApiRequests: { Max: number; Remaining: number };
      };
      return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
    };
    const ids: string[] = [];
    let page = await conn.query<{ Id: string }>('SELECT Id FROM sfLma__License__c');
    ids.push(...page.records.map((r) => r.Id));
    while (!page.done && page.nextRecordsUrl && ids.length < CHANGES) {
      page = await conn.queryMore<{ Id: string }>(page.nextRecordsUrl);
      ids.push(...page.records.map((r) => r.Id));
    }
    const targets = ids.slice(0, CHANGES);
    if (targets.length < CHANGES) throw new Error(`only ${targets.length} licenses`);

    const measure = async (write: (seats: number) => Promise<number>, seats: number) => {
      const before = await used();
      const started = performance.now();
      const failed = await write(seats);
      const ms = performance.now() - started;
      return { ms, requests: (await used()) - before - 1, failed };
    };
    const collections = async (seats: number): Promise<number> => {
      let failed = 0;
      for (let i = 0; i < targets.length; i += 200) {
        const answers = (await conn.request({
          method: 'PATCH',
          url: '/composite/sobjects',
          body: JSON.stringify({
            allOrNone: false,
            records: targets.slice(i, i + 200).map((id) => ({
              attributes: { type: 'sfLma__License__c' },
              id,
              sfLma__Seats__c: seats,
            })),
          }),
          headers: { 'content-type': 'application/json' },
        })) as Array<{ success: boolean }>;
        failed += answers.filter((a) => !a.success).length;
      }
      return failed;
    };
    const bulk = async (seats: number): Promise<number> => {
      const results = await conn.bulk2.loadAndWaitForResults({
        object: 'sfLma__License__c',
        operation: 'update',
        input: targets.map((Id) => ({ Id, sfLma__Seats__c: seats })),
        pollInterval: 100,
        pollTimeout: 600_000,
      });
      return results.failedResults.length + results.unprocessedRecords.length;
    };
    const a: Array<{ ms: number; requests: number; failed: number }> = [];
    const b: Array<{ ms: number; requests: number; failed: number }> = [];
    for (let run = 0; run < RUNS; run++) {
      // Taking turns at going first; each run writes other seat counts, so every record changes.
      if (run % 2 === 0) {
        a.push(await measure(collections, 100 + run));
        b.push(await measure(bulk, 200 + run));
      } else {
        b.push(await measure(bulk, 200 + run));
        a.push(await measure(collections, 100 + run));
      }
    }
    const range = (xs: number[]) =>
      `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    console.log(
      `\n${CHANGES.toLocaleString('en-US')} License changes (Seats), in-process local org; ${RUNS} runs each, median (min–max); Node ${process.version}\n`,
    );
    console.log('| | sObject Collections, 200 a request | Bulk API 2.0 ingest (jsforce bulk2) |');
    console.log('|---|---|---|');
    console.log(
      `| API requests (the org's count) | ${median(a.map((r) => r.requests))} | ${median(b.map((r) => r.requests))} |`,
    );
    console.log(`| wall time (ms) | ${range(a.map((r) => r.ms))} | ${range(b.map((r) => r.ms))} |`);
    console.log(
      `| records not written | ${Math.max(...a.map((r) => r.failed))} | ${Math.max(...b.map((r) => r.failed))} |`,
    );
  } finally {
    await org.close();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
