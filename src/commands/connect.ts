import * as vscode from 'vscode';
import type { AuthorizedOrg } from '../org/connection';
import { LOCAL_ORG_ALIAS, type LocalOrgLauncher } from '../org/localOrg';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';
import { loadSalesforce } from '../org/salesforceLoader';
import { commands } from '../ids';

/** Connecting and disconnecting the LMO, and its log. */
export function connectCommands(services: Services) {
  return {
    [commands.connect]: () => connect(services),
    [commands.useLocalOrg]: () => useLocalOrg(services),
    [commands.disconnect]: () => disconnect(services),
    [commands.reconnect]: () => reconnect(services),
    [commands.showLog]: () => services.log.show(),
  } satisfies Partial<CommandHandlers>;
}

/** Salesforce's login servers (a My Domain URL works too). */
const PRODUCTION_LOGIN_URL = 'https://login.salesforce.com';
const SANDBOX_LOGIN_URL = 'https://test.salesforce.com';

type Pick = vscode.QuickPickItem & { run?: () => Promise<string | undefined> };

/** LMA: Connect License Management Org… — CLI-authorized orgs, a new login, or the local org. */
async function connect(services: Services): Promise<void> {
  const picked = await vscode.window.showQuickPick(orgPicks(services), {
    title: 'Connect License Management Org',
    placeHolder: 'Choose the org where the License Management App runs',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  const target = await picked?.run?.();
  if (target) await switchTo(services, target);
}

async function useLocalOrg(services: Services): Promise<void> {
  const target = await startLocalOrg(services.localOrg);
  if (target) await switchTo(services, target);
}

/** Connects and remembers the choice for this workspace (unless the lma.lmo setting pins another). */
export async function switchTo(services: Services, target: string): Promise<void> {
  const { session, choice, localOrg } = services;
  if (target === LOCAL_ORG_ALIAS && !(await startLocalOrg(localOrg))) return;
  if (!choice.isPinned) await choice.remember(target);
  const state = await session.connect(target);
  if (state.kind === 'failed')
    void vscode.window
      .showErrorMessage(`Could not connect to ${target}: ${state.error.message}`, 'Try Again', 'Show Log')
      .then((action) => {
        if (action === 'Try Again') void switchTo(services, target);
        if (action === 'Show Log') void vscode.commands.executeCommand(commands.showLog);
      });
}

/** Forgets this workspace's org and closes the session. */
async function disconnect({ session, choice }: Services): Promise<void> {
  await choice.remember(undefined);
  session.disconnect();
}

/** Try Again after a failed or expired connection: the same org, or the chosen one. */
function reconnect(services: Services): Promise<void> {
  const state = services.session.state;
  const target = state.kind === 'failed' || state.kind === 'expired' ? state.target : services.choice.target;
  return target ? switchTo(services, target) : connect(services);
}

/**
 * Called once per transition to "expired" (never per failed request), so the user sees one prompt.
 * "Log In Again" runs the browser login for the same login URL, then reconnects the same user.
 */
export async function promptRelogin(services: Services): Promise<void> {
  const state = services.session.state;
  if (state.kind !== 'expired') return;
  const action = await vscode.window.showWarningMessage(
    `The session to ${state.target} has expired. Log in again to keep working with its licenses.`,
    'Log In Again',
    'Choose Another Org',
  );
  if (action === 'Choose Another Org') return connect(services);
  if (action !== 'Log In Again') return;
  if (state.target === LOCAL_ORG_ALIAS) return switchTo(services, LOCAL_ORG_ALIAS);
  const loginUrl = state.org?.loginUrl ?? PRODUCTION_LOGIN_URL;
  const username = await browserLogin(services, loginUrl, undefined);
  if (username) await switchTo(services, username);
}

async function orgPicks(services: Services): Promise<Pick[]> {
  const { session, localOrg } = services;
  const salesforce = await loadSalesforce();
  const orgs = await salesforce.listAuthorizedOrgs().catch((error: unknown) => {
    void vscode.window.showWarningMessage(`Could not read the Salesforce CLI's orgs: ${String(error)}`);
    return [] as AuthorizedOrg[];
  });
  const current = session.state.kind === 'connected' ? session.state.org.username : undefined;
  const authorized: Pick[] = orgs
    .filter((org) => org.aliases[0] !== LOCAL_ORG_ALIAS)
    .map((org) => ({
      label: `${org.username === current ? '$(check)' : '$(cloud)'} ${org.aliases[0] ?? org.username}`,
      description: org.aliases.length ? org.username : undefined,
      detail: [
        org.instanceUrl,
        org.isSandbox ? 'sandbox' : undefined,
        org.isExpired === true ? 'expired' : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      run: async () => org.username,
    }));
  return [
    ...(authorized.length
      ? [{ label: 'Orgs authorized with the Salesforce CLI', kind: vscode.QuickPickItemKind.Separator }]
      : []),
    ...authorized,
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(globe) Log in to a new org…',
      detail: 'Opens the Salesforce login page in your browser (production, sandbox or a My Domain URL)',
      run: () => pickLoginUrlAndLogIn(services),
    },
    {
      label: '$(beaker) Use the local org (demo data)',
      detail: 'An LMO with demo packages and licenses that runs inside VS Code: no Salesforce account needed',
      run: () => startLocalOrg(localOrg),
    },
  ];
}

async function pickLoginUrlAndLogIn(services: Services): Promise<string | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'Production or Developer Edition', url: PRODUCTION_LOGIN_URL },
      { label: 'Sandbox', url: SANDBOX_LOGIN_URL },
      { label: 'My Domain URL…', url: '' },
    ].map((option) => ({ ...option, description: option.url })),
    { title: 'Log in to a new org', placeHolder: 'Where does the License Management Org live?' },
  );
  if (!choice) return undefined;
  const loginUrl =
    choice.url ||
    (await vscode.window.showInputBox({
      title: 'My Domain login URL',
      placeHolder: 'https://mycompany.my.salesforce.com',
      // http only on this machine: a local org (lma-local-org start) is a login server too.
      validateInput: (value) =>
        /^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$)/.test(value.trim())
          ? undefined
          : 'Enter an https:// URL (or http://127.0.0.1:PORT for a local org)',
    }));
  if (!loginUrl) return undefined;
  const alias = await vscode.window.showInputBox({
    title: 'Alias for the org (optional)',
    placeHolder: 'lmo',
    validateInput: (value) =>
      /^[\w.-]*$/.test(value) ? undefined : 'Letters, digits, ".", "_" and "-" only',
  });
  return browserLogin(services, loginUrl.trim(), alias || undefined);
}

async function browserLogin(
  services: Services,
  loginUrl: string,
  alias: string | undefined,
): Promise<string | undefined> {
  const salesforce = await loadSalesforce();
  // A browser may block the tab (VS Code in a browser, code-server) or the user may close it: the
  // notification keeps a way to open the login page until the login completes.
  const openLoginPage = (url: string) => {
    void vscode.window
      .showInformationMessage(`Finish logging in at ${loginUrl} in your browser.`, 'Open Login Page')
      .then((action) => action && services.openExternal(url));
    return services.openExternal(url);
  };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Logging in at ${loginUrl}…` },
    () =>
      salesforce.loginWithBrowser(loginUrl, openLoginPage, alias).catch((error: unknown) => {
        void vscode.window.showErrorMessage(
          `Login failed: ${error instanceof Error ? error.message : error}`,
        );
        return undefined;
      }),
  );
}

async function startLocalOrg(localOrg: LocalOrgLauncher): Promise<string | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Starting the local org…' },
    () =>
      localOrg.start().catch((error: unknown) => {
        void vscode.window.showErrorMessage(
          `Could not start the local org: ${error instanceof Error ? error.message : error}`,
        );
        return undefined;
      }),
  );
}
