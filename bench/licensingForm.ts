// Benchmark of the default-licensing form in code-server (issue 7):
//   command → first render = from Enter on "Edit Default Licensing…" in a package's context menu to
//                            the form's heading in the webview (a fresh panel each run)
//   bundle                 = dist/webviews/licensingTerms.js as packaged (minified), and gzipped
// Run after `npm run package`: node --import tsx bench/licensingForm.ts (prints a table; target 500 ms)
import { home } from '../test/integration/isolatedHome.ts';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startLocalOrg } from 'lma-local-org';
import { authorizeWithRefreshToken } from '../src/org/salesforce.ts';
import { demoProject } from '../scripts/demoProject.ts';
import { repoRoot } from '../scripts/codeServer.ts';
import { withSession } from '../test/e2e/harness.ts';

const RUNS = 10;

async function main() {
  const org = await startLocalOrg({ seed: 'demo' });
  const times: number[] = [];
  try {
    await authorizeWithRefreshToken({
      loginUrl: org.instanceUrl,
      refreshToken: org.orgs.lmo.refreshToken,
      alias: 'lmo-bench',
    });
    await withSession(
      'bench-licensing-form',
      async ({ workbench, page }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-bench');
        await workbench.expandTreeItem(/^Packages/);
        const packageItem = workbench.treeItem('Acme Billing').first();
        await packageItem.waitFor({ timeout: 30_000 });
        for (let run = 0; run < RUNS; run++) {
          await workbench.runCommand('View: Close All Editors');
          await packageItem.click({ button: 'right' });
          const menu = page.locator('.context-view .monaco-menu');
          await menu.getByRole('menuitem', { name: 'Edit Default Licensing…' }).first().hover();
          await menu
            .locator('.action-item.focused')
            .getByRole('menuitem', { name: 'Edit Default Licensing…' })
            .waitFor();
          const started = performance.now();
          await page.keyboard.press('Enter');
          await workbench
            .activeWebview()
            .getByRole('heading', { name: 'Default Licensing: Acme Billing' })
            .waitFor({ timeout: 30_000 });
          times.push(performance.now() - started);
        }
      },
      { projectJson: demoProject(org.console.packages()), env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' } },
    );
  } finally {
    await org.close();
  }

  const sorted = [...times].sort((a, b) => a - b);
  const bundle = fs.readFileSync(path.join(repoRoot, 'dist', 'webviews', 'licensingTerms.js'));
  console.table([
    {
      measure: `Form: command → first render (${RUNS} runs)`,
      median: `${sorted[Math.floor(RUNS / 2)]!.toFixed(0)} ms`,
      range: `${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)} ms`,
      target: '500 ms',
    },
    {
      measure: 'Form: webview bundle (minified / gzipped)',
      median: `${(bundle.length / 1024).toFixed(1)} KB / ${(gzipSync(bundle).length / 1024).toFixed(1)} KB`,
      range: '',
      target: '',
    },
  ]);
}

void main();
