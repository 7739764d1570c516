// Ids for the world's own things (orgs, users, packages, versions, install
// requests). They use their own "pod" characters so they can never collide
// with the ids the data layer mints for records.
import { caseSuffix } from '../data/ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const POD = '5W0';

export function worldId(prefix: string, counter: number): string {
  let digits = '';
  let n = counter;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  const base = prefix + POD + digits;
  return base + caseSuffix(base);
}

/** A random token body made of characters the access-token check accepts (`[.\w]`). */
export function randomTokenBody(length = 96): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}
