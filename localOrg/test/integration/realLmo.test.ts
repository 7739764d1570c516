// The local org behaves like a real LMO where the extension could tell the difference, through jsforce
// over HTTP: the LMA's generated relationship names, Seats as a double, history rows with DataType,
// no validation rules unless customized, aggregates refused past 2,000 groups, users without access to
// the LMA, an older LMA's schema, and uninstalls.
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from '../../index';
import { eventually, raw, startTestOrg } from './helpers';

const connect = (org: LocalOrg, accessToken: string | null): Connection =>
  new Connection({ instanceUrl: org.instanceUrl, accessToken: accessToken as string, version: '62.0' });

interface Field {
  name: string;
  type: string;
  soapType: string;
  updateable: boolean;
  restrictedPicklist: boolean;
}
interface Describe {
  fields: Field[];
  childRelationships: { childSObject: string; field: string; relationshipName: string | null }[];
}

async function install(org: LocalOrg, token: string, versionId: string): Promise<string> {
  const conn = connect(org, token);
  const res = (await conn.tooling.create('PackageInstallRequest', {
    SubscriberPackageVersionKey: versionId,
    SecurityType: 'none',
  })) as { id: string };
  return eventually(async () => {
    const r = (await conn.tooling.retrieve('PackageInstallRequest', res.id)) as { Status: string };
    return r.Status === 'IN_PROGRESS' ? undefined : r.Status;
  });
}

