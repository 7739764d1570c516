/**
 * The LMO health check: looks, through the REST and Tooling APIs of the one session, for the
 * customizations known to stop the LMA from creating Leads and Licenses (Salesforce's LMA best
 * practices: required custom fields, triggers and validation rules on its objects; a package whose
 * Lead Manager can't own leads; duplicate rules; State and Country/Territory picklists). Each check
 * that can't run (no Tooling access, an object the org lacks) is reported as such instead of failing
 * the whole report.
 */
import { toLmoError } from '../org/errors';
import { queryAll, toolingQuery, type LmoApi } from './lmoApi';
import { literal } from './soql';

export type HealthSeverity = 'error' | 'warning' | 'info';

export type HealthCheckId =
  | 'beforeTriggers'
  | 'validationRules'
  | 'requiredFields'
  | 'leadManagers'
  | 'duplicateRules'
  | 'stateCountryPicklists';

export interface HealthFinding {
  /** Stable across runs: the check and the record (or field) it is about. */
  id: string;
  check: HealthCheckId;
  severity: HealthSeverity;
  title: string;
  /** What it breaks in the LMA. */
  breaks: string;
  /** How to fix it. */
  fix: string;
  /** Path of the record in Salesforce, relative to the org's instance URL (`/lightning/…`). */
  path: string;
}

export interface HealthCheckResult {
  check: HealthCheckId;
  title: string;
  /** 'skipped': the check could not run; `reason` says why. */
  status: 'clean' | 'found' | 'skipped';
  reason?: string;
}

export interface HealthReport {
  /** Errors first, then warnings, then info. */
  findings: HealthFinding[];
  /** Every check, in the order of HEALTH_CHECKS. */
  checks: HealthCheckResult[];
  /** Nothing found and every check ran. */
  clean: boolean;
  /** One plain sentence (or two) for the top of the report. */
  summary: string;
}

/** The checks, with the titles a report shows. */
export const HEALTH_CHECKS: ReadonlyArray<{ check: HealthCheckId; title: string }> = [
  { check: 'beforeTriggers', title: 'Before-insert triggers on Lead and License' },
  { check: 'validationRules', title: 'Active validation rules on Lead and License' },
  { check: 'requiredFields', title: 'Required custom fields without defaults on Lead and License' },
  { check: 'leadManagers', title: 'Lead Managers of packages' },
  { check: 'duplicateRules', title: 'Active duplicate rules on Lead' },
  { check: 'stateCountryPicklists', title: 'State and Country/Territory picklists' },
];

export const LEAD = 'Lead';
export const LICENSE = 'sfLma__License__c';
const OBJECTS = [LEAD, LICENSE] as const;
const objectLabel = (name: string): string => (name === LICENSE ? 'License' : name);

const SEVERITY_ORDER: Record<HealthSeverity, number> = { error: 0, warning: 1, info: 2 };

// ---- record paths (Lightning Setup and record pages) ----

const setupAddress = (page: string, id: string): string =>
  `/lightning/setup/${page}/page?address=${encodeURIComponent(`/${id}`)}`;

export const healthPaths = {
  apexTrigger: (id: string): string => setupAddress('ApexTriggers', id),
  validationRule: (object: string, id: string): string =>
    `/lightning/setup/ObjectManager/${encodeURIComponent(object)}/ValidationRules/${encodeURIComponent(id)}/view`,
  // Describe gives no field id (00N…), which the field's own page needs: the object's field list it is.
  fields: (object: string): string =>
    `/lightning/setup/ObjectManager/${encodeURIComponent(object)}/FieldsAndRelationships/view`,
  record: (sobject: string, id: string): string =>
    `/lightning/r/${encodeURIComponent(sobject)}/${encodeURIComponent(id)}/view`,
  duplicateRule: (id: string): string => setupAddress('DuplicateRules', id),
  stateCountryPicklists: (): string => '/lightning/setup/AddressCleanerOverview/home',
};

// ---- pure helpers over describe ----

export interface DescribeField {
  name: string;
  label: string;
  custom: boolean;
  nillable: boolean;
  createable: boolean;
  defaultedOnCreate: boolean;
}

/**
 * Custom fields an insert must set (not nillable, createable, no default), except the LMA's own
 * (sfLma__…), which the LMA always sets: a master-detail or a required field added by an admin.
 */
