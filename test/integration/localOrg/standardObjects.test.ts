// Account, Contact, Lead, Opportunity and User carry the common standard fields of a real org, so a
// script written against one (jsforce here, as an ISV's would be) runs unchanged on the local org.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as CoreModule from '@salesforce/core';
import type { LocalOrg } from 'lma-local-org';
import { startTestOrg } from 'lma-local-org/testing';

type Conn = Awaited<ReturnType<(typeof CoreModule)['Connection']['create']>>;
type Field = {
  name: string;
  type: string;
  compoundFieldName: string | null;
  createable: boolean;
  filterable: boolean;
};

let org: LocalOrg;
let conn: Conn;

before(async () => {
  org = await startTestOrg({ seed: 'none' });
  const core = await import('@salesforce/core');
  const authInfo = await core.AuthInfo.create({
    accessTokenOptions: {
      accessToken: org.orgs.lmo.accessToken as string,
      instanceUrl: org.instanceUrl,
      loginUrl: org.instanceUrl,
    },
  });
  conn = await core.Connection.create({ authInfo });
});
after(() => org?.close());

async function fields(sobject: string): Promise<Map<string, Field>> {
  const d = (await conn.sobject(sobject).describe()) as unknown as { fields: Field[] };
  return new Map(d.fields.map((f) => [f.name, f]));
}

