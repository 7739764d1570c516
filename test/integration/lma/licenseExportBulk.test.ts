// The export's Bulk API 2.0 path against the local org: real @salesforce/core and jsforce over HTTP, real
// files. Past the threshold, the licenses after the first REST page come from a query job; the file is
// the REST export's rows; Cancel, a page that breaks off, a job that fails and a job left behind by a
// crash each end with the job deleted in the org and no file that looks complete.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { eventually } from 'lma-local-org/testing';
import { exportLicensesToFile } from '../../../src/files/licenseExportFile';
import type { ExportError } from '../../../src/lma/workflows/licenseExport';
import { type BulkJobLedger, type ExportProgress } from '../../../src/lma/workflows/licenseExport';
import { createQueryJob } from '../../../src/lma/records/bulkQuery';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import type { Package } from '../../../src/lma/records/types';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

class Ledger implements BulkJobLedger {
  ids: string[] = [];
  list = () => this.ids;
  add = (id: string) => void this.ids.push(id);
  remove = (id: string) => void (this.ids = this.ids.filter((i) => i !== id));
}

const sortedLines = (file: string): string[] => readFileSync(file, 'utf8').split('\r\n').sort();

describe('Export Licenses through Bulk API 2.0 against the local org', () => {
  let world: LocalOrg;
  let session: LmoSession;
  let pkg: Package;
  let dir: string;
  let restFile: string;
  let ledger: Ledger;
  const requests: string[] = [];

  before(async () => {
    world = await startLocalOrg({ seed: 15_000 });
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'bulk-export-lmo',
    });
    const count = (line: string) => void (/^(GET|POST|PATCH|PUT|DELETE) /.test(line) && requests.push(line));
    session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    assert.equal((await session.connect('bulk-export-lmo')).kind, 'connected');
    pkg = (await loadPackages(session)).sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    assert.ok(pkg.licenseTotal > 6000, 'a package of several pages');
    dir = mkdtempSync(join(tmpdir(), 'lma-bulk-export-'));
    restFile = join(dir, 'rest.csv');
    const rest = await exportLicensesToFile(session, group(), restFile);
    assert.equal(rest.via, 'rest');
  });
  after(async () => {
    world?.bulk.release();
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ledger = new Ledger();
    world.bulk.switches.failNextQueryJobs = null;
    world.bulk.switches.breakNextResultsPage = null;
    world.bulk.switches.resultsPageCap = null;
    world.bulk.switches.holdResultsPageAfter = null;
  });

  const group = () => ({ package: { id: pkg.id, name: pkg.name } });
  const jobsInOrg = () => world.bulk.list(world.orgs.lmo.id);
  const bulk = (extra: object = {}) => ({
    threshold: 1000,
    jobs: ledger,
    maxRecords: 2000,
    pollDelay: () => 10,
    ...extra,
  });

  test("past the threshold: the REST export's rows through a query job, fewer requests, the job deleted", async () => {
    const file = join(dir, 'bulk.csv');
    const progress: ExportProgress[] = [];
    const before = requests.length;
    const result = await exportLicensesToFile(session, group(), file, {
      bulk: bulk({ maxRecords: 50_000 }),
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.via, 'bulk');
    assert.equal(result.notice, undefined);
    assert.equal(result.rows, pkg.licenseTotal);
    assert.deepEqual(sortedLines(file), sortedLines(restFile), 'the same CSV, row for row');
    assert.equal(requests.length - before, result.requests);
    // One REST page, then the job: its create, its polls, one results page, its delete.
    const made = requests.slice(before);
    assert.equal(made.filter((l) => l.includes('/query?q=')).length, 1);
    assert.equal(made.filter((l) => l.includes('/results?')).length, 1);
    assert.equal(made.filter((l) => l.startsWith('POST ') && l.includes('/jobs/query ')).length, 1);
    assert.ok(
      requests
        .slice(before)
        .some((l) => l.startsWith('DELETE /services/data/') && l.includes('/jobs/query/')),
    );
    assert.deepEqual(progress.at(-1), { done: pkg.licenseTotal, total: pkg.licenseTotal });
    assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1]!.done));
    assert.deepEqual(jobsInOrg(), [], 'no job left in the org');
    assert.deepEqual(ledger.ids, []);
    // At or below the threshold the export stays on REST.
    const small = await exportLicensesToFile(session, group(), join(dir, 'small.csv'), {
      bulk: bulk({ threshold: pkg.licenseTotal }),
    });
    assert.equal(small.via, 'rest');
  });

  test('an org that sends fewer rows a page than asked: the locator fetches the rest, every row once', async () => {
    world.bulk.switches.resultsPageCap = 3000;
    const file = join(dir, 'capped-pages.csv');
    const before = requests.length;
    const { maxRecords: _, ...defaults } = bulk();
    const result = await exportLicensesToFile(session, group(), file, { bulk: defaults });
    assert.equal(result.via, 'bulk');
    assert.equal(result.rows, pkg.licenseTotal);
    const pages = requests.slice(before).filter((l) => l.includes('/results?'));
    assert.equal(pages.length, Math.ceil((pkg.licenseTotal - 2000) / 3000));
    assert.ok(
      pages.every((l) => /[?&]maxRecords=250000\b/.test(l)),
      'asked for the default 250,000',
    );
    assert.deepEqual(sortedLines(file), sortedLines(restFile), 'the same CSV, row for row');
  });

  test('Cancel while the job runs: no file, the job aborted and deleted in the org', async () => {
    world.bulk.switches.holdQueryJobs = true;
    const controller = new AbortController();
    const file = join(dir, 'cancelled.csv');
    const pending = exportLicensesToFile(session, group(), file, { bulk: bulk(), signal: controller.signal });
    await eventually(async () => (jobsInOrg().some((j) => j.state === 'InProgress') ? true : undefined));
    controller.abort();
    await assert.rejects(pending, (e: ExportError) => e.kind === 'cancelled' && /cancelled/.test(e.message));
    world.bulk.release();
    assert.equal(existsSync(file), false);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.partial')));
    assert.deepEqual(jobsInOrg(), [], 'aborted and deleted');
    assert.deepEqual(ledger.ids, []);
  });

  test('Cancel while a results page is on its way: no file, no partial file, the job deleted in the org', async () => {
    // The page sends its first 1,000 rows, then stops until released: Cancel meets a download midway.
    world.bulk.switches.holdResultsPageAfter = 1000;
    const controller = new AbortController();
    const file = join(dir, 'cancelled-mid-page.csv');
    const partial = () => readdirSync(dir).find((f) => f.startsWith('cancelled-mid-page.csv.'));
    const pending = exportLicensesToFile(session, group(), file, {
      bulk: bulk({ maxRecords: 50_000 }),
      signal: controller.signal,
    });
    const rejected = assert.rejects(pending, (e: ExportError) => e.kind === 'cancelled');
    try {
      // The header, the first REST page's 2,000 rows and the page's first 1,000 are in the partial file.
      await eventually(async () => {
        const name = partial();
        return name && readFileSync(join(dir, name), 'utf8').split('\r\n').length > 3001 ? true : undefined;
      });
      controller.abort();
      await rejected;
    } finally {
      world.bulk.release();
    }
    assert.equal(existsSync(file), false);
    assert.equal(partial(), undefined);
    assert.deepEqual(jobsInOrg(), [], 'the job deleted');
    assert.deepEqual(ledger.ids, []);
  });

  test('Cancel while the job is being created: the job the org made is found, aborted and deleted', async () => {
    world.bulk.switches.holdQueryJobs = true;
    const controller = new AbortController();
    const file = join(dir, 'cancelled-create.csv');
    let held: ReturnType<typeof world.faults.hold> | undefined;
    const pending = exportLicensesToFile(session, group(), file, {
      bulk: bulk(),
      signal: controller.signal,
      // Once the first REST page is in, the next answer (the job's create) is held after the org made it.
      onProgress: () => void (held ??= world.faults.hold()),
    });
    const rejected = assert.rejects(pending, (e: ExportError) => e.kind === 'cancelled');
    try {
      await eventually(async () => held);
      await held!.arrived;
      assert.equal(jobsInOrg().length, 1, 'the org made the job; its answer is on its way');
      controller.abort();
    } finally {
      held?.release();
    }
    await rejected;
    world.bulk.release();
    assert.equal(existsSync(file), false);
    assert.deepEqual(jobsInOrg(), [], 'aborted and deleted');
    assert.deepEqual(ledger.ids, []);
  });

  test('a results page that breaks off midway: a clear error, no file, the job deleted', async () => {
    const file = join(dir, 'broken.csv');
    let armed = false;
    await assert.rejects(
      exportLicensesToFile(session, group(), file, {
        bulk: bulk(),
        onProgress: (p) => {
          // After the first REST page and the first Bulk page: the next page breaks off.
          if (!armed && p.done > 2000) {
            armed = true;
            world.bulk.switches.breakNextResultsPage = 500;
          }
        },
      }),
      (e: ExportError) =>
        e.kind === 'salesforce' &&
        /through Bulk API 2\.0 failed after 4,000 of [\d,]+ licenses/.test(e.message) &&
        /Nothing was saved/.test(e.message),
    );
    assert.ok(armed);
    assert.equal(existsSync(file), false);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.partial')));
    assert.deepEqual(jobsInOrg(), []);
    assert.deepEqual(ledger.ids, []);
  });

  test('a job the org fails: the export falls back to REST and says why', async () => {
    world.bulk.switches.failNextQueryJobs = { count: 1, message: 'InvalidJob : the org could not run it' };
    const file = join(dir, 'fallback.csv');
    const result = await exportLicensesToFile(session, group(), file, { bulk: bulk() });
    assert.equal(result.via, 'rest');
    assert.match(
      result.notice ?? '',
      /job 750\w+ failed \(InvalidJob : the org could not run it\); .*REST instead/,
    );
    assert.equal(result.rows, pkg.licenseTotal);
    assert.deepEqual(sortedLines(file), sortedLines(restFile));
    assert.deepEqual(jobsInOrg(), [], 'the failed job deleted');
    assert.deepEqual(ledger.ids, []);
  });

  test('a job left behind by a crash is found and deleted by the next export', async () => {
    world.bulk.switches.holdQueryJobs = true;
    const orphan = await createQueryJob(session, 'SELECT Id FROM sfLma__License__c');
    ledger.ids.push(orphan.id);
    await eventually(async () => (jobsInOrg().some((j) => j.state === 'InProgress') ? true : undefined));
    const result = await exportLicensesToFile(session, group(), join(dir, 'after-crash.csv'), {
      bulk: bulk({ threshold: Number.MAX_SAFE_INTEGER }),
    });
    assert.equal(result.via, 'rest');
    assert.deepEqual(jobsInOrg(), [], 'the abandoned job aborted and deleted');
    assert.deepEqual(ledger.ids, []);
    world.bulk.release();
  });
});
