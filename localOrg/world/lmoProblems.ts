// Customizations of the LMO known to stop Leads or Licenses from being created, one flag each, so
// that the LMO health check meets every finding against a real org shape (and a clean LMO stays
// clean). Each shows where a real org shows it (Tooling ApexTrigger / ValidationRule, REST
// DuplicateRule, FlowDefinitionView and /process/rules, describe, User.IsActive) and, where the
// platform's effect is certain, has it: a
// required field fails inserts without it, an inactive Lead Manager can't own the install's Lead,
// the License validation rule rejects the LMA's inserts (world.state.licenseValidationRule), the
// duplicate rule blocks the LMA's Lead of a repeat installer (same email). Only the LMA's inserts
// meet the duplicate rule here; a trigger's, workflow rule's or flow's effect depends on what it does,
// so the seeded ones only show. A user without "View Setup and Configuration" (setupAccess false) gets
// INVALID_TYPE for Setup's Tooling objects, as Salesforce answers such users, and no rows from the
// REST ones (whether a real org refuses or answers them empty is UNCONFIRMED: empty is the reading
// that would fool a check into "clean").
import { SalesforceError } from '../data/errors';
import { toId18 } from '../data/ids';
import { LICENSE_RULES } from '../data/rules/license';
import type { FieldDef } from '../data/index';
import { picklist, text } from '../data/schema/fields';
import type { Row, VirtualTable } from './virtualQuery';
import type { OrgState } from './state';
import type { WorldCore } from './core';

export const LMO_PROBLEMS = [
  'beforeTrigger',
  'beforeUpdateTrigger',
  'validationRule',
  'workflowRule',
  'recordTriggeredFlow',
  'requiredField',
  'inactiveLeadManager',
  'missingLeadManager',
  'duplicateRule',
  'stateCountryPicklists',
] as const;

export type LmoProblem = (typeof LMO_PROBLEMS)[number];
export type LmoProblems = Record<LmoProblem, boolean>;

export const LMO_PROBLEM_HELP: Record<LmoProblem, string> = {
  beforeTrigger: 'active before-insert Apex triggers on Lead (LeadRouting) and License (LicenseSync)',
  beforeUpdateTrigger: 'an active before-update (only) Apex trigger on License (LicenseAudit)',
  validationRule: "an active validation rule on License that rejects the LMA's inserts",
  workflowRule: 'an active workflow rule on Lead (Lead Follow-up) with a field update',
  recordTriggeredFlow:
    'active record-triggered flows: before-save on License (Stamp License Owner), after-save on Lead (Route New Leads)',
  requiredField:
    'a required custom field on Lead without a default (Region__c): Lead inserts without it fail',
  inactiveLeadManager: "the first package's Lead Manager is an inactive user: its installs get no Lead",
  missingLeadManager: 'the last package has no Lead Manager',
  duplicateRule: "an active duplicate rule on Lead that blocks a repeat installer's Lead (same email)",
  stateCountryPicklists: 'State and Country/Territory picklists enabled (Lead has StateCode and CountryCode)',
};

export const DEFAULT_LICENSE_RULE_MESSAGE = 'Every License needs a Contract Number.';

// Fixed ids (the world's own pod), 18 characters as the APIs answer them.
const id = (id15: string): string => toId18(id15) as string;
const IDS = {
  trigger: id('01q5W000000LTRG'),
  licenseTrigger: id('01q5W000000LTR2'),
  licenseUpdateTrigger: id('01q5W000000LTR3'),
  workflowRule: id('01Q5W000000LWF1'),
  licenseFlow: id('3005W000000LFL1'),
  licenseFlowVersion: id('3015W000000LFL1'),
  leadFlow: id('3005W000000LFL2'),
  leadFlowVersion: id('3015W000000LFL2'),
  validationRule: id('03d5W000000LVR1'),
  duplicateRule: id('0Bm5W000000LDR1'),
  // The License object's CustomObject id: what TableEnumOrId and EntityDefinitionId hold for it.
  licenseObject: id('01I5W000000LLIC'),
  packageObject: id('01I5W000000LPKG'),
  packageVersionObject: id('01I5W000000LPVR'),
};

export function isLmoProblem(name: string): name is LmoProblem {
  return (LMO_PROBLEMS as readonly string[]).includes(name);
}

