/** API calls used and allowed in the org's rolling 24 hours, as Salesforce reports them on every response. */
export interface ApiUsage {
  used: number;
  limit: number;
}

/** Reads `Sforce-Limit-Info: api-usage=18/15000` (the header may carry other entries, comma-separated). */
export function parseLimitInfo(header: string | string[] | undefined): ApiUsage | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = value?.match(/(?:^|[\s,])api-usage=(\d+)\/(\d+)/);
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : undefined;
}
