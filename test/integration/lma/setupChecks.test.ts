// The kind of the connected org, read from its Organization record on the local org, for the warning
// about an LMO that is a sandbox, scratch or Developer Edition org.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { checkLmaPresence } from '../../../src/lma/records/lmaPresence';
import { loadOrgKind } from '../../../src/lma/workflows/setupChecks';
import { LmoSession } from '../../../src/org/lmoSession';
import { authorizeWithRefreshToken } from '../../../src/org/salesforce';

let org: LocalOrg;
before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
});
after(async () => {
  await org?.close();
});

async function kindOf(refreshToken: string, alias: string) {
  await authorizeWithRefreshToken({ loginUrl: org.instanceUrl, refreshToken, alias });
  const session = new LmoSession({
    log: { trace() {}, info() {}, warn() {}, error() {} },
    checkLma: (request) => checkLmaPresence({ request }),
  });
  try {
    await session.connect(alias);
    return await loadOrgKind({ request: (path, options) => session.request(path, options) });
  } finally {
    session.dispose();
  }
}

test('an Enterprise Edition LMO is production; Developer Edition and sandbox orgs are named as such', async () => {
  assert.equal(await kindOf(org.orgs.lmo.refreshToken, 'kind-lmo'), 'production');
  const developer = await org.createTestOrg();
  assert.equal(await kindOf(developer.refreshToken, 'kind-dev'), 'developer');
  const sandbox = await org.createTestOrg({ sandbox: true });
  assert.equal(await kindOf(sandbox.refreshToken, 'kind-sandbox'), 'sandbox');
});
