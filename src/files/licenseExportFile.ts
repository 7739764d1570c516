/**
 * "Export Licenses…" to a file: the domain writes the CSV to a stream (lma/workflows/licenseExport.ts);
 * this gives it the file. It is written under a `.partial` name and renamed only when complete; a
 * failure or a cancel deletes it, so no file at the chosen path ever looks complete without being so
 * (and a file already there is left as it was).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
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
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  // `flush`: the data reaches the disk before the rename makes the file appear complete.
  const out = createWriteStream(partial, { flags: 'wx', flush: true });
  out.on('error', () => undefined); // reported through `once` and writeLicensesCsv
  try {
    await once(out, 'ready');
  } catch (error) {
    throw new ExportError('file', `Couldn't write ${file}: ${fileReason(error)}.`, undefined, {
      cause: error,
    });
  }
  try {
    const result = await writeLicensesCsv(api, group, out, options);
    try {
      await rename(partial, file);
    } catch (error) {
      throw new ExportError(
        'file',
        `Couldn't write ${file}: ${fileReason(error)}.`,
        { done: result.rows, total: result.total },
        { cause: error },
      );
    }
    return { ...result, file };
  } catch (error) {
    out.destroy();
    const removed = await rm(partial, { force: true }).then(
      () => true,
      () => false,
    );
    const failure =
      error instanceof ExportError ? error : new ExportError('file', '', undefined, { cause: error });
    const leftover = removed
      ? 'the partial file was deleted'
      : `the partial file ${partial} could not be deleted: delete it by hand`;
    const message =
      failure.kind === 'cancelled'
        ? `Export cancelled: ${leftover}.`
        : failure.kind === 'file'
          ? `Couldn't write ${file}: ${fileReason(failure.cause)}. Nothing was saved; ${leftover}.`
          : `${failure.message} Nothing was saved; ${leftover}.`;
    throw new ExportError(failure.kind, message, failure.progress, { cause: failure.cause ?? failure });
  }
}
