import type { PackageNode } from '../views/nodes';
import { DashboardPanel } from '../webviews/dashboardPanel';
import { HealthReportPanel } from '../webviews/healthReportPanel';
import { commands } from '../ids';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';

/**
 * The LMO's reports: "Show Dashboard" for the whole LMO (its node, the palette) or one package (its
 * node), and "Check LMO Health".
 */
export function lmoReportCommands(services: Services) {
  return {
    [commands.showDashboard]: (node?: PackageNode | { kind: 'lmo' }) =>
      DashboardPanel.show(services, node?.kind === 'package' ? node.pkg : undefined),
    [commands.checkLmoHealth]: () => HealthReportPanel.show(services),
  } satisfies Partial<CommandHandlers>;
}
