// Push upgrades in code-server against the demo local org: right-click the newest version of Acme
// Billing, Push Upgrade to This Version…, then in the push panel, by the keyboard alone (Tab, arrow
// keys, Enter, typing): choose the production orgs (the counts follow), read the preview (how many get a
// job, why the others are left out), schedule now and type the confirmation, watch the request from the
// panel; the test drives it to its end with the local org's `pushes.advance` (its jobs never run on
// their own here); see the seeded failures grouped in the request's view, retry them from there in the
// panel: the new request holds only the failed orgs. The tree's version counts follow the push.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { demoProject } from '../../scripts/demoProject.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { demoOrgForThisFile, eventually, withSession, type Workbench } from './harness.ts';
import { chooseProductionOrgs, confirmTyped, frameOf, newestBillingVersion, tabTo } from './pushPanel.ts';

const demoOrg = demoOrgForThisFile('lmo-push');

/** Runs every job of a request now; resolves with its job counts once none is left to run. */
async function runToTheEnd(requestId: string): Promise<Record<string, number>> {
  return eventually(`push request ${requestId} to end`, async () => {
    // advance() runs jobs only once the request is in progress: until then it runs none.
    const counts = await demoOrg().pushes.advance(requestId, 10_000);
    const open = (counts.Pending ?? 0) + (counts['In Progress'] ?? 0) + (counts.Created ?? 0);
    const request = demoOrg()
      .pushes.list()
      .find((r) => r.id.slice(0, 15) === requestId.slice(0, 15));
    return open === 0 && request && /Succeeded|Failed/.test(request.status) ? counts : undefined;
  });
}

/** A notification toast with this text; the watch polls with a backoff of up to 30 s, so wait longer. */
async function toastSaying(workbench: Workbench, text: RegExp): Promise<void> {
  await workbench.page
    .locator('.notifications-toasts .notification-list-item-message', { hasText: text })
    .first()
    .waitFor({ timeout: 120_000 });
}

