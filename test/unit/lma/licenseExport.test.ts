import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { writeLicensesCsv, ExportError } from '../../../src/lma/workflows/licenseExport';
import {
  csvCell,
  csvRow,
  exportFileName,
  LICENSE_EXPORT_COLUMNS,
  licenseCsvRow,
} from '../../../src/lma/rules/licenseCsv';
import { formatExpiration } from '../../../src/lma/rules/encodings';
import { toLicense, type LicenseRow } from '../../../src/lma/records/licenseRecord';
import { licenseExportSoql } from '../../../src/lma/records/licenses';
import { LMA_1_20_FIELDS } from '../../../src/lma/records/lmaFields';
import type { LmoApi } from '../../../src/lma/records/lmoApi';
import { parseCsv } from './parseCsv';

test('fields with a comma, a quote, CR or LF are quoted, quotes doubled; others are bare', () => {
  assert.equal(csvCell('Acme'), 'Acme');
  assert.equal(csvCell('Acme, Inc.'), '"Acme, Inc."');
  assert.equal(csvCell('The "Best" Co'), '"The ""Best"" Co"');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('carriage\rreturn'), '"carriage\rreturn"');
  assert.equal(csvCell('Chloé 株式会社'), 'Chloé 株式会社');
  assert.equal(csvRow(['a', 'b,c', '']), 'a,"b,c",\r\n');
});

test('numbers and booleans are written as they are; absent values are empty', () => {
  assert.equal(csvCell(-1), '-1');
  assert.equal(csvCell(99_000_000), '99000000');
  assert.equal(csvCell(0), '0');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(false), 'false');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(Number.NaN), '');
});

test('text a spreadsheet would run as a formula gets a leading apostrophe', () => {
  assert.equal(
    csvCell('=HYPERLINK("http://evil.example","Click")'),
    `"'=HYPERLINK(""http://evil.example"",""Click"")"`,
  );
  assert.equal(csvCell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1:A9)'), "'@SUM(A1:A9)");
  assert.equal(csvCell('\t=1+1'), "'\t=1+1");
  assert.equal(csvCell('\r=1+1'), `"'\r=1+1"`);
  assert.equal(csvCell('-'), "'-");
});

test('full-width formula signs, a leading NUL and a leading line feed are neutralised too', () => {
  // Spreadsheets fold the full-width forms to their ASCII signs (＝ U+FF1D, ＋ U+FF0B, － U+FF0D,
  // ＠ U+FF20), and some drop a leading NUL or line feed before they look at the first character.
  assert.equal(
    csvCell('\uFF1DHYPERLINK("http://evil.example")'),
    `"'\uFF1DHYPERLINK(""http://evil.example"")"`,
  );
  assert.equal(csvCell('\uFF0Bcmd|calc'), "'\uFF0Bcmd|calc");
  assert.equal(csvCell('\uFF0D1+1'), "'\uFF0D1+1");
  assert.equal(csvCell('\uFF0D1'), "'\uFF0D1");
  assert.equal(csvCell('\uFF20SUM(A1)'), "'\uFF20SUM(A1)");
  assert.equal(csvCell('\0=1+1'), "'\0=1+1");
  assert.equal(csvCell('\n=1+1'), `"'\n=1+1"`);
  // Further in, they are text.
  assert.equal(csvCell('Acme\uFF1D1'), 'Acme\uFF1D1');
  assert.equal(csvCell('a\nb'), '"a\nb"');
});

test('text that is only a number, and text with a formula sign further in, is left alone', () => {
  assert.equal(csvCell('-1'), '-1');
  assert.equal(csvCell('+49'), '+49');
  assert.equal(csvCell('-0.5'), '-0.5');
  assert.equal(csvCell('1e-3'), '1e-3');
  assert.equal(csvCell('Smith-Jones = partners'), 'Smith-Jones = partners');
  assert.equal(csvCell('a@b.example'), 'a@b.example');
});

const fullRow: LicenseRow = {
  Id: 'a0B000000000001AAA',
  Name: 'L-00042',
  sfLma__Status__c: 'Active',
  sfLma__Seats__c: -1,
  sfLma__Used_Licenses__c: 17,
  sfLma__Expiration__c: '1970-01-01',
  sfLma__Install_Date__c: '2024-02-03',
  sfLma__Subscriber_Org_ID__c: '00D5g000004ABCD',
  sfLma__Subscriber_Org_Is_Sandbox__c: true,
  sfLma__Org_Instance__c: 'NA139',
  sfLma__Org_Type__c: 'Enterprise Edition',
  sfLma__Package_Version__c: 'a0A000000000009AAA',
  sfLma__Version_Number__c: '2.1.0',
  sfLma__Lead__r: { Company: 'Lead Co', Name: 'Ada Lovelace' },
  sfLma__Account__r: { Name: '=Acme, "Global"' },
  CreatedDate: '2024-02-03T10:11:12.000+0000',
};
const today = new Date('2025-06-15T12:00:00Z');

