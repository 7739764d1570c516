// Server-side query cursors behind `nextRecordsUrl`. A locator reads like
// Salesforce's (`01g…-2000`): jsforce keeps only the last path segment and
// rebuilds the URL, so the locator alone must find the cursor.
import { randomBytes } from 'node:crypto';
import { SalesforceError } from '../data/errors';

/** Builds records `from`..`from+count` on demand, so a 100,000-row result is never built whole. */
export type PageSource = (from: number, count: number) => unknown[];

interface Cursor {
  orgId: string;
  page: PageSource;
  /** Rows in the result (what paging walks; may differ from totalSize for COUNT()). */
  rows: number;
  totalSize: number;
  batchSize: number;
  createdAt: number;
}

const TTL_MS = 2 * 24 * 3600 * 1000;
// Each cursor holds its result; bound the memory by dropping the oldest ones.
const MAX_CURSORS = 100;

const invalidLocator = (): SalesforceError =>
  new SalesforceError('INVALID_QUERY_LOCATOR', 'invalid query locator');

export interface Page {
  totalSize: number;
  done: boolean;
  records: unknown[];
  locator?: string;
}

export class Cursors {
  private readonly cursors = new Map<string, Cursor>();

  /** The first page; keeps a cursor when there is more. */
  open(orgId: string, page: PageSource, rows: number, totalSize: number, batchSize: number): Page {
    if (rows <= batchSize) return { totalSize, done: true, records: page(0, rows) };
    const id = '01g' + randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 15);
    this.cursors.set(id, { orgId, page, rows, totalSize, batchSize, createdAt: Date.now() });
    this.evict();
    return { totalSize, done: false, records: page(0, batchSize), locator: `${id}-${batchSize}` };
  }

  next(orgId: string, locator: string): Page {
    const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
    const cursor = m ? this.cursors.get(m[1] as string) : undefined;
    if (!m || !cursor || cursor.orgId !== orgId || Date.now() - cursor.createdAt > TTL_MS)
      throw invalidLocator();
    const start = Number(m[2]);
    if (start >= cursor.rows) throw invalidLocator();
    const end = start + cursor.batchSize;
    const records = cursor.page(start, cursor.batchSize);
    if (end >= cursor.rows) {
      return { totalSize: cursor.totalSize, done: true, records };
    }
    return { totalSize: cursor.totalSize, done: false, records, locator: `${m[1]}-${end}` };
  }

  private evict(): void {
    while (this.cursors.size > MAX_CURSORS) {
      const oldest = this.cursors.keys().next().value as string;
      this.cursors.delete(oldest);
    }
  }
}
