// What connecting to an LMO costs in API requests, counted by the local org itself: the LMA's three
// objects are described in one composite request; the Tooling query of the installed LMA's version is
// made only when something asks for the version (the tree's org node), not by connecting.
// Users without access to the objects and orgs without the LMA are still told apart.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { raw } from 'lma-local-org/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportLicensesToFile } from '../../../src/files/licenseExportFile';
import { checkLmaPresence, readLmaVersion } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

describe('connecting to an LMO', () => {
  let world: LocalOrg;
  before(async () => {
    world = await startLocalOrg({ seed: 'demo' });
  });
  after(async () => world?.close());

  /** The org's own count of API requests today (the /limits request counts itself). */
  const used = async (token: string): Promise<number> => {
    const limits = (await raw(world, token, 'GET', '/services/data/v62.0/limits')).body as {
      DailyApiRequests: { Max: number; Remaining: number };
    };
    return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
  };

  const connect = async (alias: string) => {
    const session = new LmoSession({
      log: { trace: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
    });
    return { session, state: await session.connect(alias) };
  };

  test('costs 1 API request: one composite of the three describes; the version costs one more, when asked', async () => {
    const token = world.orgs.lmo.accessToken as string;
    // Saving the login (as `sf org login` does) is not connecting: it happens once, not per process.
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'connect-lmo',
    });
    const before = await used(token);
    const { session, state } = await connect('connect-lmo');
    const after = await used(token);
    assert.equal(state.kind, 'connected');
    assert.equal(state.kind === 'connected' && state.lma.kind, 'installed');
    const lma = state.kind === 'connected' ? state.lma : undefined;
    assert.ok(lma?.kind === 'installed' && lma.fields.license.includes('sfLma__Seats__c'));
    assert.ok(lma?.kind === 'installed' && lma.fields.packageVersion.includes('sfLma__Version_Number__c'));
    // The refresh of the access token is OAuth, not an API request; /limits counts itself once.
    assert.equal(after - before - 1, 1);
    // The installed LMA's version, read when something shows it: one Tooling query, once.
    const versionBefore = await used(token);
    assert.equal(await readLmaVersion(session), '1.20');
    assert.equal(await readLmaVersion(session), '1.20');
    assert.equal((await used(token)) - versionBefore - 1, 1);
  });

  test("a process that connects and exports a package's Licenses through REST: 1 request and one per 2,000 Licenses, counted by the org", async () => {
    const token = world.orgs.lmo.accessToken as string;
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'connect-export',
    });
    // The package and its count, read before: the export's own process knows them from the tree.
    const reader = await connect('connect-export');
    const pkg = (await loadPackages(reader.session)).sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    reader.session.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'lma-export-count-'));
    try {
      const before = await used(token);
      const { session, state } = await connect('connect-export');
      assert.equal(state.kind, 'connected');
      const result = await exportLicensesToFile(
        session,
        { package: { id: pkg.id, name: pkg.name } },
        join(dir, 'export.csv'),
        {},
      );
      const after = await used(token);
      session.dispose();
      assert.equal(result.rows, pkg.licenseTotal);
      // The REST export's floor is one page per 2,000 Licenses; connecting adds the one above.
      assert.equal(after - before - 1, 1 + Math.ceil(pkg.licenseTotal / 2000));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a user without access to the LMA is told so, naming the objects', async () => {
    const user = await world.lmo.createUser({ lmaAccess: false });
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: user.refreshToken,
      alias: 'connect-no-access',
    });
    const { state } = await connect('connect-no-access');
    assert.equal(state.kind === 'connected' && state.lma.kind, 'noAccess');
  });

  test('an org without the LMA (the Dev Hub) is told apart', async () => {
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.devhub.refreshToken,
      alias: 'connect-devhub',
    });
    const { state } = await connect('connect-devhub');
    assert.equal(state.kind === 'connected' && state.lma.kind, 'notInstalled');
  });
});
