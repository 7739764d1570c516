// The local org's HTTP server (node:http, 127.0.0.1 only). Every Salesforce
// request is authenticated by its Bearer token, which also selects the org;
// every answer is JSON in Salesforce's shapes; nothing a client sends can take
// the server down.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SalesforceError, notFound } from '../data/errors';
import type { OrgState } from '../world/state';
import type { World } from '../world/world';
import { Admin } from './admin';
import { ApiUsage } from './apiUsage';
import { collections } from './collections';
import { composite } from './composite';
import type { Ctx, Shared } from './context';
import { Cursors } from './cursors';
import { Faults } from './faults';
import { errorResponse, header, readRequest, send, type ApiRequest, type ApiResponse } from './http';
import { authorize, identity, revoke, token, userinfo } from './oauth';
import { query } from './query';
import { limits, resources, sobjects, versions } from './rest';
import { toolingSobjects } from './tooling';

const invalidSession = (): SalesforceError =>
  new SalesforceError('INVALID_SESSION_ID', 'Session expired or invalid', [], 401);

export interface LocalOrgServer {
  shared: Shared;
  admin: Admin;
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startServer(
  world: World,
  options: { port?: number; onShutdown?: () => void },
): Promise<LocalOrgServer> {
  let port = options.port ?? 0;
  const shared: Shared = {
    world,
    cursors: new Cursors(),
    usage: new ApiUsage(),
    faults: new Faults(),
    instanceUrl: () => `http://127.0.0.1:${port}`,
  };
  const admin = new Admin(shared, () => options.onShutdown?.());

  const authenticate = (req: ApiRequest, seen: { org?: OrgState } = {}): OrgState => {
    const auth = header(req, 'authorization') ?? '';
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim());
    const t = m?.[1] ?? req.query.get('oauth_token') ?? '';
    const org = t ? world.orgByAccessToken(t) : undefined;
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
      subrequest: (sub) => {
        const v = /^v(\d+\.\d+)$/.exec(sub.segments[2] ?? '');
        if (sub.segments[0] !== 'services' || sub.segments[1] !== 'data' || !v) throw notFound();
        return dataApi(sub, org, v[1] as string).catch(errorResponse);
      },
    };
    const head = rest[0];
    if (head === undefined) return tooling ? notFoundResponse() : resources(ctx);
    if (head === 'query' || head === 'queryAll') return query(ctx);
    if (head === 'sobjects') return tooling ? toolingSobjects(ctx) : sobjects(ctx);
    if (tooling) return notFoundResponse();
    if (head === 'limits') return limits(ctx);
    if (head === 'composite' && rest[1] === 'sobjects') return collections(ctx);
    if (head === 'composite' && rest.length === 1) return composite(ctx);
    return notFoundResponse();
  };

  // `seen.org` is set once a token is accepted, so that errors after it still carry the usage header.
  const route = async (req: ApiRequest, seen: { org?: OrgState }): Promise<ApiResponse> => {
    const s = req.segments;
    if (s[0] === 'services' && s[1] === 'oauth2') {
      if (s[2] === 'token') return token(shared, req);
      if (s[2] === 'authorize') return authorize(shared, req);
      if (s[2] === 'revoke') return revoke(shared, req);
      if (s[2] === 'userinfo') {
        return userinfo(shared, authenticate(req, seen));
      }
      throw notFound();
    }
    if (s[0] === 'id' && s.length === 3) {
      const org = authenticate(req, seen);
      if (s[1]?.slice(0, 15) !== org.id.slice(0, 15)) throw new SalesforceError('BAD_ID', 'Bad_Id', [], 403);
      return identity(shared, org);
    }
    if (s[0] === 'services' && s[1] === 'data') {
      if (s.length === 2) return versions(); // the versions list needs no session
      const v = /^v(\d+)\.(\d+)$/.exec(s[2] ?? '');
      if (!v) throw notFound();
      const org = authenticate(req, seen);
      if (!shared.usage.count(org)) {
        throw new SalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], 403);
      }
      return dataApi(req, org, `${v[1]}.${v[2]}`);
    }
    throw notFound();
  };

  const server = createServer((rawReq, res) => {
    // DNS rebinding: a web page's own host name resolving to 127.0.0.1 reaches this port with its
    // name in Host. Only the loopback names are this server. Any port: VS Code in a browser
    // (code-server) forwards localhost URLs through its own port, keeping its Host.
    const host = (rawReq.headers.host ?? '').toLowerCase();
    const hostname = host.replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
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
    void (async () => {
      const seen: { org?: OrgState } = {};
      let response: ApiResponse;
      try {
        const req = await readRequest(rawReq);
        if (req.segments[0] === '_local') response = await admin.handle(req);
        else {
          if (shared.faults.delayMs > 0) await new Promise((r) => setTimeout(r, shared.faults.delayMs));
          const forced = shared.faults.take();
          if (forced) throw forced;
          response = await route(req, seen);
        }
      } catch (e) {
        response = errorResponse(e);
      }
      const extra: Record<string, string> = {};
      if (seen.org) extra['Sforce-Limit-Info'] = shared.usage.header(seen.org);
      send(res, response, extra);
    })().catch(() => {
      // The socket went away mid-answer; nothing left to tell the client.
      if (!res.headersSent) res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    shared,
    admin,
    server,
    get port() {
      return port;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const notFoundResponse = (): ApiResponse => errorResponse(notFound());