export function lmoProblems(world: WorldCore): LmoProblems {
  const saved = world.state.lmoProblems ?? {};
  const out = {} as LmoProblems;
  for (const p of LMO_PROBLEMS) out[p] = saved[p] === true;
  out.validationRule = !!world.state.licenseValidationRule;
  return out;
}

const REQUIRED_LEAD_FIELD: FieldDef = text('Region__c', 'Region', 80, { required: true });

// A few ISO codes are enough: nothing in the local org writes them yet.
const CODE_FIELDS: FieldDef[] = [
  picklist('StateCode', 'State/Province Code', ['CA', 'NY', 'TX', 'BY', 'NSW']),
  picklist('CountryCode', 'Country Code', ['US', 'DE', 'GB', 'FR', 'AU']),
];

/** The LMO's describe and SOQL as its flags say (the added fields are metadata: re-applied on every open). */
export function applyLmoSchema(world: WorldCore): void {
  const flags = lmoProblems(world);
  world
    .lmaData()
    .setAddedFields('Lead', [
      ...(flags.requiredField ? [REQUIRED_LEAD_FIELD] : []),
      ...(flags.stateCountryPicklists ? CODE_FIELDS : []),
    ]);
}

/** Turns problems on or off (others stay as they are) and returns all flags. */
export async function setLmoProblems(world: WorldCore, changes: Partial<LmoProblems>): Promise<LmoProblems> {
  for (const key of Object.keys(changes)) {
    if (!isLmoProblem(key)) {
      throw new SalesforceError(
        'INVALID_INPUT',
        `Unknown LMO problem '${key}'. Known: ${LMO_PROBLEMS.join(', ')}`,
      );
    }
  }
  const before = lmoProblems(world);
  const after = { ...before, ...changes };
  if (
    after.inactiveLeadManager !== before.inactiveLeadManager ||
    after.missingLeadManager !== before.missingLeadManager
  ) {
    await setLeadManagers(world, after);
  }
  const { validationRule, ...rest } = after;
  world.state.lmoProblems = rest;
  if (validationRule !== before.validationRule) {
    world.state.licenseValidationRule = validationRule ? DEFAULT_LICENSE_RULE_MESSAGE : null;
  }
  world.save();
  applyLmoSchema(world);
  return lmoProblems(world);
}

/** The first package (by Name) gets an inactive Lead Manager, the last none; the others keep the LMO's admin. */
async function setLeadManagers(world: WorldCore, flags: LmoProblems): Promise<void> {
  const lmo = world.lmaData();
  const packages = lmo.query('SELECT Id, Name FROM sfLma__Package__c ORDER BY Name').records;
  if ((flags.inactiveLeadManager || flags.missingLeadManager) && packages.length === 0) {
    throw new SalesforceError('INVALID_INPUT', 'The LMO has no package yet: associate one first.');
  }
  if (flags.inactiveLeadManager && flags.missingLeadManager && packages.length < 2) {
    throw new SalesforceError(
      'INVALID_INPUT',
      'An inactive and a missing Lead Manager need two packages in the LMO.',
    );
  }
  let inactiveUser: string | undefined;
  if (flags.inactiveLeadManager) {
    const found = lmo.query("SELECT Id FROM User WHERE Alias = 'fsales'");
    inactiveUser = found.records[0]?.Id as string | undefined;
    if (!inactiveUser) {
      ({ id: inactiveUser } = await lmo.create('User', {
        Username: `former.sales@lmo-${world.lmo.id.slice(0, 15).toLowerCase()}.local-org.example`,
        FirstName: 'Frankie',
        LastName: 'Former',
        Email: 'former.sales@example.invalid',
        Alias: 'fsales',
      }));
    }
    await lmo.update('User', inactiveUser, { IsActive: false });
  }
  for (const [i, p] of packages.entries()) {
    const manager =
      flags.inactiveLeadManager && i === 0
        ? inactiveUser
        : flags.missingLeadManager && i === packages.length - 1
          ? null
          : world.lmo.userId;
    await lmo.update('sfLma__Package__c', String(p.Id), { sfLma__Lead_Manager__c: manager });
  }
}

