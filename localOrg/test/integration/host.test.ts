// DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example:<port>; the
// local org answers only to its loopback names with its own port.
import './isolatedHome';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { it } from 'node:test';
import { startTestOrg } from './helpers';

function get(
  port: number,
  host: string,
  path: string,
  secret: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { Host: host, Authorization: `Bearer ${secret}` };
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('refuses a rebound Host and serves 127.0.0.1, localhost and [::1] on any port', async () => {
  const org = await startTestOrg({ seed: 'none' });
  try {
    const p = org.port;
    for (const host of [
      `evil.example:${p}`,
      'evil.example',
      `127.0.0.1.evil.example:${p}`,
      `localhost.evil.example`,
    ]) {
      const res = await get(p, host, '/_local/orgs', org.adminSecret);
      assert.equal(res.status, 421, host);
      assert.ok(!res.body.includes(String(org.orgs.lmo.accessToken)), host);
      assert.equal(
        (JSON.parse(res.body) as Array<{ errorCode: string }>)[0]?.errorCode,
        'MISDIRECTED_REQUEST',
      );
    }
    // Another port is VS Code in a browser forwarding a localhost URL through its own port.
    for (const host of [
      `127.0.0.1:${p}`,
      `localhost:${p}`,
      `[::1]:${p}`,
      `LOCALHOST:${p}`,
      `127.0.0.1:${p + 1}`,
      'localhost',
    ]) {
      assert.equal((await get(p, host, '/_local/orgs', org.adminSecret)).status, 200, host);
    }
  } finally {
    await org.close();
  }
});
