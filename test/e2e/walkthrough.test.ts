// The setup walkthrough in code-server against the local org: its steps complete from real checks
// (the LMA found, every package associated), not from clicks; step 3 names the unassociated package.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { demoOrgForThisFile, withSession } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-setup');

test(
  'the setup walkthrough completes its steps from the LMO and the project',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'walkthrough',
      async ({ workbench, page }) => {
        await workbench.runCommand('Welcome: Open Walkthrough...');
        const input = page.locator('.quick-input-widget input.input');
        await input.fill('Set Up License Management');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'Set Up License Management' })
          .first()
          .click();
        const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="${id}"]`);
        await step('installLma').waitFor({ timeout: 30_000 });
        const checked = (id: string) => step(id).getAttribute('aria-checked');
        assert.equal(await checked('installLma'), 'false', 'not before an LMO is connected');

        await workbench.connectTo('lmo-setup');
        await page
          .locator('button.getting-started-step[data-step-id$="installLma"][aria-checked="true"]')
          .waitFor({ timeout: 30_000 });
        // The local org's LMO is connected to its Partner Console: that step completes too.
        await page
          .locator('button.getting-started-step[data-step-id$="connectPartnerConsole"][aria-checked="true"]')
          .waitFor();
        // Acme Labs Toolkit, in sfdx-project.json, is not associated: step 3 stays open and says so.
        assert.equal(await checked('associatePackage'), 'false');
        await workbench.runCommand('LMA: Check Package Associations');
        await workbench.waitForNotification(/Not associated with this LMO: Acme Labs Toolkit/);

        // Associating it in the Partner Console, then a Refresh, completes step 3.
        const labs = demoOrg()
          .console.packages()
          .find((p) => p.name === 'Acme Labs Toolkit')!;
        await demoOrg().console.associate(labs.id, { status: 'Trial', lengthDays: 14, seats: 5 });
        await workbench.runCommand('LMA: Refresh');
        await page
          .locator('button.getting-started-step[data-step-id$="associatePackage"][aria-checked="true"]')
          .waitFor({ timeout: 30_000 });
        // Acme Billing, associated with its terms, completed step 4 earlier (VS Code keeps a step done).
        assert.equal(await checked('defaultTerms'), 'true');
        assert.equal(await checked('testInstall'), 'false', 'no test install ran yet');
      },
      {
        projectJson: demoProject(demoOrg().console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
