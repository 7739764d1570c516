/**
 * The customer view's usage section (App Analytics for one subscriber org), a part of the customer
 * view's protocol (src/protocol/customer.ts chains its gate). The page only asks: the host loads the
 * org's packages it shows, and opens the usage panel only for a package it showed.
 */
import type { OrgUsage } from '../lma/workflows/orgUsage';
import type { Parsed } from './messages';

/** What the section shows: the org's usage per package, App Analytics' explanation, or that it is asking. */
export type CustomerUsage = OrgUsage | { kind: 'loading' };

/** Host → webview. */
export interface CustomerUsageHostMessage {
  kind: 'usage';
  usage: CustomerUsage;
}

/** Webview → host. */
export type CustomerUsagePageMessage =
  /** "Load Usage": from the cache, or ask App Analytics about this org. */
  | { kind: 'loadUsage' }
  /** "Refresh Usage": ask App Analytics again (the cache is not used). */
  | { kind: 'refreshUsage' }
  /** "Show Usage for the Package": the package's usage panel. */
  | { kind: 'showPackageUsage'; packageRecordId: string };

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The section's messages; undefined for any other kind (the customer view's gate goes on). */
export function parseCustomerUsageMessage(
  fields: Record<string, unknown>,
  keys: string,
): Parsed<CustomerUsagePageMessage> | undefined {
  switch (fields.kind) {
    case 'loadUsage':
    case 'refreshUsage':
      return keys === 'kind'
        ? { message: { kind: fields.kind } }
        : { error: `unexpected fields in ${fields.kind}` };
    case 'showPackageUsage':
      if (keys !== 'kind,packageRecordId')
        return { error: 'showPackageUsage takes exactly kind and packageRecordId' };
      if (typeof fields.packageRecordId !== 'string' || !ID.test(fields.packageRecordId))
        return { error: 'showPackageUsage.packageRecordId must be a record id' };
      return { message: { kind: 'showPackageUsage', packageRecordId: fields.packageRecordId } };
    default:
      return undefined;
  }
}
