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
  const server = await startCodeServer({ workspace });
  const browser = await launchChromium();
  try {
    const html = await (await fetch(server.url)).text();
    const remoteAuthority = /&quot;remoteAuthority&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1];
    if (!remoteAuthority) throw new Error('remoteAuthority not found in the workbench configuration');
    const remote = (p: string) => `vscode-remote://${remoteAuthority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(path.join(suiteDir, 'index.js'))],
    ];
    const url = `${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const page = await browser.newPage();
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) =>
      console.log(`[${type}]`, ...args),
    );
    page.on('console', (message) => console.log(`[console.${message.type()}] ${message.text()}`));
    await page.goto(url);

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

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
