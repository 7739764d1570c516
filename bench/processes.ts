// The processes the benchmarks measure apart from their own: the local org as users run it (the bundled
// `lma-local-org start`), and a child bundled as the extension bundles its code (not tsx compiling
// TypeScript at every start), with dist/salesforce.js beside it, the sibling it requires on connect.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/** Bundles `entry` (a file of bench/) into `<work>/<name>`, with dist/salesforce.js copied beside it. */
export async function bundleChild(entry: string, work: string, name: string): Promise<string> {
  const salesforce = join(__dirname, '..', 'dist', 'salesforce.js');
  if (!existsSync(salesforce)) throw new Error(`${salesforce} not found: run \`npm run build\` first.`);
  copyFileSync(salesforce, join(work, 'salesforce.js'));
  const outfile = join(work, name);
  await build({
    entryPoints: [join(__dirname, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['./salesforce.js'],
    define: { 'process.env.SF_DISABLE_LOG_FILE': '"true"' },
    logLevel: 'warning',
  });
  return outfile;
}

export interface ServerProcess {
  instanceUrl: string;
  /** The first org's (the LMO's) access token, from the banner. */
  lmoToken: string;
  /** From the spawn to the banner's first access token. */
  startupMs: number;
  /** The server process's resident memory now (Linux: /proc). */
  rssMb(): number;
  stop(): void;
}

/**
 * Starts `lma-local-org`'s bundled CLI (localOrg/dist/cli.js) with `start` on a saved world and waits
 * for its banner's address and first access token (the LMO's).
 */
export async function startServerProcess(dir: string): Promise<ServerProcess> {
  const cli = join(dirname(require.resolve('lma-local-org/package.json')), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run \`npm run build\` first.`);
  const started = performance.now();
  // The flag localOrg/bin/lma-local-org.js adds for `start`.
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=8',
      // LMA_BENCH_SERVER_FLAGS: Node flags for the local org's process (`--cpu-prof --cpu-prof-dir=<dir>`).
      ...(process.env.LMA_BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
      cli,
      'start',
      '--port',
      '0',
      '--data',
      dir,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const banner = () => {
    const instanceUrl = /running at (\S+)/.exec(output)?.[1];
    const lmoToken = /access token (\S+)\r?\n/.exec(output)?.[1];
    return instanceUrl && lmoToken ? { instanceUrl, lmoToken } : undefined;
  };
  const { instanceUrl, lmoToken } = await new Promise<{ instanceUrl: string; lmoToken: string }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the local org exited (${code}): ${output}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = banner();
        if (found) resolve(found);
      });
    },
  );
  return {
    instanceUrl,
    lmoToken,
    startupMs: performance.now() - started,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024,
    stop: () => child.kill('SIGTERM'),
  };
}
