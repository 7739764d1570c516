/** The logging surface the session and the domain write to; the extension backs it with a LogOutputChannel. */
export interface Log {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: Log = { trace() {}, info() {}, warn() {}, error() {} };

/** The longest text a log line carries whole: a query with a long IN list or search term is cut. */
export const MAX_LOGGED_TEXT = 500;

/** `text`, or its first `max` characters and how many were left out. */
export function shortenForLog(text: string, max = MAX_LOGGED_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${(text.length - max).toLocaleString('en-US')} more characters)`;
}
