// Feature parameters (the Feature Management App) through the real session against the local org:
// detection with and without the FMA and with read-only access, reading a License's parameters,
// editing each type with the guard rails of License saves, and every refusal sending no write.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { featureParameters } from 'lma-local-org/testing';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { queryAll } from '../../../src/lma/records/lmoApi';
import {
  detectFma,
  loadFeatureParameterCounts,
  loadLicenseFeatureParameters,
} from '../../../src/lma/records/featureParameters';
import type { FeatureLicense, FeatureParameterValue } from '../../../src/lma/rules/featureParameters';
import { saveFeatureParameter } from '../../../src/lma/workflows/featureParameterSave';
import { writeFeatureParametersCsv } from '../../../src/lma/workflows/featureParameterExport';
import { writeThroughPartial } from '../../../src/files/partialFile';
import {
  applyBulkFeatureChange,
  licenseIdsOf,
  previewBulkFeatureChange,
} from '../../../src/lma/workflows/featureParameterBulk';
import type { AskConfirmation } from '../../../src/lma/workflows/licenseSave';
import { LmoSession } from '../../../src/org/lmoSession';
import { FeatureParameterSection } from '../../../src/webviews/featureParameterSection';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

let org: LocalOrg;
let session: LmoSession;
const writes: string[] = [];
const requests: string[] = [];

const PARAMETERS = featureParameters('BetaReports', 'MaxProjects', 'RenewalDate', 'ActiveUsers');

async function connect(alias: string, refreshToken: string): Promise<LmoSession> {
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken, alias });
  const log = (line: string) => {
    if (/^(PATCH|POST|DELETE) /.test(line)) writes.push(line);
    if (/^(GET|PATCH|POST|DELETE) /.test(line)) requests.push(line);
  };
  const s = new LmoSession({
    log: { trace: log, info: log, warn: log, error: log },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await s.connect(alias);
  return s;
}

before(async () => {
  org = await startLocalOrg({ seed: 'demo', fma: true });
  const billing = org.console.packages().find((p) => p.name === 'Acme Billing')!;
  await org.console.declareFeatureParameters(billing.id, PARAMETERS);
  session = await connect('fma-lmo', org.orgs.lmo.refreshToken);
});
after(async () => {
  session?.dispose();
  await org?.close();
});

/** Licenses of Acme Billing with their customer, each used by one test only. */
const taken = new Set<string>();
async function license(): Promise<FeatureLicense> {
  const rows = await queryAll<{
    Id: string;
    Name: string;
    sfLma__Subscriber_Org_ID__c: string;
    sfLma__Account__r: { Name: string } | null;
  }>(
    session,
    "SELECT Id, Name, sfLma__Subscriber_Org_ID__c, sfLma__Account__r.Name FROM sfLma__License__c WHERE sfLma__Package__r.Name = 'Acme Billing' ORDER BY Id LIMIT 50",
  );
  const row = rows.find((r) => !taken.has(r.Id))!;
  taken.add(row.Id);
  return {
    id: row.Id,
    name: row.Name,
    customerName: row.sfLma__Account__r?.Name,
    subscriberOrgId: row.sfLma__Subscriber_Org_ID__c,
  };
}

async function parameter(
  licenseId: string,
  label: string,
  s: LmoSession = session,
): Promise<FeatureParameterValue> {
  const found = (await loadLicenseFeatureParameters(s, licenseId)).find((p) => p.label === label);
  assert.ok(found, `${label} on ${licenseId}`);
  return found;
}

const noConfirmation: AskConfirmation = async () => {
  throw new Error('no confirmation expected');
};
const fast = { editable: true, sleep: async () => undefined };

test('detection: installed and editable, not installed, and read-only for a user without edit access', async () => {
  assert.deepEqual(await detectFma(session), { kind: 'installed', editable: true });
  org.lmo.setFma(false);
  try {
    assert.deepEqual(await detectFma(session), { kind: 'notInstalled' });
  } finally {
    org.lmo.setFma(true);
  }
  const user = await org.lmo.createUser({ firstName: 'Rita', lastName: 'Reader', fmaEditAccess: false });
  const reader = await connect('fma-reader', user.refreshToken);
  try {
    assert.deepEqual(await detectFma(reader), { kind: 'installed', editable: false });
    // Such a user reads the values, and a save is refused before anything is sent.
    const l = await license();
    const beta = await parameter(l.id, 'Beta Reports', reader);
    const before = writes.length;
    const outcome = await saveFeatureParameter(reader, l, beta, true, noConfirmation, { editable: false });
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.message, /Edit access/);
    assert.equal(writes.length, before, 'no write was sent');
    assert.equal((await parameter(l.id, 'Beta Reports')).value, false);
  } finally {
    reader.dispose();
  }
});