/** The owner the LMA gives an install's Lead: the package's Lead Manager, or the LMO's admin without one. */
export async function leadOwner(world: WorldCore, packageRowId: string): Promise<string> {
  const lmo = world.lmaData();
  const row = lmo.query(
    `SELECT sfLma__Lead_Manager__c, sfLma__Lead_Manager__r.IsActive FROM sfLma__Package__c WHERE Id = '${packageRowId}'`,
  ).records[0];
  const manager = row?.sfLma__Lead_Manager__c as string | null | undefined;
  if (!manager) return world.lmo.userId;
  const active = (row?.sfLma__Lead_Manager__r as { IsActive?: boolean } | null)?.IsActive;
  if (active === false) {
    throw new SalesforceError(
      'INACTIVE_OWNER_OR_USER',
      `operation performed with inactive user [${manager}] as owner of lead`,
    );
  }
  return manager;
}

/** The seeded duplicate rule (Block on create, matching Leads by email) meets the LMA's Lead insert. */
export async function refuseDuplicateLead(world: WorldCore, email: string | null): Promise<void> {
  if (!email || !lmoProblems(world).duplicateRule) return;
  const quoted = email.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const found = world.lmaData().query(`SELECT Id FROM Lead WHERE Email = '${quoted}' LIMIT 1`);
  if (found.totalSize > 0) {
    throw new SalesforceError(
      'DUPLICATES_DETECTED',
      "You're creating a duplicate record. We recommend you use an existing record instead.",
    );
  }
}

// ---- what the APIs answer ----

const attrs = (type: string, rowId: string, version: string, tooling: boolean): Row => ({
  type,
  url: `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${type}/${rowId}`,
});

const ENTITIES: Array<{
  name: string;
  durableId: string;
  label: string;
  keyPrefix: string;
  ns: string | null;
}> = [
  { name: 'Account', durableId: 'Account', label: 'Account', keyPrefix: '001', ns: null },
  { name: 'Contact', durableId: 'Contact', label: 'Contact', keyPrefix: '003', ns: null },
  { name: 'Lead', durableId: 'Lead', label: 'Lead', keyPrefix: '00Q', ns: null },
  { name: 'User', durableId: 'User', label: 'User', keyPrefix: '005', ns: null },
  { name: 'Organization', durableId: 'Organization', label: 'Organization', keyPrefix: '00D', ns: null },
];
const LMA_ENTITIES = [
  {
    name: 'sfLma__License__c',
    durableId: IDS.licenseObject,
    label: 'License',
    keyPrefix: 'a0L',
    ns: 'sfLma',
  },
  {
    name: 'sfLma__Package__c',
    durableId: IDS.packageObject,
    label: 'Package',
    keyPrefix: 'a0P',
    ns: 'sfLma',
  },
  {
    name: 'sfLma__Package_Version__c',
    durableId: IDS.packageVersionObject,
    label: 'Package Version',
    keyPrefix: 'a0V',
    ns: 'sfLma',
  },
];

function entityRow(e: (typeof ENTITIES)[number], version: string): Row {
  return {
    attributes: attrs('EntityDefinition', e.durableId, version, true),
    Id: `000000000000000AAA`,
    DurableId: e.durableId,
    QualifiedApiName: e.name,
    DeveloperName: e.ns ? e.name.replace(`${e.ns}__`, '').replace(/__c$/, '') : e.name,
    NamespacePrefix: e.ns,
    Label: e.label,
    KeyPrefix: e.keyPrefix,
  };
}

