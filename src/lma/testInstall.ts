/**
 * A test install and its verification: install a package version into a test org through the Tooling
 * API (the requests `sf package install` makes), wait for the LMO to record a License and a Lead for
 * that org, and compare them with the package's default terms. The test org is reached through its
 * own connection; the LMO only through the session. No `vscode` here: the CLI runs the same code.
 */
import { lmaFieldsOf, selectable } from './lmaFields';
import { doesNotExpire, formatExpiration, formatSeats, isSiteLicense } from './encodings';
import { describeTerms, expirationFor, licenseSeats, type LicensingTerms } from './licensingTerms';
import { queryPage, toolingQuery, type LmoApi } from './lmoApi';
import { literal, toId15, toId18 } from './soql';

/** The phases a run goes through, for progress reports. */
export type InstallPhase =
  | { kind: 'waitingForVersion'; status: string }
  | { kind: 'installing'; status: string }
  | { kind: 'waitingForLmo'; attempt: number };

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

/** The version as the test org sees it (Tooling SubscriberPackageVersion; only queries by Id work). */
export async function describeVersion(
  target: LmoApi,
  versionId: string,
  installationKey?: string,
): Promise<SubscriberPackageVersion | undefined> {
  const key = installationKey ? ` AND InstallationKey = ${literal(installationKey)}` : '';
  const page = await toolingQuery<SubscriberPackageVersion>(
    target,
    `SELECT Id, SubscriberPackageId, Name, MajorVersion, MinorVersion, PatchVersion, BuildNumber, IsBeta, IsPasswordProtected, InstallValidationStatus FROM SubscriberPackageVersion WHERE Id = ${literal(versionId)}${key}`,
  );
  return page.records[0];
}

/** Waits while the version is not yet installable; fails at once for a status that won't clear. */
export async function waitUntilInstallable(
  target: LmoApi,
  versionId: string,
  installationKey: string | undefined,
  waiting: Waiting & { timeoutMs: number; intervalMs?: number },
): Promise<SubscriberPackageVersion> {
  const sleep = waiting.sleep ?? defaultSleep;
  const deadline = Date.now() + waiting.timeoutMs;
  for (;;) {
    checkCancelled(waiting.signal);
    let status: string;
    let version: SubscriberPackageVersion | undefined;
    try {
      version = await describeVersion(target, versionId, installationKey);
      status = version?.InstallValidationStatus ?? 'NOT_FOUND';
    } catch (error) {
      // Salesforce answers a version still being published with these errors too.
      const code = (error as { errorCode?: string }).errorCode ?? '';
      if (!/^(UNKNOWN_EXCEPTION|PACKAGE_UNAVAILABLE)/.test(code)) throw error;
      status = code;
    }
    if (version && INSTALLABLE.has(status)) return version;
    if (status === 'NOT_FOUND')
      throw new TestInstallError(
        `The test org can't see version ${versionId}${installationKey ? ' with this installation key' : ''}.`,
        ['Check the 04t id, and the installation key if the version has one.'],
      );
    if (
      !NOT_YET_AVAILABLE.has(status) &&
      !status.startsWith('UNKNOWN_EXCEPTION') &&
      status !== 'PACKAGE_UNAVAILABLE'
    )
      throw new TestInstallError(`Version ${versionId} can't be installed in the test org: ${status}.`);
    if (Date.now() >= deadline)
      throw new TestInstallError(
        `Version ${versionId} was still not installable (${status}) after ${Math.round(waiting.timeoutMs / 1000)} s.`,
        ['A version just released can take several minutes to become installable. Try again later.'],
      );
    waiting.onPhase?.({ kind: 'waitingForVersion', status });
    await sleep(waiting.intervalMs ?? 10_000, waiting.signal);
  }
}

interface InstallRequest {
  Id: string;
  Status: 'IN_PROGRESS' | 'SUCCESS' | 'ERROR' | 'UNKNOWN';
  Errors: { errors: { message: string }[] } | null;
}

