/**
 * What "at risk" means for App Analytics usage: the months compared, the drop a user may choose, and
 * how it is said. Pure and free of Node: the usage panel's and the customer view's pages import it.
 */

/** The months compared for at-risk orgs: the latest `window` against the `window` before them. */
export const AT_RISK_WINDOW = 3;
export const DEFAULT_AT_RISK_THRESHOLD = 0.5;
/** The drops a user may choose (setting lma.usage.atRiskDrop, CLI --at-risk-drop): 5% to 95%. */
export const AT_RISK_DROP_RANGE = { min: 0.05, max: 0.95 } as const;

/**
 * The at-risk drop from a setting's or a flag's value: a fraction in the range (0.3), or a percentage
 * (30 or "30%"). Anything else gives the default and a message saying why, never a throw.
 */
export function atRiskDrop(value: unknown): { drop: number; problem: string | null } {
  const { min, max } = AT_RISK_DROP_RANGE;
  const text = typeof value === 'string' ? value.trim() : '';
  const percent = /%$/.test(text);
  const raw =
    typeof value === 'number' ? value : /^\d+(\.\d+)?%?$/.test(text) ? Number(text.replace('%', '')) : NaN;
  // 1 and above read as a percentage (a drop of 100% or more means nothing).
  const drop = percent || raw >= 1 ? raw / 100 : raw;
  if (Number.isFinite(drop) && drop >= min - 1e-9 && drop <= max + 1e-9) return { drop, problem: null };
  return {
    drop: DEFAULT_AT_RISK_THRESHOLD,
    problem: `The at-risk drop must be between ${min * 100}% and ${max * 100}% (a fraction from ${min} to ${max}, or a percentage): "${String(value)}" is not, so ${DEFAULT_AT_RISK_THRESHOLD * 100}% is used.`,
  };
}

/** What at-risk means, as the panel and the CLI say it. */
export function describeAtRisk(drop: number, window = AT_RISK_WINDOW): string {
  return `users fell by more than ${Math.round(drop * 100)}% over the last ${window} months`;
}
