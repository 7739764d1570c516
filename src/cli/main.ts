/**
 * `lma-explorer`, the headless entry point: the same domain code as the extension, with no `vscode`,
 * so that CI can verify a release with a test install. Org access goes through the Salesforce CLI's
 * auth store, like `sf` itself.
 *
 *   lma-explorer test-install --lmo ALIAS --target-org ALIAS --version 04t… [--json]
 *   lma-explorer push-upgrade plan|schedule|report|retry|abort … (src/cli/pushUpgrade.ts)
 *   lma-explorer usage <package> --lmo ALIAS [--period …] [--org …] [--json] [--csv file] [--refresh] (src/cli/usage.ts)
 *
 * An installation key comes from --installation-key or LMA_INSTALLATION_KEY (so that CI keeps it out of
 * shell history and process lists); it is never printed, logged or kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { settingDefaults, settings } from '../ids';
import { loadPackages } from '../lma/records/packages';
import { readProjectDocument } from '../lma/project/projectDocument';
import { toId15 } from '../lma/records/soql';
import {
  checkVersionAccess,
  keyInvalidMessage,
  runTestInstall,
  sitesOf,
  type TestInstallReport,
} from '../lma/workflows/testInstall';
import { prepareTestInstall } from '../lma/workflows/testInstallPreparation';
import { pushUpgrade } from './pushUpgrade';
import { usage } from './usage';
import { loadSalesforce } from '../org/salesforceLoader';
import { cliLog, note, withLmo } from './lmo';

/** The environment variable that can carry the installation key instead of --installation-key. */
const KEY_VARIABLE = 'LMA_INSTALLATION_KEY';

/** The same defaults as the extension's settings (lma.testInstall.*). */
const defaults = {
  license: String(settingDefaults[settings.licenseTimeoutSeconds]),
  version: String(settingDefaults[settings.versionTimeoutSeconds]),
  install: String(settingDefaults[settings.installTimeoutSeconds]),
};