describe('an LMO with LMA 1.20 (demo world)', () => {
  let org: LocalOrg;
  let lmo: Connection;
  before(async () => {
    org = await startTestOrg();
    lmo = connect(org, org.orgs.lmo.accessToken);
  });
  after(() => org?.close());

  it('describes the generated child relationship names, Seats as a double, and a master-detail Package', async () => {
    const license = (await lmo.sobject('sfLma__License__c').describe()) as unknown as Describe;
    const seats = license.fields.find((f) => f.name === 'sfLma__Seats__c')!;
    assert.deepEqual([seats.type, seats.soapType], ['double', 'xsd:double']);
    // …and sent as a real org sends doubles: with a decimal point.
    const soql = 'SELECT sfLma__Seats__c FROM sfLma__License__c WHERE sfLma__Seats__c = 10 LIMIT 1';
    const text = await (
      await fetch(`${org.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, {
        headers: { Authorization: `Bearer ${org.orgs.lmo.accessToken}` },
      })
    ).text();
    assert.match(text, /"sfLma__Seats__c":10\.0\}/);
    const status = license.fields.find((f) => f.name === 'sfLma__Status__c')!;
    assert.equal(status.restrictedPicklist, false);
    const version = (await lmo.sobject('sfLma__Package_Version__c').describe()) as unknown as Describe;
    assert.deepEqual(
      version.childRelationships
        .filter((c) => c.childSObject === 'sfLma__License__c')
        .map((c) => c.relationshipName),
      ['sfLma__R00N30000001JvQxEAK__r'],
    );
    assert.equal(version.fields.find((f) => f.name === 'sfLma__Package__c')?.updateable, false);
    const lead = (await lmo.sobject('Lead').describe()) as unknown as Describe;
    assert.deepEqual(
      lead.childRelationships
        .filter((c) => c.childSObject === 'sfLma__License__c')
        .map((c) => c.relationshipName),
      ['sfLma__R00N30000001JvRAEA0__r'],
    );
  });

  it('answers subqueries by the generated names and refuses the readable guesses, as a real org does', async () => {
    const versions = await lmo.query<{ sfLma__R00N30000001JvQxEAK__r: { totalSize: number } | null }>(
      'SELECT Name, (SELECT Id FROM sfLma__R00N30000001JvQxEAK__r) FROM sfLma__Package_Version__c',
    );
    assert.ok(versions.records.some((r) => (r.sfLma__R00N30000001JvQxEAK__r?.totalSize ?? 0) > 0));
    const packages = await lmo.query<{ sfLma__Licenses__r: { totalSize: number } | null }>(
      'SELECT Name, (SELECT Id FROM sfLma__Licenses__r LIMIT 1) FROM sfLma__Package__c',
    );
    assert.ok(packages.records.some((r) => r.sfLma__Licenses__r !== null));
    for (const soql of [
      'SELECT Name, (SELECT Id FROM sfLma__Licenses__r) FROM sfLma__Package_Version__c',
      'SELECT Name, (SELECT Id FROM sfLma__Package_Versions__r) FROM sfLma__Package__c',
    ]) {
      await assert.rejects(
        async () => lmo.query(soql),
        (e: Error) => e.name === 'INVALID_TYPE',
      );
    }
  });

  it('accepts what a real LMO accepts: Trial after Active, any Status or none, any seats', async () => {
    const [lic] = (
      await lmo.query<{ Id: string }>(
        "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' LIMIT 1",
      )
    ).records;
    const licenses = lmo.sobject('sfLma__License__c');
    await licenses.update({ Id: lic!.Id, sfLma__Status__c: 'Trial', sfLma__Seats__c: 0 });
    await licenses.update({ Id: lic!.Id, sfLma__Status__c: 'Free Forever' });
    const after = (await licenses.retrieve(lic!.Id)) as { sfLma__Status__c: string; sfLma__Seats__c: number };
    assert.deepEqual([after.sfLma__Status__c, after.sfLma__Seats__c], ['Free Forever', 0]);
    await licenses.update({ Id: lic!.Id, sfLma__Status__c: null });
    // Seeded data: Org Status values are upper case, as in real LMOs.
    const orgStatuses = await lmo.query<{ sfLma__Org_Status__c: string }>(
      'SELECT sfLma__Org_Status__c, COUNT(Id) n FROM sfLma__License__c GROUP BY sfLma__Org_Status__c',
    );
    assert.ok(
      orgStatuses.records.every((r) => r.sfLma__Org_Status__c === r.sfLma__Org_Status__c.toUpperCase()),
    );
  });

  it('writes two history rows for a lookup change (ids, then names), each with its DataType', async () => {
    const [lic] = (
      await lmo.query<{
        Id: string;
        sfLma__Seats__c: number;
        sfLma__Package_Version__c: string;
        sfLma__Package_Version__r: { Name: string };
      }>(
        "SELECT Id, sfLma__Seats__c, sfLma__Package_Version__c, sfLma__Package_Version__r.Name FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__r.Name = 'Acme Billing' AND sfLma__Seats__c != 77 LIMIT 1",
      )
    ).records;
    const [other] = (
      await lmo.query<{ Id: string; Name: string }>(
        `SELECT Id, Name FROM sfLma__Package_Version__c WHERE sfLma__Package__r.Name = 'Acme Billing' AND Id != '${lic!.sfLma__Package_Version__c}' LIMIT 1`,
      )
    ).records;
    await lmo
      .sobject('sfLma__License__c')
      .update({ Id: lic!.Id, sfLma__Package_Version__c: other!.Id, sfLma__Seats__c: 77 });
    const rows = await lmo.query<{ Field: string; DataType: string; OldValue: unknown; NewValue: unknown }>(
      `SELECT Field, DataType, OldValue, NewValue FROM sfLma__License__History WHERE ParentId = '${lic!.Id}' AND Field != 'created' ORDER BY Field, DataType`,
    );
    assert.deepEqual(
      rows.records.map((r) => [r.Field, r.DataType, r.OldValue, r.NewValue]),
      [
        ['sfLma__Package_Version__c', 'EntityId', lic!.sfLma__Package_Version__c, other!.Id],
        ['sfLma__Package_Version__c', 'Text', lic!.sfLma__Package_Version__r.Name, other!.Name],
        ['sfLma__Seats__c', 'Double', lic!.sfLma__Seats__c, 77],
      ],
    );
    // Tracked fields are set per org: tracking Seats only, a Status change writes nothing.
    org.lmo.customize({ trackedFields: ['sfLma__Seats__c'] });
    try {
      await lmo.sobject('sfLma__License__c').update({ Id: lic!.Id, sfLma__Status__c: 'Suspended' });
      const status = await lmo.query(
        `SELECT Id FROM sfLma__License__History WHERE ParentId = '${lic!.Id}' AND Field = 'sfLma__Status__c'`,
      );
      assert.equal(status.totalSize, 0);
    } finally {
      org.lmo.customize({
        trackedFields: [
          'sfLma__Status__c',
          'sfLma__Seats__c',
          'sfLma__Expiration__c',
          'sfLma__Package_Version__c',
        ],
      });
    }
  });

  it('enforces the Modify License limits only with the licenseRules customization, which Tooling lists', async () => {
    const [lic] = (
      await lmo.query<{ Id: string }>(
        "SELECT Id FROM sfLma__License__c WHERE sfLma__Status__c = 'Active' LIMIT 1",
      )
    ).records;
    org.lmo.customize({ licenseRules: true });
    try {
      await assert.rejects(
        lmo.sobject('sfLma__License__c').update({ Id: lic!.Id, sfLma__Seats__c: 0 }),
        (e: Error) => e.name === 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      );
      const rules = await lmo.tooling.query<{ ValidationName: string }>(
        "SELECT ValidationName FROM ValidationRule WHERE EntityDefinition.QualifiedApiName = 'sfLma__License__c'",
      );
      assert.deepEqual(rules.records.map((r) => r.ValidationName).sort(), [
        'No_Return_To_Trial',
        'Seats_In_Range',
        'Uninstalled_Read_Only',
      ]);
    } finally {
      org.lmo.customize({ licenseRules: false });
    }
    await lmo.sobject('sfLma__License__c').update({ Id: lic!.Id, sfLma__Seats__c: 0 });
  });

  it('has users without access to the LMA: INVALID_TYPE on its objects, yet the LMA is installed', async () => {
    const user = await org.lmo.createUser({ lmaAccess: false });
    assert.equal(user.lmaAccess, false);
    assert.equal(user.id, org.orgs.lmo.id);
    const conn = connect(org, user.accessToken);
    await assert.rejects(
      async () => conn.query('SELECT Id FROM sfLma__License__c LIMIT 1'),
      (e: Error) => e.name === 'INVALID_TYPE' && /sfLma__License__c/.test(e.message),
    );
    // Its URLs are resources that don't exist for this user (404), as on Salesforce.
    await assert.rejects(conn.sobject('sfLma__Package__c').describe(), (e: Error) => e.name === 'NOT_FOUND');
    const record = await raw(org, user.accessToken, 'GET', '/services/data/v62.0/sobjects/sfLma__License__c');
    assert.equal(record.status, 404);
    const global = await conn.describeGlobal();
    assert.ok(!global.sobjects.some((s) => s.name.startsWith('sfLma__')));
    assert.ok(global.sobjects.some((s) => s.name === 'Lead'));
    const installed = await conn.tooling.query<{ SubscriberPackage: { NamespacePrefix: string } }>(
      'SELECT SubscriberPackage.NamespacePrefix FROM InstalledSubscriberPackage',
    );
    assert.ok(installed.records.some((r) => r.SubscriberPackage.NamespacePrefix === 'sfLma'));
    // The admin still sees everything.
    assert.ok((await lmo.query('SELECT COUNT() FROM sfLma__License__c')).totalSize > 0);
  });

  it('uninstalls: the License becomes Uninstalled; installing again is a new License', async () => {
    const test = await org.createTestOrg();
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    const released = billing.versions.filter((v) => !v.isBeta);
    assert.equal(await install(org, test.accessToken as string, released[0]!.id), 'SUCCESS');
    const licenses = async () =>
      (
        await lmo.query<{ Id: string; sfLma__Status__c: string; sfLma__License_Status__c: string }>(
          `SELECT Id, sfLma__Status__c, sfLma__License_Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}' ORDER BY CreatedDate`,
        )
      ).records;
    const [first] = await eventually(async () => ((await licenses()).length ? licenses() : undefined));
    const result = await org.uninstall(test.id, billing.id);
    assert.equal(result.licenseId, first!.Id);
    const [gone] = await licenses();
    assert.deepEqual(
      [gone!.sfLma__Status__c, gone!.sfLma__License_Status__c],
      ['Uninstalled', 'Uninstalled'],
    );
    const subscriber = connect(org, test.accessToken);
    const installed = await subscriber.tooling.query('SELECT Id FROM InstalledSubscriberPackage');
    assert.equal(installed.totalSize, 0);
    await assert.rejects(org.uninstall(test.id, billing.id), /not installed/);
    // The same admin API over HTTP, and a clear error for a package that is not there.
    const bad = await raw(org, org.adminSecret, 'POST', `/_local/orgs/${test.id}/uninstall`, {
      package: 'Nope',
    });
    assert.equal(bad.status, 404);

    assert.equal(await install(org, test.accessToken as string, released[1]!.id), 'SUCCESS');
    const both = await eventually(async () => {
      const all = await licenses();
      return all.length === 2 ? all : undefined;
    });
    assert.equal(both[0]!.sfLma__Status__c, 'Uninstalled');
    assert.equal(both[1]!.sfLma__Status__c, 'Trial');
  });
});

