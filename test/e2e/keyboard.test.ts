// Both forms filled and saved with the keyboard alone, in code-server against the local org: Tab to
// each control, arrow keys to change a status, Space on a checkbox, typing in text fields, Enter on
// Save, and the typed confirmation of a suspension answered in VS Code's input box. The focused radio
// and checkbox show a focus ring of at least 2px.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { readProjectTerms } from '../../src/lma/project/projectTerms.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { withSession } from './harness.ts';

let org: LocalOrg;

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lmo-keyboard',
  });
});
after(async () => {
  await org?.close();
});

interface Focused {
  /** The innermost focused element's host chain, outermost first: `vscode-radio[value=Active]`, `input`… */
  chain: string[];
  /** The computed outline of the focused custom element (the outermost one inside the form). */
  outline: { style: string; width: number };
}

/** What has the focus in the webview, through the shadow roots (read only: the test acts by keys). */
async function focused(frame: Frame): Promise<Focused> {
  return frame.evaluate(`(() => {
    const chain = [];
    let el = document.activeElement;
    let control;
    while (el) {
      const value = el.getAttribute('value');
      chain.push(el.localName + (el.id ? '#' + el.id : '') + (value ? '[value=' + value + ']' : ''));
      if (!control && el.localName.startsWith('vscode-')) control = el;
      el = el.shadowRoot ? el.shadowRoot.activeElement : null;
    }
    const style = control ? getComputedStyle(control) : undefined;
    return {
      chain,
      outline: { style: style ? style.outlineStyle : 'none', width: style ? parseFloat(style.outlineWidth) : 0 },
    };
  })()`);
}

/** Presses Tab until the focused control matches, as a keyboard user would (at most 30 presses). */
async function tabTo(page: Page, frame: Frame, control: string): Promise<Focused> {
  for (let i = 0; i < 30; i++) {
    const now = await focused(frame);
    if (now.chain.includes(control)) return now;
    await page.keyboard.press('Tab');
  }
  throw new Error(
    `Tab never reached ${control}: the focus is on ${(await focused(frame)).chain.join(' > ')}`,
  );
}

/**
 * Selects the text of the focused field, so that what is typed next replaces it: End, then Shift+Home,
 * which the field handles itself. Not Ctrl+A: in a webview VS Code runs its own Select All for it,
 * posted to the page, which can land after the next key and select that key's character.
 */
async function selectFieldText(page: Page): Promise<void> {
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
}

async function frameOf(form: FrameLocator): Promise<Frame> {
  const body = await form.locator('body').elementHandle();
  return (await body!.ownerFrame())!;
}

function assertFocusRing(where: Focused): void {
  assert.notEqual(where.outline.style, 'none', `no focus ring on ${where.chain.join(' > ')}`);
  assert.ok(
    where.outline.width >= 2,
    `a faint focus ring (${where.outline.width}px) on ${where.chain.join(' > ')}`,
  );
}

test(
  'the default-licensing form filled and saved with the keyboard alone',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'keyboard-licensing-terms',
      async ({ workbench, page, workspace }) => {
        const packageItem = await workbench.showPackage('lmo-keyboard', 'Acme Billing');
        const form = await workbench.openDefaultLicensing(packageItem, 'Acme Billing');
        await form.getByText('New installs get a 30-day trial for 10 seats.').waitFor();
        const frame = await frameOf(form);

        // The status: Tab into the group (Trial is checked), Down to Active.
        assertFocusRing(await tabTo(page, frame, 'vscode-radio[value=Trial]'));
        await page.keyboard.press('ArrowDown');
        const onActive = await focused(frame);
        assert.ok(onActive.chain.includes('vscode-radio[value=Active]'), onActive.chain.join(' > '));
        assertFocusRing(onActive);
        await form.locator('#activeDays').waitFor();
        assert.equal(
          await form.locator('#trialDays').count(),
          0,
          'the form follows the arrow key: no trial length',
        );

        // Does not expire, by Space; then the seats, typed.
        assertFocusRing(await tabTo(page, frame, 'vscode-checkbox#doesNotExpire'));
        await page.keyboard.press('Space');
        await tabTo(page, frame, 'vscode-textfield#seats');
        await selectFieldText(page);
        await page.keyboard.type('30');
        await form
          .getByText('New installs get an active license that does not expire, for 30 seats.')
          .waitFor();

        await tabTo(page, frame, 'vscode-button#save');
        await page.keyboard.press('Enter');
        await form
          .locator('#outcome', { hasText: 'Saved to sfdx-project.json.' })
          .waitFor({ timeout: 15_000 });
        const text = fs.readFileSync(path.join(workspace, 'sfdx-project.json'), 'utf8');
        const project = readProjectTerms(text);
        assert.ok(project.ok, text);
        assert.deepEqual(project.project.entries.get('Acme Billing')?.terms, {
          status: 'Active',
          lengthDays: null,
          seats: 30,
        });
      },
      { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  },
);

