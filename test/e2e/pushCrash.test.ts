// A push schedule cut short by a crash, in code-server against the demo local org: the push panel
// schedules through a Bulk API 2.0 ingest job (`lma.pushUpgrade.ingestThreshold` 1), the local org holds
// that job running after its first row, and the test kills the extension host (kill -9) meanwhile. Once
// VS Code has started a new one, the next schedule to the same owner org finds the job in the ingest ledger, aborts and
// deletes it, and its result says so first ("Found first": the push job it created and its request),
// readable in the light, dark and high-contrast themes, and offers that request's view (to abort it or
// finish it), reached by the keyboard.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import type { CodeServer } from '../../scripts/codeServer.ts';
import { measureScript, MINIMUM, switchTheme, themes, visibleWebview, type Measure } from './contrast.ts';
import { demoOrgForThisFile, eventually, withSession, type Workbench } from './harness.ts';
import { chooseProductionOrgs, confirmTyped, frameOf, newestBillingVersion, tabTo } from './pushPanel.ts';

const demoOrg = demoOrgForThisFile('lmo-crash');

/** The pids of code-server's extension host processes (in its process group), and what else is there. */
function extensionHosts(server: CodeServer): { hosts: number[]; others: string[] } {
  const processes = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m && Number(m[2]) === server.pid ? [{ pid: Number(m[1]), args: m[3]! }] : [];
    });
  const isHost = (p: { args: string }) => p.args.includes('--type=extensionHost');
  return {
    hosts: processes.filter(isHost).map((p) => p.pid),
    others: processes.filter((p) => !isHost(p)).map((p) => p.args),
  };
}

/** Push Upgrade to This Version… on Acme Billing's newest version: the panel, its owner org picked if asked. */
async function openPushPanel(workbench: Workbench, version: RegExp): Promise<FrameLocator> {
  const page = workbench.page;
  await workbench.expandTreeItem(/^Packages/);
  await workbench.expandTreeItem(/^Acme Billing/);
  await workbench.expandTreeItem(/^Versions/);
  const item = page.locator('.part.sidebar').getByRole('treeitem').filter({ hasText: version }).first();
  await item.waitFor({ timeout: 30_000 });
  await workbench.dismissHover();
  await workbench.contextMenu(item, 'Push Upgrade to This Version…');
  const panel = workbench.activeWebview();
  const heading = panel.getByRole('heading', { name: /^Push Acme Billing/ });
  const ownerPick = page.locator('.quick-input-widget .quick-input-title', { hasText: 'pushes' });
  // The owner org is asked once per package: the first time, or again if the crash lost the answer.
  await Promise.race([heading.waitFor({ timeout: 60_000 }), ownerPick.waitFor({ timeout: 60_000 })]);
  if (await ownerPick.isVisible())
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'hub-crash' }).click();
  await heading.waitFor({ timeout: 60_000 });
  return panel;
}

/** Production orgs, the preview, Schedule and the typed confirmation: the number of jobs. */
async function schedule(workbench: Workbench, panel: FrameLocator): Promise<number> {
  const page = workbench.page;
  const frame = await chooseProductionOrgs(page, panel);
  await panel.locator('#counts', { hasText: /\(\d[\d,]*\s+production,\s+0\s+sandbox\)/ }).waitFor();
  await tabTo(page, frame, 'vscode-button#preview');
  await page.keyboard.press('Enter');
  const head = panel.locator('#preview-head');
  await head.waitFor({ timeout: 60_000 });
  const jobs = Number(/(\d+)\s+orgs will get a job/.exec(await head.innerText())?.[1]);
  assert.ok(jobs >= 2, await head.innerText());
  await tabTo(page, frame, 'vscode-button#schedule');
  await page.keyboard.press('Enter');
  await confirmTyped(page, `${jobs} production`);
  return jobs;
}

