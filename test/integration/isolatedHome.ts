// Imported first by integration tests: @salesforce/core reads HOME when it loads and writes auth files
// under ~/.sfdx even without save(), so every test process gets a throw-away home.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'lma-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.SF_DISABLE_LOG_FILE = 'true';
process.env.SF_DISABLE_TELEMETRY = 'true';
process.env.SF_DISABLE_DNS_CHECK = 'true';
process.on('exit', () => rmSync(home, { recursive: true, force: true }));
export { home };
