import * as vscode from 'vscode';
import { registerCommands, type CommandHandlers } from './commands/commandTable';
import { connectCommands, promptRelogin, switchTo } from './commands/connect';
import { exportCommands } from './commands/exportCommands';
import { featureParameterCommands } from './commands/featureParameterCommands';
import { customerCommands } from './commands/customerCommands';
import { licenseCommands } from './commands/licenseCommands';
import { pushUpgradeActions, pushUpgradeCommands } from './commands/pushUpgradeCommands';
import { pushRequestCommands } from './commands/pushRequestCommands';
import { licensingTermsCommands } from './commands/licensingTermsCommands';
import { lmoReportCommands } from './commands/lmoReportCommands';
import { usageCommands } from './commands/usageCommands';
import { nodeCommands } from './commands/nodeCommands';
import { setupCommands } from './commands/setupCommands';
import { testInstallCommands } from './commands/testInstallCommands';
import { commandPipeline } from './commands/vscodePipeline';
import { contextKeys, settings, type LmaState } from './ids';
import { ProjectLanguage } from './language/projectLanguage';
import type { SessionState } from './org/lmoSession';
import { createServices } from './services';
import { LmoStatusBar } from './views/statusBar';
import { registerPanels } from './webviews/panels';

/**
 * Wiring only: create the services, register every view and command, then (without awaiting) connect
 * to the remembered LMO. Nothing here loads the Salesforce libraries; see src/org/salesforceLoader.ts.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const { services, disposables } = createServices(context);
  const { session, choice, log } = services;
  // Every command of src/ids.ts must have a handler here, or this does not compile.
  const handlers: CommandHandlers = {
    ...connectCommands(services),
    ...nodeCommands(services),
    ...licensingTermsCommands(services),
    ...testInstallCommands(services),
    ...lmoReportCommands(services),
    ...usageCommands(services),
    ...setupCommands(services),
    ...exportCommands(services),
    ...featureParameterCommands(services),
    ...licenseCommands(services),
    ...pushUpgradeCommands(services),
    ...pushRequestCommands(services),
    ...customerCommands(services),
  };

  context.subscriptions.push(
    ...disposables,
    new LmoStatusBar(session),
    new ProjectLanguage(services),
    session.onDidChangeState((state) => {
      void vscode.commands.executeCommand('setContext', contextKeys.state, contextState(state));
      if (state.kind === 'expired') void promptRelogin(services);
    }),
    ...registerCommands(handlers, commandPipeline(services)),
    ...registerPanels(services, { pushUpgrade: pushUpgradeActions(services) }),
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
  if (state.kind === 'connected')
    return state.lma.kind === 'installed'
      ? 'connected'
      : state.lma.kind === 'noAccess'
        ? 'noLmaAccess'
        : 'noLma';
  return state.kind;
}
