// Watching push upgrades in code-server against the demo local org: a push of two production orgs to
// Acme Billing's newest version is scheduled through the use cases in the test's setup (one org fails
// once with a LockingFailure, then passes) and run to its end with the local org's `pushes.advance`.
// In VS Code: the owner org is chosen once (Push Upgrade to This Version…, the Dev Hub; the push panel opens),
// the package's Push Upgrades node lists the request, its view shows the failure grouped with the org,
// Retry Failed Orgs… is pressed by keyboard, the push panel's preview and typed confirmation follow, and the
// new request is listed and, once run, shown Succeeded.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { checkLmaPresence } from '../../src/lma/records/lmaPresence.ts';
import { queryAll } from '../../src/lma/records/lmoApi.ts';
import { loadPackages } from '../../src/lma/records/packages.ts';
import { scopeForVersion } from '../../src/lma/records/pushUpgrade.ts';
import { toId18 } from '../../src/lma/records/soql.ts';
import { DEFAULT_SELECTION } from '../../src/lma/rules/pushUpgrade.ts';
import { planPush, schedulePush } from '../../src/lma/workflows/pushUpgrade.ts';
import { LmoSession } from '../../src/org/lmoSession.ts';
import { silentLog } from '../../src/org/log.ts';
import { OwnerOrgConnections } from '../../src/org/ownerOrgs.ts';
import { authorizeWithRefreshToken, openConnection } from '../../src/org/salesforce.ts';
import { raw } from 'lma-local-org/testing';
import { demoOrgForThisFile, eventually, withSession } from './harness.ts';
import { confirmTyped, frameOf, tabTo } from './pushPanel.ts';

const demoOrg = demoOrgForThisFile('lmo-watch');

/** Runs every job of a request now; resolves with its status once it has ended. */
async function runToTheEnd(requestId: string): Promise<string> {
  return eventually(`push request ${requestId} to end`, async () => {
    await demoOrg().pushes.advance(requestId, 10_000);
    const request = demoOrg()
      .pushes.list()
      .find((r) => r.id.slice(0, 15) === requestId.slice(0, 15));
    return request && /Succeeded|Failed/.test(request.status) ? request.status : undefined;
  });
}

test(
  'the Push Upgrades node lists a request; its view groups the failure; Retry Failed Orgs by keyboard; the retry succeeds',
  { timeout: 600_000 },
  async () => {
    const org = demoOrg();
    await org.timing({ pushStartMs: 0, pushJobMs: 3_600_000 });
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.devhub.refreshToken,
      alias: 'hub-watch',
    });
    // The push, scheduled through the use cases: two production orgs, one failing once.
    const session = new LmoSession({ log: silentLog, checkLma: (request) => checkLmaPresence({ request }) });
    await session.connect('lmo-watch');
    const owner = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect(
      'hub-watch',
    );
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const latest = billing.versions.filter((v) => !v.isBeta).at(-1)!.id;
    const found = scopeForVersion(await loadPackages(session), latest);
    assert.ok('scope' in found);
    // Orgs the demo seeds to fail are left out: the one failure here is the test's own.
    const outcomes = await raw(org, org.adminSecret, 'GET', '/_local/push-outcomes');
    const seeded = new Set(Object.keys(outcomes.body as object));
    const subscribers = await queryAll<{ OrgKey: string }>(
      owner,
      `SELECT OrgKey FROM PackageSubscriber WHERE MetadataPackageId = '${found.scope.target.packageId}' AND MetadataPackageVersionId != '${latest}' AND OrgStatus = 'Active' AND OrgType = 'Production' AND HasRestrictionEnabled = false AND InstalledStatus = 'i' ORDER BY OrgKey`,
    );
    const preview = await planPush(session, owner, found.scope, {
      ...DEFAULT_SELECTION,
      orgType: 'production',
      orgIds: subscribers.map((s) => toId18(s.OrgKey)).filter((k) => !seeded.has(k)),
    });
    const jobs = preview.jobs.slice(0, 2);
    assert.equal(jobs.length, 2, 'two production orgs to push');
    const failing = jobs[0]!.orgId;
    await org.pushes.setOutcome({
      org: failing,
      errorType: 'LockingFailure',
      title: 'Row lock',
      message: 'Unable to lock row',
      times: 1,
    });
    const scheduled = await schedulePush(owner, { ...preview, jobs });
    assert.equal(scheduled.kind, 'started', JSON.stringify(scheduled));
    const requestId = (scheduled as { requestId: string }).requestId;
    assert.equal(await runToTheEnd(requestId), 'Failed');
    session.dispose();
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

        // Retry Failed Orgs… by keyboard: the push panel on the failed org only, its preview, schedule and
        // typed confirmation by keyboard too.
        const retry = view.locator('vscode-button', { hasText: 'Retry Failed Orgs…' });
        await retry.focus();
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
        assert.equal(await runToTheEnd(retryId), 'Succeeded');

        // The tree lists the new request and, polled or refreshed, shows it Succeeded.
        await sidebar
          .getByRole('treeitem')
          .filter({ hasText: /Succeeded · 1 Succeeded/ })
          .first()
          .waitFor({ timeout: 120_000 });
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