export function requiredFieldsWithoutDefault(fields: readonly DescribeField[]): DescribeField[] {
  return fields.filter(
    (f) =>
      f.custom &&
      f.createable &&
      !f.nillable &&
      !f.defaultedOnCreate &&
      !f.name.toLowerCase().startsWith('sflma__'),
  );
}

/**
 * With State and Country/Territory picklists enabled, address objects gain StateCode and
 * CountryCode fields. The setting itself (AddressSettings) is Metadata API only, so describe is the
 * one answer REST gives; either code field counts (country picklists can be enabled alone).
 */
export function hasStateCountryPicklists(fields: readonly Pick<DescribeField, 'name'>[]): boolean {
  return fields.some((f) => f.name === 'StateCode' || f.name === 'CountryCode');
}

export function sortFindings(findings: HealthFinding[]): HealthFinding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.title.localeCompare(b.title),
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summarize(findings: readonly HealthFinding[], checks: readonly HealthCheckResult[]): string {
  const skipped = checks.filter((c) => c.status === 'skipped');
  const ran = checks.length - skipped.length;
  const count = (s: HealthSeverity) => findings.filter((f) => f.severity === s).length;
  let text: string;
  if (findings.length === 0) {
    text =
      ran === 0
        ? 'No check could run.'
        : `Nothing found: none of the ${plural(ran, 'check')} that ran found anything known to block Lead or License creation.`;
  } else {
    const parts = (['error', 'warning', 'info'] as const)
      .map((s) => (count(s) ? plural(count(s), s) : ''))
      .filter(Boolean);
    text = `${plural(findings.length, 'finding')} (${parts.join(', ')}) that can block Lead or License creation.`;
  }
  if (skipped.length && ran > 0) {
    text += ` ${plural(skipped.length, 'check')} could not run: ${skipped.map((c) => c.title).join('; ')}.`;
  }
  return text;
}

// ---- the checks ----

interface TriggerRow {
  Id: string;
  Name: string;
  TableEnumOrId: string;
  NamespacePrefix: string | null;
}

interface EntityRow {
  QualifiedApiName: string;
  DurableId: string;
}

async function beforeTriggers(api: LmoApi): Promise<HealthFinding[]> {
  // TableEnumOrId holds a standard object's name but a custom object's id (01I…): ask EntityDefinition
  // for both, and match names too in case an org answers with names.
  const values: string[] = [...OBJECTS];
  const objectOf = new Map<string, string>(OBJECTS.map((o) => [o.toLowerCase(), o]));
  try {
    const entities = await toolingQuery<EntityRow>(
      api,
      `SELECT QualifiedApiName, DurableId FROM EntityDefinition WHERE QualifiedApiName IN (${OBJECTS.map(literal).join(', ')})`,
    );
    for (const e of entities.records) {
      if (!e.DurableId || objectOf.has(e.DurableId.toLowerCase())) continue;
      values.push(e.DurableId);
      objectOf.set(e.DurableId.toLowerCase(), e.QualifiedApiName);
    }
  } catch {
    // Names alone still find the triggers on Lead.
  }
  const page = await toolingQuery<TriggerRow>(
    api,
    `SELECT Id, Name, TableEnumOrId, NamespacePrefix FROM ApexTrigger WHERE Status = 'Active' AND UsageBeforeInsert = true AND TableEnumOrId IN (${values.map(literal).join(', ')})`,
  );
  return page.records
    .filter((t) => (t.NamespacePrefix ?? '').toLowerCase() !== 'sflma')
    .map((t) => {
      const object = objectOf.get(t.TableEnumOrId.toLowerCase()) ?? t.TableEnumOrId;
      return {
        id: `beforeTriggers:${t.Id}`,
        check: 'beforeTriggers' as const,
        severity: 'warning' as const,
        title: `Before-insert trigger ${t.Name} on ${objectLabel(object)}`,
        breaks: `It runs when the LMA inserts a ${objectLabel(object)}: an error it adds, or an exception it throws, rolls the insert back, and the install records no ${object === LICENSE ? 'License' : 'Lead (and no License)'}.`,
        fix: `Make sure ${t.Name} never blocks records the LMA creates (skip them, or catch its errors), or deactivate it. Check with a test install.`,
        path: healthPaths.apexTrigger(t.Id),
      };
    });
}

interface ValidationRuleRow {
  Id: string;
  ValidationName: string;
  ErrorMessage: string | null;
  EntityDefinition: { QualifiedApiName: string } | null;
}

