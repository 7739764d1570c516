import type { Package } from '../records/types';
import { isSalesforceId, toId15 } from '../records/soql';
import { readProjectDocument, type ProjectFacts, type WorkspacePackage } from './projectDocument';

export type { WorkspacePackage };

export class SfdxProjectError extends Error {}

/**
 * Reads the packages of an sfdx-project.json text (`readProjectDocument`: comments and trailing
 * commas are read); a malformed file is an error, never an empty list.
 */
export function readWorkspacePackages(text: string): WorkspacePackage[] {
  return packagesOrError(readProjectDocument(text));
}

/** The packages of a read project, or its first error (a file that doesn't parse, a wrong shape). */
export function packagesOrError(facts: ProjectFacts): WorkspacePackage[] {
  const error = facts.problems.find((problem) => problem.severity === 'error');
  if (!error) return facts.packages;
  throw new SfdxProjectError(
    facts.parseError
      ? `sfdx-project.json can't be read (line ${error.line}, column ${error.column}): ${error.message}`
      : error.message,
  );
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
