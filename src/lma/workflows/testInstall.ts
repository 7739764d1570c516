/**
 * A test install and its verification: install a package version into a test org through the Tooling
 * API (the requests `sf package install` makes), wait for the LMO to record a License and a Lead for
 * that org, and compare them with the package's default terms. The test org is reached through its
 * own connection; the LMO only through the session. No `vscode` here: the CLI runs the same code.
 */
import { lmaFieldsOf, selectable } from '../records/lmaFields';
import { doesNotExpire, formatExpiration, formatSeats, isSiteLicense } from '../rules/encodings';
import { describeTerms, expirationFor, licenseSeats, type LicensingTerms } from '../rules/licensingTerms';
import { queryPage, toolingQuery, type LmoApi } from '../records/lmoApi';
import { literal, toId15, toId18 } from '../records/soql';

/** How this install relates to what the test org and the LMO had before it (see `classifyInstall`). */
export type InstallKind = 'new' | 'upgrade' | 'reinstall';

/** The phases a run goes through, for progress reports and the log. */
export type InstallPhase =
  /** status: InstallValidationStatus, an error code, or NOT_VISIBLE (zero rows: replication not finished). */
  | { kind: 'waitingForVersion'; status: string; elapsedMs: number; timeoutMs: number }
  | { kind: 'retryingInstall'; attempt: number; error: string; delayMs: number }
  | { kind: 'installing'; status: string }
  | {
      kind: 'waitingForLmo';
      attempt: number;
      installKind: InstallKind;
      elapsedMs: number;
      timeoutMs: number;
    };

export interface Waiting {
  signal?: AbortSignal;
  onPhase?: (phase: InstallPhase) => void;
  /** Tests shorten the waits; the default really sleeps. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Asked when a look at the LMO fails: 'retry' after the user logged in again (an expired session),
   * 'stop' to end the run with the error. Without it, every failure ends the run.
   */
  onLmoError?: (error: unknown) => Promise<'retry' | 'stop'>;
}

export interface SubscriberPackageVersion {
  Id: string;
  SubscriberPackageId: string;
  Name: string;
  MajorVersion: number;
  MinorVersion: number;
  PatchVersion: number;
  BuildNumber: number;
  IsBeta: boolean;
  IsPasswordProtected: boolean;
  InstallValidationStatus: string;
  RemoteSiteSettings?: { settings: { url: string }[] } | null;
  CspTrustedSites?: { settings: { endpointUrl: string }[] } | null;
}

/** A failure that ends the run, with what the user can do about it. */
export class TestInstallError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'TestInstallError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

// Statuses that clear by themselves: the version is still being published (the race right after a
// release), as @salesforce/packaging's --publish-wait treats them.
const NOT_YET_AVAILABLE = new Set([
  'PACKAGE_UNAVAILABLE',
  'PACKAGE_UNAVAILABLE_CRC',
  'PACKAGE_UNAVAILABLE_ZIP',
  'UNINSTALL_IN_PROGRESS',
]);
const INSTALLABLE = new Set(['NO_ERRORS_DETECTED', 'NO_ERRORS']);

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', abort, { once: true });
  });

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * The version as the test org sees it (Tooling SubscriberPackageVersion; only queries by Id work).
 * Undefined: zero rows, which for a real version means its replication to this instance is not
 * finished. A key-protected version fails without its key or with a wrong one (`installationKeyProblem`).
 */
export async function describeVersion(
  target: LmoApi,
  versionId: string,
  installationKey?: string,
): Promise<SubscriberPackageVersion | undefined> {
  // `literal` escapes \ and ' as the packaging library's escapeInstallationKey does (and more).
  const key = installationKey ? ` AND InstallationKey = ${literal(installationKey)}` : '';
  const page = await toolingQuery<SubscriberPackageVersion>(
    target,
    `SELECT Id, SubscriberPackageId, Name, MajorVersion, MinorVersion, PatchVersion, BuildNumber, IsBeta, IsPasswordProtected, InstallValidationStatus, RemoteSiteSettings, CspTrustedSites FROM SubscriberPackageVersion WHERE Id = ${literal(versionId)}${key}`,
  );
  return page.records[0];
}

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

/** What the test org can see of a version with this key (or none): one query, nothing installed. */
export type VersionAccess =
  | { kind: 'visible'; version: SubscriberPackageVersion }
  | { kind: 'notVisible' }
  | { kind: 'keyRequired' }
  | { kind: 'keyInvalid' };

