import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { findLicenses, loadLicensePage } from '../../../src/lma/records/licenses';
import { checkLmaPresence, readLmaVersion } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import type { Log } from '../../../src/org/log';
import { LmoSession, type SessionState } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

/** A Log that keeps what the session wrote, to count requests and check nothing secret is logged. */
function recordingLog(): Log & { lines: string[]; requests(): number } {
  const lines: string[] = [];
  const keep = (line: string) => void lines.push(line);
  return {
    lines,
    trace: keep,
    info: keep,
    warn: keep,
    error: keep,
    requests: () => lines.filter((line) => /^(GET|POST|PATCH|DELETE) /.test(line)).length,
  };
}

function newSession(log: Log): LmoSession {
  return new LmoSession({ log, checkLma: (request) => checkLmaPresence({ request }) });
}

async function authorize(org: LocalOrg, which: 'lmo' | 'devhub', alias: string): Promise<string> {
  return authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs[which].refreshToken,
    alias,
  });
}

describe('LMO session over the real @salesforce/core against the local org', () => {
  let world: LocalOrg;
  let other: LocalOrg;

  before(async () => {
    world = await startLocalOrg({ seed: 'demo' });
    other = await startLocalOrg({ seed: 'demo' });
    await authorize(world, 'lmo', 'lmo-a');
    await authorize(other, 'lmo', 'lmo-b');
    await authorize(world, 'devhub', 'hub-a');
  });
  after(async () => {
    await world?.close();
    await other?.close();
  });

  test('connects by alias, finds the LMA, and logs requests without tokens', async () => {
    const log = recordingLog();
    const session = newSession(log);
    const state = await session.connect('lmo-a');
    assert.equal(state.kind, 'connected', JSON.stringify(state));
    assert.ok(state.kind === 'connected' && state.lma.kind === 'installed');
    assert.equal(await readLmaVersion(session), '1.20', 'LMA version from InstalledSubscriberPackage');
    assert.equal(state.kind === 'connected' && state.org.orgId.slice(0, 3), '00D');
    assert.ok(log.requests() > 0);
    const everything = log.lines.join('\n');
    for (const secret of [world.orgs.lmo.accessToken, world.orgs.lmo.refreshToken])
      assert.ok(secret && !everything.includes(secret), 'a token reached the log');
    assert.ok(session.apiUsage && session.apiUsage.limit > 0, 'API usage read from Sforce-Limit-Info');
  });

  test('an org without the LMA is reported as such', async () => {
    const session = newSession(recordingLog());
    const state = await session.connect('hub-a');
    assert.equal(state.kind, 'connected');
    assert.equal(state.kind === 'connected' && state.lma.kind, 'notInstalled');
  });

  test('packages with versions and counts cost 3 requests, and the groups add up to the total', async () => {
    const log = recordingLog();
    const session = newSession(log);
    await session.connect('lmo-a');
    const before = log.requests();
    const packages = await loadPackages(session);
    // Packages, versions, and one aggregate by package and Status: see packages.ts.
    assert.equal(log.requests() - before, 3);
    assert.ok(packages.length >= 2, 'the demo LMO has its associated packages');
    const total = packages.reduce((sum, pkg) => sum + pkg.licenseTotal, 0);
    assert.ok(total > 100, `demo licenses counted: ${total}`);
    for (const pkg of packages) {
      const byStatus = Object.values(pkg.licenseCounts).reduce((sum, n) => sum + n, 0);
      assert.equal(byStatus, pkg.licenseTotal, `${pkg.name}: status counts add up to the total`);
    }
  });

  test('license pages of 200 follow each other without overlap, newest first', async () => {
    const sized = await startLocalOrg({ seed: 3000 }); // the demo's groups fit in one page
    after(() => sized.close());
    await authorizeWithRefreshToken({
      loginUrl: sized.instanceUrl,
      refreshToken: sized.orgs.lmo.refreshToken,
      alias: 'lmo-sized',
    });
    const session = newSession(recordingLog());
    await session.connect('lmo-sized');
    const packages = await loadPackages(session);
    const biggest = packages
      .flatMap((pkg) => Object.entries(pkg.licenseCounts).map(([status, n]) => ({ pkg, status, n: n! })))
      .sort((a, b) => b.n - a.n)[0]!;
    assert.ok(biggest.n > 200, 'the demo has a status group larger than one page');
    const group = { packageId: biggest.pkg.id, status: biggest.status as 'Active' };
    const seen = new Set<string>();
    let page = await loadLicensePage(session, group);
    for (const license of page.licenses) seen.add(license.id);
    while (page.next) {
      assert.equal(page.licenses.length, 200);
      page = await loadLicensePage(session, group, page.next);
      for (const license of page.licenses) {
        assert.ok(!seen.has(license.id), 'a license appeared on two pages');
        seen.add(license.id);
      }
    }
    assert.equal(seen.size, biggest.n, 'every license of the group was paged through');
  });

  test('find by subscriber org id in 15 or 18 characters, and a quote is just text', async () => {
    const session = newSession(recordingLog());
    await session.connect('lmo-a');
    const packages = await loadPackages(session);
    const status = Object.keys(packages[0]!.licenseCounts)[0] as 'Active';
    const [license] = (await loadLicensePage(session, { packageId: packages[0]!.id, status })).licenses;
    assert.ok(license?.subscriberOrgId);
    const id15 = license.subscriberOrgId.slice(0, 15);
    const by15 = await findLicenses(session, id15);
    assert.ok(by15.some((found) => found.id === license.id));
    const { toId18 } = await import('../../../src/lma/records/soql');
    const by18 = await findLicenses(session, toId18(id15));
    assert.ok(by18.some((found) => found.id === license.id));
    assert.deepEqual(await findLicenses(session, "x' OR Name != '"), []);
    if (license.customerName) {
      const byName = await findLicenses(session, license.customerName.slice(0, 6).toLowerCase());
      assert.ok(
        byName.some((found) => found.id === license.id),
        'name search is case-insensitive',
      );
    }
  });

  test('a 10,000-character search is not sent; a long query is shortened in the request log', async () => {
    const log = recordingLog();
    const session = newSession(log);
    await session.connect('lmo-a');
    const before = log.requests();
    assert.deepEqual(await findLicenses(session, 'x'.repeat(10_000)), []);
    assert.equal(log.requests(), before, 'nothing reached the LMO');

    // The longest term that is sent: three LIKEs and an equality of 255 characters each.
    assert.deepEqual(await findLicenses(session, 'y'.repeat(255)), []);
    const line = log.lines.at(-1) ?? '';
    assert.match(line, /^GET \/services\/data\/v\d+\.0\/query\?q=SELECT /);
    assert.match(line, /… \([\d,]+ more characters\) → 200 \(\d+ ms\)$/);
    assert.ok(line.length < 600, `${line.length} characters`);
  });

  test('an org switch rejects answers that belong to the previous org', async () => {
    const session = newSession(recordingLog());
    await session.connect('lmo-a');
    // The first org's answer waits until the switch is done, however fast or slow the machine is.
    const held = world.faults.hold();
    try {
      const stale = assert.rejects(
        loadPackages(session),
        (error: { kind?: string }) => error.kind === 'superseded',
      );
      const state = await session.connect('lmo-b');
      held.release();
      await stale;
      assert.equal(state.kind === 'connected' && state.org.orgId, other.orgs.lmo.id.slice(0, 18));
    } finally {
      world.faults.clear();
    }
  });

  test('a session that cannot be refreshed expires once, however many requests fail', async () => {
    const session = newSession(recordingLog());
    await session.connect('lmo-b');
    const states: SessionState['kind'][] = [];
    session.onDidChangeState((state) => states.push(state.kind));
    other.faults.expireSession('lmo', { revokeRefreshToken: true });
    try {
      const results = await Promise.allSettled([loadPackages(session), loadPackages(session)]);
      for (const result of results) assert.equal(result.status, 'rejected');
      assert.deepEqual(states, ['expired']);
    } finally {
      other.faults.reauthorize('lmo');
      other.faults.clear();
    }
  });

  test('an org out of API calls is reported as such, and the session says to stop polling', async () => {
    const session = newSession(recordingLog());
    await session.connect('lmo-a');
    world.faults.respondWith(403, 1);
    try {
      await assert.rejects(
        loadPackages(session),
        (error: { kind?: string }) => error.kind === 'requestLimit',
      );
      assert.equal(session.apiLimitReached, true);
      assert.equal(session.state.kind, 'connected', 'an API limit does not end the session');
    } finally {
      world.faults.clear();
    }
  });
});