/** Creates the PackageInstallRequest and polls it (every 2 s, as `sf package install --wait` does). */
export async function installVersion(
  target: LmoApi,
  versionId: string,
  installationKey: string | undefined,
  waiting: Waiting & { timeoutMs: number; intervalMs?: number },
): Promise<string> {
  const sleep = waiting.sleep ?? defaultSleep;
  checkCancelled(waiting.signal);
  const created = await target.request<{ id: string }>('/tooling/sobjects/PackageInstallRequest', {
    method: 'POST',
    body: {
      SubscriberPackageVersionKey: versionId,
      ...(installationKey ? { Password: installationKey } : {}),
      SecurityType: 'none',
      UpgradeType: 'mixed-mode',
      ApexCompileType: 'all',
      NameConflictResolution: 'Block',
      PackageInstallSource: 'U',
    },
  });
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
        `The install ${created.id} was still ${request.Status} after ${Math.round(waiting.timeoutMs / 1000)} s.`,
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
  'sfLma__Package_Version__r.sfLma__Package__r.sfLma__Package_ID__c',
  'sfLma__Lead__c',
  'sfLma__Lead__r.LeadSource',
  'sfLma__Lead__r.Company',
];

/** One look at the LMO: the License of that org (15 or 18 characters) for that package, if any. */
export async function findRecordedLicense(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
): Promise<RecordedLicense | undefined> {
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
  const row = page.records.find((license) => {
    const orgId = license.sfLma__Subscriber_Org_ID__c;
    const packageId = license.sfLma__Package_Version__r?.sfLma__Package__r?.sfLma__Package_ID__c;
    return orgId?.slice(0, 15) === orgId15 && packageId?.slice(0, 15) === packageId15;
  });
  if (!row) return undefined;
  return {
    id: row.Id,
    name: row.Name,
    status: row.sfLma__Status__c,
    seats: row.sfLma__Seats__c,
    expiration: row.sfLma__Expiration__c,
    installDate: row.sfLma__Install_Date__c,
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c,
    isSandbox: row.sfLma__Subscriber_Org_Is_Sandbox__c ?? false,
    versionId: row.sfLma__Package_Version__r?.sfLma__Version_ID__c ?? null,
    lead: row.sfLma__Lead__c
      ? {
          id: row.sfLma__Lead__c,
          leadSource: row.sfLma__Lead__r?.LeadSource ?? null,
          company: row.sfLma__Lead__r?.Company ?? null,
        }
      : undefined,
  };
}

/**
 * Polls the LMO with backoff (2 s, doubling, at most 30 s between looks) until the License appears or
 * `timeoutMs` passes. A REQUEST_LIMIT_EXCEEDED answer (the session's requestLimit error) ends it at once.
 */
export async function waitForLicense(
  lmo: LmoApi,
  subscriberOrgId: string,
  subscriberPackageId: string,
  waiting: Waiting & { timeoutMs: number; firstDelayMs?: number },
): Promise<RecordedLicense | undefined> {
  const sleep = waiting.sleep ?? defaultSleep;
  const deadline = Date.now() + waiting.timeoutMs;
  let delay = waiting.firstDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    checkCancelled(waiting.signal);
    waiting.onPhase?.({ kind: 'waitingForLmo', attempt });
    let license: RecordedLicense | undefined;
    try {
      license = await findRecordedLicense(lmo, subscriberOrgId, subscriberPackageId);
    } catch (error) {
      // The daily API limit ends polling at once: every further look would fail too.
      if (
        (error as { kind?: string }).kind === 'requestLimit' ||
        (await waiting.onLmoError?.(error)) !== 'retry'
      )
        throw error;
      continue;
    }
    if (license) return license;
    if (Date.now() + delay > deadline) return undefined;
    await sleep(delay, waiting.signal);
    delay = Math.min(delay * 2, 30_000);
  }
}

/** One row of the report. */
export interface Check {
  name: 'License' | 'Status' | 'Seats' | 'Expiration' | 'Lead';
  expected: string;
  found: string;
  result: 'pass' | 'fail' | 'info';
  /** What to do about a failure. */
  advice?: string;
}

const PARTNER_CONSOLE_DIFFERS =
  "The Partner Console's default terms differ from the project's: update them there (Salesforce reads them from the Partner Console).";