export async function checkVersionAccess(
  target: LmoApi,
  versionId: string,
  installationKey?: string,
): Promise<VersionAccess> {
  try {
    const version = await describeVersion(target, versionId, installationKey);
    return version ? { kind: 'visible', version } : { kind: 'notVisible' };
  } catch (error) {
    const problem = installationKeyProblem(error);
    if (problem) return { kind: problem === 'required' ? 'keyRequired' : 'keyInvalid' };
    throw error;
  }
}

/** The sites a version asks to trust: remote site settings, then CSP trusted sites. */
export function sitesOf(version: SubscriberPackageVersion): string[] {
  return [
    ...(version.RemoteSiteSettings?.settings ?? []).map((site) => site.url),
    ...(version.CspTrustedSites?.settings ?? []).map((site) => site.endpointUrl),
  ];
}

export const keyRequiredMessage = (versionId: string): string =>
  `Version ${versionId} is protected by an installation key: give its key to install it.`;
export const keyInvalidMessage = (versionId: string): string =>
  `The installation key is not valid for version ${versionId}.`;

/**
 * Waits while the version is not yet installable: zero rows (not replicated to this instance yet) and
 * PACKAGE_UNAVAILABLE alike, as `sf package install --publish-wait` does; fails at once for a status
 * that won't clear. A key problem asks `askKey` (the key is then used from here on) or ends the run.
 */
export async function waitUntilInstallable(
  target: LmoApi,
  versionId: string,
  installationKey: string | undefined,
  waiting: Waiting & {
    timeoutMs: number;
    intervalMs?: number;
    askKey?: (problem: 'required' | 'invalid') => Promise<string | undefined>;
  },
): Promise<{ version: SubscriberPackageVersion; installationKey: string | undefined }> {
  const sleep = waiting.sleep ?? defaultSleep;
  const started = Date.now();
  let key = installationKey;
  for (;;) {
    checkCancelled(waiting.signal);
    let status: string;
    let version: SubscriberPackageVersion | undefined;
    try {
      version = await describeVersion(target, versionId, key);
      status = version?.InstallValidationStatus ?? 'NOT_VISIBLE';
    } catch (error) {
      const problem = installationKeyProblem(error);
      if (problem) {
        const asked = await waiting.askKey?.(problem);
        checkCancelled(waiting.signal);
        if (asked) {
          key = asked;
          continue;
        }
        throw new TestInstallError(
          problem === 'required' ? keyRequiredMessage(versionId) : keyInvalidMessage(versionId),
          ['Nothing was installed.'],
        );
      }
      // Salesforce answers a version still being published with these errors too.
      const code = (error as { errorCode?: string }).errorCode ?? '';
      if (!/^(UNKNOWN_EXCEPTION|PACKAGE_UNAVAILABLE)/.test(code)) throw error;
      status = code;
    }
    if (version && INSTALLABLE.has(status)) return { version, installationKey: key };
    if (
      status !== 'NOT_VISIBLE' &&
      !NOT_YET_AVAILABLE.has(status) &&
      !status.startsWith('UNKNOWN_EXCEPTION') &&
      status !== 'PACKAGE_UNAVAILABLE'
    )
      throw new TestInstallError(`Version ${versionId} can't be installed in the test org: ${status}.`);
    const elapsedMs = Date.now() - started;
    if (elapsedMs >= waiting.timeoutMs)
      throw new TestInstallError(
        status === 'NOT_VISIBLE'
          ? `The test org can't see version ${versionId} after ${seconds(waiting.timeoutMs)}: the id is wrong, or the version has not reached this org's instance yet.`
          : `Version ${versionId} was still not installable (${status}) after ${seconds(waiting.timeoutMs)}.`,
        [
          status === 'NOT_VISIBLE'
            ? 'Check the 04t id. A version just released takes a while to reach every instance: try again later, or raise lma.testInstall.versionTimeoutSeconds.'
            : 'A version just released can take several minutes to become installable. Try again later.',
        ],
      );
    waiting.onPhase?.({ kind: 'waitingForVersion', status, elapsedMs, timeoutMs: waiting.timeoutMs });
    await sleep(Math.min(waiting.intervalMs ?? 10_000, waiting.timeoutMs - elapsedMs), waiting.signal);
  }
}

const seconds = (ms: number): string =>
  ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;

interface InstallRequest {
  Id: string;
  Status: 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'UNKNOWN';
  Errors: { errors: { message: string }[] } | null;
}

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
 * Creates the PackageInstallRequest (retrying transient errors with backoff, each retry a phase) and
 * polls it (every 2 s, as `sf package install --wait` does).
 */
