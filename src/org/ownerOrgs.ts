import type { ExchangeObserver, OrgConnection, RequestOptions } from './connection';
import { LmoError } from '../base/lmoError';
import { toLmoError } from './errors';
import { shortenForLog, type Log } from './log';
import { loadSalesforce } from './salesforceLoader';

/** Who an owner-org connection is connected to. */
export interface OwnerOrgIdentity {
  username: string;
  alias: string | undefined;
  orgId: string;
}

/** An authenticated connection to a package's owner org: the `LmoApi` a push's use cases ask. */
export interface OwnerOrg extends OwnerOrgIdentity {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
}

export interface OwnerOrgOptions {
  log: Log;
  /** Opens a connection from the CLI auth store; the real one loads dist/salesforce.js. */
  open?: (target: string, observe: ExchangeObserver) => Promise<OrgConnection>;
}

/**
 * Connections to the orgs that own packages' push upgrades when the LMO does not (the Dev Hub of a
 * 2GP package, the packaging org of a 1GP one), opened from the CLI auth store as the session opens the
 * LMO, one per username, each request logged (method, path, status, time: never a token) and its
 * failure classified like the session's (`toLmoError`). When the LMO owns a package, its session is
 * used instead and nothing is opened here.
 */
export class OwnerOrgConnections {
  private readonly connections = new Map<string, Promise<OrgConnection>>();

  constructor(private readonly options: OwnerOrgOptions) {}

  /** The owner org by username or alias, connected once and then shared. */
  async connect(target: string): Promise<OwnerOrg> {
    let opening = this.connections.get(target);
    if (!opening) {
      const open = this.options.open ?? defaultOpen;
      opening = open(target, (exchange) =>
        this.options.log.info(
          `[owner org ${target}] ${exchange.method} ${shortenForLog(exchange.path)} → ${exchange.status} (${Math.round(exchange.ms)} ms)`,
        ),
      );
      this.connections.set(target, opening);
      // A failed open is not kept: the next call tries again (after a login, say).
      opening.catch(() => this.connections.delete(target));
    }
    let connection: OrgConnection;
    try {
      connection = await opening;
    } catch (error) {
      const failure = toLmoError(error);
      throw new LmoError(
        failure.kind,
        `Could not connect to the package's owner org ${target}: ${failure.message}`,
        failure.errorCode,
        failure.status,
      );
    }
    return {
      username: connection.username,
      alias: connection.alias,
      orgId: connection.orgId,
      request: async <T>(path: string, options?: RequestOptions) => {
        try {
          return await connection.request<T>(path, options);
        } catch (error) {
          const failure = toLmoError(error);
          // An expired owner org is opened again on the next call, after the user logs in again.
          if (failure.kind === 'sessionExpired') this.connections.delete(target);
          throw failure;
        }
      },
    };
  }

  /** Forgets every connection (an org switch, or the window closing). */
  clear(): void {
    this.connections.clear();
  }
}

async function defaultOpen(target: string, observe: ExchangeObserver): Promise<OrgConnection> {
  const salesforce = await loadSalesforce();
  return salesforce.openConnection(target, observe);
}
