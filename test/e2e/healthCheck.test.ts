// LMA: Check LMO Health in code-server against the local org: a clean LMO is reported clean; with
// every known problem seeded, each check finds its problem, and a finding links to its record.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LMO_PROBLEMS } from 'lma-local-org';
import { demoProject } from '../../scripts/demoProject.ts';
import { demoOrgForThisFile, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-health');

test(
  'the health check reports a clean LMO as clean and finds every seeded problem',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'health-check',
      async ({ workbench }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-health');
        await workbench
          .treeItem(/^lmo-health/)
          .first()
          .waitFor({ timeout: 30_000 });
        await workbench.runCommand('LMA: Check LMO Health');
        const report = workbench.activeWebview();
        await report.getByRole('heading', { name: 'LMO Health · lmo-health' }).waitFor({ timeout: 30_000 });
        const rows = report.locator('tbody tr');
        await rows.first().waitFor();
        for (const row of await rows.allInnerTexts()) assert.match(row, /Nothing found$/, row);
        assert.equal(await report.locator('#findings').count(), 0);

        await demoOrg().lmo.setProblems(Object.fromEntries(LMO_PROBLEMS.map((problem) => [problem, true])));
        await report.getByRole('button', { name: 'Check Again' }).click();
        await report.locator('#findings').waitFor({ timeout: 30_000 });
        const results = await rows.allInnerTexts();
        assert.equal(results.length, 8);
        for (const row of results) assert.match(row, /Found$/, row);
        const findings = await report.locator('.finding h3').allInnerTexts();
        assert.ok(findings.length >= 6, findings.join('\n'));
        assert.ok(findings.some((title) => /^Error/.test(title)));
        assert.equal(
          await report.getByRole('button', { name: 'Open in Salesforce' }).count(),
          findings.length,
          'every finding links to its record',
        );
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
