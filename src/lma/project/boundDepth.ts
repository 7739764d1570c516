/**
 * Bounding how deep a JSON text is walked. jsonc-parser parses by recursion, so a 100,000-deep array
 * would overflow the stack; every reader of sfdx-project.json (the project document, the form's
 * terms, the language server) parses the bounded text, whose offsets are the text's own.
 */

/** How deep a reader walks: no setting of sfdx-project.json that LMA Explorer reads is deeper than 5. */
export const MAX_DEPTH = 64;

/**
 * The text with the inside of every array or object nested MAX_DEPTH deep replaced by spaces
 * (line breaks kept), so that offsets, lines and everything shallower stay as they are; the text itself
 * when nothing is that deep. One pass, no recursion. Strings and comments are skipped as jsonc-parser's
 * scanner skips them (a string also ends at a line break); a closing bracket counts only when it
 * closes the innermost open one, so the walk is never shallower than jsonc-parser's.
 */
export function boundDepth(text: string, maxDepth = MAX_DEPTH): string {
  const open: number[] = [];
  let blanks: [number, number][] | undefined;
  let blankFrom = -1;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // "…": to the closing quote, a line break or the end; \ escapes the next character.
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
        else if (d === 0x0a || d === 0x0d) {
          i--;
          break;
        }
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      // A line comment ends at a line feed or a carriage return.
      while (i + 1 < length && text.charCodeAt(i + 1) !== 0x0a && text.charCodeAt(i + 1) !== 0x0d) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? length : end + 1;
    } else if (c === 0x5b || c === 0x7b) {
      open.push(c);
      if (open.length === maxDepth + 1) blankFrom = i + 1;
    } else if ((c === 0x5d && open.at(-1) === 0x5b) || (c === 0x7d && open.at(-1) === 0x7b)) {
      open.pop();
      if (open.length === maxDepth && blankFrom >= 0) {
        (blanks ??= []).push([blankFrom, i]);
        blankFrom = -1;
      }
    }
  }
  if (blankFrom >= 0) (blanks ??= []).push([blankFrom, length]);
  if (!blanks) return text;
  let bounded = '';
  let at = 0;
  for (const [from, to] of blanks) {
    bounded += text.slice(at, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return bounded + text.slice(at);
}

/**
 * The text as every reader parses it: a leading byte order mark read as a space (VS Code and
 * TextDecoder drop it, the sf CLI trims it, jsonc-parser would call it an unexpected character), and
 * nothing deeper than MAX_DEPTH. Offsets, lines and columns are the text's own.
 */
export function readableText(text: string): string {
  return boundDepth(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
}
