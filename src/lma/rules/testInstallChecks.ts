/**
 * What a test install checks in the LMO, as pure functions: which License is this install's, and how
 * it compares with the package's default terms (a new install) or with the License before (an upgrade).
 */
import type { RecordedLicense } from '../records/types';
import { toId15 } from '../records/soql';
import { doesNotExpire, formatExpiration, formatSeats, isSiteLicense } from './encodings';
import { expirationFor, licenseSeats, type LicensingTerms } from './licensingTerms';

/** How this install relates to what the test org and the LMO had before it (see `classifyInstall`). */
export type InstallKind = 'new' | 'upgrade' | 'reinstall';

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
