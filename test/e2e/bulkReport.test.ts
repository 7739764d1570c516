// A bulk change's report in code-server against the local org: add a seat to a package's Suspended
// licenses (after the preview, on a button that names the action; Active licenses first ask a
// confirmation, cancelled), open the report, and close it without any "Do you want to save?" prompt (the report is a
// read-only document, not an Untitled buffer).
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoOrgForThisFile, withSession } from './harness.ts';

demoOrgForThisFile('lmo-bulk');

test(
  'a bulk change report opens read-only and closes without a save prompt',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'bulk-report',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-bulk');
        await workbench.expandTreeItem(/^Packages/);
        await workbench.expandTreeItem(/^Acme Billing/);
        const box = page.locator('.quick-input-widget');
        const input = box.locator('input.input');
        const dialog = page.locator('.monaco-dialog-box');
        const addOneSeat = async (status: RegExp) => {
          const group = workbench.treeItem(status).first();
          await group.waitFor({ timeout: 30_000 });
          await workbench.dismissHover();
          await workbench.contextMenu(group, 'Change Licenses…');
          await box.locator('.quick-input-list .monaco-list-row', { hasText: 'Add Seats…' }).click();
          await box.locator('.quick-input-title', { hasText: 'Seats to add' }).waitFor();
          await input.fill('1');
          await input.press('Enter');
          await box.locator('.quick-input-title', { hasText: /preview of \d+ licenses/ }).waitFor();
          // The preview's OK writes nothing: the write is on a button that names the action.
          await input.press('Enter');
          await dialog.waitFor({ timeout: 15_000 });
          return dialog.getByRole('button', { name: /^Change \d+ Licenses?$/ });
        };

        // Paying customers (Active) getting more seats: a confirmation that says so; cancelled, nothing changes.
        await addOneSeat(/^Active/);
        await dialog.getByText(/paying customers? \(Active Licenses?\) more than they have now/).waitFor();
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        assert.equal(
          await page.locator('.notifications-toasts', { hasText: /Add 1 seats: \d+ changed/ }).count(),
          0,
          'a cancelled confirmation writes nothing',
        );

        await (await addOneSeat(/^Suspended/)).click();

        await workbench.waitForNotification(/Add 1 seats: \d+ changed/);
        const item = page.locator('.notifications-toasts .notification-list-item', {
          hasText: /Add 1 seats: \d+ changed/,
        });
        await item.getByRole('button', { name: 'Show Report' }).click();
        const tab = page.locator('.tabs-container .tab', { hasText: /bulk-change-.*\.md/ });
        await tab.waitFor({ timeout: 15_000 });
        const editor = page.locator('.editor-instance .monaco-editor').first();
        await editor.getByText('| License | Customer | Subscriber org | Reason |').waitFor();
        assert.doesNotMatch(
          (await tab.getAttribute('class')) ?? '',
          /\bdirty\b/,
          'the report is not an unsaved buffer',
        );

        await editor.click();
        await page.keyboard.press('Control+W');
        await tab.waitFor({ state: 'detached', timeout: 15_000 });
        assert.equal(
          await page.locator('.monaco-dialog-box').count(),
          0,
          'closing the report asks nothing (no "Do you want to save?")',
        );
      },
      { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);
