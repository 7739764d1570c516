import type { QueryPage, RequestOptions } from '../../org/connection';
import type { LmaFields } from './objects';

/** What the domain needs of the session: one authenticated REST request (LmoSession.request). */
export interface LmoApi {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  /** The LMA's fields in this LMO, when the caller read them already (LmoSession: once per connection). */
  readonly lmaFields?: LmaFields;
  /** The connected user's username, when the caller knows it (LmoSession: the connected org's). */
  readonly username?: string;
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
