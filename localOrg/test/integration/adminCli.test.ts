// `lma-local-org` admin commands as a process: they read the secret the running server wrote for this
// user, and without it get nothing.
import { home } from './isolatedHome';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { startTestOrg } from './helpers';

const bin = resolve(__dirname, '../../bin/lma-local-org.js');
let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ seed: 'demo' });
});
after(() => org?.close());

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('lists the orgs and their tokens for the user who started the server', async () => {
  const r = await cli(['orgs', '--port', String(org.port)], { HOME: home });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(org.orgs.lmo.accessToken as string));
  const packages = await cli(['console', 'packages', '--port', String(org.port)], { HOME: home });
  assert.equal(packages.code, 0, packages.stderr);
  assert.match(packages.stdout, /Acme Billing/);
});

it('gets nothing without the secret file (another user, whose home has none)', async () => {
  const other = mkdtempSync(join(tmpdir(), 'lma-other-user-'));
  try {
    const r = await cli(['orgs', '--port', String(org.port)], { HOME: other, USERPROFILE: other });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No local org of yours runs on port \d+ \(.*admin-\d+\.secret is missing\)/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(org.orgs.lmo.accessToken as string));
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
