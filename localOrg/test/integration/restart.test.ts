// Durability and the admin API: a restarted local org keeps its orgs, tokens
// and records; a second one on the same port fails with EADDRINUSE; the admin
// API refuses cross-origin callers.
import './isolatedHome';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { raw, startTestOrg } from './helpers';

it('keeps orgs, tokens, the Partner Console and records across a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lma-restart-'));
  const first = await startTestOrg({ dataDir, seed: 'none' });
  const token = first.orgs.lmo.accessToken as string;
  const pkg = first.console.createPackage({ name: 'Durable Package' });
  const created = await raw(first, token, 'POST', '/services/data/v62.0/sobjects/Account', {
    Name: 'Survivor',
  });
  assert.equal(created.status, 201);
  const port = first.port;
  await assert.rejects(
    startTestOrg({ port, dataDir }),
    (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE',
  );
  await first.close();

  const second = await startTestOrg({ dataDir, port });
  try {
    assert.equal(second.orgs.lmo.accessToken, token);
    assert.deepEqual(
      second.console.packages().map((p) => p.id),
      [pkg.id],
    );
    const id = (created.body as { id: string }).id;
    const read = await raw(second, token, 'GET', `/services/data/v62.0/sobjects/Account/${id}`);
    assert.equal((read.body as { Name: string }).Name, 'Survivor');
  } finally {
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it('serves the admin API to local tools and refuses web pages', async () => {
  const org = await startTestOrg({ seed: 'none' });
  try {
    const orgs = await raw(org, org.adminSecret, 'GET', '/_local/orgs');
    assert.equal(
      (orgs.body as { lmo: { refreshToken: string } }).lmo.refreshToken,
      org.orgs.lmo.refreshToken,
    );
    const created = await raw(org, org.adminSecret, 'POST', '/_local/orgs', { sandbox: true });
    assert.equal(created.status, 201);
    assert.equal((created.body as { isSandbox: boolean }).isSandbox, true);
    const csrf = await raw(
      org,
      org.adminSecret,
      'POST',
      '/_local/faults/respond',
      { status: 503 },
      { Origin: 'https://evil.example' },
    );
    assert.equal(csrf.status, 403);
    assert.equal(
      ((await raw(org, org.adminSecret, 'GET', '/_local/faults')).body as { forced: unknown }).forced,
      null,
    );
    const unknown = await raw(org, org.orgs.lmo.accessToken, 'GET', '/services/data/v62.0/nowhere');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as Array<{ errorCode: string }>)[0]?.errorCode, 'NOT_FOUND');
  } finally {
    await org.close();
  }
});
