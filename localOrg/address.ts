// Where the local org listens. No imports: the extension (src/org/localOrg.ts) reads these too,
// without loading the local org itself.

/** A fixed port, so saved logins stay valid across restarts and several windows share one server. */
export const DEFAULT_PORT = 6109;

/** The host names the local org answers to: the loopback interface only, where no real org lives. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The admin API (`/_local/…`) answers only requests that carry the running server's secret, as
 * `Authorization: Bearer <secret>`. The server writes it to `~/<ADMIN_SECRET_FOLDER>/<adminSecretFile(port)>`
 * (folder 0700, file 0600), where the CLI and the extension read it: only the user who started the
 * server can.
 */
export const ADMIN_SECRET_FOLDER = '.lma-local-org';
export const adminSecretFile = (port: number): string => `admin-${port}.secret`;
