// The sfdx-project.json language server through the LSP protocol: the built dist/server.js as its own
// process, driven over stdio. Its org data comes over `lma/lmoPackages`, answered here from a real
// LMO session on the local org with the extension's own answer (src/language/lmoAnswer.ts).
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Diagnostic, Hover, TextEdit } from 'vscode-languageserver-types';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { answerLmoPackages } from '../../../src/language/lmoAnswer';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadPackages } from '../../../src/lma/records/packages';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';
import { LMO_CHANGED, type LmoPackages } from '../../../src/protocol/languageServer';
import { Client, uri } from './lspClient';

let org: LocalOrg;
let session: LmoSession;
let ids: { billing: string; labs: string; billingVersion: string };

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.lmo.refreshToken,
    alias: 'ls-lmo',
  });
  session = new LmoSession({
    log: { trace() {}, info() {}, warn() {}, error() {} },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  await session.connect('ls-lmo');
  const named = (name: string) => org.console.packages().find((p) => p.name === name)!;
  ids = {
    billing: named('Acme Billing').id,
    labs: named('Acme Labs Toolkit').id,
    billingVersion: named('Acme Billing').versions.find((v) => !v.isBeta)!.id,
  };
});
after(async () => {
  session?.dispose();
  await org?.close();
});

/** The extension's answer, from the session as it is now (connected, or not). */
const fromSession = () => answerLmoPackages(session.state, () => loadPackages(session));
const disconnected = async (): Promise<LmoPackages> => ({ connected: false });

function project(terms: string, lma = ''): string {
  return `{
  "packageDirectories": [{ "path": "force-app", "package": "Acme Billing" }],
  "packageAliases": {
    "Acme Billing": "${ids.billing}",
    "Acme Billing@1.0.0-1": "${ids.billingVersion}",
    "Acme Labs Toolkit": "${ids.labs}"
  },
  "plugins": {
    "lma": {${lma}
      "defaultLicensing": {
${terms}
      }
    }
  }
}
`;
}

const summary = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => `${String(d.code)}: ${d.message}`).sort();
const markdown = (hover: Hover | null) => (hover?.contents as { value: string } | undefined)?.value ?? '';

