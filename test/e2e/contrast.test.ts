// Every text of every webview readable in the light, dark and high-contrast themes, in code-server
// against the local org: each webview is opened (test install report, default-licensing form, Modify
// License form, customer view with its feature parameters, dashboard, App Analytics usage, LMO health,
// push upgrade panel with its preview, push request view with a failure),
// then, theme by theme, the contrast of each visible text is
// computed from its computed styles with WCAG 2's formula and must be at least 4.5:1, and each bar of
// the dashboard's charts at least 3:1 against the background (graphics, WCAG 1.4.11). Screenshots of
// each webview in each theme and the measures are saved under test-results/contrast/.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { featureParameters } from 'lma-local-org/testing';
import { demoProject } from '../../scripts/demoProject.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import {
  colourHelpers,
  measureScript,
  MINIMUM,
  switchTheme,
  themes,
  visibleWebview,
  type Measure,
} from './contrast.ts';
import { demoOrgForThisFile, resultsDir, withSession } from './harness.ts';
import { pushWithOneFailure } from './pushPanel.ts';

const demoOrg = demoOrgForThisFile('lmo-contrast');

/**
 * Runs in the dashboard: each bar of its charts (an SVG rect in svg.chart, the seats bar's track
 * excepted: it is a background) with its fill blended by its opacity over the page's background, and
 * the WCAG 2 contrast ratio, which graphics need at 3:1 (WCAG 1.4.11).
 */
const barsScript = `(() => {
${colourHelpers}
  const background = pageBackground();
  return Array.from(document.querySelectorAll('*'))
    .flatMap((el) => (el.shadowRoot ? Array.from(el.shadowRoot.querySelectorAll('svg.chart rect:not(.track)')) : []))
    .concat(Array.from(document.querySelectorAll('svg.chart rect:not(.track)')))
    .filter((rect) => rect.getBoundingClientRect().width > 0)
    .map((rect) => {
      const colour = parse(getComputedStyle(rect).fill);
      const name = (rect.getAttribute('aria-label') || rect.textContent || rect.getAttribute('fill') || '').trim().slice(0, 60);
      if (!colour) return { text: name, element: label(rect), foreground: getComputedStyle(rect).fill, background: show(background), ratio: 0 };
      const foreground = over({ ...colour, a: colour.a * parseFloat(getComputedStyle(rect).opacity) * parseFloat(getComputedStyle(rect).fillOpacity || '1') }, background);
      const [hi, lo] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
      return { text: name, element: label(rect), foreground: show(foreground), background: show(background), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 };
    });
})()`;

const GRAPHICS_MINIMUM = 3;