test('a license row has every field the tree shows, raw and human, in the header order', () => {
  const header = LICENSE_EXPORT_COLUMNS.map((column) => column.header);
  const [cells] = parseCsv(
    licenseCsvRow(toLicense(fullRow), { packageName: 'Acme Billing', today: '2025-06-15' }),
  );
  assert.equal(cells!.length, header.length);
  const row = Object.fromEntries(header.map((name, i) => [name, cells![i]]));
  assert.deepEqual(row, {
    'License Id': 'a0B000000000001AAA',
    'License Name': 'L-00042',
    Package: 'Acme Billing',
    Version: '2.1.0',
    'Package Version Id': 'a0A000000000009AAA',
    Status: 'Active',
    Customer: `'=Acme, "Global"`,
    'Subscriber Org Id': '00D5g000004ABCD',
    Sandbox: 'true',
    'Sandbox (display)': 'Sandbox',
    'Org Edition': 'Enterprise Edition',
    'Org Instance': 'NA139',
    Seats: '-1',
    'Seats (display)': 'Site License',
    'Used Licenses': '17',
    Expiration: '1970-01-01',
    'Expiration (display)': 'Does not expire',
    'Install Date': '2024-02-03',
    'Created Date': '2024-02-03T10:11:12.000+0000',
  });
  // Every value the query reads reaches the file (the lead's name only when there is no account).
  const written = cells!.join('\n');
  for (const value of Object.values(fullRow)) {
    if (typeof value === 'object' && value !== null) continue;
    assert.ok(written.includes(String(value)), `${String(value)} is exported`);
  }
});

test('human values: no expiration, an expired and a future date, seats, production', () => {
  assert.equal(formatExpiration(undefined, today), 'Does not expire');
  assert.equal(formatExpiration('1970-01-01', today), 'Does not expire');
  assert.equal(formatExpiration('2025-06-14', today), 'Expired 2025-06-14');
  assert.equal(formatExpiration('2025-06-15', today), 'Expires 2025-06-15');
  const license = toLicense({
    ...fullRow,
    sfLma__Seats__c: 25,
    sfLma__Expiration__c: null,
    sfLma__Subscriber_Org_Is_Sandbox__c: false,
    sfLma__Account__r: null,
  });
  const [cells] = parseCsv(licenseCsvRow(license, { packageName: 'P', today: '2025-06-15' }));
  const at = (name: string) => cells![LICENSE_EXPORT_COLUMNS.findIndex((column) => column.header === name)];
  assert.equal(at('Seats'), '25');
  assert.equal(at('Seats (display)'), '25 seats');
  assert.equal(at('Expiration'), '');
  assert.equal(at('Expiration (display)'), 'Does not expire');
  assert.equal(at('Sandbox'), 'false');
  assert.equal(at('Sandbox (display)'), 'Production');
  assert.equal(at('Customer'), 'Lead Co', 'the lead before conversion');
});

test('file name: package, status, date; characters no file system takes are replaced', () => {
  const day = new Date(2025, 0, 9);
  assert.equal(
    exportFileName({ package: { id: 'x', name: 'Acme Billing' }, status: 'Active' }, day),
    'acme-billing-active-licenses-2025-01-09.csv',
  );
  assert.equal(
    exportFileName({ package: { id: 'x', name: 'A/B: "Tools" <v2>?' } }, day),
    'a-b-tools-v2-licenses-2025-01-09.csv',
  );
  assert.equal(exportFileName({ package: { id: 'x', name: '..' } }, day), 'package-licenses-2025-01-09.csv');
});

test('the query: the tree fields of one package, by status when given, newest first', () => {
  const soql = licenseExportSoql({ package: { id: 'a0C000000000001AAA', name: 'P' }, status: 'Trial' });
  assert.match(soql, /^SELECT Id, Name, sfLma__Status__c, .* FROM sfLma__License__c WHERE /);
  assert.match(
    soql,
    /\(sfLma__Package_Version__r\.sfLma__Package__c = 'a0C000000000001AAA' OR \(sfLma__Package_Version__c = null AND sfLma__Package__c = 'a0C000000000001AAA'\)\) AND sfLma__Status__c = 'Trial' ORDER BY Id DESC$/,
  );
  // An older LMA: no License → Package, no subscriber org fields in the SELECT.
  const older = licenseExportSoql(
    { package: { id: 'a0C000000000001AAA', name: 'P' }, status: 'Other' },
    {
      ...LMA_1_20_FIELDS,
      license: LMA_1_20_FIELDS.license.filter((f) => !/Package__c|Org_|Version_Number/.test(f)),
    },
  );
  assert.doesNotMatch(older, /Org_Instance|Version_Number|sfLma__Package_Version__c = null/);
  assert.match(
    older,
    /WHERE sfLma__Package_Version__r\.sfLma__Package__c = 'a0C000000000001AAA' AND \(sfLma__Status__c = null OR sfLma__Status__c NOT IN \('Active', 'Trial', 'Suspended', 'Uninstalled'\)\) ORDER/,
  );
  assert.doesNotMatch(licenseExportSoql({ package: { id: 'a0C000000000001AAA', name: 'P' } }), /Status__c =/);
});

test('no package, or a status the LMA does not have: a clear error and no request', async () => {
  const api: LmoApi = { request: () => assert.fail('no request may be made') };
  const cases: Array<[unknown, RegExp]> = [
    [{ package: { id: '', name: '' } }, /Choose a package/],
    [undefined, /Choose a package/],
    [
      { package: { id: 'a0C000000000001AAA', name: 'P' }, status: 'Expired' },
      /"Expired" is not a License status group/,
    ],
  ];
  for (const [group, message] of cases) {
    const out = new PassThrough();
    await assert.rejects(
      writeLicensesCsv(api, group as never, out),
      (error: unknown) =>
        error instanceof ExportError && error.kind === 'input' && message.test(error.message),
    );
    assert.equal(out.read(), null, 'nothing written');
  }
});
