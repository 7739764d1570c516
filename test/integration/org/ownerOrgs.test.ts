// The owner org of a package's pushes, when it is not the LMO: opened from the CLI auth store like the
// LMO (real @salesforce/core over HTTP to the local org's Dev Hub), shared per username, its requests
// logged without a token, a failed open reported with the target's name and tried again next time.
import '../isolatedHome';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalOrg, type LocalOrg } from 'lma-local-org';
import { choosePushOwner, ownsPackage } from '../../../src/lma/records/pushOwner';
import { queryPage } from '../../../src/lma/records/lmoApi';
import { OwnerOrgConnections } from '../../../src/org/ownerOrgs';
import { authorizeWithRefreshToken, openConnection, projectDevHub } from '../../../src/org/salesforce';

let org: LocalOrg;
const lines: string[] = [];
const log = {
  trace: () => {},
  info: (l: string) => lines.push(l),
  warn: (l: string) => lines.push(l),
  error: () => {},
};

before(async () => {
  org = await startLocalOrg({ seed: 'demo' });
  await authorizeWithRefreshToken({
    loginUrl: org.instanceUrl,
    refreshToken: org.orgs.devhub.refreshToken,
    alias: 'owner-devhub',
  });
});
after(async () => {
  await org?.close();
});

test('the owner org opens from the auth store, once per username, and its requests are logged without a token', async () => {
  let opened = 0;
  const owners = new OwnerOrgConnections({
    log,
    open: (target, observe) => {
      opened++;
      return openConnection(target, observe);
    },
  });
  const owner = await owners.connect('owner-devhub');
  assert.equal(owner.orgId.slice(0, 15), org.orgs.devhub.id.slice(0, 15));
  const page = await queryPage<{ Id: string }>(owner, 'SELECT Id FROM Organization');
  assert.equal(page.records.length, 1);
  await owners.connect('owner-devhub');
  assert.equal(opened, 1, 'one connection per username');
  const logged = lines.filter((l) => l.startsWith('[owner org owner-devhub] GET '));
  assert.ok(logged.length >= 1, lines.join('\n'));
  assert.ok(!lines.some((l) => l.includes(org.orgs.devhub.refreshToken)));
});

test('an owner org that is not in the auth store: a message naming it, and the next call tries again', async () => {
  let opened = 0;
  const owners = new OwnerOrgConnections({
    log,
    open: (target, observe) => {
      opened++;
      return openConnection(target, observe);
    },
  });
  await assert.rejects(
    owners.connect('nobody@example.com'),
    /Could not connect to the package's owner org nobody@example\.com/,
  );
  await assert.rejects(owners.connect('nobody@example.com'));
  assert.equal(opened, 2);
});

test('an org that owns no package (no MetadataPackage row) does not own the pushes', async () => {
  const owner = await new OwnerOrgConnections({ log, open: openConnection }).connect('owner-devhub');
  assert.equal(await ownsPackage(owner, '033000000000000AAA'), false);
});

test("the project's target-dev-hub is the suggested owner org; none when the project sets none", async () => {
  const project = await mkdtemp(join(tmpdir(), 'push-owner-'));
  await writeFile(
    join(project, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
  );
  assert.equal(await projectDevHub(project), undefined);
  await mkdir(join(project, '.sf'));
  await writeFile(join(project, '.sf', 'config.json'), JSON.stringify({ 'target-dev-hub': 'owner-devhub' }));
  assert.equal(await projectDevHub(project), 'owner-devhub');
  assert.deepEqual(
    choosePushOwner({ lmoOwns: false, remembered: undefined, projectDevHub: await projectDevHub(project) }),
    { kind: 'unknown', suggestion: 'owner-devhub' },
  );
});
