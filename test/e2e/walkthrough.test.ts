// The setup walkthrough in code-server against the local org: its steps complete from real checks
// (the LMA found, every package associated), not from clicks; step 3 names the unassociated package.
// A walkthrough opened after the checks ran (a fresh window that connects at start, as the demo's
// does) shows them done too.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoProject } from '../../scripts/demoProject.ts';
import { demoOrgForThisFile, withSession, type Workbench } from './harness.ts';

const demoOrg = demoOrgForThisFile('lmo-setup');
const sessionOptions = () => ({
  projectJson: demoProject(demoOrg().console.packages()),
  env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
});

/** Opens "Set Up License Management" from the palette; returns its step buttons by step id. */
async function openSetupWalkthrough(workbench: Workbench) {
  const { page } = workbench;
  await workbench.runCommand('Welcome: Open Walkthrough...');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill('Set Up License Management');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Set Up License Management' })
    .first()
    .click();
  const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
  await step('installLma').waitFor({ timeout: 30_000 });
  // The page moves the focus onto its selected step a moment after it opens (an animation): a
  // palette opened before that would lose the focus and close.
  await page.waitForFunction(
    `document.activeElement?.matches('button.getting-started-step[aria-expanded="true"]') ?? false`,
  );
  return {
    step,
    checked: (id: string) => step(id).getAttribute('aria-checked'),
    waitUntilChecked: (id: string) =>
      page
        .locator(`button.getting-started-step[data-step-id$="#${id}"][aria-checked="true"]`)
        .waitFor({ timeout: 30_000 }),
  };
}

test(
  'a walkthrough opened after the checks ran shows the steps they completed',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'walkthrough-after-checks',
      async ({ workbench }) => {
        // The window connects at start (the lma.lmo setting). Check Package Associations answers
        // after a check of every step, so the checks have run when its message shows.
        await workbench.openViewContainer('License Management');
        await workbench.treeItem(/^Packages/).waitFor({ timeout: 60_000 });
        await workbench.runCommand('LMA: Check Package Associations');
        await workbench.waitForNotification(/Not associated with this LMO: Acme Labs Toolkit/);

        const walkthrough = await openSetupWalkthrough(workbench);
        await walkthrough.waitUntilChecked('installLma');
        await walkthrough.waitUntilChecked('connectPartnerConsole');
        await walkthrough.waitUntilChecked('defaultTerms');
        assert.equal(await walkthrough.checked('associatePackage'), 'false');
        assert.equal(await walkthrough.checked('testInstall'), 'false');
      },
      { ...sessionOptions(), settings: { 'lma.lmo': 'lmo-setup' } },
    );
  },
);

test(
  'the setup walkthrough completes its steps from the LMO and the project',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'walkthrough',
      async ({ workbench, page }) => {
        const walkthrough = await openSetupWalkthrough(workbench);
        assert.equal(await walkthrough.checked('installLma'), 'false', 'not before an LMO is connected');

        await workbench.connectTo('lmo-setup');
        await walkthrough.waitUntilChecked('installLma');
        // The local org's LMO is connected to its Partner Console: that step completes too.
        await walkthrough.waitUntilChecked('connectPartnerConsole');
        // Only then the palette: a step the connection's checks complete redraws the walkthrough, which
        // takes the focus back and closes a palette opened meanwhile (VS Code's page, not ours).
        await workbench.runCommand('LMA: Show Log');
        await page
          .locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]')
          .first()
          .waitFor();
        // The log takes the focus (OutputChannel.show without preserveFocus) once its editor is ready,
        // which can be after the view is drawn: a palette opened before that would close again.
        await page.waitForFunction("document.activeElement?.closest('.part.panel') != null");
        // Acme Labs Toolkit, in sfdx-project.json, is not associated: step 3 stays open and says so.
        assert.equal(await walkthrough.checked('associatePackage'), 'false');
        await workbench.runCommand('LMA: Check Package Associations');
        await workbench.waitForNotification(/Not associated with this LMO: Acme Labs Toolkit/);

        // Associating it in the Partner Console, then a Refresh, completes step 3.
        const labs = demoOrg()
          .console.packages()
          .find((p) => p.name === 'Acme Labs Toolkit')!;
        await demoOrg().console.associate(labs.id, { status: 'Trial', lengthDays: 14, seats: 5 });
        // Shown by the check above, the tree reads the LMA's version and whether the FMA is there, and
        // draws them a moment later: redrawn, it takes the focus back and would close the palette that
        // runs Refresh before Enter reaches it.
        await page
          .locator('.part.sidebar .monaco-list-row', { hasText: /· LMA \d/ })
          .first()
          .waitFor();
        await page
          .locator('.part.sidebar .monaco-list-row', { hasText: /Feature parameters/ })
          .first()
          .waitFor();
        await workbench.runCommand('LMA: Refresh');
        await walkthrough.waitUntilChecked('associatePackage');
        // Acme Billing, associated with its terms, completed step 4 earlier (VS Code keeps a step done).
        assert.equal(await walkthrough.checked('defaultTerms'), 'true');
        assert.equal(await walkthrough.checked('testInstall'), 'false', 'no test install ran yet');
      },
      sessionOptions(),
    );
  },
);
