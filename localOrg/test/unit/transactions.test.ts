// A transaction of the local org's store and other requests: while one is open (even across a turn
// of the event loop), another request's write waits for it, so that it neither lands in the
// transaction nor is undone by its rollback; side effects outside the store start only on commit.
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { test } from 'node:test';
import { openDatabase } from '../../data';
import { seedWorld } from '../../world/seed';
import { World } from '../../world/world';

const ORG = '00D000000000009EAA';

test("another request's write during an open transaction waits for it and survives its rollback", async () => {
  const db = await openDatabase();
  const org = db.org(ORG, { kind: 'lmo' });
  let inside!: () => void;
  const opened = new Promise<void>((r) => (inside = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const tx = db.atomically(async () => {
    await org.create('Account', { Name: 'Rolled back' });
    inside();
    await held; // the transaction spans turns of the event loop
    return { keep: false, value: undefined };
  });
  await opened;
  const other = org.create('Account', { Name: 'Other request' });
  await turn();
  assert.equal(org.query("SELECT COUNT() FROM Account WHERE Name = 'Other request'").totalSize, 0);
  release();
  await tx;
  await other;
  const names = org.query('SELECT Name FROM Account').records.map((r) => r.Name);
  assert.deepEqual(names, ['Other request']);
});

test('afterCommit runs on commit only; onRollback only on rollback; both outside a transaction at once', async () => {
  const db = await openDatabase();
  const seen: string[] = [];
  await db.atomically(async () => {
    db.afterCommit(() => seen.push('started A'));
    db.onRollback(() => seen.push('undone A'));
    return { keep: true, value: undefined };
  });
  await db.atomically(async () => {
    db.afterCommit(() => seen.push('started B'));
    db.onRollback(() => seen.push('undone B'));
    return { keep: false, value: undefined };
  });
  db.afterCommit(() => seen.push('started C'));
  assert.deepEqual(seen, ['started A', 'undone B', 'started C']);
});

test("the LMA's License of an install that comes due inside another request's transaction survives its rollback", async () => {
  const db = await openDatabase();
  const { world } = await World.open({ db, timing: { installMs: 0, licenseDelayMs: 0, replicationMs: 0 } });
  await seedWorld(world, 'demo');
  const test = await world.createOrg({
    kind: 'subscriber',
    name: 'Due During Rollback',
    username: 'admin@due.example',
    firstName: 'Dee',
    lastName: 'Due',
    edition: 'Developer Edition',
  });
  const billing = world.console.packages().find((p) => p.name === 'Acme Billing')!;
  const version = billing.versions.filter((v) => !v.isBeta).at(-1)!;
  // Committed on its own, due at once; its timer has not fired yet.
  const req = await world.installs.request(test, { SubscriberPackageVersionKey: version.id });
  // Another request's allOrNone work reads it (a tooling read finishes due requests), then rolls back.
  await db.atomically(async () => {
    await world.installs.get(test, req.id);
    await world.installs.settleDue(test);
    return { keep: false, value: undefined };
  });
  const after = await world.installs.get(test, req.id);
  assert.equal(after?.status, 'SUCCESS');
  const licenses = world
    .lmaData()
    .query(
      `SELECT COUNT() FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${test.id.slice(0, 15)}'`,
    );
  assert.equal(licenses.totalSize, 1, 'the installed package has its License');
  world.installs.stop();
});
