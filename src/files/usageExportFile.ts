/**
 * "Export CSV" of the usage panel: the joined table's lines (joinedCsvLines) written whole or not at all,
 * through `writeTextThroughPartial` (partialFile.ts): a failure deletes the partial file and leaves a file
 * already at the path as it was.
 */
import { writeTextThroughPartial } from './partialFile';

export async function writeUsageCsv(file: string, lines: readonly string[]): Promise<void> {
  await writeTextThroughPartial(file, lines.join(''));
}
