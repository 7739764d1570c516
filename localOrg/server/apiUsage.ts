// The per-org daily API request counter behind `Sforce-Limit-Info` and /limits.
import type { OrgState } from '../world/state';

/** Daily allocation by edition (Developer Edition 15,000; Enterprise 100,000 + per-licence). */
export const dailyApiMax = (org: OrgState): number =>
  org.isSandbox ? 5_000_000 : org.edition === 'Developer Edition' ? 15_000 : 1_000_000;

export class ApiUsage {
  private readonly used = new Map<string, { day: string; count: number }>();

  private entry(org: OrgState): { day: string; count: number } {
    const day = new Date().toISOString().slice(0, 10);
    let e = this.used.get(org.id);
    if (!e || e.day !== day) {
      e = { day, count: 0 };
      this.used.set(org.id, e);
    }
    return e;
  }

  /** Counts one request; false when the org is over its daily allocation. */
  count(org: OrgState): boolean {
    const e = this.entry(org);
    if (e.count >= dailyApiMax(org)) return false;
    e.count++;
    return true;
  }

  usage(org: OrgState): { used: number; max: number } {
    return { used: this.entry(org).count, max: dailyApiMax(org) };
  }

  header(org: OrgState): string {
    const u = this.usage(org);
    return `api-usage=${u.used}/${u.max}`;
  }
}
