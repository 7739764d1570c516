import * as vscode from 'vscode';
import { expirationWords, formatSeats, isExpired, isoDate, licenseRowSummary } from '../lma/rules/encodings';
import { licenseRefreshText } from '../lma/rules/licenseRefresh';
import { SET_BY_CUSTOMER } from '../lma/rules/featureParameters';
import { parameterKind, valueCounts } from './featureParameterNodes';
import { OTHER_STATUS, type LicenseGroupStatus } from '../lma/records/types';
import type { TestInstallOutcome } from '../lma/workflows/testInstall';
import { contextValue, type LicenseNode, type LmaNode, type TestInstallMark } from './nodes';
import { commands, setupWalkthroughId, workbenchCommands } from '../ids';
import { pushRequestItem, pushRequestsItem } from './pushRequestItems';

/** How the tree shows its nodes (`nodes.ts` says what they are, `lmoTreeModel.ts` what they hold). */

/** Refresh Licenses has no API: the button is on the package's record page. */
const REFRESH_HOW =
  'Once a week, with the button on the package’s page in Salesforce (no API): right-click the package → Open in Salesforce.';

const statusIcons: Record<LicenseGroupStatus, vscode.ThemeIcon> = {
  Active: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  Trial: new vscode.ThemeIcon('watch', new vscode.ThemeColor('charts.blue')),
  Suspended: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.orange')),
  Uninstalled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  Other: new vscode.ThemeIcon('question'),
};

/**
 * The tree groups licenses by the Status field (sfLma__Status__c): what Modify License and this
 * extension change, and what a bulk change of a group acts on. The LMA's own pages show License Status
 * (the record type's name), which can also say Expired; a license's tooltip shows it where it differs.
 */
const GROUPED_BY =
  'Grouped by the Status field (`sfLma__Status__c`). The LMA’s License Status (its record type) can differ, e.g. Expired: a license’s tooltip shows it.';
const groupTooltip = (status: LicenseGroupStatus): string =>
  status === OTHER_STATUS
    ? 'Licenses with no Status, or a Status other than Active, Trial, Suspended and Uninstalled (Salesforce doesn’t restrict the picklist).\n\n' +
      GROUPED_BY
    : `Licenses whose Status is ${status}.\n\n${GROUPED_BY}`;

const testInstallWords: Record<TestInstallOutcome, string> = {
  passed: 'test install passed',
  failed: 'test install differs',
  noLicense: 'test install: no License',
  installFailed: 'test install failed',
  cancelled: 'test install cancelled',
};

/**
 * `busy` shows a node at work (a spinning icon): the Packages node loading, a Load more running, a
 * package being refreshed. A package being test-installed spins too. `testInstall` adds a package's last test install to its description.
 */
