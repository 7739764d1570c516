/**
 * The CSV exports that write text whole (usage, push failures) go through the one partial-file writer:
 * the path holds the whole text or what it held before, never a partial file, and a failure throws the
 * file system's own error (the commands word it as "Couldn't write <file>: …").
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writePushFailuresCsv } from '../../../src/files/pushFailuresFile';
import { writeUsageCsv } from '../../../src/files/usageExportFile';

test('the usage CSV replaces a file already there only when complete', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'partial-'));
  const file = join(dir, 'usage.csv');
  await writeFile(file, "the user's own text\r\n");
  await writeUsageCsv(file, ['Org ID,Name\r\n', '00D000000000001,Acme\r\n']);
  assert.equal(await readFile(file, 'utf8'), 'Org ID,Name\r\n00D000000000001,Acme\r\n');
  assert.deepEqual(await readdir(dir), ['usage.csv']);
});

test("a rename that fails leaves what is at the path and no partial file, with the file system's error", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'partial-'));
  const taken = join(dir, 'failures.csv');
  await mkdir(taken);
  await writeFile(join(taken, 'kept.txt'), 'kept');
  await assert.rejects(writePushFailuresCsv(taken, 'Org ID,Error\r\n'), (error: NodeJS.ErrnoException) => {
    assert.match(error.code ?? '', /^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/);
    return true;
  });
  assert.deepEqual(await readdir(dir), ['failures.csv']);
  assert.deepEqual(await readdir(taken), ['kept.txt']);
});

test("a folder that does not exist: the open's own error, and nothing is created", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'partial-'));
  await assert.rejects(writeUsageCsv(join(dir, 'missing', 'usage.csv'), ['a\r\n']), { code: 'ENOENT' });
  assert.deepEqual(await readdir(dir), []);
});
