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
  let field = '';
  let inQuotes = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (ch === '"') {
      inQuotes = true;
      any = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      any = false;
    } else {
      field += ch;
      any = true;
    }
  }
  if (inQuotes) throw new Error('a quote that is never closed');
  if (any) {
    row.push(field);
    rows.push(row);
  }
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
 * A CSV row as the typed row a REST query answers: numbers and checkboxes typed, an empty field null,
 * datetimes in REST's `+0000` form, a path through a lookup nested (`sfLma__Lead__r: { Company }`), a
 * lookup whose fields are all empty null (REST answers null for a missing parent).
 */
export function csvToRow<R>(object: ObjectName, header: readonly string[], values: readonly string[]): R {
  const row: Record<string, unknown> = {};
  header.forEach((path, i) => {
    const text = values[i] ?? '';
    const type = declaration(object, path)?.type;
    let value: unknown = text;
    if (text === '') value = null;
    else if (type === 'number') value = Number(text);
    else if (type === 'checkbox') value = text === 'true';
    else if (type === 'datetime') value = text.replace(/Z$/, '+0000');
    const parts = path.split('.');
    let target = row;
    for (const part of parts.slice(0, -1)) {
      const next = (target[part] ??= {}) as Record<string, unknown>;
      target = next;
    }
    target[parts.at(-1)!] = value;
  });
  const nullParents = (record: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(record)) {
      if (value && typeof value === 'object') {
        nullParents(value as Record<string, unknown>);
        if (Object.values(value).every((v) => v === null)) record[key] = null;
      }
    }
  };
  nullParents(row);
  return row as R;
}
