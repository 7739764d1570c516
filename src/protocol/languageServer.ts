/**
 * The custom messages between the language server and the extension, shared by both sides. Org data
 * reaches the server only by asking the extension, which answers from its one LMO session: the server
 * never connects to Salesforce itself.
 */
import type { Package } from '../lma/records/types';

/** The LMO the answer comes from, as the session knows it. */
export interface LmoIdentity {
  username: string;
  orgId: string;
  alias?: string;
}

/** Server → client request: the connected LMO and its packages. */
export const LMO_PACKAGES = 'lma/lmoPackages';
export type LmoPackages = { connected: false } | { connected: true; org: LmoIdentity; packages: Package[] };

/** Client → server notification: the LMO changed (connected, switched, refreshed): ask again. */
export const LMO_CHANGED = 'lma/lmoChanged';

/** The `source` of every diagnostic of this server, beside VS Code's own JSON diagnostics. */
export const DIAGNOSTIC_SOURCE = 'LMA';

/** How messages name the LMO: its alias when it has one. */
export const lmoLabel = (org: LmoIdentity): string => org.alias ?? org.username;
