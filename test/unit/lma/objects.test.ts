// The one declaration of the LMA's objects: the field lists and SELECT lists come from it, and an
// older LMA's lists leave out exactly what LMA 1.20 added.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EDIT_FIELDS, LICENSE_FIELDS, RECORDED_FIELDS } from '../../../src/lma/records/licenseRecord';
import { licenseFields } from '../../../src/lma/records/licenses';
import { hasField, selectList, withLmaFields } from '../../../src/lma/records/lmaFields';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import {
  LICENSE_OBJECT,
  LMA_1_20_FIELDS,
  LMA_OBJECT_LABELS,
  LMA_OBJECTS,
  OBJECTS,
  OLDER_LMA_FIELDS,
  relationshipTarget,
} from '../../../src/lma/records/objects';

test('the LMA objects: API names and labels from the declaration', () => {
  assert.equal(LICENSE_OBJECT, 'sfLma__License__c');
  assert.deepEqual(LMA_OBJECTS, {
    license: 'sfLma__License__c',
    package: 'sfLma__Package__c',
    packageVersion: 'sfLma__Package_Version__c',
  });
  assert.deepEqual(Object.values(LMA_OBJECT_LABELS), ['License', 'Package', 'Package Version']);
  assert.equal(OBJECTS.license.fields.sfLma__Seats__c.label, 'Seats');
  assert.equal(OBJECTS.license.fields.sfLma__Seats__c.type, 'number');
});

test('an older LMA lacks what 1.20 added: License → Package, the subscriber org fields, the version numbers, the refresh dates', () => {
  const added = (object: 'license' | 'package' | 'packageVersion') =>
    LMA_1_20_FIELDS[object].filter((f) => !OLDER_LMA_FIELDS[object].includes(f));
  assert.deepEqual(added('license'), [
    'sfLma__Subscriber_Org_Is_Sandbox__c',
    'sfLma__Org_Instance__c',
    'sfLma__Org_Type__c',
    'sfLma__Org_Status__c',
    'sfLma__Org_Trial_Expiration__c',
    'sfLma__Package__c',
    'sfLma__Version_Number__c',
  ]);
  // The Refresh Licenses dates (issue 22's reminder).
  assert.deepEqual(added('package'), ['sfLma__Last_License_Refresh__c', 'sfLma__Next_Available_Refresh__c']);
  assert.deepEqual(added('packageVersion'), ['sfLma__Version_Number__c']);
});

test('lookups lead to their declared object; every field a License view reads is declared', () => {
  assert.equal(relationshipTarget('license', 'sfLma__Package_Version__r'), 'packageVersion');
  assert.equal(relationshipTarget('license', 'sfLma__Lead__r'), 'lead');
  assert.equal(relationshipTarget('license', 'LastModifiedBy'), 'user');
  assert.equal(relationshipTarget('license', 'sfLma__Nothing__r'), undefined);
  for (const field of [...LICENSE_FIELDS, ...EDIT_FIELDS, ...RECORDED_FIELDS])
    assert.ok(hasField(LMA_1_20_FIELDS, 'license', field), field);
  // The views extend the one list, in its order.
  assert.deepEqual(EDIT_FIELDS.slice(0, LICENSE_FIELDS.length), [...LICENSE_FIELDS]);
  assert.deepEqual(RECORDED_FIELDS.slice(0, LICENSE_FIELDS.length), [...LICENSE_FIELDS]);
});

test('an older LMA: the SELECT list leaves out what it lacks, through lookups too', () => {
  const select = selectList(OLDER_LMA_FIELDS, 'license', RECORDED_FIELDS);
  assert.doesNotMatch(select, /Is_Sandbox|Org_Instance|Version_Number/);
  assert.match(select, /sfLma__Package_Version__r\.sfLma__Version_ID__c/);
  assert.equal(
    licenseFields(OLDER_LMA_FIELDS),
    select
      .split(', ')
      .filter((f) => LICENSE_FIELDS.includes(f as never))
      .join(', '),
  );
});

test('a query whose fields the session knows goes out in the same tick; else after one describe', async () => {
  let read = false;
  const known: LmoApi = { request: () => assert.fail('no describe'), lmaFields: OLDER_LMA_FIELDS };
  const answer = withLmaFields(known, async (fields) => ((read = true), fields));
  assert.ok(read, 'read before the caller yields (an org switch can come in the next tick)');
  assert.equal(await answer, OLDER_LMA_FIELDS);

  const paths: string[] = [];
  const unknown: LmoApi = {
    request: async <T>(path: string) => (paths.push(path), { fields: [{ name: 'Id' }] } as T),
  };
  const fields = await withLmaFields(unknown, async (f) => f);
  await withLmaFields(unknown, async (f) => f);
  assert.deepEqual(fields.license, ['Id']);
  assert.equal(paths.length, 3, 'the three objects, described once');
});
