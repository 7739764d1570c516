/**
 * One subscriber org's usage of a package, from the monthly summaries of a one-org question (the
 * customer view's usage section): its active users per month, the custom objects it uses most, and
 * whether it is at risk by the panel's own rule (`decline` over `AT_RISK_WINDOW` months, past the drop).
 */
import { lastMonths, type EntityUsage, type UsageQuestion, type UsageReport } from './appAnalytics';

export interface OrgMonthUsage {
  month: string;
  users: number;
}

export interface OrgPackageUsage {
  months: OrgMonthUsage[];
  /** Custom objects by events, most used first (the report's top ten). */
  objects: EntityUsage[];
  /** The fall in users (0 to 1, negative: growth); null without earlier usage. */
  decline: number | null;
  atRisk: boolean;
}

/** The usage panel's question (the last 12 months of summaries) asked about one org. */
export function orgUsageQuestion(packageId: string, orgId: string, now: Date): UsageQuestion {
  return { ...lastMonths(packageId, now), orgIds: [orgId.slice(0, 15)] };
}

/** The org's rows of a report: every month of the report, 0 users where the org had none. */
export function orgPackageUsage(report: UsageReport, orgId: string, threshold: number): OrgPackageUsage {
  const id = orgId.slice(0, 15);
  const org = report.orgs.find((o) => o.orgId === id);
  const decline = org?.decline ?? null;
  return {
    months: report.months.map((month, i) => ({ month, users: org?.users[i] ?? 0 })),
    objects: org ? report.objects : [],
    decline,
    atRisk: decline !== null && decline > threshold,
  };
}
