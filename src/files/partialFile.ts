/**
 * A file that appears only when complete: written as `<file>.<random>.partial` beside it (never over a
 * file already at the path), flushed, then renamed; any failure or cancel deletes the partial file and
 * leaves the path as it was. `write` gets the stream; it may end it (and wait for it to finish) itself.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * Why nothing was saved. `cause` is what failed (the open, `write`'s own error, the flush or the
 * rename); `opened` whether the partial file was created at all; `removed` whether it is gone again,
 * and `leftover` says so, for a caller that words its own message ("the partial file was deleted").
 */
export class PartialFileError extends Error {
  constructor(
    message: string,
    readonly opened: boolean,
    readonly removed: boolean,
    readonly leftover: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

export async function writeThroughPartial<T>(file: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  // `flush`: the data reaches the disk before the rename makes the file appear complete.
  const out = createWriteStream(partial, { flags: 'wx', flush: true });
  out.on('error', () => undefined); // reported through `once` and `finished`
  try {
    await once(out, 'ready');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PartialFileError(`Couldn't write ${file}: ${reason}. Nothing was saved.`, false, true, '', {
      cause: error,
    });
  }
  try {
    const result = await write(out);
    if (!out.writableEnded) out.end();
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
    throw new PartialFileError(`${reason}. Nothing was saved; ${leftover}.`, true, removed, leftover, {
      cause: error,
    });
  }
}

/**
 * `text` written whole through a partial file, or not at all. A failure throws what failed (the file
 * system's own error, as `writeFile` would) once the partial file is deleted, or the `PartialFileError`
 * that names the partial file if it could not be.
 */
export async function writeTextThroughPartial(file: string, text: string): Promise<void> {
  try {
    await writeThroughPartial(file, async (out) => {
      out.write(text);
    });
  } catch (error) {
    throw error instanceof PartialFileError && error.removed ? error.cause : error;
  }
}
