// Export Licenses against the local org: real @salesforce/core and jsforce over HTTP, real files.
import '../isolatedHome';
import assert from 'node:assert/strict';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { exportLicensesToFile } from '../../../src/files/licenseExportFile';
import { ExportError, writeLicensesCsv, type ExportProgress } from '../../../src/lma/workflows/licenseExport';
import { LICENSE_EXPORT_COLUMNS } from '../../../src/lma/rules/licenseCsv';
import { loadLicensePage } from '../../../src/lma/records/licenses';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import { loadPackages } from '../../../src/lma/records/packages';
import type { LicenseStatus, Package } from '../../../src/lma/records/types';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { parseCsv } from '../../unit/lma/parseCsv';

const header = LICENSE_EXPORT_COLUMNS.map((column) => column.header);

function readExport(file: string): Array<Record<string, string>> {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a UTF-8 byte order mark');
  const [head, ...rows] = parseCsv(text.slice(1));
  assert.deepEqual(head, header);
  return rows.map((cells) => {
    assert.equal(cells.length, header.length);
    return Object.fromEntries(header.map((name, i) => [name, cells[i]!]));
  });
}

describe('Export Licenses against the local org', () => {
  let world: LocalOrg;
  let session: LmoSession;
  let requests = 0;
  let pkg: Package;
  let dir: string;

  before(async () => {
    // Big enough for groups of several 2,000-license pages.
    world = await startLocalOrg({ seed: 15_000 });
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'export-lmo',
    });
    const count = (line: string) => void (/^(GET|POST|PATCH|DELETE) /.test(line) && requests++);
    session = new LmoSession({
      log: { trace: count, info: count, warn: count, error: count },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    assert.equal((await session.connect('export-lmo')).kind, 'connected');
    pkg = (await loadPackages(session)).sort((a, b) => b.licenseTotal - a.licenseTotal)[0]!;
    assert.ok((pkg.licenseCounts.Active ?? 0) > 4000, 'an Active group of three pages');
    dir = mkdtempSync(join(tmpdir(), 'lma-export-'));
  });
  after(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const group = (status?: LicenseStatus) => ({ package: { id: pkg.id, name: pkg.name }, status });

  test('a status group: as many rows as the tree counts, one request per 2,000, progress to the end', async () => {
    const file = join(dir, 'active.csv');
    const progress: ExportProgress[] = [];
    const before = requests;
    const result = await exportLicensesToFile(session, group('Active'), file, {
      onProgress: (p) => progress.push(p),
    });
    const count = pkg.licenseCounts.Active!;
    assert.equal(result.rows, count);
    assert.equal(result.total, count);
    assert.equal(requests - before, Math.ceil(count / 2000));
    assert.equal(result.requests, Math.ceil(count / 2000));
    assert.deepEqual(progress[0], { done: 0, total: count });
    assert.deepEqual(progress.at(-1), { done: count, total: count });
    assert.ok(progress.every((p, i) => i === 0 || p.done > progress[i - 1]!.done));

    const rows = readExport(file);
    assert.equal(rows.length, count);
    assert.equal(new Set(rows.map((row) => row['License Id'])).size, count, 'no license twice');
    assert.ok(rows.every((row) => row.Status === 'Active' && row.Package === pkg.name));
    assert.equal(result.bytes, readFileSync(file).length);
    assert.deepEqual(readdirSync(dir), ['active.csv'], 'no partial file left');

    // The same licenses, in the same order and with the same values, as the tree's first page.
    const page = await loadLicensePage(session, { packageId: pkg.id, status: 'Active' });
    for (const [i, license] of page.licenses.entries()) {
      const row = rows[i]!;
      assert.equal(row['License Id'], license.id);
      assert.equal(row['License Name'], license.name);
      assert.equal(row.Customer, license.customerName ?? '');
      assert.equal(row['Subscriber Org Id'], license.subscriberOrgId);
      assert.equal(row.Seats, license.seats === undefined ? '' : String(license.seats));
      assert.equal(row.Sandbox, String(license.isSandbox));
      assert.equal(row.Version, license.versionNumber);
      assert.equal(row['Install Date'], license.installDate);
      if (license.seats === -1) assert.equal(row['Seats (display)'], 'Site License');
      if (!license.expiration) assert.equal(row['Expiration (display)'], 'Does not expire');
    }
    assert.ok(
      rows.some((row) => row.Seats === '-1' && row['Seats (display)'] === 'Site License'),
      'the seeded site licenses',
    );
    assert.ok(rows.some((row) => row.Expiration === '' && row['Expiration (display)'] === 'Does not expire'));
  });

  test('a whole package: every status, as many rows as the package counts', async () => {
    const file = join(dir, 'package.csv');
    const result = await exportLicensesToFile(session, group(), file);
    assert.equal(result.rows, pkg.licenseTotal);
    const rows = readExport(file);
    assert.equal(rows.length, pkg.licenseTotal);
    for (const [status, count] of Object.entries(pkg.licenseCounts))
      assert.equal(rows.filter((row) => row.Status === status).length, count, status);
    rmSync(file);
  });

  test('what a customer typed stays one cell, and a formula in it is not run', async () => {
    const [license] = (await loadLicensePage(session, { packageId: pkg.id, status: 'Suspended' })).licenses;
    assert.ok(license);
    const links = await session.request<{
      records: Array<{ sfLma__Lead__c: string | null; sfLma__Account__c: string | null }>;
    }>(
      `/query?q=${encodeURIComponent(`SELECT sfLma__Lead__c, sfLma__Account__c FROM sfLma__License__c WHERE Id = '${license.id}'`)}`,
    );
    const { sfLma__Lead__c: lead, sfLma__Account__c: account } = links.records[0]!;
    const name = '=HYPERLINK("http://evil.example","Click"), Inc.\r\nsecond line';
    if (account) await world.faults.tamper('lmo', 'Account', account, { Name: name });
    else await world.faults.tamper('lmo', 'Lead', lead!, { Company: name });
    await world.faults.tamper('lmo', 'sfLma__License__c', license.id, {
      sfLma__Seats__c: -1,
      sfLma__Expiration__c: '1970-01-01',
    });

    const file = join(dir, 'suspended.csv');
    await exportLicensesToFile(session, group('Suspended'), file);
    const rows = readExport(file);
    assert.equal(rows.length, pkg.licenseCounts.Suspended);
    const row = rows.find((r) => r['License Id'] === license.id)!;
    assert.equal(row.Customer, `'${name}`);
    assert.equal(row.Seats, '-1');
    assert.equal(row['Seats (display)'], 'Site License');
    assert.equal(row.Expiration, '1970-01-01');
    assert.equal(row['Expiration (display)'], 'Does not expire');
    rmSync(file);
  });

  test('a Salesforce error mid-way: a clear error, and no file that looks complete', async () => {
    const file = join(dir, 'failing.csv');
    const progress: ExportProgress[] = [];
    try {
      await assert.rejects(
        exportLicensesToFile(session, group('Active'), file, {
          onProgress: (p) => {
            progress.push(p);
            // The org fails every request from the second page on (403: jsforce retries a 503 for 15 s).
            if (p.done === 2000) world.faults.respondWith(403);
          },
        }),
        (error: unknown) => {
          assert.ok(error instanceof ExportError, String(error));
          assert.equal(error.kind, 'salesforce');
          assert.match(error.message, /after 2,000 of [\d,]+ licenses: TotalRequests Limit exceeded\./);
          assert.match(error.message, /Nothing was saved; the partial file was deleted\./);
          assert.equal(error.progress.done, 2000);
          return true;
        },
      );
    } finally {
      world.faults.clear();
    }
    assert.deepEqual(readdirSync(dir), ['active.csv'], 'neither the file nor a partial one');
  });

  test('a session that expires mid-way: the file already at the path is left as it was', async () => {
    const file = join(dir, 'active.csv');
    writeFileSync(file, 'the previous export\r\n');
    try {
      await assert.rejects(
        exportLicensesToFile(session, group('Active'), file, {
          onProgress: (p) =>
            void (p.done > 0 && world.faults.expireSession('lmo', { revokeRefreshToken: true })),
        }),
        (error: unknown) =>
          error instanceof ExportError && error.kind === 'salesforce' && /after 2,000 of/.test(error.message),
      );
      assert.equal(session.state.kind, 'expired');
    } finally {
      await authorizeWithRefreshToken({
        loginUrl: world.instanceUrl,
        refreshToken: world.faults.reauthorize('lmo').refreshToken,
        alias: 'export-lmo',
      });
      await session.connect('export-lmo');
    }
    assert.equal(readFileSync(file, 'utf8'), 'the previous export\r\n');
    assert.deepEqual(readdirSync(dir), ['active.csv']);
  });

  test('cancelled after the first page: no more requests, the partial file deleted', async () => {
    const file = join(dir, 'cancelled.csv');
    const controller = new AbortController();
    const before = requests;
    await assert.rejects(
      exportLicensesToFile(session, group('Active'), file, {
        signal: controller.signal,
        onProgress: (p) => void (p.done > 0 && controller.abort()),
      }),
      (error: unknown) =>
        error instanceof ExportError &&
        error.kind === 'cancelled' &&
        error.message === 'Export cancelled: the partial file was deleted.',
    );
    assert.equal(requests - before, 1, 'the first page only');
    assert.ok(!existsSync(file));
    assert.deepEqual(readdirSync(dir), ['active.csv']);
  });

  // The timeout bounds a failure (an export that waits for the held answer never ends), not a wait.
  test(
    'cancelled while a page is on its way: it stops without waiting for the answer',
    { timeout: 60_000 },
    async () => {
      const file = join(dir, 'slow.csv');
      const controller = new AbortController();
      // The page's answer is held until the export has ended: an export that waited for it would never end.
      const held = world.faults.hold();
      try {
        const exported = exportLicensesToFile(session, group('Trial'), file, { signal: controller.signal });
        await Promise.race([held.arrived, exported]); // an export that failed first fails the test here
        controller.abort();
        await assert.rejects(
          exported,
          (error: unknown) => error instanceof ExportError && error.kind === 'cancelled',
        );
      } finally {
        held.release();
        world.faults.clear();
      }
      assert.deepEqual(readdirSync(dir), ['active.csv']);
    },
  );

  test('backpressure: the next page is asked for only once the previous one is written out', async () => {
    const pages: number[] = [];
    let buffered = 0;
    let maxBuffered = 0;
    // A slow disk: 16-byte buffer, each write takes 5 ms.
    const out = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        buffered += chunk.length;
        maxBuffered = Math.max(maxBuffered, out.writableLength);
        setTimeout(callback, 5);
      },
    });
    const watched: LmoApi = {
      request: (path, options) => {
        pages.push(out.writableLength);
        return session.request(path, options);
      },
      lmaFields: session.lmaFields, // as the session read them at connect: no describe here
    };
    const result = await writeLicensesCsv(watched, group('Active'), out);
    assert.equal(pages.length, Math.ceil(pkg.licenseCounts.Active! / 2000));
    assert.ok(
      pages.every((waiting) => waiting === 0),
      `bytes still unwritten when a page was asked for: ${pages.join(', ')}`,
    );
    assert.equal(buffered, result.bytes);
    assert.ok(maxBuffered < 2000 * 600, `at most about one page buffered (${maxBuffered} bytes)`);
  });

  test(
    'a full disk: a clear error, nothing pretends to be written',
    { skip: !existsSync('/dev/full') },
    async () => {
      await assert.rejects(
        writeLicensesCsv(session, group('Active'), createWriteStream('/dev/full')),
        (error: unknown) =>
          error instanceof ExportError &&
          error.kind === 'file' &&
          error.message === "Couldn't write the export: the disk is full (ENOSPC).",
      );
    },
  );

  test('a folder that does not exist: a clear error before any request', async () => {
    const before = requests;
    const file = join(dir, 'missing', 'x.csv');
    await assert.rejects(
      exportLicensesToFile(session, group('Active'), file),
      (error: unknown) =>
        error instanceof ExportError &&
        error.kind === 'file' &&
        error.message === `Couldn't write ${file}: the folder does not exist (ENOENT).`,
    );
    assert.equal(requests, before);
  });

  test('a path that is a folder: a clear error after the export, the partial file deleted', async () => {
    const file = join(dir, 'a-folder.csv');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(file, 'inside'), { recursive: true });
    await assert.rejects(
      exportLicensesToFile(session, group('Suspended'), file),
      (error: unknown) =>
        error instanceof ExportError &&
        error.kind === 'file' &&
        /^Couldn't write .*a-folder\.csv: .* Nothing was saved; the partial file was deleted\.$/.test(
          error.message,
        ),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['a-folder.csv', 'active.csv']);
    rmSync(file, { recursive: true });
  });
});
