// The HTTP plumbing shared by every route: request parsing, path normalising
// and JSON answers in Salesforce's shapes.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SalesforceError } from '../data/errors';

export interface ApiRequest {
  method: string;
  /** Normalised path: `//services/data` → `/services/data`, no trailing slash, no query. */
  path: string;
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A text body written as it is made (with `headers`' Content-Type, chunked, no Content-Length):
   * the headers go first, then each chunk once the client has taken the ones before it. A stream that
   * throws midway closes the connection after what was written, so the client sees a cut answer.
   */
  stream?: AsyncIterable<string>;
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): ApiResponse => ({
  status,
  body,
  headers,
});
export const noContent = (): ApiResponse => ({ status: 204 });

/** What a request may send. Salesforce takes at most 50 MB of JSON in one body ("Insert or Update
 * Blob Data": 50 MB of text without multipart), and answers URLs from about 16 KB on with 414. */
export const LIMITS = {
  /** `/services/data`, read only once the token is accepted. */
  dataBody: 50 * 1024 * 1024,
  /** OAuth forms and the admin API carry a few fields; nobody needs more without a token. */
  smallBody: 64 * 1024,
  adminBody: 1024 * 1024,
  url: 16 * 1024,
  /** Node's limit on the request line and headers together; more gets 431. */
  headers: 64 * 1024,
};

export const uriTooLong = (): SalesforceError =>
  new SalesforceError('URI_TOO_LONG', `The URL is longer than ${LIMITS.url} characters`, [], 414);

const tooLarge = (limit: number): SalesforceError =>
  new SalesforceError(
    'REQUEST_ENTITY_TOO_LARGE',
    `The request body is larger than ${limit / 1024 >= 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`}`,
    [],
    413,
  );

// Normalise the raw URL by hand: `new URL('//services/data', base)` would read
// `services` as a host (the sf CLI stores instance URLs with a trailing slash).
export function parseTarget(rawUrl: string): { path: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  let path = rawPath.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { path: path || '/', query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)) };
}

/** A path's segments, %-decoded; bad %-encoding is a 400, not a guess. */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new SalesforceError('INVALID_INPUT', `Malformed %-encoding in the URL: ${s.slice(0, 100)}`);
      }
    });
}

/** The request line and headers; the body stays unread until `readBody` (after the token check). */
export function requestHead(req: IncomingMessage): ApiRequest {
  const url = req.url ?? '/';
  if (url.length > LIMITS.url) throw uriTooLong();
  const { path, query } = parseTarget(url);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    segments: pathSegments(path),
    query,
    headers: req.headers,
    rawBody: '',
  };
}

/** The body as text, refused with 413 as soon as it is known to exceed `limit` (before, if announced). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON object of the body, or a Salesforce-shaped 400 when it is not JSON or not an object. */
export function jsonBody<T = Record<string, unknown>>(req: ApiRequest): T {
  if (!req.rawBody.trim()) throw new SalesforceError('JSON_PARSER_ERROR', 'The request body is empty.');
  let value: unknown;
  try {
    value = JSON.parse(req.rawBody);
  } catch (e) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Unexpected character in the request body: ${(e as Error).message}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize the request body from ${jsonKind(value)}: expected a JSON object`,
    );
  }
  return value as T;
}

/** How a JSON value reads in a parser error, e.g. `VALUE_NUMBER_INT value 5`. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  const shown = JSON.stringify(value).slice(0, 100);
  if (typeof value === 'string') return `VALUE_STRING value ${shown}`;
  if (typeof value === 'number')
    return `VALUE_NUMBER_${Number.isInteger(value) ? 'INT' : 'FLOAT'} value ${shown}`;
  return `VALUE_${String(value).toUpperCase()}`;
}

/** A JSON boolean field of a body: absent is false, `"true"` or `1` is a 400 (not a guess). */
export function jsonBoolean(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of boolean from ${jsonKind(value)} for '${name}'`,
    );
  }
  return value;
}

/** A JSON array field of a body (`records`, `ids`): absent is `[]`, anything but an array is a 400. */
export function jsonArray(body: Record<string, unknown>, name: string): unknown[] {
  const value = body[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of list from ${jsonKind(value)} for '${name}'`,
      [],
    );
  }
  return value;
}

export function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Any thrown value as a Salesforce error: never a stack trace on the wire. */
export function toSalesforceError(e: unknown): SalesforceError {
  if (e instanceof SalesforceError) return e;
  const maybe = e as {
    errorCode?: unknown;
    message?: unknown;
    fields?: unknown;
    statusCode?: unknown;
  } | null;
  if (maybe && typeof maybe.errorCode === 'string') {
    return new SalesforceError(
      maybe.errorCode,
      String(maybe.message ?? maybe.errorCode),
      Array.isArray(maybe.fields) ? (maybe.fields as string[]) : [],
      typeof maybe.statusCode === 'number' ? maybe.statusCode : undefined,
    );
  }
  return new SalesforceError(
    'UNKNOWN_EXCEPTION',
    'An unexpected error occurred. Please include this ErrorId if you contact support.',
    [],
    500,
  );
}

export function errorResponse(e: unknown): ApiResponse {
  const err = toSalesforceError(e);
  return { status: err.statusCode, body: err.toBody() };
}

/** A streamed answer's whole body as one string (for a caller that needs it whole: a composite). */
export async function wholeBody(response: ApiResponse): Promise<ApiResponse> {
  if (!response.stream) return response;
  let text = '';
  for await (const chunk of response.stream) text += chunk;
  return { status: response.status, body: text, ...(response.headers ? { headers: response.headers } : {}) };
}

export async function send(
  res: ServerResponse,
  response: ApiResponse,
  extraHeaders: Record<string, string>,
): Promise<void> {
  const headers: Record<string, string> = { ...extraHeaders, ...response.headers };
  if (response.stream) return sendStream(res, response.status, headers, response.stream);
  // The rest of a too-large body is not worth reading: answer, then close the connection.
  if (response.status === 413) headers.Connection = 'close';
  if (response.status === 204 || response.status === 304 || response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const isText = typeof response.body === 'string' && headers['Content-Type'] !== undefined;
  // Encoded once: Content-Length and the body come from the same bytes.
  const payload = Buffer.from(isText ? (response.body as string) : JSON.stringify(response.body));
  res.writeHead(response.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(payload.length),
    ...headers,
  });
  res.end(payload);
}

async function sendStream(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  stream: AsyncIterable<string>,
): Promise<void> {
  let gone = res.destroyed;
  const closed = new Promise<void>((resolve) =>
    res.once('close', () => {
      gone = true;
      resolve();
    }),
  );
  res.writeHead(status, headers);
  // Resolves once the last chunk written has left for the socket.
  let flushed: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of stream) {
      if (gone) break; // the client went away: stop making the rest
      let wrote = true;
      flushed = new Promise<void>((resolve) => {
        wrote = res.write(chunk, () => resolve());
      });
      if (!wrote) await Promise.race([new Promise<void>((r) => res.once('drain', r)), closed]);
    }
    if (!gone) res.end();
  } catch {
    // What was written goes out, then the connection closes: the client must not take it for the whole.
    await Promise.race([flushed, closed]);
    res.destroy();
  }
}
