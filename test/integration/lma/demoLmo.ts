// The world of the License write tests (licenseEdits, licenseIngest): the demo's local org and a session
// to its LMO whose request lines (`GET …`, `PATCH …`) are handed to `onRequest`, and Licenses picked so
// that no two tests of a file share one.
import assert from 'node:assert/strict';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll, type LmoApi } from '../../../src/lma/records/lmoApi';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

export interface DemoLmo {
  org: LocalOrg;
  session: LmoSession;
}

export async function openDemoLmo(alias: string, onRequest: (line: string) => void): Promise<DemoLmo> {
  const org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias,
  });
  const count = (line: string) => {
    if (/^(GET|POST|PATCH|PUT|DELETE) /.test(line)) onRequest(line);
  };
  const session = new LmoSession({
    log: { trace: count, info: count, warn: count, error: count },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect(alias);
  return { org, session };
}

/**
 * Picks Licenses for a test file's tests, never one it gave out before (nor one `keep` was told of), so
 * that the file's tests never change each other's Licenses.
 */
export class LicensePicker {
  private readonly taken = new Set<string>();
  constructor(private readonly session: () => LmoApi) {}

  /** `count` ids of Licenses with seats in `status`, among the first `among` by id. */
  inStatus(status: string, count: number, among: number): Promise<string[]> {
    return this.where(`sfLma__Status__c = '${status}' AND sfLma__Seats__c > 0`, count, { among });
  }

  /** `count` ids of Licenses that match the SOQL condition `where`, among the first `among` in `order`. */
  async where(
    where: string,
    count: number,
    { among, order = 'Id' }: { among: number; order?: 'Id' | 'Id DESC' },
  ): Promise<string[]> {
    const rows = await queryAll<{ Id: string }>(
      this.session(),
      `SELECT Id FROM sfLma__License__c WHERE ${where} ORDER BY ${order} LIMIT ${among}`,
    );
    const ids = rows
      .map((r) => r.Id)
      .filter((id) => !this.taken.has(id))
      .slice(0, count);
    assert.equal(ids.length, count, `the demo world has ${count} more licenses where ${where}`);
    this.keep(ids);
    return ids;
  }

  /** Ids a test chose by itself: never given out afterwards. */
  keep(ids: readonly string[]): void {
    ids.forEach((id) => this.taken.add(id));
  }
}
