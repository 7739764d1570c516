// Checksummed JSON lines: `<crc32 hex8> <json>\n`. A line is written whole and
// fsynced before a write is acknowledged; on read, reading stops at the first
// line that is incomplete or fails its checksum (the store decides whether it
// is the torn tail of a crash or damage).
import fs from 'node:fs';
import { crc32 } from 'node:zlib';

const NL = 10;

export function encodeLine(value: unknown): string {
  const json = JSON.stringify(value);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

export interface ReadResult {
  values: unknown[];
  /** Byte length of the valid prefix; anything after it is a torn tail or damage. */
  validBytes: number;
  totalBytes: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Decode every whole, valid line; `onValue` sees them in order (so callers needn't hold them all).
 * The file is read in 4 MiB chunks rather than whole, which keeps a large store's peak memory down.
 */
export function readLines(file: string, onValue: (value: unknown) => void): Omit<ReadResult, 'values'> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { validBytes: 0, totalBytes: 0 };
    throw e;
  }
  try {
    const totalBytes = fs.fstatSync(fd).size;
    const validBytes = scanLines(fd, 0, totalBytes, (body) => {
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch {
        return false;
      }
      onValue(value);
      return true;
    });
    return { validBytes, totalBytes };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Hand each whole line of bytes `from`..`to` of `fd` whose checksum holds to `onLine` (its JSON text,
 * and where the line starts), in order, until one is incomplete or bad or `onLine` answers false.
 * Returns the file offset where the valid lines end.
 */
export function scanLines(
  fd: number,
  from: number,
  to: number,
  onLine: (body: Buffer, offset: number) => boolean,
): number {
  // One buffer, reused: a fresh 4 MiB buffer per read costs the kernel a page fault per page, which
  // on a 250 MB table was a large part of reading it. Lines are consumed before the next read.
  let buf = Buffer.allocUnsafe(Math.min(2 * CHUNK, Math.max(to - from, 0) + 1));
  let have = 0; // bytes of buf[0..have) read but not yet consumed (a partial line)
  let validBytes = from; // file offset of buf[0]
  let readBytes = from;
  for (;;) {
    const want = Math.min(CHUNK, to - readBytes);
    if (have + want > buf.length) {
      const bigger = Buffer.allocUnsafe(have + want);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = want > 0 ? fs.readSync(fd, buf, have, want, readBytes) : 0;
    readBytes += n;
    const filled = have + n;
    const view = buf.subarray(0, filled);
    let pos = 0;
    for (;;) {
      const end = view.indexOf(NL, pos);
      if (end < 0) break;
      if (end - pos < 10 || view[pos + 8] !== 32) return validBytes;
      const expected = parseInt(view.toString('latin1', pos, pos + 8), 16);
      const body = view.subarray(pos + 9, end);
      if (crc32(body) !== expected) return validBytes;
      if (!onLine(body, validBytes)) return validBytes;
      validBytes += end + 1 - pos;
      pos = end + 1;
    }
    buf.copyWithin(0, pos, filled);
    have = filled - pos;
    if (n === 0) return validBytes; // a trailing partial line is a torn tail
  }
}

/** An append-only file; `append` returns once the bytes are on disk. */
export class JournalWriter {
  readonly file: string;
  private fd: number;
  bytes: number;

  constructor(file: string) {
    this.file = file;
    this.fd = fs.openSync(file, 'a', 0o600);
    this.bytes = fs.fstatSync(this.fd).size;
  }

  /** Write lines; fsync once at the end (one acknowledged batch). */
  append(lines: string[]): void {
    const data = lines.length === 1 ? lines[0]! : lines.join('');
    const buf = Buffer.from(data, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
      fs.fsyncSync(this.fd);
    } catch (e) {
      // A failed write (disk full...) must not leave a torn line before later, acknowledged ones.
      try {
        fs.ftruncateSync(this.fd, this.bytes);
      } catch {
        // Nothing more to do: replay stops at the torn line.
      }
      throw e;
    }
    this.bytes += buf.length;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Make a rename or unlink in `dir` durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}
