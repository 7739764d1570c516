import * as vscode from 'vscode';
import type { PackageNode } from '../views/nodes';
import { DashboardPanel, type DashboardServices } from '../webviews/dashboardPanel';
import { HealthReportPanel } from '../webviews/healthReportPanel';
import { commands } from '../ids';

/**
 * The LMO's reports: "Show Dashboard" for the whole LMO (its node, the palette) or one package (its
 * node), and "Check LMO Health".
 */
export function registerLmoReportCommands(services: DashboardServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(commands.showDashboard, (node?: PackageNode | { kind: 'lmo' }) =>
      DashboardPanel.show(services, node?.kind === 'package' ? node.pkg : undefined),
    ),
    vscode.commands.registerCommand(commands.checkLmoHealth, () => HealthReportPanel.show(services)),
  ];
}
