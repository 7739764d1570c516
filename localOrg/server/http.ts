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
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): ApiResponse => ({
  status,
  body,
  headers,
});
export const noContent = (): ApiResponse => ({ status: 204 });

const MAX_BODY = 50 * 1024 * 1024;

// Normalise the raw URL by hand: `new URL('//services/data', base)` would read
// `services` as a host (the sf CLI stores instance URLs with a trailing slash).
export function parseTarget(rawUrl: string): { path: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  let path = rawPath.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { path: path || '/', query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)) };
}

export async function readRequest(req: IncomingMessage): Promise<ApiRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new SalesforceError('JSON_PARSER_ERROR', 'Request body too large', [], 413);
    chunks.push(chunk);
  }
  const { path, query } = parseTarget(req.url ?? '/');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    segments: path.split('/').filter(Boolean).map(safeDecode),
    query,
    headers: req.headers,
    rawBody: Buffer.concat(chunks).toString('utf8'),
  };
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The JSON body, or a Salesforce-shaped 400 when it is not JSON. */
export function jsonBody<T = Record<string, unknown>>(req: ApiRequest): T {
  if (!req.rawBody.trim()) throw new SalesforceError('JSON_PARSER_ERROR', 'The request body is empty.');
  try {
    return JSON.parse(req.rawBody) as T;
  } catch (e) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Unexpected character in the request body: ${(e as Error).message}`,
    );
  }
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

export function send(res: ServerResponse, response: ApiResponse, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...response.headers };
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