describe('sfdx-project.json language server', () => {
  test('without an org it checks the rules, and only in plugins.lma', async () => {
    const client = await Client.start(disconnected);
    try {
      const diagnostics = await client.open(
        project(
          `        "Acme Billing": { "status": "Trial", "trialDays": 120, "activeDays": 30, "seats": 0, "seat": 5 },
        "Acme Billng": { "status": "Active", "activeDays": "unlimited", "seats": "site" },
        "Acme Labs Toolkit": { "status": "Trial", "seats": 100000000 }`,
          `\n      "defaultLicensng": {},`,
        ),
      );
      assert.deepEqual(
        summary(diagnostics),
        [
          'unknownAlias: "Acme Billng" is not a package alias of packageAliases: these terms apply to no package.',
          'activeDaysOnTrial: "activeDays" applies to Active licenses; a trial uses "trialDays".',
          'seats: Seats must be a whole number from 1 to 99,000,000, or "site" for a site license.',
          'seats: Seats must be a whole number from 1 to 99,000,000, or "site" for a site license.',
          'trialDays: A trial runs 1 to 90 days.',
          'trialDaysMissing: A trial needs "trialDays" (1 to 90).',
          'unknownKey: Unknown key "defaultLicensng" in plugins.lma: it has defaultLicensing.',
          'unknownKey: Unknown key "seat": the terms have status, trialDays, activeDays, seats.',
        ].sort(),
      );
      assert.ok(diagnostics.every((d) => d.source === 'LMA'));
      // Each diagnostic sits on what it is about: the value, the key, or the alias of the entry.
      const startOf = (code: string, nth = 0) => diagnostics.filter((d) => d.code === code)[nth]!.range.start;
      assert.deepEqual(startOf('trialDays'), client.at('120'));
      assert.deepEqual(startOf('seats'), client.at('"seats": 0', 9));
      assert.deepEqual(startOf('unknownKey', 1), client.at('"seat": 5'));
      assert.deepEqual(startOf('trialDaysMissing'), client.at('"Acme Labs Toolkit": {'));

      // A syntax error elsewhere is VS Code's JSON service's to report, not ours: the same diagnostics.
      const broken = await client.change(
        client.text.replace('"packageDirectories": [', '"packageDirectories": [,'),
      );
      assert.deepEqual(summary(broken), summary(diagnostics));

      // Nothing outside plugins.lma: a wrong value in another tool's plugin settings is not ours.
      const other = await client.change(
        project(`        "Acme Billing": { "status": "Trial", "trialDays": 30, "seats": 10 }`).replace(
          '"plugins": {',
          '"plugins": {\n    "other": { "seats": 0, "trialDays": 500 },',
        ),
      );
      assert.deepEqual(other, []);

      const hover = await client.hover(client.at('"Acme Billing": "', 2));
      assert.match(markdown(hover), /Connect a License Management Org/);
      // Package aliases of packageAliases that have no terms yet, as keys of defaultLicensing.
      const aliases = await client.completion(client.at('"Acme Billing": { "status"'));
      assert.deepEqual(
        aliases.map((item) => item.label),
        ['Acme Labs Toolkit'],
      );
    } finally {
      await client.stop();
    }
  });

  test('with an org: packages the LMO does not know, hover, completion, and a re-check on LMO change', async () => {
    let answer = disconnected;
    const client = await Client.start(() => answer());
    try {
      const text = project(`        "Acme Billing": { "status": "Trial", "trialDays": 30, "seats": 10 },
        "Acme Labs Toolkit": { "status": "Active", "activeDays": 365, "seats": 5 }`);
      assert.deepEqual(await client.open(text), []);
      answer = fromSession;
      const diagnostics = await client.lmoChanged();
      assert.deepEqual(summary(diagnostics), [
        'notAssociated: Acme Labs Toolkit is not associated with this LMO (ls-lmo): installs will create no License.',
      ]);
      assert.deepEqual(diagnostics[0]!.range.start, client.at('"Acme Labs Toolkit": {'));
      assert.equal(client.lmoRequests, 2, 'asked once at start and once after the change');

      // The LMO record, in packageAliases and under defaultLicensing alike.
      const licenses = (await loadPackages(session)).find((p) => p.name === 'Acme Billing')!.licenseCounts;
      for (const marker of ['"Acme Billing": "', '"Acme Billing": {']) {
        const value = markdown(await client.hover(client.at(marker, 3)));
        assert.match(value, /\*\*Acme Billing\*\* in ls-lmo/);
        assert.match(value, new RegExp(`Package id: \`${ids.billing}\``));
        assert.match(value, /Latest version: 2\.0\.0/);
        assert.match(value, new RegExp(`Active ${licenses.Active!.toLocaleString('en-US')}`));
        assert.match(value, new RegExp(`Trial ${licenses.Trial!.toLocaleString('en-US')}`));
      }
      assert.match(
        markdown(await client.hover(client.at('"Acme Labs Toolkit": "', 3))),
        /is not associated with ls-lmo: installs will create no License/,
      );
      assert.equal(await client.hover(client.at('"path"', 2)), null, 'no hover outside the aliases');

      const keys = await client.completion(client.at('{ "status": "Trial", "trialDays": 30', 2));
      assert.deepEqual(
        keys.map((item) => item.label),
        ['activeDays'],
      );
      // Inside "Trial": the typed string is replaced, quotes included.
      const statuses = await client.completion(client.at('"Trial", "trialDays": 30', 1));
      assert.deepEqual(
        statuses.map((item) => item.label),
        ['"Trial"', '"Active"'],
      );
      const active = statuses[1]!.textEdit as TextEdit;
      assert.equal(
        client.applied([active]),
        text.replace('"status": "Trial", "trialDays": 30', '"status": "Active", "trialDays": 30'),
      );
      const seats = await client.completion(client.at('"seats": 5', 9));
      assert.deepEqual(
        seats.map((item) => item.label),
        ['"site"'],
      );

      // Disconnecting: the server asks again and no longer speaks of the LMO.
      session.disconnect();
      assert.deepEqual(await client.lmoChanged(), []);
      assert.match(markdown(await client.hover(client.at('"Acme Billing": "', 3))), /Connect a License/);
    } finally {
      await session.connect('ls-lmo');
      await client.stop();
    }
  });

  test('quick fixes: clamp a trial, fix seats, remove a key, add what is missing, add terms for an alias', async () => {
    const client = await Client.start(fromSession);
    try {
      const text = project(
        `        "Acme Billing": { "status": "Trial", "trialDays": 120, "seats": 0, "seat": 5 },
        "Acme Labs Toolkit": { "status": "Active", "seats": 100000000 }`,
        `\n      "defaultLicensng": {},`,
      );
      const diagnostics = await client.open(text);
      const actions = async (code: string, nth = 0) => {
        const found = diagnostics.filter((d) => d.code === code)[nth]!;
        return client.codeActions(found.range, [found]);
      };
      const fixes = async (code: string, nth = 0) =>
        (await actions(code, nth)).map((action) => [
          action.title,
          client.applied(action.edit!.changes![uri]!),
        ]);

      assert.deepEqual(await fixes('trialDays'), [
        ['Clamp the trial to 90 days', text.replace('"trialDays": 120', '"trialDays": 90')],
      ]);
      assert.deepEqual(await fixes('seats', 0), [
        ['Set the seats to 1', text.replace('"seats": 0', '"seats": 1')],
        ['Make it a site license', text.replace('"seats": 0', '"seats": "site"')],
      ]);
      assert.deepEqual((await fixes('seats', 1))[0], [
        'Set the seats to 99,000,000',
        text.replace('"seats": 100000000', '"seats": 99000000'),
      ]);
      assert.deepEqual(await fixes('unknownKey', 1), [
        ['Remove "seat"', text.replace('"seats": 0, "seat": 5', '"seats": 0')],
      ]);
      assert.deepEqual(await fixes('unknownKey', 0), [
        ['Remove "defaultLicensng"', text.replace('\n      "defaultLicensng": {},', '')],
      ]);
      const [addLength] = await fixes('activeDaysMissing');
      assert.equal(addLength![0], 'Add "activeDays": "unlimited"');
      assert.deepEqual(
        summary(await client.change(addLength![1]!)).filter((line) => line.startsWith('activeDays')),
        [],
      );
      await client.change(text);

      const labs = client.at('"Acme Labs Toolkit": "', 2);
      const withoutTerms = text
        .replace(/\n\s+"Acme Labs Toolkit": \{[^\n]*\}/, '')
        .replace('},\n      }', '}\n      }');
      await client.change(withoutTerms);
      const add = await client.codeActions({ start: labs, end: labs }, []);
      assert.deepEqual(
        add.map((action) => action.title),
        ['Add default licensing terms for Acme Labs Toolkit'],
      );
      const added = client.applied(add[0]!.edit!.changes![uri]!);
      assert.equal(
        added,
        withoutTerms.replace(
          '"seat": 5 }\n',
          '"seat": 5 },\n        "Acme Labs Toolkit": {\n          "status": "Trial",\n          "trialDays": 30,\n          "seats": 10\n        }\n',
        ),
      );
    } finally {
      await client.stop();
    }
  });

  test('an answer about the previous org that arrives late never overwrites the latest one', async () => {
    // The first question after start is answered at once; then a slow "not connected" (the session as
    // it was) and a quick answer from the connected session, asked in that order.
    const answers: (() => Promise<LmoPackages>)[] = [
      disconnected,
      () => new Promise((resolve) => setTimeout(() => resolve({ connected: false }), 500)),
      fromSession,
    ];
    const client = await Client.start(() => answers.shift()!());
    try {
      client.text = project(
        `        "Acme Labs Toolkit": { "status": "Active", "activeDays": 365, "seats": 5 }`,
      );
      assert.deepEqual(await client.open(client.text), []);
      client.diagnostics.length = 0;
      await client.connection.sendNotification(LMO_CHANGED);
      await client.connection.sendNotification(LMO_CHANGED);
      assert.deepEqual(summary(await client.nextDiagnostics()), [
        'notAssociated: Acme Labs Toolkit is not associated with this LMO (ls-lmo): installs will create no License.',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(client.lmoRequests, 3);
      assert.equal(client.diagnostics.length, 1, 'the late answer published nothing');
    } finally {
      await client.stop();
    }
  });
});
