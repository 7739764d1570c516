// "Use the Local Org (Demo Data)" from the welcome view: the extension starts the local org inside its
// extension host, saves its LMO to the CLI auth store as `lma-local`, and shows its demo licenses.
import '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSession } from './harness.ts';

test('the welcome view starts the local org and shows its demo packages', { timeout: 240_000 }, async () => {
  await withSession('local-org', async ({ workbench, page }) => {
    await workbench.openViewContainer('License Management');
    const welcome = workbench.welcomeContent('License Management Org');
    await welcome.getByRole('button', { name: 'Use the Local Org (Demo Data)' }).click();

    const sidebar = page.locator('.part.sidebar');
    const root = sidebar.getByRole('treeitem', { name: /^lma-local/ });
    await root.waitFor({ timeout: 120_000 });
    // The LMA's version is read when the org node shows (not by connecting): it appears when it arrives.
    await root.filter({ hasText: /LMA 1\.20/ }).waitFor({ timeout: 30_000 });
    const firstPackage = sidebar.getByRole('treeitem', { level: 3 }).first();
    await firstPackage.waitFor({ timeout: 30_000 });
    assert.match(await firstPackage.innerText(), /\d+ licenses/);
    await page
      .locator('.part.statusbar')
      .getByText(/lma-local/)
      .first()
      .waitFor();
  });
});