test(
  'a push schedule whose extension host was killed mid-job: the next schedule finds its ingest job, aborts and deletes it, and says so first in every theme',
  { timeout: 600_000 },
  async () => {
    const org = demoOrg();
    const { label: version } = await newestBillingVersion(org);
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.devhub.refreshToken,
      alias: 'hub-crash',
    });
    const ownerOrgId = org.orgs.devhub.id;
    const ingestJobs = () => org.bulk.list(ownerOrgId).filter((j) => j.kind === 'ingest');
    const requestsBefore = org.pushes.list().map((r) => r.id);

    try {
      await withSession(
        'push-crash',
        async ({ workbench, page, server }) => {
          await workbench.openViewContainer('License Management');
          await workbench.connectTo('lmo-crash');

          // The first schedule: its ingest job is held running after one row, and the extension host dies.
          org.bulk.switches.holdIngestJobsAfter = 1;
          const first = await openPushPanel(workbench, version);
          await schedule(workbench, first);
          const crashedJob = await eventually('the ingest job to process its first row', () => {
            const job = [...org.bulk.jobs.values()].find(
              (j) => j.kind === 'ingest' && j.orgId === ownerOrgId && 'processed' in j && j.processed >= 1,
            );
            return job?.id;
          });
          const { hosts: killed, others } = extensionHosts(server);
          assert.ok(killed.length, `no extension host among:\n${others.join('\n')}`);
          for (const pid of killed) process.kill(pid, 'SIGKILL');
          // New ingest jobs run to their end; the crashed one stays held until the next schedule aborts it.
          org.bulk.switches.holdIngestJobsAfter = null;
          const crashedRequest = await eventually('the crashed request', () =>
            org.pushes.list().find((r) => !requestsBefore.includes(r.id)),
          );
          assert.equal(crashedRequest.status, 'Created', 'the crash left its request not started');

          // VS Code starts the extension host again by itself; the dead host's panel is closed.
          await eventually('a new extension host', () =>
            extensionHosts(server).hosts.find((pid) => !killed.includes(pid)),
          );
          await workbench.runCommand('View: Close All Editors');
          await workbench
            .treeItem(/^lmo-crash/)
            .first()
            .waitFor({ timeout: 60_000 });

          // The next schedule to the same owner org: the crashed job found, reported first, and gone.
          const second = await openPushPanel(workbench, version);
          const jobs = await schedule(workbench, second);
          await second.locator('#outcome', { hasText: `has ${jobs} jobs` }).waitFor({ timeout: 60_000 });
          const found = second.locator('#abandoned');
          await found.getByRole('heading', { name: /^Found first/ }).waitFor();
          const said = (await found.locator('li').allInnerTexts()).join('\n');
          assert.match(
            said,
            new RegExp(
              `${crashedJob}.*was still running; it was aborted now, after it had created 1 push job\\b.*Push request ${crashedRequest.id.slice(0, 15)}`,
            ),
          );
          assert.deepEqual(ingestJobs(), [], 'both ingest jobs deleted in the owner org');

          // Every text of the panel, "Found first" included, at 4.5:1 or better in each theme.
          const failures: string[] = [];
          for (const theme of themes) {
            await switchTheme(page, theme);
            const visible = await visibleWebview(page);
            await visible.waitForFunction(`document.body.classList.contains('${theme.bodyClass}')`);
            const measures = (await visible.evaluate(measureScript)) as Measure[];
            assert.ok(
              measures.some((m) => m.text.startsWith('Found first')),
              `${theme.label}: the Found first heading was not measured`,
            );
            for (const m of measures)
              if (m.ratio < MINIMUM)
                failures.push(
                  `${theme.label}: ${m.ratio}:1 “${m.text}” (${m.element}, ${m.foreground} on ${m.background})`,
                );
          }
          assert.deepEqual(failures, []);

          // The next steps, by the keyboard: Watch the Request, and the crashed request's view.
          const frame = await frameOf(second);
          await tabTo(page, frame, 'vscode-button#watch');
          const show = found.getByRole('button', { name: /^Show Push Request / });
          assert.equal(await show.count(), 1);
          await tabTo(page, frame, `vscode-button#${await show.getAttribute('id')}`);

          // Show Push Request (Enter): the crashed request, not started, with its one job, to abort or finish.
          await page.keyboard.press('Enter');
          const view = workbench.activeWebview();
          await view.locator('#requestStatus', { hasText: 'Created' }).waitFor({ timeout: 60_000 });
          assert.match(await view.locator('#jobs').innerText(), /\b1\b/);
          await view.locator('#abort').waitFor();
          await view.locator('#finish').waitFor();
        },
        {
          env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
          settings: { 'lma.pushUpgrade.ingestThreshold': 1 },
        },
      );
    } finally {
      org.bulk.release();
    }
  },
);