test('a License’s parameters: type, direction, label, value and the version that introduced each', async () => {
  const l = await license();
  const params = await loadLicenseFeatureParameters(session, l.id);
  assert.deepEqual(
    params.map((p) => [p.label, p.type, p.direction, p.value, p.introducedIn]),
    [
      ['Active Users', 'Integer', 'SubscriberToLmo', 0, '1.0.0'],
      ['Beta Reports', 'Boolean', 'LmoToSubscriber', false, '1.0.0'],
      ['Max Projects', 'Integer', 'LmoToSubscriber', 10, '1.1.0'],
      ['Renewal Date', 'Date', 'LmoToSubscriber', '2027-01-31', '1.1.0'],
    ],
  );
});

test('each type is saved and read back; turning a Boolean on needs no confirmation', async () => {
  const l = await license();
  const on = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Beta Reports'),
    true,
    noConfirmation,
    fast,
  );
  assert.equal(on.kind, 'saved');
  assert.match(on.message, /Beta Reports off → on.*reaches the customer’s org within minutes/);
  assert.equal((await parameter(l.id, 'Beta Reports')).value, true);

  const more = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Max Projects'),
    250,
    noConfirmation,
    fast,
  );
  assert.equal(more.kind, 'saved');
  assert.equal((await parameter(l.id, 'Max Projects')).value, 250);

  const date = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Renewal Date'),
    '2028-02-29',
    noConfirmation,
    fast,
  );
  assert.equal(date.kind, 'saved');
  assert.equal((await parameter(l.id, 'Renewal Date')).value, '2028-02-29');
});

test('taking something away asks a confirmation naming the customer; declining writes nothing', async () => {
  const l = await license();
  const asked: string[] = [];
  const decline: AskConfirmation = async (c) => {
    asked.push(c.kind === 'none' ? '' : c.message);
    return undefined;
  };
  const before = writes.length;
  const lower = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Max Projects'),
    5,
    decline,
    fast,
  );
  assert.equal(lower.kind, 'cancelled');
  assert.equal(writes.length, before);
  assert.match(asked[0]!, /Max Projects 10 → 5 takes a feature away/);
  assert.ok(asked[0]!.includes(l.name) && asked[0]!.includes(String(l.subscriberOrgId)), asked[0]);
  assert.equal((await parameter(l.id, 'Max Projects')).value, 10);

  const accept: AskConfirmation = async () => true;
  const beta = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Beta Reports'),
    true,
    noConfirmation,
    fast,
  );
  assert.equal(beta.kind, 'saved');
  const off = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Beta Reports'),
    false,
    accept,
    fast,
  );
  assert.equal(off.kind, 'saved');
  assert.equal((await parameter(l.id, 'Beta Reports')).value, false);
});

test('a change made since the value was read is reported, not overwritten', async () => {
  const l = await license();
  const loaded = await parameter(l.id, 'Max Projects');
  // Someone else raises it in the LMO after our read.
  await session.request(`/sobjects/sfFma__FeatureParameterInteger__c/${loaded.id}`, {
    method: 'PATCH',
    body: { sfFma__Value__c: 40 },
  });
  const outcome = await saveFeatureParameter(session, l, loaded, 20, noConfirmation, fast);
  assert.equal(outcome.kind, 'conflict');
  assert.match(outcome.message, /Nothing was saved/);
  assert.equal((await parameter(l.id, 'Max Projects')).value, 40);
});

