/**
 * The LMO health check: looks, through the REST and Tooling APIs of the one session, for the
 * customizations known to stop the LMA from creating or updating Leads and Licenses (Salesforce's LMA
 * troubleshooting: before triggers on insert and update, required custom fields, validation rules and
 * workflow rules on its objects, a package whose Lead Manager can't own leads; later docs: duplicate
 * rules, State and Country/Territory picklists; record-triggered flows run in the same save). Each
 * check that can't run (no permission to read Setup, an object the org lacks) is reported skipped,
 * with the reason, so "nothing found" means every check ran.
 */
import { toLmoError } from '../../org/errors';
import { queryAll, queryPage, toolingQuery, type LmoApi } from '../records/lmoApi';
import { LICENSE_OBJECT, type FieldPath, type Row } from '../records/objects';
import { literal } from '../records/soql';

export type HealthSeverity = 'error' | 'warning' | 'info';

export type HealthCheckId =
  | 'beforeTriggers'
  | 'validationRules'
  | 'workflowRules'
  | 'recordTriggeredFlows'
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
  /** 'skipped': the check could not run; `reason` says why, as a clause ("skipped, because …"). */
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
  { check: 'beforeTriggers', title: 'Before-insert and before-update triggers on Lead and License' },
  { check: 'validationRules', title: 'Active validation rules on Lead and License' },
  { check: 'workflowRules', title: 'Active workflow rules on Lead and License' },
  { check: 'recordTriggeredFlows', title: 'Record-triggered flows on Lead and License' },
  { check: 'requiredFields', title: 'Required custom fields without defaults on Lead and License' },
  { check: 'leadManagers', title: 'Lead Managers of packages' },
  { check: 'duplicateRules', title: 'Active duplicate rules on Lead' },
  { check: 'stateCountryPicklists', title: 'State and Country/Territory picklists' },
];

export const LEAD = 'Lead';
export const LICENSE = LICENSE_OBJECT;
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
  workflowRule: (id: string): string => setupAddress('WorkflowRules', id),
  // The flow definition's id (300…), as the Flows page opens it.
  flow: (definitionId: string): string => setupAddress('Flows', definitionId),
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
  UsageBeforeInsert: boolean;
  UsageBeforeUpdate: boolean;
}

interface EntityRow {
  QualifiedApiName: string;
  DurableId: string;
}

/**
 * The ids an object is known by in Setup's tables: TableEnumOrId (ApexTrigger) and
 * TriggerObjectOrEventId (FlowDefinitionView) hold a standard object's name but a custom object's id
 * (01I…). EntityDefinition gives both; names alone are kept in case an org answers with names.
 */
interface ObjectKeys {
  /** Names and ids to match, e.g. `Lead`, `sfLma__License__c`, `01I…`. */
  values: string[];
  /** Lower-case name or id → the object's API name. */
  objectOf: Map<string, string>;
}

async function objectKeys(api: LmoApi): Promise<ObjectKeys> {
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
    // Names alone still find what is on Lead.
  }
  return { values, objectOf };
}

const sfLmaOwn = (namespace: string | null | undefined): boolean =>
  (namespace ?? '').toLowerCase() === 'sflma';

const whatIsLost = (object: string): string => (object === LICENSE ? 'License' : 'Lead (and no License)');

