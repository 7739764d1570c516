import type * as vscode from 'vscode';
import type { Services } from '../services';
import { CustomerPanel } from './customerPanel';
import { DashboardPanel } from './dashboardPanel';
import { HealthReportPanel } from './healthReportPanel';
import { LicensePanel } from './licensePanel';
import { LicensingTermsPanel } from './licensingTermsPanel';
import { PushUpgradePanel, type PushUpgradeActions } from './pushUpgradePanel';
import { PushRequestPanel } from './pushRequestPanel';
import { TestInstallReportPanel } from './testInstallReportPanel';
import { UsagePanel } from './usagePanel';

/**
 * The serializers of every panel type, registered in activate(): a panel open when the window reloads
 * opens again with what it showed (package.json has an `onWebviewPanel:` activation event for each).
 * `actions` are what a panel runs through the commands (the push panel's pipeline and watch flow).
 */
export function registerPanels(
  services: Services,
  actions: { pushUpgrade: PushUpgradeActions },
): vscode.Disposable[] {
  return [
    CustomerPanel.register(services),
    DashboardPanel.register(services),
    HealthReportPanel.register(services),
    LicensePanel.register(services),
    LicensingTermsPanel.register(services),
    PushUpgradePanel.register(services, actions.pushUpgrade),
    PushRequestPanel.register(services),
    TestInstallReportPanel.register(services),
    UsagePanel.register(services),
  ];
}
