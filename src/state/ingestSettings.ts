import * as vscode from 'vscode';
import { settingDefaults, type settings } from '../ids';

/**
 * From how many records on a write goes through one Bulk API 2.0 ingest job: the settings
 * lma.bulkChange.ingestThreshold and lma.pushUpgrade.ingestThreshold (0, or anything not a positive
 * number: never).
 */
export function ingestThreshold(
  key: typeof settings.bulkChangeIngestThreshold | typeof settings.pushIngestThreshold,
): number {
  return vscode.workspace.getConfiguration().get<number>(key, settingDefaults[key]);
}
