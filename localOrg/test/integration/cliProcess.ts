// The local org's command line (bin/lma-local-org.js) run as a process, as a user runs it.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const bin = resolve(__dirname, '../../bin/lma-local-org.js');

/** Runs `lma-local-org` with `args`, the environment plus `env`; its exit code and output. */
export function runLocalOrgCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
