import * as vscode from 'vscode';
import type { LmoSession, SessionState } from '../org/lmoSession';
import { commands, statusBarItems } from '../ids';
import { noAccessAdvice } from '../lma/records/lmaPresence';

/** The LMO in the status bar: who, in what condition, and today's API calls. Click to switch orgs. */
export class LmoStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    statusBarItems.lmo,
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly session: LmoSession) {
    this.item.name = 'License Management Org';
    this.item.command = commands.connect;
    this.subscriptions = [
      this.item,
      session.onDidChangeState(() => this.render()),
      session.onDidChangeApiUsage(() => this.render()),
    ];
    this.render();
    this.item.show();
  }

  private render(): void {
    const state = this.session.state;
    const usage = this.session.apiUsage;
    const { text, tooltip, warning } = describe(state);
    const calls = usage
      ? ` · ${usage.used.toLocaleString('en-US')}/${usage.limit.toLocaleString('en-US')}`
      : '';
    this.item.text = `${text}${state.kind === 'connected' ? calls : ''}`;
    this.item.tooltip = [
      tooltip,
      usage && state.kind === 'connected'
        ? `API calls today: ${usage.used.toLocaleString('en-US')} of ${usage.limit.toLocaleString('en-US')}`
        : undefined,
      this.session.apiLimitReached ? 'The org is out of API calls for today.' : undefined,
      'Click to choose the License Management Org.',
    ]
      .filter(Boolean)
      .join('\n');
    this.item.backgroundColor =
      warning || this.session.apiLimitReached
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function describe(state: SessionState): { text: string; tooltip: string; warning: boolean } {
  switch (state.kind) {
    case 'disconnected':
      return { text: '$(plug) LMO', tooltip: 'No License Management Org connected.', warning: false };
    case 'connecting':
      return {
        text: `$(sync~spin) ${state.target}`,
        tooltip: `Connecting to ${state.target}…`,
        warning: false,
      };
    case 'connected':
      return {
        text: `$(${state.lma.kind === 'installed' ? 'organization' : 'warning'}) ${state.org.alias ?? state.org.username}`,
        tooltip:
          state.lma.kind === 'installed'
            ? `License Management Org: ${state.org.username} (${state.org.orgId})`
            : state.lma.kind === 'noAccess'
              ? `${state.org.username} has the License Management App, but ${noAccessAdvice(state.lma.missing)}`
              : `${state.org.username} has no License Management App.`,
        warning: state.lma.kind !== 'installed',
      };
    case 'expired':
      return {
        text: `$(warning) ${state.target}: session expired`,
        tooltip: `The session to ${state.target} has expired.`,
        warning: true,
      };
    case 'failed':
      return {
        text: `$(error) ${state.target}`,
        tooltip: `Could not connect to ${state.target}: ${state.error.message}`,
        warning: true,
      };
  }
}