/** The text of a panel's element once it matches `expected` (white space as one space). */
async function textOf(locator: Locator, expected: RegExp): Promise<string> {
  let text = '';
  try {
    return await eventually(`${expected}`, async () => {
      text = (await locator.innerText().catch(() => '')).replace(/\s+/g, ' ');
      return expected.test(text) ? text : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}: the text is “${text}”`, { cause: error });
  }
}

test(
  'push upgrade a version from the tree: preview, typed confirmation, failures grouped, retry only the failed orgs',
  { timeout: 600_000 },
  async () => {
    const org = demoOrg();
    const { target, label } = await newestBillingVersion(org);
    const before = org.pushes.list().map((r) => r.id);
    // The demo's packages are owned by its Dev Hub, not by the LMO: the Dev Hub is in the auth store too.
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.devhub.refreshToken,
      alias: 'hub-push',
    });

    await withSession(
      'push-upgrade',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-push');
        await workbench.expandTreeItem(/^Packages/);
        await workbench.expandTreeItem(/^Acme Billing/);
        await workbench.expandTreeItem(/^Versions/);
        const versionItem = page
          .locator('.part.sidebar')
          .getByRole('treeitem')
          .filter({ hasText: label })
          .first();
        await versionItem.waitFor({ timeout: 30_000 });
        const licensesOnTarget = async () =>
          Number(/([\d,]+) licenses/.exec(await versionItem.innerText())?.[1]?.replace(/,/g, '') ?? NaN);
        const countBefore = await licensesOnTarget();
        await workbench.contextMenu(versionItem, 'Push Upgrade to This Version…');

        // The owner org of the pushes: the LMO doesn't own the package, so the user picks it (remembered).
        const quickPick = page.locator('.quick-input-widget');
        await quickPick
          .locator('.quick-input-title', { hasText: "the org that owns Acme Billing's pushes" })
          .waitFor({ timeout: 60_000 });
        await quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'hub-push' }).click();

        // The panel, driven by the keyboard alone: the org type by arrow keys, the counts follow.
        const panel = workbench.activeWebview();
        await panel
          .getByRole('heading', { name: new RegExp(`^Push Acme Billing ${target.major}\\.${target.minor}`) })
          .waitFor({ timeout: 60_000 });
        const frame = await chooseProductionOrgs(page, panel);
        await textOf(panel.locator('#counts'), /\(\d[\d,]* production, 0 sandbox\)/);

        // The preview in the panel: how many get a job, and why the others are left out.
        await tabTo(page, frame, 'vscode-button#preview');
        await page.keyboard.press('Enter');
        const previewHead = panel.locator('#preview-head');
        await previewHead.waitFor({ timeout: 60_000 });
        const preview = await previewHead.innerText();
        const head = /(\d+) orgs will get a job \((\d+) production, 0 sandbox\); (\d+) left out:/.exec(
          preview,
        );
        assert.ok(head, preview);
        const jobs = Number(head[1]);
        assert.equal(Number(head[2]), jobs);
        assert.match(preview, /\d+ the customer blocks push upgrades/);
        assert.match(preview, /\d+ the org is inactive/);
        await panel.locator('#excluded', { hasText: 'the customer blocks push upgrades' }).waitFor();

        // Now (the default), then the typed confirmation naming the production orgs, typed.
        await tabTo(page, frame, 'vscode-button#schedule');
        await page.keyboard.press('Enter');
        await confirmTyped(page, `${jobs} production`);

        // The request: every job created, the result in the panel, then watched from its button.
        await panel.locator('#outcome', { hasText: `has ${jobs} jobs` }).waitFor({ timeout: 60_000 });
        const requestId = await eventually(
          'the push request',
          () => org.pushes.list().find((r) => !before.includes(r.id))?.id,
        );
        await tabTo(page, frame, 'vscode-button#watch');
        await page.keyboard.press('Enter');
        const counts = await runToTheEnd(requestId);
        assert.equal((counts.Succeeded ?? 0) + (counts.Failed ?? 0), jobs, JSON.stringify(counts));
        const failed = counts.Failed ?? 0;
        assert.ok(failed > 0, 'the demo seeds failing orgs');

        // The notification offers the request's view and Retry only; the view groups the failures by
        // error type and title.
        await toastSaying(workbench, new RegExp(`${failed} of the orgs failed`));
        const toast = page.locator('.notifications-toasts .notification-list-item', {
          hasText: `${failed} of the orgs failed`,
        });
        await toast.getByRole('button', { name: 'Retry Failed Orgs' }).waitFor();
        assert.equal(
          await toast.getByRole('button', { name: 'Show Failures' }).count(),
          0,
          'no Markdown report',
        );
        await toast.getByRole('button', { name: 'Show Request' }).click();
        const requestView = workbench.activeWebview();
        await requestView.getByText('ApexTestFailure: Apex test failure (1)').waitFor({ timeout: 60_000 });
        await requestView.getByText('DeployError: Deployment error (1)').waitFor();

        // Retry from the view: the panel again, on the failed orgs only, with the same preview and confirmation.
        await requestView.locator('vscode-button', { hasText: 'Retry Failed Orgs…' }).focus();
        await page.keyboard.press('Enter');
        await panel.locator('#counts', { hasText: /Licenses? selected/ }).waitFor({ timeout: 60_000 });
        const retryFrame = await frameOf(panel);
        await tabTo(page, retryFrame, 'vscode-button#preview');
        await page.keyboard.press('Enter');
        await panel
          .locator('#preview-head', {
            hasText: `${failed} orgs will get a job (${failed} production, 0 sandbox)`,
          })
          .waitFor({ timeout: 60_000 });
        await tabTo(page, retryFrame, 'vscode-button#schedule');
        await page.keyboard.press('Enter');
        await confirmTyped(page, `${failed} production`);
        await panel.locator('#outcome', { hasText: `has ${failed} jobs` }).waitFor({ timeout: 60_000 });
        // Listed as soon as it is inserted; started (no longer Created) once all its jobs are in.
        const retryId = await eventually(
          'the retry request, started',
          () =>
            org.pushes
              .list()
              .find((r) => !before.includes(r.id) && r.id !== requestId && r.status !== 'Created')?.id,
        );
        const failedOrgs = org.pushes
          .show(requestId)
          .jobList.filter((j) => j.status === 'Failed')
          .map((j) => j.orgKey)
          .sort();
        const retried = org.pushes
          .show(retryId)
          .jobList.map((j) => j.orgKey)
          .sort();
        assert.deepEqual(retried, failedOrgs, 'the retry holds exactly the failed orgs');
        await tabTo(page, retryFrame, 'vscode-button#watch');
        await page.keyboard.press('Enter');
        // The org that fails once passes on retry.
        const retryCounts = await runToTheEnd(retryId);
        assert.equal(retryCounts.Succeeded, 1, JSON.stringify(retryCounts));
        await toastSaying(workbench, new RegExp(`Push request ${retryId.slice(0, 15)}`));

        // The tree follows: the LMA moved each upgraded License to the target version.
        const upgraded = (counts.Succeeded ?? 0) + 1;
        await eventually('the version count to follow', async () =>
          (await licensesOnTarget()) === countBefore + upgraded ? true : undefined,
        );
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
