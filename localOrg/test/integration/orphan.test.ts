// `lma-local-org start` runs the server in a child process (for its V8 flags): a kill -9 of the
// command must not leave that child running, holding the port and the data folder.
import './isolatedHome';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { sleep } from './helpers';

const bin = resolve(__dirname, '../../bin/lma-local-org.js');

// A zombie (exited, not yet reaped where PID 1 doesn't reap) counts as gone.
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

it('the server child stops when `lma-local-org start` is killed with SIGKILL', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lma-orphan-'));
  const parent = spawn(process.execPath, [bin, 'start', '--port', '0', '--seed', 'none', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let child = 0;
  try {
    const url = await new Promise<string>((done, fail) => {
      const lines = createInterface({ input: parent.stdout });
      lines.on('line', (line) => {
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(line);
        if (m) done(m[0]);
      });
      parent.once('exit', (code) => fail(new Error(`lma-local-org exited with ${code}`)));
    });
    const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    assert.equal(children.length, 1);
    child = children[0]!;
    assert.equal((await fetch(`${url}/services/data`)).status, 200);
    parent.kill('SIGKILL');
    const end = Date.now() + 10_000;
    while (alive(child) && Date.now() < end) await sleep(50);
    assert.equal(alive(child), false, 'the server child outlived its parent');
    await assert.rejects(fetch(`${url}/services/data`), 'the port is still served');
  } finally {
    if (parent.exitCode === null) parent.kill('SIGKILL');
    // Should the test fail, the orphan must not hold the port (and this test's pipe) forever.
    if (child && alive(child)) process.kill(child, 'SIGKILL');
    parent.stdout.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
