/**
 * What a user reads when App Analytics gives no usage to show: a title and the message with what to do,
 * the same in the usage panel and the customer view's usage section.
 */
import type { UsageOutcome } from './appAnalytics';

export interface UsageExplanation {
  title: string;
  message: string;
}

const WHAT_TO_DO: Record<Exclude<UsageOutcome['kind'], 'ready' | 'unavailable'>, [string, string]> = {
  noData: [
    'No usage in this period',
    'App Analytics has usage only from subscriber orgs that used the package; summaries of a month appear in the month after. Refresh asks again.',
  ],
  failed: [
    'App Analytics could not answer',
    'Refresh asks again; if it fails again, open a case with Salesforce Partner Support with the request id.',
  ],
  limit: [
    'The download limit is reached',
    'Try again after 24 hours; usage already downloaded still shows from the cache.',
  ],
  expired: ['The download link expired', 'Refresh asks again.'],
  badFile: ['The usage file could not be read', 'Refresh asks again.'],
  input: ["The period can't be asked", 'Check the date and time of this computer, then Refresh.'],
};

/** The explanation of an outcome that has no usage to show. */
export function explainUsage(outcome: Exclude<UsageOutcome, { kind: 'ready' }>): UsageExplanation {
  if (outcome.kind === 'unavailable')
    return {
      title:
        outcome.reason === 'notEnabled'
          ? 'App Analytics is not available'
          : 'The package is not registered to this LMO',
      message: outcome.message,
    };
  const [title, todo] = WHAT_TO_DO[outcome.kind];
  return { title, message: `${outcome.message} ${todo}` };
}
