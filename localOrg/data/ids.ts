// Salesforce record ids: 15 case-sensitive characters (3-char key prefix first)
// plus a 3-character suffix that encodes the case of the first 15, making the
// 18-character form safe for case-insensitive systems.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

export function caseSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function isWellFormedId(value: string): boolean {
  if (!ID_SHAPE.test(value)) return false;
  return value.length === 15 || caseSuffix(value.slice(0, 15)) === value.slice(15);
}

/** The 18-character form of a 15- or 18-character id; undefined when malformed. */
export function toId18(value: string): string | undefined {
  if (!isWellFormedId(value)) return undefined;
  return value.length === 18 ? value : value + caseSuffix(value);
}

/** Two ids name the same record when their case-sensitive 15-character forms agree. */
export const id15 = (value: string): string => value.slice(0, 15);

// Ids minted here: prefix + "4L" (a made-up pod) + "0" + 9 base-62 digits of a
// store-wide counter, so ids are unique per store and sort by creation.
const POD = '4L0';

export function mintId(prefix: string, counter: number): string {
  return podId(prefix, POD, counter);
}

/** prefix + 3 pod characters + 9 base-62 digits of `counter` + the case-safe suffix. */
export function podId(prefix: string, pod: string, counter: number): string {
  let digits = '';
  let n = counter;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  const base = prefix + pod + digits;
  return base + caseSuffix(base);
}

/** The counter a minted id carries, or 0 for ids minted elsewhere. */
export function mintedCounter(id: string): number {
  if (id.slice(3, 6) !== POD) return 0;
  let n = 0;
  for (let i = 6; i < 15; i++) n = n * 62 + BASE62.indexOf(id.charAt(i));
  return n;
}
