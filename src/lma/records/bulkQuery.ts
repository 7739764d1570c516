/**
 * Bulk API 2.0 query jobs as the domain reads them: create, poll, CSV pages behind `Sforce-Locator`,
 * abort and delete; and the CSV rows turned back into the typed rows a REST query answers (`Row`), so
 * the same mapping (`toLicense`) and the same export CSV serve both paths.
 */
import type { TextResponse } from '../../org/connection';
import type { LmoApi } from './lmoApi';
import { OBJECTS, relationshipTarget, type FieldDeclaration, type ObjectName } from './objects';

export interface BulkJobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted' | 'Open';
  object?: string;
  errorMessage?: string;
  numberRecordsProcessed?: number;
}

export const UNFINISHED_STATES: readonly BulkJobInfo['state'][] = ['Open', 'UploadComplete', 'InProgress'];

export function createQueryJob(api: LmoApi, soql: string): Promise<BulkJobInfo> {
  return api.request<BulkJobInfo>('/jobs/query', {
    method: 'POST',
    body: { operation: 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
  });
}

export const queryJobInfo = (api: LmoApi, id: string): Promise<BulkJobInfo> =>
  api.request<BulkJobInfo>(`/jobs/query/${encodeURIComponent(id)}`);

export const abortQueryJob = (api: LmoApi, id: string): Promise<BulkJobInfo> =>
  api.request<BulkJobInfo>(`/jobs/query/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: { state: 'Aborted' },
  });

export const deleteQueryJob = (api: LmoApi, id: string): Promise<unknown> =>
  api.request<unknown>(`/jobs/query/${encodeURIComponent(id)}`, { method: 'DELETE' });

export interface ResultsPage {
  header: string[];
  rows: string[][];
  /** The next page's locator; undefined after the last page. */
  locator: string | undefined;
}

/** A page that arrived cut short or otherwise not as its headers announced it. */
export class IncompletePageError extends Error {
  override readonly name = 'IncompletePageError';
}

/**
 * One page of a finished job's results. The page is checked against its `Sforce-NumberOfRecords`:
 * a download that broke off (a closed connection, a cut CSV) is an IncompletePageError, never fewer rows.
 */
export async function resultsPage(
  api: LmoApi,
  id: string,
  locator: string | undefined,
  maxRecords: number,
): Promise<ResultsPage> {
  const query = new URLSearchParams({ maxRecords: String(maxRecords) });
  if (locator) query.set('locator', locator);
  const res = await api.request<TextResponse>(`/jobs/query/${encodeURIComponent(id)}/results?${query}`, {
    raw: true,
    headers: { Accept: 'text/csv' },
  });
  let rows: string[][];
  try {
    rows = parseBulkCsv(res.body);
  } catch (error) {
    throw new IncompletePageError(`a results page of Bulk API job ${id} is not complete CSV`, {
      cause: error,
    });
  }
  const header = rows.shift() ?? [];
  const announced = Number(res.headers['sforce-numberofrecords']);
  if (
    !Number.isInteger(announced) ||
    announced !== rows.length ||
    rows.some((r) => r.length !== header.length)
  ) {
    throw new IncompletePageError(
      `a results page of Bulk API job ${id} held ${rows.length} rows where it announced ${res.headers['sforce-numberofrecords'] ?? 'none'}`,
    );
  }
  const next = res.headers['sforce-locator'];
  return { header, rows, locator: next && next !== 'null' ? next : undefined };
}

/** CSV as Bulk API 2.0 writes it (comma, LF or CRLF, RFC 4180 quotes). An unclosed quote throws. */
export function parseBulkCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      // A quoted field: up to the quote that isn't doubled.
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error('a quote that is never closed');
        if (text.charCodeAt(quote + 1) === 34) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
        } else {
          value += text.slice(from, quote);
          i = quote + 1;
          break;
        }
      }
      field = value;
    } else {
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) row.push('');
    } else if (c === 13 || c === 10 || i >= n) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : i < n ? 1 : 0;
      rows.push(row);
      row = [];
    } else throw new Error(`characters after a closing quote at ${i}`);
  }
  if (row.length) rows.push(row);
  return rows;
}

function declaration(object: ObjectName, path: string): FieldDeclaration | undefined {
  const parts = path.split('.');
  let current: ObjectName | undefined = object;
  for (const part of parts.slice(0, -1)) {
    current = current && relationshipTarget(current, part);
  }
  if (!current) return undefined;
  const fields = OBJECTS[current].fields as Record<string, FieldDeclaration>;
  return fields[parts.at(-1)!];
}

/**
 * CSV rows as the typed rows a REST query answers: numbers and checkboxes typed, an empty field null,
 * datetimes in REST's `+0000` form, a path through a lookup nested (`sfLma__Lead__r: { Company }`), a
 * lookup whose fields are all empty null (REST answers null for a missing parent). The header is read
 * once; the function it returns makes each row.
 */
export function csvRows<R>(object: ObjectName, header: readonly string[]): (values: readonly string[]) => R {
  const columns = header.map((path) => ({ parts: path.split('.'), type: declaration(object, path)?.type }));
  const parents = [...new Set(columns.filter((c) => c.parts.length > 1).map((c) => c.parts[0]!))];
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const { parts, type } = columns[i]!;
      const text = values[i] ?? '';
      const value =
        text === ''
          ? null
          : type === 'number'
            ? Number(text)
            : type === 'checkbox'
              ? text === 'true'
              : type === 'datetime'
                ? text.replace(/Z$/, '+0000')
                : text;
      let target = row;
      for (let p = 0; p < parts.length - 1; p++)
        target = (target[parts[p]!] ??= {}) as Record<string, unknown>;
      target[parts[parts.length - 1]!] = value;
    }
    for (const parent of parents) {
      const value = row[parent] as Record<string, unknown> | null;
      if (value && Object.values(value).every((v) => v === null || (typeof v === 'object' && isEmpty(v))))
        row[parent] = null;
    }
    return row as R;
  };
}

const isEmpty = (value: object): boolean =>
  Object.values(value).every((v) => v === null || (typeof v === 'object' && isEmpty(v as object)));

/** One CSV row as a typed row (`csvRows` for many). */
export function csvToRow<R>(object: ObjectName, header: readonly string[], values: readonly string[]): R {
  return csvRows<R>(object, header)(values);
}