test(
  'every text of every webview has a contrast of at least 4.5:1, and every dashboard bar 3:1, in light, dark and high-contrast themes',
  { timeout: 600_000 },
  async () => {
    const dir = path.join(resultsDir, 'contrast');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // A push request with a failed org, for its view (the Dev Hub owns the demo's packages).
    await pushWithOneFailure(demoOrg(), 'lmo-contrast', 'hub-contrast');
    await withSession(
      'contrast',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-contrast');
        await workbench.expandTreeItem(/^Packages/);
        const packageItem = workbench.treeItem('Acme Billing').first();
        await packageItem.waitFor({ timeout: 30_000 });

        // The test install report (a passing one: green is what was hard to read).
        await workbench.contextMenu(packageItem, 'Run Test Install…');
        const quickPick = page.locator('.quick-input-widget');
        await quickPick.locator('.quick-input-title', { hasText: 'version of Acme Billing' }).waitFor();
        await quickPick.locator('.quick-input-list .monaco-list-row').first().click();
        await quickPick.locator('.quick-input-title', { hasText: 'test org' }).waitFor();
        await quickPick
          .locator('.quick-input-list .monaco-list-row', { hasText: 'New local test org' })
          .click();
        const report = workbench.activeWebview();
        await report.locator('#outcome', { hasText: 'Passed' }).waitFor({ timeout: 90_000 });

        // The default-licensing form, saved once so that its success message shows.
        await workbench.dismissHover();
        await workbench.contextMenu(packageItem, 'Edit Default Licensing…');
        const terms = workbench.activeWebview();
        await terms
          .getByRole('heading', { name: 'Default Licensing: Acme Billing' })
          .waitFor({ timeout: 30_000 });
        await terms.locator('#seats input').fill('12');
        await terms.locator('#save').click();
        await terms.locator('#outcome', { hasText: 'Saved to' }).waitFor({ timeout: 15_000 });

        // The Modify License form of an Active license, with a change typed (the diff and its note).
        await workbench.expandTreeItem(/^Acme Billing/);
        await workbench.expandTreeItem(/^Active/);
        const license = workbench.treeItem(/seats/).first();
        await license.waitFor({ timeout: 30_000 });
        await workbench.dismissHover();
        await workbench.contextMenu(license, 'Modify License…');
        const form = workbench.activeWebview();
        await form.locator('#current').waitFor({ timeout: 30_000 });
        await form.locator('#seats input').fill('0');
        await form.locator('#seats-error', { hasText: 'Seats must be' }).waitFor();

        // The customer view of the same License's subscriber org (issue 22), with its feature parameters:
        // the LMO gets the FMA and Acme Billing declares one parameter of each direction (its Licenses then
        // hold their values), so the section shows an editable and a read-only value.
        demoOrg().lmo.setFma(true);
        const billing = demoOrg()
          .console.packages()
          .find((p) => p.name === 'Acme Billing')!;
        await demoOrg().console.declareFeatureParameters(
          billing.id,
          featureParameters('BetaReports', 'ActiveUsers'),
        );
        await workbench.dismissHover();
        await workbench.contextMenu(license, 'Open Customer');
        const customerView = workbench.activeWebview();
        await customerView.locator('#read-at').waitFor({ timeout: 30_000 });
        await customerView.locator('table.feature-parameters').first().waitFor({ timeout: 30_000 });
        // Its usage section (issue 23) once loaded: the org's users per month, objects and at-risk line,
        // or App Analytics' word for a package without usage.
        await customerView.getByRole('button', { name: 'Load Usage', exact: true }).click();
        await customerView
          .locator('#usage article .risk, #usage article .explain')
          .first()
          .waitFor({ timeout: 60_000 });

        // The dashboard, and the health report with every problem seeded (errors and warnings).
        await workbench.dismissHover();
        await workbench.contextMenu(workbench.treeItem(/^lmo-contrast/).first(), 'Show Dashboard');
        await workbench.activeWebview().locator('svg.chart').first().waitFor({ timeout: 30_000 });
        // The App Analytics usage of a package (issue 23): its charts, at-risk orgs and unused Licenses.
        await workbench.dismissHover();
        await workbench.contextMenu(packageItem, 'Show Usage (App Analytics)');
        await workbench
          .activeWebview()
          .getByRole('heading', { name: /^At-risk orgs/ })
          .waitFor({ timeout: 60_000 });
        await demoOrg().lmo.setProblems({ requiredField: true, inactiveLeadManager: true });
        await workbench.runCommand('LMA: Check LMO Health');
        await workbench.activeWebview().locator('#findings').waitFor({ timeout: 30_000 });

        // The push upgrade panel (issue 21) with its counts and preview, the orgs left out listed: the
        // demo's Dev Hub owns its packages, so it is chosen as the owner org first.
        await authorizeWithRefreshToken({
          loginUrl: demoOrg().instanceUrl,
          refreshToken: demoOrg().orgs.devhub.refreshToken,
          alias: 'hub-contrast',
        });
        await workbench.expandTreeItem(/^Versions/);
        const version = page
          .locator('.part.sidebar')
          .getByRole('treeitem')
          .filter({ hasText: /^\d+\.\d+(\.\d+)?\b/ })
          .first();
        await version.waitFor({ timeout: 30_000 });
        await workbench.dismissHover();
        await workbench.contextMenu(version, 'Push Upgrade to This Version…');
        await quickPick.locator('.quick-input-title', { hasText: 'pushes' }).waitFor({ timeout: 60_000 });
        await quickPick.locator('.quick-input-list .monaco-list-row', { hasText: 'hub-contrast' }).click();
        const push = workbench.activeWebview();
        await push.locator('#counts', { hasText: 'selected' }).waitFor({ timeout: 60_000 });
        await push.locator('#preview').click();
        await push.locator('#excluded').waitFor({ timeout: 60_000 });
        // The push request view (the owner org now known: the package's Push Upgrades node), with its
        // failure grouped and its buttons.
        await workbench.expandTreeItem(/^Push Upgrades/);
        const requestRow = page
          .locator('.part.sidebar')
          .getByRole('treeitem')
          .filter({ hasText: /Failed · 1 Succeeded, 1 Failed/ })
          .first();
        await requestRow.waitFor({ timeout: 60_000 });
        await workbench.dismissHover();
        await requestRow.click();
        await workbench
          .activeWebview()
          .getByText('LockingFailure: Row lock (1)')
          .waitFor({ timeout: 60_000 });

        const tabs = page.locator('.editor-group-container .tabs-container .tab');
        const tabCount = await tabs.count();
        assert.equal(tabCount, 9, (await tabs.allInnerTexts()).join(', '));
        const failures: string[] = [];
        const all: Record<string, Measure[]> = {};
        let dashboardBars = 0;
        for (const theme of themes) {
          await switchTheme(page, theme);
          for (let i = 0; i < tabCount; i++) {
            const tab = tabs.nth(i);
            const title = (await tab.innerText()).trim();
            await tab.click();
            await page.locator('iframe.webview.ready:visible').waitFor();
            const frame = await visibleWebview(page);
            // Wait until the webview took the theme's colours (its --vscode-* variables follow the workbench).
            await frame.waitForFunction(`document.body.classList.contains('${theme.bodyClass}')`);
            await workbench.dismissHover();
            const slug = `${theme.label}-${title}`.replace(/[^\w.-]+/g, '-').toLowerCase();
            await page.screenshot({ path: path.join(dir, `${slug}.png`) });
            const measures = (await frame.evaluate(measureScript)) as Measure[];
            assert.ok(measures.length > 5, `${title}: only ${measures.length} texts found`);
            all[`${theme.label} · ${title}`] = measures;
            for (const m of measures)
              if (m.ratio < MINIMUM)
                failures.push(
                  `${theme.label} · ${title}: ${m.ratio}:1 “${m.text}” (${m.element}, ${m.foreground} on ${m.background})`,
                );
            if (await frame.locator('svg.chart').count()) {
              // The dashboard's bars: each series readable against the background (3:1 for graphics).
              const bars = (await frame.evaluate(barsScript)) as Measure[];
              assert.ok(bars.length >= 3, `${title}: only ${bars.length} bars found`);
              all[`${theme.label} · ${title} · bars`] = bars;
              dashboardBars += bars.length;
              for (const m of bars)
                if (m.ratio < GRAPHICS_MINIMUM)
                  failures.push(
                    `${theme.label} · ${title}: bar ${m.ratio}:1 “${m.text}” (${m.element}, ${m.foreground} on ${m.background})`,
                  );
            }
          }
        }
        assert.ok(dashboardBars > 0, 'the dashboard’s bars were measured');
        // The push panel shows its preview again when its tab comes back (the page keeps what it showed).
        for (const theme of themes)
          assert.ok(
            Object.entries(all).some(
              ([key, measures]) =>
                key.startsWith(`${theme.label} · Push`) && measures.some((m) => m.text.includes('Left out')),
            ),
            `${theme.label}: the push panel’s preview was measured`,
          );
        // The customer view's usage section was measured in each theme.
        for (const theme of themes)
          assert.ok(
            Object.entries(all).some(
              ([key, measures]) =>
                key.startsWith(`${theme.label} · Customer`) &&
                measures.some((m) => m.text === 'Usage (App Analytics)') &&
                measures.some((m) => /^(Monthly summaries|No usage in this period)/.test(m.text)),
            ),
            `${theme.label}: the customer view’s usage section was measured`,
          );
        for (const theme of themes)
          assert.ok(
            Object.entries(all).some(
              ([key, measures]) =>
                key.startsWith(`${theme.label} · Push Request`) &&
                measures.some((m) => m.text.includes('Row lock')),
            ),
            `${theme.label}: the push request view’s failures were measured`,
          );
        fs.writeFileSync(path.join(dir, 'measures.json'), JSON.stringify(all, null, 2));
        fs.writeFileSync(path.join(dir, 'failures.txt'), failures.join('\n') + '\n');
        assert.deepEqual(failures, [], `Texts under ${MINIMUM}:1:\n${failures.join('\n')}`);
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