test('refused with a clear message and no write: subscriber-to-LMO, 10 digits, a date that doesn’t exist, deleted meanwhile', async () => {
  const l = await license();
  const before = writes.length;
  const subscriber = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Active Users'),
    3,
    noConfirmation,
    fast,
  );
  assert.equal(subscriber.kind, 'refused');
  assert.match(subscriber.message, /set by the customer’s org.*arrives within 24 hours/);
  const big = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Max Projects'),
    1_000_000_000,
    noConfirmation,
    fast,
  );
  assert.equal(big.kind, 'refused');
  assert.match(big.message, /at most 9 digits/);
  const feb30 = await saveFeatureParameter(
    session,
    l,
    await parameter(l.id, 'Renewal Date'),
    '2026-02-30',
    noConfirmation,
    fast,
  );
  assert.equal(feb30.kind, 'refused');
  assert.match(feb30.message, /2026-02-30 is not a date that exists/);
  assert.equal(writes.length, before, 'no write was sent');

  const beta = await parameter(l.id, 'Beta Reports');
  await session.request(`/sobjects/sfFma__FeatureParameterBoolean__c/${beta.id}`, { method: 'DELETE' });
  const gone = await saveFeatureParameter(session, l, beta, true, noConfirmation, fast);
  assert.equal(gone.kind, 'deleted');
  assert.match(gone.message, /deleted meanwhile/);
});

test('the section refuses forged page messages: a subscriber-to-LMO value, a value it never showed', async () => {
  const l = await license();
  const section = new FeatureParameterSection(session, l, noConfirmation);
  const loaded = await section.load();
  assert.equal(loaded.kind, 'loaded');
  const shown = loaded.kind === 'loaded' ? loaded.parameters : [];
  const active = shown.find((p) => p.label === 'Active Users')!;
  const before = writes.length;
  const forged = await section.handle({
    kind: 'saveFeatureParameter',
    licenseId: l.id,
    id: active.id,
    value: 99,
  });
  const result = forged?.find((m) => m.kind === 'featureSaveResult');
  assert.equal(result?.kind === 'featureSaveResult' && result.result.kind, 'refused');
  const other = await license();
  const foreign = (await parameter(other.id, 'Max Projects')).id;
  const unseen = await section.handle({
    kind: 'saveFeatureParameter',
    licenseId: l.id,
    id: foreign,
    value: 1,
  });
  const unseenResult = unseen?.find((m) => m.kind === 'featureSaveResult');
  assert.equal(unseenResult?.kind === 'featureSaveResult' && unseenResult.result.kind, 'refused');
  assert.equal(writes.length, before, 'no write was sent');
  assert.equal((await parameter(l.id, 'Active Users')).value, 0);
  assert.equal((await parameter(other.id, 'Max Projects')).value, 10);

  // A genuine save through the section answers the result and the section as the org now holds it.
  const beta = shown.find((p) => p.label === 'Beta Reports')!;
  const saved = await section.handle({
    kind: 'saveFeatureParameter',
    licenseId: l.id,
    id: beta.id,
    value: true,
  });
  const savedResult = saved?.find((m) => m.kind === 'featureSaveResult');
  assert.equal(savedResult?.kind === 'featureSaveResult' && savedResult.result.kind, 'saved');
  const now = saved?.find((m) => m.kind === 'featureParameters');
  assert.equal(
    now?.kind === 'featureParameters' && now.section.kind === 'loaded'
      ? now.section.parameters.find((p) => p.label === 'Beta Reports')?.value
      : undefined,
    true,
  );
});

test('without the FMA the section explains it once instead of failing', async () => {
  const l = await license();
  org.lmo.setFma(false);
  try {
    const section = new FeatureParameterSection(session, l, noConfirmation);
    const loaded = await section.load();
    assert.equal(loaded.kind, 'notInstalled');
    assert.match(
      loaded.kind === 'notInstalled' ? loaded.explanation : '',
      /Feature Management App.*Partner Support/,
    );
  } finally {
    org.lmo.setFma(true);
  }
});

