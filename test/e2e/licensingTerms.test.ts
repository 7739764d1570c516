// The default-licensing form in code-server against the local org: open it from a package's
// right-click menu, see a trial of 120 days refused, save valid terms, find exactly that change in
// sfdx-project.json, see a save into a file whose plugins.lma is a string refused with a message, and
// see the next install into a test org get the saved terms.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { writeTerms } from '../../src/lma/project/projectTerms.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { eventually, withSession } from './harness.ts';

let org: LocalOrg;
let billing: { id: string; releasedVersionId: string };

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lmo-terms',
  });
  const pkg = org.console.packages().find((p) => p.name === 'Acme Billing');
  assert.ok(pkg);
  const released = pkg.versions.filter((v) => !v.isBeta).at(-1);
  assert.ok(released);
  billing = { id: pkg.id, releasedVersionId: released.id };
});
after(async () => {
  await org?.close();
});

/** A hand-written project: 4-space indents, keys in a person's order, an unrelated plugin setting. */
function projectText(): string {
  return `{
    "packageDirectories": [
        { "path": "force-app", "default": true, "package": "Acme Billing", "versionNumber": "2.1.0.NEXT" }
    ],
    "name": "acme-billing",
    "namespace": "acmebill",
    "sourceApiVersion": "66.0",
    "packageAliases": {
        "Acme Billing": "${billing.id}",
        "Acme Billing@2.0.0-1": "${billing.releasedVersionId}"
    },
    "plugins": {
        "someOtherTool": { "keep": true }
    }
}
`;
}