async function beforeTriggers(api: LmoApi, keys: Promise<ObjectKeys>): Promise<HealthFinding[]> {
  const { values, objectOf } = await keys;
  const page = await toolingQuery<TriggerRow>(
    api,
    `SELECT Id, Name, TableEnumOrId, NamespacePrefix, UsageBeforeInsert, UsageBeforeUpdate FROM ApexTrigger WHERE Status = 'Active' AND (UsageBeforeInsert = true OR UsageBeforeUpdate = true) AND TableEnumOrId IN (${values.map(literal).join(', ')})`,
  );
  return page.records
    .filter((t) => !sfLmaOwn(t.NamespacePrefix))
    .map((t) => {
      const object = objectOf.get(t.TableEnumOrId.toLowerCase()) ?? t.TableEnumOrId;
      const label = objectLabel(object);
      const events = [t.UsageBeforeInsert ? 'insert' : '', t.UsageBeforeUpdate ? 'update' : ''].filter(
        Boolean,
      );
      const breaks = [
        t.UsageBeforeInsert
          ? `It runs when the LMA inserts a ${label}: an error it adds, or an exception it throws, rolls the insert back, and the install records no ${whatIsLost(object)}.`
          : '',
        t.UsageBeforeUpdate
          ? object === LICENSE
            ? 'It runs when the LMA updates a License (upgrades, uninstalls, seat and status changes from the subscriber org): an error rolls the update back, and the License stays as it was, out of step with the subscriber org.'
            : 'It runs when the LMA updates a Lead (a repeat install of the same org, the Lead lookup set on its License): an error rolls that save back.'
          : '',
      ].filter(Boolean);
      return {
        id: `beforeTriggers:${t.Id}`,
        check: 'beforeTriggers' as const,
        severity: 'warning' as const,
        title: `Before-${events.join(' and before-')} trigger ${t.Name} on ${label}`,
        breaks: breaks.join(' '),
        fix: `Salesforce recommends after triggers on the LMA's objects: move ${t.Name}'s logic to an after trigger, or make sure it never blocks the LMA's records (skip them, or catch its errors); or deactivate it. Check with a test install.`,
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

const LEAD_MANAGER_FIELDS = [
  'Id',
  'Name',
  'sfLma__Lead_Manager__c',
  'sfLma__Lead_Manager__r.Name',
  'sfLma__Lead_Manager__r.IsActive',
] as const satisfies readonly FieldPath<'package'>[];
type PackageRow = Row<'package', (typeof LEAD_MANAGER_FIELDS)[number]>;

async function leadManagers(api: LmoApi): Promise<HealthFinding[]> {
  const packages = await queryAll<PackageRow>(
    api,
    `SELECT ${LEAD_MANAGER_FIELDS.join(', ')} FROM sfLma__Package__c ORDER BY Name`,
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
      'When the installer matches a record your org already has (a Contact of a customer, or the Lead of an earlier install), the rule stops the Lead the LMA creates for the install, and no License is recorded with it.',
    fix: `Set ${r.MasterLabel ?? r.DeveloperName} to Allow (with an alert or a report) on create, or leave leads with Lead Source "Package Installation" out of its conditions.`,
    path: healthPaths.duplicateRule(r.Id),
  }));
}

interface ProcessRule {
  id: string;
  name: string;
  namespacePrefix: string | null;
  object?: string;
}

/** `GET /process/rules/{sObject}`: the object's active workflow rules (REST API, "Process Rules"). */
async function workflowRules(api: LmoApi): Promise<HealthFinding[]> {
  const findings: HealthFinding[] = [];
  for (const object of OBJECTS) {
    const answer = await api.request<{ rules?: Record<string, ProcessRule[] | undefined> }>(
      `/process/rules/${encodeURIComponent(object)}`,
    );
    const rules = Object.entries(answer.rules ?? {})
      .filter(([name]) => name.toLowerCase() === object.toLowerCase())
      .flatMap(([, list]) => list ?? []);
    for (const r of rules) {
      if (sfLmaOwn(r.namespacePrefix)) continue;
      const label = objectLabel(object);
      findings.push({
        id: `workflowRules:${r.id}`,
        check: 'workflowRules',
        severity: 'warning',
        title: `Workflow rule ${r.name} on ${label} is active`,
        breaks: `It is evaluated on the LMA's saves of a ${label}; its field updates save the record again (validation rules and triggers run once more), and an update that fails rolls back the LMA's insert: the install records no ${whatIsLost(object)}.`,
        fix: `Salesforce lists workflow rules among what stops the LMA: deactivate ${r.name}, or give it criteria that leave out the records the LMA writes${object === LEAD ? ' (Lead Source "Package Installation")' : ''}. Check with a test install.`,
        path: healthPaths.workflowRule(r.id),
      });
    }
  }
  return findings;
}

interface FlowRow {
  DurableId: string;
  ApiName: string;
  Label: string | null;
  NamespacePrefix: string | null;
  TriggerType: string | null;
  RecordTriggerType: string | null;
  TriggerObjectOrEventId: string | null;
}

const FLOW_EVENTS: Record<string, string> = {
  Create: 'created',
  Update: 'updated',
  CreateAndUpdate: 'created or updated',
};

async function recordTriggeredFlows(api: LmoApi, keys: Promise<ObjectKeys>): Promise<HealthFinding[]> {
  const { values, objectOf } = await keys;
  const flows = await queryAll<FlowRow>(
    api,
    `SELECT DurableId, ApiName, Label, NamespacePrefix, TriggerType, RecordTriggerType, TriggerObjectOrEventId FROM FlowDefinitionView WHERE IsActive = true AND TriggerType IN ('RecordBeforeSave', 'RecordAfterSave') AND TriggerObjectOrEventId IN (${values.map(literal).join(', ')})`,
  );
  return flows
    .filter((f) => !sfLmaOwn(f.NamespacePrefix))
    .map((f) => {
      const key = f.TriggerObjectOrEventId ?? '';
      const object = objectOf.get(key.toLowerCase()) ?? key;
      const label = objectLabel(object);
      const before = f.TriggerType === 'RecordBeforeSave';
      const when = FLOW_EVENTS[f.RecordTriggerType ?? ''] ?? 'saved';
      const name = f.Label ?? f.ApiName;
      return {
        id: `recordTriggeredFlows:${f.DurableId}`,
        check: 'recordTriggeredFlows' as const,
        severity: 'warning' as const,
        title: `${before ? 'Before-save' : 'After-save'} flow ${name} on ${label}`,
        breaks: `It runs in the same save as the LMA's ${label} when one is ${when}: a fault it doesn't handle${before ? '' : ' (an element that fails, a record it can’t update)'} rolls the LMA's save back, and the install records no ${whatIsLost(object)}.`,
        fix: `Give ${name} fault paths, or entry conditions that leave out the records the LMA writes${object === LEAD ? ' (Lead Source "Package Installation")' : ''}, or deactivate it. Check with a test install.`,
        path: healthPaths.flow(f.DurableId),
      };
    });
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
        'Leads from installs arrive with full state and country names (“California”, “United States”); a name that matches no state’s or country’s integration value fails the Lead insert, and no License is created.',
      fix: 'Set the integration value of each state and country to its full name (Setup, State and Country/Territory Picklists), as Salesforce advises for the LMA.',
      path: healthPaths.stateCountryPicklists(),
    },
  ];
}

