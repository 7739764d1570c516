// Where the local org listens. No imports: the extension (src/org/localOrg.ts) reads these too,
// without loading the local org itself.

/** A fixed port, so saved logins stay valid across restarts and several windows share one server. */
export const DEFAULT_PORT = 6109;

/** The host names the local org answers to: the loopback interface only, where no real org lives. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
