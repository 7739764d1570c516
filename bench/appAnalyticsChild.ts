// The measured process of bench/appAnalytics.ts: a session connected to a CLI-authorized LMO, then one
// App Analytics request already Complete (its id): one read of it, the download streamed to the cache while it is read, the monthly usage, the join with Licenses, and the
// usage panel's first message. Prints times and memory as JSON. Bundled by bench/appAnalytics.ts.
//   node usage.js <alias> <package record id> <033 id> <start> <end> <cache dir> <request id>
import { AppAnalyticsCache } from '../src/files/appAnalyticsCache';
import { licensesForUsage } from '../src/lma/records/appAnalytics';
import { checkLmaPresence } from '../src/lma/records/lmaPresence';
import { joinUsage, unusedActive } from '../src/lma/rules/appAnalytics';
import { followRequest } from '../src/lma/workflows/appAnalytics';
import { LmoSession } from '../src/org/lmoSession';
import { loadSalesforce } from '../src/org/salesforceLoader';
import { getHeapSpaceStatistics } from 'node:v8';

async function main(
  alias: string,
  recordId: string,
  packageId: string,
  start: string,
  end: string,
  dir: string,
  requestId: string,
) {
  const rssStart = process.memoryUsage().rss;
  const quiet = () => undefined;
  const session = new LmoSession({
    log: { trace: quiet, info: quiet, warn: quiet, error: quiet },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  // What loading dist/salesforce.js costs apart from connecting (the session would load it on connect).
  await loadSalesforce();
  const rssLoaded = process.memoryUsage().rss;
  const state = await session.connect(alias);
  if (state.kind !== 'connected') throw new Error(`not connected: ${JSON.stringify(state)}`);
  const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
  let heapPeak = 0;
  // LMA_BENCH_TRACE=1: where the memory is, every 20 ms, on stderr (RSS, heap, external, array buffers).
  const trace = process.env.LMA_BENCH_TRACE ? ([] as string[]) : null;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    const mb = (x: number) => (x / 2 ** 20).toFixed(0);
    const spaces = trace
      ? getHeapSpaceStatistics()
          .filter((sp) => sp.space_size > 0)
          .map(
            (sp) => `${sp.space_name.replace('_space', '')} ${mb(sp.space_used_size)}/${mb(sp.space_size)}`,
          )
          .join(' ')
      : '';
    trace?.push(
      `${(performance.now() - t0).toFixed(0)} ms: rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} arrayBuffers ${mb(m.arrayBuffers)}; ${spaces}`,
    );
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await followRequest(
    session,
    new AppAnalyticsCache(dir),
    { dataType: 'PackageUsageSummary', packageId, start, end },
    requestId,
  );
  if (outcome.kind !== 'ready') throw new Error(JSON.stringify(outcome));
  const loaded = performance.now();
  const { licenses, requests } = await licensesForUsage(session, recordId);
  const rows = joinUsage(outcome.report!, licenses);
  const message = JSON.stringify({ report: outcome.report, rows, unused: unusedActive(rows).length });
  const rendered = performance.now();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sample);
  if (trace) process.stderr.write(`${trace.join('\n')}\n`);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  console.log(
    JSON.stringify({
      rows: outcome.rows,
      bytes: outcome.entry.bytes,
      orgs: outcome.report!.orgs.length,
      atRisk: outcome.report!.atRisk.length,
      licenses: licenses.length,
      licenseRequests: requests,
      messageBytes: message.length,
      downloadAndReadMs: loaded - t0,
      totalMs: rendered - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssStartMb: rssStart / 2 ** 20,
      heapBeforeMb: heapBefore / 2 ** 20,
      rssLoadedMb: rssLoaded / 2 ** 20,
      rssBeforeMb: rssBefore / 2 ** 20,
      addedByReadMb: process.resourceUsage().maxRSS / 1024 - rssBefore / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      heapPeakMb: heapPeak / 2 ** 20,
    }),
  );
}

const [alias, recordId, packageId, start, end, dir, requestId] = process.argv.slice(2);
main(alias!, recordId!, packageId!, start!, end!, dir!, requestId!).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