async function validationRules(api: LmoApi): Promise<HealthFinding[]> {
  const page = await toolingQuery<ValidationRuleRow>(
    api,
    `SELECT Id, ValidationName, ErrorMessage, EntityDefinition.QualifiedApiName FROM ValidationRule WHERE Active = true AND EntityDefinition.QualifiedApiName IN (${OBJECTS.map(literal).join(', ')})`,
  );
  return page.records.map((r) => {
    const object = r.EntityDefinition?.QualifiedApiName ?? LEAD;
    const isLicense = object.toLowerCase() === LICENSE.toLowerCase();
    return {
      id: `validationRules:${r.Id}`,
      check: 'validationRules' as const,
      // Every License is written by the LMA itself (Salesforce: treat its objects as read-only), so a
      // rule there meets each of its inserts; a Lead rule meets them only when its condition matches.
      severity: isLicense ? ('error' as const) : ('warning' as const),
      title: `Validation rule ${r.ValidationName} on ${objectLabel(object)}`,
      breaks: isLicense
        ? `When it fires on the LMA's insert or update of a License${r.ErrorMessage ? ` ("${r.ErrorMessage}")` : ''}, the install records no License and upgrades don't update it.`
        : `When it fires on the Lead the LMA inserts for an install${r.ErrorMessage ? ` ("${r.ErrorMessage}")` : ''}, no Lead is created, and no License either.`,
      fix: isLicense
        ? `Deactivate ${r.ValidationName}, or let it skip the LMA's records (for example, only for users who edit Licenses by hand).`
        : `Make ${r.ValidationName} pass for leads with Lead Source "Package Installation" (they carry only name, company and email), or deactivate it.`,
      path: healthPaths.validationRule(object, r.Id),
    };
  });
}

interface Describe {
  name: string;
  fields: DescribeField[];
}

async function describe(api: LmoApi, object: string): Promise<Describe> {
  return api.request<Describe>(`/sobjects/${encodeURIComponent(object)}/describe`);
}

function requiredFieldFindings(d: Describe): HealthFinding[] {
  return requiredFieldsWithoutDefault(d.fields).map((f) => ({
    id: `requiredFields:${d.name}.${f.name}`,
    check: 'requiredFields' as const,
    severity: 'error' as const,
    title: `Required field ${f.label} (${f.name}) on ${objectLabel(d.name)} has no default`,
    breaks: `The LMA doesn't set ${f.name}, so every ${objectLabel(d.name)} it inserts fails with REQUIRED_FIELD_MISSING: installs record no ${d.name === LICENSE ? 'License' : 'Lead and no License'}.`,
    fix: `Uncheck "Required" on ${f.label} (require it on page layouts instead), or give it a default value.`,
    path: healthPaths.fields(d.name),
  }));
}

interface PackageRow {
  Id: string;
  Name: string;
  sfLma__Lead_Manager__c: string | null;
  sfLma__Lead_Manager__r: { Name: string | null; IsActive: boolean } | null;
}

async function leadManagers(api: LmoApi): Promise<HealthFinding[]> {
  const packages = await queryAll<PackageRow>(
    api,
    'SELECT Id, Name, sfLma__Lead_Manager__c, sfLma__Lead_Manager__r.Name, sfLma__Lead_Manager__r.IsActive FROM sfLma__Package__c ORDER BY Name',
  );
  const findings: HealthFinding[] = [];
  for (const p of packages) {
    const manager = p.sfLma__Lead_Manager__r;
    if (!p.sfLma__Lead_Manager__c || !manager) {
      findings.push({
        id: `leadManagers:${p.Id}`,
        check: 'leadManagers',
        severity: 'warning',
        title: `Package ${p.Name} has no Lead Manager`,
        breaks:
          'Leads of its installs have nobody to go to: they end up owned by whoever the LMA falls back to, and nobody follows them up.',
        fix: `Set the Lead Manager on the package ${p.Name} to an active user who follows up installs.`,
        path: healthPaths.record('sfLma__Package__c', p.Id),
      });
    } else if (!manager.IsActive) {
      findings.push({
        id: `leadManagers:${p.Id}`,
        check: 'leadManagers',
        severity: 'error',
        title: `Lead Manager ${manager.Name ?? p.sfLma__Lead_Manager__c} of package ${p.Name} is inactive`,
        breaks:
          'The LMA makes the Lead Manager the owner of each install’s Lead; an inactive user can’t own records, so the Lead, and with it the License, is not created.',
        fix: `Set the Lead Manager on the package ${p.Name} to an active user (or reactivate ${manager.Name ?? 'the user'}).`,
        path: healthPaths.record('User', p.sfLma__Lead_Manager__c),
      });
    }
  }
  return findings;
}