interface Row {
  Id: string;
  Name: string;
  sfLma__Status__c: string;
  sfLma__Seats__c: number;
  sfLma__Account__r: { Name: string } | null;
  sfLma__Lead__r: { Company: string | null; Name: string } | null;
}

async function query(soql: string): Promise<Row[]> {
  const response = await fetch(`${org.instanceUrl}/services/data/v66.0/query?q=${encodeURIComponent(soql)}`, {
    headers: { authorization: `Bearer ${org.orgs.lmo.accessToken as string}` },
  });
  assert.ok(response.ok, await response.clone().text());
  return ((await response.json()) as { records: Row[] }).records;
}

const FIELDS =
  'Id, Name, sfLma__Status__c, sfLma__Seats__c, sfLma__Account__r.Name, sfLma__Lead__r.Company, sfLma__Lead__r.Name';

test('the Modify License form filled and saved with the keyboard alone', { timeout: 300_000 }, async () => {
  // An Active license with seats and a customer name of its own, among the first of its group.
  const rows = await query(
    `SELECT ${FIELDS} FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Acme Billing' AND sfLma__Status__c = 'Active' ORDER BY Id DESC LIMIT 200`,
  );
  const customer = (r: Row) =>
    r.sfLma__Account__r?.Name ?? r.sfLma__Lead__r?.Company ?? r.sfLma__Lead__r?.Name ?? '';
  const license = rows.find(
    (r) => r.sfLma__Seats__c > 0 && rows.filter((o) => customer(o) === customer(r)).length === 1,
  );
  assert.ok(license);
  const name = customer(license);
  const newSeats = license.sfLma__Seats__c + 3;

  await withSession(
    'keyboard-license-modify',
    async ({ workbench, page }) => {
      await workbench.openViewContainer('License Management');
      await workbench.connectTo('lmo-keyboard');
      await workbench.expandTreeItem(/^Packages/);
      await workbench.expandTreeItem(/^Acme Billing/);
      await workbench.expandTreeItem(/^Active/);
      const item = workbench.treeItem(name).first();
      await item.waitFor({ timeout: 30_000 });
      await workbench.contextMenu(item, 'Modify License…');
      const form = workbench.activeWebview();
      await form.getByRole('heading', { name: `${license.Name} · ${name}` }).waitFor({ timeout: 30_000 });
      const frame = await frameOf(form);

      // Active is checked; Down moves to Suspended, and the form shows the change and its confirmation.
      assertFocusRing(await tabTo(page, frame, 'vscode-radio[value=Active]'));
      await page.keyboard.press('ArrowDown');
      const onSuspended = await focused(frame);
      assert.ok(onSuspended.chain.includes('vscode-radio[value=Suspended]'), onSuspended.chain.join(' > '));
      await form.locator('#diff', { hasText: 'Suspended' }).waitFor();
      await form.locator('#blocks', { hasText: 'Saving asks you to type the customer name' }).waitFor();

      await tabTo(page, frame, 'vscode-textfield#seats');
      await selectFieldText(page);
      await page.keyboard.type(String(newSeats));
      await form.locator('#diff', { hasText: `${newSeats.toLocaleString('en-US')} seats` }).waitFor();
      assertFocusRing(await tabTo(page, frame, 'vscode-checkbox#siteLicense'));

      await tabTo(page, frame, 'vscode-button#save');
      await page.keyboard.press('Enter');
      // VS Code's input box takes the focus: type the customer's name and press Enter.
      const box = page.locator('.quick-input-widget');
      await box.getByText(/This license is Active: a paying customer/).waitFor({ timeout: 15_000 });
      await page.keyboard.type(name);
      await page.keyboard.press('Enter');
      await form.locator('#outcome', { hasText: `Saved ${license.Name}` }).waitFor({ timeout: 15_000 });
      const [saved] = await query(`SELECT ${FIELDS} FROM sfLma__License__c WHERE Id = '${license.Id}'`);
      assert.equal(saved!.sfLma__Status__c, 'Suspended');
      assert.equal(saved!.sfLma__Seats__c, newSeats);
    },
    { env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
  );
});
