// The customer view in code-server against the local org: Find License by a subscriber org id, Open
// Customer on the result, see the org and its five packages' Licenses, then Log In to Subscriber Org
// opens the LMA's subscriber login page (the local org's, which names the org) in a new tab. The LMO has
// the Feature Management App and Acme Billing declares feature parameters: a Boolean turned on by keyboard
// in the view reaches the customer's org. Where the API says the user lacks "Log In to Subscriber
// Organization", Log In to Subscriber Org is refused before anything opens.
import { home } from '../integration/isolatedHome.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { featureParameters } from 'lma-local-org/testing';
import { demoProject } from '../../scripts/demoProject.ts';
import { authorizeWithRefreshToken } from '../../src/org/salesforce.ts';
import { customerWithFivePackages } from '../integration/lma/customerWorld.ts';
import { eventually, extensionLog, withSession } from './harness.ts';

let org: LocalOrg;
let customer: { orgId: string };

before(async () => {
  org = await startLocalOrg({
    seed: 'demo',
    fma: true,
    installDelayMs: 0,
    timing: { licenseDelayMs: 0, fmaToSubscriberMs: 0 },
    appAnalytics: { completeAfterMs: 0 },
  });
  // Declared before the customer installs, so its Acme Billing License gets the parameters' values.
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await org.console.declareFeatureParameters(billing.id, featureParameters('BetaReports', 'ActiveUsers'));
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'lmo-customer',
  });
  customer = await customerWithFivePackages(org, 'Fabrikam Five');
});
after(async () => {
  await org?.close();
});

/** The App Analytics requests the LMO holds (read as the LMO's own user, beside the extension). */
async function analyticsRequests(): Promise<number> {
  const res = await fetch(
    `${org.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM AppAnalyticsQueryRequest')}`,
    { headers: { Authorization: `Bearer ${org.orgs.lmo.accessToken as string}` } },
  );
  assert.equal(res.status, 200);
  return ((await res.json()) as { totalSize: number }).totalSize;
}

