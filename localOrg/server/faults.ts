// Fault injection for tests and demos: forced error answers, slow answers, answers held until released.
// (Session expiry and failing installs live with the world's orgs and installs.)
import { SalesforceError } from '../data/errors';

export type ForcedKind = 'unavailable' | 'request-limit';

export interface ForcedFault {
  kind: ForcedKind;
  /** Requests still to fail; null = until cleared. */
  remaining: number | null;
}

export interface FaultState {
  forced: ForcedFault | null;
  delayMs: number;
}

/** API answers held by `Faults.hold`. */
export interface HeldAnswers {
  /** Settles once a request is being held. */
  arrived: Promise<void>;
  /** Lets the held answers (and any later ones) go. */
  release(): void;
}

export class Faults {
  forced: ForcedFault | null = null;
  delayMs = 0;
  private held:
    { gate: Promise<void>; arrived: Promise<void>; release: () => void; arrive: () => void } | undefined;

  force(kind: ForcedKind, count: number | null): void {
    if (count !== null && !(Number.isInteger(count) && count >= 1)) {
      throw new SalesforceError(
        'INVALID_INPUT',
        'count must be a positive whole number, or omitted for "until cleared"',
      );
    }
    this.forced = { kind, remaining: count };
  }

  slow(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0 && ms <= 600_000))
      throw new SalesforceError('INVALID_INPUT', 'ms must be 0 to 600000');
    this.delayMs = ms;
  }

  /**
   * Holds every API answer (not the admin endpoints) until released: a test orders "the answer
   * arrives after X" by a condition, where a delay would be a guess at a duration. The request is
   * handled first; `arrived` settles once an answer is being held.
   */
  hold(): HeldAnswers {
    let release!: () => void;
    let arrived!: () => void;
    const held = {
      gate: new Promise<void>((resolve) => (release = resolve)),
      arrived: new Promise<void>((resolve) => (arrived = resolve)),
      release: () => release(),
      arrive: () => arrived(),
    };
    this.held = held;
    return {
      arrived: held.arrived,
      release: () => {
        if (this.held === held) this.held = undefined;
        held.release();
      },
    };
  }

  /** Waits the armed delay before a request is handled. */
  async beforeRequest(): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }

  /** Holds a handled request's answer while a hold is armed (what it did is done: a job it created exists). */
  async beforeAnswer(): Promise<void> {
    const held = this.held;
    if (held) {
      held.arrive();
      await held.gate;
    }
  }

  clear(): void {
    this.forced = null;
    this.delayMs = 0;
    this.held?.release();
    this.held = undefined;
  }

  snapshot(): FaultState {
    return { forced: this.forced && { ...this.forced }, delayMs: this.delayMs };
  }

  /** The error this request must get, if a forced fault is armed (and counts it down). */
  take(): SalesforceError | undefined {
    const f = this.forced;
    if (!f) return undefined;
    if (f.remaining !== null && --f.remaining <= 0) this.forced = null;
    return f.kind === 'unavailable'
      ? new SalesforceError(
          'SERVER_UNAVAILABLE',
          'The server is temporarily unable to service your request.',
          [],
          503,
        )
      : new SalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', [], 403);
  }
}
