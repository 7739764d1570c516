// Feature parameters in code-server against the demo local org with the Feature Management App: the
// package's Feature Parameters node counts the Licenses holding each value; Set Feature Parameter… on
// Beta Reports, for the Trial licenses, On, confirmed on the button that names the count (all by
// keyboard: the quick picks and the dialog take Enter); the values in the LMO and the node's count follow.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureParameters, raw } from 'lma-local-org/testing';
import { demoOrgForThisFile, eventually, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-features');

/** A COUNT() in the LMO, through its REST API. */
async function count(soql: string): Promise<number> {
  const org = demoOrg();
  const path = `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;
  const response = await raw(org, org.orgs.lmo.accessToken as string, 'GET', path);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as { totalSize: number }).totalSize;
}

test(
  'Set Feature Parameter… turns Beta Reports on for the Trial licenses; the node’s count follows',
  { timeout: 300_000 },
  async () => {
    const org = demoOrg();
    org.lmo.setFma(true);
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    await org.console.declareFeatureParameters(billing.id, featureParameters('BetaReports', 'ActiveUsers'));
    const trials = await count(
      `SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Status__c = 'Trial' AND sfLma__Package__r.sfLma__Package_ID__c = '${billing.id}'`,
    );
    assert.ok(trials > 0, 'the demo has Trial licenses of Acme Billing');

    await withSession(
      'feature-parameters',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-features');
        await workbench.expandTreeItem(/^Packages/);
        await workbench.expandTreeItem(/^Acme Billing/);
        await workbench.dismissHover();
        await workbench.expandTreeItem(/^Feature Parameters/);
        const beta = workbench.treeItem(/^Beta Reports/).first();
        await beta.waitFor({ timeout: 30_000 });
        assert.doesNotMatch(await beta.innerText(), /on: \d/, 'no License has it on yet');

        await workbench.dismissHover();
        await workbench.contextMenu(beta, 'Set Feature Parameter…');
        const box = page.locator('.quick-input-widget');
        await box
          .locator('.quick-input-title', { hasText: 'for which licenses' })
          .waitFor({ timeout: 30_000 });
        await page.keyboard.type('Trial licenses');
        await page.keyboard.press('Enter');
        await box.locator('.quick-input-title', { hasText: 'Set Beta Reports to' }).waitFor();
        await page.keyboard.type('On');
        await page.keyboard.press('Enter');
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ timeout: 30_000 });
        const button = dialog.getByRole('button', { name: /^Set on \d+ Licenses?$/ });
        const named = Number(/\d+/.exec((await button.innerText()) ?? '')![0]);
        assert.equal(named, trials, 'the button names every Trial License');
        await button.focus();
        await page.keyboard.press('Enter');
        await workbench.waitForNotification(/Beta Reports/);

        // In the LMO: every Trial License of Acme Billing holds Beta Reports on.
        const on = await eventually('the values written', async () => {
          const n = await count(
            "SELECT COUNT() FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__Value__c = true AND sfFma__License__r.sfLma__Status__c = 'Trial'",
          );
          return n >= trials ? n : undefined;
        });
        assert.equal(on, trials);
        assert.equal(
          await count('SELECT COUNT() FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__Value__c = true'),
          trials,
          'no other License was changed',
        );
        // The node counted again.
        await workbench
          .treeItem(new RegExp(`^Beta Reports.*on: ${trials}\\b`))
          .first()
          .waitFor({ timeout: 30_000 });
      },
      { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);
