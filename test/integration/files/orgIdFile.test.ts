// "Load from File…" of the push panel, its host side with real files: a .txt of one id a line and a .csv
// whose first column holds the ids (a header, other columns, quotes, a BOM, CRLF) give the ids; a bad
// line is named by the file's line number and nothing is loaded; a file past the limit is refused
// before it is read; a file with no id says so.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readOrgIdFile } from '../../../src/files/orgIdFile';
import { toId18 } from '../../../src/lma/records/soql';
import { MAX_ORG_ID_FILE_BYTES } from '../../../src/lma/rules/pushSelection';

const A = '00D000000000001';
const B = '00D000000000002';
const C = toId18('00D000000000003');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'org-id-file-'));
});
const file = async (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

test('a .txt of one id a line gives its ids (15 and 18 characters, duplicates once)', async () => {
  const loaded = await readOrgIdFile(await file('orgs.txt', `${A}\n\n${B}\n${toId18(A)}\n${C}\n`));
  assert.deepEqual(loaded, { fileName: 'orgs.txt', ids: [toId18(A), toId18(B), C] });
});

test('a .csv gives the first column of each line: header, other columns, quotes, BOM and CRLF', async () => {
  const csv = `\uFEFFOrg Id,Customer,Org Type\r\n"${A}","Acme, Inc.",Production\r\n${B};Globex;Sandbox\r\n${C}\tInitech\r\n`;
  const loaded = await readOrgIdFile(await file('orgs.csv', csv));
  assert.deepEqual(loaded, { fileName: 'orgs.csv', ids: [toId18(A), toId18(B), C] });
});

test('a bad line is named by its line number in the file, and nothing is loaded', async () => {
  const csv = `Org Id,Customer\n${A},Acme\n00D12345,Short Ltd\n${B},Globex\n001000000000001,Not An Org\n`;
  const loaded = await readOrgIdFile(await file('bad.csv', csv));
  assert.ok('problem' in loaded, JSON.stringify(loaded));
  assert.match(loaded.problem, /^bad\.csv: 2 of its lines can't be used, so nothing was loaded: /);
  assert.match(loaded.problem, /line 3: “00D12345” has 8 characters/);
  assert.match(loaded.problem, /line 5: “001000000000001” doesn't start with 00D/);
  assert.ok(!('ids' in loaded));
});

test('a file past the limit is refused before it is read; a file with no id says so', async () => {
  const big = await file('big.csv', Buffer.alloc(MAX_ORG_ID_FILE_BYTES + 1, 'x'));
  assert.deepEqual(await readOrgIdFile(big), {
    fileName: 'big.csv',
    problem: 'big.csv is 1 MB: a file of org ids is read up to 1 MB, so nothing was loaded.',
  });
  const small = await readOrgIdFile(await file('small.txt', `${A}\n${B}\n`), 20);
  assert.deepEqual(small, {
    fileName: 'small.txt',
    problem: 'small.txt is 32 bytes: a file of org ids is read up to 20 bytes, so nothing was loaded.',
  });
  assert.deepEqual(await readOrgIdFile(await file('header.csv', 'Org Id\n\n')), {
    fileName: 'header.csv',
    problem: 'header.csv has no org id, so nothing was loaded.',
  });
});