test(
  'Find License → Open Customer shows the org and its five Licenses; Log In to Subscriber Org opens the login page',
  { timeout: 300_000 },
  async () => {
    await withSession(
      'customer',
      async ({ workbench, page, server, saveArtifacts }) => {
        await workbench.openViewContainer('License Management');
        await workbench.connectTo('lmo-customer');
        await workbench.expandTreeItem(/^Packages/);

        await workbench.runCommand('LMA: Find License');
        const box = page.locator('.quick-input-widget');
        await box.locator('.quick-input-title', { hasText: 'Find License' }).waitFor();
        await box.locator('input').fill(customer.orgId);
        await box.locator('input').press('Enter');
        const result = workbench.treeItem(/Fabrikam Five/).first();
        await result.waitFor({ timeout: 30_000 });

        await workbench.dismissHover();
        await workbench.contextMenu(result, 'Open Customer');
        const view = workbench.activeWebview();
        await view.getByRole('heading', { name: 'Fabrikam Five', level: 1 }).waitFor({ timeout: 30_000 });
        await view.getByRole('heading', { name: 'Licenses (5)' }).waitFor();
        assert.match(await view.locator('#read-at').innerText(), /Read from lmo-customer at/);
        const orgFacts = await view.getByRole('definition').allInnerTexts();
        assert.ok(
          orgFacts.some((t) => t.includes(customer.orgId.slice(0, 15))),
          orgFacts.join(' | '),
        );
        // Each License has the tree's actions (a Trial: Extend Trial) and Open in Salesforce.
        assert.ok((await view.getByRole('button', { name: 'Extend Trial…' }).count()) >= 1);
        await saveArtifacts('customer-view');

        // Feature parameters: Acme Billing's License shows its two, the Subscriber-to-LMO one read-only (its
        // one switch is Beta Reports; vscode-checkbox does not keep aria-label on its host element).
        const billing = view.getByRole('article', { name: /^Acme Billing · / });
        await billing.getByRole('heading', { name: /^Feature parameters of Acme Billing/ }).waitFor();
        const beta = billing.locator('vscode-checkbox').first();
        await beta.waitFor({ timeout: 30_000 });
        await billing
          .getByText('Set by the customer’s org; arrives within 24 hours', { exact: false })
          .waitFor();
        // Keyboard: Space turns Beta Reports on; Enter on its Save button saves (no confirmation for on).
        await beta.focus();
        await page.keyboard.press('Space');
        const save = billing.getByRole('button', { name: 'Save Beta Reports' });
        await eventually('Save Beta Reports enabled', async () =>
          (await save.getAttribute('disabled')) === null ? true : undefined,
        );
        await save.focus();
        await save.press('Enter');
        await billing
          .getByRole('status')
          .filter({ hasText: /Beta Reports off → on/ })
          .waitFor();
        const reached = await eventually('Beta Reports on in the customer’s org', async () =>
          (await org.subscriber.featureParameters(customer.orgId)).find(
            (v) => v.fullName === 'BetaReports' && v.value === true,
          ),
        );
        assert.equal(reached.direction, 'LmoToSubscriber');

        // Usage (App Analytics): opening the view asked nothing (no request in the LMO); Load Usage, by
        // keyboard, asks about this org and shows each package's users per month as a chart and a table.
        const usage = view.locator('#usage');
        const load = usage.getByRole('button', { name: 'Load Usage', exact: true });
        await load.waitFor({ timeout: 30_000 });
        assert.equal(await analyticsRequests(), 0, 'the view opened without an App Analytics request');
        await load.focus();
        await load.press('Enter');
        const usersTable = usage.getByRole('table', { name: /^Active users of .+ per month$/ }).first();
        await usersTable.waitFor({ timeout: 60_000 });
        assert.equal(await analyticsRequests(), 5, 'one request per package, about this org');
        const months = await usersTable.locator('tbody tr').allInnerTexts();
        assert.equal(months.length, 11, months.join(' | '));
        assert.ok(
          months.every((m) => /^\d{4}-\d\d\s+\d+$/.test(m.trim())),
          months.join(' | '),
        );
        await usage.locator('svg.chart').first().waitFor();
        assert.match(await usage.locator('.risk').first().innerText(), /^(At risk|Not at risk): /);
        await usage.getByRole('button', { name: 'Refresh Usage' }).waitFor();
        await saveArtifacts('customer-usage');

        // Keyboard: Log In to Subscriber Org is a button reached by Tab; Enter opens the LMO's front door
        // in a new tab, on its way to the LMA's subscriber login page for this org.
        const requested: string[] = [];
        page.context().on('request', (request) => requested.push(request.url()));
        const logIn = view.getByRole('button', { name: 'Log In to Subscriber Org' });
        const opened = page.context().waitForEvent('page', { timeout: 60_000 });
        await logIn.focus();
        await logIn.press('Enter');
        await opened;
        const frontDoor = await eventually('the front door request', () =>
          requested.find((u) => u.includes('/secur/frontdoor.jsp')),
        );
        // The front door's retURL arrives as Salesforce expects it: the login page's path and its own
        // query, encoded once (the extension hands VS Code the URL as a string: Services.openExternal;
        // through `vscode.Uri.parse` its `?` and `=` came encoded a second time). Then it is followed to
        // the local org itself, as a browser on a real LMO would.
        const params = new URL(frontDoor).searchParams;
        assert.equal(
          params.get('retURL'),
          `/partnerbt/lmo/subOrgLogin.apexp?directLoginOrgId=${customer.orgId}`,
        );
        assert.match(
          frontDoor,
          /[?&]retURL=%2Fpartnerbt%2Flmo%2FsubOrgLogin\.apexp%3FdirectLoginOrgId%3D00D/,
        );
        const door = await fetch(`${org.instanceUrl}/secur/frontdoor.jsp?${params}`, { redirect: 'manual' });
        assert.equal(door.status, 302);
        const login = await fetch(new URL(door.headers.get('location')!, org.instanceUrl), {
          headers: { cookie: door.headers.get('set-cookie')!.split(';')[0]! },
        });
        assert.equal(login.status, 200);
        assert.match(await login.text(), /<h1>Logged in to subscriber org Fabrikam Five<\/h1>/);

        // The other reading of the API: UserPermissionAccess exposes "Log In to Subscriber Organization"
        // and this user lacks it. A new connection reads it (once); Log In is then refused in the view
        // and in a notification naming the permission, before any request reaches the login page, and
        // Open Permission Sets opens Setup's Permission Sets through the front door.
        org.lmo.subscriberLogin({ fieldExposed: true, granted: false });
        // The view shows the same heading before and after: the new connection is waited for in the log.
        const connections = () => extensionLog(server).match(/Connected to /g)?.length ?? 0;
        const earlier = connections();
        await workbench.connectTo('lmo-customer');
        await eventually('the new connection', () => (connections() > earlier ? true : undefined));
        await view.getByRole('heading', { name: 'Fabrikam Five', level: 1 }).waitFor({ timeout: 30_000 });
        const pageRequests = org.lmo.subscriberLogin().pageRequests;
        requested.length = 0;
        await logIn.focus();
        await logIn.press('Enter');
        await view
          .getByRole('alert')
          .filter({ hasText: /"Log In to Subscriber Organization" permission/ })
          .waitFor({ timeout: 30_000 });
        await workbench.waitForNotification(/"Log In to Subscriber Organization" permission/);
        const setup = page.context().waitForEvent('page', { timeout: 60_000 });
        await page
          .locator('.notifications-toasts')
          .getByRole('button', { name: 'Open Permission Sets' })
          .click();
        await setup;
        const permissionSets = await eventually('the Permission Sets front door request', () =>
          requested.find((u) => u.includes('/secur/frontdoor.jsp')),
        );
        assert.equal(new URL(permissionSets).searchParams.get('retURL'), '/lightning/setup/PermSets/home');
        assert.ok(!requested.some((u) => u.includes('subOrgLogin')), requested.join('\n'));
        assert.equal(org.lmo.subscriberLogin().pageRequests, pageRequests);
      },
      {
        projectJson: demoProject(org.console.packages()),
        env: { HOME: home, SF_DISABLE_TELEMETRY: 'true' },
      },
    );
  },
);
