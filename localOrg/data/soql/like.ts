// SOQL LIKE without regular expressions: `%` any run of characters, `_` one
// character, `\%` `\_` `\\` themselves, case-insensitive. The pattern is split
// at `%` into pieces matched leftmost-first, which is exact for this language
// and takes at most (value length × pattern length) steps: `'%a%a%a%a%b'` on a
// 255-character value costs a few thousand comparisons, where a backtracking
// regular expression took over a minute and held up every other request.
import { malformedQuery } from '../errors';

/** One character of a piece, lower-cased, or `null` for `_`. */
type Piece = Array<string | null>;

const CONTROL: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** The pieces between the `%`s of a quoted LIKE literal as the query text has it (escapes intact). */
export function likePieces(raw: string): Piece[] {
  if (raw.length < 2 || raw[0] !== "'" || raw[raw.length - 1] !== "'")
    throw malformedQuery(`bad string literal ${raw}`);
  const chars = Array.from(raw.slice(1, -1));
  const pieces: Piece[] = [[]];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const piece = pieces[pieces.length - 1] as Piece;
    if (c === '%') pieces.push([]);
    else if (c === '_') piece.push(null);
    else if (c === '\\' && i + 1 < chars.length) {
      const e = chars[++i] as string;
      piece.push((CONTROL[e] ?? e).toLowerCase());
    } else piece.push(c.toLowerCase());
  }
  return pieces;
}

// Lower-cased one character at a time, as the pattern is, so that both sides have the same length.
const folded = (text: string): string[] => Array.from(text, (c) => c.toLowerCase());

/** Counts the characters compared (the work a LIKE costs: test/unit/like.test.ts). */
export interface LikeMeter {
  comparisons: number;
}

/** A predicate for one LIKE literal (`raw` quoted, as in the query). */
export function likeMatcher(raw: string, meter?: LikeMeter): (value: string) => boolean {
  /** Where `piece` matches `value` from `at`, character by character. */
  const matchesAt = (value: string[], at: number, piece: Piece): boolean => {
    if (at + piece.length > value.length) return false;
    for (let k = 0; k < piece.length; k++) {
      if (meter) meter.comparisons++;
      const p = piece[k];
      if (p !== null && p !== value[at + k]) return false;
    }
    return true;
  };
  const pieces = likePieces(raw);
  const first = pieces[0] as Piece;
  if (pieces.length === 1) {
    return (text) => {
      const value = folded(text);
      return value.length === first.length && matchesAt(value, 0, first);
    };
  }
  const last = pieces[pieces.length - 1] as Piece;
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  return (text) => {
    const value = folded(text);
    const end = value.length - last.length;
    if (end < first.length || !matchesAt(value, 0, first) || !matchesAt(value, end, last)) return false;
    // Each middle piece at its leftmost place after the previous one: if any placement fits, that one does.
    let at = first.length;
    for (const piece of middle) {
      while (at + piece.length <= end && !matchesAt(value, at, piece)) at++;
      if (at + piece.length > end) return false;
      at += piece.length;
    }
    return true;
  };
}
