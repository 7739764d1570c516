import type { Package } from '../records/types';
import { isSalesforceId, toId15 } from '../records/soql';

/** A package declared in the workspace's sfdx-project.json. */
export interface WorkspacePackage {
  name: string;
  /** 0Ho (2GP package) or 033 (subscriber package) id from packageAliases, when declared. */
  packageAliasId: string | undefined;
  /** 04t ids of its versions from packageAliases ("Name@1.2.0-1": "04t…"). */
  versionIds: string[];
}

export class SfdxProjectError extends Error {}

/** Reads the packages of an sfdx-project.json text; a malformed file is an error, never an empty list. */
export function readWorkspacePackages(text: string): WorkspacePackage[] {
  let project: unknown;
  try {
    project = JSON.parse(text);
  } catch (error) {
    throw new SfdxProjectError(`sfdx-project.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof project !== 'object' || project === null || Array.isArray(project))
    throw new SfdxProjectError('sfdx-project.json must hold a JSON object.');
  const { packageDirectories = [], packageAliases = {} } = project as {
    packageDirectories?: unknown;
    packageAliases?: unknown;
  };
  if (!Array.isArray(packageDirectories))
    throw new SfdxProjectError('"packageDirectories" in sfdx-project.json must be an array.');
  const aliases = typeof packageAliases === 'object' && packageAliases !== null ? packageAliases : {};
  const aliasEntries = Object.entries(aliases as Record<string, unknown>).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );

  const names = new Set<string>();
  for (const directory of packageDirectories as unknown[]) {
    const name = (directory as { package?: unknown } | null)?.package;
    if (typeof name === 'string' && name) names.add(name);
  }
  // A project may list only aliases (for packages built elsewhere); those count as its packages too.
  for (const [alias, id] of aliasEntries) if (!alias.includes('@') && /^(0Ho|033)/.test(id)) names.add(alias);

  return [...names].map((name) => ({
    name,
    packageAliasId: aliasEntries.find(([alias]) => alias === name)?.[1],
    versionIds: aliasEntries
      .filter(([alias, id]) => alias.startsWith(`${name}@`) && id.startsWith('04t'))
      .map(([, id]) => id),
  }));
}

/**
 * The LMO package a workspace package is, if the LMO knows it: by one of its 04t version ids, or by
 * its 033 subscriber package id. Ids compare in 15-character form, which is what the LMA may store.
 */
export function findLmoPackage(workspace: WorkspacePackage, packages: Package[]): Package | undefined {
  const same = (a: string | undefined, b: string | undefined) =>
    !!a && !!b && isSalesforceId(a) && isSalesforceId(b) && toId15(a) === toId15(b);
  return packages.find(
    (lmoPackage) =>
      same(lmoPackage.packageId, workspace.packageAliasId) ||
      workspace.versionIds.some((versionId) =>
        lmoPackage.versions.some((version) => same(version.versionId, versionId)),
      ),
  );
}
