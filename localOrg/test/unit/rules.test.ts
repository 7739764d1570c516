import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { SalesforceError } from '../../data';
import type { Fixture } from './fixture';
import { lmoFixture } from './fixture';

let fx: Fixture;
beforeEach(async () => {
  fx = await lmoFixture();
});

async function rejects(p: Promise<unknown>, errorCode: string, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SalesforceError, String(e));
    assert.equal(e.errorCode, errorCode, e.message);
    if (field) assert.deepEqual(e.fields, [field]);
    assert.equal(e.toBody()[0]!.errorCode, errorCode);
    return true;
  });
}

const LIC = 'sfLma__License__c';
const get = (id: string) => fx.org.retrieve(LIC, id);

test('by default the API accepts what a real LMO accepts: any Status or none, any seats, Trial after Active, edits of Uninstalled', async () => {
  const [active, trial, , , uninstalled] = fx.licenses as [string, string, string, string, string];
  await fx.org.update(LIC, active, { sfLma__Status__c: 'Trial' });
  assert.equal(get(active).sfLma__Status__c, 'Trial');
  await fx.org.update(LIC, active, { sfLma__Status__c: 'Pending Review', sfLma__Seats__c: 0 });
  assert.equal(get(active).sfLma__Status__c, 'Pending Review');
  assert.equal(get(active).sfLma__Seats__c, 0);
  await fx.org.update(LIC, trial, { sfLma__Status__c: null, sfLma__Seats__c: -7 });
  assert.equal(get(trial).sfLma__Status__c, null);
  await fx.org.update(LIC, uninstalled, { sfLma__Seats__c: 3, sfLma__Status__c: 'Active' });
  assert.equal(get(uninstalled).sfLma__Seats__c, 3);
  // By default an API write of Status leaves the record type (and so the LMA's License Status) behind.
  assert.equal(get(uninstalled).sfLma__License_Status__c, 'Uninstalled');
  assert.equal(get(trial).sfLma__License_Status__c, 'Trial');
  // Number(8,0): beyond 8 digits is out of range, as on Salesforce.
  await rejects(fx.org.update(LIC, active, { sfLma__Seats__c: 100_000_000 }), 'NUMBER_OUTSIDE_VALID_RANGE');
});

test('recordTypeFollowsStatus: an API write of Status moves the record type only when on; inserts and the LMA always', async () => {
  const id = fx.licenses[1]!; // Trial
  assert.equal(get(id).sfLma__License_Status__c, 'Trial');
  await fx.org.update(LIC, id, { sfLma__Status__c: 'Active' });
  assert.equal(get(id).sfLma__Status__c, 'Active');
  assert.equal(get(id).sfLma__License_Status__c, 'Trial');
  fx.org.setLma({ recordTypeFollowsStatus: true });
  try {
    await fx.org.update(LIC, id, { sfLma__Status__c: 'Suspended' });
    assert.equal(get(id).sfLma__License_Status__c, 'Suspended');
  } finally {
    fx.org.setLma({ recordTypeFollowsStatus: false });
  }
  // An insert takes the record type of its Status either way.
  const { id: created } = await fx.org.create(LIC, { sfLma__Status__c: 'Active', sfLma__Seats__c: 3 });
  assert.equal(get(created).sfLma__License_Status__c, 'Active');
});

