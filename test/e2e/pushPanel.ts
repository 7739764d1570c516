// The push upgrade panel as a keyboard user drives it, for the push e2e tests: what has the focus, Tab
// until a control has it, the typed confirmation in VS Code's input box; and a push with one failed org
// scheduled and run through the use cases, for the tests that watch one.
import assert from 'node:assert/strict';
import type { LocalOrg } from 'lma-local-org';
import { raw } from 'lma-local-org/testing';
import type { Frame, FrameLocator, Page } from 'playwright-core';
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
import { eventually } from './harness.ts';

/** What has the focus in the webview, through the shadow roots: `vscode-radio[value=all]`, `input`… */
export async function focused(frame: Frame): Promise<string[]> {
  return frame.evaluate(`(() => {
    const chain = [];
    let el = document.activeElement;
    while (el) {
      const value = el.getAttribute('value');
      chain.push(el.localName + (el.id ? '#' + el.id : '') + (value ? '[value=' + value + ']' : ''));
      el = el.shadowRoot ? el.shadowRoot.activeElement : null;
    }
    return chain;
  })()`);
}

/** Presses Tab until the focused control matches, as a keyboard user would (at most 40 presses). */
export async function tabTo(page: Page, frame: Frame, control: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if ((await focused(frame)).includes(control)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${control}: the focus is on ${(await focused(frame)).join(' > ')}`);
}

export async function frameOf(panel: FrameLocator): Promise<Frame> {
  const body = await panel.locator('body').elementHandle();
  return (await body!.ownerFrame())!;
}

/** Production orgs only, by the arrow keys in the panel's org type, once its counts show: the panel's frame. */
export async function chooseProductionOrgs(page: Page, panel: FrameLocator): Promise<Frame> {
  await panel.locator('#counts', { hasText: /Licenses? selected/ }).waitFor({ timeout: 30_000 });
  const frame = await frameOf(panel);
  await tabTo(page, frame, 'vscode-radio[value=all]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.ok((await focused(frame)).includes('vscode-radio[value=production]'));
  return frame;
}

/** The typed confirmation in VS Code's input box, typed once it has the focus, then Enter. */
export async function confirmTyped(page: Page, phrase: string): Promise<void> {
  const quickPick = page.locator('.quick-input-widget');
  await quickPick.locator('.quick-input-title', { hasText: 'confirm' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(`document.activeElement?.matches('.quick-input-widget input.input') ?? false`);
  await page.keyboard.type(phrase);
  await page.keyboard.press('Enter');
}

/**
 * Acme Billing's newest released version in the demo org, and how its tree item's label starts (a
 * version's accessible name is its name with its counts: its row is found by its label); the org's
 * push jobs then run only when a test says so (pushes.advance), never on a timer.
 */
export async function newestBillingVersion(org: LocalOrg) {
  await org.timing({ pushStartMs: 0, pushJobMs: 3_600_000 });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  const target = billing.versions
    .filter((v) => !v.isBeta)
    .sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch)
    .at(-1)!;
  return { target, label: new RegExp(`^${target.major}\\.${target.minor}(\\.${target.patch})?\\b`) };
}

/** Runs every job of a request now; resolves with its status once it has ended. */
export async function runToTheEnd(org: LocalOrg, requestId: string): Promise<string> {
  return eventually(`push request ${requestId} to end`, async () => {
    await org.pushes.advance(requestId, 10_000);
    const request = org.pushes.list().find((r) => r.id.slice(0, 15) === requestId.slice(0, 15));
    return request && /Succeeded|Failed/.test(request.status) ? request.status : undefined;
  });
}

/**
 * A push of two production orgs to Acme Billing's newest version, scheduled through the use cases (the
 * Dev Hub authorized as `hub`) and run to its end: one org fails once with a LockingFailure (it passes
 * on a retry). With `pending`, a third org's push is scheduled a day ahead (Pending: it can be aborted).
 */
export async function pushWithOneFailure(
  org: LocalOrg,
  lmo: string,
  hub: string,
  options: { pending?: boolean } = {},
): Promise<{ requestId: string; failing: string; pendingId: string | undefined }> {
  await org.timing({ pushStartMs: 0, pushJobMs: 3_600_000 });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.devhub.refreshToken,
    alias: hub,
  });
  const session = new LmoSession({ log: silentLog, checkLma: (request) => checkLmaPresence({ request }) });
  try {
    await session.connect(lmo);
    const owner = await new OwnerOrgConnections({ log: silentLog, open: openConnection }).connect(hub);
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
    assert.equal(await runToTheEnd(org, requestId), 'Failed');
    let pendingId: string | undefined;
    if (options.pending) {
      const later = await schedulePush(
        owner,
        { ...preview, jobs: preview.jobs.slice(2, 3) },
        { when: new Date(Date.now() + 86_400_000) },
      );
      assert.equal(later.kind, 'started', JSON.stringify(later));
      pendingId = (later as { requestId: string }).requestId;
    }
    return { requestId, failing, pendingId };
  } finally {
    session.dispose();
  }
}
