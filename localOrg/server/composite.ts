// Composite (`/composite`): up to 25 subrequests in order, later ones able to
// use earlier results through `@{referenceId.path}`; the whole call counts as
// one API request (as Salesforce documents). No composite inside a composite,
// and subrequest URLs are bounded as request URLs are. With allOrNone, the
// first failure halts the rest and rolls back everything before it.
import { SalesforceError } from '../data/errors';
import type { Ctx } from './context';
import {
  LIMITS,
  errorResponse,
  json,
  jsonArray,
  jsonBody,
  jsonBoolean,
  jsonKind,
  parseTarget,
  pathSegments,
  type ApiRequest,
  type ApiResponse,
  uriTooLong,
  wholeBody,
} from './http';

/** `/services/data/vXX.X/[tooling/]composite[/…]` other than sObject Collections. */
const isComposite = (segments: string[]): boolean => {
  const rest = segments.slice(segments[3] === 'tooling' ? 4 : 3);
  return rest[0] === 'composite' && rest[1] !== 'sobjects';
};

interface Subrequest {
  method?: string;
  url?: string;
  referenceId?: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

const MAX = 25;

function lookup(results: Map<string, unknown>, expr: string): unknown {
  const [ref, ...path] = expr.split('.');
  if (!results.has(ref as string)) {
    throw new SalesforceError(
      'INVALID_REFERENCE',
      `Invalid reference specified. No value for ${expr} found in ${ref}.`,
    );
  }
  let v: unknown = results.get(ref as string);
  for (const part of path) {
    for (const seg of part.split(/[[\]]/).filter(Boolean)) {
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    }
  }
  if (v === undefined)
    throw new SalesforceError(
      'INVALID_REFERENCE',
      `Invalid reference specified. No value for ${expr} found.`,
    );
  return v;
}

const substitute = (text: string, results: Map<string, unknown>): string =>
  text.replace(/@\{([^}]+)\}/g, (_, expr: string) => String(plain(lookup(results, expr))));

/** A double held as JSON text (`10.0`, see soql/query.ts jsonDouble) as the text it stands for. */
const plain = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && 'rawJSON' in value
    ? (value as { rawJSON: string }).rawJSON
    : value;

/** A subrequest as sent: an object whose fields have the types Salesforce deserializes them into. */
function subrequest(value: unknown): Subrequest {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of subrequest from ${jsonKind(value)}`,
    );
  }
  const sub = value as Record<string, unknown>;
  for (const name of ['method', 'url', 'referenceId'] as const) {
    if (sub[name] !== undefined && typeof sub[name] !== 'string') {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of string from ${jsonKind(sub[name])} for '${name}'`,
      );
    }
  }
  const headers = sub.httpHeaders;
  if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers))) {
    throw new SalesforceError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of map from ${jsonKind(headers)} for 'httpHeaders'`,
    );
  }
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (typeof v !== 'string') {
      throw new SalesforceError(
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of string from ${jsonKind(v)} for 'httpHeaders.${name}'`,
      );
    }
  }
  return sub as Subrequest;
}

export async function composite(ctx: Ctx): Promise<ApiResponse> {
  if (ctx.req.method !== 'POST')
    throw new SalesforceError('METHOD_NOT_ALLOWED', 'HTTP Method not allowed. Allowed are POST', [], 405);
  const body = jsonBody(ctx.req);
  const subs = jsonArray(body, 'compositeRequest').map(subrequest);
  if (subs.length === 0)
    throw new SalesforceError('INVALID_INPUT', 'compositeRequest must contain at least one subrequest');
  if (subs.length > MAX)
    throw new SalesforceError(
      'LIMIT_EXCEEDED',
      `Limit Exceeded: the maximum number of subrequests is ${MAX}`,
    );
  // allOrNone: one store transaction, so a halted request (or a crash before the answer) leaves
  // none of its writes, updates included; without it each subrequest stands on its own.
  if (jsonBoolean(body, 'allOrNone')) return ctx.world.db.atomically(() => run(ctx, subs, true));
  return (await run(ctx, subs, false)).value;
}

async function run(
  ctx: Ctx,
  subs: Subrequest[],
  allOrNone: boolean,
): Promise<{ keep: boolean; value: ApiResponse }> {
  const results = new Map<string, unknown>();
  const out: Array<Record<string, unknown>> = [];
  let halted = false;
  for (const sub of subs) {
    const referenceId = sub.referenceId ?? '';
    if (halted) {
      out.push({
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
        referenceId,
      });
      continue;
    }
    let response: ApiResponse;
    try {
      const url = substitute(sub.url ?? '', results);
      if (!url.startsWith('/services/data/'))
        throw new SalesforceError('INVALID_INPUT', `The URL ${url} is not a valid composite subrequest URL`);
      // A subrequest's URL is bounded as a request's is (a query's SOQL travels in it).
      if (url.length > LIMITS.url) throw uriTooLong();
      const { path, query } = parseTarget(url);
      // Composite takes sObject, query and sObject Collections resources, not another composite:
      // 25 subrequests per call, each one resource.
      if (isComposite(pathSegments(path))) {
        throw new SalesforceError(
          'INVALID_INPUT',
          `The URL ${path} is not a valid composite subrequest URL: a composite request can't contain another composite request`,
        );
      }
      const req: ApiRequest = {
        method: (sub.method ?? 'GET').toUpperCase(),
        path,
        segments: pathSegments(path),
        query,
        headers: { ...ctx.req.headers, ...lower(sub.httpHeaders ?? {}) },
        rawBody: sub.body === undefined ? '' : substitute(JSON.stringify(sub.body), results),
      };
      response = await wholeBody(await ctx.subrequest(req));
    } catch (e) {
      response = errorResponse(e);
    }
    if (referenceId && response.status < 400) results.set(referenceId, response.body);
    out.push({
      body: response.body ?? null,
      httpHeaders: response.headers?.Location ? { Location: response.headers.Location } : {},
      httpStatusCode: response.status,
      referenceId,
    });
    if (response.status >= 400 && allOrNone) halted = true;
  }
  if (halted) {
    for (const entry of out) {
      if ((entry.httpStatusCode as number) < 400) {
        entry.httpStatusCode = 400;
        entry.body = [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ];
      }
    }
  }
  return { keep: !halted, value: json({ compositeResponse: out }) };
}

const lower = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
