import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder every webview may load from: the built browser bundles, nothing else. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
}

/**
 * A webview panel showing the bundle dist/webviews/<bundle>.js: the one way every form, report and
 * dashboard of LMA Explorer is opened (strict CSP, only the built folder readable, no retained context).
 */
export function createWebviewPanel(
  extensionUri: vscode.Uri,
  viewType: string,
  title: string,
  bundle: string,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    viewType,
    title,
    vscode.ViewColumn.Active,
    webviewOptions(extensionUri),
  );
  return showPage(panel, extensionUri, bundle, title);
}

/** Loads the page into a panel: a new one, or one VS Code restored after a reload (the serializer's). */
export function showPage(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  bundle: string,
  title: string,
): vscode.WebviewPanel {
  panel.webview.options = webviewOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lma.svg');
  panel.title = title;
  panel.webview.html = webviewHtml(panel.webview, extensionUri, bundle, title);
  return panel;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [webviewRoot(extensionUri)],
    // Hidden forms are torn down and rebuilt from the host's state (and the form's own draft).
    retainContextWhenHidden: false,
  };
}

/**
 * The page of a webview form: its bundle (dist/webviews/<name>.js) under a strict CSP, with a fresh
 * nonce per load. Styles come only from the webview's own origin (Lit's constructed style sheets).
 */
function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), `${name}.js`));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
