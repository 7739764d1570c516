// The License Management tree in code-server against two local orgs: connect, drill down to a
// license, right-click a package and refresh it, switch orgs without stale nodes, and one re-login
// prompt on expiry.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { withSession } from './harness.ts';

let orgA: LocalOrg;
let orgB: LocalOrg;

before(async () => {
  orgA = await startLocalOrg({ seed: 'demo' });
  orgB = await startLocalOrg({ seed: 'demo' });
  for (const [org, alias] of [
    [orgA, 'lmo-a'],
    [orgB, 'lmo-b'],
  ] as const)
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias,
    });
});
after(async () => {
  await orgA?.close();
  await orgB?.close();
});

test(
  'connect, drill down, right-click, switch orgs, and expire the session',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'lmo-tree',
      async ({ workbench, page, saveArtifacts }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-a');

        const sidebar = page.locator('.part.sidebar');
        const root = sidebar.getByRole('treeitem', { name: /^lmo-a/ });
        await root.waitFor({ timeout: 60_000 });
        assert.match(await root.innerText(), new RegExp(orgA.orgs.lmo.id.slice(0, 15)));

        // LMO → Packages → first package → Active → a license
        await workbench.expandTreeItem(/^Packages/);
        const firstPackage = sidebar.getByRole('treeitem', { level: 3 }).first();
        await firstPackage.waitFor();
        assert.match(await firstPackage.innerText(), /licenses/);
        await firstPackage.click();
        const activeGroup = sidebar.getByRole('treeitem', { name: /^Active/ }).first();
        await activeGroup.waitFor();
        await workbench.dismissHover(); // the package's tooltip can cover the group below it
        await activeGroup.click();
        const license = sidebar.getByRole('treeitem', { level: 5 }).first();
        await license.waitFor();
        assert.match(await license.innerText(), /seats|site/);
        await saveArtifacts('lmo-tree-expanded');

        // Right-click a package: its actions.
        await firstPackage.click({ button: 'right' });
        const menu = page.locator('.context-view .monaco-menu');
        for (const action of ['Show Licenses', 'Copy Package Id', 'Open in Salesforce', 'Refresh'])
          await menu.getByRole('menuitem', { name: action }).first().waitFor();
        // Refresh on the package: it loads again and stays expanded down to its licenses.
        await menu.getByRole('menuitem', { name: 'Refresh' }).first().click();
        await sidebar
          .getByRole('treeitem', { name: /^Active/ })
          .first()
          .waitFor();
        await sidebar.getByRole('treeitem', { level: 5 }).first().waitFor();

        // Switch to another LMO: nothing of the first one stays.
        await workbench.connectTo('lmo-b');
        await sidebar.getByRole('treeitem', { name: /^lmo-b/ }).waitFor({ timeout: 60_000 });
        assert.equal(await sidebar.getByRole('treeitem', { name: /^lmo-a/ }).count(), 0);
        assert.equal(await sidebar.getByText(orgA.orgs.lmo.id.slice(0, 15)).count(), 0);
        assert.equal(
          await sidebar.getByRole('treeitem', { level: 5 }).count(),
          0,
          'licenses of lmo-a still shown',
        );
        const statusBar = page.locator('.part.statusbar');
        await statusBar.getByText(/lmo-b/).first().waitFor();
        assert.equal(await statusBar.getByText(/lmo-a/).count(), 0);

        // Expire the session for good: several failing requests, one prompt.
        orgB.faults.expireSession('lmo', { revokeRefreshToken: true });
        await workbench.expandTreeItem(/^Packages/);
        await workbench.runCommand('LMA: Refresh'); // three requests fail at once
        await workbench.waitForNotification(/session to lmo-b has expired/);
        // Every request of the Refresh has failed once the tree has nothing left to load: any second
        // prompt would have been shown by then.
        await workbench.waitForViewsToLoad();
        const prompts = (await workbench.notifications()).filter((text) => /has expired/.test(text));
        assert.equal(prompts.length, 1, `prompts: ${prompts.join(' | ')}`);
        await workbench
          .welcomeContent('License Management Org')
          .getByText(/expired/)
          .waitFor();
      },
      { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);
