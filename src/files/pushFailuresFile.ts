/**
 * "Export Failures as CSV" of the push request view: the failures' CSV (failuresCsv) written under a
 * `.partial` name next to the chosen file and renamed only when complete, as licenseExportFile.ts does;
 * a failure deletes the partial file and leaves a file already at the path as it was.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

export async function writePushFailuresCsv(file: string, csv: string): Promise<void> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, csv, { flag: 'wx', flush: true });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
