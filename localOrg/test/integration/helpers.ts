// Shared set-up for the local org's integration tests: a local org on a free
// port, raw HTTP helpers that expose status and headers (jsforce hides them).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocalOrg, type LocalOrg, type StartLocalOrgOptions } from '../../index';

export async function startTestOrg(options: StartLocalOrgOptions = {}): Promise<LocalOrg> {
  return startLocalOrg({ port: 0, seed: 'demo', installDelayMs: 200, ...options });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function raw(
  org: LocalOrg,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(org.instanceUrl + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}

export interface ChildOrg {
  port: number;
  token: string;
  kill: () => Promise<void>;
}

/**
 * A local org in a child process (`childServer.ts`) on a data folder, for tests that kill it or that
 * must not hang when the server's event loop is blocked.
 */
export async function startChildOrg(dataDir: string): Promise<ChildOrg> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'childServer.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child server exited with ${code}`)));
  });
  const { port, token } = JSON.parse(line) as { port: number; token: string };
  return {
    port,
    token,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export { featureParameters, type FixtureParameter } from './fmaFixture';
