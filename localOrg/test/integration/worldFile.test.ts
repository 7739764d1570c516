// world.json as users meet it: missing beside a journal with records, the start is refused (a new
// world would orphan them); truncated, the error names the file.
import './isolatedHome';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { it } from 'node:test';
import { startTestOrg } from './helpers';

async function savedWorld(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lma-world-'));
  const org = await startTestOrg({ dataDir, seed: 'none' });
  await org.close();
  return dataDir;
}

it('refuses to start when world.json is missing beside the journal, naming the files', async () => {
  const dataDir = await savedWorld();
  try {
    rmSync(join(dataDir, 'world.json'));
    await assert.rejects(startTestOrg({ dataDir, seed: 'none' }), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          `^${join(dataDir, 'world.json')} is missing, but ${dataDir}/(journal-\\d+|snapshot)\\.jsonl holds records: refusing to start a new world beside them\\. Restore world\\.json from a backup, or move the folder away to start afresh\\.$`,
        ),
      );
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('a truncated world.json fails with an error that names it', async () => {
  const dataDir = await savedWorld();
  try {
    const file = join(dataDir, 'world.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    await assert.rejects(startTestOrg({ dataDir, seed: 'none' }), (e: Error) => {
      assert.ok(e.message.startsWith(`${file} is damaged (`), e.message);
      assert.ok(e.message.endsWith('restore it from a backup, or move the folder away to start afresh.'));
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('keeps the data folder and its files private to the user (0700, 0600), older 0755/0644 ones too', async () => {
  const dataDir = await savedWorld();
  const modes = (): string[] =>
    [dataDir, ...readdirSync(dataDir).map((f) => join(dataDir, f))].map(
      (f) => `${basename(f)} ${(statSync(f).mode & 0o777).toString(8)}`,
    );
  try {
    for (const m of modes()) assert.match(m, / (700|600)$/, m);
    assert.ok(modes().some((m) => m.startsWith('world.json ')));
    chmodSync(dataDir, 0o755);
    for (const f of readdirSync(dataDir)) chmodSync(join(dataDir, f), 0o644);
    const org = await startTestOrg({ dataDir, seed: 'none' });
    await org.close();
    for (const m of modes()) assert.match(m, / (700|600)$/, m);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
