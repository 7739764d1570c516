// An LMO package with one released version, as the tree's records give it: for tests that match
// sfdx-project.json's packages to the LMO's.
import type { Package } from '../../../src/lma/records/types';

export const lmoPackage = (
  id: string,
  packageId: string,
  versionId: string,
  versionNumber = '1.0.0',
): Package => ({
  id,
  name: id,
  packageId,
  developerName: undefined,
  latestVersion: undefined,
  licenseCounts: {},
  licenseTotal: 0,
  versions: [
    {
      id: `${id}v`,
      packageId: id,
      name: 'v',
      versionNumber,
      versionId,
      releaseDate: undefined,
      isBeta: false,
      sequence: 1,
      licenseTotal: 0,
    },
  ],
});