describe('an LMO with more than 2,000 version-and-status groups', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg({ seed: 10_000, seedShape: { versionsPerPackage: 300, irregular: true } });
  });
  after(() => org?.close());

  it('refuses an aggregate of more than 2,000 groups as Salesforce does, and answers it narrowed', async () => {
    const lmo = connect(org, org.orgs.lmo.accessToken);
    const soql =
      'SELECT sfLma__Package_Version__c, sfLma__Status__c, COUNT(Id) total FROM sfLma__License__c GROUP BY sfLma__Package_Version__c, sfLma__Status__c';
    const r = await raw(
      org,
      org.orgs.lmo.accessToken,
      'GET',
      `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`,
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, [
      {
        errorCode: 'EXCEEDED_ID_LIMIT',
        fields: [],
        message:
          'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch',
      },
    ]);
    const limited = await lmo.query(`${soql} LIMIT 2000`);
    assert.equal(limited.records.length, 2000);
    assert.equal(limited.done, true);
    const byVersion = await lmo.query(
      'SELECT sfLma__Package_Version__c, COUNT(Id) total FROM sfLma__License__c GROUP BY sfLma__Package_Version__c',
    );
    assert.ok(byVersion.records.length > 500 && byVersion.records.length <= 2000);
  });
});

describe('an LMO with an older LMA', () => {
  let org: LocalOrg;
  let lmo: Connection;
  before(async () => {
    org = await startTestOrg({ lma: { version: 'older' } });
    lmo = connect(org, org.orgs.lmo.accessToken);
  });
  after(() => org?.close());

  it('lacks the fields the LMA added later; its seeded licenses and installs fit', async () => {
    const license = (await lmo.sobject('sfLma__License__c').describe()) as unknown as Describe;
    const names = new Set(license.fields.map((f) => f.name));
    for (const missing of [
      'sfLma__Package__c',
      'sfLma__Subscriber_Org_Is_Sandbox__c',
      'sfLma__Org_Instance__c',
      'sfLma__Org_Type__c',
      'sfLma__Version_Number__c',
    ])
      assert.ok(!names.has(missing), missing);
    assert.ok(names.has('sfLma__Package_Version__c') && names.has('sfLma__Status__c'));
    await assert.rejects(
      async () => lmo.query('SELECT sfLma__Org_Instance__c FROM sfLma__License__c'),
      (e: Error) => e.name === 'INVALID_FIELD',
    );
    assert.equal(org.lmo.lma().version, 'older');
    assert.ok((await lmo.query('SELECT COUNT() FROM sfLma__License__c')).totalSize >= 400);
    // Its history tracks no field: only the created rows.
    const tracked = await lmo.query("SELECT Id FROM sfLma__License__History WHERE Field != 'created'");
    assert.equal(tracked.totalSize, 0);

    const test = await org.createTestOrg();
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    assert.equal(await install(org, test.accessToken as string, billing.versions[0]!.id), 'SUCCESS');
    const lic = await eventually(async () => {
      const r = await lmo.query<{ sfLma__Status__c: string }>(
        `SELECT sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`,
      );
      return r.records[0];
    });
    assert.equal(lic.sfLma__Status__c, 'Trial');
  });

  it('keeps the LMA version of a saved world: it is chosen when the world is created', async () => {
    assert.throws(
      () => org.lmo.customize({ version: 'current' } as never),
      /Unknown LMA customization 'version'/,
    );
  });
});
