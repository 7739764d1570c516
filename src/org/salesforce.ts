/**
 * The only module that imports @salesforce/core and jsforce. It is its own bundle (dist/salesforce.js),
 * required on the first connection, because loading these libraries takes about half a second and
 * activation must not pay for it (`npm run bench` measures activation).
 */
import {
  AuthInfo,
  ConfigAggregator,
  Connection,
  Lifecycle,
  StateAggregator,
  WebOAuthServer,
} from '@salesforce/core';
import type {
  AuthorizedOrg,
  ExchangeObserver,
  OrgConnection,
  RequestOptions,
  TextResponse,
} from './connection';

/**
 * Whether a warning of @salesforce/core is its "Using insecure protocol: http:" about a loopback
 * address: the local org, whose traffic never leaves the machine. Any other http: URL (a real org
 * is never on loopback) still warns.
 */
export function isLoopbackHttpWarning(warning: string): boolean {
  const match = /^Using insecure protocol: http: on url: (\S+)$/.exec(warning);
  if (!match) return false;
  try {
    const url = new URL(match[1]!);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

// With no listener, @salesforce/core sends its warnings to process.emitWarning; this listener does
// the same for every warning but the local org's loopback one.
Lifecycle.getInstance().onWarning(async (warning: string) => {
  if (!isLoopbackHttpWarning(warning)) process.emitWarning(warning);
});

/** Orgs in the CLI auth store; re-read each time so logins made with `sf` meanwhile show up. */
export async function listAuthorizedOrgs(): Promise<AuthorizedOrg[]> {
  await StateAggregator.clearInstanceAsync();
  const all = await AuthInfo.listAllAuthorizations();
  return all.map((org) => ({
    username: org.username,
    aliases: org.aliases ?? [],
    orgId: org.orgId,
    instanceUrl: org.instanceUrl,
    isSandbox: org.isSandbox ?? false,
    isScratch: org.isScratchOrg ?? false,
    isDevHub: org.isDevHub ?? false,
    isExpired: org.isExpired,
  }));
}

/**
 * The project's `target-dev-hub` (its .sf/config.json, else the user's global config), as `sf` reads
 * it: the suggested owner org of a package's push upgrades. Undefined when none is set.
 */
export async function projectDevHub(projectPath: string | undefined): Promise<string | undefined> {
  await ConfigAggregator.clearInstance(projectPath);
  const config = await ConfigAggregator.create(projectPath ? { projectPath } : {});
  const value = config.getPropertyValue('target-dev-hub');
  return typeof value === 'string' && value ? value : undefined;
}

/** Resolves an alias to its username; a username resolves to itself. */
export async function resolveUsername(usernameOrAlias: string): Promise<string> {
  await StateAggregator.clearInstanceAsync();
  const state = await StateAggregator.getInstance();
  return state.aliases.resolveUsername(usernameOrAlias);
}

export async function openConnection(
  usernameOrAlias: string,
  observe: ExchangeObserver,
): Promise<OrgConnection> {
  const username = await resolveUsername(usernameOrAlias);
  const authInfo = await AuthInfo.create({ username });
  const connection = await Connection.create({ authInfo });
  observeExchanges(connection, observe);
  const fields = authInfo.getFields();
  const state = await StateAggregator.getInstance();
  return {
    username,
    alias: state.aliases.get(username) ?? undefined,
    orgId: fields.orgId ?? '',
    instanceUrl: connection.instanceUrl,
    loginUrl: fields.loginUrl,
    apiVersion: connection.version,
    request: <T>(path: string, options: RequestOptions = {}) =>
      options.raw
        ? (rawRequest(connection, observe, path, options) as Promise<T>)
        : (connection.request<T>({
            method: options.method ?? 'GET',
            url: path,
            body:
              options.text?.content ??
              (options.body === undefined ? undefined : JSON.stringify(options.body)),
            headers: {
              ...(options.text
                ? { 'content-type': options.text.contentType }
                : options.body === undefined
                  ? {}
                  : { 'content-type': 'application/json' }),
              ...options.headers,
            },
          }) as Promise<T>),
    frontDoorUrl: async (path) => {
      // Refresh first so the token in the URL is a live one.
      await connection.refreshAuth().catch(() => undefined);
      const url = new URL('/secur/frontdoor.jsp', connection.instanceUrl);
      url.searchParams.set('sid', connection.accessToken ?? '');
      url.searchParams.set('retURL', path);
      return url.href;
    },
  };
}

/**
 * Logs in through the browser with the web server OAuth flow of @salesforce/core (the flow behind
 * `sf org login web`) and saves the org to the CLI auth store. Returns the username.
 */
export async function loginWithBrowser(
  loginUrl: string,
  openBrowser: (url: string) => PromiseLike<unknown>,
  alias: string | undefined,
): Promise<string> {
  const server = await WebOAuthServer.create({ oauthConfig: { loginUrl } });
  await server.start();
  await openBrowser(server.getAuthorizationUrl());
  const authInfo = await server.authorizeAndSave();
  if (alias)
    await authInfo.handleAliasAndDefaultSettings({ alias, setDefault: false, setDefaultDevHub: false });
  return authInfo.getUsername();
}

/** Saves an org reached with a refresh token (the local org) to the CLI auth store, under an alias. */
export async function authorizeWithRefreshToken(options: {
  loginUrl: string;
  refreshToken: string;
  alias: string;
}): Promise<string> {
  const authInfo = await AuthInfo.create({
    oauth2Options: { loginUrl: options.loginUrl, refreshToken: options.refreshToken },
  });
  await authInfo.save();
  await authInfo.handleAliasAndDefaultSettings({
    alias: options.alias,
    setDefault: false,
    setDefaultDevHub: false,
  });
  return authInfo.getUsername();
}

/**
 * A request whose answer is kept as text with its status and headers (Bulk API 2.0's CSV pages and
 * their `Sforce-Locator`), sent with fetch as `sf data export bulk` does: jsforce's transport leaves a
 * body that breaks off mid-download as an uncaught stream error and a promise that never settles. The
 * connection's token is used, refreshed once on 401; the exchange is observed like every other one.
 * An error answer throws as jsforce's do (`errorCode`, `statusCode`); a body that breaks off throws a
 * network error.
 */
async function rawRequest(
  connection: Connection,
  observe: ExchangeObserver,
  path: string,
  options: RequestOptions,
): Promise<TextResponse> {
  const url = /^https?:/.test(path)
    ? path
    : new URL(
        path.startsWith('/services/') ? path : `/services/data/v${connection.version}${path}`,
        connection.instanceUrl,
      ).href;
  const method = options.method ?? 'GET';
  const body =
    options.text?.content ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const send = async (): Promise<Response> => {
    const started = performance.now();
    const exchange = { method, path: pathOf(url) };
    try {
      const response = await fetch(url, {
        method,
        body,
        headers: {
          ...(options.text
            ? { 'content-type': options.text.contentType }
            : body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
          ...options.headers,
          authorization: `Bearer ${connection.accessToken ?? ''}`,
        },
      });
      observe({
        ...exchange,
        status: response.status,
        ms: performance.now() - started,
        limitInfo: response.headers.get('sforce-limit-info') ?? undefined,
        date: response.headers.get('date') ?? undefined,
      });
      return response;
    } catch (error) {
      observe({
        ...exchange,
        status: 'failed',
        ms: performance.now() - started,
        limitInfo: undefined,
        date: undefined,
      });
      throw error;
    }
  };
  let response = await send();
  if (response.status === 401) {
    await response.body?.cancel();
    await connection.refreshAuth();
    response = await send();
  }
  let text: string;
  try {
    text =
      options.onText && response.status < 400 && response.body
        ? await streamText(response.body, options.onText)
        : await response.text();
  } catch (error) {
    if (error instanceof StreamConsumerError) throw error.cause;
    throw Object.assign(
      new Error(`the connection closed before the answer was complete (${(error as Error).message})`),
      { code: 'ECONNRESET', cause: error },
    );
  }
  if (response.status >= 400) {
    let first: { errorCode?: string; message?: string } | undefined;
    try {
      const parsed = JSON.parse(text) as unknown;
      first = (Array.isArray(parsed) ? parsed[0] : parsed) as typeof first;
    } catch {
      first = undefined;
    }
    const errorCode = first?.errorCode ?? `ERROR_HTTP_${response.status}`;
    throw Object.assign(new Error(first?.message ?? text.slice(0, 500)), {
      name: errorCode,
      errorCode,
      statusCode: response.status,
    });
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return { status: response.status, headers, body: text };
}

/** An error of the consumer of a streamed body (a file that can't be written): thrown as it is. */
class StreamConsumerError extends Error {
  constructor(override readonly cause: unknown) {
    super('the consumer of the body failed');
  }
}

/**
 * Hands a body to `onText` as UTF-8 text, chunk by chunk as it arrives (awaited: a slow consumer holds
 * the download back), so that no more than a chunk of it is held. Answers '' (nothing kept).
 */
async function streamText(
  body: ReadableStream<Uint8Array>,
  onText: (chunk: string) => void | Promise<void>,
): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  const reader = body.getReader();
  const hand = async (chunk: string) => {
    if (!chunk) return;
    try {
      await onText(chunk);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw new StreamConsumerError(error);
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await hand(decoder.decode(value, { stream: true }));
  }
  await hand(decoder.decode());
  return '';
}

/**
 * jsforce has no public per-exchange hook (its HttpApi events live on a per-request object), so the
 * connection's transport is wrapped: every HTTP exchange, including replays after a token refresh,
 * passes here once. Only method, path and status are reported: never headers or bodies with tokens.
 */
function observeExchanges(connection: Connection, observe: ExchangeObserver): void {
  type Transport = {
    httpRequest(request: { method: string; url: string }, options?: unknown): Promise<TransportResponse>;
  };
  type TransportResponse = { statusCode: number; headers: Record<string, string | undefined> };
  const transport = (connection as unknown as { _transport: Transport })._transport;
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = (request, options) => {
    const started = performance.now();
    const pending = send(request, options);
    const path = pathOf(request.url);
    pending.then(
      (response) =>
        observe({
          method: request.method,
          path,
          status: response.statusCode,
          ms: performance.now() - started,
          limitInfo: response.headers['sforce-limit-info'],
          date: response.headers.date,
        }),
      () =>
        observe({
          method: request.method,
          path,
          status: 'failed',
          ms: performance.now() - started,
          limitInfo: undefined,
          date: undefined,
        }),
    );
    return pending;
  };
}

/**
 * The request path and query, with any parameter that could carry a credential blanked out, and the
 * installation key of a SubscriberPackageVersion query (`InstallationKey = '…'`) too.
 */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()])
      if (/sid|token|secret|code|password/i.test(key)) parsed.searchParams.set(key, '***');
    return decodeURIComponent(parsed.pathname + parsed.search).replace(
      /(InstallationKey[\s+]*=[\s+]*)'(?:[^'\\]|\\.)*'/gi,
      "$1'***'",
    );
  } catch {
    return '(unparsable url)';
  }
}
