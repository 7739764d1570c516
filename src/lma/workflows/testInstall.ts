/**
 * A test install and its verification: install a package version into a test org through the Tooling
 * API (the requests `sf package install` makes), wait for the LMO to record a License and a Lead for
 * that org, and compare them with the package's default terms. The test org is reached through its
 * own connection; the LMO only through the session. No `vscode` here: the CLI runs the same code.
 */
import type { RecordedLicense } from '../records/types';
import type { LmoApi } from '../records/lmoApi';
import { loadOrgLicenses } from '../records/orgLicenses';
import { toId15 } from '../records/soql';
import {
  describeVersion,
  loadInstalledPackages,
  readTargetOrg,
  sitesOf,
  type SubscriberPackageVersion,
  type TargetOrgFacts,
} from '../records/testOrg';
import { describeTerms, type LicensingTerms } from '../rules/licensingTerms';
import {
  CREATE_RETRIES,
  escapeInstallationKey,
  INSTALLABLE,
  installationKeyProblem,
  installStatusWords,
  isTransientCreateError,
  keyInvalidMessage,
  keyRequiredMessage,
  NOT_YET_AVAILABLE,
} from '../rules/packageInstall';
import {
  isThisInstallsLicense,
  NO_LICENSE_CAUSES,
  verifyLicense,
  verifyUpgrade,
  type BeforeInstall,
  type Check,
  type InstallKind,
} from '../rules/testInstallChecks';

// The reads moved to records/ and the checks to rules/: callers outside the domain keep these names.
export { findRecordedLicense } from '../records/orgLicenses';
export { checkVersionAccess, readTargetOrg, sitesOf, type TargetOrgFacts } from '../records/testOrg';
export { keyInvalidMessage } from '../rules/packageInstall';
export type { Check, InstallKind } from '../rules/testInstallChecks';

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
          : `Version ${versionId} was still not installable (${installStatusWords(status)}) after ${seconds(waiting.timeoutMs)}.`,
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
  const installed = await loadInstalledPackages(target);
  const mine = installed.find((row) => toId15(row.SubscriberPackageId) === toId15(subscriberPackageId));
  const licenses = await loadOrgLicenses(lmo, subscriberOrgId, subscriberPackageId);
  const current = licenses.find((license) => license.status !== 'Uninstalled');
  return {
    kind: mine ? 'upgrade' : licenses.length ? 'reinstall' : 'new',
    licenses,
    current: mine ? current : undefined,
    installedVersionId: mine?.SubscriberPackageVersionId,
  };
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
      licenses = await loadOrgLicenses(lmo, subscriberOrgId, subscriberPackageId);
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
