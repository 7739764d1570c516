// The Feature Management App in the LMO, through jsforce over HTTP: an LMO without it, its objects
// and master-detail relationships as the FMA's metadata has them, parameters and values created by an
// install, LMO-to-subscriber values reaching the test org after the configured delay,
// subscriber-to-LMO values arriving in the LMO and refused to LMO users, and a user who may only read.
import './isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@jsforce/jsforce-node';
import type { LocalOrg } from '../../index';
import { eventually, featureParameters, raw, startTestOrg } from './helpers';

const connect = (org: LocalOrg, accessToken: string | null): Connection =>
  new Connection({ instanceUrl: org.instanceUrl, accessToken: accessToken as string, version: '62.0' });

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

interface Field {
  name: string;
  updateable: boolean;
  relationshipOrder?: number | null;
  referenceTo: string[];
}

const PARAMETERS = featureParameters('BetaReports', 'MaxProjects', 'ActivatedOn');

describe('an LMO without the Feature Management App', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg({ seed: 'demo' });
  });
  after(() => org?.close());

  it('has no sfFma objects: describe lists none and a query is INVALID_TYPE', async () => {
    const lmo = connect(org, org.orgs.lmo.accessToken);
    const global = await lmo.describeGlobal();
    assert.ok(!global.sobjects.some((s) => s.name.startsWith('sfFma__')));
    await assert.rejects(
      async () => lmo.query('SELECT Id FROM sfFma__FeatureParameter__c'),
      (e: Error) => e.name === 'INVALID_TYPE',
    );
  });
});