describe('standard objects', () => {
  it('describe has the common fields with their real types, addresses as compound fields', async () => {
    const expected: Record<string, Record<string, string>> = {
      Account: {
        NumberOfEmployees: 'int',
        AnnualRevenue: 'currency',
        Industry: 'picklist',
        Phone: 'phone',
        Website: 'url',
        Fax: 'phone',
        AccountNumber: 'string',
        Ownership: 'picklist',
        Rating: 'picklist',
        Sic: 'string',
        TickerSymbol: 'string',
        ParentId: 'reference',
        Description: 'textarea',
        BillingAddress: 'address',
        BillingStreet: 'textarea',
        BillingCity: 'string',
        BillingLatitude: 'double',
        ShippingAddress: 'address',
        ShippingPostalCode: 'string',
      },
      Contact: {
        MailingAddress: 'address',
        MailingCity: 'string',
        OtherAddress: 'address',
        MobilePhone: 'phone',
        Department: 'string',
        Birthdate: 'date',
        ReportsToId: 'reference',
        LeadSource: 'picklist',
        HasOptedOutOfEmail: 'boolean',
      },
      Lead: {
        AnnualRevenue: 'currency',
        NumberOfEmployees: 'int',
        Industry: 'picklist',
        Rating: 'picklist',
        Website: 'url',
        MobilePhone: 'phone',
        Address: 'address',
        Street: 'textarea',
        ConvertedOpportunityId: 'reference',
      },
      Opportunity: {
        Name: 'string',
        AccountId: 'reference',
        StageName: 'picklist',
        Amount: 'currency',
        Probability: 'percent',
        ExpectedRevenue: 'currency',
        CloseDate: 'date',
        Type: 'picklist',
        IsClosed: 'boolean',
        IsWon: 'boolean',
        ForecastCategoryName: 'picklist',
        FiscalYear: 'int',
      },
      User: {
        Title: 'string',
        Department: 'string',
        CompanyName: 'string',
        Phone: 'phone',
        MobilePhone: 'phone',
        ManagerId: 'reference',
        Address: 'address',
        LastLoginDate: 'datetime',
      },
    };
    for (const [sobject, types] of Object.entries(expected)) {
      const described = await fields(sobject);
      for (const [name, type] of Object.entries(types)) {
        assert.equal(described.get(name)?.type, type, `${sobject}.${name}`);
      }
    }
    const account = await fields('Account');
    assert.equal(account.get('BillingCity')?.compoundFieldName, 'BillingAddress');
    assert.equal(account.get('BillingAddress')?.createable, false);
    assert.equal(account.get('BillingAddress')?.filterable, false);
    assert.equal(account.get('BillingStreet')?.filterable, true);
    assert.equal(account.get('Description')?.filterable, false);
  });

  it('an ISV script: create with standard fields, query them back, addresses as objects', async () => {
    const acct = await conn.sobject('Account').create({
      Name: 'Globex',
      NumberOfEmployees: 1200,
      AnnualRevenue: 45000000,
      Industry: 'Manufacturing',
      Phone: '+1 555 0100',
      Website: 'https://globex.example',
      BillingStreet: '1 Main St',
      BillingCity: 'Springfield',
      BillingCountry: 'United States',
      Rating: 'Hot',
    });
    assert.ok(acct.success);
    const [row] = (
      await conn.query<Record<string, unknown>>(
        `SELECT Name, NumberOfEmployees, AnnualRevenue, Industry, Phone, Website, BillingAddress, ShippingAddress FROM Account WHERE Id = '${acct.id}'`,
      )
    ).records;
    assert.equal(row?.NumberOfEmployees, 1200);
    assert.equal(row?.AnnualRevenue, 45000000);
    assert.equal(row?.Industry, 'Manufacturing');
    assert.deepEqual(row?.BillingAddress, {
      city: 'Springfield',
      country: 'United States',
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: null,
      state: null,
      street: '1 Main St',
    });
    assert.equal(row?.ShippingAddress, null);
    const big = await conn.query(
      `SELECT COUNT() FROM Account WHERE NumberOfEmployees > 1000 AND AnnualRevenue >= 1000000`,
    );
    assert.equal(big.totalSize, 1);

    const opp = await conn.sobject('Opportunity').create({
      Name: 'Globex: 500 seats',
      AccountId: acct.id,
      StageName: 'Closed Won',
      CloseDate: '2026-03-31',
      Amount: 60000,
      Probability: 100,
    });
    assert.ok(opp.success);
    const [o] = (
      await conn.query<Record<string, unknown>>(
        `SELECT Amount, ExpectedRevenue, IsClosed, IsWon, ForecastCategoryName, FiscalYear, FiscalQuarter, Account.Name FROM Opportunity WHERE AccountId = '${acct.id}'`,
      )
    ).records;
    assert.equal(o?.ExpectedRevenue, 60000);
    assert.deepEqual([o?.IsClosed, o?.IsWon, o?.ForecastCategoryName], [true, true, 'Closed']);
    assert.deepEqual([o?.FiscalYear, o?.FiscalQuarter], [2026, 1]);
    assert.equal((o?.Account as { Name: string }).Name, 'Globex');
    const total = await conn.query<Record<string, unknown>>(
      `SELECT SUM(Amount) total FROM Opportunity WHERE IsWon = true`,
    );
    assert.equal(total.records[0]?.total, 60000);

    const contact = await conn.sobject('Contact').create({
      LastName: 'Simpson',
      AccountId: acct.id,
      Department: 'Safety',
      MailingCity: 'Springfield',
      MobilePhone: '+1 555 0101',
    });
    const [c] = (
      await conn.query<Record<string, unknown>>(
        `SELECT MailingAddress, Department, Account.Industry FROM Contact WHERE Id = '${contact.id}'`,
      )
    ).records;
    assert.equal((c?.MailingAddress as { city: string }).city, 'Springfield');

    const lead = await conn.sobject('Lead').create({
      LastName: 'Flanders',
      Company: 'Leftorium',
      AnnualRevenue: 250000,
      NumberOfEmployees: 3,
      Industry: 'Retail',
      Website: 'https://leftorium.example',
    });
    assert.ok(lead.success);
    const users = await conn.query<Record<string, unknown>>(
      'SELECT Username, Title, Department, CompanyName, ManagerId, LastLoginDate, Address FROM User',
    );
    assert.ok(users.totalSize >= 1);
  });

  it('refuses what a real org refuses: writing, sorting or filtering a compound address; an Opportunity without a stage', async () => {
    await assert.rejects(
      conn.sobject('Account').create({ Name: 'X', BillingAddress: { city: 'Springfield' } }),
      (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_FIELD_FOR_INSERT_UPDATE',
    );
    await assert.rejects(
      async () => conn.query('SELECT Id FROM Account ORDER BY BillingAddress'),
      (e: Error & { errorCode?: string }) => e.errorCode === 'MALFORMED_QUERY',
    );
    await assert.rejects(
      async () => conn.query(`SELECT Id FROM Account WHERE BillingAddress = 'x'`),
      (e: Error & { errorCode?: string }) => e.errorCode === 'INVALID_FIELD',
    );
    await assert.rejects(
      conn.sobject('Opportunity').create({ Name: 'No stage', CloseDate: '2026-01-01' }),
      (e: Error & { errorCode?: string }) => e.errorCode === 'REQUIRED_FIELD_MISSING',
    );
  });
});
