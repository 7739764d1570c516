// Seeds: the demo world (three packages, one of them unassociated, a dozen
// versions, ~500 licenses in every status with leads, accounts, contacts and
// history) and sized worlds (`--seed 100000`) for benchmarks. Deterministic: a
// seeded PRNG decides everything; dates are relative to today so the demo
// always has trials about to expire.
import { toId18, type Row as SObjectRecord, type RowSource } from '../data/index';
import { PACKAGE_SUBSCRIBER } from '../data/schema/push';
import { versionNumber } from './partnerConsole';
import { seededRandom, type Random } from './prng';
import type { LicenseDefaults } from './state';
import type { World } from './world';

export type SeedSpec = 'demo' | 'none' | number;

/** How a seeded LMO looks beyond its number of licenses. */
export interface SeedShape {
  /**
   * Released versions of each associated package (default: the demo's handful). Real LMOs have
   * hundreds: 300 × 2 packages × 5 statuses is more than the 2,000 groups one aggregate may answer.
   */
  versionsPerPackage?: number;
  /**
   * Licenses a real LMO also holds: about 1% each with no Status, with a Status outside the LMA's
   * four (Salesforce doesn't restrict the picklist), without a Package Version, and (LMA 1.20) with a
   * version but no Package (licenses from before the License → Package lookup existed).
   */
  irregular?: boolean;
  /** At most this many PackageSubscriber rows in the Dev Hub (default: one per installed License). */
  subscribers?: number;
  /**
   * Write the seed's rows through every row's checks (the path API writes take) instead of the trusted
   * bulk path: the same records, slower; the reference of the test that compares the two.
   */
  checked?: boolean;
}

/** The demo's versions, or `count` released versions (1.0.0, 1.1.0, … 1.49.0, 2.0.0, …). */
function versionsOf(spec: PackageSpec, count: number | undefined): Array<[string, boolean]> {
  if (count === undefined) return spec.versions;
  return Array.from({ length: count }, (_, i): [string, boolean] => [
    `${1 + Math.floor(i / 50)}.${i % 50}.0`,
    false,
  ]);
}

interface PackageSpec {
  name: string;
  namespace: string;
  versions: Array<[string, boolean]>; // [version, beta]
  defaults: LicenseDefaults | null;
  share: number; // share of the licenses
}

const PACKAGES: PackageSpec[] = [
  {
    name: 'Acme Billing',
    namespace: 'acmebill',
    versions: [
      ['1.0.0', false],
      ['1.1.0', false],
      ['1.2.0', false],
      ['2.0.0', false],
      ['2.1.0', true],
    ],
    defaults: { status: 'Trial', lengthDays: 30, seats: 10 },
    share: 0.6,
  },
  {
    name: 'Acme Insights',
    namespace: 'acmeins',
    versions: [
      ['1.0.0', false],
      ['1.1.0', false],
      ['1.2.0', false],
      ['1.3.0', true],
    ],
    defaults: { status: 'Active', lengthDays: null, seats: 'site' },
    share: 0.4,
  },
  {
    name: 'Acme Labs Toolkit',
    namespace: 'acmelabs',
    versions: [
      ['0.1.0', false],
      ['0.2.0', false],
      ['0.3.0', true],
    ],
    defaults: null, // never registered with the LMO: installs create no License
    share: 0,
  },
];

const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dev',
  'Eva',
  'Finn',
  'Gita',
  'Hugo',
  'Ines',
  'Jon',
  'Kai',
  'Lea',
  'Mia',
  'Noah',
  'Omar',
  'Pia',
];
const LAST = [
  'Nguyen',
  'Schmidt',
  'Okafor',
  'Rossi',
  'Tanaka',
  'Silva',
  'Kowalski',
  'Haddad',
  'Larsen',
  'Murphy',
  'Dubois',
  'Patel',
];
const COMPANY_A = [
  'Blue',
  'North',
  'Bright',
  'Iron',
  'Green',
  'Swift',
  'Silver',
  'Cedar',
  'Nova',
  'Delta',
  'Summit',
  'Harbor',
];
const COMPANY_B = [
  'Logistics',
  'Health',
  'Retail',
  'Energy',
  'Foods',
  'Media',
  'Robotics',
  'Finance',
  'Travel',
  'Labs',
];
const COMPANY_C = ['Inc.', 'GmbH', 'Ltd', 'S.A.', 'LLC', 'AG', 'KK', 'BV'];
const COUNTRIES = [
  'United States',
  'Germany',
  'United Kingdom',
  'France',
  'Japan',
  'Brazil',
  'India',
  'Canada',
  'Australia',
];
const EDITIONS = ['Enterprise Edition', 'Unlimited Edition', 'Professional Edition', 'Developer Edition'];
const collator = new Intl.Collator();
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Each day's date text, by day number: a seed asks for the same few hundred days millions of times. */
const days = new Map<number, string>();
const day = (offsetDays: number): string => {
  const n = Math.floor((Date.now() + offsetDays * 86_400_000) / 86_400_000);
  let text = days.get(n);
  if (text === undefined) {
    if (days.size > 10_000) days.clear();
    days.set(n, (text = new Date(n * 86_400_000).toISOString().slice(0, 10)));
  }
  return text;
};
const orgId15 = (rnd: Random): string => {
  let s = '00D';
  for (let i = 0; i < 12; i++) s += B62[rnd.int(0, 61)];
  return s;
};

