import * as vscode from 'vscode';
import type { PackageNode } from '../views/nodes';
import { DashboardPanel, type DashboardServices } from '../webviews/dashboardPanel';

/** "Show Dashboard": for the whole LMO (its node, the palette) or for one package (its node). */
export function registerDashboardCommands(services: DashboardServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('lma.showDashboard', (node?: PackageNode | { kind: 'lmo' }) =>
      DashboardPanel.show(services, node?.kind === 'package' ? node.pkg : undefined),
    ),
  ];
}
