// The feature parameters (Feature Management App) that tests and benchmarks declare for a package, by
// full name: one declaration of each, so a test names the ones it needs instead of copying them.
import type { DeclaredParameter } from '../../index';

const PARAMETERS = {
  BetaReports: {
    fullName: 'BetaReports',
    label: 'Beta Reports',
    type: 'Boolean',
    direction: 'LmoToSubscriber',
    value: false,
    introducedIn: '1.0.0',
  },
  MaxProjects: {
    fullName: 'MaxProjects',
    label: 'Max Projects',
    type: 'Integer',
    direction: 'LmoToSubscriber',
    value: 10,
    introducedIn: '1.1.0',
  },
  RenewalDate: {
    fullName: 'RenewalDate',
    label: 'Renewal Date',
    type: 'Date',
    direction: 'LmoToSubscriber',
    value: '2027-01-31',
    introducedIn: '1.1.0',
  },
  ActiveUsers: {
    fullName: 'ActiveUsers',
    label: 'Active Users',
    type: 'Integer',
    direction: 'SubscriberToLmo',
    value: 0,
    introducedIn: '1.0.0',
  },
  ActivatedOn: {
    fullName: 'ActivatedOn',
    label: 'Activated On',
    type: 'Date',
    direction: 'SubscriberToLmo',
    value: null,
    introducedIn: '1.1.0',
  },
} as const satisfies Record<string, DeclaredParameter>;

export type FixtureParameter = keyof typeof PARAMETERS;

/** The named parameters' declarations, in the order given (fresh copies: a test may change them). */
export function featureParameters(...names: FixtureParameter[]): DeclaredParameter[] {
  return names.map((name) => ({ ...PARAMETERS[name] }));
}