interface DuplicateRuleRow {
  Id: string;
  DeveloperName: string;
  MasterLabel: string | null;
}

async function duplicateRules(api: LmoApi): Promise<HealthFinding[]> {
  const rules = await queryAll<DuplicateRuleRow>(
    api,
    "SELECT Id, DeveloperName, MasterLabel FROM DuplicateRule WHERE SobjectType = 'Lead' AND IsActive = true",
  );
  return rules.map((r) => ({
    id: `duplicateRules:${r.Id}`,
    check: 'duplicateRules' as const,
    severity: 'warning' as const,
    title: `Duplicate rule ${r.MasterLabel ?? r.DeveloperName} on Lead is active`,
    breaks:
      'A rule that blocks on insert rejects the Lead of a repeat install (same person or company installing another package or a sandbox), and the License with it.',
    fix: `Set ${r.MasterLabel ?? r.DeveloperName} to Allow (with an alert or report) on create, or bypass it for leads with Lead Source "Package Installation".`,
    path: healthPaths.duplicateRule(r.Id),
  }));
}

function stateCountryFinding(lead: Describe): HealthFinding[] {
  if (!hasStateCountryPicklists(lead.fields)) return [];
  return [
    {
      id: 'stateCountryPicklists:Lead',
      check: 'stateCountryPicklists',
      severity: 'warning',
      title: 'State and Country/Territory picklists are enabled',
      breaks:
        'The LMA writes the subscriber’s state and country as full names; a name that matches no picklist value (or its integration value) fails the Lead insert, and no License is created.',
      fix: 'Make the integration values of states and countries match the full names installs send, or check each new install’s Lead in the first days.',
      path: healthPaths.stateCountryPicklists(),
    },
  ];
}

/** Why a check could not run, in words; rethrows what ends the report (the org changed, the session is gone). */
function skipReason(error: unknown): string {
  const e = toLmoError(error);
  if (e.kind === 'superseded' || e.kind === 'notConnected' || e.kind === 'sessionExpired') throw e;
  const code = e.errorCode ?? '';
  if (/INSUFFICIENT_ACCESS|API_DISABLED|FUNCTIONALITY_NOT_ENABLED/i.test(code) || e.status === 403) {
    return `No permission to read it (${code || e.status}): the user needs "View Setup and Configuration" and API access to the Tooling API.`;
  }
  if (code === 'INVALID_TYPE' || code === 'NOT_FOUND')
    return `The org doesn't answer it (${code}): ${e.message}`;
  return `${code ? `${code}: ` : ''}${e.message}`;
}

export async function checkLmoHealth(api: LmoApi): Promise<HealthReport> {
  // One describe each serves the required-field check and (Lead) the State/Country check.
  const describes = OBJECTS.map((o) => describe(api, o));
  // Each is awaited by its checks; this keeps a rejection from counting as unhandled in between.
  for (const d of describes) d.catch(() => undefined);
  const settle = async (check: HealthCheckId, run: () => Promise<HealthFinding[]>) => {
    try {
      return { check, findings: await run() };
    } catch (error) {
      return { check, findings: [] as HealthFinding[], reason: skipReason(error) };
    }
  };
  const results = await Promise.all([
    settle('beforeTriggers', () => beforeTriggers(api)),
    settle('validationRules', () => validationRules(api)),
    settle('requiredFields', async () => (await Promise.all(describes)).flatMap(requiredFieldFindings)),
    settle('leadManagers', () => leadManagers(api)),
    settle('duplicateRules', () => duplicateRules(api)),
    settle('stateCountryPicklists', async () =>
      stateCountryFinding(await (describes[0] as Promise<Describe>)),
    ),
  ]);
  const checks: HealthCheckResult[] = HEALTH_CHECKS.map(({ check, title }) => {
    const r = results.find((x) => x.check === check)!;
    if (r.reason !== undefined) return { check, title, status: 'skipped', reason: r.reason };
    return { check, title, status: r.findings.length ? 'found' : 'clean' };
  });
  const findings = sortFindings(results.flatMap((r) => r.findings));
  return {
    findings,
    checks,
    clean: findings.length === 0 && checks.every((c) => c.status !== 'skipped'),
    summary: summarize(findings, checks),
  };
}
