// A form survives a window reload: the default-licensing form and the Modify License form, each with an
// unsaved draft, are open when the window reloads (Developer: Reload Window in code-server); VS Code reopens both (each panel type has a
// serializer) and each shows the draft the user had typed, not what the file or the LMO holds. Nothing
// was written by the reload.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import type { Page } from 'playwright-core';
import { withSession, type Workbench } from './harness.ts';

let org: LocalOrg;
let billingId: string;
/** An Active license of Acme Billing with seats, by the name the tree shows. */
let customer: string;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lmo-restore',
  });
  const pkg = org.console.packages().find((p) => p.name === 'Acme Billing');
  assert.ok(pkg);
  billingId = pkg.id;
  const soql = `SELECT Id, sfLma__Seats__c, sfLma__Account__r.Name FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Acme Billing' AND sfLma__Status__c = 'Active' AND sfLma__Seats__c > 0 AND sfLma__Account__c != null ORDER BY Id DESC LIMIT 1`;
  const response = await fetch(`${org.instanceUrl}/services/data/v66.0/query?q=${encodeURIComponent(soql)}`, {
    headers: { authorization: `Bearer ${org.orgs.lmo.accessToken as string}` },
  });
  assert.ok(response.ok, await response.clone().text());
  const [row] = ((await response.json()) as { records: { sfLma__Account__r: { Name: string } }[] }).records;
  assert.ok(row, 'an Active license with seats and an account');
  customer = row.sfLma__Account__r.Name;
});
after(async () => {
  await org?.close();
});

function projectText(): string {
  return `{
  "packageDirectories": [{ "path": "force-app", "default": true, "package": "Acme Billing", "versionNumber": "2.1.0.NEXT" }],
  "name": "acme-billing",
  "sourceApiVersion": "66.0",
  "packageAliases": { "Acme Billing": "${billingId}" }
}
`;
}

/** The webview of the editor tab titled `title` (it is made the active one first). */
async function webviewOf(page: Page, workbench: Workbench, title: string) {
  await page.locator('.tabs-container .tab', { hasText: title }).first().click();
  return workbench.activeWebview();
}

test('an unsaved draft survives a window reload', { timeout: 300_000 }, async () => {
  await withSession(
    'webview-restore',
    async ({ workbench, page, workspace }) => {
      const packageItem = await workbench.showPackage('lmo-restore', 'Acme Billing');

      // The Modify License form of an Active license: seats typed, not saved.
      await workbench.expandTreeItem(/^Acme Billing/);
      await workbench.expandTreeItem(/^Active/);
      const licenseItem = workbench.treeItem(customer).first();
      await licenseItem.waitFor({ timeout: 30_000 });
      await workbench.contextMenu(licenseItem, 'Modify License…');
      let license = workbench.activeWebview();
      const heading = license.getByRole('heading', { level: 1 });
      await heading.waitFor({ timeout: 30_000 });
      const licenseTitle = await heading.innerText();
      await license.locator('#seats input').fill('4321');
      await license.locator('#diff', { hasText: '4,321 seats' }).waitFor();

      // The default-licensing form: a 45-day trial typed, not saved.
      let terms = await workbench.openDefaultLicensing(packageItem, 'Acme Billing');
      await terms.locator('#trialDays input').fill('45');
      await terms.getByText(/New installs get a 45-day trial/).waitFor();

      // Developer: Reload Window, as a user (or an extension update) reloads: VS Code keeps the editors and
      // each webview's state, then loads the page again.
      const input = await workbench.typeInPalette('>Developer: Reload Window');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' })
        .first()
        .waitFor();
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), input.press('Enter')]);
      await workbench.waitUntilReady();

      terms = await webviewOf(page, workbench, 'Default Licensing: Acme Billing');
      await terms
        .getByRole('heading', { name: 'Default Licensing: Acme Billing' })
        .waitFor({ timeout: 60_000 });
      await terms.getByText(/New installs get a 45-day trial/).waitFor({ timeout: 30_000 });
      assert.equal(await terms.locator('#trialDays input').inputValue(), '45');

      license = await webviewOf(page, workbench, 'License ');
      await license.getByRole('heading', { name: licenseTitle }).waitFor({ timeout: 60_000 });
      await license.locator('#diff', { hasText: '4,321 seats' }).waitFor({ timeout: 30_000 });
      assert.equal(await license.locator('#seats input').inputValue(), '4321');

      // The reload wrote nothing: the file is as it was.
      assert.equal(fs.readFileSync(path.join(workspace, 'sfdx-project.json'), 'utf8'), projectText());
    },
    { env: { HOME: home }, projectJson: projectText() },
  );
});

test(
  'a form closed with the keyboard while a field has the focus keeps its draft',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'webview-closed-draft',
      async ({ workbench, page }) => {
        const packageItem = await workbench.showPackage('lmo-restore', 'Acme Billing');
        await workbench.expandTreeItem(/^Acme Billing/);
        await workbench.expandTreeItem(/^Active/);
        const licenseItem = workbench.treeItem(customer).first();
        await licenseItem.waitFor({ timeout: 30_000 });
        const tabs = (title: string) => page.locator('.tabs-container .tab', { hasText: title });

        // Seats typed into the Modify License form; Ctrl+W while the field still has the focus closes it.
        await workbench.contextMenu(licenseItem, 'Modify License…');
        let license = workbench.activeWebview();
        await license.getByRole('heading', { level: 1 }).waitFor({ timeout: 30_000 });
        const seats = license.locator('#seats input');
        await seats.fill('4321');
        await license.locator('#diff', { hasText: '4,321 seats' }).waitFor();
        await seats.press('Control+w');
        await tabs('License ').first().waitFor({ state: 'detached' });

        // Opened again: the typed seats are back, and the form says where they come from.
        await workbench.dismissHover();
        await workbench.contextMenu(licenseItem, 'Modify License…');
        license = workbench.activeWebview();
        await license.locator('#diff', { hasText: '4,321 seats' }).waitFor({ timeout: 30_000 });
        await license.locator('#reopened-draft').waitFor();
        assert.equal(await license.locator('#seats input').inputValue(), '4321');

        // The same for the default-licensing form.
        await workbench.dismissHover();
        let terms = await workbench.openDefaultLicensing(packageItem, 'Acme Billing');
        const trialDays = terms.locator('#trialDays input');
        await trialDays.fill('45');
        await terms.getByText(/New installs get a 45-day trial/).waitFor();
        await trialDays.press('Control+w');
        await tabs('Default Licensing').first().waitFor({ state: 'detached' });
        await workbench.dismissHover();
        await workbench.contextMenu(packageItem, 'Edit Default Licensing…');
        terms = workbench.activeWebview();
        await terms.getByText(/New installs get a 45-day trial/).waitFor({ timeout: 30_000 });
        await terms.locator('#reopened-draft').waitFor();
        assert.equal(await terms.locator('#trialDays input').inputValue(), '45');
      },
      { env: { HOME: home }, projectJson: projectText() },
    );
  },
);
