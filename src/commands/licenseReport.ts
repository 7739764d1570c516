/**
 * The Markdown that bulk runs' reports (Bulk Change, Set Feature Parameter…) list Licenses in: a section
 * per outcome, titled with its count, and a row per License with the reason where there is one.
 */

/** What a report row shows of a License. */
export interface ReportedLicense {
  name: string;
  customerName?: string | null;
  subscriberOrgId?: string | null;
}

export function licenseRow(license: ReportedLicense, reason = ''): string {
  return `| ${license.name} | ${license.customerName ?? ''} | ${license.subscriberOrgId ?? ''} | ${reason.replace(/\|/g, '\\|')} |`;
}

/** A section of rows (from `licenseRow`), or nothing when there are none. */
export function licenseSection(title: string, rows: string[]): string[] {
  return rows.length
    ? [
        `## ${title} (${rows.length})`,
        '',
        '| License | Customer | Subscriber org | Reason |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
      ]
    : [];
}
