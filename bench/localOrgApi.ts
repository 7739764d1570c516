// Benchmark (not a test) of the local org over HTTP with jsforce, on a
// 100,000-license world: status-by-package aggregate, lookup by subscriber org
// id, a 2,000-row page; store start-up time and resident memory; how long a light
// request waits while a heavy query runs beside it.
//   node --import tsx bench/localOrgApi.ts [licenses] [--data <seeded dir>]
// With --data, the world seeded there (by an earlier `startLocalOrg({ dataDir, seed })`) is reopened
// instead of seeding one (a 1,000,000-license seed takes minutes); the folder is left in place.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@jsforce/jsforce-node';
import { startLocalOrg } from 'lma-local-org';
import { startServerProcess } from './processes';

const BUILD = process.argv[2] === '--build';
const DATA = process.argv.includes('--data') ? process.argv[process.argv.indexOf('--data') + 1] : undefined;
const LICENSES = Number(
  (BUILD ? process.argv[4] : process.argv.slice(2).find((a) => /^\d+$/.test(a))) ?? 100_000,
);
const RUNS = 30;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function timed(runs: number, fn: (i: number) => PromiseLike<unknown>): Promise<number> {
  await fn(0); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Child process: seed the world, so the measuring process holds only an opened store. */
async function build(dir: string): Promise<void> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const seeded = await startLocalOrg({ dataDir: dir, seed: LICENSES });
  const { user, system } = process.cpuUsage(cpu);
  await seeded.close();
  console.log(JSON.stringify({ seedMs: performance.now() - t, seedCpuMs: (user + system) / 1000 }));
}

