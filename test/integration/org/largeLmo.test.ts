import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { loadLicensePage } from '../../../src/lma/records/licenses';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

let world: LocalOrg;
let session: LmoSession;
let requests = 0;

before(async () => {
  world = await startLocalOrg({ seed: 100_000 });
  await authorizeWithRefreshToken({
    loginUrl: world.instanceUrl,
    refreshToken: world.orgs.lmo.refreshToken,
    alias: 'big-lmo',
  });
  const count = (line: string) => void (/^(GET|POST) /.test(line) && requests++);
  session = new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  assert.equal((await session.connect('big-lmo')).kind, 'connected');
});
after(() => world?.close());

test('a full refresh of packages with counts on 100,000 licenses costs 3 requests', async () => {
  const before = requests;
  const packages = await loadPackages(session);
  assert.equal(requests - before, 3);
  const total = packages.reduce((sum, pkg) => sum + pkg.licenseTotal, 0);
  assert.ok(total >= 90_000, `licenses counted: ${total}`);
});

test('the first page of a large status group is one request of 200 licenses', async () => {
  const packages = await loadPackages(session);
  const pkg = packages.sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
  const before = requests;
  const page = await loadLicensePage(session, { packageId: pkg.id, status: 'Active' });
  assert.equal(requests - before, 1);
  assert.equal(page.licenses.length, 200);
  assert.ok(page.next);
});
