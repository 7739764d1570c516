import * as vscode from 'vscode';
import { describeJobs, isRunning } from '../lma/rules/pushRequests';
import { describeSchedule } from '../lma/rules/pushUpgrade';
import type { PushRequestNode, PushRequestsNode } from './nodes';
import { commands } from '../ids';

/** How the tree shows a package's Push Upgrades node and its requests (`pushRequestsModel.ts` loads them). */

const statusIcons: Record<string, vscode.ThemeIcon> = {
  Created: new vscode.ThemeIcon('circle-outline'),
  Pending: new vscode.ThemeIcon('clock'),
  'In Progress': new vscode.ThemeIcon('sync~spin'),
  Succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  Failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  Canceled: new vscode.ThemeIcon('circle-slash'),
};

export function pushRequestsItem(node: PushRequestsNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Push Upgrades', vscode.TreeItemCollapsibleState.Collapsed);
  item.description = node.owner.replace(/^Pushes run in /, 'in ');
  item.tooltip = new vscode.MarkdownString(
    `**Push Upgrades of ${node.pkg.name}**\n\n${node.owner}.\n\nThe latest requests, newest first; refreshed while one runs.`,
  );
  item.iconPath = new vscode.ThemeIcon('cloud-upload');
  return item;
}

/** When a request was or will be: its schedule, start and end, in local time (the tooltip adds UTC). */
export function pushRequestItem(node: PushRequestNode): vscode.TreeItem {
  const { request } = node;
  const when = request.startTime ?? request.scheduledStartTime ?? request.createdDate;
  const item = new vscode.TreeItem(
    `${node.versionNumber ? `To ${node.versionNumber}` : 'Push'}${when ? ` · ${short(when)}` : ''}`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.description = `${request.status} · ${describeJobs(request.jobs)}`;
  const time = (label: string, at: string | undefined) =>
    at ? [`${label}: ${describeSchedule(new Date(at)).both}`] : [];
  item.tooltip = new vscode.MarkdownString(
    [
      `**Push request \`${request.id}\`** · ${request.status}${isRunning(request.status) ? ' (refreshing)' : ''}`,
      `Version: ${node.versionNumber ?? 'unknown'} \`${request.versionId}\``,
      ...time('Scheduled', request.scheduledStartTime),
      ...time('Started', request.startTime),
      ...time('Ended', request.endTime),
      ...time('Created', request.createdDate),
      `Jobs: ${describeJobs(request.jobs)}`,
    ].join('\n\n'),
  );
  item.iconPath = statusIcons[request.status] ?? new vscode.ThemeIcon('cloud-upload');
  item.command = { command: commands.showPushRequest, title: 'Show Request', arguments: [node] };
  return item;
}

function short(at: string): string {
  return describeSchedule(new Date(at)).local.replace(/ \(UTC.*\)$/, '');
}
