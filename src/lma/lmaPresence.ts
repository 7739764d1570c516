import { toLmoError } from '../org/errors';
import { queryPage, toolingQuery, type LmoApi } from './lmoApi';

/** Whether the License Management App is installed in the org, and which version when readable. */
export interface LmaPresence {
  installed: boolean;
  version: string | undefined;
}

/**
 * Is this org an LMO? The License object exists only where the License Management App is installed;
 * its version comes from InstalledSubscriberPackage when the user may read it (optional).
 */
export async function checkLmaPresence(api: LmoApi): Promise<LmaPresence> {
  try {
    await queryPage(api, 'SELECT Id FROM sfLma__License__c LIMIT 1');
  } catch (error) {
    const failure = toLmoError(error);
    if (failure.errorCode === 'INVALID_TYPE') return { installed: false, version: undefined };
    throw failure;
  }
  return { installed: true, version: await readLmaVersion(api) };
}

interface InstalledPackageRow {
  SubscriberPackageVersion: { MajorVersion: number; MinorVersion: number } | null;
}

async function readLmaVersion(api: LmoApi): Promise<string | undefined> {
  try {
    const page = await toolingQuery<InstalledPackageRow>(
      api,
      "SELECT SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion FROM InstalledSubscriberPackage WHERE SubscriberPackage.NamespacePrefix = 'sfLma'",
    );
    const version = page.records[0]?.SubscriberPackageVersion;
    return version ? `${version.MajorVersion}.${version.MinorVersion}` : undefined;
  } catch {
    return undefined; // Not readable with this user's permissions: the version is a nicety.
  }
}
