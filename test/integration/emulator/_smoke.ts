import { startLocalOrg } from '../../../emulator/index';
import { Connection } from '@jsforce/jsforce-node';
void (async () => {
const t0 = Date.now();
const lo = await startLocalOrg({ seed: 'demo' });
console.log('started', Date.now() - t0, lo.instanceUrl);
const conn = new Connection({ instanceUrl: lo.instanceUrl, accessToken: lo.orgs.lmo.accessToken!, version: '62.0' });
const r = await conn.query('SELECT Id, sfLma__Status__c FROM sfLma__License__c');
console.log(r.totalSize, r.records.length, r.done, r.nextRecordsUrl);
const all = await conn.query('SELECT Id FROM sfLma__License__c', { autoFetch: true, maxFetch: 10000 } as never);
console.log('auto', all.records.length);
console.log(await conn.identity());
console.log(conn.limitInfo);
const acc = await conn.sobject('Account').create({ Name: 'X' });
console.log(acc);
try { await conn.sobject('Account').create({}); } catch (e) { console.log('err', (e as Error).name, (e as Error).message); }
console.log(await fetch(lo.instanceUrl + '//services/data').then(r => r.status));
console.log(await fetch(lo.instanceUrl + '/services/data/v62.0/query?q=x').then(async r => [r.status, await r.text()]));
const t = await lo.createTestOrg();
const tc = new Connection({ instanceUrl: lo.instanceUrl, accessToken: t.accessToken!, version: '62.0' });
const v = lo.console.packages()[0]!.versions[1]!;
const res = await tc.tooling.create('PackageInstallRequest', { SubscriberPackageVersionKey: v.id });
console.log(res);
await new Promise(r => setTimeout(r, 800));
console.log(await tc.tooling.retrieve('PackageInstallRequest', (res as {id:string}).id));
console.log((await conn.query(`SELECT Id, sfLma__Subscriber_Org_ID__c, sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${t.id.slice(0,15)}'`)).records);
await lo.close();

})();
