// Fails when package-lock.json is out of step with package.json, the drift that makes `npm install`
// rewrite the lockfile of a fresh clone. npm recomputes the lockfile from copies of both files (and of
// each workspace's package.json) in a scratch folder (no install, no scripts, the local cache first);
// any difference is printed.
// Usage: node scripts/checkLockfile.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'lma-lockfile-'));
try {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const workspace of workspaces) mkdirSync(join(scratch, workspace), { recursive: true });
  for (const file of ['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)])
    copyFileSync(join(root, file), join(scratch, file));
  try {
    execFileSync(
      'npm',
      ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: scratch, stdio: 'pipe' },
    );
  } catch (error) {
    process.stderr.write(error.stderr ?? '');
    throw error;
  }
  const committed = readFileSync(join(root, 'package-lock.json'), 'utf8');
  const recomputed = readFileSync(join(scratch, 'package-lock.json'), 'utf8');
  if (committed !== recomputed) {
    const a = committed.split('\n');
    const b = recomputed.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    console.error('package-lock.json is out of step with package.json: `npm install` would rewrite it.');
    console.error(`First difference at line ${first + 1}:`);
    console.error(`  committed:  ${a[first] ?? '(end of file)'}`);
    console.error(`  npm writes: ${b[first] ?? '(end of file)'}`);
    console.error('Run `npm install` and commit package-lock.json.');
    process.exit(1);
  }
  console.log('package-lock.json is in step with package.json.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
