// The local org's HTTP server (node:http, 127.0.0.1 only). Every Salesforce
// request is authenticated by its Bearer token, which also selects the org;
// every answer is JSON in Salesforce's shapes; nothing a client sends can take
// the server down.
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { SalesforceError, notFound } from '../data/errors';
import type { OrgState } from '../world/state';
import type { World } from '../world/world';
import { Admin } from './admin';
import { APP_ANALYTICS_OBJECT, appAnalyticsSobjects, serveAnalyticsDownload } from './appAnalytics';
import { adminSecretPath, newAdminSecret, removeAdminSecret, writeAdminSecret } from './adminSecret';
import { ApiUsage } from './apiUsage';
import { collections } from './collections';
import { composite } from './composite';
import type { Ctx, Shared } from './context';
import { Cursors } from './cursors';
import { Faults } from './faults';
import { browserSession, frontDoor, uiPage } from './frontDoor';
import { SUBSCRIBER_LOGIN_PATH, subscriberLogin } from './subscriberLogin';
import {
  LIMITS,
  errorResponse,
  header,
  json,
  readBody,
  requestHead,
  send,
  type ApiRequest,
  type ApiResponse,
} from './http';
import { authorize, identity, isRegisteredRedirect, revoke, token, userinfo } from './oauth';
import { LOOPBACK_HOSTS } from '../address';
import { isMultipart } from './multipart';
import { query } from './query';
import { recent } from './recent';
import { apiVersion, limits, resources, sobjects, versions } from './rest';
import { toolingSobjects } from './tooling';
import { BULK_UPLOAD_LIMIT, bulk2, isBulkUpload } from './bulk2';
import { processRules } from '../world/lmoProblems';

const invalidSession = (): SalesforceError =>
  new SalesforceError('INVALID_SESSION_ID', 'Session expired or invalid', [], 401);

/** The origin's host name is a loopback name (the login page, also when a proxy forwards it). */
const loopbackOrigin = (origin: string): boolean => {
  try {
    return LOOPBACK_HOSTS.includes(new URL(origin).hostname);
  } catch {
    return false;
  }
};

/** Requests that carry a body the route reads. */
const hasBody = (method: string): boolean => method === 'POST' || method === 'PATCH' || method === 'PUT';

/**
 * Salesforce's REST API accepts JSON and XML bodies and answers others with 415; the local org
 * speaks JSON only, and takes multipart/form-data where Salesforce takes blob fields (a record's
 * sObject URL). A missing Content-Type is read as JSON.
 */