test(
  'edit default licensing on the local org: validation, minimal save, next install',
  { timeout: 300_000 },
  async () => {
    const before = projectText();
    await withSession(
      'licensing-terms',
      async ({ workbench, workspace }) => {
        const packageItem = await workbench.showPackage('lmo-terms', 'Acme Billing');

        const form = await workbench.openDefaultLicensing(packageItem, 'Acme Billing');
        await form.getByText('Changing the defaults only affects future installs.').waitFor();
        await form.locator('#license-counts').waitFor();
        assert.match(await form.locator('#license-counts').innerText(), /licenses for this package: .*Trial/);

        // The form starts as a trial; 120 days is refused as the user types, and Save is off.
        const trialDays = form.locator('#trialDays input');
        await trialDays.fill('120');
        await form.getByText('A trial runs 1 to 90 days.').waitFor();
        assert.equal(await form.locator('#save').getAttribute('disabled'), '');

        await trialDays.fill('45');
        await form.locator('#seats input').fill('25');
        await form.getByText('New installs get a 45-day trial for 25 seats.').waitFor();
        await form.locator('#save').click();
        await form
          .locator('#outcome', { hasText: 'Saved to sfdx-project.json.' })
          .waitFor({ timeout: 15_000 });
        assert.match(
          await form.locator('#outcome').innerText(),
          /local org's Partner Console now uses these terms/,
        );

        // Exactly the terms were added; every other byte is as the person wrote it.
        const after = fs.readFileSync(path.join(workspace, 'sfdx-project.json'), 'utf8');
        assert.equal(
          after,
          writeTerms(before, 'Acme Billing', { status: 'Trial', lengthDays: 45, seats: 25 }),
        );
        assert.ok(after.includes(`        "someOtherTool": { "keep": true },\n        "lma": {`), after);
        assert.ok(after.includes('"trialDays": 45'), after);

        // A webview that sends shapes the host doesn't declare gets them refused and logged; nothing is written.
        // What a compromised webview could do: post through the webview host frame's own channel.
        const body = await form.locator('body').elementHandle();
        const webviewHost = (await body!.ownerFrame())!.parentFrame()!;
        await webviewHost.evaluate(`(() => {
        const post = (message) => window.__vscode_post_message__('onmessage', { message });
        post({ kind: 'save', terms: { status: 'Trial', lengthDays: '9', seats: 1 }, revision: '' });
        post({ kind: 'save', terms: { status: 'Trial', lengthDays: 9, seats: 1 }, revision: '', path: '/etc/passwd' });
        post({ kind: 'deleteEverything' });
        post({ kind: 'save', terms: { status: 'Trial', lengthDays: 900, seats: 1 }, revision: '' });
      })()`);
        await form.locator('#outcome', { hasText: 'A trial runs 1 to 90 days.' }).waitFor();
        // The Output view wraps long lines; read them as one.
        const log = (await workbench.outputChannelText('LMA Explorer')).replace(/\s+/g, ' ');
        assert.match(log, /rejected a message \(save.terms.lengthDays must be a number or null\)/);
        assert.match(log, /rejected a message \(save takes exactly kind, terms and revision\)/);
        assert.match(log, /rejected a message \(unknown message kind "deleteEverything"\)/);
        assert.equal(fs.readFileSync(path.join(workspace, 'sfdx-project.json'), 'utf8'), after);

        // A file where plugins.lma is a string: Save is refused with a message naming its line (it threw
        // "Can not add index to parent of type string"), and nothing is written.
        const file = path.join(workspace, 'sfdx-project.json');
        const stringLma = before.replace(
          '"someOtherTool": { "keep": true }',
          '"someOtherTool": { "keep": true },\n        "lma": "on"',
        );
        fs.writeFileSync(file, stringLma);
        // The form follows the file: no terms there now, so it shows the defaults.
        await form.getByText('New installs get a 30-day trial for 10 seats.').waitFor({ timeout: 15_000 });
        await form.locator('#seats input').fill('12');
        await form.getByText('New installs get a 30-day trial for 12 seats.').waitFor();
        await form.locator('#save').click();
        await form
          .locator('#outcome', { hasText: 'plugins.lma is a string (line 14), not an object' })
          .waitFor({ timeout: 15_000 });
        assert.match(await form.locator('#outcome').innerText(), /Nothing was written\.$/);
        assert.equal(fs.readFileSync(file, 'utf8'), stringLma);

        // The next install into a test org gets the new terms from the local org's Partner Console.
        const testOrg = await org.createTestOrg({ name: 'Terms Check Co' });
        const license = await installAndFindLicense(testOrg.accessToken as string, testOrg.id);
        assert.equal(license.sfLma__Status__c, 'Trial');
        assert.equal(license.sfLma__Seats__c, 25);
        const days =
          (Date.parse(license.sfLma__Expiration__c!) - Date.parse(license.sfLma__Install_Date__c)) /
          86_400_000;
        assert.equal(days, 45);
      },
      { projectJson: before, env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);

interface LicenseRow {
  sfLma__Status__c: string;
  sfLma__Seats__c: number;
  sfLma__Expiration__c: string | null;
  sfLma__Install_Date__c: string;
}

/** A test install through the Tooling API (as `sf package install` does), then the LMO's License for that org. */
async function installAndFindLicense(token: string, orgId: string): Promise<LicenseRow> {
  const api = `${org.instanceUrl}/services/data/v66.0`;
  const call = async (url: string, init: RequestInit = {}, bearer = token) => {
    const response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    });
    assert.ok(response.ok, `${url}: ${response.status} ${await response.clone().text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const created = await call(`${api}/tooling/sobjects/PackageInstallRequest`, {
    method: 'POST',
    body: JSON.stringify({ SubscriberPackageVersionKey: billing.releasedVersionId, SecurityType: 'none' }),
  });
  const soql = `SELECT sfLma__Status__c, sfLma__Seats__c, sfLma__Expiration__c, sfLma__Install_Date__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgId.slice(0, 15)}'`;
  return eventually('the LMO to record a License for the test org', async () => {
    const request = await call(`${api}/tooling/sobjects/PackageInstallRequest/${created.id as string}`);
    assert.notEqual(request.Status, 'ERROR', JSON.stringify(request.Errors));
    const found = await call(
      `${api}/query?q=${encodeURIComponent(soql)}`,
      {},
      org.orgs.lmo.accessToken as string,
    );
    return (found.records as LicenseRow[])[0];
  });
}

test(
  'edit sfdx-project.json by hand: seats 0 gets a diagnostic and a quick fix',
  { timeout: 300_000 },
  async () => {
    const text = writeTerms(projectText(), 'Acme Billing', { status: 'Trial', lengthDays: 30, seats: 10 });
    const line = text.slice(0, text.indexOf('"seats": 10')).split('\n').length;
    await withSession(
      'licensing-terms-language',
      async ({ workbench, page, workspace }) => {
        await workbench.runCommand('Go to File...');
        const input = page.locator('.quick-input-widget input.input');
        await input.fill('sfdx-project.json');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'sfdx-project.json' })
          .first()
          .click();
        const editor = page.locator('.editor-instance .monaco-editor').first();
        await editor.waitFor();
        const endOfSeatsLine = async () => {
          await page.keyboard.press('Control+G');
          await page.keyboard.type(String(line));
          await page.keyboard.press('Enter');
          await page.keyboard.press('End');
        };

        // Replace "seats": 10 with 0 by typing, as a person would.
        await endOfSeatsLine();
        await page.keyboard.press('Backspace');
        await page.keyboard.press('Backspace');
        await page.keyboard.type('0');

        await editor.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
        await workbench.runCommand('View: Toggle Problems');
        const problem = page.locator('.markers-panel .monaco-list-row', {
          hasText: 'Seats must be a whole number from 1 to 99,000,000',
        });
        await problem.first().waitFor({ timeout: 30_000 });
        assert.match(await problem.first().innerText(), /LMA/);

        // The quick fix where the cursor is (just after the 0): "Set the seats to 1".
        await editor.click();
        await endOfSeatsLine();
        // The quick-fix menu lists what the language server answered by the time it opens: ask again
        // until it has the fix (the server answers within milliseconds; the workbench may be slower).
        const fix = page.locator('.action-widget').getByText('Set the seats to 1');
        for (let attempt = 0; attempt < 10 && !(await fix.isVisible()); attempt++) {
          await page.keyboard.press('Escape');
          await endOfSeatsLine();
          await page.keyboard.press('Control+.');
          await fix.waitFor({ timeout: 3_000 }).catch(() => undefined);
        }
        await fix.click();
        await problem.first().waitFor({ state: 'detached', timeout: 30_000 });
        // VS Code saves the files a quick fix touched (files.refactoring.autoSave).
        const file = path.join(workspace, 'sfdx-project.json');
        const expected = text.replace('"seats": 10', '"seats": 1');
        await eventually('VS Code to save the quick fix', () =>
          fs.readFileSync(file, 'utf8') === expected ? true : undefined,
        ).catch(() => undefined);
        assert.equal(fs.readFileSync(file, 'utf8'), expected);
      },
      { projectJson: text, env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);
