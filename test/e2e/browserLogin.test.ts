// "Log in to a new org…": the browser login of @salesforce/core (the flow of `sf org login web`),
// against the local org's OAuth authorize and token endpoints, then the tree of the org it saved.
import '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { withSession } from './harness.ts';

let org: LocalOrg;
before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
});
after(() => org?.close());

test('log in to a new org in the browser, then browse it', { timeout: 240_000 }, async () => {
  await withSession('browser-login', async ({ workbench, page }) => {
    await workbench.openViewContainer('License Management');
    const input = page.locator('.quick-input-widget input.input');
    const title = page.locator('.quick-input-widget .quick-input-title');
    const step = async (heading: string) => {
      await title.filter({ hasText: heading }).waitFor();
    };
    const row = (text: string) =>
      page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

    const tabs: string[] = [];
    page.context().on('page', (tab) => {
      tab.on('framenavigated', (frame) => tabs.push(frame.url()));
    });
    await workbench.runCommand('LMA: Connect License Management Org…');
    await step('Connect License Management Org');
    await row('Log in to a new org').click();
    await step('Log in to a new org');
    await row('My Domain URL…').click();
    await step('My Domain login URL');
    await input.fill(org.instanceUrl);
    await input.press('Enter');
    await step('Alias for the org');
    await input.fill('web-lmo');
    await input.press('Enter');
    // The login page opens in a new tab, unless Chromium blocks a tab opened this long after the
    // keypress: then the notification's button opens it. On the local org's login page the LMO's
    // admin is preselected; Log In redirects to the CLI's callback on localhost:1717.
    const nextTab = (timeout: number) =>
      page
        .context()
        .waitForEvent('page', { timeout })
        .catch(() => undefined);
    let tab = await nextTab(5_000);
    if (!tab) {
      const opened = nextTab(30_000);
      await page.locator('.notifications-toasts').getByRole('button', { name: 'Open Login Page' }).click();
      tab = await opened;
    }
    if (!tab) throw new Error('the login page did not open');
    const logIn = tab.getByRole('button', { name: 'Log In' });
    await logIn.waitFor({ timeout: 30_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\nlogin tab went to: ${tabs.join(' → ') || 'no page'}`);
    });
    assert.match(await tab.locator('select#username option:checked').innerText(), /License Management Org/);
    await logIn.click();

    const sidebar = page.locator('.part.sidebar');
    const root = sidebar.getByRole('treeitem', { name: /^web-lmo/ });
    await root.waitFor({ timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\nlogin tab went to: ${tabs.join(' → ') || 'no tab opened'}`);
    });
    assert.match(await root.innerText(), new RegExp(org.orgs.lmo.id.slice(0, 15)));

    // The workspace's sfdx-project.json package is unknown to this LMO: flagged, with the reason.
    const workspacePackage = sidebar.getByRole('treeitem', { name: /not associated/ }).first();
    await workspacePackage.waitFor();
    assert.match(await workspacePackage.innerText(), /installs will not create licenses/);
  });
});
