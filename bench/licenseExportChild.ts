// The exporting process of bench/licenseExport.ts, bundled by it with esbuild as the extension is
// (dist/salesforce.js loaded at the first connection): a session connected to a CLI-authorized org,
// then exportLicensesToFile. Prints the result, the time of the export alone and, when run with
// --expose-gc, the largest live heap seen after a collection.
//   node exporter.js <alias> <package record id> <package name> <file> [bulk]
// With `bulk`, the licenses after the first page come through a Bulk API 2.0 query job (threshold 1),
// in pages of LMA_BENCH_MAX_RECORDS rows if it is set.
import { exportLicensesToFile } from '../src/files/licenseExportFile';
import { checkLmaPresence } from '../src/lma/records/lmaPresence';
import { LmoSession } from '../src/org/lmoSession';

async function main(
  alias: string,
  packageId: string,
  packageName: string,
  file: string,
  bulk: boolean,
): Promise<void> {
  const quiet = () => undefined;
  const session = new LmoSession({
    log: { trace: quiet, info: quiet, warn: quiet, error: quiet },
    checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
  });
  const state = await session.connect(alias);
  if (state.kind !== 'connected') throw new Error(`not connected: ${JSON.stringify(state)}`);
  const connected = performance.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveHeapMb = 0;
  const result = await exportLicensesToFile(
    session,
    { package: { id: packageId, name: packageName } },
    file,
    {
      ...(bulk ? { bulk: { threshold: 1, ...maxRecords } } : {}),
      onProgress: ({ done }) => {
        if (!gc || (done % 10_000 !== 0 && !bulk)) return;
        gc();
        liveHeapMb = Math.max(liveHeapMb, process.memoryUsage().heapUsed / 1024 / 1024);
      },
    },
  );
  console.log(JSON.stringify({ ...result, exportMs: performance.now() - connected, liveHeapMb }));
}

/** LMA_BENCH_MAX_RECORDS: the rows asked for per Bulk results page, instead of the export's default. */
const maxRecords = process.env.LMA_BENCH_MAX_RECORDS
  ? { maxRecords: Number(process.env.LMA_BENCH_MAX_RECORDS) }
  : {};
const [alias, packageId, packageName, file, via] = process.argv.slice(2);
main(alias!, packageId!, packageName!, file!, via === 'bulk').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
