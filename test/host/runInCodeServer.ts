// Runs the extension-host suite (test/host/suite, the @vscode/test-electron layout) inside code-server's
// extension host, the way @vscode/test-web does it for the web worker host:
//  - the workbench reads `extensionDevelopmentPath` / `extensionTestsPath` from the `payload` query
//    parameter of its URL (that is how VS Code web opens an Extension Development Host window) and hands
//    them to the remote extension host, which loads the suite with `require` and awaits `run()`;
//  - when the suite settles, the extension host exits with 0 or 1 and the workbench calls
//    `window.codeAutomationExit(code)`, which we expose from Node with playwright.
// Passing the same flags to the server alone does not work: the remote extension host takes them from
// the init data the workbench sends, not from the server's command line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSfdxWorkspace, repoRoot, startCodeServer, tail } from '../../scripts/codeServer.ts';
import { launchChromium } from '../e2e/harness.ts';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildHostTests } from './build.mjs';

const TIMEOUT_MS = Number(process.env.LMA_HOST_TEST_TIMEOUT_MS ?? 180_000);

async function main(): Promise<number> {
  const started = Date.now();
  const suiteDir: string = await buildHostTests();
  // The extension under development: the repo itself (package.json manifest + dist/extension.js).
  const extensionDir = path.resolve(process.env.LMA_EXTENSION_DEV_PATH ?? repoRoot);
  if (!fs.existsSync(path.join(extensionDir, 'dist', 'extension.js'))) {
    throw new Error(`${extensionDir}/dist/extension.js not found: run \`npm run build\` first.`);
  }
  const workspace = createSfdxWorkspace('lma-host-test');
  const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lma-host-report-')), 'mocha.txt');
  fs.writeFileSync(reportFile, '');
  // The environment of the server is the environment of its extension host.
  const server = await startCodeServer({
    workspace,
    env: { LMA_HOST_TEST_REPORT: reportFile },
    keepFiles: !!process.env.LMA_KEEP,
  });
  const report = streamFile(reportFile);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Patch the configuration before workbench.js reads it. (Rewriting the HTML with page.route instead
    // makes Chromium's local-network-access check block the workbench's WebSocket to 127.0.0.1.)
    await page.addInitScript({
      content: developmentOptionsScript(extensionDir, path.join(suiteDir, 'index.js')),
    });
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    // The workbench calls these when the extension host that ran the suite exits (code 0 or 1).
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    // Workbench errors are noisy offline (gallery, GitHub auth): shown only when the run fails.
    const workbenchErrors: string[] = [];
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      if (type === 'error') workbenchErrors.push(args.map((arg) => String(arg).split('\n')[0]).join(' '));
    });
    const timer = setTimeout(() => {
      console.error(`The extension-host suite did not finish within ${TIMEOUT_MS} ms.`);
      resolveExit(2);
    }, TIMEOUT_MS);
    await page.goto(server.url);

    let code = await exited;
    clearTimeout(timer);
    const text = report.stop();
    // Guard against a green run that ran nothing (e.g. the suite was not found or not loaded).
    if (code === 0 && !/^\s*[1-9]\d* passing/m.test(text)) {
      console.error('The extension host exited with 0 but the report shows no passing tests.');
      code = 1;
    }
    console.log(
      `Extension-host suite in code-server: exit code ${code}, ${Math.round((Date.now() - started) / 1000)} s.`,
    );
    if (code !== 0) {
      console.error(`Workbench errors:\n${workbenchErrors.join('\n')}`);
      console.error(`code-server log (tail):\n${tail(server.logFile, 40)}`);
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
    report.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(path.dirname(reportFile), { recursive: true, force: true });
  }
}

/** Prints what the suite appends to `file` as it arrives; stop() prints the rest and returns all of it. */
function streamFile(file: string) {
  let printed = 0;
  const flush = () => {
    const text = fs.readFileSync(file, 'utf8');
    process.stdout.write(text.slice(printed));
    printed = text.length;
    return text;
  };
  const interval = setInterval(flush, 250);
  let stopped = false;
  return {
    stop: () => {
      if (!stopped) clearInterval(interval);
      stopped = true;
      return fs.existsSync(file) ? flush() : '';
    },
  };
}

/**
 * Runs in the page before its scripts: adds `developmentOptions.extensions` / `extensionTestsPath` to the
 * workbench configuration in the `vscode-workbench-web-configuration` meta tag before workbench.js reads
 * it. A built workbench ignores the `payload` URL parameter (only dev builds and the smoke-test driver
 * honour it) but reads these options, which is what @vscode/test-web sets.
 * Plain JavaScript source, not a function: tsx adds `__name()` helpers that do not exist in the page.
 */
function developmentOptionsScript(extensionDir: string, testsPath: string): string {
  return `(() => {
    const id = 'vscode-workbench-web-configuration';
    // code-server's workbench replaces the configured remoteAuthority with location.host.
    const remote = (path) => ({ scheme: 'vscode-remote', authority: location.host, path });
    const patch = (meta) => {
      const settings = JSON.parse(meta.getAttribute('data-settings') || '{}');
      settings.developmentOptions = {
        ...settings.developmentOptions,
        extensions: [remote(${JSON.stringify(extensionDir)})],
        extensionTestsPath: remote(${JSON.stringify(testsPath)}),
      };
      meta.setAttribute('data-settings', JSON.stringify(settings));
    };
    const present = document.getElementById(id);
    if (present) return patch(present);
    new MutationObserver((records, observer) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof Element && node.id === id) {
            patch(node);
            observer.disconnect();
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  })();`;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
