/**
 * Every failure of an LMO request becomes one of these kinds, so that adapters decide what to show
 * (a re-login prompt, a retry, a stop to polling) without parsing jsforce's many error shapes.
 */
export type LmoErrorKind =
  'notConnected' | 'superseded' | 'sessionExpired' | 'requestLimit' | 'network' | 'server' | 'salesforce';

export class LmoError extends Error {
  constructor(
    readonly kind: LmoErrorKind,
    message: string,
    /** Salesforce's errorCode (MALFORMED_QUERY, FIELD_CUSTOM_VALIDATION_EXCEPTION…) when there is one. */
    readonly errorCode?: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LmoError';
  }
}
