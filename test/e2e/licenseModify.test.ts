// Modifying a License from the tree in code-server against the local org: open the form from a
// license's right-click menu, change its seats and see the new value in the tree and in the LMO; then
// try to suspend the same (Active, paying) license and meet the typed confirmation, which a wrong name
// does not pass and Escape leaves the License as it was; finally export the Active group to a CSV.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { withSession } from './harness.ts';

interface Row {
  Id: string;
  Name: string;
  sfLma__Status__c: string;
  sfLma__Seats__c: number;
  sfLma__Subscriber_Org_ID__c: string;
  sfLma__Account__r: { Name: string } | null;
  sfLma__Lead__r: { Company: string | null; Name: string } | null;
}

let org: LocalOrg;

async function query(soql: string): Promise<Row[]> {
  const response = await fetch(`${org.instanceUrl}/services/data/v66.0/query?q=${encodeURIComponent(soql)}`, {
    headers: { authorization: `Bearer ${org.orgs.lmo.accessToken as string}` },
  });
  assert.ok(response.ok, await response.clone().text());
  return ((await response.json()) as { records: Row[] }).records;
}

const FIELDS =
  'Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Subscriber_Org_ID__c, sfLma__Account__r.Name, sfLma__Lead__r.Company, sfLma__Lead__r.Name';

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lmo-modify',
  });
});
after(async () => {
  await org?.close();
});

test(
  'modify a license from the tree; suspending a paying customer asks for the name typed',
  { timeout: 300_000 },
  async () => {
    // The newest Active licenses of the package come first in its Active group: take one with seats.
    const rows = await query(
      `SELECT ${FIELDS} FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Acme Billing' AND sfLma__Status__c = 'Active' ORDER BY Id DESC LIMIT 200`,
    );
    const customer = (r: Row) =>
      r.sfLma__Account__r?.Name ?? r.sfLma__Lead__r?.Company ?? r.sfLma__Lead__r?.Name ?? '';
    const license = rows.find(
      (r) => r.sfLma__Seats__c > 0 && rows.filter((o) => customer(o) === customer(r)).length === 1,
    );
    assert.ok(license, 'an Active license with seats and a customer name of its own');
    const name = customer(license);
    const newSeats = license.sfLma__Seats__c + 7;

    await withSession(
      'license-modify',
      async ({ workbench, page, saveArtifacts, workspace }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-modify');
        await workbench.expandTreeItem(/^Packages/);
        await workbench.expandTreeItem(/^Acme Billing/);
        await workbench.expandTreeItem(/^Active/);
        const item = () => workbench.treeItem(name).first();
        await item().waitFor({ timeout: 30_000 });
        assert.match(
          await item().innerText(),
          new RegExp(`${license.sfLma__Seats__c.toLocaleString('en-US')} seats`),
        );

        await workbench.contextMenu(item(), 'Modify License…');
        const form = workbench.activeWebview();
        await form.getByRole('heading', { name: `${license.Name} · ${name}` }).waitFor({ timeout: 30_000 });
        await form.locator('#history').or(form.getByText('No changes recorded')).first().waitFor();
        // Trial is not offered for an Active license.
        assert.equal(await form.locator('vscode-radio[value="Trial"]').count(), 0);

        // Out-of-range seats are refused as the user types; Save stays off.
        const seats = form.locator('#seats input');
        await seats.fill('0');
        await form.locator('#seats-error', { hasText: 'Seats must be between 1 and 99,000,000' }).waitFor();
        assert.equal(await form.locator('#save').getAttribute('disabled'), '');

        await seats.fill(String(newSeats));
        await form.locator('#diff', { hasText: `${newSeats.toLocaleString('en-US')} seats` }).waitFor();
        await saveArtifacts('license-form');
        await form.locator('#save').click();
        await form.locator('#outcome', { hasText: `Saved ${license.Name}` }).waitFor({ timeout: 15_000 });
        await form
          .locator('#history', { hasText: `Seats: ${license.sfLma__Seats__c} → ${newSeats}` })
          .waitFor();

        // The tree shows the new value, and so does the LMO.
        await workbench
          .treeItem(name)
          .filter({ hasText: `${newSeats.toLocaleString('en-US')} seats` })
          .first()
          .waitFor({ timeout: 15_000 });
        const [saved] = await query(`SELECT ${FIELDS} FROM sfLma__License__c WHERE Id = '${license.Id}'`);
        assert.equal(saved!.sfLma__Seats__c, newSeats);

        // Suspending an Active license: the customer's name (or org id) must be typed.
        await workbench.dismissHover();
        await workbench.contextMenu(item(), 'Suspend…');
        const box = page.locator('.quick-input-widget');
        await box.getByText(/This license is Active: a paying customer/).waitFor();
        await box
          .getByText(new RegExp(`Type the customer name “${name}”`))
          .first()
          .waitFor();
        const input = box.locator('input.input');
        // What to type is said in the prompt; as a placeholder it would look already filled in.
        assert.ok(!(await input.getAttribute('placeholder')), 'no placeholder in the confirmation box');
        await input.fill('someone else');
        await box.locator('.quick-input-message', { hasText: /Type the customer name/ }).waitFor();
        await input.press('Enter'); // refused: the box stays open
        assert.ok(await box.isVisible());
        await input.press('Escape');
        await box.waitFor({ state: 'hidden' });
        const [kept] = await query(`SELECT ${FIELDS} FROM sfLma__License__c WHERE Id = '${license.Id}'`);
        assert.equal(kept!.sfLma__Status__c, 'Active', 'nothing changed without the confirmation');

        // Typed right, the License is suspended.
        await workbench.contextMenu(item(), 'Suspend…');
        await box.getByText(/This license is Active/).waitFor();
        await input.fill(name.toUpperCase());
        await input.press('Enter');
        await workbench.waitForNotification(new RegExp(`Saved ${license.Name}: Status Active → Suspended`));
        const [suspended] = await query(`SELECT ${FIELDS} FROM sfLma__License__c WHERE Id = '${license.Id}'`);
        assert.equal(suspended!.sfLma__Status__c, 'Suspended');

        // Export the Active group: VS Code's save dialog, then a CSV with one row per license.
        const active = await query(
          `SELECT Id FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Acme Billing' AND sfLma__Status__c = 'Active'`,
        );
        // The tree reloads after the save: the suspended license leaves the Active group.
        await item().waitFor({ state: 'detached', timeout: 15_000 });
        await workbench.dismissHover();
        await workbench.contextMenu(workbench.treeItem(/^Active/).first(), 'Export Licenses…');
        const dialog = page.locator('.quick-input-widget');
        await dialog.locator('input.input').waitFor();
        // The dialog fills in the folder first and the file name a moment later.
        await page.waitForFunction(
          `document.querySelector('.quick-input-widget input.input')?.value.endsWith('.csv')`,
        );
        assert.match(
          await dialog.locator('input.input').inputValue(),
          /lma-e2e-project-\w+\/acme-billing-active-licenses-[\d-]+\.csv$/,
        );
        await dialog.locator('input.input').press('Enter');
        await workbench.waitForNotification(/Exported [\d,]+ licenses of Acme Billing/);
        const file = fs.readdirSync(workspace).find((f) => /^acme-billing-active-licenses-.*\.csv$/.test(f));
        assert.ok(file, fs.readdirSync(workspace).join(', '));
        const lines = fs.readFileSync(path.join(workspace, file), 'utf8').trimEnd().split('\r\n');
        assert.equal(lines.length, active.length + 1, 'a header and one row per Active license');
        assert.match(lines[0]!, /License Name.*Seats \(display\)/);
      },
      { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);
