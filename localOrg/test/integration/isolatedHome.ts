// Imported first by the local org's integration tests: the server writes its admin secret under
// ~/.lma-local-org, so every test process gets a throw-away home.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'lma-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
export { home };