/** Compares the recorded License and Lead with the terms (or, without terms, reports what was found). */
export function verifyLicense(
  license: RecordedLicense,
  terms: LicensingTerms | undefined,
  options: { isSandbox: boolean },
): Check[] {
  const checks: Check[] = [
    { name: 'License', expected: 'a License for the test org', found: license.name, result: 'pass' },
  ];
  const found = {
    status: license.status ?? 'none',
    seats: license.seats === null ? 'none' : formatSeats(license.seats),
    expiration: formatExpiration(license.expiration),
  };
  if (!terms) {
    checks.push(
      { name: 'Status', expected: 'no terms in sfdx-project.json', found: found.status, result: 'info' },
      { name: 'Seats', expected: 'no terms in sfdx-project.json', found: found.seats, result: 'info' },
      {
        name: 'Expiration',
        expected: 'no terms in sfdx-project.json',
        found: found.expiration,
        result: 'info',
      },
    );
  } else {
    const seats = licenseSeats(terms, options.isSandbox);
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
    checks.push(
      check('Status', terms.status, found.status, license.status === terms.status),
      check(
        'Seats',
        `${formatSeats(seats)}${options.isSandbox && terms.seats !== 'site' ? ' (sandboxes always get a site license)' : ''}`,
        found.seats,
        seats === -1 ? isSiteLicense(license.seats) : license.seats === seats,
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
  const lead = license.lead;
  checks.push(
    lead && lead.leadSource === 'Package Installation'
      ? {
          name: 'Lead',
          expected: 'LeadSource "Package Installation"',
          found: lead.company ?? lead.id,
          result: 'pass',
        }
      : {
          name: 'Lead',
          expected: 'LeadSource "Package Installation", linked from the License',
          found: lead ? `LeadSource "${lead.leadSource ?? ''}"` : 'no Lead',
          result: 'fail',
          advice:
            'LMO customizations can stop Lead creation: duplicate rules, required fields, validation rules, before-triggers on Lead, an inactive Lead Manager.',
        },
  );
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

/** One run, as kept in the history and shown in the report. */
export interface TestInstallReport {
  packageName: string;
  subscriberPackageId: string;
  versionId: string;
  versionName: string;
  targetOrg: { username: string; orgId: string; isSandbox: boolean };
  lmoUsername: string;
  startedAt: string;
  finishedAt: string;
  outcome: TestInstallOutcome;
  /** The terms compared against, as the summary sentence; undefined when the project has none. */
  expectedTerms: string | undefined;
  checks: Check[];
  /** What went wrong before any check (install errors, timeouts) and the usual causes. */
  messages: string[];
}

export interface TestInstallRun {
  lmo: LmoApi;
  lmoUsername: string;
  target: LmoApi & { username: string; orgId: string; isSandbox: boolean };
  versionId: string;
  /** The package's name in the LMO or the project; the version's own name when unknown. */
  packageName?: string;
  installationKey?: string;
  /** The package's default terms from sfdx-project.json, found once the version's package is known. */
  termsFor: (installed: {
    subscriberPackageId: string;
    versionId: string;
    packageName: string;
  }) => LicensingTerms | undefined;
  limits: { versionTimeoutMs: number; installTimeoutMs: number; licenseTimeoutMs: number };
  waiting?: Waiting;
}

/** The whole test install: wait for the version, install, wait for the License, verify. Never throws for outcomes. */
export async function runTestInstall(run: TestInstallRun): Promise<TestInstallReport> {
  const startedAt = new Date().toISOString();
  const waiting = run.waiting ?? {};
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
    targetOrg: { username: run.target.username, orgId: run.target.orgId, isSandbox: run.target.isSandbox },
    lmoUsername: run.lmoUsername,
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome,
    expectedTerms: undefined,
    checks: [],
    messages: [],
    ...fields,
  });
  let version: SubscriberPackageVersion | undefined;
  try {
    version = await waitUntilInstallable(run.target, run.versionId, run.installationKey, {
      ...waiting,
      timeoutMs: run.limits.versionTimeoutMs,
    });
    await installVersion(run.target, run.versionId, run.installationKey, {
      ...waiting,
      timeoutMs: run.limits.installTimeoutMs,
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
    });
    if (!license)
      return report(
        'noLicense',
        {
          expectedTerms,
          checks: [
            {
              name: 'License',
              expected: 'a License for the test org',
              found: 'none in time',
              result: 'fail',
            },
          ],
          messages: [
            `No License for ${run.target.orgId} appeared in the LMO within ${Math.round(run.limits.licenseTimeoutMs / 1000)} s.`,
            ...(version.IsBeta ? ['This version is a beta: beta installs never reach the LMA.'] : []),
            'Usual causes:',
            ...NO_LICENSE_CAUSES,
          ],
        },
        version,
      );
    const checks = verifyLicense(license, terms, { isSandbox: run.target.isSandbox });
    const failed = checks.some((check) => check.result === 'fail');
    return report(
      failed ? 'failed' : 'passed',
      {
        expectedTerms,
        checks,
        messages: terms
          ? []
          : [
              'sfdx-project.json has no default licensing terms for this package: nothing to compare against.',
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
    throw error;
  }
}
