/**
 * The five steps of setting up the LMA, checked against the connected LMO and the workspace instead of
 * ticked by a click: the LMA is installed, the LMO is connected to the Partner Console, every package
 * of sfdx-project.json is associated, every associated package has default terms, and its last test
 * install passed. The setup walkthrough's steps complete from these (context keys, src/views/setup.ts).
 */
import { queryPage, type LmoApi } from '../records/lmoApi';
import type { Package } from '../records/types';
import { findLmoPackage, type WorkspacePackage } from '../project/sfdxProject';
import type { TestInstallOutcome } from './testInstall';

export interface SetupInputs {
  /** undefined: no LMO connected (or the org has no LMA). */
  lmo: { lmaInstalled: boolean; isLocalOrg: boolean; partnerConsoleConfirmed: boolean } | undefined;
  workspacePackages: WorkspacePackage[];
  lmoPackages: Package[];
  /** Aliases that have terms under plugins.lma.defaultLicensing (valid ones). */
  aliasesWithTerms: Set<string>;
  lastTestInstall: (subscriberPackageId: string | undefined) => TestInstallOutcome | undefined;
}

export interface SetupState {
  lmaInstalled: boolean;
  partnerConsoleConnected: boolean;
  /** Workspace packages the LMO doesn't know: installs of them create no License. */
  unassociated: string[];
  packagesAssociated: boolean;
  /** Associated workspace packages without default terms in sfdx-project.json. */
  missingTerms: string[];
  termsSet: boolean;
  /** Associated workspace packages whose last test install did not pass (or never ran). */
  notVerified: string[];
  testInstallsPassed: boolean;
}

export function setupState(inputs: SetupInputs): SetupState {
  const lmaInstalled = inputs.lmo?.lmaInstalled === true;
  // The local org's LMO is connected to its Partner Console from the start; a real one only the user knows.
  const partnerConsoleConnected =
    lmaInstalled && (inputs.lmo!.isLocalOrg || inputs.lmo!.partnerConsoleConfirmed);
  const matched = inputs.workspacePackages.map((workspace) => ({
    workspace,
    lmoPackage: lmaInstalled ? findLmoPackage(workspace, inputs.lmoPackages) : undefined,
  }));
  const unassociated = matched.filter((m) => !m.lmoPackage).map((m) => m.workspace.name);
  const associated = matched.filter((m) => m.lmoPackage);
  const missingTerms = associated
    .filter((m) => !inputs.aliasesWithTerms.has(m.workspace.name))
    .map((m) => m.workspace.name);
  const notVerified = associated
    .filter((m) => inputs.lastTestInstall(m.lmoPackage!.packageId) !== 'passed')
    .map((m) => m.workspace.name);
  const some = associated.length > 0;
  return {
    lmaInstalled,
    partnerConsoleConnected,
    unassociated,
    packagesAssociated: lmaInstalled && inputs.workspacePackages.length > 0 && unassociated.length === 0,
    missingTerms,
    termsSet: some && missingTerms.length === 0,
    notVerified,
    testInstallsPassed: some && notVerified.length === 0,
  };
}

export type OrgKind = 'production' | 'sandbox' | 'scratch' | 'developer' | 'trial';

/** What kind of org the LMO is (one Organization query), for the "pick the LMO deliberately" warning. */
export async function loadOrgKind(api: LmoApi): Promise<OrgKind> {
  const page = await queryPage<{
    OrganizationType: string | null;
    IsSandbox: boolean;
    TrialExpirationDate: string | null;
  }>(api, 'SELECT OrganizationType, IsSandbox, TrialExpirationDate FROM Organization');
  const org = page.records[0];
  if (!org) return 'production';
  if (org.IsSandbox) return org.TrialExpirationDate ? 'scratch' : 'sandbox';
  if (/developer/i.test(org.OrganizationType ?? '')) return 'developer';
  if (org.TrialExpirationDate) return 'trial';
  return 'production';
}

/** Why an org of this kind is the wrong LMO, or undefined when it is fine. */
export function lmoKindWarning(kind: OrgKind): string | undefined {
  switch (kind) {
    case 'sandbox':
      return 'This LMO is a sandbox. Licenses of real installs are recorded only in the production org you associate in the Partner Console, and the choice of LMO is effectively permanent.';
    case 'scratch':
      return 'This LMO is a scratch org: it expires, and with it every License it recorded. Associate packages with a production org.';
    case 'developer':
      return 'This LMO is a Developer Edition org: commercial use of the LMA is not allowed there (only building integrations). Use your Partner Business Org.';
    case 'trial':
      return 'This LMO is a trial org: it expires. Associate packages with a permanent production org.';
    case 'production':
      return undefined;
  }
}
