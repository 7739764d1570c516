/**
 * The message protocol of the customer view (one subscriber org), shared by the webview
 * (webviews/customer) and the extension host (src/webviews/customerPanel.ts). The page only asks; the
 * host checks that every License or record it names is one the view shows, and runs the extension's
 * own commands (Modify License, Extend Trial…), so every confirmation is VS Code's, never the page's.
 */
import type { Customer, CustomerLicense } from '../lma/records/customer';
import type { CustomerPushJobs } from '../lma/workflows/customerPushJobs';
import {
  parseFeaturePageMessage,
  type FeatureHostMessage,
  type FeaturePageMessage,
} from './featureParameters';
import {
  parseCustomerUsageMessage,
  type CustomerUsageHostMessage,
  type CustomerUsagePageMessage,
} from './customerUsage';
import { parseMessage, type Parsed } from './messages';

/** The License actions the tree offers, by the id the page posts. */
export const LICENSE_ACTIONS = ['modify', 'extendTrial', 'convertToActive', 'suspend', 'reactivate'] as const;
export type LicenseAction = (typeof LICENSE_ACTIONS)[number];

export const LICENSE_ACTION_LABELS: Record<LicenseAction, string> = {
  modify: 'Modify…',
  extendTrial: 'Extend Trial…',
  convertToActive: 'Convert to Active…',
  suspend: 'Suspend',
  reactivate: 'Reactivate',
};

/** The actions a License offers, as the tree's menus offer them (package.json's `when` clauses). */
export function licenseActions(license: CustomerLicense['license']): LicenseAction[] {
  const status = license.status.toLowerCase();
  if (status === 'uninstalled') return [];
  return [
    'modify',
    ...(status === 'trial' ? (['extendTrial', 'convertToActive'] as const) : []),
    ...(status === 'active' || status === 'trial' ? (['suspend'] as const) : []),
    ...(status === 'suspended' ? (['reactivate'] as const) : []),
  ];
}

/** Host → webview. */
export type CustomerHostMessage =
  | { kind: 'state'; customer: Customer; orgLabel: string; today: string }
  | { kind: 'notFound'; orgId: string; orgLabel: string; readAt: string }
  | { kind: 'error'; message: string }
  /** Something the host did for the page (a refusal to log in, a link it could not open). */
  | { kind: 'notice'; message: string; level: 'info' | 'error' }
  /** The org's push jobs in the known owner orgs of its packages, after the state. */
  | { kind: 'pushJobs'; pushJobs: CustomerPushJobs }
  /** Each License's feature parameters section (src/protocol/featureParameters.ts). */
  | FeatureHostMessage
  /** The org's App Analytics usage section (src/protocol/customerUsage.ts). */
  | CustomerUsageHostMessage;

/** Webview → host. `recordId` must be one of the records the view shows (License, package, org's parents). */
export type CustomerMessage =
  | { kind: 'ready' }
  | { kind: 'refresh' }
  | { kind: 'licenseAction'; action: LicenseAction; licenseId: string }
  | { kind: 'openInSalesforce'; recordId: string }
  | { kind: 'logIn' }
  /** A feature parameters section's save or refresh, checked by its own gate. */
  | FeaturePageMessage
  /** The usage section's Load Usage, Refresh Usage and Show Usage for the Package, by its own gate. */
  | CustomerUsagePageMessage;

const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);

export function parseCustomerMessage(message: unknown): Parsed<CustomerMessage> {
  return parseMessage<CustomerMessage>(message, ['ready', 'refresh', 'logIn'], (m, keys) => {
    switch (m.kind) {
      case 'licenseAction':
        if (keys !== 'action,kind,licenseId')
          return { error: 'licenseAction takes exactly kind, action and licenseId' };
        if (!(LICENSE_ACTIONS as readonly unknown[]).includes(m.action))
          return { error: `licenseAction.action must be one of ${LICENSE_ACTIONS.join(', ')}` };
        if (!isId(m.licenseId)) return { error: 'licenseAction.licenseId must be a record id' };
        return {
          message: { kind: 'licenseAction', action: m.action as LicenseAction, licenseId: m.licenseId },
        };
      case 'openInSalesforce':
        if (keys !== 'kind,recordId') return { error: 'openInSalesforce takes exactly kind and recordId' };
        if (!isId(m.recordId)) return { error: 'openInSalesforce.recordId must be a record id' };
        return { message: { kind: 'openInSalesforce', recordId: m.recordId } };
      default:
        return parseCustomerUsageMessage(m, keys) ?? parseFeaturePageMessage(m, keys);
    }
  });
}