/** `items.map(make)` made one row at a time, in order, as `bulkInsert` asks for them. */
function lazily<T>(items: readonly T[], make: (item: T) => SObjectRecord): RowSource {
  return { length: items.length, row: (i) => make(items[i] as T) };
}

export async function seedWorld(world: World, spec: SeedSpec, shape: SeedShape = {}): Promise<void> {
  const versionCount = shape.versionsPerPackage;
  if (
    versionCount !== undefined &&
    (!Number.isInteger(versionCount) || versionCount < 1 || versionCount > 5000)
  )
    throw new Error('versionsPerPackage must be a whole number from 1 to 5,000');
  world.state.seed = String(spec);
  world.save();
  if (spec === 'none') return;
  const licenseCount = spec === 'demo' ? 500 : Math.max(0, Math.floor(spec));
  const rnd = seededRandom(spec === 'demo' ? 20_240_601 : licenseCount);
  const console = world.console;

  // The Partner Console first: packages, versions, associations (this writes the LMA's rows).
  const lmaPackages: Array<{
    spec: PackageSpec;
    rowId: string;
    versionRows: Array<{ id: string; number: string; versionId: string }>;
  }> = [];
  for (const p of PACKAGES) {
    const pkg = console.createPackage({
      name: p.name,
      namespace: p.namespace,
      description: `${p.name} for Salesforce`,
    });
    const versions = p.defaults ? versionsOf(p, versionCount) : p.versions;
    for (const [i, [v, beta]] of versions.entries()) {
      const age =
        versions.length > 6 ? Math.floor(((versions.length - i) * 700) / versions.length) : 700 - i * 120;
      await console.createVersion(pkg.id, {
        version: v,
        beta,
        releaseDate: day(-age),
        visibleAfterSeconds: 0,
      });
    }
    if (!p.defaults) continue;
    await console.associate(pkg.id, p.defaults);
    const rowId = await console.lmaPackageId(pkg);
    const lmo = world.lmaData();
    // Refresh Licenses was pressed (once a week at most): Acme Billing's next is days away, the other's due.
    await lmo.update('sfLma__Package__c', rowId, {
      sfLma__Last_License_Refresh__c: day(lmaPackages.length === 0 ? -3 : -10),
    });
    // By Version ID (the 04t id), which every LMA has; the version number comes from the console.
    const rows = lmo.query(
      `SELECT Id, sfLma__Version_ID__c FROM sfLma__Package_Version__c WHERE sfLma__Package__c = '${rowId}' ORDER BY sfLma__Sequence__c`,
    );
    lmaPackages.push({
      spec: p,
      rowId,
      versionRows: rows.records.map((r) => {
        const v = console.version(String(r.sfLma__Version_ID__c));
        return {
          id: String(r.Id),
          number: v ? versionNumber(v) : '',
          versionId: String(r.sfLma__Version_ID__c),
        };
      }),
    });
  }
  if (licenseCount === 0) return;

  const lmo = world.lmaData();
  let recordTypes: { records: SObjectRecord[] };
  try {
    recordTypes = lmo.query(
      "SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'sfLma__License__c'",
    );
  } catch {
    recordTypes = { records: [] };
  }
  const rt = new Map(recordTypes.records.map((r) => [String(r.DeveloperName), String(r.Id)]));
  // Record types follow the Status, except Expired, which no Status maps to: set it explicitly.
  const withRt = (name: string): SObjectRecord =>
    name === 'Expired' && rt.has(name) ? { RecordTypeId: rt.get(name) } : {};

  // Companies: about one account per four licenses, for the converted leads.
  const accountCount = Math.max(1, Math.floor(licenseCount / 4));
  const companies = Array.from(
    { length: accountCount },
    (_, i) => `${rnd.pick(COMPANY_A)} ${rnd.pick(COMPANY_B)} ${rnd.pick(COMPANY_C)} ${i + 1}`,
  );
  const bulk = { trusted: shape.checked !== true };
  const accountIds = await lmo.bulkInsert(
    'Account',
    lazily(companies, (Name) => ({ Name, Type: 'Customer - Direct', BillingCountry: rnd.pick(COUNTRIES) })),
    bulk,
  );
  const contactIds = await lmo.bulkInsert(
    'Contact',
    lazily(accountIds, (AccountId) => ({
      FirstName: rnd.pick(FIRST),
      LastName: rnd.pick(LAST),
      AccountId,
      Email: `it-${AccountId.slice(-6)}@example.com`,
    })),
    bulk,
  );

  // One lead per install; a quarter of them converted (the license then points at Account/Contact).
  const plans = Array.from({ length: licenseCount }, (_, i) => {
    const pkg =
      rnd.next() < (lmaPackages[0]?.spec.share ?? 1) ? lmaPackages[0] : (lmaPackages[1] ?? lmaPackages[0]);
    const converted = rnd.chance(0.25);
    const account = rnd.int(0, accountCount - 1);
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    return {
      i,
      pkg: pkg as (typeof lmaPackages)[number],
      converted,
      account,
      first,
      last,
      company: converted
        ? (companies[account] as string)
        : `${rnd.pick(COMPANY_A)} ${rnd.pick(COMPANY_B)} ${rnd.pick(COMPANY_C)}`,
    };
  });
  // Each Lead made as it is written, in order (the same draws of `rnd`), and not kept.
  const leadIds = await lmo.bulkInsert(
    'Lead',
    lazily(plans, (p) => ({
      FirstName: p.first,
      LastName: p.last,
      Company: p.company,
      Email: `${p.first.toLowerCase()}.${p.last.toLowerCase()}.${p.i}@example.com`,
      LeadSource: 'Package Installation',
      Country: rnd.pick(COUNTRIES),
      Status: p.converted ? 'Closed - Converted' : rnd.pick(['Open - Not Contacted', 'Working - Contacted']),
      OwnerId: world.lmo.userId,
    })),
    bulk,
  );

  // Each License made as it is written, in order (the same draws of `rnd`); of each, only the fields
  // the subscribers and the edits below read are kept, not a million whole input objects.
  const licenses: SObjectRecord[] = new Array(plans.length);
  const makeLicense = (p: (typeof plans)[number]): SObjectRecord => {
    const roll = rnd.next();
    // Every status: Active, Trial, Suspended, Uninstalled, and expired trials (Expired record type).
    const kind =
      roll < 0.45
        ? 'Active'
        : roll < 0.7
          ? 'Trial'
          : roll < 0.8
            ? 'Suspended'
            : roll < 0.9
              ? 'Uninstalled'
              : 'Expired';
    const status = kind === 'Expired' ? 'Trial' : kind;
    const sandbox = rnd.chance(0.1);
    const seats = sandbox || rnd.chance(0.15) ? -1 : rnd.pick([5, 10, 25, 50, 100, 250, 1000]);
    const installed = -rnd.int(1, 700);
    const expiration =
      kind === 'Trial'
        ? day(rnd.int(-3, 30))
        : kind === 'Expired'
          ? day(-rnd.int(1, 200))
          : kind === 'Active' && rnd.chance(0.5)
            ? null
            : day(rnd.int(-30, 400));
    const v = rnd.pick(p.pkg.versionRows);
    const org = orgId15(rnd);
    return {
      ...withRt(kind),
      sfLma__Status__c: status,
      sfLma__Seats__c: seats,
      sfLma__Used_Licenses__c: seats === -1 || status === 'Uninstalled' ? null : rnd.int(0, seats),
      sfLma__Expiration__c: expiration,
      sfLma__Install_Date__c: day(installed),
      sfLma__Lead__c: p.converted ? null : leadIds[p.i],
      sfLma__Account__c: p.converted ? accountIds[p.account] : null,
      sfLma__Contact__c: p.converted ? contactIds[p.account] : null,
      sfLma__Package__c: p.pkg.rowId,
      sfLma__Package_Version__c: v.id,
      sfLma__Version_Number__c: v.number,
      sfLma__Subscriber_Org_ID__c: org,
      sfLma__Subscriber_Org_Is_Sandbox__c: sandbox,
      sfLma__Org_Instance__c: `NA${rnd.int(10, 250)}`,
      sfLma__Org_Type__c: sandbox ? 'Enterprise Edition' : rnd.pick(EDITIONS),
      // Upper case, as real LMOs hold them (ACTIVE, FREE, …, DELETED once the org is gone).
      sfLma__Org_Status_Formula__c:
        status === 'Uninstalled' && rnd.chance(0.3)
          ? 'DELETED'
          : rnd.pick(['ACTIVE', 'ACTIVE', 'ACTIVE', 'FREE', 'SIGNING_UP']),
      sfLma__Package_License_ID__c: `050${org.slice(3, 15)}`,
      sfLma__Proxy_User__c: `${p.pkg.spec.namespace}@${org}`,
      sfLma__License_Type__c: 'Editable',
      sfLma__Last_Modified__c: new Date(Date.now() + installed * 86_400_000).toISOString(),
      OwnerId: world.lmo.userId,
    };
  };
  const licenseRows: RowSource = {
    length: plans.length,
    row: (i) => {
      const l = makeLicense(plans[i] as (typeof plans)[number]);
      if (shape.irregular && i % 25 === 0) {
        // Every 25th license gets one of four irregularities in turn (1% of the licenses each).
        const kind = (i / 25) % 4;
        if (kind === 0) l.sfLma__Status__c = null;
        else if (kind === 1) l.sfLma__Status__c = 'Expired';
        else if (kind === 2) {
          l.sfLma__Package_Version__c = null;
          l.sfLma__Version_Number__c = null;
        } else l.sfLma__Package__c = null;
      }
      licenses[i] = {
        sfLma__Status__c: l.sfLma__Status__c,
        sfLma__Seats__c: l.sfLma__Seats__c,
        sfLma__Package_Version__c: l.sfLma__Package_Version__c,
        sfLma__Subscriber_Org_ID__c: l.sfLma__Subscriber_Org_ID__c,
        sfLma__Subscriber_Org_Is_Sandbox__c: l.sfLma__Subscriber_Org_Is_Sandbox__c,
        sfLma__Org_Instance__c: l.sfLma__Org_Instance__c,
        sfLma__Org_Status_Formula__c: l.sfLma__Org_Status_Formula__c,
      };
      return l;
    },
  };
  const licenseIds = await lmo.bulkInsert('sfLma__License__c', licenseRows, bulk);
  await seedSubscribers(
    world,
    licenses.map((l, i) => ({
      license: l,
      company: (plans[i] as (typeof plans)[number]).company,
      versionId:
        (plans[i] as (typeof plans)[number]).pkg.versionRows.find((v) => v.id === l.sfLma__Package_Version__c)
          ?.versionId ?? null,
      packageId: (plans[i] as (typeof plans)[number]).pkg.versionRows[0]?.versionId ?? null,
    })),
    shape.subscribers,
    bulk.trusted,
  );

  // History through real edits, as the LMA records it: trials converted, seats raised.
  const edits = Math.min(120, Math.floor(licenseCount / 5));
  for (let k = 0; k < edits; k++) {
    const idx = rnd.int(0, licenseIds.length - 1);
    const l = licenses[idx] as SObjectRecord;
    if (l.sfLma__Status__c !== 'Active' || l.sfLma__Seats__c === -1) continue;
    const seats = (l.sfLma__Seats__c as number) + rnd.pick([5, 10, 25]);
    await lmo
      .update('sfLma__License__c', licenseIds[idx] as string, { sfLma__Seats__c: seats })
      .catch(() => undefined);
    l.sfLma__Seats__c = seats;
  }
}

