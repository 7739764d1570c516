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
import path from 'node:path';
import { createSfdxWorkspace, repoRoot, startCodeServer, tail } from '../../scripts/code-server.ts';
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
  const server = await startCodeServer({ workspace, keepFiles: !!process.env.LMA_KEEP });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // Patch the configuration before workbench.js reads it. (Rewriting the HTML with page.route instead
    // makes Chromium's local-network-access check block the workbench's WebSocket to 127.0.0.1.)
    await page.addInitScript({ content: developmentOptionsScript(extensionDir, path.join(suiteDir, 'index.js')) });
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) =>
      console.log(`[${type}]`, ...args),
    );
    page.on('console', (message) => console.log(`[console.${message.type()}] ${message.text()}`));
    await page.goto(server.url);
    if (process.env.LMA_DEBUG) console.log('META', await page.evaluate(() => document.getElementById('vscode-workbench-web-configuration')?.getAttribute('data-settings')));

    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.error(`The extension-host suite did not finish within ${TIMEOUT_MS} ms.`);
        resolve(2);
      }, TIMEOUT_MS),
    );
    const code = await Promise.race([exited, timeout]);
    console.log(`Extension-host suite exited with ${code} after ${Math.round((Date.now() - started) / 1000)} s.`);
    if (code !== 0) {
      console.error(`code-server log (tail):\n${tail(server.logFile, 40)}`);
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
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
