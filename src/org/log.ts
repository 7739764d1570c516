/** The logging surface the session and the domain write to; the extension backs it with a LogOutputChannel. */
export interface Log {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: Log = { trace() {}, info() {}, warn() {}, error() {} };
