import type * as vscode from 'vscode';
import type { Services } from '../services';
import { CustomerPanel } from './customerPanel';
import { DashboardPanel } from './dashboardPanel';
import { HealthReportPanel } from './healthReportPanel';
import { LicensePanel } from './licensePanel';
import { LicensingTermsPanel } from './licensingTermsPanel';
import { PushRequestPanel } from './pushRequestPanel';
import { TestInstallReportPanel } from './testInstallReportPanel';
import { UsagePanel } from './usagePanel';

/**
 * The serializers of every panel type, registered in activate(): a panel open when the window reloads
 * opens again with what it showed (package.json has an `onWebviewPanel:` activation event for each).
 */
export function registerPanels(services: Services): vscode.Disposable[] {
  return [
    CustomerPanel.register(services),
    DashboardPanel.register(services),
    HealthReportPanel.register(services),
    LicensePanel.register(services),
    LicensingTermsPanel.register(services),
    PushRequestPanel.register(services),
    TestInstallReportPanel.register(services),
    UsagePanel.register(services),
  ];
}
