// `/secur/frontdoor.jsp`, as Salesforce serves it: a session id (an access token) in, a browser
// session (an HttpOnly cookie) out, then a redirect to `retURL`, so the token leaves the address bar
// at once. The local org has no Salesforce pages: with that cookie, any other page answers a small
// page that says so and shows the record its path names, if any.
import { randomBytes } from 'node:crypto';
import type { OrgState } from '../world/state';
import type { Shared } from './context';
import { header, type ApiRequest, type ApiResponse } from './http';
import { formParams } from './oauth';

/** Browser sessions: cookie value → the user, until it expires (memory only, as a login is). */
const sessions = new Map<string, { org: OrgState; expires: number }>();
const SESSION_MS = 2 * 60 * 60_000;
const COOKIE = 'sid';

export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const PAGE_HEADERS = {
  'Content-Type': 'text/html;charset=UTF-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

export const page = (status: number, title: string, body: string): ApiResponse => ({
  status,
  headers: PAGE_HEADERS,
  body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Local Org</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#181818}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}th{background:#f3f3f3}</style></head>
<body>${body}</body></html>`,
});

/**
 * Only a path on this server: `/lightning/r/…`, `/001…`. Anything else (another host, `//host`,
 * a scheme, a backslash that browsers read as a slash) goes to the home page instead.
 */
function safeReturn(retURL: string | null): string {
  if (!retURL || !retURL.startsWith('/') || retURL.startsWith('//') || /[\\\s]/.test(retURL))
    return '/home/home.jsp';
  return retURL;
}

/** GET or POST `/secur/frontdoor.jsp?sid=…&retURL=…` (POST: the same fields in the form body). */
export function frontDoor(shared: Shared, req: ApiRequest): ApiResponse {
  const params = formParams(req);
  const org = shared.world.orgByAccessToken(params.get('sid') ?? '');
  if (!org) {
    // Salesforce sends an invalid session to its login page; the local org says why instead.
    return page(
      401,
      'Session expired or invalid',
      '<h1>Session expired or invalid</h1><p>Open the page again from VS Code.</p>',
    );
  }
  const now = Date.now();
  for (const [id, s] of sessions) if (s.expires < now) sessions.delete(id);
  const id = randomBytes(32).toString('base64url');
  sessions.set(id, { org, expires: now + SESSION_MS });
  return {
    status: 302,
    headers: {
      Location: safeReturn(params.get('retURL')),
      'Set-Cookie': `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MS / 1000}`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  };
}

/** The user of the browser session the request's cookie names, if it is live. */
export function browserSession(req: ApiRequest): OrgState | undefined {
  const cookies = header(req, 'cookie') ?? '';
  const id = /(?:^|;\s*)sid=([^;]+)/.exec(cookies)?.[1];
  const s = id ? sessions.get(id) : undefined;
  if (!s || s.expires < Date.now()) return undefined;
  return s.org;
}

const RECORD_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A page of the Salesforce UI, for a browser session: what it would show, and the record it names. */
export function uiPage(shared: Shared, org: OrgState, req: ApiRequest): ApiResponse {
  const data = shared.world.data(org);
  const recordId = req.segments.find((s) => RECORD_ID.test(s));
  const schema = recordId ? data.schema.byKeyPrefix(recordId.slice(0, 3)) : undefined;
  let record = '';
  if (recordId && schema) {
    try {
      const row = data.retrieve(schema.name, recordId);
      const cells = Object.entries(row)
        .filter(([k, v]) => k !== 'attributes' && v !== null)
        .map(
          ([k, v]) =>
            `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v))}</td></tr>`,
        )
        .join('');
      record = `<h2>${escapeHtml(schema.def.label)} ${escapeHtml(recordId)}</h2><table>${cells}</table>`;
    } catch {
      record = `<p>No ${escapeHtml(schema.name)} ${escapeHtml(recordId)} in this org.</p>`;
    }
  }
  return page(
    200,
    req.path,
    `<h1>Local org</h1>
<p>Logged in as ${escapeHtml(org.username)} (${escapeHtml(org.name)}). The local org serves Salesforce's
APIs, not its pages: in a real org this address opens <code>${escapeHtml(req.path)}</code>.</p>${record}`,
  );
}