function requireJson(req: ApiRequest): void {
  const type = header(req, 'content-type');
  if (type === undefined || /^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) return;
  // A record with blob fields comes as multipart/form-data to its sObject URL (`multipart.ts`).
  const sobjectRow = req.segments.indexOf('sobjects') === (req.segments[3] === 'tooling' ? 4 : 3);
  if (sobjectRow && isMultipart(req) && req.segments[0] === 'services') return;
  throw new SalesforceError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type header specified in HTTP request is not supported: ${type.split(';')[0]?.trim()}`,
    [],
    415,
  );
}

export interface LocalOrgServer {
  shared: Shared;
  admin: Admin;
  /** What the admin API asks for; also written to `adminSecretFile`. */
  adminSecret: string;
  adminSecretFile: string;
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startServer(
  world: World,
  options: { port?: number; onShutdown?: () => void },
): Promise<LocalOrgServer> {
  const adminSecret = newAdminSecret();
  let port = options.port ?? 0;
  const shared: Shared = {
    world,
    cursors: new Cursors(),
    usage: new ApiUsage(),
    faults: new Faults(),
    instanceUrl: () => `http://127.0.0.1:${port}`,
  };
  const admin = new Admin(
    shared,
    adminSecret,
    () => options.onShutdown?.(),
    () => adminSecretPath(port),
  );

  // The token only ever comes in the Authorization header, as on Salesforce: a web page can't set
  // that header on another site's URL without a CORS preflight, which the local org refuses.
  const authenticate = (req: ApiRequest, seen: { org?: OrgState } = {}): OrgState => {
    const auth = header(req, 'authorization') ?? '';
    const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth.trim());
    const org = m?.[1] ? world.orgByAccessToken(m[1]) : undefined;
    if (!org) throw invalidSession();
    seen.org = org;
    return org;
  };

  /** `/services/data/vXX.X/...` for an authenticated org. */
  const dataApi = async (req: ApiRequest, org: OrgState, version: string): Promise<ApiResponse> => {
    const after = req.segments.slice(3);
    const tooling = after[0] === 'tooling';
    const rest = tooling ? after.slice(1) : after;
    const ctx: Ctx = {
      ...shared,
      req,
      org,
      version,
      rest,
      tooling,
      subrequest: async (sub) => {
        if (sub.segments[0] !== 'services' || sub.segments[1] !== 'data') throw notFound();
        return dataApi(sub, org, apiVersion(sub.segments[2] ?? '')).catch(errorResponse);
      },
    };
    const head = rest[0];
    // A package's owner org: its catalog and subscribers follow the world before anything reads them.
    if (org.kind === 'devhub') await world.pushes.prepare(org);
    if (head === undefined) return resources(ctx);
    if (head === 'query' || head === 'queryAll') return query(ctx);
    if (head === 'sobjects' && !tooling && rest[1]?.toLowerCase() === APP_ANALYTICS_OBJECT.toLowerCase())
      return appAnalyticsSobjects(ctx);
    if (head === 'sobjects') return tooling ? toolingSobjects(ctx) : sobjects(ctx);
    if (tooling) return notFoundResponse();
    if (head === 'limits') return limits(ctx);
    if (head === 'recent' && rest.length === 1) return recent(ctx);
    if (head === 'process' && rest[1] === 'rules' && rest.length === 3 && req.method === 'GET') {
      const object = rest[2] ?? '';
      // An object the org (or this user) doesn't have: a resource that does not exist.
      try {
        ctx.world.data(org).describe(object);
      } catch {
        throw notFound();
      }
      return json(processRules(ctx.world, ctx.org, object));
    }
    if (head === 'composite' && rest[1] === 'sobjects') return collections(ctx);
    if (head === 'composite' && rest.length === 1) return composite(ctx);
    if (head === 'jobs') return bulk2(ctx);
    return notFoundResponse();
  };

  // `seen.org` is set once a token is accepted, so that errors after it still carry the usage header.
  // `body` reads the request body, capped; routes call it only after their checks (the token first).
  const route = async (
    req: ApiRequest,
    seen: { org?: OrgState },
    body: (limit: number) => Promise<void>,
  ): Promise<ApiResponse> => {
    const s = req.segments;
    const origin = header(req, 'origin');
    // Web pages may not call these APIs (an empty CORS allowlist, as a new org has); only the login
    // page posts its own form. Salesforce answers an origin outside the allowlist with 403.
    const loginForm =
      s[0] === 'services' && s[1] === 'oauth2' && s[2] === 'authorize' && req.method === 'POST';
    if (origin !== undefined && !(loginForm && loopbackOrigin(origin))) {
      if (s[0] === 'services' && s[1] === 'oauth2') {
        return json(
          {
            error: 'invalid_request',
            error_description: `Cross-origin request from ${origin} refused: the local org's CORS allowlist is empty`,
          },
          403,
        );
      }
      throw new SalesforceError(
        'INSUFFICIENT_ACCESS',
        `Cross-origin request from ${origin} refused: the local org's CORS allowlist is empty`,
        [],
        403,
      );
    }
    if (s[0] === 'services' && s[1] === 'oauth2') {
      if (s[2] === 'userinfo') return userinfo(shared, authenticate(req, seen));
      if (s[2] !== 'token' && s[2] !== 'authorize' && s[2] !== 'revoke') throw notFound();
      if (s[2] === 'authorize' && !isRegisteredRedirect(req.query.get('redirect_uri'))) {
        return authorize(shared, req); // refused before any body is read
      }
      await body(LIMITS.smallBody);
      if (s[2] === 'token') return token(shared, req);
      if (s[2] === 'authorize') return authorize(shared, req);
      return revoke(shared, req);
    }
    if (s[0] === 'id' && s.length === 3) {
      const org = authenticate(req, seen);
      if (s[1]?.slice(0, 15) !== org.id.slice(0, 15)) throw new SalesforceError('BAD_ID', 'Bad_Id', [], 403);
      return identity(shared, org);
    }
    if (s[0] === 'services' && s[1] === 'data') {
      if (s.length === 2) return versions(); // the versions list needs no session
      const version = apiVersion(s[2] ?? '');
      const org = authenticate(req, seen);
      if (!shared.usage.count(org)) {
        throw new SalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], 403);
      }
      if (hasBody(req.method)) {
        // A Bulk API 2.0 upload is CSV (checked by its route), up to 150 MB.
        if (!isBulkUpload(req)) requireJson(req);
        await body(isBulkUpload(req) ? BULK_UPLOAD_LIMIT : LIMITS.dataBody);
      }
      return dataApi(req, org, version);
    }
    // Salesforce's front door: an access token in, a browser session (cookie) out, then retURL.
    if (s[0] === 'secur' && s[1] === 'frontdoor.jsp' && s.length === 2) {
      if (req.method === 'POST') await body(LIMITS.smallBody);
      else if (req.method !== 'GET') throw notFound();
      return frontDoor(shared, req);
    }
    const browser = req.method === 'GET' ? browserSession(req) : undefined;
    if (browser && req.path === SUBSCRIBER_LOGIN_PATH) return subscriberLogin(shared, browser, req);
    if (browser) return uiPage(shared, browser, req);
    throw notFound();
  };

  // The answer each connection is writing: a parse error after a valid request on the same
  // keep-alive connection is answered only after it, so that every executed request gets its answer.
  const answering = new WeakMap<Duplex, Promise<void>>();

  // requireHostHeader off: Node would answer a request without Host with a bare 400; this one says why.
  const server = createServer({ maxHeaderSize: LIMITS.headers, requireHostHeader: false }, (rawReq, res) => {
    answering.set(rawReq.socket, new Promise<void>((r) => res.once('close', r)));
    if (!rawReq.headers.host) {
      const body = JSON.stringify([
        { message: 'The request has no Host header', errorCode: 'BAD_REQUEST', fields: [] },
      ]);
      res
        .writeHead(400, {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': String(Buffer.byteLength(body)),
          Connection: 'close',
        })
        .end(body);
      return;
    }
    // DNS rebinding: a web page's own host name resolving to 127.0.0.1 reaches this port with its
    // name in Host. Only the loopback names are this server. Any port: VS Code in a browser
    // (code-server) forwards localhost URLs through its own port, keeping its Host.
    const host = rawReq.headers.host.toLowerCase();
    const hostname = host.replace(/:\d+$/, '');
    if (!LOOPBACK_HOSTS.includes(hostname)) {
      const body = JSON.stringify([
        {
          message: `Host ${host || '(none)'} is not this local org`,
          errorCode: 'MISDIRECTED_REQUEST',
          fields: [],
        },
      ]);
      res.writeHead(421, { 'Content-Type': 'application/json', Connection: 'close' }).end(body);
      return;
    }
    // App Analytics downloads: binary, and authorized by the secret in the path (a presigned link).
    if (rawReq.url?.startsWith('/_analytics/')) {
      serveAnalyticsDownload(world, rawReq, res);
      return;
    }
    void (async () => {
      const seen: { org?: OrgState } = {};
      let response: ApiResponse;
      try {
        const req = requestHead(rawReq);
        const body = async (limit: number): Promise<void> => {
          req.rawBody = await readBody(rawReq, limit);
        };
        if (req.segments[0] === '_local') response = await admin.handle(req, body);
        else {
          await shared.faults.beforeRequest();
          const forced = shared.faults.take();
          if (forced) throw forced;
          response = await route(req, seen, body);
          await shared.faults.beforeAnswer();
        }
      } catch (e) {
        response = errorResponse(e);
      }
      const extra: Record<string, string> = {};
      if (seen.org) extra['Sforce-Limit-Info'] = shared.usage.header(seen.org);
      await send(res, response, extra);
    })().catch(() => {
      // The socket went away mid-answer; nothing left to tell the client.
      if (!res.headersSent) res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const pending = answering.get(socket);
    if (pending) void pending.then(() => answerClientError(err, socket));
    else answerClientError(err, socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let adminSecretFile: string;
  try {
    adminSecretFile = writeAdminSecret(port, adminSecret);
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    shared,
    admin,
    adminSecret,
    adminSecretFile,
    server,
    get port() {
      return port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        removeAdminSecret(port, adminSecret);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const notFoundResponse = (): ApiResponse => errorResponse(notFound());

/**
 * Requests Node's parser refuses before any handler runs: headers over `LIMITS.headers` get 431
 * (Salesforce answers oversized requests with 431 or 414), anything else unparsable 400. The rest
 * of what the client sends is drained for a moment so that it reads the answer, not a reset.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'REQUEST_HEADER_FIELDS_TOO_LARGE',
          `The request line and headers are larger than ${LIMITS.headers / 1024} KB`,
        ]
      : [400, 'Bad Request', 'BAD_REQUEST', 'The request is not valid HTTP'];
  const body = JSON.stringify([{ message, errorCode: code, fields: [] }]);
  socket.on('error', () => undefined);
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 2000).unref();
}
