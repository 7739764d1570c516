// Ids for the world's own things (orgs, users, packages, versions, install
// requests). They use their own "pod" characters so they can never collide
// with the ids the data layer mints for records.
import { podId } from '../data/ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const POD = '5W0';

export function worldId(prefix: string, counter: number): string {
  return podId(prefix, POD, counter);
}

/** A random token body made of characters the access-token check accepts (`[.\w]`). */
export function randomTokenBody(length = 96): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}
