// A small LMO: two packages, three versions, a lead and five licenses.
import { openDatabase } from '../../data';
import type { OrgData } from '../../data';

export const LMO_ID = '00D000000000001EAA';

export interface Fixture {
  org: OrgData;
  pkgA: string;
  pkgB: string;
  v1: string;
  v2: string;
  v3: string;
  lead: string;
  licenses: string[];
}

export async function lmoFixture(): Promise<Fixture> {
  const db = await openDatabase({});
  const org = db.org(LMO_ID, { kind: 'lmo' });
  const pkgA = (
    await org.create('sfLma__Package__c', { Name: 'Alpha', sfLma__Package_ID__c: '033000000000AAA' })
  ).id;
  const pkgB = (
    await org.create('sfLma__Package__c', { Name: 'Beta', sfLma__Package_ID__c: '033000000000BBB' })
  ).id;
  const v = async (name: string, pkg: string, n: number): Promise<string> =>
    (
      await org.create('sfLma__Package_Version__c', {
        Name: name,
        sfLma__Package__c: pkg,
        sfLma__Version_Number__c: name,
        sfLma__Sequence__c: n,
      })
    ).id;
  const v1 = await v('1.0.0', pkgA, 1);
  const v2 = await v('1.1.0', pkgA, 2);
  const v3 = await v('2.0.0', pkgB, 1);
  const lead = (
    await org.create('Lead', {
      LastName: 'Doe',
      FirstName: 'Jane',
      Company: 'Acme',
      LeadSource: 'Package Installation',
    })
  ).id;
  const lic = async (fields: Record<string, unknown>): Promise<string> =>
    (await org.create('sfLma__License__c', fields)).id;
  const licenses = [
    await lic({
      sfLma__Status__c: 'Active',
      sfLma__Seats__c: 10,
      sfLma__Package__c: pkgA,
      sfLma__Package_Version__c: v1,
      sfLma__Lead__c: lead,
      sfLma__Subscriber_Org_ID__c: '00D5g0000001AAA',
      sfLma__Expiration__c: '2026-06-30',
      sfLma__Install_Date__c: '2025-01-15',
    }),
    await lic({
      sfLma__Status__c: 'Trial',
      sfLma__Seats__c: -1,
      sfLma__Package__c: pkgA,
      sfLma__Package_Version__c: v2,
      sfLma__Subscriber_Org_ID__c: '00D5g0000002BBB',
      sfLma__Expiration__c: null,
      sfLma__Install_Date__c: '2025-03-01',
    }),
    await lic({
      sfLma__Status__c: 'Active',
      sfLma__Seats__c: 25,
      sfLma__Package__c: pkgA,
      sfLma__Package_Version__c: v2,
      sfLma__Subscriber_Org_ID__c: '00D5g0000003CCC',
      sfLma__Expiration__c: '1970-01-01',
      sfLma__Install_Date__c: '2025-05-20',
    }),
    await lic({
      sfLma__Status__c: 'Suspended',
      sfLma__Seats__c: 5,
      sfLma__Package__c: pkgB,
      sfLma__Package_Version__c: v3,
      sfLma__Subscriber_Org_ID__c: '00D5g0000004DDD',
      sfLma__Expiration__c: '2025-12-31',
    }),
    await lic({
      sfLma__Status__c: 'Uninstalled',
      sfLma__Seats__c: 1,
      sfLma__Package__c: pkgB,
      sfLma__Package_Version__c: v3,
      sfLma__Subscriber_Org_ID__c: '00D5g0000005EEE',
    }),
  ];
  return { org, pkgA, pkgB, v1, v2, v3, lead, licenses };
}
