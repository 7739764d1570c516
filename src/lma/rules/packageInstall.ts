/**
 * The rules of installing a package version the way `sf package install` does: which statuses clear by
 * themselves, which errors are a missing or wrong installation key, which create errors are retried.
 */

// Statuses that clear by themselves: the version is still being published (the race right after a
// release), as @salesforce/packaging's --publish-wait treats them.
export const NOT_YET_AVAILABLE = new Set([
  'PACKAGE_UNAVAILABLE',
  'PACKAGE_UNAVAILABLE_CRC',
  'PACKAGE_UNAVAILABLE_ZIP',
  'UNINSTALL_IN_PROGRESS',
]);
export const INSTALLABLE = new Set(['NO_ERRORS_DETECTED', 'NO_ERRORS']);

/**
 * Whether an error is Salesforce refusing a key-protected version: 'required' (no key) or 'invalid'
 * (a wrong one). The packaging library recognises them by an error name containing INSTALL_KEY; the
 * exact codes are unconfirmed, so the messages count too.
 */
export function installationKeyProblem(error: unknown): 'required' | 'invalid' | undefined {
  const { errorCode, name, message } = (error ?? {}) as {
    errorCode?: string;
    name?: string;
    message?: string;
  };
  const code = `${errorCode ?? ''} ${name ?? ''}`;
  const text = message ?? '';
  if (!/INSTALL_KEY/i.test(code) && !/installation ?key/i.test(text)) return undefined;
  if (/invalid/i.test(code) || /^invalid|not valid/i.test(text)) return 'invalid';
  return 'required';
}

export const keyRequiredMessage = (versionId: string): string =>
  `Version ${versionId} is protected by an installation key: give its key to install it.`;
export const keyInvalidMessage = (versionId: string): string =>
  `The installation key is not valid for version ${versionId}.`;

/**
 * Errors of the create that clear by themselves right after a release, as CumulusCI retries them
 * ("not yet available", "invalid cross reference id").
 */
export function isTransientCreateError(error: unknown): boolean {
  const { errorCode, message } = (error ?? {}) as { errorCode?: string; message?: string };
  return (
    errorCode === 'INVALID_CROSS_REFERENCE_KEY' ||
    /not yet available|invalid cross reference id/i.test(message ?? '')
  );
}

/** How often, and after what waits, a transient create error is retried: 5, 10, 20, 40, 60 s. */
export const CREATE_RETRIES = [5_000, 10_000, 20_000, 40_000, 60_000];

/** The packaging library's escapeInstallationKey: the request body carries the key escaped as in SOQL. */
export const escapeInstallationKey = (key: string): string => key.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/**
 * A status of the install request or of the version's availability in words, for progress messages: the
 * API's values (IN_PROGRESS, PACKAGE_UNAVAILABLE…) are never shown raw. An unknown value gets a neutral
 * phrase; the log keeps the raw value.
 */
export function installStatusWords(status: string | undefined): string {
  switch (status) {
    case 'IN_PROGRESS':
      return 'in progress';
    case 'SUCCESS':
      return 'done';
    case 'ERROR':
      return 'failed';
    case 'UNKNOWN':
    case undefined:
      return 'status not known yet';
    case 'PACKAGE_UNAVAILABLE':
    case 'PACKAGE_UNAVAILABLE_CRC':
    case 'PACKAGE_UNAVAILABLE_ZIP':
      return 'still being published';
    case 'UNINSTALL_IN_PROGRESS':
      return 'an uninstall is still running';
    default:
      return status.startsWith('UNKNOWN_EXCEPTION')
        ? 'Salesforce had a passing error'
        : 'not yet installable';
  }
}
