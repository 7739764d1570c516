import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { findLicenses, searchTermProblem } from '../lma/records/licenses';
import type { License } from '../lma/records/types';
import type { LmoSession } from '../org/lmoSession';

/** From the palette, a command that acts on one License asks what to look for, then which match. */
export async function pickLicense(session: LmoSession): Promise<License | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Which License?',
    prompt: 'Subscriber org id (15 or 18 characters), or the customer (lead or account) name',
    validateInput: searchTermProblem,
  });
  if (!text || searchTermProblem(text)) return undefined;
  const found = await findLicenses(session, text.trim());
  if (!found.length) {
    void vscode.window.showInformationMessage(`No License matches “${text.trim()}”.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((license) => ({
      label: license.customerName ?? license.subscriberOrgId ?? license.name,
      description: `${license.name} · ${license.status}`,
      detail: `${license.subscriberOrgId ?? 'no org id'} · ${license.versionNumber ?? ''}`,
      license,
    })),
    { title: 'Choose the License', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.license;
}

/**
 * Where an export writes its CSV: a save dialog in the workspace's first folder (else the home folder)
 * with `fileName` suggested; undefined when dismissed, or (said) when the place is not a file on disk.
 */
export async function askCsvTarget(title: string, fileName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const target = await vscode.window.showSaveDialog({
    title,
    defaultUri: vscode.Uri.joinPath(folder, fileName),
    filters: { 'CSV (comma-separated values)': ['csv'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Choose a file on disk: ${target.toString()} can't be written.`);
    return undefined;
  }
  return target;
}
