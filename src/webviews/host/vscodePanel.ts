// The thin adapter between the VS Code-free host (webviewHost.ts) and VS Code: a `vscode.WebviewPanel`
// as a `PanelPort`, and the serializer that reopens a panel type after a window reload.
import * as vscode from 'vscode';
import { parseSavedPage, type SavedPage } from '../../protocol/messages';
import type { PanelPort } from './webviewHost';

export function panelPort(panel: vscode.WebviewPanel): PanelPort {
  return {
    postMessage: (message) => panel.webview.postMessage(message),
    onDidReceiveMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
    onDidDispose: (listener) => panel.onDidDispose(listener),
    onDidChangeVisibility: (listener) => panel.onDidChangeViewState(() => listener(panel.visible)),
    reveal: () => panel.reveal(),
    setTitle: (title) => (panel.title = title),
    dispose: () => panel.dispose(),
  };
}

/**
 * Reopens the panels of `viewType` that were open when the window reloaded: `restore` gets the panel VS
 * Code made and what its page saved (undefined when the page saved nothing usable; the panel type then
 * closes it or shows what it can). Registered in activate(); package.json has `onWebviewPanel:<viewType>`.
 */
export function registerPanelSerializer(
  viewType: string,
  restore: (panel: vscode.WebviewPanel, saved: SavedPage | undefined) => void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    deserializeWebviewPanel: async (panel, state: unknown) => restore(panel, parseSavedPage(state)),
  });
}