/** The Tooling objects behind the health check: EntityDefinition, ApexTrigger, ValidationRule. */
export function lmoToolingTables(world: WorldCore, org: OrgState, version: string): VirtualTable[] {
  const isLmo = org.kind === 'lmo';
  const entities = isLmo ? [...ENTITIES, ...LMA_ENTITIES] : ENTITIES;
  const entity = (name: string): Row =>
    entityRow(entities.find((e) => e.name === name) as (typeof ENTITIES)[number], version);
  return [
    {
      name: 'EntityDefinition',
      fields: [
        'Id',
        'DurableId',
        'QualifiedApiName',
        'DeveloperName',
        'NamespacePrefix',
        'Label',
        'KeyPrefix',
      ],
      rows: () => entities.map((e) => entityRow(e, version)),
    },
    {
      name: 'ApexTrigger',
      fields: [
        'Id',
        'Name',
        'NamespacePrefix',
        'TableEnumOrId',
        'EntityDefinitionId',
        'Status',
        'IsValid',
        'ApiVersion',
        'UsageBeforeInsert',
        'UsageAfterInsert',
        'UsageBeforeUpdate',
        'UsageAfterUpdate',
        'UsageBeforeDelete',
        'UsageAfterDelete',
        'UsageAfterUndelete',
        'UsageIsBulk',
        'Body',
      ],
      rows: () => {
        if (!isLmo) return [];
        const flags = lmoProblems(world);
        const trigger = (rowId: string, name: string, table: string, body: string, insert = true): Row => ({
          attributes: attrs('ApexTrigger', rowId, version, true),
          Id: rowId,
          Name: name,
          NamespacePrefix: null,
          // A standard object's name, a custom object's id: as Salesforce fills TableEnumOrId.
          TableEnumOrId: table,
          EntityDefinitionId: table,
          Status: 'Active',
          IsValid: true,
          ApiVersion: 62,
          UsageBeforeInsert: insert,
          UsageAfterInsert: false,
          UsageBeforeUpdate: true,
          UsageAfterUpdate: false,
          UsageBeforeDelete: false,
          UsageAfterDelete: false,
          UsageAfterUndelete: false,
          UsageIsBulk: true,
          Body: body,
        });
        const updateOnly = flags.beforeUpdateTrigger
          ? [
              trigger(
                IDS.licenseUpdateTrigger,
                'LicenseAudit',
                IDS.licenseObject,
                'trigger LicenseAudit on sfLma__License__c (before update) {\n    LicenseAudit.check(Trigger.new, Trigger.oldMap);\n}',
                false,
              ),
            ]
          : [];
        if (!flags.beforeTrigger) return updateOnly;
        return [
          ...updateOnly,
          trigger(
            IDS.trigger,
            'LeadRouting',
            'Lead',
            'trigger LeadRouting on Lead (before insert, before update) {\n    LeadRouter.route(Trigger.new);\n}',
          ),
          trigger(
            IDS.licenseTrigger,
            'LicenseSync',
            IDS.licenseObject,
            'trigger LicenseSync on sfLma__License__c (before insert, before update) {\n    LicenseSync.stamp(Trigger.new);\n}',
          ),
        ];
      },
    },
    {
      name: 'ValidationRule',
      fields: [
        'Id',
        'ValidationName',
        'Active',
        'Description',
        'ErrorDisplayField',
        'ErrorMessage',
        'EntityDefinitionId',
        'NamespacePrefix',
      ],
      rows: () => {
        const message = isLmo ? world.state.licenseValidationRule : null;
        // The licenseRules customization is validation rules on License too (world/lmaSetup.ts).
        const licenseRules =
          isLmo && world.state.lma?.licenseRules
            ? LICENSE_RULES.map((rule, i) => ({
                attributes: attrs('ValidationRule', id(`03d5W000000LVR${i + 2}`), version, true),
                Id: id(`03d5W000000LVR${i + 2}`),
                ValidationName: rule.name,
                Active: true,
                Description: 'A limit of the Modify License page, enforced on every write.',
                ErrorDisplayField: rule.field,
                ErrorMessage: rule.message,
                EntityDefinitionId: IDS.licenseObject,
                EntityDefinition: entity('sfLma__License__c'),
                NamespacePrefix: null,
              }))
            : [];
        if (!message) return licenseRules;
        return [
          ...licenseRules,
          {
            attributes: attrs('ValidationRule', IDS.validationRule, version, true),
            Id: IDS.validationRule,
            ValidationName: 'Require_Contract_Number',
            Active: true,
            Description: 'Licenses need a contract number before they are saved.',
            ErrorDisplayField: null,
            ErrorMessage: message,
            EntityDefinitionId: IDS.licenseObject,
            EntityDefinition: entity('sfLma__License__c'),
            NamespacePrefix: null,
          },
        ];
      },
    },
  ];
}

/** DuplicateRule: a REST object in every org; the LMO's rule on Lead when seeded. */
export function duplicateRuleTable(world: WorldCore, org: OrgState, version: string): VirtualTable {
  return {
    name: 'DuplicateRule',
    fields: [
      'Id',
      'DeveloperName',
      'MasterLabel',
      'SobjectType',
      'SobjectSubtype',
      'IsActive',
      'NamespacePrefix',
      'Language',
    ],
    rows: () =>
      org.kind === 'lmo' && canViewSetup(org) && lmoProblems(world).duplicateRule
        ? [
            {
              attributes: attrs('DuplicateRule', IDS.duplicateRule, version, false),
              Id: IDS.duplicateRule,
              DeveloperName: 'Block_Duplicate_Leads',
              MasterLabel: 'Block Duplicate Leads',
              SobjectType: 'Lead',
              SobjectSubtype: 'None',
              IsActive: true,
              NamespacePrefix: null,
              Language: 'en_US',
            },
          ]
        : [],
  };
}