export async function installVersion(
  target: LmoApi,
  versionId: string,
  installationKey: string | undefined,
  waiting: Waiting & { timeoutMs: number; intervalMs?: number; enableRss?: boolean },
): Promise<string> {
  const sleep = waiting.sleep ?? defaultSleep;
  let created: { id: string } | undefined;
  for (let attempt = 0; !created; attempt++) {
    checkCancelled(waiting.signal);
    try {
      created = await target.request<{ id: string }>('/tooling/sobjects/PackageInstallRequest', {
        method: 'POST',
        body: {
          SubscriberPackageVersionKey: versionId,
          ...(installationKey ? { Password: escapeInstallationKey(installationKey) } : {}),
          SecurityType: 'none',
          UpgradeType: 'mixed-mode',
          ApexCompileType: 'all',
          NameConflictResolution: 'Block',
          PackageInstallSource: 'U',
          EnableRss: waiting.enableRss ?? false,
        },
      });
    } catch (error) {
      const delayMs = CREATE_RETRIES[attempt];
      if (!isTransientCreateError(error) || delayMs === undefined) throw error;
      waiting.onPhase?.({
        kind: 'retryingInstall',
        attempt: attempt + 1,
        error: (error as Error).message,
        delayMs,
      });
      await sleep(delayMs, waiting.signal);
    }
  }
  const deadline = Date.now() + waiting.timeoutMs;
  for (;;) {
    const request = await target.request<InstallRequest>(
      `/tooling/sobjects/PackageInstallRequest/${created.id}`,
    );
    waiting.onPhase?.({ kind: 'installing', status: request.Status });
    if (request.Status === 'SUCCESS') return created.id;
    if (request.Status === 'ERROR')
      throw new TestInstallError(
        'The install failed in the test org.',
        request.Errors?.errors.map((error) => error.message) ?? [],
      );
    if (Date.now() >= deadline)
      throw new TestInstallError(
        `The install ${created.id} was still ${request.Status} after ${seconds(waiting.timeoutMs)}.`,
        [`It goes on in Salesforce: sf package install report -i ${created.id}`],
      );
    await sleep(waiting.intervalMs ?? 2_000, waiting.signal);
  }
}

/** The LMO's License for one subscriber org and package, with its Lead. */
export interface RecordedLicense {
  id: string;
  name: string;
  status: string | null;
  seats: number | null;
  expiration: string | null;
  installDate: string | null;
  subscriberOrgId: string | null;
  isSandbox: boolean;
  versionId: string | null;
  versionNumber: string | null;
  lead: { id: string; leadSource: string | null; company: string | null } | undefined;
}

interface LicenseRow {
  Id: string;
  Name: string;
  sfLma__Status__c: string | null;
  sfLma__Seats__c: number | null;
  sfLma__Expiration__c: string | null;
  sfLma__Install_Date__c: string | null;
  sfLma__Subscriber_Org_ID__c: string | null;
  sfLma__Subscriber_Org_Is_Sandbox__c?: boolean | null;
  sfLma__Package_Version__r: {
    sfLma__Version_ID__c: string | null;
    sfLma__Version_Number__c?: string | null;
    sfLma__Package__r: { sfLma__Package_ID__c: string | null } | null;
  } | null;
  sfLma__Lead__c: string | null;
  sfLma__Lead__r: { LeadSource: string | null; Company: string | null } | null;
}

const RECORDED_LICENSE_FIELDS = [
  'Id',
  'Name',
  'sfLma__Status__c',
  'sfLma__Seats__c',
  'sfLma__Expiration__c',
  'sfLma__Install_Date__c',
  'sfLma__Subscriber_Org_ID__c',
  'sfLma__Subscriber_Org_Is_Sandbox__c',
  'sfLma__Package_Version__r.sfLma__Version_ID__c',
  'sfLma__Package_Version__r.sfLma__Version_Number__c',
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c',
  'sfLma__Lead__c',
  'sfLma__Lead__r.LeadSource',
  'sfLma__Lead__r.Company',
];

