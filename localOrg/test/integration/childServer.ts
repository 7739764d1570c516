// Child process of startChildOrg (helpers.ts): a local org on a data folder, printing its port and
// the LMO's token once it listens; tests kill it with SIGKILL.
import { startLocalOrg } from '../../index';

async function main(): Promise<void> {
  const org = await startLocalOrg({ port: 0, dataDir: process.argv[2]!, seed: 'none', installDelayMs: 200 });
  process.stdout.write(`${JSON.stringify({ port: org.port, token: org.orgs.lmo.accessToken })}\n`);
}
void main();