const ORG_STATUS: Record<string, string> = {
  ACTIVE: 'Active',
  FREE: 'Free',
  SIGNING_UP: 'Trial',
  DELETED: 'Inactive',
};

/** The seeded push failures: one org per error type, in the words such errors come in (UNCONFIRMED). */
const FAILURES: Array<[string, string, string]> = [
  ['ApexTestFailure', 'Apex test failure', 'InvoiceTest.testPost: System.AssertException: Assertion Failed'],
  [
    'DeployError',
    'Deployment error',
    'Field Invoice__c.Region__c: a custom field of this name already exists',
  ],
  [
    'FeatureMissing',
    'Required feature missing',
    'The org lacks the feature Multi-Currency that the package needs',
  ],
  ['IneligibleUpgrade', 'Ineligible upgrade', 'The package was installed with a different namespace'],
  ['LimitExceeded', 'Limit exceeded', 'Maximum number of custom objects (200) exceeded'],
  [
    'LockingFailure',
    'Locking failure',
    'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record',
  ],
  ['PACError', 'Package access error', 'The package can’t access the org’s Apex classes'],
  [
    'UnclassifiedError',
    'Unclassified error',
    'An unexpected error occurred. Contact Salesforce support (error id 1234-5678)',
  ],
];

/**
 * Who has each package, in the owner org (the Dev Hub): one PackageSubscriber row per License that is
 * not Uninstalled, with the License's org id, version, sandbox flag and org status. Then the orgs
 * whose pushes go wrong, from the first package's production subscribers on an older version: one
 * failing with each error type, one that fails once and passes on retry, two whose customers block
 * pushes, three inactive orgs.
 */
