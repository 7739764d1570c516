// Run Test Install in code-server against the local org: right-click a package, install its newest
// released version (protected by an installation key, as many managed versions are) into a new local
// test org, type a wrong key and then the right one in the masked input, follow the progress while the
// LMA writes the License after the install, read the passing report, and find the new License in the
// tree. The key appears in no log.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { demoOrgForThisFile, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-install');

const KEY = 'e2e-s3cret';

test(
  'run a test install of a key-protected version from the tree and see the passing report and the new License',
  { timeout: 300_000 },
  async () => {
    const billing = demoOrg()
      .console.packages()
      .find((p) => p.name === 'Acme Billing')!;
    await demoOrg().console.createVersion(billing.id, { version: '2.1.0', installationKey: KEY });
    await withSession(
      'test-install',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-install');
        await workbench.expandTreeItem(/^Packages/);
        const packageItem = workbench.treeItem('Acme Billing').first();
        await packageItem.waitFor({ timeout: 30_000 });
        await workbench.contextMenu(packageItem, 'Run Test Install…');

        // Step 1: the version, newest released first. Step 2: the test org.
        const quickPick = page.locator('.quick-input-widget');
        await quickPick.locator('.quick-input-title', { hasText: 'version of Acme Billing' }).waitFor();
        // Each step says what it chooses.
        assert.match(
          (await quickPick.locator('input.input').getAttribute('placeholder')) ?? '',
          /Choose the released version/,
        );
        const firstVersion = quickPick.locator('.quick-input-list .monaco-list-row').first();
        assert.match(await firstVersion.innerText(), /2\.1\.0[\s\S]*released/);
        await firstVersion.click();
        await quickPick.locator('.quick-input-title', { hasText: 'test org' }).waitFor();
        assert.match(
          (await quickPick.locator('input.input').getAttribute('placeholder')) ?? '',
          /Choose the test org/,
        );
        const lmoRows = quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'lmo-install' });
        assert.equal(await lmoRows.count(), 0, 'the LMO itself is never offered as the test org');
        await quickPick
          .locator('.quick-input-list .monaco-list-row', { hasText: 'New local test org' })
          .click();

        // Step 3: the version's query failed without a key, so the key is asked for, masked.
        await quickPick.locator('.quick-input-title', { hasText: 'installation key of 2.1.0' }).waitFor();
        const keyInput = quickPick.locator('input.input');
        assert.equal(await keyInput.getAttribute('type'), 'password');
        await keyInput.fill('wrong-key');
        await keyInput.press('Enter');
        await quickPick.getByText('Wrong installation key: type it again.').waitFor();
        await keyInput.fill(KEY);
        await keyInput.press('Enter');

        await workbench.waitForNotification(/Test install of Acme Billing 2\.1\.0 into/);
        const report = workbench.activeWebview();
        await report
          .getByRole('heading', { name: /Test Install: Acme Billing/ })
          .waitFor({ timeout: 60_000 });
        await report.locator('#outcome', { hasText: 'Passed' }).waitFor();
        await report.locator('#installKind', { hasText: 'New install' }).waitFor();
        const rows = await report.locator('tbody tr').allInnerTexts();
        assert.equal(rows.length, 5, rows.join('\n'));
        for (const row of rows) assert.match(row, /Pass$/, row);
        assert.ok(
          !(await report.locator('body').innerText()).includes(KEY),
          'the report never shows the key',
        );

        // The tree marks the package with its last test install, and shows the new License.
        await workbench
          .treeItem(/Acme Billing.*test install passed/)
          .first()
          .waitFor({ timeout: 30_000 });
        await report.getByRole('button', { name: 'Show the License in the Tree' }).click();
        await workbench
          .treeItem(/Licenses matching/)
          .first()
          .waitFor({ timeout: 30_000 });
        await workbench
          .treeItem(/Test Org|Trial/)
          .first()
          .waitFor({ timeout: 30_000 });
        // …revealed and selected: the one selected row is the report's License in the results (a
        // results row names its package and org id), no longer the package the command ran on.
        const selected = page.locator('.part.sidebar').getByRole('treeitem', { selected: true });
        await selected.filter({ hasText: /Acme Billing · org …/ }).waitFor({ timeout: 30_000 });
        assert.equal(await selected.count(), 1);
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
