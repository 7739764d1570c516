/**
 * The customer view's usage section, host side (no `vscode`): the org's App Analytics usage per package
 * of its Licenses, through the usage panel's use case and cache (`loadOrgUsage`). Each read of the
 * customer shows what the cache has and creates no request; "Load Usage" asks (from the cache where it
 * can), "Refresh Usage" asks again. An answer that isn't cached (NoData, App Analytics not available) is
 * kept for the view, so a read of the customer after it doesn't offer Load Usage again for nothing.
 */
import type { Customer } from '../lma/records/customer';
import type { LmoApi } from '../lma/records/lmoApi';
import type { UsageCache, UsageOptions } from '../lma/workflows/appAnalytics';
import {
  loadOrgUsage,
  type OrgUsage,
  type OrgUsageMode,
  type OrgUsagePackage,
  type PackageUsage,
} from '../lma/workflows/orgUsage';

export interface CustomerUsageDeps {
  session: LmoApi;
  cache: UsageCache;
  /** The at-risk drop (the setting lma.usage.atRiskDrop), read at each load. */
  threshold: () => number;
  /** Waits between polls (tests pass a shorter one). */
  pollDelay?: UsageOptions['pollDelay'];
}

export class CustomerUsageSection {
  private orgId: string | undefined;
  private packages: OrgUsagePackage[] = [];
  /** What asking said for packages it didn't cache, by package record id; or App Analytics' absence. */
  private readonly asked = new Map<string, PackageUsage>();
  private unavailable: Extract<OrgUsage, { kind: 'unavailable' }> | undefined;
  private epoch = 0;
  private asking: AbortController | undefined;

  constructor(private readonly deps: CustomerUsageDeps) {}

  /**
   * The customer as just read: its packages, and their usage as far as the cache has it (never a
   * request). Undefined while Load Usage is asking: its answer comes after.
   */
  async show(customer: Customer): Promise<OrgUsage | undefined> {
    if (this.orgId !== customer.org.id18) {
      this.asked.clear();
      this.unavailable = undefined;
    }
    this.orgId = customer.org.id18;
    this.packages = packagesOf(customer);
    if (this.asking) return undefined;
    if (this.unavailable) return this.unavailable;
    const usage = await this.run('fromCache');
    if (usage?.kind !== 'packages') return usage;
    return {
      ...usage,
      packages: usage.packages.map((p) => (p.kind === 'notLoaded' && this.asked.get(p.recordId)) || p),
    };
  }

  /** "Load Usage" (`refresh` false) or "Refresh Usage"; undefined when a load is already under way. */
  async load(refresh: boolean): Promise<OrgUsage | undefined> {
    if (!this.orgId || this.asking) return undefined;
    const controller = (this.asking = new AbortController());
    try {
      const usage = await this.run(refresh ? 'refresh' : 'ask', controller.signal);
      this.unavailable = usage?.kind === 'unavailable' ? usage : undefined;
      if (usage?.kind === 'packages')
        for (const p of usage.packages)
          if (p.kind === 'usage') this.asked.delete(p.recordId);
          else this.asked.set(p.recordId, p);
      return usage;
    } catch (error) {
      if ((error as Error).name === 'AbortError') return undefined;
      throw error;
    } finally {
      if (this.asking === controller) this.asking = undefined;
    }
  }

  /** Whether Load Usage is asking. */
  get isLoading(): boolean {
    return this.asking !== undefined;
  }

  /** A package the section shows (for Show Usage for the Package); undefined for any other id. */
  packageShown(recordId: string): { packageRecordId: string; packageName: string } | undefined {
    const pkg = this.packages.find((p) => p.recordId === recordId);
    return pkg && { packageRecordId: pkg.recordId, packageName: pkg.name };
  }

  /** The view closed: a load under way is cancelled. */
  dispose(): void {
    this.asking?.abort();
  }

  private async run(mode: OrgUsageMode, signal?: AbortSignal): Promise<OrgUsage | undefined> {
    const mine = ++this.epoch;
    const usage = await loadOrgUsage(this.deps.session, this.deps.cache, this.orgId!, this.packages, mode, {
      threshold: this.deps.threshold(),
      signal,
      pollDelay: this.deps.pollDelay,
    });
    // A later read (another org's packages, a later load) replaced this one.
    return mine === this.epoch || mode !== 'fromCache' ? usage : undefined;
  }
}

/** Each package of the org's Licenses once, by name (a License without a package has none). */
export function packagesOf(customer: Customer): OrgUsagePackage[] {
  const byId = new Map<string, OrgUsagePackage>();
  for (const { package: pkg } of customer.licenses)
    if (pkg.id && !byId.has(pkg.id))
      byId.set(pkg.id, { recordId: pkg.id, name: pkg.name ?? pkg.id, packageId: pkg.packageId });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