/** Setup's Tooling objects, which Salesforce answers INVALID_TYPE for users without View Setup. */
export const SETUP_TOOLING_OBJECTS = ['ApexTrigger', 'ValidationRule', 'EntityDefinition'];

/** False for a user without "View Setup and Configuration". */
export const canViewSetup = (org: OrgState): boolean => org.setupAccess !== false;

/**
 * FlowDefinitionView (REST): the LMO's record-triggered flows when seeded. TriggerObjectOrEventId
 * holds what ApexTrigger.TableEnumOrId holds (a standard object's name, a custom object's id).
 */
export function flowDefinitionTable(world: WorldCore, org: OrgState, version: string): VirtualTable {
  const flow = (
    rowId: string,
    versionId: string,
    apiName: string,
    label: string,
    triggerType: string,
    recordTriggerType: string,
    object: string,
    objectLabel: string,
  ): Row => ({
    attributes: attrs('FlowDefinitionView', rowId, version, false),
    Id: rowId,
    DurableId: rowId,
    ApiName: apiName,
    Label: label,
    Description: null,
    NamespacePrefix: null,
    ProcessType: 'AutoLaunchedFlow',
    TriggerType: triggerType,
    RecordTriggerType: recordTriggerType,
    TriggerObjectOrEventId: object,
    TriggerObjectOrEventLabel: objectLabel,
    IsActive: true,
    ActiveVersionId: versionId,
    LatestVersionId: versionId,
    ManageableState: 'unmanaged',
  });
  return {
    name: 'FlowDefinitionView',
    fields: [
      'Id',
      'DurableId',
      'ApiName',
      'Label',
      'Description',
      'NamespacePrefix',
      'ProcessType',
      'TriggerType',
      'RecordTriggerType',
      'TriggerObjectOrEventId',
      'TriggerObjectOrEventLabel',
      'IsActive',
      'ActiveVersionId',
      'LatestVersionId',
      'ManageableState',
    ],
    rows: () =>
      org.kind === 'lmo' && canViewSetup(org) && lmoProblems(world).recordTriggeredFlow
        ? [
            flow(
              IDS.licenseFlow,
              IDS.licenseFlowVersion,
              'Stamp_License_Owner',
              'Stamp License Owner',
              'RecordBeforeSave',
              'CreateAndUpdate',
              IDS.licenseObject,
              'License',
            ),
            flow(
              IDS.leadFlow,
              IDS.leadFlowVersion,
              'Route_New_Leads',
              'Route New Leads',
              'RecordAfterSave',
              'Create',
              'Lead',
              'Lead',
            ),
          ]
        : [],
  };
}

/** UserPermissionAccess (REST): the running user's effective permissions, one row. */
export function userPermissionAccessTable(org: OrgState, version: string): VirtualTable {
  return {
    name: 'UserPermissionAccess',
    fields: [
      'Id',
      'PermissionsApiEnabled',
      'PermissionsViewSetup',
      'PermissionsModifyAllData',
      'PermissionsViewAllData',
    ],
    rows: () => [
      {
        attributes: attrs('UserPermissionAccess', '000000000000000AAA', version, false),
        Id: '000000000000000AAA',
        PermissionsApiEnabled: true,
        PermissionsViewSetup: canViewSetup(org),
        PermissionsModifyAllData: !org.additionalUser,
        PermissionsViewAllData: !org.additionalUser,
      },
    ],
  };
}

/**
 * `GET /process/rules/{sObject}`: the object's active workflow rules (REST API "Process Rules"). An
 * object without any answers `{ "rules": {} }` (UNCONFIRMED: the docs show only a rule's answer).
 */
export function processRules(world: WorldCore, org: OrgState, object: string): Record<string, unknown> {
  const seeded =
    org.kind === 'lmo' &&
    canViewSetup(org) &&
    lmoProblems(world).workflowRule &&
    object.toLowerCase() === 'lead';
  if (!seeded) return { rules: {} };
  return {
    rules: {
      Lead: [
        {
          actions: [{ id: '04Y5W000000LWU1', name: 'Set_Lead_Rating', type: 'FieldUpdate' }],
          description: 'Rates new leads and queues them for follow-up.',
          id: IDS.workflowRule.slice(0, 15),
          name: 'Lead Follow-up',
          namespacePrefix: null,
          object: 'Lead',
        },
      ],
    },
  };
}
