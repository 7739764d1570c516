import * as vscode from 'vscode';
import { connect, disconnect, promptRelogin, reconnect, switchTo, useLocalOrg } from './commands/connect';
import { registerExportCommands } from './commands/exportCommands';
import { registerLicenseCommands } from './commands/licenseCommands';
import { registerLicensingTermsCommands } from './commands/licensingTermsCommands';
import { registerLmoReportCommands } from './commands/lmoReportCommands';
import { registerNodeCommands } from './commands/nodeCommands';
import { registerTestInstallCommands } from './commands/testInstallCommands';
import { OrgChoice } from './commands/orgChoice';
import { ProjectLanguage } from './language/projectLanguage';
import { checkLmaPresence } from './lma/lmaPresence';
import { TestInstalls } from './lma/testInstallHistory';
import { LocalOrgLauncher } from './org/localOrg';
import { LmoSession, type SessionState } from './org/lmoSession';
import { LmoTreeProvider } from './views/lmoTree';
import { LmoTreeModel } from './views/lmoTreeModel';
import { reportAssociations, SetupProgress } from './views/setup';
import { LmoStatusBar } from './views/statusBar';
import { WorkspaceProject } from './views/workspaceProject';
import { commands, contextKeys, settings, views, workbenchCommands, type LmaState } from './ids';

/**
 * Wiring only: create the services, register every view and command, then (without awaiting) connect
 * to the remembered LMO. Nothing here loads the Salesforce libraries; see src/org/salesforceLoader.ts.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('LMA Explorer', { log: true });
  const session = new LmoSession({ log, checkLma: (request) => checkLmaPresence({ request }) });
  const choice = new OrgChoice(context.workspaceState);
  const localOrg = new LocalOrgLauncher(vscode.Uri.joinPath(context.globalStorageUri, 'local-org').fsPath);
  const project = new WorkspaceProject();
  const testInstalls = new TestInstalls(context.workspaceState);
  const tree = new LmoTreeModel(session, project, testInstalls);
  const treeProvider = new LmoTreeProvider(tree);
  const treeView = vscode.window.createTreeView(views.lmo, {
    treeDataProvider: treeProvider,
    showCollapseAll: true,
    canSelectMany: true,
  });
  const services = { session, choice, localOrg };
  const editorServices = {
    extensionUri: context.extensionUri,
    session,
    log,
    project,
    testInstalls,
    packages: () => tree.loadedPackages(),
    projectFile: () => project.projectFile(),
    showLicenses: async (subscriberOrgId: string) => {
      await tree.findLicenses(subscriberOrgId);
      await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
    },
    refreshTree: () => tree.refresh(),
    onDidReloadPackages: tree.onDidReload,
  };
  const setup = new SetupProgress({ ...editorServices, globalState: context.globalState });

  context.subscriptions.push(
    log,
    project,
    testInstalls,
    tree,
    treeProvider,
    treeView,
    new LmoStatusBar(session),
    { dispose: () => session.dispose() },
    { dispose: () => void localOrg.dispose() },
    session.onDidChangeState((state) => {
      void vscode.commands.executeCommand('setContext', contextKeys.state, contextState(state));
      if (state.kind === 'expired') void promptRelogin(services);
    }),
    vscode.commands.registerCommand(commands.connect, () => connect(services)),
    vscode.commands.registerCommand(commands.useLocalOrg, () => useLocalOrg(services)),
    vscode.commands.registerCommand(commands.disconnect, () => disconnect(services)),
    vscode.commands.registerCommand(commands.showLog, () => log.show()),
    vscode.commands.registerCommand(commands.reconnect, () => reconnect(services)),
    ...registerNodeCommands({ session, tree, treeView }),
    ...registerLicensingTermsCommands(editorServices),
    ...registerTestInstallCommands(editorServices),
    ...registerLmoReportCommands(editorServices),
    ...registerExportCommands(editorServices),
    ...registerLicenseCommands({ ...editorServices, licenseChanged: () => tree.licensesChanged() }),
    new ProjectLanguage(editorServices),
    setup,
    vscode.commands.registerCommand(commands.confirmPartnerConsole, () => setup.confirmPartnerConsole()),
    vscode.commands.registerCommand(commands.checkAssociations, () => reportAssociations(setup, project)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settings.lmo) && choice.target) void switchTo(services, choice.target);
    }),
  );

  void vscode.commands.executeCommand('setContext', contextKeys.state, contextState(session.state));
  const target = choice.target;
  if (target) void switchTo(services, target);
  log.info(`LMA Explorer activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {}

/** The `lma.state` context key that the welcome views and menus use. */
function contextState(state: SessionState): LmaState {
  if (state.kind === 'connected') return state.lma.installed ? 'connected' : 'noLma';
  return state.kind;
}
