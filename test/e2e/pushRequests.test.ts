// Watching push upgrades in code-server against the demo local org: a push of two production orgs to
// Acme Billing's newest version is scheduled through the use cases in the test's setup (one org fails
// once with a LockingFailure, then passes) and run to its end with the local org's `pushes.advance`, and
// a third org's push is left Pending a day ahead.
// In VS Code: the owner org is chosen once (Push Upgrade to This Version…, the Dev Hub; the push panel opens),
// the package's Push Upgrades node lists the request, its view shows the failure grouped with the org,
// by keyboard alone Export Failures as CSV… opens its save dialog and Retry Failed Orgs… the push panel, whose
// preview and typed confirmation follow; the new request is listed and, once run, shown Succeeded; the
// Pending request is aborted from its view by keyboard.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { toId18 } from '../../src/lma/records/soql.ts';
import { demoOrgForThisFile, eventually, withSession } from './harness.ts';
import { confirmTyped, frameOf, pushWithOneFailure, runToTheEnd, tabTo } from './pushPanel.ts';

const demoOrg = demoOrgForThisFile('lmo-watch');

test(
  'the Push Upgrades node lists a request; its view groups the failure; Retry Failed Orgs by keyboard; the retry succeeds',
  { timeout: 600_000 },
  async () => {
    const org = demoOrg();
    // Two production orgs pushed, one failing once; a third org's push Pending a day ahead.
    const { failing, pendingId } = await pushWithOneFailure(org, 'lmo-watch', 'hub-watch', {
      pending: true,
    });
    const before = org.pushes.list().map((r) => r.id);

    await withSession(
      'push-requests',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-watch');
        await workbench.expandTreeItem(/^Packages/);
        await workbench.expandTreeItem(/^Acme Billing/);
        // The owner org isn't known yet: no Push Upgrades node. Choose it once, then stop.
        await workbench.expandTreeItem(/^Versions/);
        const sidebar = page.locator('.part.sidebar');
        const version = sidebar
          .getByRole('treeitem')
          .filter({ hasText: /^\d+\.\d+\.\d+\s*\d{4}-\d{2}-\d{2}/ })
          .first();
        await version.waitFor({ timeout: 30_000 });
        await workbench.contextMenu(version, 'Push Upgrade to This Version…');
        const quickPick = page.locator('.quick-input-widget');
        await quickPick
          .locator('.quick-input-title', { hasText: "the org that owns Acme Billing's pushes" })
          .waitFor({ timeout: 60_000 });
        await quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'hub-watch' }).click();
        // The push panel opens for the version; the owner org is known from now on. Closed again.
        await workbench
          .activeWebview()
          .getByRole('heading', { name: /^Push Acme Billing/ })
          .waitFor({ timeout: 60_000 });
        await workbench.runCommand('View: Close Editor');
        await page
          .locator('.part.editor .tab', { hasText: /^Push Acme Billing/ })
          .waitFor({ state: 'detached' });

        // The Push Upgrades node lists the request with its jobs by status.
        await workbench.expandTreeItem(/^Push Upgrades/);
        const row = sidebar
          .getByRole('treeitem')
          .filter({ hasText: /Failed · 1 Succeeded, 1 Failed/ })
          .first();
        await row.waitFor({ timeout: 60_000 });

        // Its view: the failure grouped by error type and title, with the org.
        await row.click();
        const view = workbench.activeWebview();
        await view.getByText('LockingFailure: Row lock (1)').waitFor({ timeout: 60_000 });
        await view.getByRole('rowheader', { name: failing }).waitFor();
        assert.match(await view.locator('#jobs').innerText(), /1 Succeeded, 1 Failed/);

        // By keyboard alone: the editor focused (Ctrl+1), Tab to Export Failures as CSV…, Enter: its save
        // dialog (Escape: nothing written); then Tab to Retry Failed Orgs…, Enter: the push panel on the
        // failed org only, its preview, schedule and typed confirmation by keyboard too.
        await page.keyboard.press('Control+1');
        const viewFrame = await frameOf(view);
        await tabTo(page, viewFrame, 'vscode-button#exportCsv');
        await page.keyboard.press('Enter');
        await quickPick.waitFor({ state: 'visible' });
        await page.keyboard.press('Escape');
        await quickPick.waitFor({ state: 'hidden' });
        await page.keyboard.press('Control+1');
        await tabTo(page, viewFrame, 'vscode-button#retry');
        await page.keyboard.press('Enter');
        const panel = workbench.activeWebview();
        const frame = await eventually('the push panel on the failed org', async () => {
          const listed = await panel
            .locator('vscode-textarea#orgIds')
            .evaluate((el) => (el as unknown as { value: string }).value)
            .catch(() => '');
          return listed.includes(failing.slice(0, 15)) ? frameOf(panel) : undefined;
        });
        await tabTo(page, frame, 'vscode-button#preview');
        await page.keyboard.press('Enter');
        await panel
          .locator('#preview-head', { hasText: '1 org will get a job (1 production, 0 sandbox)' })
          .waitFor({ timeout: 60_000 });
        await tabTo(page, frame, 'vscode-button#schedule');
        await page.keyboard.press('Enter');
        await confirmTyped(page, '1 production');
        const retryId = await eventually(
          'the retry request, started',
          () => org.pushes.list().find((r) => !before.includes(r.id) && r.status !== 'Created')?.id,
        );
        assert.deepEqual(
          org.pushes.show(retryId).jobList.map((j) => toId18(j.orgKey)),
          [failing],
          'the retry holds only the failed org',
        );
        assert.equal(await runToTheEnd(org, retryId), 'Succeeded');

        // The tree lists the new request and, polled or refreshed, shows it Succeeded.
        await sidebar
          .getByRole('treeitem')
          .filter({ hasText: /Succeeded · 1 Succeeded/ })
          .first()
          .waitFor({ timeout: 120_000 });

        // The Pending request's view: Tab to Abort…, Enter, and the modal's Abort Request by Enter.
        const pendingRow = sidebar
          .getByRole('treeitem')
          // The one request neither Succeeded nor Failed.
          .filter({ hasText: /^To \d/, hasNotText: /Succeeded|Failed/ })
          .first();
        await pendingRow.click();
        const pendingView = workbench.activeWebview();
        await pendingView.locator('#requestStatus', { hasText: 'Pending' }).waitFor({ timeout: 60_000 });
        await page.keyboard.press('Control+1');
        await tabTo(page, await frameOf(pendingView), 'vscode-button#abort');
        await page.keyboard.press('Enter');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.getByText(/^Abort push request/).waitFor();
        await dialog.getByRole('button', { name: 'Abort Request' }).focus();
        await page.keyboard.press('Enter');
        await eventually('the pending request canceled', async () =>
          org.pushes.show(pendingId!).status === 'Canceled' ? true : undefined,
        );
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
