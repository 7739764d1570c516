import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SECRET_FOLDER, DEFAULT_PORT, LOOPBACK_HOSTS, adminSecretFile } from 'lma-local-org/address';
import type * as LocalOrgModule from 'lma-local-org';
import { loadSalesforce } from './salesforceLoader';

/** The alias under which the local org's LMO is saved in the CLI auth store (`sf org list` shows it). */
export const LOCAL_ORG_ALIAS = 'lma-local';

/**
 * Starts the embedded local org (dist/localOrg.js, loaded on first use) inside the extension host and
 * saves its LMO to the CLI auth store, so the session connects to it like to any authorized org.
 */
export class LocalOrgLauncher {
  private started: Promise<LocalOrgModule.LocalOrg | undefined> | undefined;

  constructor(private readonly dataDir: string) {}

  /** Starts the server (or finds the one another window started) and authorizes its LMO. */
  async start(): Promise<string> {
    this.started ??= this.startServer();
    const server = await this.started.catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    const instanceUrl = server?.instanceUrl ?? `http://127.0.0.1:${DEFAULT_PORT}`;
    const refreshToken = server?.orgs.lmo.refreshToken ?? (await this.fetchLmoRefreshToken(instanceUrl));
    const salesforce = await loadSalesforce();
    await salesforce.authorizeWithRefreshToken({
      loginUrl: instanceUrl,
      refreshToken,
      alias: LOCAL_ORG_ALIAS,
    });
    return LOCAL_ORG_ALIAS;
  }

  async dispose(): Promise<void> {
    const server = await this.started?.catch(() => undefined);
    await server?.close();
  }

  private async startServer(): Promise<LocalOrgModule.LocalOrg | undefined> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded at run time
    const localOrg = require('./localOrg.js') as typeof LocalOrgModule;
    try {
      return await localOrg.startLocalOrg({ port: DEFAULT_PORT, dataDir: this.dataDir, seed: 'demo' });
    } catch (error) {
      // Another window already runs the local org on this port: share it.
      if ((error as { code?: string }).code === 'EADDRINUSE') return undefined;
      throw error;
    }
  }

  private async fetchLmoRefreshToken(instanceUrl: string): Promise<string> {
    const response = await adminFetch(instanceUrl, 'orgs');
    if (!response.ok)
      throw new Error(`Port ${DEFAULT_PORT} is in use by something other than your local org.`);
    const orgs = (await response.json()) as { lmo: { refreshToken: string } };
    return orgs.lmo.refreshToken;
  }
}

/**
 * A request to the local org's admin API (`/_local/…`), with the secret its server wrote for this user
 * (`~/.lma-local-org/admin-<port>.secret`): the admin API answers nothing without it.
 */
async function adminFetch(instanceUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(instanceUrl);
  const port = Number(url.port || 80);
  const file = join(homedir(), ADMIN_SECRET_FOLDER, adminSecretFile(port));
  const secret = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => {
      throw new Error(`No local org of yours runs on port ${port}: ${file} is missing.`);
    },
  );
  return fetch(`${url.origin}/_local/${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${secret}` },
  });
}

/** The local org's instances live on the loopback interface; no real org does. */
export function isLocalOrgUrl(instanceUrl: string): boolean {
  return LOOPBACK_HOSTS.includes(new URL(instanceUrl).hostname);
}

/**
 * Sets a package's default terms in the local org's Partner Console (which also associates the
 * package with its LMO, as Register Package does). A real Partner Console has no API for this.
 */
export async function applyLocalPartnerConsoleTerms(
  instanceUrl: string,
  packageRef: string,
  terms: { status: string; lengthDays: number | null; seats: number | string },
): Promise<void> {
  const response = await adminFetch(
    instanceUrl,
    `console/packages/${encodeURIComponent(packageRef)}/association`,
    { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(terms) },
  );
  if (response.ok) return;
  const body = (await response.json().catch(() => undefined)) as [{ message?: string }] | undefined;
  throw new Error(body?.[0]?.message ?? `The local org's Partner Console answered ${response.status}.`);
}

/**
 * Creates a subscriber test org in the local org and saves it to the CLI auth store (alias
 * `lma-test-<n>`), so a test install reaches it like any authorized org. Returns the alias.
 */
export async function createLocalTestOrg(
  instanceUrl: string,
  options: { sandbox?: boolean } = {},
): Promise<string> {
  const response = await adminFetch(instanceUrl, 'orgs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sandbox: options.sandbox === true }),
  });
  if (!response.ok) throw new Error(`The local org could not create a test org (${response.status}).`);
  const org = (await response.json()) as { id: string; refreshToken: string };
  const alias = `lma-test-${org.id.slice(-6)}`;
  const salesforce = await loadSalesforce();
  await salesforce.authorizeWithRefreshToken({
    loginUrl: instanceUrl,
    refreshToken: org.refreshToken,
    alias,
  });
  return alias;
}
