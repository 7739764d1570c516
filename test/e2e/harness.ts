// E2E harness: code-server (scripts/codeServer.ts) with the packaged extension, driven in Debian's
// Chromium by playwright-core, plus page-object helpers for the parts of the workbench our tests touch.
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { createSfdxWorkspace, repoRoot, startCodeServer, type CodeServer } from '../../scripts/codeServer.ts';
import { EXTENSION_ID } from '../../src/ids.ts';

export { EXTENSION_ID };
export const resultsDir = path.join(repoRoot, 'test-results');

/** The vsix under test: `npm run package` output, or LMA_VSIX to try another build. */
export function vsixPath(): string {
  const vsix = process.env.LMA_VSIX ?? path.join(repoRoot, 'dist', 'lma-explorer.vsix');
  if (!fs.existsSync(vsix))
    throw new Error(`${vsix} not found: run \`npm run build && npm run package\` first.`);
  return vsix;
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** No browser download (playwright-core only): the system Chromium, quiet and offline-friendly. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found: apt-get install -y chromium`);
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

export interface Session {
  server: CodeServer;
  browser: Browser;
  page: Page;
  workbench: Workbench;
  workspace: string;
  /** Saves a screenshot and the server's logs under test-results/<name>/. */
  saveArtifacts(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface SessionOptions {
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** The text of the workspace's sfdx-project.json (default: one package, "LMA Demo"). */
  projectJson?: string;
}

/**
 * A local org with demo data for the tests of one file, its LMO saved in the (test process's) CLI
 * auth store under `alias`. Returns the org once the file's `before` hook ran.
 */
export function demoOrgForThisFile(alias: string): () => LocalOrg {
  let org: LocalOrg | undefined;
  before(async () => {
    org = await startLocalOrg({ seed: 'demo' });
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias,
    });
  });
  after(async () => {
    await org?.close();
  });
  return () => {
    if (!org) throw new Error('The local org starts in the before hook: use it inside a test.');
    return org;
  };
}

/** code-server with the vsix and an sfdx workspace, and a Chromium page showing its workbench. */
export async function openSession(options: SessionOptions = {}): Promise<Session> {
  const { projectJson, ...serverOptions } = options;
  const workspace = createSfdxWorkspace('lma-e2e-project', projectJson);
  const server = await startCodeServer({ vsix: vsixPath(), workspace, ...serverOptions });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(FOCUS_TRACE);
    const workbench = new Workbench(page);
    await page.goto(server.url, { timeout: 120_000 });
    await workbench.waitUntilReady();
    const session: Session = {
      server,
      browser,
      page,
      workbench,
      workspace,
      saveArtifacts: (name) => saveArtifacts(name, page, server),
      close: async () => {
        await browser?.close();
        await server.stop();
        fs.rmSync(workspace, { recursive: true, force: true });
      },
    };
    return session;
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
}

/**
 * Records every focus change of the workbench page (time, element), so that a failed step can say
 * what took the focus: a quick input closes when it loses it. A string: tsx would add helpers to a
 * serialized function that do not exist in the page.
 */
const FOCUS_TRACE = `(() => {
  const log = (window.__focusTrace = []);
  const describe = (e) => !e || !e.tagName ? String(e) :
    e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).slice(0, 3).join('.') : '') +
    (e.getAttribute('aria-label') ? ' [' + e.getAttribute('aria-label').slice(0, 60) + ']' : '');
  document.addEventListener('focusin', (event) => {
    log.push(new Date().toISOString().slice(11, 23) + ' ' + describe(event.target));
    if (log.length > 200) log.shift();
  }, true);
})()`;

/** The page's focus changes, oldest first (see FOCUS_TRACE). */
export async function focusTrace(page: Page): Promise<string[]> {
  return page.evaluate('window.__focusTrace || []').catch(() => []) as Promise<string[]>;
}

async function saveArtifacts(name: string, page: Page, server: CodeServer): Promise<string> {
  const dir = path.join(resultsDir, name.replace(/[^\w.-]+/g, '-'));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'focus.log'), (await focusTrace(page)).join('\n') + '\n');
  await page.mouse.move(700, 450).catch(() => undefined); // no stray hover tooltip in the picture
  await page.screenshot({ path: path.join(dir, 'screenshot.png') }).catch(() => undefined);
  fs.cpSync(server.logFile, path.join(dir, 'code-server.log'));
  const logs = path.join(server.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dir, 'logs'), { recursive: true });
  return dir;
}

/**
 * Runs a test body with a session; on failure saves a screenshot and the logs under test-results/
 * before rethrowing, so a red CI run can be diagnosed from its artifacts.
 */
export async function withSession(
  name: string,
  body: (session: Session) => Promise<void>,
  options: SessionOptions = {},
): Promise<void> {
  const session = await openSession(options);
  try {
    await body(session);
  } catch (error) {
    const dir = await session.saveArtifacts(`${name}-failed`);
    console.error(`Artifacts of the failed test: ${dir}`);
    throw error;
  } finally {
    await session.close();
  }
}

/** The server's log files whose name ends with `name`, by their path under its logs folder. */
function logFiles(server: CodeServer, name: string): string[] {
  const logs = path.join(server.userDataDir, 'logs');
  return fs.existsSync(logs)
    ? (fs.readdirSync(logs, { recursive: true }) as string[])
        .filter((f) => f.endsWith(name))
        .map((f) => path.join(logs, f))
    : [];
}

/** What the extension's Output channel holds so far, as written to its log file (no panel opened). */
export function extensionLog(server: CodeServer): string {
  return logFiles(server, 'LMA Explorer.log')
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

/** Extension host log lines that report an activation error of our extension. */
export function activationErrors(server: CodeServer): string[] {
  return logFiles(server, 'exthost.log').flatMap((file) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    return lines.flatMap((line, i) =>
      line.includes(`Activating extension ${EXTENSION_ID} failed`) ||
      line.includes(`'${EXTENSION_ID}' failed`)
        ? [`${line} ${lines[i + 1] ?? ''}`.trim()] // the error message follows on the next line
        : [],
    );
  });
}

/**
 * Asks `probe` until it answers something other than undefined: for state outside the page (the
 * org, files) that no event announces. Bounded by a minute, far above any wait that passes, so a
 * slower machine waits longer instead of failing.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Page object for the VS Code workbench. Selectors are VS Code's own DOM classes and ARIA roles. */
export class Workbench {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  }

  /** The activity-bar entry of a view container. Extension containers appear once the remote extension host has scanned. */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`);
  }

  /** Shows a view container; idempotent (clicking the entry of the visible container would hide the side bar). */
  async openViewContainer(title: string): Promise<void> {
    const heading = this.page.locator('.part.sidebar .composite.title h2', { hasText: title });
    if (await heading.isVisible()) return;
    const item = this.activityBarItem(title);
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    await heading.waitFor();
  }

  /** A view (pane) in the side bar by its name. */
  view(name: string): Locator {
    return this.page.locator('.part.sidebar .pane', {
      has: this.page.locator(`.pane-header[aria-label="${name} Section"]`),
    });
  }

  welcomeContent(viewName: string): Locator {
    return this.view(viewName).locator('.welcome-view-content');
  }

  treeItem(label: string | RegExp): Locator {
    return this.page.locator('.part.sidebar').getByRole('treeitem', { name: label });
  }

  /** Expands a tree item of the side bar (idempotent). */
  async expandTreeItem(label: string | RegExp): Promise<void> {
    const item = this.page.locator('.part.sidebar').getByRole('treeitem', { name: label }).first();
    await item.waitFor({ timeout: 30_000 });
    if ((await item.getAttribute('aria-expanded')) === 'true') return;
    await this.dismissHover();
    await item.click();
  }

  /**
   * A tree item's hover tooltip stays while the pointer is over it and can cover the next item
   * (Playwright then retries onto the tooltip, keeping it alive): move away and wait it out.
   */
  async dismissHover(): Promise<void> {
    await this.page.mouse.move(0, 0);
    await this.page
      .locator('.workbench-hover-container, .monaco-hover:not(.hidden)')
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
  }

  /**
   * The License Management view connected to `alias` with its Packages open: the tree item of the
   * package named `name`, once it shows.
   */
  async showPackage(alias: string, name: string): Promise<Locator> {
    await this.openViewContainer('License Management');
    await this.connectTo(alias);
    await this.expandTreeItem(/^Packages/);
    const item = this.treeItem(name).first();
    await item.waitFor({ timeout: 30_000 });
    return item;
  }

  /** Edit Default Licensing… on a package's tree item: the form, once its heading names the package. */
  async openDefaultLicensing(packageItem: Locator, name: string): Promise<FrameLocator> {
    await this.contextMenu(packageItem, 'Edit Default Licensing…');
    const form = this.activeWebview();
    await form.getByRole('heading', { name: `Default Licensing: ${name}` }).waitFor({ timeout: 30_000 });
    return form;
  }

  /**
   * LMA: Connect License Management Org… and pick an org of the CLI auth store by alias. The org
   * list loads after the picker opens; a tree refresh that completes meanwhile takes the focus back
   * and closes the picker. Then it is opened again (at most three times), and the error lists the
   * focus changes.
   */
  async connectTo(alias: string): Promise<void> {
    const picker = this.page.locator('.quick-input-widget');
    const title = picker.locator('.quick-input-title', { hasText: 'Connect License Management Org' });
    const org = picker.locator('.quick-input-list .monaco-list-row', { hasText: alias }).first();
    for (let attempt = 1; ; attempt++) {
      const input = await this.typeInPalette('>LMA: Connect License Management Org');
      await picker
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Connect License Management Org' })
        .first()
        .waitFor();
      await input.press('Enter');
      await title.waitFor({ timeout: 30_000 });
      const shown = await Promise.race([
        org.waitFor({ timeout: 30_000 }).then(() => true),
        picker.waitFor({ state: 'hidden', timeout: 30_000 }).then(() => false),
      ]).catch(() => false);
      const picked =
        shown &&
        (await input
          .fill(alias, { timeout: 10_000 })
          .then(() => org.click({ timeout: 10_000 }))
          .then(
            () => true,
            () => false,
          ));
      if (picked) {
        // The org is taken once the picker has closed: a palette opened before that would replace it.
        await picker.waitFor({ state: 'hidden', timeout: 30_000 });
        return;
      }
      if (attempt === 3 || (await title.isVisible())) {
        const trace = (await focusTrace(this.page)).slice(-12).join('\n  ');
        throw new Error(
          `${alias} was not picked in Connect License Management Org.\nLast focus changes:\n  ${trace}`,
        );
      }
    }
  }

  /** Waits until no view of the side bar is loading (none shows its progress bar). */
  async waitForViewsToLoad(): Promise<void> {
    await this.page
      .locator('.part.sidebar .monaco-progress-container.active:not(.done)')
      .first()
      .waitFor({ state: 'detached', timeout: 60_000 });
  }

  /**
   * Opens the command palette and types `text` into it. The palette closes when the focus leaves
   * it, so this waits until the palette holds the focus before typing, and when it closes anyway the
   * error lists the focus changes that closed it.
   */
  async typeInPalette(text: string): Promise<Locator> {
    // A tree view that last had the focus takes it again when a refresh of it completes, which
    // would close the palette: let the side bar's views finish loading first.
    await this.waitForViewsToLoad();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await this.page.waitForFunction(
      `document.activeElement?.matches('.quick-input-widget input.input') ?? false`,
    );
    try {
      await input.fill(text);
    } catch (error) {
      const trace = (await focusTrace(this.page)).slice(-12).join('\n  ');
      throw new Error(`${(error as Error).message}\nLast focus changes:\n  ${trace}`, { cause: error });
    }
    return input;
  }

  /** The content of the webview panel whose tab is active (VS Code nests it in two iframes). */
  activeWebview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /**
   * Right-clicks a locator and picks an entry of the context menu (VS Code's menus live in a shadow
   * root; locators pierce it). A tree refresh that re-renders the row closes a menu that just opened,
   * or opens it for the row being replaced: then the menu is opened again.
   */
  async contextMenu(target: Locator, entry: string): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu.getByRole('menuitem', { name: entry }).first();
    const focused = menu.locator('.action-item.focused').getByRole('menuitem', { name: entry });
    await eventually(`the context menu entry "${entry}"`, async () => {
      if (!(await menu.isVisible())) await target.click({ button: 'right' });
      await menu.waitFor();
      if ((await item.count()) === 0) {
        await this.page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden' });
        return undefined;
      }
      // The menu ignores a click that comes too soon after it opened; hovering focuses the entry
      // and Enter runs it, whatever the timing.
      try {
        await item.hover({ timeout: 10_000 });
        await focused.waitFor({ timeout: 10_000 });
        return true;
      } catch {
        return undefined; // the menu closed under the pointer
      }
    });
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
  }

  /** Runs a command by its palette title, e.g. "LMA: Refresh". */
  async runCommand(title: string): Promise<void> {
    const input = await this.typeInPalette(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await input.press('Enter');
    // Done when the palette closed, or when the command opened its own quick pick / input box (the
    // input then no longer holds the `>` command prefix). A string, not a function: tsx would add
    // helpers to a serialized function that do not exist in the page.
    await this.page.waitForFunction(`(() => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget && widget.querySelector('input.input');
      return !widget || !widget.checkVisibility() || !input || !input.value.startsWith('>');
    })()`);
  }

  /** Texts of the visible notification toasts. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(text: string | RegExp): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', {
      hasText: text,
    });
    await toast.first().waitFor();
    return toast.first();
  }

  /** Opens the Output panel on a channel and returns its text (only the rendered lines: fine for short logs). */
  async outputChannelText(channel: string): Promise<string> {
    const panel = this.page.locator('.part.panel');
    if (
      !(await panel
        .locator('.output-view, [id="workbench.panel.output"]')
        .isVisible()
        .catch(() => false))
    ) {
      await this.runCommand('Output: Focus on Output View');
    }
    await panel
      .locator('select.monaco-select-box')
      .first()
      .selectOption({ label: channel }, { timeout: 15_000 });
    const lines = panel.locator('.monaco-editor .view-lines');
    await lines.waitFor();
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }
}