export function toTreeItem(
  node: LmaNode,
  busy: boolean,
  testInstall?: TestInstallMark,
  lmaVersion?: string,
): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.kind) {
    case 'lmo': {
      const item = new vscode.TreeItem(node.org.alias ?? node.org.username, C.Expanded);
      item.description = `${node.org.orgId} · LMA ${lmaVersion ?? 'installed'}`;
      item.tooltip = new vscode.MarkdownString(
        `**License Management Org**\n\nUser: ${node.org.username}\n\nOrg id: ${node.org.orgId}\n\n${node.org.instanceUrl}`,
      );
      item.iconPath = new vscode.ThemeIcon('organization');
      return withId(item, node);
    }
    case 'packages': {
      const item = new vscode.TreeItem('Packages', C.Expanded);
      item.iconPath = new vscode.ThemeIcon(busy ? 'loading~spin' : 'package');
      // A MarkdownString: a plain string tooltip would also become the item's accessible name.
      item.tooltip = new vscode.MarkdownString(
        `The LMO's packages, their versions and their licenses by Status.\n\n${GROUPED_BY}`,
      );
      return withId(item, node);
    }
    case 'package': {
      const { pkg } = node;
      const item = new vscode.TreeItem(pkg.name, C.Collapsed);
      // The count first: the inline icons cover the end of the row on hover.
      item.description = [
        `${pkg.licenseTotal.toLocaleString('en-US')} ${pkg.licenseTotal === 1 ? 'license' : 'licenses'}`,
        pkg.latestVersion ? `v${pkg.latestVersion}` : undefined,
        testInstall?.running
          ? 'installing…'
          : testInstall?.last && testInstallWords[testInstall.last.outcome],
      ]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = new vscode.MarkdownString(
        `**${pkg.name}**\n\nPackage id: ${pkg.packageId ?? 'unknown'}\n\nLatest version: ${pkg.latestVersion ?? 'none'}\n\n` +
          Object.entries(pkg.licenseCounts)
            .map(([status, count]) => `${status}: ${count}`)
            .join(' · ') +
          `\n\nRefresh Licenses: ${licenseRefreshText(pkg, isoDate(new Date()))}. ${REFRESH_HOW}`,
      );
      item.iconPath = new vscode.ThemeIcon(busy || testInstall?.running ? 'loading~spin' : 'package');
      return withId(item, node, testInstall);
    }
    case 'versions': {
      const item = new vscode.TreeItem('Versions', C.Collapsed);
      item.description = String(node.pkg.versions.length);
      item.iconPath = new vscode.ThemeIcon('versions');
      return withId(item, node);
    }
    case 'version': {
      const { version } = node;
      const item = new vscode.TreeItem(version.versionNumber ?? version.name, C.None);
      item.description = [
        version.isBeta ? 'beta' : undefined,
        version.releaseDate,
        version.licenseTotal === undefined
          ? undefined
          : `${version.licenseTotal.toLocaleString('en-US')} licenses`,
      ]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = `${version.name}\nVersion id: ${version.versionId ?? 'unknown'}`;
      // Read out as the name with the counts (a string tooltip would otherwise be the accessible name).
      item.accessibilityInformation = { label: [version.name, item.description].filter(Boolean).join(' · ') };
      item.iconPath = new vscode.ThemeIcon(version.isBeta ? 'beaker' : 'tag');
      return withId(item, node);
    }
    case 'statusGroup': {
      const item = new vscode.TreeItem(node.status, C.Collapsed);
      item.description = node.count.toLocaleString('en-US');
      item.iconPath = statusIcons[node.status];
      item.tooltip = new vscode.MarkdownString(groupTooltip(node.status));
      return withId(item, node);
    }
    case 'license':
      return licenseItem(node);
    case 'loadMore': {
      const item = new vscode.TreeItem(busy ? 'Loading…' : 'Load more…', C.None);
      item.iconPath = new vscode.ThemeIcon(busy ? 'loading~spin' : 'fold-down');
      item.command = { command: commands.loadMore, title: 'Load More Licenses', arguments: [node] };
      return withId(item, node);
    }
    case 'search': {
      const item = new vscode.TreeItem(node.title ?? `Licenses matching “${node.text}”`, C.Expanded);
      item.description =
        node.licenses.length === 0
          ? 'none found'
          : node.more
            ? `first ${node.licenses.length.toLocaleString('en-US')}, more in the LMO`
            : String(node.licenses.length);
      item.iconPath = new vscode.ThemeIcon('search');
      return withId(item, node);
    }
    case 'workspacePackages': {
      const item = new vscode.TreeItem('Workspace Packages', C.Expanded);
      item.description = 'sfdx-project.json';
      item.iconPath = new vscode.ThemeIcon('folder-library');
      return withId(item, node);
    }
    case 'workspacePackage': {
      const item = new vscode.TreeItem(node.workspacePackage.name, C.None);
      if (node.lmoPackage) {
        item.description = `associated with ${node.lmoPackage.name}`;
        item.iconPath = new vscode.ThemeIcon('pass');
      } else {
        item.description = 'not associated: installs will not create licenses';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        const tooltip = new vscode.MarkdownString(
          `**${node.workspacePackage.name}** is not associated with this LMO, so installs will not create Leads or Licenses here.\n\n` +
            `Associate it in the Partner Console, then set its default licensing terms. ` +
            `[Open the setup walkthrough](command:${workbenchCommands.openWalkthrough}?${encodeURIComponent(JSON.stringify(setupWalkthroughId))})`,
        );
        tooltip.isTrusted = { enabledCommands: [workbenchCommands.openWalkthrough] };
        item.tooltip = tooltip;
      }
      return withId(item, node);
    }
    case 'featureParameters': {
      const item = new vscode.TreeItem('Feature Parameters', C.Collapsed);
      item.iconPath = new vscode.ThemeIcon('settings');
      // A Markdown tooltip, so that the item's accessible name stays its label (a string tooltip replaces it).
      item.tooltip = new vscode.MarkdownString(
        'The package’s feature parameters (Feature Management App) and how many Licenses hold each value.',
      );
      return withId(item, node);
    }
    case 'featureParameter': {
      const { parameter } = node;
      const item = new vscode.TreeItem(parameter.label, C.None);
      item.description = valueCounts(parameter);
      item.tooltip = new vscode.MarkdownString(
        `**${parameter.label}** (${parameter.fullName})\n\n${parameterKind(parameter)}` +
          (parameter.introducedIn ? ` · introduced in ${parameter.introducedIn}` : '') +
          `\n\nLicenses by value: ${valueCounts(parameter)}` +
          (parameter.direction === 'SubscriberToLmo' ? `\n\n${SET_BY_CUSTOMER}` : ''),
      );
      item.iconPath = new vscode.ThemeIcon(
        parameter.type === 'Boolean'
          ? 'symbol-boolean'
          : parameter.type === 'Integer'
            ? 'symbol-number'
            : 'calendar',
      );
      return withId(item, node);
    }
    case 'pushRequests':
      return withId(pushRequestsItem(node), node);
    case 'pushRequest':
      return withId(pushRequestItem(node), node);
    case 'message': {
      const item = new vscode.TreeItem(node.label, C.None);
      item.iconPath = new vscode.ThemeIcon(
        node.icon === 'loading' ? 'loading~spin' : node.icon,
        node.icon === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined,
      );
      item.tooltip = node.detail;
      item.description = node.retry ? 'click to retry' : undefined;
      item.command = node.retry;
      return withId(item, node);
    }
  }
}

