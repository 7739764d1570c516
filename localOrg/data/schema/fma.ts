// The Feature Management App (namespace sfFma), installed in some LMOs through a support case: the
// Feature Parameter object and its three value junctions, as the FMA's metadata defines them
// (public LMO metadata, kristinapropeller/mtdt @ dabdd3fb, `objects/sfFma__*`). Each junction is
// master-detail to its Feature Parameter and to the LMA's License (relationship order 0 and 1, not
// reparentable); a Feature Parameter is master-detail to the LMA's Package. Key prefixes are not
// documented: a0F, a0B, a0I, a0D are invented, plausible custom-object prefixes.
import { checkbox, date, lookup, number, picklist, systemFields, text } from './fields';
import { LICENSE, PACKAGE } from './lma';
import type { FieldDef, SObjectDef } from './types';

export const FEATURE_PARAMETER = 'sfFma__FeatureParameter__c';
export const FEATURE_PARAMETER_BOOLEAN = 'sfFma__FeatureParameterBoolean__c';
export const FEATURE_PARAMETER_INTEGER = 'sfFma__FeatureParameterInteger__c';
export const FEATURE_PARAMETER_DATE = 'sfFma__FeatureParameterDate__c';

/** The restricted picklist values of `sfFma__DataFlowDirection__c` (FMA metadata). */
export const LMO_TO_SUBSCRIBER = 'LMO to Subscriber';
export const SUBSCRIBER_TO_LMO = 'Subscriber to LMO';
export const FEATURE_DATA_TYPES = ['Boolean', 'Integer', 'Date'] as const;
export type FeatureDataType = (typeof FEATURE_DATA_TYPES)[number];

/** The junction object of each data type. */
export const JUNCTION_OF: Record<FeatureDataType, string> = {
  Boolean: FEATURE_PARAMETER_BOOLEAN,
  Integer: FEATURE_PARAMETER_INTEGER,
  Date: FEATURE_PARAMETER_DATE,
};

/**
 * The FMA's validation rule `sfFma__MetricValueUpdatePrevention` on each junction: a Subscriber to LMO
 * value changed by anyone but the FMA fails with this message (FMA metadata).
 */
export const SUBSCRIBER_VALUE_MESSAGE =
  'Subscriber To LMO feature parameter values can only be created or updated by the Feature Management app. Click undo or cancel to continue.';

function featureParameterObject(): SObjectDef {
  return {
    name: FEATURE_PARAMETER,
    label: 'Feature Parameter',
    labelPlural: 'Feature Parameters',
    keyPrefix: 'a0F',
    custom: true,
    createable: true,
    updateable: true,
    deletable: true,
    fields: [
      ...systemFields(),
      // The parameter's master label (UNCONFIRMED: the metadata found has no label field of its own).
      text('Name', 'Feature Parameter Name', 80, { nameField: true, required: true }),
      text('sfFma__FullName__c', 'Full Name', 255, { indexed: true }),
      picklist('sfFma__DataType__c', 'Data Type', [...FEATURE_DATA_TYPES]),
      picklist('sfFma__DataFlowDirection__c', 'Data Flow Direction', [LMO_TO_SUBSCRIBER, SUBSCRIBER_TO_LMO]),
      lookup('sfFma__Package__c', 'Package', PACKAGE, 'sfFma__Package__r', 'sfFma__Feature_Parameters__r', {
        required: true,
        cascadeDelete: true,
        updateable: false,
        masterDetail: true,
      }),
      text('sfFma__IntroducedInPackageVersion__c', 'Introduced in Package Version', 50),
      text('sfFma__Namespace_Prefix__c', 'Namespace Prefix', 15),
    ],
  };
}

function junctionObject(type: FeatureDataType, readOnly: boolean): SObjectDef {
  const plural = `Feature_Parameter_${type}s`;
  const value: FieldDef =
    type === 'Boolean'
      ? checkbox('sfFma__Value__c', 'Feature Parameter Value')
      : type === 'Integer'
        ? number('sfFma__Value__c', 'Feature Parameter Value', 18)
        : date('sfFma__Value__c', 'Feature Parameter Value');
  return {
    name: JUNCTION_OF[type],
    label: `Feature Parameter ${type}`,
    labelPlural: `Feature Parameter ${type}s`,
    keyPrefix: { Boolean: 'a0B', Integer: 'a0I', Date: 'a0D' }[type],
    custom: true,
    createable: !readOnly,
    updateable: !readOnly,
    deletable: !readOnly,
    fields: [
      ...systemFields(),
      text('Name', `Feature Parameter ${type} Name`, 80, {
        nameField: true,
        autoNumber: `FP${type[0]}-{00000}`,
        createable: false,
        updateable: false,
      }),
      lookup(
        'sfFma__FeatureParameter__c',
        'Feature Parameter',
        FEATURE_PARAMETER,
        'sfFma__FeatureParameter__r',
        `sfFma__${plural}__r`,
        { required: true, cascadeDelete: true, updateable: false, masterDetail: true },
      ),
      lookup('sfFma__License__c', 'License', LICENSE, 'sfFma__License__r', `sfFma__${plural}__r`, {
        required: true,
        cascadeDelete: true,
        updateable: false,
        masterDetail: true,
        relationshipOrder: 1,
      }),
      readOnly ? { ...value, createable: false, updateable: false } : value,
    ],
  };
}

/** The FMA's objects; `readOnly`: as a user without edit access to them sees them. */
export function fmaObjects(readOnly = false): SObjectDef[] {
  return [featureParameterObject(), ...FEATURE_DATA_TYPES.map((t) => junctionObject(t, readOnly))];
}
