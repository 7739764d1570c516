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
  numberRecordsFailed?: number;
  operation?: string;
}

/**
 * The Bulk API 2.0 jobs this user's exports (or bulk changes, push jobs) created and haven't deleted
 * yet: a job left behind by a crash (or a lost connection) is found here and cleaned up by the next
 * use of the same org. Kept by the caller (VS Code's global state, per org).
 */
export interface BulkJobLedger {
  list(): readonly string[];
  add(id: string): void | Promise<void>;
  remove(id: string): void | Promise<void>;
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

/** What a results page held, once all of it was handed over. */
export interface ResultsPage {
  /** The rows handed over (the header not counted). */
  rows: number;
  /** The next page's locator; undefined after the last page. */
  locator: string | undefined;
}

/** A page that arrived cut short or otherwise not as its headers announced it. */
export class IncompletePageError extends Error {
  override readonly name = 'IncompletePageError';
}

/**
 * One page of a finished job's results, read as it arrives: its rows are handed to `onRows` (with the
 * page's header) a few at a time, never the whole page as one string (a page of 250,000 Licenses is
 * tens of MB of text). The page is checked against its `Sforce-NumberOfRecords` at its end: a download
 * that broke off (a closed connection, a cut CSV) is an IncompletePageError or the network error,
 * after the rows that came whole were handed over (the caller must not take them for the page).
 */
export async function readResultsPage(
  api: LmoApi,
  id: string,
  locator: string | undefined,
  maxRecords: number,
  onRows: (header: readonly string[], rows: string[][]) => void | Promise<void>,
): Promise<ResultsPage> {
  const query = new URLSearchParams({ maxRecords: String(maxRecords) });
  if (locator) query.set('locator', locator);
  const csv = new BulkCsvStream();
  let header: string[] | undefined;
  let count = 0;
  const take = async (rows: string[][]) => {
    if (!header) header = rows.shift();
    if (!header || !rows.length) return;
    const width = header.length;
    if (rows.some((r) => r.length !== width))
      throw new IncompletePageError(`a results page of Bulk API job ${id} has a row of another width`);
    count += rows.length;
    await onRows(header, rows);
  };
  const incomplete = (error: unknown) =>
    new IncompletePageError(`a results page of Bulk API job ${id} is not complete CSV`, { cause: error });
  const pushed = async (text: string) => {
    let rows: string[][];
    try {
      rows = csv.push(text);
    } catch (error) {
      throw incomplete(error);
    }
    await take(rows);
  };
  const res = await api.request<TextResponse>(`/jobs/query/${encodeURIComponent(id)}/results?${query}`, {
    raw: true,
    headers: { Accept: 'text/csv' },
    onText: pushed,
  });
  // A connection that keeps the body (one that doesn't stream) hands it over whole.
  if (res.body) await pushed(res.body);
  let last: string[][];
  try {
    last = csv.end();
  } catch (error) {
    throw incomplete(error);
  }
  await take(last);
  const announced = Number(res.headers['sforce-numberofrecords']);
  if (!Number.isInteger(announced) || announced !== count) {
    throw new IncompletePageError(
      `a results page of Bulk API job ${id} held ${count} rows where it announced ${res.headers['sforce-numberofrecords'] ?? 'none'}`,
    );
  }
  const next = res.headers['sforce-locator'];
  return { rows: count, locator: next && next !== 'null' ? next : undefined };
}

/**
 * CSV read in chunks as they arrive: `push` answers the rows that a chunk completed (a row ends at a
 * line break outside quotes), the rest is kept for the next chunk; `end` answers the last row and
 * throws when the text stopped inside a quoted field. Only a row's worth of text is held between
 * chunks, and the rows a chunk completes are parsed as they are found (the text is read once).
 */
export class BulkCsvStream {
  private pending = '';

  push(chunk: string): string[][] {
    const text = this.pending + chunk;
    const { rows, end } = parseRows(text, true);
    this.pending = text.slice(end);
    return rows;
  }

  end(): string[][] {
    const rest = this.pending;
    this.pending = '';
    return rest ? parseBulkCsv(rest) : [];
  }
}

/** CSV as Bulk API 2.0 writes it (comma, LF or CRLF, RFC 4180 quotes). An unclosed quote throws. */
export function parseBulkCsv(text: string): string[][] {
  return parseRows(text, false).rows;
}

/**
 * The rows of `text`. With `partial`, only the rows that end in a line break (text cut anywhere may go
 * on in the next chunk) and where the last of them ends; without, every row, and a quote never closed
 * throws.
 */
function parseRows(text: string, partial: boolean): { rows: string[][]; end: number } {
  const rows: string[][] = [];
  let row: string[] = [];
  let rowStart = 0;
  let i = 0;
  const n = text.length;
  const incomplete = () => ({ rows, end: rowStart });
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      // A quoted field: up to the quote that isn't doubled.
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) {
          if (partial) return incomplete();
          throw new Error('a quote that is never closed');
        }
        // A quote last in a chunk may be the first of a doubled one.
        if (partial && quote + 1 === n) return incomplete();
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
    if (i >= n) {
      // A row that ends with the text: the last of a page, or (partial) one that goes on.
      if (partial) return incomplete();
      rows.push(row);
      row = [];
      break;
    }
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) {
        if (partial) return incomplete();
        row.push('');
      }
    } else if (c === 13 || c === 10) {
      // A CR last in a chunk may be the first half of a CRLF.
      if (partial && c === 13 && i + 1 === n) return incomplete();
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      rows.push(row);
      row = [];
      rowStart = i;
    } else throw new Error(`characters after a closing quote at ${i}`);
  }
  if (row.length) rows.push(row);
  return { rows, end: partial ? rowStart : n };
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
