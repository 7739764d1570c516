/**
 * Which org owns a package's push upgrades: the packaging org of a 1GP package or the Dev Hub of a 2GP
 * or unlocked one. That org lists the package among its `MetadataPackage` records (UNCONFIRMED that a
 * Dev Hub lists its 2GP packages there: Package Visualizer reads MetadataPackage in the Dev Hub); an
 * org without the object (INVALID_TYPE) owns no package. When the LMO owns it, its one session pushes.
 */
import { queryPage, type LmoApi } from './lmoApi';
import { literal, toId15, toId18 } from './soql';

export async function ownsPackage(api: LmoApi, packageId: string): Promise<boolean> {
  try {
    return await ownsPackageOrThrow(api, packageId);
  } catch (error) {
    if (isMissingObject(error)) return false;
    throw error;
  }
}

async function ownsPackageOrThrow(api: LmoApi, packageId: string): Promise<boolean> {
  const page = await queryPage<{ Id: string }>(
    api,
    `SELECT Id FROM MetadataPackage WHERE Id IN (${literal(toId15(packageId))}, ${literal(toId18(packageId))})`,
  );
  return page.records.length > 0;
}

function isMissingObject(error: unknown): boolean {
  return /INVALID_TYPE|not supported|sObject type .* is not supported/i.test(
    String((error as Error).message),
  );
}

/**
 * What an org's `MetadataPackage` says of a package: it lists it (`owns`); it lists packages, not this
 * one (`notOwner`: the pushes can't run there); or it can't say (`unconfirmed`: no such object, or no
 * package listed at all, as a Dev Hub may answer for its 2GP packages under the UNCONFIRMED reading
 * above), where the user may go on with a warning.
 */
export type Ownership = 'owns' | 'notOwner' | 'unconfirmed';

export async function packageOwnership(api: LmoApi, packageId: string): Promise<Ownership> {
  try {
    if (await ownsPackageOrThrow(api, packageId)) return 'owns';
    const any = await queryPage<{ Id: string }>(api, 'SELECT Id FROM MetadataPackage LIMIT 1');
    return any.records.length ? 'notOwner' : 'unconfirmed';
  } catch (error) {
    if (isMissingObject(error)) return 'unconfirmed';
    throw error;
  }
}

/** Where a package's pushes run, as the user sees it. */
export type PushOwner =
  | { kind: 'lmo' }
  | { kind: 'other'; target: string; source: 'remembered' | 'project' }
  | { kind: 'unknown'; suggestion: string | undefined };

/**
 * The owner org to use: the LMO when it owns the package; else the org remembered for this package;
 * else the project's `target-dev-hub`, as a suggestion the user confirms (it is then remembered).
 */
export function choosePushOwner(options: {
  lmoOwns: boolean;
  remembered: string | undefined;
  projectDevHub: string | undefined;
}): PushOwner {
  if (options.lmoOwns) return { kind: 'lmo' };
  if (options.remembered) return { kind: 'other', target: options.remembered, source: 'remembered' };
  return { kind: 'unknown', suggestion: options.projectDevHub };
}

/** One line for the tree and the panel: who owns the pushes. */
export function describePushOwner(owner: PushOwner): string {
  switch (owner.kind) {
    case 'lmo':
      return 'Pushes run in this LMO';
    case 'other':
      return `Pushes run in ${owner.target}`;
    case 'unknown':
      return owner.suggestion
        ? `Pushes run in the package's owner org (suggested: ${owner.suggestion})`
        : "Pushes run in the package's owner org: choose it";
  }
}

/** Why an org that lists other packages can't push this one. */
export function notOwnerMessage(target: string, packageName: string, packageId: string): string {
  return (
    `${target} does not own ${packageName} (${packageId}): its packages (MetadataPackage) don't include it. ` +
    `Choose the Dev Hub (2GP, unlocked) or the packaging org (1GP) of ${packageName}.`
  );
}

/** The warning for an org that lists no packages at all (the UNCONFIRMED reading for a 2GP Dev Hub). */
export function unconfirmedOwnerMessage(target: string, packageName: string, packageId: string): string {
  return (
    `${target} can't confirm that it owns ${packageName} (${packageId}): it lists no packages (MetadataPackage). ` +
    "If it is the package's Dev Hub (2GP, unlocked) or packaging org (1GP), continue; otherwise Salesforce refuses the push."
  );
}