const USAGE = `Usage: lma-explorer test-install --lmo <alias|username> --target-org <alias|username> --version <04t…> [options]

Installs a package version into a test org and verifies that the License Management Org records a
License and a Lead with the default licensing terms of sfdx-project.json (plugins.lma).

Options:
  --installation-key <key>       the version's installation key (or set ${KEY_VARIABLE}, which keeps it
                                 out of shell history and process lists)
  --remote-sites enable|disable  whether to enable the version's remote site settings and CSP trusted
                                 sites (required when the version has any)
  --project <path>               sfdx-project.json with the terms (default: ./sfdx-project.json)
  --license-timeout <seconds>    how long to wait for the License in the LMO (default ${defaults.license})
  --version-timeout <seconds>    how long to wait for the version to become installable (default ${defaults.version})
  --install-timeout <seconds>    how long to follow the install (default ${defaults.install})
  --json                         print the report as JSON
  --verbose                      log every request to stderr

Exit codes: 0 verified, 1 verification failed or no License, 2 the run could not start.

Push upgrades: lma-explorer push-upgrade --help
App Analytics usage: lma-explorer usage --help`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'push-upgrade') return pushUpgrade(rest);
  if (command === 'usage') return usage(rest);
  if (command !== 'test-install') {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  let options: ReturnType<typeof parse>;
  try {
    options = parse(rest);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  return testInstall(options);
}

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      lmo: { type: 'string' },
      'target-org': { type: 'string' },
      version: { type: 'string' },
      'installation-key': { type: 'string' },
      'remote-sites': { type: 'string' },
      project: { type: 'string' },
      'license-timeout': { type: 'string', default: defaults.license },
      'version-timeout': { type: 'string', default: defaults.version },
      'install-timeout': { type: 'string', default: defaults.install },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const missing = (['lmo', 'target-org', 'version'] as const).filter((name) => !values[name]);
  if (missing.length) throw new Error(`Missing ${missing.map((name) => `--${name}`).join(', ')}.`);
  if (!/^04t[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/.test(values.version!))
    throw new Error(`--version must be a package version id (04t…, 15 or 18 characters).`);
  const sites = values['remote-sites'];
  if (sites !== undefined && sites !== 'enable' && sites !== 'disable')
    throw new Error('--remote-sites takes enable or disable.');
  const seconds = (name: 'license-timeout' | 'version-timeout' | 'install-timeout') => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number of seconds.`);
    return value * 1000;
  };
  return {
    lmo: values.lmo!,
    targetOrg: values['target-org']!,
    versionId: values.version!,
    installationKey: values['installation-key'] || process.env[KEY_VARIABLE] || undefined,
    enableRemoteSites: sites === undefined ? undefined : sites === 'enable',
    project: resolve(values.project ?? 'sfdx-project.json'),
    limits: {
      licenseTimeoutMs: seconds('license-timeout'),
      versionTimeoutMs: seconds('version-timeout'),
      installTimeoutMs: seconds('install-timeout'),
    },
    json: values.json!,
    verbose: values.verbose!,
  };
}

async function testInstall(options: ReturnType<typeof parse>): Promise<number> {
  const log = cliLog(options.verbose);
  return withLmo(options.lmo, log, async (session, state) => {
    const salesforce = await loadSalesforce();
    const prepared = await prepareTestInstall({
      lmoOrgId: state.org.orgId,
      openTarget: () =>
        salesforce.openConnection(options.targetOrg, (exchange) =>
          log.info(`[test org] ${exchange.method} ${exchange.path} → ${exchange.status}`),
        ),
      readProject: async () => {
        if (!existsSync(options.project)) return undefined;
        const project = readProjectDocument(readFileSync(options.project, 'utf8'));
        for (const problem of project.problems)
          console.error(
            `${options.project} (line ${problem.line}, column ${problem.column}): ${problem.message}${project.parseError ? ' Its terms are not checked.' : ''}`,
          );
        return project;
      },
    });
    if (prepared.kind === 'targetIsLmo') {
      console.error(prepared.message);
      return 2;
    }
    const target = prepared.connection;
    // A look at the version before anything is installed: a key problem or unanswered remote sites
    // stop the run here (exit 2). A version not visible yet (still replicating) is waited for first,
    // since its key and sites are known only once it is; the run then has what is left of the wait.
    const versionDeadline = Date.now() + options.limits.versionTimeoutMs;
    let access = await checkVersionAccess(target, options.versionId, options.installationKey);
    if (access.kind === 'notVisible')
      console.error(`Version ${options.versionId} is not visible to the test org yet: waiting for it.`);
    while (access.kind === 'notVisible' && Date.now() < versionDeadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, versionDeadline - Date.now())));
      access = await checkVersionAccess(target, options.versionId, options.installationKey);
    }
    if (access.kind === 'keyRequired') {
      console.error(
        `Version ${options.versionId} is protected by an installation key: pass --installation-key <key> or set ${KEY_VARIABLE}.`,
      );
      return 2;
    }
    if (access.kind === 'keyInvalid') {
      console.error(`${keyInvalidMessage(options.versionId)} Check --installation-key or ${KEY_VARIABLE}.`);
      return 2;
    }
    const sites = access.kind === 'visible' ? sitesOf(access.version) : [];
    if (sites.length && options.enableRemoteSites === undefined) {
      console.error(
        `Version ${options.versionId} brings remote site settings or CSP trusted sites:\n  ${sites.join('\n  ')}\nChoose: --remote-sites enable or --remote-sites disable.`,
      );
      return 2;
    }
    const packages = await loadPackages(session);
    const lmoPackage = packages.find((pkg) =>
      pkg.versions.some(
        (version) => version.versionId && toId15(version.versionId) === toId15(options.versionId),
      ),
    );
    const report = await runTestInstall({
      lmo: session,
      lmoUsername: state.org.username,
      target: prepared.target,
      versionId: options.versionId,
      installationKey: options.installationKey,
      enableRemoteSites: options.enableRemoteSites,
      packageName: lmoPackage?.name,
      termsFor: prepared.termsFor,
      limits: { ...options.limits, versionTimeoutMs: Math.max(0, versionDeadline - Date.now()) },
      waiting: {
        onPhase: (phase) => {
          // Retries are always reported; the other phases with --verbose.
          if (phase.kind === 'retryingInstall')
            note(
              `… install request refused for now (${phase.error}): retry ${phase.attempt} in ${Math.round(phase.delayMs / 1000)} s`,
            );
          else if (options.verbose) note(`… ${phase.kind}${'status' in phase ? ` ${phase.status}` : ''}`);
        },
      },
    });
    console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.outcome === 'passed' ? 0 : 1;
  });
}

/** The report as text: one line per check, then the messages. */
export function formatReport(report: TestInstallReport): string {
  const lines = [
    `Test install${report.installKind ? ` (${report.installKind})` : ''} of ${report.packageName} ${report.versionName} (${report.versionId}) into ${report.targetOrg.username}${report.targetOrg.isSandbox ? ' (sandbox)' : ''}: ${report.outcome.toUpperCase()}`,
    `Expected: ${report.expectedTerms ?? 'no terms in sfdx-project.json'}`,
    ...report.checks.map(
      (check) =>
        `  ${check.result === 'pass' ? 'PASS' : check.result === 'fail' ? 'FAIL' : 'INFO'}  ${check.name.padEnd(10)} expected ${check.expected}; found ${check.found}${check.advice ? `\n        ${check.advice}` : ''}`,
    ),
    ...report.messages.map((message) => `  ${message}`),
  ];
  return lines.join('\n');
}
