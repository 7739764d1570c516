// `npm run demo`: VS Code in the browser (code-server) with the packaged extension and a demo sfdx
// project, until Ctrl-C. `npm run demo` builds and packages first; this script only starts things.
//
// The extension is connected to the local org (localOrg/) with demo data.
// Set LMA_DEMO_PORT for a fixed port (default: a free one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSfdxWorkspace, repoRoot, startCodeServer, type CodeServer } from './codeServer.ts';
import { demoProject } from './demoProject.ts';

/** What a setup step adds to the demo: environment and settings for VS Code, and how to stop it. */
export interface DemoSetup {
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** The demo project's sfdx-project.json. */
  projectJson?: string;
  stop?: () => Promise<void>;
}

/**
 * Starts the local org with demo data and saves its LMO to a demo-only CLI auth store (a throw-away
 * HOME), under the alias `lma-demo`, which the `lma.lmo` setting points the extension at.
 */
async function prepare(): Promise<DemoSetup> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lma-demo-home-'));
  process.env.HOME = home;
  process.env.SF_DISABLE_LOG_FILE = 'true';
  const { startLocalOrg } = await import('lma-local-org');
  const { authorizeWithRefreshToken } = await import('../src/org/salesforce.ts');
  const org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lma-demo',
  });
  console.log(`Local org with demo data: ${org.instanceUrl} (LMO ${org.orgs.lmo.username}, alias lma-demo)`);
  return {
    env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
    settings: { 'lma.lmo': 'lma-demo' },
    projectJson: demoProject(org.console.packages()),
    stop: async () => {
      await org.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

async function main() {
  const vsix = path.join(repoRoot, 'dist', 'lma-explorer.vsix');
  if (!fs.existsSync(vsix))
    throw new Error(`${vsix} not found: run \`npm run demo\` (it builds and packages first).`);

  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) =>
    (stopping ??= (async () => {
      console.log(`\n${signal}: stopping…`);
      // Last in, first out: VS Code before the org it talks to, the workspace folder last.
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((error: unknown) => console.error(error));
      console.log('Stopped.');
    })());
  // Handlers first, so that Ctrl-C during the (slow) start-up also cleans up.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  const setup = await prepare();
  if (setup.stop) cleanups.push(setup.stop);
  const workspace = createSfdxWorkspace('lma-demo-project', setup.projectJson);
  cleanups.unshift(async () => fs.rmSync(workspace, { recursive: true, force: true }));
  const port = process.env.LMA_DEMO_PORT ? Number(process.env.LMA_DEMO_PORT) : undefined;
  const server: CodeServer = await startCodeServer({
    vsix,
    workspace,
    port,
    env: setup.env,
    settings: setup.settings,
  });
  cleanups.push(server.stop);
  if (stopping) return; // a signal arrived while starting

  console.log(`
LMA Explorer demo: VS Code with the extension is running at

    ${server.url}

Open the "License Management" view in the activity bar. Ctrl-C stops everything.
(code-server log: ${server.logFile})`);
  // Keep the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
