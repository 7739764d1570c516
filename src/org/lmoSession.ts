import { parseLimitInfo, type ApiUsage } from './apiUsage';
import type { ExchangeObserver, OrgConnection, RequestOptions } from './connection';
import { Emitter } from '../base/emitter';
import { LmoError } from '../base/lmoError';
import { toLmoError } from './errors';
import { shortenForLog, type Log } from './log';
import { loadSalesforce } from './salesforceLoader';

/**
 * The fields each of the LMA's objects has in this org, as describe lists them (older LMAs lack some):
 * read by the domain once per connection (src/lma/records/lmaFields.ts), kept by the session.
 */
export interface LmaFields {
  license: readonly string[];
  package: readonly string[];
  packageVersion: readonly string[];
}

/**
 * Whether the License Management App is in the org for this user: installed (with its objects'
 * fields; its version is read on demand, readLmaVersion in src/lma/records/lmaPresence.ts), not
 * installed, or installed but its objects hidden from this user (`missing`: the objects, by label, the
 * user needs Read on; `version`, read to tell this case apart, when readable). The domain checks it
 * (src/lma/records/lmaPresence.ts); the session, below the domain, only keeps it.
 */
export type LmaPresence =
  | { kind: 'installed'; fields: LmaFields }
  | { kind: 'notInstalled' }
  | { kind: 'noAccess'; version: string | undefined; missing: string[] };

/** Who the session is connected to. */
export interface OrgIdentity {
  username: string;
  alias: string | undefined;
  orgId: string;
  instanceUrl: string;
  loginUrl: string | undefined;
}

/**
 * The one source of truth for "which LMO, in what condition". The tree root, the status bar and the
 * context keys all render from it, so nothing can show the previous org after a switch.
 */
export type SessionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting'; target: string }
  | { kind: 'connected'; org: OrgIdentity; lma: LmaPresence }
  | { kind: 'expired'; org: OrgIdentity | undefined; target: string; message: string }
  | { kind: 'failed'; target: string; error: LmoError };

/** Checks the LMA in a freshly opened connection (supplied by the domain layer, see src/lma/records/lmaPresence.ts). */
export type LmaCheck = (request: OrgConnection['request'], apiVersion?: string) => Promise<LmaPresence>;

export interface SessionOptions {
  log: Log;
  checkLma: LmaCheck;
  /** Opens a connection; tests and the extension use the real one from dist/salesforce.js. */
  open?: (target: string, session: LmoSession) => Promise<OrgConnection>;
}

/**
 * The single authenticated connection to the License Management Org, shared by every view, form,
 * command and the language server. Requests made for an org that is no longer the current one are
 * rejected with kind 'superseded' instead of returning stale data.
 */
export class LmoSession {
  private current: SessionState = { kind: 'disconnected' };
  private connection: OrgConnection | undefined;
  /** Bumped on every connect/disconnect: the identity of "this org, this time". */
  private generation = 0;
  private usage: ApiUsage | undefined;
  private limitReached = false;
  private serverClock: { serverDate: number; receivedAt: number } | undefined;

  private readonly stateEmitter = new Emitter<SessionState>();
  private readonly usageEmitter = new Emitter<ApiUsage | undefined>();
  /** Fires once per state change: connect, switch, expiry, failure, disconnect. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires when a response reports new API usage (no extra request is made for it). */
  readonly onDidChangeApiUsage = this.usageEmitter.event;

  constructor(private readonly options: SessionOptions) {}

  get state(): SessionState {
    return this.current;
  }

  get apiUsage(): ApiUsage | undefined {
    return this.usage;
  }

  /** The LMA's fields in the connected LMO, read once per connection (src/lma/records/lmaFields.ts). */
  get lmaFields(): LmaFields | undefined {
    const state = this.current;
    return state.kind === 'connected' && state.lma.kind === 'installed' ? state.lma.fields : undefined;
  }

  /** The connected user's username (undefined while not connected). */
  get username(): string | undefined {
    const state = this.current;
    return state.kind === 'connected' ? state.org.username : undefined;
  }

  /** Which connection this is: a new number after each connect, switch or disconnect (undefined while not connected). */
  get connectionId(): number | undefined {
    return this.current.kind === 'connected' ? this.generation : undefined;
  }

  /** True once the org answered REQUEST_LIMIT_EXCEEDED; anything that polls must stop. */
  get apiLimitReached(): boolean {
    return this.limitReached;
  }

