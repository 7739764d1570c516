/**
 * A file that appears only when complete: written as `<file>.<random>.partial` beside it (never over a
 * file already at the path), flushed, then renamed; any failure or cancel deletes the partial file and
 * leaves the path as it was. `write` gets the stream and must not end it.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export class PartialFileError extends Error {}

export async function writeThroughPartial<T>(file: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  const out = createWriteStream(partial, { flags: 'wx', flush: true });
  out.on('error', () => undefined); // reported through `once` and `finished`
  try {
    await once(out, 'ready');
  } catch (error) {
    throw new PartialFileError(`Couldn't write ${file}: ${(error as Error).message}. Nothing was saved.`, {
      cause: error,
    });
  }
  try {
    const result = await write(out);
    out.end();
    await finished(out);
    await rename(partial, file);
    return result;
  } catch (error) {
    out.destroy();
    const removed = await rm(partial, { force: true }).then(
      () => true,
      () => false,
    );
    const leftover = removed
      ? 'the partial file was deleted'
      : `the partial file ${partial} could not be deleted: delete it by hand`;
    const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    throw new PartialFileError(`${reason}. Nothing was saved; ${leftover}.`, { cause: error });
  }
}