describe('an LMO with the Feature Management App', () => {
  let org: LocalOrg;
  let lmo: Connection;
  let licenseId: string;
  let test: Awaited<ReturnType<LocalOrg['createTestOrg']>>;

  before(async () => {
    org = await startTestOrg({
      seed: 'demo',
      fma: true,
      timing: { installMs: 0, licenseDelayMs: 0, replicationMs: 0 },
    });
    lmo = connect(org, org.orgs.lmo.accessToken);
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    await org.console.declareFeatureParameters(billing.id, PARAMETERS);
    test = await org.createTestOrg();
    const released = billing.versions.filter((v) => !v.isBeta);
    assert.equal(await install(org, test.accessToken as string, released[0]!.id), 'SUCCESS');
    const license = await eventually(async () => {
      const r = await lmo.query<{ Id: string }>(
        `SELECT Id FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`,
      );
      return r.records[0];
    });
    licenseId = license.Id;
  });
  after(() => org?.close());

  it('describes the objects with their master-detail relationships as the FMA metadata has them', async () => {
    const junction = (await lmo.sobject('sfFma__FeatureParameterInteger__c').describe()) as unknown as {
      fields: Field[];
    };
    const byName = new Map(junction.fields.map((f) => [f.name, f]));
    assert.deepEqual(byName.get('sfFma__FeatureParameter__c')?.referenceTo, ['sfFma__FeatureParameter__c']);
    assert.deepEqual(byName.get('sfFma__License__c')?.referenceTo, ['sfLma__License__c']);
    assert.equal(byName.get('sfFma__FeatureParameter__c')?.relationshipOrder, 0);
    assert.equal(byName.get('sfFma__License__c')?.relationshipOrder, 1);
    const parameter = (await lmo.sobject('sfFma__FeatureParameter__c').describe()) as unknown as {
      fields: (Field & { picklistValues: { value: string }[] })[];
    };
    const direction = parameter.fields.find((f) => f.name === 'sfFma__DataFlowDirection__c')!;
    assert.deepEqual(
      direction.picklistValues.map((p) => p.value),
      ['LMO to Subscriber', 'Subscriber to LMO'],
    );
    // Children by the metadata's relationship names.
    const rows = await lmo.query<{ Id: string; sfFma__Feature_Parameter_Integers__r: { totalSize: number } }>(
      `SELECT Id, (SELECT sfFma__Value__c FROM sfFma__Feature_Parameter_Integers__r) FROM sfLma__License__c WHERE Id = '${licenseId}'`,
    );
    assert.equal(rows.records[0]!.sfFma__Feature_Parameter_Integers__r.totalSize, 1);
  });

  it('creates the declared parameters and one value per License on install', async () => {
    const params = await lmo.query<{
      sfFma__FullName__c: string;
      sfFma__DataType__c: string;
      sfFma__DataFlowDirection__c: string;
      sfFma__IntroducedInPackageVersion__c: string;
    }>(
      'SELECT sfFma__FullName__c, sfFma__DataType__c, sfFma__DataFlowDirection__c, sfFma__IntroducedInPackageVersion__c FROM sfFma__FeatureParameter__c ORDER BY sfFma__FullName__c',
    );
    assert.deepEqual(
      params.records.map((p) => [p.sfFma__FullName__c, p.sfFma__DataType__c, p.sfFma__DataFlowDirection__c]),
      [
        ['ActivatedOn', 'Date', 'Subscriber to LMO'],
        ['BetaReports', 'Boolean', 'LMO to Subscriber'],
        ['MaxProjects', 'Integer', 'LMO to Subscriber'],
      ],
    );
    const values = await lmo.query<{ sfFma__Value__c: boolean }>(
      `SELECT sfFma__Value__c FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__License__c = '${licenseId}'`,
    );
    assert.deepEqual(
      values.records.map((r) => r.sfFma__Value__c),
      [false],
    );
  });

  it('an LMO-to-subscriber value reaches the test org after the configured delay', async () => {
    const subscriberValue = async (name: string) =>
      (await org.subscriber.featureParameters(test.id)).find((v) => v.fullName === name)?.value;
    const junction = (
      await lmo.query<{ Id: string }>(
        `SELECT Id FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__License__c = '${licenseId}'`,
      )
    ).records[0]!;
    org.timing({ fmaToSubscriberMs: 3_600_000 });
    await lmo.sobject('sfFma__FeatureParameterBoolean__c').update({ Id: junction.Id, sfFma__Value__c: true });
    assert.equal(await subscriberValue('BetaReports'), false, 'not there before the delay');
    org.timing({ fmaToSubscriberMs: 0 });
    // The admin API over HTTP says the same.
    const read = await raw(org, org.adminSecret, 'GET', `/_local/orgs/${test.id}/feature-parameters`);
    assert.equal(read.status, 200);
    const beta = (read.body as { fullName: string; value: unknown }[]).find(
      (v) => v.fullName === 'BetaReports',
    );
    assert.equal(beta?.value, true);
  });

  it('a subscriber-to-LMO value is refused to LMO users, and arrives from the test org', async () => {
    const junction = (
      await lmo.query<{ Id: string }>(
        `SELECT Id FROM sfFma__FeatureParameterDate__c WHERE sfFma__License__c = '${licenseId}'`,
      )
    ).records[0]!;
    await assert.rejects(
      async () =>
        lmo
          .sobject('sfFma__FeatureParameterDate__c')
          .update({ Id: junction.Id, sfFma__Value__c: '2026-01-01' }),
      (e: Error) =>
        e.name === 'FIELD_CUSTOM_VALIDATION_EXCEPTION' && /Feature Management app/.test(e.message),
    );
    org.timing({ fmaToLmoMs: 0 });
    const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
    org.subscriber.setFeatureParameter(test.id, {
      package: billing.id,
      fullName: 'ActivatedOn',
      value: '2026-03-04',
    });
    const arrived = await eventually(async () => {
      const r = await lmo.query<{ sfFma__Value__c: string | null }>(
        `SELECT sfFma__Value__c FROM sfFma__FeatureParameterDate__c WHERE Id = '${junction.Id}'`,
      );
      return r.records[0]!.sfFma__Value__c ?? undefined;
    });
    assert.equal(arrived, '2026-03-04');
    assert.throws(
      () =>
        org.subscriber.setFeatureParameter(test.id, {
          package: billing.id,
          fullName: 'BetaReports',
          value: true,
        }),
      /LMO to Subscriber/,
    );
  });

  it('a user without edit access reads the values but may not change them', async () => {
    const user = await org.lmo.createUser({ fmaEditAccess: false });
    const conn = connect(org, user.accessToken);
    const describe = (await conn.sobject('sfFma__FeatureParameterBoolean__c').describe()) as unknown as {
      updateable: boolean;
      fields: Field[];
    };
    assert.equal(describe.updateable, false);
    assert.equal(describe.fields.find((f) => f.name === 'sfFma__Value__c')?.updateable, false);
    const junction = (
      await conn.query<{ Id: string }>(
        `SELECT Id FROM sfFma__FeatureParameterBoolean__c WHERE sfFma__License__c = '${licenseId}'`,
      )
    ).records[0]!;
    await assert.rejects(async () =>
      conn.sobject('sfFma__FeatureParameterBoolean__c').update({ Id: junction.Id, sfFma__Value__c: false }),
    );
  });
});
