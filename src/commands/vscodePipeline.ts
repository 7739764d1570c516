import * as vscode from 'vscode';
import type { Services } from '../services';
import { CommandPipeline, type CommandUi } from './pipeline';

/** The command pipeline's port in VS Code: notifications, a cancellable progress notification, the log. */
export function vscodeCommandUi(log: Pick<vscode.LogOutputChannel, 'error'>): CommandUi {
  return {
    showMessage: async (severity, message, actions) => {
      const show =
        severity === 'error'
          ? vscode.window.showErrorMessage
          : severity === 'warning'
            ? vscode.window.showWarningMessage
            : vscode.window.showInformationMessage;
      return show(message, ...actions);
    },
    withProgress: (title, task, options) =>
      Promise.resolve(
        vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title,
            cancellable: options?.cancellable ?? true,
          },
          (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            return task(controller.signal, (message, increment) => progress.report({ message, increment }));
          },
        ),
      ),
    executeCommand: (id) => Promise.resolve(vscode.commands.executeCommand(id)),
    log: (message) => log.error(message),
  };
}

/** The pipeline every commands module builds its handlers with. */
export function commandPipeline(services: Pick<Services, 'log'>): CommandPipeline {
  return new CommandPipeline(vscodeCommandUi(services.log));
}
