// App Analytics usage against the local org: real @salesforce/core and jsforce over HTTP, the file
// downloaded from the local org's DownloadUrl into a real cache folder.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { AppAnalyticsCache } from '../../../src/files/appAnalyticsCache';
import { licensesForUsage } from '../../../src/lma/records/appAnalytics';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import type { Package } from '../../../src/lma/records/types';
import { joinUsage, unusedActive, type UsageQuestion } from '../../../src/lma/rules/appAnalytics';
import { loadUsage, type UsageOptions, type UsageProgress } from '../../../src/lma/workflows/appAnalytics';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

const month = (back: number): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};

describe('App Analytics usage against the local org', () => {
  let world: LocalOrg;
  let session: LmoSession;
  let requests: string[] = [];
  let billing: Package;
  let dir: string;
  let cache: AppAnalyticsCache;

  before(async () => {
    world = await startLocalOrg({ seed: 'demo', appAnalytics: { completeAfterMs: 0 } });
    await authorizeWithRefreshToken({
      loginUrl: world.instanceUrl,
      refreshToken: world.orgs.lmo.refreshToken,
      alias: 'analytics-lmo',
    });
    const log = (line: string) => void (/^(GET|POST|PATCH|DELETE) /.test(line) && requests.push(line));
    session = new LmoSession({
      log: { trace: log, info: log, warn: log, error: log },
      checkLma: (request) => checkLmaPresence({ request }),
    });
    assert.equal((await session.connect('analytics-lmo')).kind, 'connected');
    billing = (await loadPackages(session)).find((p) => p.name === 'Acme Billing')!;
    dir = mkdtempSync(join(tmpdir(), 'lma-analytics-'));
  });
  after(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    world.appAnalytics({
      enabled: true,
      completeAfterMs: 0,
      linkLifetimeMs: 3_600_000,
      expiredState: false,
      dailyDownloadBytes: 20 * 1024 ** 3,
      failNext: null,
      corruptNext: null,
      syntheticOrgs: 0,
    });
    cache = new AppAnalyticsCache(join(dir, 'cache'));
    await cache.clear();
    requests = [];
  });

  const year = (): UsageQuestion => ({
    dataType: 'PackageUsageSummary',
    packageId: billing.packageId!,
    start: month(12),
    end: month(1),
  });
  const ask = (q: UsageQuestion = year(), options: UsageOptions = {}) =>
    loadUsage(session, cache, q, { pollDelay: () => 0, ...options });
  const creates = () => requests.filter((r) => /^POST .*AppAnalyticsQueryRequest/.test(r)).length;
  const partials = () =>
    existsSync(join(dir, 'cache'))
      ? readdirSync(join(dir, 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.partial'))
      : [];

  test('New, Pending, then Complete: downloaded with progress into the cache, added up by month; then answered from the cache', async () => {
    world.appAnalytics({ completeAfterMs: 86_400_000 });
    const progress: UsageProgress[] = [];
    const outcome = await ask(year(), {
      onProgress: (p) => {
        progress.push(p);
        // Drive the request to its end once the poll has seen it under way.
        if (p.phase === 'waiting' && p.state === 'Pending') world.appAnalytics({ completeAfterMs: 0 });
      },
    });
    assert.equal(outcome.kind, 'ready', JSON.stringify(outcome));
    if (outcome.kind !== 'ready') return;
    const states = progress.flatMap((p) => (p.phase === 'waiting' ? [p.state] : []));
    assert.deepEqual(states, ['New', 'Pending']);
    const downloads = progress.filter((p) => p.phase === 'downloading');
    assert.ok(downloads.length >= 1 && downloads.at(-1)!.phase === 'downloading');
    assert.equal(outcome.source, 'download');
    assert.equal(outcome.report!.months.length, 12);
    assert.ok(outcome.report!.atRisk.length > 0, 'the declining cohort is at risk');
    assert.ok(outcome.report!.objects[0]!.name.endsWith('Invoice__c'));
    assert.ok(existsSync(outcome.entry.location));
    assert.equal(creates(), 1);

    const again = await ask();
    assert.equal(again.kind, 'ready');
    if (again.kind !== 'ready') return;
    assert.equal(again.source, 'cache');
    assert.equal(again.entry.requestId, outcome.entry.requestId);
    assert.deepEqual(again.report, outcome.report);
    assert.equal(creates(), 1, 'no new request for the same question');

    const refreshed = await ask(year(), { refresh: true });
    assert.equal(refreshed.kind === 'ready' && refreshed.source, 'download');
    assert.equal(creates(), 2, 'Refresh asks again');
  });

  test('NoData and Failed (with its message) are reports; nothing is cached', async () => {
    const none = await ask({ ...year(), start: '2020-01', end: '2020-06' });
    assert.equal(none.kind, 'noData');
    world.appAnalytics({ failNext: 'Internal error 42 while querying' });
    const failed = await ask();
    assert.equal(failed.kind, 'failed');
    assert.match(
      failed.kind === 'failed' ? failed.message : '',
      /couldn't answer request \w+: Internal error 42 while querying/,
    );
    assert.equal(
      await cache.find({
        packageId: billing.packageId!.slice(0, 15),
        name: `PackageUsageSummary-2020-01-2020-06`,
      }),
      undefined,
    );
  });

  test('an expired link is asked for again once, saying so; expired twice is a report', async () => {
    world.appAnalytics({ linkLifetimeMs: 0 });
    const notes: string[] = [];
    const outcome = await ask(year(), {
      onProgress: (p) => {
        if (p.phase !== 'note') return;
        notes.push(p.message);
        world.appAnalytics({ linkLifetimeMs: 3_600_000 });
      },
    });
    assert.equal(outcome.kind, 'ready');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /expired.*Asking App Analytics again, once/);
    assert.deepEqual(outcome.kind === 'ready' && outcome.notes, notes);
    assert.equal(creates(), 2);

    world.appAnalytics({ linkLifetimeMs: 0 });
    const twice = await ask(year(), { refresh: true });
    assert.equal(twice.kind, 'expired');
    assert.equal(creates(), 4);
    world.appAnalytics({ linkLifetimeMs: 3_600_000, expiredState: true });
  });

  test('the RequestState Expired reading is handled as an expired link too', async () => {
    world.appAnalytics({ linkLifetimeMs: 0, expiredState: true });
    const outcome = await ask();
    assert.equal(outcome.kind, 'expired');
  });

  test('the daily download limit: a report with what the org says is left', async () => {
    world.appAnalytics({ dailyDownloadBytes: 100 });
    const outcome = await ask();
    assert.equal(outcome.kind, 'limit');
    assert.match(
      outcome.kind === 'limit' ? outcome.message : '',
      /20 GB per 24 hours\)\. The org says: .*100 bytes left/,
    );
    assert.deepEqual(partials(), []);
  });

  test('without App Analytics, or for a package not registered: what to do, no error', async () => {
    world.appAnalytics({ enabled: false });
    const off = await ask();
    assert.equal(off.kind, 'unavailable');
    assert.match(off.kind === 'unavailable' ? off.message : '', /--enable-app-analytics/);
    world.appAnalytics({ enabled: true });
    const labs = world.console.packages().find((p) => p.name === 'Acme Labs Toolkit')!;
    const unregistered = await ask({ ...year(), packageId: labs.id });
    assert.equal(unregistered.kind === 'unavailable' && unregistered.reason, 'notRegistered');
  });

  for (const [how, message] of [
    ['truncated', /truncated/],
    ['notGzip', /not gzip data that inflates/],
    ['columns', /doesn't have the columns App Analytics writes/],
    ['unclosedQuote', /quoted value|malformed/],
  ] as const) {
    test(`a bad file (${how}): a clear message, nothing cached as complete`, async () => {
      world.appAnalytics({ corruptNext: how });
      const outcome = await ask();
      assert.equal(outcome.kind, 'badFile', JSON.stringify(outcome));
      assert.match(outcome.kind === 'badFile' ? outcome.message : '', message);
      assert.match(outcome.kind === 'badFile' ? outcome.message : '', /Nothing was kept in the cache/);
      assert.deepEqual(await cache.entries(), []);
      assert.deepEqual(partials(), []);
      const next = await ask();
      assert.equal(next.kind === 'ready' && next.source, 'download', 'the next question asks again');
    });
  }

  test('a period in the future or longer than retention is refused before any request', async () => {
    const future = await ask({ ...year(), start: month(-2), end: month(-3) });
    assert.equal(future.kind, 'input');
    const old = await ask({ ...year(), dataType: 'PackageUsageLog', start: '2026-01-01', end: '2026-01-31' });
    assert.equal(old.kind, 'input');
    assert.equal(creates(), 0);
  });

  test('joined with Licenses: one query per 2,000 Licenses, Active Licenses without usage', async () => {
    const outcome = await ask();
    assert.equal(outcome.kind, 'ready');
    if (outcome.kind !== 'ready') return;
    requests = [];
    const { licenses, requests: made } = await licensesForUsage(session, billing.id);
    assert.equal(made, Math.max(1, Math.ceil(licenses.length / 2000)));
    assert.equal(requests.filter((r) => /^GET .*query/.test(r)).length, made);
    const rows = joinUsage(outcome.report!, licenses);
    const withUsage = rows.filter((r) => r.usage && r.license);
    assert.ok(withUsage.length > 10, `${withUsage.length} orgs with usage and a License`);
    assert.ok(
      withUsage.every((r) => r.license!.customer),
      'each with its customer',
    );
    assert.ok(unusedActive(rows).length > 0, 'Active Licenses without usage');
    // A few orgs: asked by id.
    const some = withUsage.slice(0, 3).map((r) => r.orgId);
    const few = await licensesForUsage(session, billing.id, some);
    assert.equal(few.requests, 1);
    assert.deepEqual(new Set(few.licenses.map((l) => l.orgId)), new Set(some));
  });

  test('the cache: a size limit evicts the oldest first; Clear empties it', async () => {
    const first = await ask({ ...year(), start: month(6), end: month(1) });
    assert.equal(first.kind, 'ready');
    const size = first.kind === 'ready' ? first.entry.bytes : 0;
    cache = new AppAnalyticsCache(join(dir, 'cache'), () => size + 10);
    const second = await ask({ ...year(), start: month(5), end: month(1) });
    assert.equal(second.kind, 'ready');
    const left = await cache.entries();
    assert.deepEqual(
      left.map((e) => e.key.name),
      [`PackageUsageSummary-${month(5)}-${month(1)}`],
    );
    await cache.clear();
    assert.deepEqual(await cache.entries(), []);
  });

  test('Cancel while waiting ends the run', async () => {
    world.appAnalytics({ completeAfterMs: 86_400_000 });
    const controller = new AbortController();
    await assert.rejects(
      ask(year(), {
        signal: controller.signal,
        onProgress: (p) => p.phase === 'waiting' && controller.abort(),
      }),
      (e: Error) => e.name === 'AbortError',
    );
  });
});
