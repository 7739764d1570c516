// How a panel type opens, once for every panel class: one panel per subject (its key), a new one made
// with the page's bundle and title, an open one revealed, and the serializer that reopens it after a
// window reload from the subject its page saved (checked first: a page's state is not trusted).
import type * as vscode from 'vscode';
import type { SavedPage } from '../../protocol/messages';
import type { PanelRegistry, RegisteredPanel } from './webviewHost';
import { registerPanelSerializer } from './vscodePanel';
import { createWebviewPanel, showPage } from './webviewHtml';

export interface PanelType<Subject, Panel extends RegisteredPanel> {
  viewType: string;
  /** The page's bundle, dist/webviews/<bundle>.js. */
  bundle: string;
  registry: PanelRegistry<Panel>;
  /** One panel per key: showing the same key again reveals the open panel. */
  key(subject: Subject): string;
  title(subject: Subject): string;
  /** The panel class over a webview panel; `restoredState` is what the page saved before a reload. */
  make(webviewPanel: vscode.WebviewPanel, subject: Subject, restoredState?: unknown): Panel;
}

/** The open panel of the subject, revealed (`created` false); else a new one. */
export function openPanel<Subject, Panel extends RegisteredPanel>(
  extensionUri: vscode.Uri,
  type: PanelType<Subject, Panel>,
  subject: Subject,
): { panel: Panel; created: boolean } {
  return type.registry.show(type.key(subject), () =>
    type.make(createWebviewPanel(extensionUri, type.viewType, type.title(subject), type.bundle), subject),
  );
}

/**
 * Reopens the panels of the type after a window reload: the subject the page saved (`subjectOf`, which
 * checks it), with the state the page kept; a panel without a usable subject, or of a subject already
 * open, is closed.
 */
export function registerPanelType<Subject, Panel extends RegisteredPanel>(
  extensionUri: vscode.Uri,
  type: PanelType<Subject, Panel>,
  subjectOf: (saved: SavedPage | undefined) => Subject | undefined,
): vscode.Disposable {
  return registerPanelSerializer(type.viewType, (webviewPanel, saved) => {
    const subject = subjectOf(saved);
    if (subject === undefined || type.registry.get(type.key(subject))) return webviewPanel.dispose();
    showPage(webviewPanel, extensionUri, type.bundle, type.title(subject));
    type.registry.add(type.key(subject), type.make(webviewPanel, subject, saved?.state));
  });
}
