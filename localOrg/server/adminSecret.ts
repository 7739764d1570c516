// The admin API's secret: a random value the server writes where only its user can read it
// (`~/.lma-local-org/admin-<port>.secret`, folder 0700, file 0600). The admin API hands out every
// org's tokens, so it answers only requests that show this secret (`Authorization: Bearer …`); any
// other local user, and any web page, gets 401 and nothing else.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SECRET_FOLDER, adminSecretFile } from '../address';

export const newAdminSecret = (): string => randomBytes(32).toString('base64url');

/** Where the secret of the server on `port` lives (HOME is read now: tests give each process its own). */
export const adminSecretPath = (port: number): string =>
  join(homedir(), ADMIN_SECRET_FOLDER, adminSecretFile(port));

/**
 * Writes the secret (atomically, 0600) into a folder only this user can enter. A folder that is a
 * symbolic link or belongs to another user is refused: another user could read the secret there.
 */
export function writeAdminSecret(port: number, secret: string): string {
  const file = adminSecretPath(port);
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) {
    throw new Error(`${dir} is not a folder of this user: the local org won't put its admin secret there`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${secret}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}

/** Removes the file if it still holds this server's secret (a later server on the port may own it). */
export function removeAdminSecret(port: number, secret: string): void {
  const file = adminSecretPath(port);
  try {
    if (readFileSync(file, 'utf8').trim() === secret) rmSync(file, { force: true });
  } catch {
    // Gone already.
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether `Authorization` carries the secret (compared in constant time). */
export function showsAdminSecret(authorization: string | undefined, secret: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec((authorization ?? '').trim());
  return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), digest(secret));
}