function licenseItem(node: LicenseNode): vscode.TreeItem {
  const { license } = node;
  const expired = isExpired(license.expiration);
  const item = new vscode.TreeItem(
    license.customerName ?? license.subscriberOrgId ?? license.name,
    vscode.TreeItemCollapsibleState.None,
  );
  // What matters first and short, for the default side-bar width; the tooltip says the rest. In search
  // results, the package and the org id's last characters tell same-named customers apart.
  item.description = [
    node.packageName,
    node.packageName && license.subscriberOrgId ? `org …${license.subscriberOrgId.slice(-5)}` : undefined,
    licenseRowSummary(license),
    license.isSandbox ? 'sandbox' : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  // A Status the LMA's record type didn't follow (an API write), except the LMA's own Expired trials.
  const behind =
    !!license.licenseStatus &&
    license.licenseStatus !== license.status &&
    !(license.licenseStatus === 'Expired' && license.status === 'Trial');
  const open = `command:${commands.openInSalesforce}?${encodeURIComponent(
    JSON.stringify([{ kind: 'license', license: { id: license.id } }]),
  )}`;
  item.tooltip = new vscode.MarkdownString(
    [
      `**${license.name}** · ${license.status}${expired ? ' (expired)' : ''}${node.packageName ? ` · ${node.packageName}` : ''}`,
      ...(license.licenseStatus && license.licenseStatus !== license.status
        ? [`License Status (the LMA's record type): ${license.licenseStatus}`]
        : []),
      ...(behind
        ? [
            `The LMA still counts it as ${license.licenseStatus} in its list views and reports: its record type didn't follow the Status. [Open in Salesforce](${open}) and finish the change on the Modify License page.`,
          ]
        : []),
      `Subscriber org: ${license.customerName ?? ''} \`${license.subscriberOrgId ?? 'unknown'}\``,
      `Seats: ${formatSeats(license.seats)}${license.usedLicenses !== undefined ? ` (${license.usedLicenses} used)` : ''}`,
      `Expiration: ${expirationWords(license.expiration)}`,
      `Version: ${license.versionNumber ?? 'unknown'} · Installed ${license.installDate ?? 'unknown'}`,
    ].join('\n\n'),
  );
  if (behind) item.tooltip.isTrusted = { enabledCommands: [commands.openInSalesforce] };
  const status = license.status as LicenseGroupStatus;
  item.iconPath = expired
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : (statusIcons[status] ?? new vscode.ThemeIcon('key'));
  return withId(item, node);
}

function withId(item: vscode.TreeItem, node: LmaNode, testInstall?: TestInstallMark): vscode.TreeItem {
  item.id = node.id;
  item.contextValue = contextValue(node, testInstall);
  return item;
}
