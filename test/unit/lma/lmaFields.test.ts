import assert from 'node:assert/strict';
import { test } from 'node:test';
import { licenseFields } from '../../../src/lma/records/licenses';
import { groupConditions } from '../../../src/lma/records/licenseScope';
import { hasField, LMA_1_20_FIELDS, selectable, type LmaFields } from '../../../src/lma/records/lmaFields';
import { noAccessAdvice } from '../../../src/lma/records/lmaPresence';

/** The LMA-Ext metadata's License, Package and Package Version (an older LMA). */
const OLDER: LmaFields = {
  license: LMA_1_20_FIELDS.license.filter(
    (f) => !/^sfLma__(Package|Subscriber_Org_Is_Sandbox|Org_Instance|Org_Type|Version_Number)__c$/.test(f),
  ),
  package: LMA_1_20_FIELDS.package,
  packageVersion: LMA_1_20_FIELDS.packageVersion.filter((f) => f !== 'sfLma__Version_Number__c'),
};

test('a field path exists when its lookup does, and its target field for the LMA’s own objects', () => {
  assert.ok(hasField(LMA_1_20_FIELDS, 'license', 'sfLma__status__c'), 'case-insensitive');
  assert.ok(hasField(LMA_1_20_FIELDS, 'license', 'sfLma__Lead__r.Company'), 'standard parents: assumed');
  assert.ok(hasField(LMA_1_20_FIELDS, 'license', 'LastModifiedBy.Name'), 'through LastModifiedById');
  assert.ok(hasField(LMA_1_20_FIELDS, 'license', 'sfLma__Package_Version__r.sfLma__Version_Number__c'));
  assert.ok(!hasField(OLDER, 'license', 'sfLma__Package_Version__r.sfLma__Version_Number__c'));
  assert.ok(!hasField(OLDER, 'license', 'sfLma__Package__r.Name'), 'no License → Package');
  assert.deepEqual(selectable(OLDER, 'license', ['Id', 'sfLma__Org_Type__c', 'sfLma__Seats__c']), [
    'Id',
    'sfLma__Seats__c',
  ]);
});

test('the license list selects only what the org has', () => {
  assert.match(licenseFields(LMA_1_20_FIELDS), /sfLma__Org_Instance__c/);
  const older = licenseFields(OLDER);
  assert.doesNotMatch(older, /Org_Instance|Org_Type|Is_Sandbox|Version_Number/);
  assert.match(older, /^Id, Name, sfLma__Status__c, sfLma__License_Status__c, sfLma__Seats__c/);
});

test('group conditions: the package by version or (LMA 1.20) its own lookup; Other is no Status or another one', () => {
  const id = 'a0P000000000001AAA';
  assert.deepEqual(groupConditions({ packageId: id, status: 'Trial' }, OLDER), [
    `sfLma__Package_Version__r.sfLma__Package__c = '${id}'`,
    "sfLma__Status__c = 'Trial'",
  ]);
  assert.deepEqual(groupConditions({ packageId: id, status: 'Other' }, LMA_1_20_FIELDS), [
    `(sfLma__Package_Version__r.sfLma__Package__c = '${id}' OR (sfLma__Package_Version__c = null AND sfLma__Package__c = '${id}'))`,
    "(sfLma__Status__c = null OR sfLma__Status__c NOT IN ('Active', 'Trial', 'Suspended', 'Uninstalled'))",
  ]);
});

test('no access: the advice names the objects and the permission', () => {
  assert.equal(
    noAccessAdvice(['License']),
    "this user can't read its License records. Ask your Salesforce admin for the Read permission on License (the License Management App's permission set, or object permissions in the user's profile).",
  );
  assert.match(noAccessAdvice([]), /License, Package and Package Version/);
});
