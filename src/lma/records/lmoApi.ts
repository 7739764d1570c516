import type { QueryPage, RequestOptions } from '../../org/connection';
import type { LmaFields } from './objects';

/** What the domain needs of the session: one authenticated REST request (LmoSession.request). */
export interface LmoApi {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  /** The LMA's fields in this LMO, when the caller read them already (LmoSession: once per connection). */
  readonly lmaFields?: LmaFields;
  /** The connected user's username, when the caller knows it (LmoSession: the connected org's). */
  readonly username?: string;
  /** Which connection answers (LmoSession: new after each connect): what is read once per connection keys on it. */
  readonly connectionId?: number;
  /** The API version of `request`'s paths (`62.0`), when known: a composite's subrequests name it. */
  readonly apiVersion?: string;
}

/** One page of a query; `batchSize` (200 to 2,000) asks Salesforce for smaller pages. */
export function queryPage<T>(api: LmoApi, soql: string, batchSize?: number): Promise<QueryPage<T>> {
  const headers = batchSize ? { 'Sforce-Query-Options': `batchSize=${batchSize}` } : undefined;
  return api.request<QueryPage<T>>(`/query?q=${encodeURIComponent(soql)}`, { headers });
}

/** Every record of a query, following nextRecordsUrl (2,000 records a request). */
export async function queryAll<T>(api: LmoApi, soql: string): Promise<T[]> {
  let page = await queryPage<T>(api, soql);
  const records = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = await api.request<QueryPage<T>>(page.nextRecordsUrl);
    records.push(...page.records);
  }
  return records;
}

export function toolingQuery<T>(api: LmoApi, soql: string): Promise<QueryPage<T>> {
  return api.request<QueryPage<T>>(`/tooling/query?q=${encodeURIComponent(soql)}`);
}

/** Subrequests one composite request may hold (Salesforce's Composite resource). */
const COMPOSITE_SUBREQUESTS = 25;

interface CompositeAnswer {
  compositeResponse: { body: unknown; httpStatusCode: number; referenceId: string }[];
}

/**
 * Every record of a query in few requests: the first page (which says how many records there are),
 * then the other pages in composite requests of 25, each page's query locator a reference to the page
 * before (`@{pageN.nextRecordsUrl}`): 50,000 records of 2,000 a page in 2 requests where `queryAll`
 * makes 25. A composite counts as one API request (Composite resource docs). A failed page fails the
 * whole read, as `queryAll` does.
 */
export async function queryAllInFew<T>(api: LmoApi, soql: string, batchSize?: number): Promise<T[]> {
  const first = await queryPage<T>(api, soql, batchSize);
  const records = [...first.records];
  let next = first.nextRecordsUrl;
  const pageSize = first.records.length;
  while (!first.done && next && pageSize) {
    const pages = Math.min(COMPOSITE_SUBREQUESTS, Math.ceil((first.totalSize - records.length) / pageSize));
    if (pages <= 1) {
      const page = await api.request<QueryPage<T>>(next);
      records.push(...page.records);
      next = page.done ? undefined : page.nextRecordsUrl;
      continue;
    }
    const answer = await api.request<CompositeAnswer>('/composite', {
      method: 'POST',
      body: {
        allOrNone: false,
        compositeRequest: Array.from({ length: pages }, (_, i) => ({
          method: 'GET',
          url: i === 0 ? next : `@{page${i - 1}.nextRecordsUrl}`,
          referenceId: `page${i}`,
        })),
      },
    });
    next = undefined;
    for (const sub of answer.compositeResponse) {
      if (sub.httpStatusCode >= 300) {
        const error = (Array.isArray(sub.body) ? sub.body[0] : sub.body) as
          { errorCode?: string; message?: string } | undefined;
        throw Object.assign(
          new Error(error?.message ?? `a page of the query answered ${sub.httpStatusCode}`),
          {
            errorCode: error?.errorCode,
            statusCode: sub.httpStatusCode,
          },
        );
      }
      const page = sub.body as QueryPage<T>;
      records.push(...page.records);
      next = page.done ? undefined : page.nextRecordsUrl;
    }
  }
  return records;
}
