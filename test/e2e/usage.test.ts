// The App Analytics usage panel in code-server against the demo local org: Show Usage on Acme Billing
// (the request held Pending until the progress shows it, then let complete), its charts and at-risk
// orgs, then by the keyboard alone Refresh, Export CSV and an at-risk org (its License selected in the
// tree), and a screenshot kept
// under test-results/usage/.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { demoProject } from '../../scripts/demoProject.ts';
import { resultsDir, demoOrgForThisFile, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-usage');

interface Focused {
  /** The focused element's host chain through the shadow roots, outermost first (`vscode-button#export`). */
  chain: string[];
  /** The section it is in (its aria-labelledby), and its text. */
  section: string | null;
  text: string;
}

/** What has the focus in the webview (read only: the test acts by keys). */
async function focused(frame: Frame): Promise<Focused> {
  return frame.evaluate(`(() => {
    const chain = [];
    let el = document.activeElement;
    let last = el;
    while (el) {
      chain.push(el.localName + (el.id ? '#' + el.id : ''));
      last = el;
      el = el.shadowRoot ? el.shadowRoot.activeElement : null;
    }
    const section = last ? last.closest('section') : null;
    return {
      chain,
      section: section ? section.getAttribute('aria-labelledby') : null,
      text: last ? last.textContent || '' : '',
    };
  })()`);
}

/** Presses Tab until the focus is where `where` says, as a keyboard user would (at most 60 presses). */
async function tabTo(page: Page, frame: Frame, where: (f: Focused) => boolean): Promise<Focused> {
  for (let i = 0; i < 60; i++) {
    const now = await focused(frame);
    if (where(now)) return now;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never got there: the focus is on ${(await focused(frame)).chain.join(' > ')}`);
}

async function frameOf(view: FrameLocator): Promise<Frame> {
  const body = await view.locator('body').elementHandle();
  return (await body!.ownerFrame())!;
}

test(
  'Show Usage charts a package’s usage and opens an at-risk org’s License',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'usage',
      async ({ workbench, page }) => {
        // The request stays Pending until the test has seen it wait (no timer decides it).
        demoOrg().appAnalytics({ completeAfterMs: 86_400_000 });
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-usage');
        await workbench.expandTreeItem(/^Packages/);
        const packageItem = workbench.treeItem('Acme Billing').first();
        await packageItem.waitFor({ timeout: 30_000 });
        await workbench.contextMenu(packageItem, 'Show Usage (App Analytics)');
        const usage = workbench.activeWebview();
        await usage
          .getByRole('status')
          .filter({ hasText: 'Asking App Analytics' })
          .waitFor({ timeout: 30_000 });
        // The progress notification follows the request's state; then the request may complete.
        await page
          .locator('.notifications-toasts')
          .getByText(/App Analytics usage of Acme Billing/)
          .waitFor({ timeout: 30_000 });
        await page
          .locator('.notifications-toasts')
          .getByText(/the request is (New|Pending)/)
          .waitFor({ timeout: 30_000 });
        demoOrg().appAnalytics({ completeAfterMs: 0 });

        await usage.getByRole('heading', { name: 'Usage of Acme Billing' }).waitFor({ timeout: 60_000 });
        await usage.getByRole('heading', { name: /^At-risk orgs/ }).waitFor({ timeout: 60_000 });
        assert.equal(
          await usage.getByRole('img', { name: /^Active orgs per month: \d{4}-\d{2} \d+/ }).count(),
          1,
        );
        assert.equal(await usage.getByRole('img', { name: /^Active users per month: / }).count(), 1);
        assert.ok((await usage.locator('svg.chart').count()) >= 3, 'the month charts and a most-used chart');
        const table = await usage.getByRole('table', { name: 'Active orgs and users per month' }).innerText();
        assert.match(table, /\d{4}-\d{2}\s+\d+\s+\d+/);
        const atRisk = usage.locator('section[aria-labelledby="at-risk"] button.org-link');
        assert.ok((await atRisk.count()) > 0, 'the demo’s declining orgs are at risk');
        const unused = usage.locator('section[aria-labelledby="unused"] button.org-link');
        assert.ok((await unused.count()) > 0, 'the demo has Active Licenses without usage');

        // The keyboard alone: Tab to Refresh and Enter (asked again), Tab to Export CSV and Enter (the
        // save dialog, dismissed by Escape), Tab to an at-risk org and Enter (its License in the tree).
        const frame = await frameOf(usage);
        await tabTo(page, frame, (f) => f.chain.includes('vscode-button#refresh'));
        // Refresh asks App Analytics again: held Pending until the page shows it asking.
        demoOrg().appAnalytics({ completeAfterMs: 86_400_000 });
        await page.keyboard.press('Enter');
        await usage
          .getByRole('status')
          .filter({ hasText: 'Asking App Analytics' })
          .waitFor({ timeout: 30_000 });
        demoOrg().appAnalytics({ completeAfterMs: 0 });
        await usage
          .getByRole('heading', {
            name: /^At-risk orgs \(users fell by more than 50% over the last 3 months\)$/,
          })
          .waitFor({ timeout: 60_000 });
        await tabTo(page, frame, (f) => f.chain.includes('vscode-button#export'));
        await page.keyboard.press('Enter');
        const dialog = page.locator('.quick-input-widget');
        await dialog.getByText('Export the usage of Acme Billing').waitFor({ timeout: 30_000 });
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
        const onOrg = await tabTo(page, frame, (f) => f.section === 'at-risk' && f.chain.at(-1) === 'button');
        const customer = onOrg.text.split(' · ')[0]!.trim();
        assert.notEqual(customer, 'No License');
        await page.keyboard.press('Enter');
        const selected = page.locator('.part.sidebar').getByRole('treeitem', { selected: true });
        await selected
          .filter({ hasText: customer })
          .filter({ hasText: 'Acme Billing' })
          .waitFor({ timeout: 30_000 });
        assert.equal(await selected.count(), 1);

        const dir = path.join(resultsDir, 'usage');
        fs.mkdirSync(dir, { recursive: true });
        await page.screenshot({ path: path.join(dir, 'screenshot.png') });
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
