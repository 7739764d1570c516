/**
 * One subscriber org's App Analytics usage, for the customer view: for each of the org's packages the
 * usage panel's question (the last 12 months of summaries) asked about this one org, through the panel's
 * own use case and cache (`loadUsage`). `fromCache` answers only what the cache has and never creates a
 * request (what a view shows on opening); `ask` answers from the cache or asks; `refresh` asks again.
 * Without App Analytics (not enabled, no access) the answer is its explanation once, and no other
 * package is asked.
 */
import { toLmoError } from '../../org/errors';
import { orgPackageUsage, orgUsageQuestion, type OrgPackageUsage } from '../rules/orgUsage';
import type { LmoApi } from '../records/lmoApi';
import {
  loadUsage,
  usageFromCache,
  type UsageCache,
  type UsageOptions,
  type UsageOutcome,
} from './appAnalytics';
import { explainUsage, type UsageExplanation } from './usageExplanation';

export interface OrgUsagePackage {
  /** The sfLma__Package__c record. */
  recordId: string;
  name: string;
  /** The 033 id; undefined when the LMO has none (App Analytics can't be asked). */
  packageId: string | undefined;
}

export type PackageUsage = { recordId: string; name: string } & (
  | ({
      kind: 'usage';
      period: { start: string; end: string };
      source: 'cache' | 'download';
      downloadedAt: string;
      notes: string[];
    } & OrgPackageUsage)
  /** Not in the cache, and not asked (yet). */
  | { kind: 'notLoaded' }
  | { kind: 'explain'; title: string; message: string }
);

export type OrgUsage =
  | { kind: 'packages'; packages: PackageUsage[]; atRiskDrop: number }
  /** App Analytics is not available to this user in this LMO: said once for every package. */
  | { kind: 'unavailable'; title: string; message: string };

export type OrgUsageMode = 'fromCache' | 'ask' | 'refresh';

export interface OrgUsageOptions extends Pick<UsageOptions, 'signal' | 'now' | 'pollDelay'> {
  /** At-risk: users fell by more than this fraction (the panel's setting). */
  threshold: number;
}

export async function loadOrgUsage(
  api: LmoApi,
  cache: UsageCache,
  orgId: string,
  packages: readonly OrgUsagePackage[],
  mode: OrgUsageMode,
  options: OrgUsageOptions,
): Promise<OrgUsage> {
  const now = options.now ?? new Date();
  let unavailable: UsageExplanation | undefined;
  const one = async (pkg: OrgUsagePackage): Promise<PackageUsage | 'notEnabled'> => {
    const { recordId, name } = pkg;
    if (!pkg.packageId)
      return {
        recordId,
        name,
        kind: 'explain',
        title: 'This package has no package id',
        message: `${name} has no Package ID (033…) in the LMO, so App Analytics can't be asked about it. Fill in its Package ID in the LMO, then Refresh.`,
      };
    const question = orgUsageQuestion(pkg.packageId, orgId, now);
    let outcome: UsageOutcome | undefined;
    try {
      outcome =
        mode === 'fromCache'
          ? await usageFromCache(cache, question, { ...options, now })
          : await loadUsage(api, cache, question, { ...options, now, refresh: mode === 'refresh' });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      return {
        recordId,
        name,
        kind: 'explain',
        title: 'The LMO did not answer',
        message: `${toLmoError(error).message} Refresh Usage asks again.`,
      };
    }
    if (!outcome) return { recordId, name, kind: 'notLoaded' };
    if (outcome.kind === 'unavailable' && outcome.reason === 'notEnabled') {
      unavailable ??= explainUsage(outcome);
      return 'notEnabled';
    }
    if (outcome.kind !== 'ready') return { recordId, name, kind: 'explain', ...explainUsage(outcome) };
    if (!outcome.report)
      return {
        recordId,
        name,
        kind: 'explain',
        title: 'No summary',
        message: 'The file has no summary rows.',
      };
    return {
      recordId,
      name,
      kind: 'usage',
      period: { start: question.start, end: question.end },
      source: outcome.source,
      downloadedAt: outcome.entry.downloadedAt,
      notes: outcome.notes,
      ...orgPackageUsage(outcome.report, orgId, options.threshold),
    };
  };
  // The first package App Analytics is asked about goes alone: if it isn't available, no other is asked.
  const answers: Array<PackageUsage | 'notEnabled'> = [];
  let next = 0;
  if (mode !== 'fromCache')
    while (next < packages.length) {
      const pkg = packages[next++]!;
      answers.push(await one(pkg));
      if (answers.at(-1) === 'notEnabled' || pkg.packageId) break;
    }
  if (!answers.includes('notEnabled')) answers.push(...(await Promise.all(packages.slice(next).map(one))));
  if (unavailable) return { kind: 'unavailable', ...unavailable };
  return { kind: 'packages', packages: answers as PackageUsage[], atRiskDrop: options.threshold };
}
