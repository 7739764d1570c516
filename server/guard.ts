/**
 * One document never takes the language server down: an analysis that throws is logged with the
 * document it was about, and that document gets the fallback (no diagnostics, no completion, no hover)
 * while every other document is answered as before.
 */
export function guarded<T>(
  log: { error(message: string): void },
  what: string,
  uri: string,
  fallback: T,
  analyse: () => T,
): T {
  try {
    return analyse();
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error(`${what} of ${uri} failed; it gets no results: ${detail}`);
    return fallback;
  }
}
