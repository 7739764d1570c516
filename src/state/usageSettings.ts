import * as vscode from 'vscode';
import { settingDefaults, settings } from '../ids';
import { atRiskDrop } from '../lma/rules/atRisk';

/**
 * The setting lma.usage.atRiskDrop, read where usage is shown (the usage panel's command, the customer
 * view's usage section): out of range, a warning naming it and the default, never a throw.
 */
export function atRiskDropSetting(log: Pick<vscode.LogOutputChannel, 'warn'>): number {
  const value = vscode.workspace
    .getConfiguration()
    .get<unknown>(settings.usageAtRiskDrop, settingDefaults[settings.usageAtRiskDrop]);
  const { drop, problem } = atRiskDrop(value);
  if (problem) {
    log.warn(`Usage: ${settings.usageAtRiskDrop}: ${problem}`);
    void vscode.window.showWarningMessage(`${problem} (setting ${settings.usageAtRiskDrop})`);
  }
  return drop;
}
