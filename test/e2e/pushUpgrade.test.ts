// Push upgrades in code-server against the demo local org: right-click the newest version of Acme
// Billing, Push Upgrade to This Version…, choose the production orgs, read the preview (how many get a
// job, why the others are left out), type the confirmation, drive the request to its end with the local
// org's `pushes.advance` (its jobs never run on their own here), see the seeded failures grouped, retry
// them: the new request holds only the failed orgs. The tree's version counts follow the push.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { demoOrgForThisFile, eventually, withSession, type Workbench } from './harness.ts';

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

/**
 * The text of the active editor (a read-only report) once it matches `expected`: its rendered lines
 * without white space (Markdown wraps its long lines).
 */
async function activeEditorText(workbench: Workbench, tab: string, expected: RegExp): Promise<string> {
  const page = workbench.page;
  await page.locator('.part.editor .tab.active', { hasText: tab }).waitFor({ timeout: 60_000 });
  const lines = page.locator('.part.editor .editor-instance .monaco-editor .view-lines').last();
  let text = '';
  try {
    return await eventually(`${tab} to show ${expected}`, async () => {
      text = (await lines.innerText()).replace(/[\s\u00a0]+/g, '');
      return expected.test(text) ? text : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${text}`, { cause: error });
  }
}

test(
  'push upgrade a version from the tree: preview, typed confirmation, failures grouped, retry only the failed orgs',
  { timeout: 600_000 },
  async () => {
    const org = demoOrg();
    // Jobs run only when the test says so (pushes.advance), never on a timer.
    await org.timing({ pushStartMs: 0, pushJobMs: 3_600_000 });
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const target = billing.versions
      .filter((v) => !v.isBeta)
      .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch)
      .at(-1)!;
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
        // A version's accessible name is its tooltip (the version's name): find its row by its label.
        const versionItem = page
          .locator('.part.sidebar')
          .getByRole('treeitem')
          .filter({ hasText: new RegExp(`^${target.major}\\.${target.minor}(\\.${target.patch})?\\b`) })
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

        // Which orgs: each choice with its count of Licenses.
        await quickPick.locator('.quick-input-title', { hasText: 'which orgs' }).waitFor({ timeout: 60_000 });
        const production = quickPick.locator('.quick-input-list .monaco-list-row', {
          hasText: 'Production orgs only',
        });
        await production.filter({ hasText: /\d+ Licenses/ }).waitFor();
        await production.click();

        // The preview: a read-only report, how many get a job and why the others are left out.
        const preview = await activeEditorText(workbench, 'push-preview.md', /orgswillgetajob/);
        const head = /(\d+)orgswillgetajob\((\d+)production,0sandbox\);(\d+)leftout:/.exec(preview);
        assert.ok(head, preview);
        const jobs = Number(head[1]);
        assert.equal(Number(head[2]), jobs);
        assert.match(preview, /\d+thecustomerblockspushupgrades/);
        assert.match(preview, /\d+theorgisinactive/);

        // When: now. Then the typed confirmation naming the production orgs.
        await quickPick.locator('.quick-input-title', { hasText: 'when to start' }).waitFor();
        await quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'Now' }).click();
        await quickPick.locator('.quick-input-title', { hasText: 'confirm' }).waitFor();
        const confirm = quickPick.locator('input.input');
        await confirm.fill(`${jobs} production`);
        await confirm.press('Enter');

        // The request: every job created, then run to its end by the test.
        const requestId = await eventually(
          'the push request',
          () => org.pushes.list().find((r) => !before.includes(r.id))?.id,
        );
        const counts = await runToTheEnd(requestId);
        assert.equal((counts.Succeeded ?? 0) + (counts.Failed ?? 0), jobs, JSON.stringify(counts));
        const failed = counts.Failed ?? 0;
        assert.ok(failed > 0, 'the demo seeds failing orgs');

        // The failures, grouped by error type and title.
        await toastSaying(workbench, new RegExp(`${failed} of the orgs failed`));
        const toast = page.locator('.notifications-toasts .notification-list-item', {
          hasText: `${failed} of the orgs failed`,
        });
        await toast.getByRole('button', { name: 'Show Failures' }).click();
        const failures = await activeEditorText(workbench, 'push-failures.md', /^#Failuresofpushrequest/);
        assert.match(failures, /##ApexTestFailure:Apextestfailure\(1\)/);
        assert.match(failures, /##DeployError:Deploymenterror\(1\)/);

        // Retry: the same preview and confirmation, for the failed orgs only.
        await toastSaying(workbench, new RegExp(`${failed} of the orgs failed`));
        await toast.getByRole('button', { name: 'Retry Failed Orgs' }).click();
        await activeEditorText(
          workbench,
          'push-preview.md',
          new RegExp(`willgetajob\\(${failed}production,0sandbox\\)`),
        );
        await quickPick.locator('.quick-input-title', { hasText: 'when to start' }).waitFor();
        await quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'Now' }).click();
        await quickPick.locator('.quick-input-title', { hasText: 'confirm' }).waitFor();
        await confirm.fill(`${failed} production`);
        await confirm.press('Enter');
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