async function main(): Promise<void> {
  const dir = DATA ?? mkdtempSync(join(tmpdir(), 'lma-bench-'));
  // Stopped however the run ends: a server left running would keep the benchmark's pipe open.
  let stopServer: (() => void) | undefined;
  try {
    let seed = { seedMs: NaN, seedCpuMs: NaN };
    if (!DATA) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, __filename, '--build', dir, String(LICENSES)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`seeding failed: ${child.stderr}`);
      seed = JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as typeof seed;
    }
    const { seedMs, seedCpuMs } = seed;

    // The server runs as users run it (`lma-local-org start`, the bundled CLI) in its own process,
    // so its start-up and resident memory are measured without the benchmark's client in them.
    const server = await startServerProcess(dir);
    stopServer = () => server.stop();
    const startupMs = server.startupMs;
    const rssAfterStartMb = server.rssMb();
    const conn = new Connection({
      instanceUrl: server.instanceUrl,
      accessToken: server.lmoToken,
      version: '62.0',
    });

    // The first request that needs the Licenses reads their table from the snapshot (tables are read on
    // first use): its time, and the resident memory once they are in.
    // Light requests (/limits) one after another meanwhile: the read must not hold them up.
    const firstReadStarted = performance.now();
    let firstLicenseReadMs = 0;
    const counted = (async () => {
      const r = await conn.query('SELECT COUNT() FROM sfLma__License__c');
      firstLicenseReadMs = performance.now() - firstReadStarted;
      return r;
    })();
    const readWaits: number[] = [];
    while (!firstLicenseReadMs) {
      const t = performance.now();
      await (
        await fetch(`${server.instanceUrl}/services/data/v62.0/limits`, {
          headers: { Authorization: `Bearer ${server.lmoToken}` },
        })
      ).arrayBuffer();
      if (!firstLicenseReadMs) readWaits.push(performance.now() - t);
    }
    const total = await counted;
    const rssAfterLicensesMb = server.rssMb();
    const leadsStarted = performance.now();
    const leads = await conn.query('SELECT COUNT() FROM Lead');
    const firstLeadReadMs = performance.now() - leadsStarted;
    const rssAfterLeadsMb = server.rssMb();
    // Printed at once: the rest of a 1,000,000-license run takes many minutes more.
    console.error(
      JSON.stringify({
        startupMs,
        rssAfterStartMb,
        firstLicenseReadMs,
        lightWaits: readWaits.length,
        lightMedianMs: readWaits.length ? median(readWaits) : undefined,
        lightMaxMs: readWaits.length ? Math.max(...readWaits) : undefined,
        rssAfterLicensesMb,
        firstLeadReadMs,
        rssAfterLeadsMb,
      }),
    );
    const sample = await conn.query<{ sfLma__Subscriber_Org_ID__c: string }>(
      'SELECT sfLma__Subscriber_Org_ID__c FROM sfLma__License__c LIMIT 200',
    );
    const orgIds = sample.records.map((r) => r.sfLma__Subscriber_Org_ID__c);

    const aggregate = await timed(RUNS, () =>
      conn.query(
        'SELECT sfLma__Package__c, sfLma__Status__c, COUNT(Id) n FROM sfLma__License__c GROUP BY sfLma__Package__c, sfLma__Status__c',
      ),
    );
    const lookup = await timed(RUNS * 3, (i) =>
      conn.query(
        `SELECT Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Package__r.Name FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgIds[i % orgIds.length]}'`,
      ),
    );
    const soql =
      'SELECT Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Subscriber_Org_ID__c, sfLma__Package__r.Name FROM sfLma__License__c';
    const firstPage = await timed(RUNS, () => conn.query(soql));
    // The same request without jsforce's parsing: what the server itself takes.
    const firstPageServer = await timed(RUNS, async () => {
      const response = await fetch(
        `${server.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
        {
          headers: { Authorization: `Bearer ${server.lmoToken}` },
        },
      );
      await response.arrayBuffer();
    });
    const first = await conn.query(soql);
    // A world of 2,000 licenses or fewer has no next page. jsforce reads queryMore(undefined) as a query
    // to build from its parts, and describes an object named '' for it: NOT_FOUND.
    const nextUrl = first.nextRecordsUrl;
    const nextPage = nextUrl ? await timed(RUNS, () => conn.queryMore(nextUrl)) : undefined;
    // A heavy query (LIKE terms ORed, seconds of work) and light requests (/limits) one after another
    // beside it: each light request's wait, from sending to its answer, while the heavy one runs.
    const terms = Array.from({ length: 100 }, (_, i) => `Name LIKE '%0%0%0%N${i}'`).join(' OR ');
    const heavySoql = `SELECT Id FROM sfLma__License__c WHERE ${terms}`;
    const headers = { Authorization: `Bearer ${server.lmoToken}` };
    const heavyStarted = performance.now();
    let heavyMs = 0;
    const heavy = fetch(
      `${server.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(heavySoql)}`,
      {
        headers,
      },
    ).then(async (r) => {
      await r.arrayBuffer();
      heavyMs = performance.now() - heavyStarted;
    });
    const waits: number[] = [];
    while (!heavyMs) {
      const t = performance.now();
      await (await fetch(`${server.instanceUrl}/services/data/v62.0/limits`, { headers })).arrayBuffer();
      if (!heavyMs) waits.push(performance.now() - t);
    }
    await heavy;
    const sortedWaits = [...waits].sort((a, b) => a - b);
    const lightMedian = waits.length ? median(waits) : heavyMs;
    const lightP90 = waits.length ? (sortedWaits[Math.floor(sortedWaits.length * 0.9)] as number) : heavyMs;
    const lightMax = waits.length ? (sortedWaits.at(-1) as number) : heavyMs;
    const rssAfterQueriesMb = server.rssMb();
    server.stop();

    // The targets are for the 100,000-license world; other sizes are measured, not judged.
    const judged = LICENSES === 100_000;
    const rows: Array<[string, string, string, boolean]> = [
      ['licenses in the LMO', String(total.totalSize), '100,000', total.totalSize >= LICENSES],
      [
        'seed (bulk insert, once, separate process): wall; CPU',
        DATA ? 'not seeded (--data)' : `${seedMs.toFixed(0)} ms; ${seedCpuMs.toFixed(0)} ms`,
        '-',
        true,
      ],
      [
        'server start-up, reopening the store (process start to listening)',
        `${startupMs.toFixed(0)} ms`,
        '< 2000 ms',
        startupMs < 2000,
      ],
      [
        'first License query after start-up (reads the Licenses from the snapshot)',
        `${firstLicenseReadMs.toFixed(0)} ms`,
        '-',
        true,
      ],
      [
        `  a light request's wait meanwhile (/limits, ${readWaits.length} answered during it): median; longest`,
        readWaits.length
          ? `${median(readWaits).toFixed(1)} ms; ${Math.max(...readWaits).toFixed(1)} ms`
          : 'none answered',
        '-',
        true,
      ],
      ['server resident memory once the Licenses are read', `${rssAfterLicensesMb.toFixed(0)} MB`, '-', true],
      [
        `first Lead query (reads the ${leads.totalSize.toLocaleString('en-US')} Leads); resident memory then`,
        `${firstLeadReadMs.toFixed(0)} ms; ${rssAfterLeadsMb.toFixed(0)} MB`,
        '-',
        true,
      ],
      ['status-by-package aggregate (median)', `${aggregate.toFixed(1)} ms`, '< 50 ms', aggregate < 50],
      ['lookup by subscriber org id (median)', `${lookup.toFixed(2)} ms`, '< 5 ms', lookup < 5],
      ['2,000-row first page, jsforce (median)', `${firstPage.toFixed(1)} ms`, '< 30 ms', firstPage < 30],
      ['  of which the server round trip (fetch, unparsed)', `${firstPageServer.toFixed(1)} ms`, '-', true],
      nextPage === undefined
        ? [
            '2,000-row next page, queryMore (median)',
            'no next page (2,000 licenses or fewer)',
            '< 30 ms',
            true,
          ]
        : ['2,000-row next page, queryMore (median)', `${nextPage.toFixed(1)} ms`, '< 30 ms', nextPage < 30],
      [
        'server resident memory after start-up',
        `${rssAfterStartMb.toFixed(0)} MB`,
        '< 300 MB',
        rssAfterStartMb < 300,
      ],
      [
        'heavy query beside light ones: 100 LIKE terms ORed over every License',
        `${heavyMs.toFixed(0)} ms`,
        '-',
        true,
      ],
      [
        `  a light request's wait meanwhile (/limits, ${waits.length} answered during it): median; 90th percentile; longest`,
        `${lightMedian.toFixed(1)} ms; ${lightP90.toFixed(1)} ms; ${lightMax.toFixed(1)} ms`,
        '< 100 ms',
        lightMax < 100,
      ],
      ['server resident memory after the queries above', `${rssAfterQueriesMb.toFixed(0)} MB`, '-', true],
    ];
    console.log(
      `\nLocal org API benchmark (${LICENSES.toLocaleString('en-US')} licenses, jsforce over HTTP, Node ${process.version})\n`,
    );
    console.log(`| measure | result | target | ok |\n|---|---|---|---|`);
    for (const [name, value, target, ok] of rows)
      console.log(
        `| ${name} | ${value} | ${judged ? target : '-'} | ${judged ? (ok ? 'yes' : 'NO') : '-'} |`,
      );
  } finally {
    stopServer?.();
    if (!DATA) rmSync(dir, { recursive: true, force: true });
  }
}

if (BUILD) void build(process.argv[3] as string);
else void main();
