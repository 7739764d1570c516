// Benchmark of App Analytics usage (issue 23): 10,000 orgs × 12 months of summaries, from the request
// being complete to the usage panel's first message (the monthly usage, the join with Licenses), in a
// process of its own (bench/appAnalyticsChild.ts, bundled with esbuild as the extension is: the
// extension's code, with dist/salesforce.js loaded on connect, not tsx compiling TypeScript at start)
// so that its memory is the client's alone.
//   time        = one read of the Complete request + download streamed to the cache and
//                 read as it arrives + the join + the panel's first message, serialized; wall clock
//                 and the process's CPU time over the same span (the machine is shared: CPU time is
//                 what the load doesn't inflate)
//   peak memory = the measuring process's maxRSS (Node, @salesforce/core and jsforce included), its
//                 RSS at start, after loading dist/salesforce.js and after connecting, the RSS the read
//                 adds (peak − after connecting: what an extension host already connected pays), and
//                 its largest heap seen (sampled every 20 ms)
// LMA_BENCH_TRACE=1 prints the child's memory every 20 ms (RSS, heap spaces, array buffers) on stderr;
// LMA_BENCH_KEEP=1 keeps the downloaded files (to read one alone).
// Run: npm run bench:appAnalytics [-- orgs runs] (after `npm run build`; prints a table)
import { home } from '../test/integration/isolatedHome.ts';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';
import { bundleChild } from './processes.ts';

const ORGS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);

const month = (back: number): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};

async function main() {
  const org = await startLocalOrg({
    seed: 'demo',
    appAnalytics: { completeAfterMs: 0, syntheticOrgs: ORGS },
  });
  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${org.instanceUrl}/services/data/v62.0${path}`, {
      method,
      headers: { Authorization: `Bearer ${org.orgs.lmo.accessToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'lma-bench-analytics-'));
  try {
    const childJs = await bundleChild('appAnalyticsChild.ts', dir, 'usage.js');
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'bench-lmo',
    });
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const q = encodeURIComponent(
      `SELECT Id FROM sfLma__Package__c WHERE sfLma__Package_ID__c = '${billing.id}'`,
    );
    const res = await fetch(`${org.instanceUrl}/services/data/v62.0/query?q=${q}`, {
      headers: { Authorization: `Bearer ${org.orgs.lmo.accessToken}` },
    });
    const recordId = ((await res.json()) as { records: Array<{ Id: string }> }).records[0]!.Id;
    const results: Array<Record<string, number>> = [];
    for (let run = 0; run < RUNS; run++) {
      // The request, read until Complete (the local org makes the file on that read): the clock starts after.
      const { id } = (await api('POST', '/sobjects/AppAnalyticsQueryRequest', {
        DataType: 'PackageUsageSummary',
        PackageIds: billing.id,
        StartTime: `${month(12)}-01T00:00:00Z`,
        EndTime: `${month(0)}-01T00:00:00Z`,
        FileType: 'csv',
        FileCompression: 'gzip',
      })) as { id: string };
      let state = '';
      while (state !== 'Complete') {
        state = String((await api('GET', `/sobjects/AppAnalyticsQueryRequest/${id}`)).RequestState);
        if (['Failed', 'NoData', 'Expired'].includes(state)) throw new Error(state);
      }
      // Asynchronous: the local org runs in this process and must answer meanwhile.
      const child = spawn(
        process.execPath,
        [childJs, 'bench-lmo', recordId, billing.id, month(12), month(1), join(dir, `cache-${run}`), id],
        { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        process.stderr.write(d);
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (status !== 0) throw new Error(stderr);
      const line = stdout.trim().split('\n').at(-1)!;
      results.push(JSON.parse(line) as Record<string, number>);
    }
    const median = (k: string) => {
      const xs = results.map((r) => r[k]!).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)]!;
    };
    const range = (k: string, digits = 0) => {
      const xs = results.map((r) => r[k]!);
      return `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
    };
    const r0 = results[0]!;
    console.table({
      'file: rows, gzip bytes, orgs with usage, at risk': `${r0.rows}, ${r0.bytes}, ${r0.orgs}, ${r0.atRisk}`,
      'Licenses joined, query requests': `${r0.licenses}, ${r0.licenseRequests}`,
      'request → usage read (ms), median and range': `${median('downloadAndReadMs').toFixed(0)} (${range('downloadAndReadMs')})`,
      'request → panel first message (ms), median and range': `${median('totalMs').toFixed(0)} (${range('totalMs')})`,
      'CPU time of that span (ms), median and range': `${median('cpuMs').toFixed(0)} (${range('cpuMs')})`,
      'peak RSS of the process (MB); RSS at start; after loading dist/salesforce.js; after connecting (MB)': `${median('peakRssMb').toFixed(0)} (${range('peakRssMb')}); ${median('rssStartMb').toFixed(0)}; ${median('rssLoadedMb').toFixed(0)}; ${median('rssBeforeMb').toFixed(0)}`,
      'RSS added by the read: peak − after connecting (MB), what the extension host adds once connected': `${median('addedByReadMb').toFixed(0)} (${range('addedByReadMb')})`,
      'largest heap seen (MB); heap after connecting': `${median('heapPeakMb').toFixed(0)} (${range('heapPeakMb')}); ${median('heapBeforeMb').toFixed(0)}`,
      'load average (1 min)': (await import('node:os')).loadavg()[0]!.toFixed(1),
    });
  } finally {
    await org.close();
    if (process.env.LMA_BENCH_KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
