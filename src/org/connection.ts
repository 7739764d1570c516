/** One page of a SOQL answer, in Salesforce's wire shape. */
export interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  records: T[];
  nextRecordsUrl?: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** A body sent as it is (a Bulk API 2.0 CSV upload), instead of `body` as JSON. */
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
  /**
   * Answer with the status, headers and body text (`TextResponse`) instead of the parsed JSON: for
   * Bulk API 2.0's CSV answers and their `Sforce-Locator` header. Errors still throw as for JSON.
   */
  raw?: boolean;
  /**
   * With `raw`, a successful answer's body is handed over as it arrives, as text chunks in order
   * (awaited: a slow consumer holds the download back), and not kept: `TextResponse.body` is then ''.
   * A body that breaks off throws after the chunks that came; an error of `onText` is thrown as it is.
   */
  onText?: (chunk: string) => void | Promise<void>;
}

/** What a request with `raw: true` resolves to. Header names are lower case. */
export interface TextResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What the session needs of an authenticated org connection; `salesforce.ts` implements it over jsforce. */
export interface OrgConnection {
  readonly username: string;
  readonly alias: string | undefined;
  readonly orgId: string;
  readonly instanceUrl: string;
  readonly loginUrl: string | undefined;
  /** The API version of `request`'s relative paths (`62.0`): a composite's subrequests name it. */
  readonly apiVersion?: string;
  /** A REST request; `path` is relative to `/services/data/vXX.X` or absolute from the host. */
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  /** A URL that opens `path` in the browser already logged in (frontdoor.jsp). */
  frontDoorUrl(path: string): Promise<string>;
}

/** Called after every HTTP exchange, for the request log and the API usage count. Never sees a token. */
export interface ExchangeObserver {
  (exchange: {
    method: string;
    path: string;
    status: number | 'failed';
    ms: number;
    limitInfo: string | undefined;
    /** The response's Date header: the org's clock, to the second. */
    date: string | undefined;
  }): void;
}

/** An org the user has authorized with the Salesforce CLI (the same list `sf org list` shows). */
export interface AuthorizedOrg {
  username: string;
  aliases: string[];
  orgId: string;
  instanceUrl: string | undefined;
  isSandbox: boolean;
  isScratch: boolean;
  isDevHub: boolean;
  isExpired: boolean | 'unknown';
}