test('the licenseRules customization enforces the Modify License limits; turned off, they go', async () => {
  const id = fx.licenses[0]!;
  fx.org.setLma({ licenseRules: true });
  await rejects(fx.org.update(LIC, id, { sfLma__Status__c: 'Trial' }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  assert.equal(
    (fx.org.describe(LIC) as { fields: { name: string; restrictedPicklist: boolean }[] }).fields.find(
      (f) => f.name === 'sfLma__Status__c',
    )?.restrictedPicklist,
    true,
  );
  fx.org.setLma({ licenseRules: false });
  await fx.org.update(LIC, id, { sfLma__Status__c: 'Trial' });
  assert.equal(get(id).sfLma__Status__c, 'Trial');
});

test('seats: 1..99,000,000 or -1 (licenseRules)', async () => {
  fx.org.setLma({ licenseRules: true });
  const id = fx.licenses[0]!;
  await rejects(
    fx.org.update(LIC, id, { sfLma__Seats__c: 0 }),
    'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    'sfLma__Seats__c',
  );
  await rejects(fx.org.update(LIC, id, { sfLma__Seats__c: -2 }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  await rejects(fx.org.update(LIC, id, { sfLma__Seats__c: 99_000_001 }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  await fx.org.update(LIC, id, { sfLma__Seats__c: 99_000_000 });
  await fx.org.update(LIC, id, { sfLma__Seats__c: -1 });
  assert.equal(get(id).sfLma__Licensed_Seats__c, 'Site License');
});

test('an Active license cannot go back to Trial, even after Suspended (licenseRules)', async () => {
  fx.org.setLma({ licenseRules: true });
  const id = fx.licenses[0]!;
  await rejects(
    fx.org.update(LIC, id, { sfLma__Status__c: 'Trial' }),
    'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    'sfLma__Status__c',
  );
  await fx.org.update(LIC, id, { sfLma__Status__c: 'Suspended' });
  await rejects(fx.org.update(LIC, id, { sfLma__Status__c: 'Trial' }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  assert.equal(get(id).sfLma__Status__c, 'Suspended');
  // Trial -> Active is fine; the Trial record type allows Active, and stays (recordTypeFollowsStatus off).
  await fx.org.update(LIC, fx.licenses[1]!, { sfLma__Status__c: 'Active' });
  assert.equal(get(fx.licenses[1]!).sfLma__Status__c, 'Active');
  assert.equal(get(fx.licenses[1]!).sfLma__License_Status__c, 'Trial');
});

test('uninstalled licenses cannot be edited, the platform still can (licenseRules)', async () => {
  fx.org.setLma({ licenseRules: true });
  const id = fx.licenses[4]!;
  await rejects(fx.org.update(LIC, id, { sfLma__Seats__c: 3 }), 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
  assert.equal(get(id).sfLma__Seats__c, 1);
  await fx.org.system().update(LIC, id, { sfLma__Status__c: 'Active' });
  assert.equal(get(id).sfLma__Status__c, 'Active');
});

test('picklist (licenseRules), unknown field, read-only field, type and length checks change nothing', async () => {
  fx.org.setLma({ licenseRules: true });
  const id = fx.licenses[0]!;
  const before = get(id);
  await rejects(
    fx.org.update(LIC, id, { sfLma__Status__c: 'Expired' }),
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    'sfLma__Status__c',
  );
  await rejects(fx.org.update(LIC, id, { Bogus__c: 1 }), 'INVALID_FIELD');
  await rejects(fx.org.update(LIC, id, { sfLma__Licensed_Seats__c: '5' }), 'INVALID_FIELD_FOR_INSERT_UPDATE');
  await rejects(fx.org.update(LIC, id, { Name: 'L-99999' }), 'INVALID_FIELD_FOR_INSERT_UPDATE');
  await rejects(fx.org.update(LIC, id, { sfLma__Seats__c: 'many' }), 'JSON_PARSER_ERROR');
  await rejects(fx.org.update(LIC, id, { sfLma__Expiration__c: '31/12/2026' }), 'JSON_PARSER_ERROR');
  await rejects(fx.org.update(LIC, id, { sfLma__Org_Instance__c: 'TOOLONG1' }), 'STRING_TOO_LONG');
  await rejects(fx.org.update(LIC, id, { sfLma__Package__c: 'garbage' }), 'MALFORMED_ID');
  await rejects(fx.org.update(LIC, id, { sfLma__Package__c: fx.v1 }), 'INVALID_CROSS_REFERENCE_KEY');
  assert.deepEqual(get(id), before);
  assert.equal(
    fx.org.query(
      `SELECT COUNT() FROM sfLma__License__History WHERE ParentId = '${id}' AND Field != 'created'`,
    ).totalSize,
    0,
  );
});

test('required fields, not found, deleted, malformed id', async () => {
  await rejects(fx.org.create('sfLma__Package__c', {}), 'REQUIRED_FIELD_MISSING', 'Name');
  await rejects(
    fx.org.create('sfLma__Package_Version__c', { Name: 'x' }),
    'REQUIRED_FIELD_MISSING',
    'sfLma__Package__c',
  );
  await rejects(fx.org.update('sfLma__Package__c', fx.pkgA, { Name: null }), 'REQUIRED_FIELD_MISSING');
  assert.throws(
    () => fx.org.retrieve(LIC, 'a0L4L0000zzzzzz'),
    (e: SalesforceError) => e.errorCode === 'NOT_FOUND' && e.statusCode === 404,
  );
  assert.throws(
    () => fx.org.retrieve(LIC, 'bad!'),
    (e: SalesforceError) => e.errorCode === 'MALFORMED_ID',
  );
  await fx.org.delete('Lead', fx.lead);
  assert.throws(
    () => fx.org.retrieve('Lead', fx.lead),
    (e: SalesforceError) => e.errorCode === 'ENTITY_IS_DELETED',
  );
  await rejects(fx.org.delete('Lead', fx.lead), 'ENTITY_IS_DELETED');
});

test('history rows for tracked fields only, with DataType; a lookup change writes ids and names', async () => {
  const id = fx.licenses[0]!;
  await fx.org.update(LIC, id, {
    sfLma__Seats__c: 20,
    sfLma__Expiration__c: null,
    sfLma__Package_Version__c: fx.v2,
    sfLma__Org_Type__c: 'Enterprise Edition',
  });
  const rows = fx.org.query(
    `SELECT Field, DataType, OldValue, NewValue, CreatedById, CreatedDate, ParentId FROM sfLma__License__History WHERE ParentId = '${id.slice(0, 15)}' ORDER BY Field, DataType`,
  ).records;
  assert.deepEqual(
    rows.map((r) => [r.Field, r.DataType, r.OldValue, r.NewValue]),
    [
      ['created', 'Text', null, null],
      ['sfLma__Expiration__c', 'Date', '2026-06-30', null],
      ['sfLma__Package_Version__c', 'EntityId', fx.v1, fx.v2],
      ['sfLma__Package_Version__c', 'Text', '1.0.0', '1.1.0'],
      ['sfLma__Seats__c', 'Double', 10, 20],
    ],
  );
  assert.ok(
    rows.every(
      (r) => r.ParentId === id && typeof r.CreatedById === 'string' && typeof r.CreatedDate === 'string',
    ),
  );
});

test('system fields, autonumber names, 18-char ids with the key prefix', async () => {
  const rec = get(fx.licenses[2]!);
  assert.equal(rec.Name, 'L-00003');
  assert.match(String(rec.Id), /^a0L[0-9A-Za-z]{15}$/);
  assert.equal(rec.IsDeleted, false);
  assert.match(String(rec.CreatedDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  assert.equal(rec.LastModifiedDate, rec.CreatedDate);
  const user = fx.org.asUser(String(rec.CreatedById));
  await new Promise((r) => setTimeout(r, 5));
  await user.update(LIC, String(rec.Id), { sfLma__Seats__c: 30 });
  const after = get(String(rec.Id));
  assert.ok(String(after.LastModifiedDate) > String(rec.LastModifiedDate));
  assert.equal(after.SystemModstamp, after.LastModifiedDate);
  assert.equal(after.CreatedDate, rec.CreatedDate);
});

test('If-Unmodified-Since: 412 when the record changed after the date', async () => {
  const id = fx.licenses[0]!;
  const past = new Date(Date.now() - 60_000);
  await assert.rejects(
    fx.org.update(LIC, id, { sfLma__Seats__c: 11 }, { ifUnmodifiedSince: past }),
    (e: SalesforceError) => e.statusCode === 412,
  );
  assert.equal(get(id).sfLma__Seats__c, 10);
  await fx.org.update(LIC, id, { sfLma__Seats__c: 11 }, { ifUnmodifiedSince: new Date(Date.now() + 1000) });
  assert.equal(get(id).sfLma__Seats__c, 11);
});

test('describe shapes: fields, picklists, record types, child relationships', () => {
  const d = fx.org.describe(LIC) as Record<string, unknown> & {
    fields: Record<string, unknown>[];
    recordTypeInfos: Record<string, unknown>[];
  };
  // A custom Number(8,0) is a double in the API.
  const seats = d.fields.find((f) => f.name === 'sfLma__Seats__c')!;
  assert.equal(seats.type, 'double');
  assert.equal(seats.soapType, 'xsd:double');
  assert.equal(seats.precision, 8);
  assert.equal(seats.scale, 0);
  const status = d.fields.find((f) => f.name === 'sfLma__Status__c')!;
  assert.deepEqual(
    (status.picklistValues as { value: string }[]).map((p) => p.value),
    ['Trial', 'Active', 'Suspended', 'Uninstalled'],
  );
  const ls = d.fields.find((f) => f.name === 'sfLma__Licensed_Seats__c')!;
  assert.equal(ls.calculated, true);
  assert.deepEqual(
    d.recordTypeInfos.map((r) => r.name),
    ['Active', 'Expired', 'Suspended', 'Trial', 'Uninstalled', 'Master'],
  );
  const children = (sobject: string) =>
    (
      fx.org.describe(sobject) as {
        childRelationships: { relationshipName: string | null; childSObject: string; field: string }[];
      }
    ).childRelationships
      .filter((c) => c.childSObject.startsWith('sfLma__'))
      .map((c) => `${c.childSObject}.${c.field} ${c.relationshipName}`);
  // The names the LMA's metadata generated; only License → Package has a readable one.
  assert.deepEqual(children('sfLma__Package__c'), [
    'sfLma__Package_Version__c.sfLma__Package__c sfLma__R00N30000001JvR7EAK__r',
    'sfLma__License__c.sfLma__Package__c sfLma__Licenses__r',
  ]);
  assert.deepEqual(children('sfLma__Package_Version__c'), [
    'sfLma__License__c.sfLma__Package_Version__c sfLma__R00N30000001JvQxEAK__r',
  ]);
  assert.deepEqual(children('Lead'), ['sfLma__License__c.sfLma__Lead__c sfLma__R00N30000001JvRAEA0__r']);
  assert.deepEqual(children('Account'), [
    'sfLma__License__c.sfLma__Account__c sfLma__R00N30000001JvRMEA0__r',
  ]);
  assert.deepEqual(children('Contact'), [
    'sfLma__License__c.sfLma__Contact__c sfLma__R00N30000001JvR6EAK__r',
  ]);
  // Package Version → Package is master-detail and not reparentable.
  const master = (
    fx.org.describe('sfLma__Package_Version__c') as { fields: Record<string, unknown>[] }
  ).fields.find((f) => f.name === 'sfLma__Package__c')!;
  assert.deepEqual(
    [
      master.type,
      master.createable,
      master.updateable,
      master.cascadeDelete,
      master.nillable,
      master.relationshipOrder,
    ],
    ['reference', true, false, true, false, 0],
  );
  const g = fx.org.describeGlobal() as { sobjects: { name: string; keyPrefix: string }[] };
  assert.ok(g.sobjects.some((s) => s.name === LIC && s.keyPrefix === 'a0L'));
  assert.throws(
    () => fx.org.describe('Nope__c'),
    (e: SalesforceError) => e.errorCode === 'INVALID_TYPE',
  );
});

test('a Package Version cannot move to another Package (master-detail, not reparentable)', async () => {
  await rejects(
    fx.org.update('sfLma__Package_Version__c', fx.v1, { sfLma__Package__c: fx.pkgB }),
    'INVALID_FIELD_FOR_INSERT_UPDATE',
    'sfLma__Package__c',
  );
  assert.equal(fx.org.retrieve('sfLma__Package_Version__c', fx.v1).sfLma__Package__c, fx.pkgA);
});

test('history tracks the fields the org tracks; an older LMA tracks none', async () => {
  const id = fx.licenses[0]!;
  fx.org.setLma({ trackedFields: ['sfLma__Status__c'] });
  await fx.org.update(LIC, id, { sfLma__Seats__c: 11, sfLma__Status__c: 'Suspended' });
  const fields = () =>
    fx.org
      .query(`SELECT Field FROM sfLma__License__History WHERE ParentId = '${id}' AND Field != 'created'`)
      .records.map((r) => r.Field);
  assert.deepEqual(fields(), ['sfLma__Status__c']);
  assert.throws(() => fx.org.setLma({ trackedFields: ['Bogus__c'] }), /Bogus__c/);
});

test('delete: master-detail children go with the parent, lookups are cleared, history stays', async () => {
  const lic = fx.licenses[0]!;
  await fx.org.delete('Lead', fx.lead);
  assert.equal(get(lic).sfLma__Lead__c, null);
  await fx.org.delete('sfLma__Package__c', fx.pkgA);
  const q = (soql: string) => fx.org.query(soql, { includeDeleted: true }).records;
  assert.deepEqual(
    q(`SELECT IsDeleted FROM sfLma__Package_Version__c WHERE sfLma__Package__c = null`).length,
    0,
  );
  assert.ok(
    q(`SELECT IsDeleted FROM sfLma__Package_Version__c WHERE Name IN ('1.0.0', '1.1.0')`).every(
      (r) => r.IsDeleted === true,
    ),
  );
  const after = get(lic);
  assert.equal(after.sfLma__Package__c, null);
  assert.equal(after.sfLma__Package_Version__c, null);
  assert.equal(after.IsDeleted, false);
  assert.equal(
    fx.org.query(`SELECT COUNT() FROM sfLma__License__History WHERE ParentId = '${lic}'`).totalSize,
    1,
  );
});
