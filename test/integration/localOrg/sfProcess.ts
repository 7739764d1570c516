// The official sf CLI as a process, under this Node (node_modules/.bin/sf would run under the machine's
// `node`), with its own throw-away HOME and no telemetry, update check, keychain or log file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SF = join(__dirname, '../../../node_modules/@salesforce/cli/bin/run.js');

export interface SfResult {
  status: number;
  result: unknown;
  raw: string;
}

export interface SfProcess {
  /** The throw-away HOME, also a folder for the files a command reads or writes. */
  home: string;
  /** Runs `sf <args> --json` and answers its JSON, whatever its exit code. */
  sf(args: string[], env?: Record<string, string>): Promise<SfResult>;
  /** Removes the HOME. */
  dispose(): void;
}

/** The environment of an sf process with `home` as its HOME: no telemetry, update check, keychain or log file. */
export function sfEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    USERPROFILE: home,
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_USE_PROGRESS_BAR: 'false',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
  };
}

export function sfProcess(options: { cwd?: 'home'; timeoutMs?: number } = {}): SfProcess {
  const home = mkdtempSync(join(tmpdir(), 'lma-sf-home-'));
  return {
    home,
    async sf(args, env = {}) {
      const { stdout } = await run(process.execPath, ['--no-deprecation', SF, ...args, '--json'], {
        env: { ...sfEnv(home), ...env },
        ...(options.cwd === 'home' ? { cwd: home } : {}),
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 20 * 1024 * 1024,
      }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      const parsed = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { status: number; result: unknown };
      return { ...parsed, raw: stdout };
    },
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}
