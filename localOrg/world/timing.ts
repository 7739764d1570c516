// How long the local org's asynchronous steps take. A real org takes seconds to minutes for each; the
// defaults are short enough for a demo and long enough that a client which doesn't wait is caught.
export interface Timing {
  /** How long a PackageInstallRequest stays IN_PROGRESS. */
  installMs: number;
  /**
   * How long after an install's SUCCESS the LMA writes its Lead and License (or moves the License of
   * an upgrade): on Salesforce often minutes. 0 writes them before SUCCESS is reported.
   */
  licenseDelayMs: number;
  /**
   * How long a newly released or promoted version stays invisible to subscriber orgs (replication to
   * their instances): their SubscriberPackageVersion query returns zero rows meanwhile.
   */
  replicationMs: number;
  /**
   * How long a started push request (Status Pending, its scheduled time come) waits before it is In
   * Progress: on Salesforce a push may start hours after its scheduled time.
   */
  pushStartMs: number;
  /** How long each job of a push request in progress takes (one job at a time). */
  pushJobMs: number;
  /** How long an LMO-to-subscriber feature parameter value takes to reach the subscriber org ("several minutes"). */
  fmaToSubscriberMs: number;
  /** How long a subscriber-to-LMO feature parameter value takes to reach the LMO ("up to 24 hours"). */
  fmaToLmoMs: number;
}

export const DEFAULT_TIMING: Timing = {
  installMs: 600,
  licenseDelayMs: 1_500,
  replicationMs: 1_500,
  pushStartMs: 1_000,
  pushJobMs: 200,
  fmaToSubscriberMs: 1_500,
  fmaToLmoMs: 3_000,
};

/** Checks a partial Timing from the admin API or the CLI: whole milliseconds, at most a day. */
export function validTiming(input: Record<string, unknown>): Partial<Timing> {
  const out: Partial<Timing> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULT_TIMING))
      throw new Error(`Unknown timing "${key}" (${Object.keys(DEFAULT_TIMING).join(', ')}).`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 86_400_000)
      throw new Error(`${key} is a whole number of milliseconds from 0 to 86400000.`);
    out[key as keyof Timing] = value;
  }
  return out;
}