/** The permission that Setup's objects (Tooling, flows, workflow and duplicate rules) need. */
export const VIEW_SETUP = 'View Setup and Configuration';

/** The checks that read Setup: skipped, naming the permission, for a user without it. */
const SETUP_CHECKS: ReadonlySet<HealthCheckId> = new Set([
  'beforeTriggers',
  'validationRules',
  'workflowRules',
  'recordTriggeredFlows',
  'duplicateRules',
]);

const NO_SETUP_ACCESS = `the LMO user lacks the "${VIEW_SETUP}" permission, without which Salesforce doesn't let it read Setup (it answers INVALID_TYPE for the Tooling objects, and may answer nothing at all for the others). Ask an admin for that permission, or run the check as an admin.`;

/**
 * Whether the user may read Setup (`UserPermissionAccess.PermissionsViewSetup`, the running user's
 * effective permissions). Undefined when the org doesn't say: the checks then run and speak for
 * themselves.
 */
async function canViewSetup(api: LmoApi): Promise<boolean | undefined> {
  try {
    const page = await queryPage<{ PermissionsViewSetup?: boolean }>(
      api,
      'SELECT PermissionsViewSetup FROM UserPermissionAccess LIMIT 1',
    );
    const value = page.records[0]?.PermissionsViewSetup;
    return typeof value === 'boolean' ? value : undefined;
  } catch (error) {
    const e = toLmoError(error);
    if (e.kind === 'superseded' || e.kind === 'notConnected' || e.kind === 'sessionExpired') throw e;
    return undefined;
  }
}

/**
 * Why a check could not run, as a clause after "skipped, because"; rethrows what ends the report
 * (the org changed, the session is gone). `setup`: the check reads Setup's objects, which Salesforce
 * hides (INVALID_TYPE) from users without View Setup and Configuration.
 */
function skipReason(error: unknown, setup: boolean): string {
  const e = toLmoError(error);
  if (e.kind === 'superseded' || e.kind === 'notConnected' || e.kind === 'sessionExpired') throw e;
  const code = e.errorCode ?? '';
  if (/INSUFFICIENT_ACCESS|API_DISABLED|FUNCTIONALITY_NOT_ENABLED/i.test(code) || e.status === 403) {
    return `the LMO user has no permission to read it (${code || e.status}): it needs "${VIEW_SETUP}" and API Enabled.`;
  }
  if (code === 'INVALID_TYPE' && setup) {
    return `the org doesn't let the LMO user read it (INVALID_TYPE: ${e.message}); Salesforce answers this way to users without "${VIEW_SETUP}".`;
  }
  if (code === 'INVALID_TYPE' || code === 'NOT_FOUND')
    return `the org doesn't answer it (${code}: ${e.message}).`;
  return `${code ? `${code}: ` : ''}${e.message}`;
}

export async function checkLmoHealth(api: LmoApi): Promise<HealthReport> {
  // The access check first: without View Setup, the Setup checks are not asked (a real org may
  // answer some of them with no rows, which would read as clean).
  const setupAccess = await canViewSetup(api);
  // One describe each serves the required-field check and (Lead) the State/Country check.
  const describes = OBJECTS.map((o) => describe(api, o));
  // Each is awaited by its checks; this keeps a rejection from counting as unhandled in between.
  for (const d of describes) d.catch(() => undefined);
  // Asked once, by the first check that needs it (never without View Setup).
  let keys: Promise<ObjectKeys> | undefined;
  const keysOnce = (): Promise<ObjectKeys> => (keys ??= objectKeys(api));
  const settle = async (check: HealthCheckId, run: () => Promise<HealthFinding[]>) => {
    const setup = SETUP_CHECKS.has(check);
    if (setup && setupAccess === false)
      return { check, findings: [] as HealthFinding[], reason: NO_SETUP_ACCESS };
    try {
      return { check, findings: await run() };
    } catch (error) {
      return { check, findings: [] as HealthFinding[], reason: skipReason(error, setup) };
    }
  };
  const results = await Promise.all([
    settle('beforeTriggers', () => beforeTriggers(api, keysOnce())),
    settle('validationRules', () => validationRules(api)),
    settle('workflowRules', () => workflowRules(api)),
    settle('recordTriggeredFlows', () => recordTriggeredFlows(api, keysOnce())),
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