  /** Connects to a CLI-authorized org by username or alias, replacing any current connection. */
  async connect(target: string): Promise<SessionState> {
    const generation = this.reset({ kind: 'connecting', target });
    try {
      const open = this.options.open ?? defaultOpen;
      const connection = await open(target, this);
      if (generation !== this.generation) return this.current;
      const lma = await this.options.checkLma(
        (path, options) => this.send(connection, generation, path, options),
        connection.apiVersion,
      );
      if (generation !== this.generation) return this.current;
      this.connection = connection;
      this.setState({
        kind: 'connected',
        org: identityOf(connection),
        lma,
      });
      this.options.log.info(
        `Connected to ${connection.username} (${connection.orgId}); LMA ${lma.kind === 'installed' ? 'installed' : lma.kind === 'noAccess' ? `installed, no access to ${lma.missing.join(', ')}` : 'not installed'}`,
      );
    } catch (error) {
      if (generation !== this.generation) return this.current;
      const failure = toLmoError(error);
      this.options.log.warn(`Could not connect to ${target}: ${failure.message}`);
      if (failure.kind !== 'sessionExpired') this.setState({ kind: 'failed', target, error: failure });
      else if (this.current.kind !== 'expired')
        this.setState({ kind: 'expired', org: undefined, target, message: failure.message });
    }
    return this.current;
  }

  disconnect(): void {
    this.reset({ kind: 'disconnected' });
  }

  /** A REST request to the current LMO through the shared connection. */
  request<T>(path: string, options?: RequestOptions): Promise<T> {
    const connection = this.connection;
    if (!connection || this.current.kind !== 'connected')
      return Promise.reject(new LmoError('notConnected', 'No License Management Org is connected.'));
    return this.send(connection, this.generation, path, options);
  }

  /** A browser URL that opens `path` (e.g. a record page) in the LMO, already logged in. */
  frontDoorUrl(path: string): Promise<string> {
    if (!this.connection)
      return Promise.reject(new LmoError('notConnected', 'No License Management Org is connected.'));
    return this.connection.frontDoorUrl(path);
  }

  /** Called by the connection for every HTTP exchange (see salesforce.ts). */
  recordExchange(exchange: Parameters<ExchangeObserver>[0]): void {
    const serverDate = exchange.date ? Date.parse(exchange.date) : NaN;
    // The Date header is truncated to the second and was stamped before we received it: a lower bound.
    if (!Number.isNaN(serverDate)) this.serverClock = { serverDate, receivedAt: performance.now() };
    this.options.log.info(
      `${exchange.method} ${shortenForLog(exchange.path)} → ${exchange.status} (${Math.round(exchange.ms)} ms)`,
    );
    const usage = parseLimitInfo(exchange.limitInfo);
    if (usage) {
      this.usage = usage;
      this.usageEmitter.fire(usage);
    }
  }

  /** A time (ms since the epoch) that the LMO's clock has certainly reached; see src/lma/workflows/licenseEdits.ts. */
  serverTimeAtLeast(): number | undefined {
    const clock = this.serverClock;
    return clock && clock.serverDate + (performance.now() - clock.receivedAt);
  }

  dispose(): void {
    this.generation++;
    this.stateEmitter.dispose();
    this.usageEmitter.dispose();
  }

  private async send<T>(
    connection: OrgConnection,
    generation: number,
    path: string,
    options: RequestOptions | undefined,
  ): Promise<T> {
    let result: T;
    try {
      result = await connection.request<T>(path, options);
    } catch (error) {
      if (generation !== this.generation) throw superseded();
      throw this.classify(error, connection);
    }
    if (generation !== this.generation) throw superseded();
    return result;
  }

  private classify(error: unknown, connection: OrgConnection): LmoError {
    const failure = toLmoError(error);
    if (failure.kind === 'sessionExpired' && this.current.kind !== 'expired') {
      // One state change, hence one prompt, however many requests fail at once.
      this.connection = undefined;
      this.setState({
        kind: 'expired',
        org: identityOf(connection),
        target: connection.alias ?? connection.username,
        message: failure.message,
      });
    }
    if (failure.kind === 'requestLimit' && !this.limitReached) {
      this.limitReached = true;
      this.usageEmitter.fire(this.usage);
    }
    return failure;
  }

  private reset(state: SessionState): number {
    this.generation++;
    this.connection = undefined;
    this.usage = undefined;
    this.serverClock = undefined;
    this.limitReached = false;
    this.setState(state);
    this.usageEmitter.fire(undefined);
    return this.generation;
  }

  private setState(state: SessionState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }
}

function superseded(): LmoError {
  return new LmoError('superseded', 'The License Management Org changed while this request was running.');
}

function identityOf(connection: OrgConnection): OrgIdentity {
  return {
    username: connection.username,
    alias: connection.alias,
    orgId: connection.orgId,
    instanceUrl: connection.instanceUrl,
    loginUrl: connection.loginUrl,
  };
}

async function defaultOpen(target: string, session: LmoSession): Promise<OrgConnection> {
  const salesforce = await loadSalesforce();
  return salesforce.openConnection(target, (exchange) => session.recordExchange(exchange));
}
