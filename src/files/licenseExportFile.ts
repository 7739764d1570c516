/**
 * "Export Licenses…" to a file: the domain writes the CSV to a stream (lma/workflows/licenseExport.ts);
 * this gives it the file, through `writeThroughPartial` (partialFile.ts): written under a `.partial` name
 * and renamed only when complete; a failure or a cancel deletes it, so no file at the chosen path ever
 * looks complete without being so (and a file already there is left as it was).
 */
import type { LmoApi } from '../lma/records/lmoApi';
import {
  cancelled,
  checkGroup,
  ExportError,
  fileReason,
  writeLicensesCsv,
  type ExportOptions,
  type ExportResult,
  type LicenseGroup,
} from '../lma/workflows/licenseExport';
import { PartialFileError, writeThroughPartial } from './partialFile';

/**
 * Exports to `file`: written as `<file>.<random>.partial` next to it, renamed to `file` once complete,
 * deleted on any failure or cancel. Nothing is requested from the LMO if the file can't be created.
 */
export async function exportLicensesToFile(
  api: LmoApi,
  group: LicenseGroup,
  file: string,
  options: ExportOptions = {},
): Promise<ExportResult & { file: string }> {
  checkGroup(group);
  if (options.signal?.aborted) throw cancelled({ done: 0, total: 0 });
  let written: ExportResult | undefined;
  try {
    const result = await writeThroughPartial(file, async (out) => {
      written = await writeLicensesCsv(api, group, out, options);
      return written;
    });
    return { ...result, file };
  } catch (error) {
    if (!(error instanceof PartialFileError)) throw error;
    if (!error.opened) {
      throw new ExportError('file', `Couldn't write ${file}: ${fileReason(error.cause)}.`, undefined, {
        cause: error.cause,
      });
    }
    // A failure after the CSV was complete (the flush, the rename) is the file's, as far as the CSV got.
    const failure =
      error.cause instanceof ExportError
        ? error.cause
        : new ExportError('file', '', written && { done: written.rows, total: written.total }, {
            cause: error.cause,
          });
    const message =
      failure.kind === 'cancelled'
        ? `Export cancelled: ${error.leftover}.`
        : failure.kind === 'file'
          ? `Couldn't write ${file}: ${fileReason(failure.cause)}. Nothing was saved; ${error.leftover}.`
          : `${failure.message} Nothing was saved; ${error.leftover}.`;
    throw new ExportError(failure.kind, message, failure.progress, { cause: failure.cause ?? failure });
  }
}