async function seedSubscribers(
  world: World,
  rows: Array<{
    license: SObjectRecord;
    company: string;
    versionId: string | null;
    packageId: string | null;
  }>,
  cap: number | undefined,
  trusted: boolean,
): Promise<void> {
  const devhub = world.devhub;
  await world.pushes.prepare(devhub);
  const data = world.platform(devhub);
  const subscribers: SObjectRecord[] = [];
  // The few versions' 18-character ids, made once each.
  const versions = new Map<string, { id: string; packageId: string } | null>();
  for (const { license: l, company, versionId } of rows) {
    if (l.sfLma__Status__c === 'Uninstalled' || !versionId) continue;
    let version = versions.get(versionId);
    if (version === undefined) {
      const v = world.console.version(versionId);
      versions.set(versionId, (version = v ? { id: toId18(v.id)!, packageId: toId18(v.packageId)! } : null));
    }
    if (!version) continue;
    subscribers.push({
      OrgKey: toId18(String(l.sfLma__Subscriber_Org_ID__c)),
      OrgName: company,
      OrgType: l.sfLma__Subscriber_Org_Is_Sandbox__c ? 'Sandbox' : 'Production',
      OrgStatus: ORG_STATUS[String(l.sfLma__Org_Status_Formula__c)] ?? 'Active',
      InstanceName: l.sfLma__Org_Instance__c,
      InstalledStatus: 'i',
      HasRestrictionEnabled: false,
      MetadataPackageVersionId: version.id,
      MetadataPackageId: version.packageId,
    });
    if (cap !== undefined && subscribers.length >= cap) break;
  }
  const ids = await data.bulkInsert(PACKAGE_SUBSCRIBER, subscribers, { trusted });
  const first = world.state.packages[0];
  if (!first) return;
  const latest = world.state.versions
    .filter((v) => v.packageId === first.id && !v.isBeta)
    .map((v) => toId18(v.id))
    .at(-1);
  const candidates = subscribers
    .map((s, i) => ({ s, id: ids[i] as string }))
    .filter(
      ({ s }) =>
        s.MetadataPackageId === toId18(first.id) &&
        s.MetadataPackageVersionId !== latest &&
        s.OrgType === 'Production' &&
        s.OrgStatus === 'Active',
    )
    // As `localeCompare` orders them (the same comparison, without making a collator per call).
    .sort((a, b) => collator.compare(String(a.s.OrgKey), String(b.s.OrgKey)));
  const outcomes = (world.state.pushOutcomes ??= {});
  let next = 0;
  const take = () => candidates[next++];
  for (const [errorType, title, message] of FAILURES) {
    const c = take();
    if (!c) return;
    outcomes[String(c.s.OrgKey)] = {
      errorType,
      title,
      message,
      details: `${String(c.s.OrgName)}: ${message}`,
      remaining: null,
    };
  }
  const once = take();
  if (once)
    outcomes[String(once.s.OrgKey)] = {
      errorType: 'LockingFailure',
      title: 'Locking failure',
      message: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record (passes on retry)',
      details: '',
      remaining: 1,
    };
  world.save();
  for (let k = 0; k < 2; k++) {
    const c = take();
    if (c) await data.update(PACKAGE_SUBSCRIBER, c.id, { HasRestrictionEnabled: true });
  }
  for (let k = 0; k < 3; k++) {
    const c = take();
    if (c) await data.update(PACKAGE_SUBSCRIBER, c.id, { OrgStatus: 'Inactive' });
  }
}
