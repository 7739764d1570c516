/**
 * "Export CSV" of the usage panel: the joined table's lines (joinedCsvLines) written under a `.partial`
 * name next to the chosen file and renamed only when complete, as licenseExportFile.ts does; a failure
 * deletes the partial file and leaves a file already at the path as it was.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

export async function writeUsageCsv(file: string, lines: readonly string[]): Promise<void> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, lines.join(''), { flag: 'wx', flush: true });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