/** Every License of that org (15 or 18 characters) for that package, newest first. */
export async function findLicenses(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<RecordedLicense[]> {
  const ids = [...new Set([toId15(subscriberOrgId), toId18(subscriberOrgId)])].map(literal).join(', ');
  // Older LMAs have no sandbox flag: such a License reads as a production install.
  const fields = selectable(
    lmo.lmaFields ?? (await lmaFieldsOf(lmo)),
    'license',
    RECORDED_LICENSE_FIELDS,
  ).join(', ');
  const page = await queryPage<LicenseRow>(
    lmo,
    `SELECT ${fields} FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c IN (${ids}) ORDER BY CreatedDate DESC`,
  );
  const packageId15 = toId15(subscriberPackageId);
  const orgId15 = toId15(subscriberOrgId);
  // SOQL compares text case-insensitively, and 15-character ids differ only in case
  // ("…SCn" and "…SCN" are two orgs): keep the exact org, compared case-sensitively.
  return page.records
    .filter((license) => {
      const orgId = license.sfLma__Subscriber_Org_ID__c;
      const packageId = license.sfLma__Package_Version__r?.sfLma__Package__r?.sfLma__Package_ID__c;
      return orgId?.slice(0, 15) === orgId15 && packageId?.slice(0, 15) === packageId15;
    })
    .map((row) => ({
      id: row.Id,
      name: row.Name,
      status: row.sfLma__Status__c,
      seats: row.sfLma__Seats__c,
      expiration: row.sfLma__Expiration__c,
      installDate: row.sfLma__Install_Date__c,
      subscriberOrgId: row.sfLma__Subscriber_Org_ID__c,
      isSandbox: row.sfLma__Subscriber_Org_Is_Sandbox__c ?? false,
      versionId: row.sfLma__Package_Version__r?.sfLma__Version_ID__c ?? null,
      versionNumber: row.sfLma__Package_Version__r?.sfLma__Version_Number__c ?? null,
      lead: row.sfLma__Lead__c
        ? {
            id: row.sfLma__Lead__c,
            leadSource: row.sfLma__Lead__r?.LeadSource ?? null,
            company: row.sfLma__Lead__r?.Company ?? null,
          }
        : undefined,
    }));
}

/** One look at the LMO: the newest License of that org for that package, if any. */
export async function findRecordedLicense(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<RecordedLicense | undefined> {
  return (await findLicenses(lmo, subscriberOrgId, subscriberPackageId))[0];
}

/** What the test org and the LMO hold before the install: which case it is, and what to wait for. */
export interface BeforeInstall {
  kind: InstallKind;
  /** Every License of the org for the package, before the install. */
  licenses: RecordedLicense[];
  /** An upgrade's License: the org's current one (not Uninstalled), whose terms must stay. */
  current: RecordedLicense | undefined;
  /** The version installed before an upgrade. */
  installedVersionId: string | undefined;
}

/**
 * Reads the test org's installed packages (InstalledSubscriberPackage) and the LMO's Licenses of the
 * org for the package. Installed already: an upgrade (the LMA moves the existing License to the new
 * version and keeps its terms). Not installed but Licenses exist: a reinstall after an uninstall (a new
 * License beside the Uninstalled one). Neither: a new install.
 */
export async function readBeforeInstall(
  target: LmoApi,
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<BeforeInstall> {
  // Without a filter, as `sf package installed list` asks: every org answers this shape.
  const installed = await toolingQuery<{ SubscriberPackageId: string; SubscriberPackageVersionId: string }>(
    target,
    'SELECT Id, SubscriberPackageId, SubscriberPackageVersionId FROM InstalledSubscriberPackage',
  );
  const mine = installed.records.find(
    (row) => toId15(row.SubscriberPackageId) === toId15(subscriberPackageId),
  );
  const licenses = await findLicenses(lmo, subscriberOrgId, subscriberPackageId);
  const current = licenses.find((license) => license.status !== 'Uninstalled');
  return {
    kind: mine ? 'upgrade' : licenses.length ? 'reinstall' : 'new',
    licenses,
    current: mine ? current : undefined,
    installedVersionId: mine?.SubscriberPackageVersionId,
  };
}

/** Whether a License is the one this install makes (or moves). */
export function isThisInstallsLicense(
  license: RecordedLicense,
  before: BeforeInstall,
  versionId: string,
): boolean {
  if (before.kind === 'upgrade') {
    const moved = !!license.versionId && toId15(license.versionId) === toId15(versionId);
    return moved && (!before.current || license.id === before.current.id);
  }
  // New and reinstall: a License created after the request started, i.e. one that wasn't there.
  return !before.licenses.some((earlier) => earlier.id === license.id);
}

/**
 * Polls the LMO with backoff (2 s, doubling, at most 30 s between looks) until this install's License
 * appears (`isThisInstallsLicense`) or `timeoutMs` passes. A REQUEST_LIMIT_EXCEEDED answer (the
 * session's requestLimit error) ends it at once.
 */
export async function waitForLicense(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
  waiting: Waiting & {
    timeoutMs: number;
    firstDelayMs?: number;
    before?: BeforeInstall;
    versionId?: string;
  },
): Promise<RecordedLicense | undefined> {
  const sleep = waiting.sleep ?? defaultSleep;
  const started = Date.now();
  const before = waiting.before ?? {
    kind: 'new',
    licenses: [],
    current: undefined,
    installedVersionId: undefined,
  };
  let delay = waiting.firstDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    checkCancelled(waiting.signal);
    waiting.onPhase?.({
      kind: 'waitingForLmo',
      attempt,
      installKind: before.kind,
      elapsedMs: Date.now() - started,
      timeoutMs: waiting.timeoutMs,
    });
    let licenses: RecordedLicense[];
    try {
      licenses = await findLicenses(lmo, subscriberOrgId, subscriberPackageId);
    } catch (error) {
      // The daily API limit ends polling at once: every further look would fail too.
      if (
        (error as { kind?: string }).kind === 'requestLimit' ||
        (await waiting.onLmoError?.(error)) !== 'retry'
      )
        throw error;
      continue;
    }
    const license = licenses.find((candidate) =>
      isThisInstallsLicense(candidate, before, waiting.versionId ?? candidate.versionId ?? ''),
    );
    if (license) return license;
    const left = waiting.timeoutMs - (Date.now() - started);
    if (left <= 0) return undefined;
    await sleep(Math.min(delay, left), waiting.signal);
    delay = Math.min(delay * 2, 30_000);
  }
}

/** One row of the report. */
export interface Check {
  name: 'License' | 'Version' | 'Status' | 'Seats' | 'Expiration' | 'Lead';
  expected: string;
  found: string;
  result: 'pass' | 'fail' | 'info';
  /** What to do about a failure. */
  advice?: string;
}

const PARTNER_CONSOLE_DIFFERS =
  "The Partner Console's default terms differ from the project's: update them there (Salesforce reads them from the Partner Console).";

const TERMS_CHANGED =
  'An upgrade keeps the License as it was: this change came from someone or something else (a person, a flow, an integration) during the run.';

/** The target org as it describes itself (Organization), not as the CLI auth store remembers it. */
export interface TargetOrgFacts {
  isSandbox: boolean;
  /** A scratch org: IsSandbox with a TrialExpirationDate (as @salesforce/core tells them apart). */
  isScratch: boolean;
  organizationType: string | null;
}

export async function readTargetOrg(target: LmoApi): Promise<TargetOrgFacts> {
  const page = await queryPage<{
    IsSandbox: boolean;
    OrganizationType: string | null;
    TrialExpirationDate: string | null;
  }>(target, 'SELECT IsSandbox, OrganizationType, TrialExpirationDate FROM Organization');
  const org = page.records[0];
  return {
    isSandbox: !!org?.IsSandbox,
    isScratch: !!org?.IsSandbox && !!org.TrialExpirationDate,
    organizationType: org?.OrganizationType ?? null,
  };
}

const foundTerms = (license: RecordedLicense) => ({
  status: license.status ?? 'none',
  seats: license.seats === null ? 'none' : formatSeats(license.seats),
  expiration: formatExpiration(license.expiration),
});

/** Status, Seats and Expiration as found, for information, when there is nothing to compare them with. */
function termsFoundOnly(found: ReturnType<typeof foundTerms>, why: string): Check[] {
  return (
    [
      ['Status', found.status],
      ['Seats', found.seats],
      ['Expiration', found.expiration],
    ] as const
  ).map(([name, value]) => ({ name, expected: why, found: value, result: 'info' }));
}

/** Compares the recorded License and Lead with the terms (or, without terms, reports what was found). */
export function verifyLicense(
  license: RecordedLicense,
  terms: LicensingTerms | undefined,
  options: { isSandbox: boolean; isScratch?: boolean },
): Check[] {
  const checks: Check[] = [
    { name: 'License', expected: 'a License for the test org', found: license.name, result: 'pass' },
  ];
  const found = foundTerms(license);
  if (!terms) {
    checks.push(...termsFoundOnly(found, 'no terms in sfdx-project.json'));
  } else {
    // A sandbox's install gets a site license (docs); a scratch org's is unconfirmed: either passes.
    const sandbox = options.isSandbox || license.isSandbox;
    const seats = licenseSeats(terms, sandbox && !options.isScratch);
    const installDay = license.installDate
      ? new Date(`${license.installDate.slice(0, 10)}T00:00:00Z`)
      : new Date();
    const expiration = expirationFor(terms, installDay);
    const expirationMatches =
      expiration === null
        ? doesNotExpire(license.expiration)
        : license.expiration?.slice(0, 10) === expiration;
    const check = (name: Check['name'], expected: string, actual: string, ok: boolean): Check => ({
      name,
      expected,
      found: actual,
      result: ok ? 'pass' : 'fail',
      ...(ok ? {} : { advice: PARTNER_CONSOLE_DIFFERS }),
    });
    const seatsOk =
      (seats === -1 ? isSiteLicense(license.seats) : license.seats === seats) ||
      (!!options.isScratch && isSiteLicense(license.seats));
    checks.push(
      check('Status', terms.status, found.status, license.status === terms.status),
      check(
        'Seats',
        `${formatSeats(seats)}${
          options.isScratch && terms.seats !== 'site'
            ? ' or a Site License (a scratch org: which one is unconfirmed)'
            : sandbox && terms.seats !== 'site'
              ? ' (sandboxes always get a site license)'
              : ''
        }`,
        found.seats,
        seatsOk,
      ),
      check(
        'Expiration',
        expiration === null
          ? 'Does not expire'
          : `Expires ${expiration} (install date + ${terms.lengthDays} days)`,
        found.expiration,
        expirationMatches,
      ),
    );
  }
  checks.push(leadCheck(license, false));
  return checks;
}

function leadCheck(license: RecordedLicense, upgrade: boolean): Check {
  const lead = license.lead;
  if (lead && lead.leadSource === 'Package Installation')
    return {
      name: 'Lead',
      expected: 'LeadSource "Package Installation"',
      found: lead.company ?? lead.id,
      result: 'pass',
    };
  // The License's Lead lookup is cleared once the Lead is converted: normal for an older install.
  if (upgrade)
    return {
      name: 'Lead',
      expected: 'the first install made the Lead',
      found: lead ? `LeadSource "${lead.leadSource ?? ''}"` : 'no Lead (converted, or never made)',
      result: 'info',
    };
  return {
    name: 'Lead',
    expected: 'LeadSource "Package Installation", linked from the License',
    found: lead ? `LeadSource "${lead.leadSource ?? ''}"` : 'no Lead',
    result: 'fail',
    advice:
      'LMO customizations can stop Lead creation: duplicate rules, required fields, validation rules, before-triggers on Lead, an inactive Lead Manager.',
  };
}

/**
 * An upgrade: the org's existing License, moved to the new version, with its terms as they were
 * (defaults apply to new installs only).
 */
export function verifyUpgrade(
  license: RecordedLicense,
  previous: RecordedLicense | undefined,
  version: { id: string; number: string },
): Check[] {
  const now = foundTerms(license);
  const checks: Check[] = [
    {
      name: 'License',
      expected: previous ? `the org's License ${previous.name}, kept` : "the org's License",
      found: license.name,
      result: !previous || previous.id === license.id ? 'pass' : 'fail',
    },
    {
      name: 'Version',
      expected: `moved to ${version.number}`,
      found: license.versionNumber ?? license.versionId ?? 'none',
      result: 'pass',
    },
  ];
  if (!previous) {
    checks.push(...termsFoundOnly(now, 'no earlier License to compare'));
  } else {
    const before = foundTerms(previous);
    const kept = (name: 'Status' | 'Seats' | 'Expiration', key: keyof typeof before): Check => ({
      name,
      expected: `kept: ${before[key]}`,
      found: now[key],
      result: before[key] === now[key] ? 'pass' : 'fail',
      ...(before[key] === now[key] ? {} : { advice: TERMS_CHANGED }),
    });
    checks.push(kept('Status', 'status'), kept('Seats', 'seats'), kept('Expiration', 'expiration'));
  }
  checks.push(leadCheck(license, true));
  return checks;
}

/** Why no License came, in the order they are usually found. */
export const NO_LICENSE_CAUSES = [
  'The package is not associated with this LMO (Partner Console → Register Package): installs create no License.',
  'The version is a beta: beta installs never reach the LMA.',
  'A trigger, validation rule, required field or workflow rule on License or Lead in the LMO blocks record creation.',
  "The package's Lead Manager is an inactive user.",
  'A real LMO can take several minutes, sometimes longer: raise lma.testInstall.licenseTimeoutSeconds and run it again.',
];

export type TestInstallOutcome = 'passed' | 'failed' | 'noLicense' | 'installFailed' | 'cancelled';

/** One run, as kept in the history and shown in the report. Never holds an installation key. */
export interface TestInstallReport {
  packageName: string;
  subscriberPackageId: string;
  versionId: string;
  versionName: string;
  targetOrg: { username: string; orgId: string; isSandbox: boolean; organizationType?: string | null };
  lmoUsername: string;
  startedAt: string;
  finishedAt: string;
  outcome: TestInstallOutcome;
  /** New install, upgrade or reinstall, once the run read the test org and the LMO. */
  installKind?: InstallKind;
  /** The version's remote sites and CSP trusted sites, and whether the install enabled them. */
  remoteSites?: { sites: string[]; enabled: boolean };
  /** The terms compared against, as the summary sentence; undefined when the project has none. */
  expectedTerms: string | undefined;
  checks: Check[];
  /** What went wrong before any check (install errors, timeouts) and the usual causes. */
  messages: string[];
}

export interface TestInstallRun {
  lmo: LmoApi;
  lmoUsername: string;
  /** The test org; whether it is a sandbox is read from the org itself (Organization). */
  target: LmoApi & { username: string; orgId: string };
  versionId: string;
  /** The package's name in the LMO or the project; the version's own name when unknown. */
  packageName?: string;
  installationKey?: string;
  /** Whether to enable the version's remote sites (the setting, the CLI flag); undefined: ask. */
  enableRemoteSites?: boolean;
  /** Questions the run may need answered; without an answer it ends (key) or doesn't enable (sites). */
  asks?: {
    /** The version needs a key ('required') or the one given is wrong ('invalid'). */
    installationKey?: (problem: 'required' | 'invalid') => Promise<string | undefined>;
    /** Enable these remote sites and CSP trusted sites? undefined: cancel the run. */
    remoteSites?: (sites: string[]) => Promise<boolean | undefined>;
  };
  /** The package's default terms from sfdx-project.json, found once the version's package is known. */
  termsFor: (installed: {
    subscriberPackageId: string;
    versionId: string;
    packageName: string;
  }) => LicensingTerms | undefined;
  limits: { versionTimeoutMs: number; installTimeoutMs: number; licenseTimeoutMs: number };
  waiting?: Waiting;
}

const KIND_TEXT: Record<InstallKind, string> = {
  new: 'new install',
  upgrade: 'upgrade',
  reinstall: 'reinstall after an uninstall',
};

/** The whole test install: wait for the version, install, wait for the License, verify. Never throws for outcomes. */
export async function runTestInstall(run: TestInstallRun): Promise<TestInstallReport> {
  const startedAt = new Date().toISOString();
  const waiting = run.waiting ?? {};
  let facts: TargetOrgFacts | undefined;
  let installKind: InstallKind | undefined;
  let remoteSites: TestInstallReport['remoteSites'];
  const report = (
    outcome: TestInstallOutcome,
    fields: Partial<TestInstallReport>,
    version?: SubscriberPackageVersion,
  ): TestInstallReport => ({
    packageName: run.packageName ?? version?.Name ?? '',
    subscriberPackageId: version?.SubscriberPackageId ?? '',
    versionId: run.versionId,
    versionName: version
      ? `${version.MajorVersion}.${version.MinorVersion}.${version.PatchVersion}-${version.BuildNumber}`
      : '',
    targetOrg: {
      username: run.target.username,
      orgId: run.target.orgId,
      isSandbox: facts?.isSandbox ?? false,
      organizationType: facts?.organizationType ?? null,
    },
    lmoUsername: run.lmoUsername,
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome,
    ...(installKind ? { installKind } : {}),
    ...(remoteSites ? { remoteSites } : {}),
    expectedTerms: undefined,
    checks: [],
    messages: [],
    ...fields,
  });
  let version: SubscriberPackageVersion | undefined;
  try {
    facts = await readTargetOrg(run.target);
    const ready = await waitUntilInstallable(run.target, run.versionId, run.installationKey, {
      ...waiting,
      timeoutMs: run.limits.versionTimeoutMs,
      askKey: run.asks?.installationKey,
    });
    version = ready.version;
    const sites = sitesOf(version);
    if (sites.length) {
      const enabled = run.enableRemoteSites ?? (await run.asks?.remoteSites?.(sites));
      checkCancelled(waiting.signal);
      if (enabled === undefined && run.asks?.remoteSites) throw new CancelledError();
      remoteSites = { sites, enabled: enabled ?? false };
    }
    const before = await readBeforeInstall(
      run.target,
      run.lmo,
      run.target.orgId,
      version.SubscriberPackageId,
    );
    installKind = before.kind;
    await installVersion(run.target, run.versionId, ready.installationKey, {
      ...waiting,
      timeoutMs: run.limits.installTimeoutMs,
      enableRss: remoteSites?.enabled,
    });
    const terms = run.termsFor({
      subscriberPackageId: version.SubscriberPackageId,
      versionId: run.versionId,
      packageName: run.packageName ?? version.Name,
    });
    const expectedTerms = terms && describeTerms(terms);
    const license = await waitForLicense(run.lmo, run.target.orgId, version.SubscriberPackageId, {
      ...waiting,
      timeoutMs: run.limits.licenseTimeoutMs,
      before,
      versionId: run.versionId,
    });
    const siteMessages = remoteSites
      ? [
          `Remote sites and CSP trusted sites ${remoteSites.enabled ? 'enabled' : 'not enabled'}: ${remoteSites.sites.join(', ')}.`,
        ]
      : [];
    if (!license) {
      const waited = `within ${seconds(run.limits.licenseTimeoutMs)}`;
      const seen =
        before.kind === 'upgrade'
          ? before.current
            ? `The LMO still shows ${before.current.name} on ${before.current.versionNumber ?? before.current.versionId ?? 'its earlier version'}: the LMA had not moved it to this version ${waited}.`
            : `The LMO had no License for this org before the upgrade, and none with this version appeared ${waited}.`
          : before.licenses.length
            ? `The LMO holds ${before.licenses.map((l) => `${l.name} (${l.status ?? 'no Status'})`).join(', ')} from before; no new License appeared ${waited}.`
            : `No License for ${run.target.orgId} appeared in the LMO ${waited}.`;
      return report(
        'noLicense',
        {
          expectedTerms,
          checks: [
            {
              name: 'License',
              expected:
                before.kind === 'upgrade'
                  ? "the org's License, moved to this version"
                  : 'a new License for the test org',
              found: 'none in time',
              result: 'fail',
            },
          ],
          messages: [
            `${KIND_TEXT[before.kind][0]!.toUpperCase()}${KIND_TEXT[before.kind].slice(1)}: the install succeeded in the test org.`,
            seen,
            ...siteMessages,
            ...(version.IsBeta ? ['This version is a beta: beta installs never reach the LMA.'] : []),
            'Usual causes:',
            ...NO_LICENSE_CAUSES,
          ],
        },
        version,
      );
    }
    if (before.kind === 'upgrade') {
      const checks = verifyUpgrade(license, before.current, {
        id: run.versionId,
        number: `${version.MajorVersion}.${version.MinorVersion}.${version.PatchVersion}`,
      });
      const failed = checks.some((check) => check.result === 'fail');
      return report(
        failed ? 'failed' : 'passed',
        {
          expectedTerms,
          checks,
          messages: [
            failed
              ? 'upgrade: the License changed during the upgrade (an upgrade keeps its terms).'
              : `upgrade: terms kept (default terms apply to new installs only; ${license.name} moved to this version).`,
            ...siteMessages,
          ],
        },
        version,
      );
    }
    const checks = verifyLicense(license, terms, { isSandbox: facts.isSandbox, isScratch: facts.isScratch });
    const failed = checks.some((check) => check.result === 'fail');
    return report(
      failed ? 'failed' : 'passed',
      {
        expectedTerms,
        checks,
        messages: [
          before.kind === 'reinstall'
            ? `reinstall: a new License ${license.name} beside ${before.licenses.map((l) => `${l.name} (${l.status ?? 'no Status'})`).join(', ')}.`
            : `new install: License ${license.name}.`,
          ...siteMessages,
          ...(terms
            ? []
            : [
                'sfdx-project.json has no default licensing terms for this package: nothing to compare against.',
              ]),
        ],
      },
      version,
    );
  } catch (error) {
    if (error instanceof CancelledError)
      return report(
        'cancelled',
        { messages: ['Cancelled. An install that already started in Salesforce goes on there.'] },
        version,
      );
    if (error instanceof TestInstallError)
      return report('installFailed', { messages: [error.message, ...error.details] }, version);
    if ((error as { kind?: string }).kind === 'requestLimit')
      return report(
        'installFailed',
        {
          messages: [`The LMO answered REQUEST_LIMIT_EXCEEDED: polling stopped. ${(error as Error).message}`],
        },
        version,
      );
    if (isTransientCreateError(error))
      return report(
        'installFailed',
        {
          messages: [
            `The test org kept refusing the install request after ${CREATE_RETRIES.length} retries: ${(error as Error).message}`,
            'A version just released can take a while to reach every instance. Try again later.',
          ],
        },
        version,
      );
    throw error;
  }
}