test('bulk: one parameter for several Licenses, preview, confirmation naming customers, and a mixed report', async () => {
  const [a, b, c, d, e] = [
    await license(),
    await license(),
    await license(),
    await license(),
    await license(),
  ];
  const max = await parameter(a.id, 'Max Projects');
  const target = { id: max.parameterId, label: 'Max Projects', type: 'Integer' as const };
  // d already has the value; b's value record is deleted; e is lowered below 10 by nobody (raised here first).
  const dMax = await parameter(d.id, 'Max Projects');
  await saveFeatureParameter(session, d, dMax, 500, noConfirmation, fast);
  await session.request(
    `/sobjects/sfFma__FeatureParameterInteger__c/${(await parameter(b.id, 'Max Projects')).id}`,
    {
      method: 'DELETE',
    },
  );
  const eMax = await parameter(e.id, 'Max Projects');
  await saveFeatureParameter(session, e, eMax, 900, noConfirmation, fast);

  const scope = { kind: 'selection' as const, licenseIds: [a.id, b.id, c.id, d.id, e.id] };
  const preview = await previewBulkFeatureChange(session, target, scope, 500);
  assert.equal(preview.summary, '3 to change, 1 unchanged, 1 refused');
  assert.equal(preview.confirmation.kind, 'confirm', 'e goes from 900 down to 500');
  assert.match(
    preview.confirmation.kind === 'confirm' ? preview.confirmation.message : '',
    new RegExp(e.name),
  );

  // c changes after the preview: it is reported, not overwritten.
  const cMax = await parameter(c.id, 'Max Projects');
  await session.request(`/sobjects/sfFma__FeatureParameterInteger__c/${cMax.id}`, {
    method: 'PATCH',
    body: { sfFma__Value__c: 77 },
  });
  const asked: string[] = [];
  const report = await applyBulkFeatureChange(
    session,
    preview,
    async (conf) => {
      asked.push(conf.kind === 'none' ? '' : conf.message);
      return true;
    },
    { editable: true },
  );
  assert.ok(!('kind' in report));
  assert.equal(asked.length, 1);
  assert.deepEqual(report.applied.map((l) => l.id).sort(), [a.id, e.id].sort());
  assert.deepEqual(
    report.unchanged.map((l) => l.id),
    [d.id],
  );
  assert.deepEqual(
    report.failed
      .map((f) => [
        f.license.id,
        /deleted|no Max Projects/.test(f.reason) ? 'gone' : /changed/.test(f.reason) ? 'changed' : f.reason,
      ])
      .sort(),
    [
      [b.id, 'gone'],
      [c.id, 'changed'],
    ].sort(),
  );
  assert.match(report.message, /set to 500 on 2 Licenses, 1 already had it, 2 not changed.*within minutes/);
  assert.equal((await parameter(a.id, 'Max Projects')).value, 500);
  assert.equal((await parameter(c.id, 'Max Projects')).value, 77);
  assert.equal((await parameter(e.id, 'Max Projects')).value, 500);
});

test('bulk by Status group reads the group’s Licenses; declining the confirmation writes nothing', async () => {
  const billing = (
    await queryAll<{ Id: string }>(session, "SELECT Id FROM sfLma__Package__c WHERE Name = 'Acme Billing'")
  )[0]!;
  const ids = await licenseIdsOf(session, { kind: 'group', packageId: billing.Id, status: 'Active' });
  const counted = await queryAll<{ Id: string }>(
    session,
    `SELECT Id FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__c = '${billing.Id}' AND sfLma__Status__c = 'Active'`,
  );
  assert.equal(ids.length, counted.length);
  assert.ok(ids.length > 0);
  const l = await license();
  const beta = await parameter(l.id, 'Beta Reports');
  await saveFeatureParameter(session, l, beta, true, noConfirmation, fast);
  const preview = await previewBulkFeatureChange(
    session,
    { id: beta.parameterId, label: 'Beta Reports', type: 'Boolean' },
    { kind: 'selection', licenseIds: [l.id] },
    false,
  );
  const before = writes.length;
  const outcome = await applyBulkFeatureChange(session, preview, async () => undefined, { editable: true });
  assert.deepEqual(outcome, { kind: 'cancelled' });
  assert.equal(writes.length, before);
  assert.equal((await parameter(l.id, 'Beta Reports')).value, true);
});

