/**
 * "Export Failures as CSV" of the push request view: the failures' CSV (failuresCsv) written whole or not
 * at all, through `writeTextThroughPartial` (partialFile.ts): a failure deletes the partial file and
 * leaves a file already at the path as it was.
 */
import { writeTextThroughPartial } from './partialFile';

export async function writePushFailuresCsv(file: string, csv: string): Promise<void> {
  await writeTextThroughPartial(file, csv);
}
