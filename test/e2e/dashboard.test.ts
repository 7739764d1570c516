// The LMO dashboard in code-server against the local org: opened from the LMO node, its figures as
// text and its three charts, and a screenshot kept under test-results/dashboard/.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { resultsDir, demoOrgForThisFile, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-dashboard');

test('the dashboard of the LMO renders its figures and charts', { timeout: 300_000 }, async () => {
  await withSession(
    'dashboard',
    async ({ workbench, page }) => {
      await workbench.openViewContainer('License Management');
      await workbench.connectTo('lmo-dashboard');
      await workbench.contextMenu(workbench.treeItem(/^lmo-dashboard/).first(), 'Show Dashboard');
      const dashboard = workbench.activeWebview();
      await dashboard
        .getByRole('heading', { name: /All packages · lmo-dashboard/ })
        .waitFor({ timeout: 30_000 });
      const figures = await dashboard.getByRole('list', { name: 'Figures' }).innerText();
      assert.match(figures, /[\d,]+ licenses/);
      assert.match(figures, /trials expire in the next 7 days/);
      assert.match(figures, /seats in use/);
      assert.equal(await dashboard.locator('svg.chart').count(), 3);
      assert.equal(await dashboard.getByRole('img', { name: /^Licenses by status: Active \d+/ }).count(), 1);
      // A figure opens its Licenses, by keyboard: a results node in the tree with as many as it says.
      const trials = Number((await dashboard.locator('#trials-7').innerText()).replace(/,/g, ''));
      assert.ok(trials > 0, 'the demo has trials expiring in the next 7 days');
      const figure = dashboard.getByRole('button', { name: /trials expire in the next 7 days/ });
      await figure.focus();
      await page.keyboard.press('Enter');
      const results = workbench.treeItem(/^Trials expiring in the next 7 days/).first();
      await results.waitFor({ timeout: 30_000 });
      // The node's description is how many Licenses it holds: the figure's number.
      assert.match(await results.innerText(), new RegExp(`days\\s*${trials}$`));
      // …and its first License selected in it (a results row names its package and org id).
      const selected = page.locator('.part.sidebar').getByRole('treeitem', { selected: true });
      await selected.filter({ hasText: / · org …/ }).waitFor({ timeout: 30_000 });
      assert.equal(await selected.count(), 1);
      // Every status's count is a button too.
      assert.ok((await dashboard.getByRole('button', { name: /^Active: \d+/ }).count()) === 1);
      const dir = path.join(resultsDir, 'dashboard');
      fs.mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'screenshot.png') });
    },
    {
      projectJson: demoProject(demoOrg().console.packages()),
      env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
    },
  );
});