test('the tree’s counts: each parameter of a package with how many Licenses hold each value, in one request', async () => {
  const billing = (
    await queryAll<{ Id: string }>(session, "SELECT Id FROM sfLma__Package__c WHERE Name = 'Acme Billing'")
  )[0]!;
  const l = await license();
  await saveFeatureParameter(session, l, await parameter(l.id, 'Beta Reports'), true, noConfirmation, fast);
  await loadFeatureParameterCounts(session, billing.Id); // the REST base, read once per session
  const before = requests.length;
  const counts = await loadFeatureParameterCounts(session, billing.Id);
  assert.equal(requests.length - before, 1, requests.slice(before).join('\n'));
  // Against the records themselves.
  for (const p of counts) {
    const object = `sfFma__FeatureParameter${p.type}__c`;
    const rows = await queryAll<{ sfFma__Value__c: boolean | number | string | null }>(
      session,
      `SELECT sfFma__Value__c FROM ${object} WHERE sfFma__FeatureParameter__c = '${p.id}'`,
    );
    const expected = new Map<string, number>();
    for (const r of rows) {
      const key = JSON.stringify(p.type === 'Boolean' ? r.sfFma__Value__c === true : r.sfFma__Value__c);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    assert.deepEqual(new Map(p.values.map((v) => [JSON.stringify(v.value), v.licenses])), expected, p.label);
  }
  assert.deepEqual(
    counts.map((p) => p.label),
    ['Active Users', 'Beta Reports', 'Max Projects', 'Renewal Date'],
  );
  assert.ok(counts.find((p) => p.label === 'Beta Reports')!.values.some((v) => v.value === true));
});

test('export: the feature parameters of a package as CSV, one row per License', async () => {
  const billing = (
    await queryAll<{ Id: string }>(session, "SELECT Id FROM sfLma__Package__c WHERE Name = 'Acme Billing'")
  )[0]!;
  const l = await license();
  await saveFeatureParameter(session, l, await parameter(l.id, 'Max Projects'), 42, noConfirmation, fast);
  const chunks: string[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const result = await writeFeatureParametersCsv(session, billing.Id, out);
  out.end();
  const lines = chunks.join('').split('\r\n').filter(Boolean);
  const total = await queryAll<{ Id: string }>(
    session,
    `SELECT Id FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__c = '${billing.Id}' OR (sfLma__Package_Version__c = null AND sfLma__Package__c = '${billing.Id}')`,
  );
  assert.equal(result.licenses, total.length);
  assert.equal(lines.length, total.length + 1);
  assert.equal(
    lines[0],
    'License ID,License Name,Status,Subscriber Org ID,Account,"Active Users (Integer, subscriber to LMO)","Beta Reports (Boolean, LMO to subscriber)","Max Projects (Integer, LMO to subscriber)","Renewal Date (Date, LMO to subscriber)"',
  );
  const row = lines.find((line) => line.startsWith(`${l.id},`));
  assert.ok(row);
  // The last columns hold no commas: Active Users, Beta Reports, Max Projects, Renewal Date.
  assert.deepEqual(row.split(',').slice(-3), ['false', '42', '2027-01-31']);
});

test('export to a file: written whole under its name, or, cancelled, nothing saved and the old file kept', async () => {
  const billing = (
    await queryAll<{ Id: string }>(session, "SELECT Id FROM sfLma__Package__c WHERE Name = 'Acme Billing'")
  )[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'fma-export-'));
  const file = join(dir, 'features.csv');
  const result = await writeThroughPartial(file, (out) =>
    writeFeatureParametersCsv(session, billing.Id, out),
  );
  const lines = (await readFile(file, 'utf8')).split('\r\n').filter(Boolean);
  assert.equal(lines.length, result.licenses + 1);
  assert.ok(lines[0]!.startsWith('License ID,'));

  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    writeThroughPartial(file, (out) =>
      writeFeatureParametersCsv(session, billing.Id, out, { signal: controller.signal }),
    ),
    /Cancelled: the export was stopped\. Nothing was saved; the partial file was deleted\./,
  );
  assert.deepEqual(await readdir(dir), ['features.csv']);
  assert.equal((await readFile(file, 'utf8')).split('\r\n').filter(Boolean).length, lines.length);
});
