// `/sobjects/AppAnalyticsQueryRequest` (create and read; the LMO only, with App Analytics on) and the
// DownloadUrl a Complete request names (`/_analytics/{id}/{secret}/{file}`): like a presigned link it
// needs no session, only the secret in its path; after DownloadExpirationTime it answers as an expired
// presigned link does (403 AccessDenied "Request has expired", UNCONFIRMED), over the daily limit 429.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SalesforceError, notFound } from '../data/errors';
import { appAnalyticsOf } from '../world/appAnalytics';
import type { World } from '../world/world';
import type { Ctx } from './context';
import { json, jsonBody, type ApiResponse } from './http';
import { refuseIdOnInsert, writableFields } from './rest';

export const APP_ANALYTICS_OBJECT = 'AppAnalyticsQueryRequest';

export async function appAnalyticsSobjects(ctx: Ctx): Promise<ApiResponse> {
  const analytics = appAnalyticsOf(ctx.world);
  // Without App Analytics (or access to the object) the type does not exist: 404, as for any unknown type.
  if (!analytics.available(ctx.org)) throw notFound();
  const [, , third] = ctx.rest;
  const m = ctx.req.method;
  if (third === undefined) {
    if (m === 'POST') {
      const body = jsonBody(ctx.req);
      refuseIdOnInsert(body);
      const id = analytics.create(ctx.org, writableFields(body));
      return json({ id, success: true, errors: [] }, 201, {
        Location: `/services/data/v${ctx.version}/sobjects/${APP_ANALYTICS_OBJECT}/${id}`,
      });
    }
    if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD,POST');
    return json({
      objectDescribe: { name: APP_ANALYTICS_OBJECT, createable: true, queryable: true },
      recentItems: [],
    });
  }
  if (ctx.rest.length !== 3 || third === 'describe') throw notFound();
  if (m !== 'GET') throw methodNotAllowed(m, 'GET,HEAD');
  await analytics.settleDue();
  const row = analytics.row(third, ctx.instanceUrl(), ctx.version);
  if (!row) throw notFound();
  return json(row);
}

const methodNotAllowed = (method: string, allowed: string): SalesforceError =>
  new SalesforceError(
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
    [],
    405,
  );

/** `GET /_analytics/{id}/{secret}/{file}`: the file, written whole (it was made when the request completed). */
export function serveAnalyticsDownload(world: World, req: IncomingMessage, res: ServerResponse): void {
  const parts = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean);
  const answer = (status: number, type: string, body: string): void => {
    res
      .writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) })
      .end(body);
  };
  if (req.method !== 'GET' || parts.length !== 4) return answer(404, 'text/plain', 'Not Found');
  const got = appAnalyticsOf(world).download(parts[1]!, parts[2]!);
  if (got.kind === 'none') {
    return answer(
      404,
      'application/xml',
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
    );
  }
  if (got.kind === 'expired') {
    return answer(
      403,
      'application/xml',
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    );
  }
  if (got.kind === 'limit') {
    return answer(
      429,
      'application/json',
      JSON.stringify([{ errorCode: 'DOWNLOAD_LIMIT_EXCEEDED', message: got.message }]),
    );
  }
  res.writeHead(200, {
    'Content-Type': got.gzip ? 'application/gzip' : 'text/csv',
    'Content-Length': String(got.file.length),
  });
  res.end(got.file);
}
