// `lma-local-org` admin commands as a process: they read the secret the running server wrote for this
// user, and without it get nothing.
import { home } from './isolatedHome';
import { runLocalOrgCli } from './cliProcess';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { LocalOrg } from '../../index';
import { startTestOrg } from './helpers';

let org: LocalOrg;

before(async () => {
  org = await startTestOrg({ seed: 'demo' });
});
after(() => org?.close());

const cli = runLocalOrgCli;

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
