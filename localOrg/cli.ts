// `lma-local-org`: start the local org, or drive a running one through its
// admin API (/_local/...). Bundled to dist/cli.js; bin/lma-local-org.js
// is the shim that runs it.
import { readFileSync } from 'node:fs';
import { DEFAULT_PORT } from './address';
import { adminSecretPath } from './server/adminSecret';
import { loginCommands, startLocalOrg, type OrgView } from './index';
import { LMO_PROBLEM_HELP, LMO_PROBLEMS, isLmoProblem, type LmoProblems } from './world/lmoProblems';
import type { SeedSpec } from './world/seed';

// The problems the LMO can be seeded with, for the usage text.
const PROBLEM_LINES = LMO_PROBLEMS.map((p) => `      ${p.padEnd(22)} ${LMO_PROBLEM_HELP[p]}`).join('\n');

const USAGE = `Usage: lma-local-org <command> [options]

  start [--port N] [--data DIR] [--seed demo|none|N] [--problem NAME ...]
        [--versions N] [--irregular] [--lma older] [--license-rules] [--fma]
        [--license-delay MS] [--replication-delay MS]   run the local org (Ctrl+C stops it)
      --versions N       N released versions per associated package (real LMOs have hundreds)
      --irregular        also licenses without Status, with an unknown Status, without a version
      --lma older        an older LMA: no License → Package, no org fields, no version numbers
      --license-rules    enforce the Modify License limits on every API write (a customization)
      --fma              the LMO has the Feature Management App (sfFma objects)
      --license-delay MS the LMA writes the License this long after an install's SUCCESS (default 1500; 0: before it)
      --replication-delay MS  a new or promoted version is invisible to test orgs this long (default 1500)
      --subscribers N    at most N PackageSubscriber rows in the Dev Hub (default: one per installed License)
  timing [--install MS] [--license-delay MS] [--replication-delay MS] [--push-start MS] [--push-job MS]
         [--fma-to-subscriber MS] [--fma-to-lmo MS]
                                                       show or change how long those steps take (a started
                                                       push request waits --push-start, then each job --push-job)
  pushes [list] [--owner devhub|ORG] [--status STATUS] push requests of the Dev Hub and packaging orgs, newest first
  pushes show --id 0DV…                                a push request, its jobs and their errors
  pushes advance --id 0DV… [--count N]                 run the request's next N jobs now
  pushes fail --org 00D… --error-type TYPE [--times N] [--message TEXT] | --org 00D… --clear
                                                       how a subscriber's pushes fail (TYPE: ApexTestFailure, DeployError…)
  pushes subscriber --org 00D… [--org-status Active|Inactive|…] [--blocks-pushes on|off]
  packaging-orgs create [--name NAME]                  a 1GP packaging org (owns packages, pushes, is no Dev Hub)
  stop [--port N]                                      stop a running local org
  orgs [--port N]                                      list orgs, usernames and access tokens
  orgs create [--name NAME] [--sandbox]                create a subscriber test org
  orgs uninstall --org ID|USERNAME|NAME --package 033…|NAME
                                                       uninstall a package: its License becomes Uninstalled
  orgs feature-parameters --org ID|USERNAME|NAME       the feature parameter values a test org holds
  orgs feature-parameters --org ORG --package 033…|NAME --name PARAM --value V
                                                       set a Subscriber-to-LMO value there (reaches the LMO later)
  console packages                                     list packages, versions, associations
  console create-package --name NAME [--namespace NS] [--owner ORG] [--no-push]
  console deprecate --version 04t…
  console create-version --package 033… --version 1.2.0 [--beta] [--installable-after SECONDS]
        [--visible-after SECONDS] [--installation-key KEY] [--remote-site URL ...] [--csp-trusted-site URL ...]
  console promote --version 04t…
  console associate --package 033… --status Trial|Active [--days N | --no-expiry] [--seats N|site]
  console feature-parameters --package 033… [--file PARAMS.json]
                                                       show or declare (a JSON list) the package's feature parameters
  lmo license-validation-rule --message TEXT | --clear   a validation rule on License that blocks the LMA's inserts
  lmo lma                                              which LMA the LMO has, and its customizations
  lmo lma [--license-rules on|off] [--record-type-follows-status on|off] [--track FIELD,FIELD|none]
                                                       customize it: Modify License limits on API writes,
                                                       whether an API write of Status moves the record
                                                       type (default off), the License fields history tracks
  lmo users create [--no-lma-access] [--no-setup-access] [--first-name F] [--last-name L]
                                                       another LMO user (prints its access token)
  lmo fma [--installed on|off]                          whether the LMO has the Feature Management App
  lmo users create --no-fma-edit-access                 a user who may read the FMA's objects but not edit them
  lmo users create --no-subscriber-login                a user without "Log In to Subscriber Organization"
  lmo subscriber-login [--field on|off] [--permission on|off]
                                                       whether UserPermissionAccess exposes that permission
                                                       (default off) and whether the LMO's user holds it
  lmo problems                                         which problems the LMO has
  lmo problems [--on NAME ...] [--off NAME ...]        seed (or remove) problems that block Lead or License creation
${PROBLEM_LINES}
  faults                                               show armed faults
  faults expire-session [--org lmo|devhub|ID|USERNAME] [--revoke-refresh-token]
  faults respond --status 503|403 [--count N]          fail the next N requests (no --count: until cleared)
  faults delay --ms N                                  slow every response
  faults fail-next-install [--message TEXT]
  faults fail-next-install-creates --count N [--message TEXT]
                                                       the next N install creates fail (INVALID_CROSS_REFERENCE_KEY)
  faults tamper --org lmo --sobject TYPE --id ID --set Field=Value [--set ...]
  faults clear

Admin commands talk to http://127.0.0.1:PORT (default ${DEFAULT_PORT}) with the secret the server wrote
to ~/.lma-local-org/admin-PORT.secret (readable by you only).`;

interface Args {
  positional: string[];
  flags: Map<string, string[]>;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? (i++, next) : 'true');
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

const flag = (args: Args, name: string): string | undefined => args.flags.get(name)?.at(-1);

class CliError extends Error {}

function need(args: Args, name: string): string {
  const v = flag(args, name);
  if (v === undefined || v === 'true') throw new CliError(`--${name} is required`);
  return v;
}

/** The secret the server on `port` wrote for its user (see localOrg/server/adminSecret.ts). */
function readSecret(port: number): string {
  const file = adminSecretPath(port);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new CliError(
      `No local org of yours runs on port ${port} (${file} is missing). Start one with: lma-local-org start --port ${port}`,
    );
  }
}

async function admin(args: Args, method: string, path: string, body?: unknown): Promise<unknown> {
  const port = Number(flag(args, 'port') ?? DEFAULT_PORT);
  const secret = readSecret(port);
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}/_local/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError(
      `No local org answers on port ${port}. Start one with: lma-local-org start --port ${port}`,
    );
  }
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = Array.isArray(payload) ? (payload[0] as { message?: string; errorCode?: string }) : undefined;
    throw new CliError(`${err?.errorCode ?? res.status}: ${err?.message ?? 'request failed'}`);
  }
  return payload;
}

function printOrgs(instanceUrl: string, orgs: OrgView[]): void {
  console.log(`Local org running at ${instanceUrl}\n`);
  for (const o of orgs) {
    console.log(`  ${o.kind.padEnd(10)} ${o.name}`);
    console.log(`             org id       ${o.id}`);
    console.log(`             username     ${o.username}`);
    console.log(`             access token ${o.accessToken ?? '(expired)'}`);
  }
  console.log('\nLog in with the sf CLI:');
  for (const c of loginCommands(instanceUrl, orgs)) console.log(`  ${c}`);
}

function parseSeed(raw: string | undefined): SeedSpec {
  if (raw === undefined || raw === 'demo') return 'demo';
  if (raw === 'none') return 'none';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CliError('--seed must be demo, none or a number of licenses');
  return n;
}

function problemFlags(args: Args, names: Array<[string, boolean]>): Partial<LmoProblems> {
  const changes: Partial<LmoProblems> = {};
  for (const [option, on] of names) {
    for (const name of args.flags.get(option) ?? []) {
      if (!isLmoProblem(name))
        throw new CliError(`unknown problem: ${name} (known: ${LMO_PROBLEMS.join(', ')})`);
      changes[name] = on;
    }
  }
  return changes;
}

async function start(args: Args): Promise<void> {
  const port = Number(flag(args, 'port') ?? DEFAULT_PORT);
  const lma = flag(args, 'lma');
  if (lma !== undefined && lma !== 'older' && lma !== 'current')
    throw new CliError('--lma must be older or current');
  const versions = flag(args, 'versions');
  if (versions !== undefined && !/^\d+$/.test(versions)) throw new CliError('--versions must be a number');
  const subscribers = flag(args, 'subscribers');
  if (subscribers !== undefined && !/^\d+$/.test(subscribers))
    throw new CliError('--subscribers must be a number');
  const org = await startLocalOrg({
    port,
    dataDir: flag(args, 'data'),
    seed: parseSeed(flag(args, 'seed')),
    seedShape: {
      ...(versions !== undefined ? { versionsPerPackage: Number(versions) } : {}),
      irregular: flag(args, 'irregular') === 'true',
      ...(subscribers !== undefined ? { subscribers: Number(subscribers) } : {}),
    },
    lma: {
      ...(lma ? { version: lma } : {}),
      ...(flag(args, 'license-rules') === 'true' ? { licenseRules: true } : {}),
    },
    lmoProblems: problemFlags(args, [['problem', true]]),
    timing: timingFlags(args),
    ...(flag(args, 'fma') === 'true' ? { fma: true } : {}),
  });
  const o = org.orgs;
  printOrgs(org.instanceUrl, [o.lmo, o.devhub, ...o.testOrgs]);
  console.log(`\nAdmin API secret (for /_local/…, Authorization: Bearer): ${org.adminSecretFile}`);
  console.log('\nPress Ctrl+C to stop.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void org.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // `lma-local-org stop` (admin shutdown) closes the server; with no handle left, the process exits.
}

/** --install, --license-delay, --replication-delay, --push-start, --push-job: whole milliseconds. */
function timingFlags(args: Args): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, key] of [
    ['install', 'installMs'],
    ['license-delay', 'licenseDelayMs'],
    ['replication-delay', 'replicationMs'],
    ['push-start', 'pushStartMs'],
    ['push-job', 'pushJobMs'],
    ['fma-to-subscriber', 'fmaToSubscriberMs'],
    ['fma-to-lmo', 'fmaToLmoMs'],
  ] as const) {
    const value = flag(args, name);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new CliError(`--${name} takes whole milliseconds`);
    out[key] = Number(value);
  }
  return out;
}

async function consoleCommand(args: Args, sub: string | undefined): Promise<unknown> {
  switch (sub) {
    case 'packages':
    case undefined:
      return admin(args, 'GET', 'console/packages');
    case 'create-package':
      return admin(args, 'POST', 'console/packages', {
        name: need(args, 'name'),
        namespace: flag(args, 'namespace'),
        ...(flag(args, 'owner') !== undefined ? { owner: flag(args, 'owner') } : {}),
        ...(flag(args, 'no-push') === 'true' ? { pushEnabled: false } : {}),
      });
    case 'deprecate':
      return admin(args, 'POST', `console/versions/${encodeURIComponent(need(args, 'version'))}/deprecate`);
    case 'create-version':
      return admin(args, 'POST', `console/packages/${need(args, 'package')}/versions`, {
        version: need(args, 'version'),
        beta: flag(args, 'beta') === 'true',
        name: flag(args, 'name'),
        installableAfterSeconds:
          flag(args, 'installable-after') === undefined ? undefined : Number(flag(args, 'installable-after')),
        visibleAfterSeconds:
          flag(args, 'visible-after') === undefined ? undefined : Number(flag(args, 'visible-after')),
        installationKey: flag(args, 'installation-key'),
        remoteSites: args.flags.get('remote-site'),
        cspTrustedSites: args.flags.get('csp-trusted-site'),
      });
    case 'promote':
      return admin(args, 'POST', `console/versions/${need(args, 'version')}/promote`, {});
    case 'associate': {
      const days = flag(args, 'days');
      const seats = flag(args, 'seats') ?? 'site';
      return admin(args, 'PUT', `console/packages/${need(args, 'package')}/association`, {
        status: need(args, 'status'),
        lengthDays: flag(args, 'no-expiry') === 'true' || days === undefined ? null : Number(days),
        seats: seats === 'site' ? 'site' : Number(seats),
      });
    }
    case 'feature-parameters': {
      const path = `console/packages/${encodeURIComponent(need(args, 'package'))}/feature-parameters`;
      const file = flag(args, 'file');
      if (!file) return admin(args, 'GET', path);
      let parameters: unknown;
      try {
        parameters = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new CliError(`${file}: ${(e as Error).message}`);
      }
      return admin(args, 'PUT', path, { parameters });
    }
    default:
      throw new CliError(`unknown console command: ${sub}`);
  }
}

async function faultsCommand(args: Args, sub: string | undefined): Promise<unknown> {
  switch (sub) {
    case undefined:
      return admin(args, 'GET', 'faults');
    case 'expire-session':
      return admin(args, 'POST', 'faults/expire-session', {
        org: flag(args, 'org') ?? 'lmo',
        revokeRefreshToken: flag(args, 'revoke-refresh-token') === 'true',
      });
    case 'respond':
      return admin(args, 'POST', 'faults/respond', {
        status: Number(need(args, 'status')),
        count: flag(args, 'count') === undefined ? null : Number(flag(args, 'count')),
      });
    case 'delay':
      return admin(args, 'POST', 'faults/delay', { ms: Number(need(args, 'ms')) });
    case 'fail-next-install':
      return admin(args, 'POST', 'faults/fail-next-install', { message: flag(args, 'message') });
    case 'fail-next-install-creates':
      return admin(args, 'POST', 'faults/fail-next-install-creates', {
        count: Number(need(args, 'count')),
        message: flag(args, 'message'),
      });
    case 'tamper': {
      const fields: Record<string, unknown> = {};
      for (const pair of args.flags.get('set') ?? []) {
        const [k, v] = pair.split(/=(.*)/s, 2) as [string, string | undefined];
        fields[k] =
          v === undefined || v === 'null'
            ? null
            : /^-?\d+(\.\d+)?$/.test(v)
              ? Number(v)
              : v === 'true' || v === 'false'
                ? v === 'true'
                : v;
      }
      return admin(args, 'POST', 'faults/tamper', {
        org: flag(args, 'org') ?? 'lmo',
        sobject: need(args, 'sobject'),
        id: need(args, 'id'),
        fields,
      });
    }
    case 'clear':
      return admin(args, 'DELETE', 'faults');
    default:
      throw new CliError(`unknown faults command: ${sub}`);
  }
}

interface PushRow {
  id: string;
  ownerOrgName: string;
  packageName: string;
  versionNumber: string;
  status: string;
  scheduledStartTime: string | null;
  startTime: string | null;
  endTime: string | null;
  jobs: Record<string, number>;
}

function pushesList(args: Args): Promise<unknown> {
  const query = new URLSearchParams();
  const owner = flag(args, 'owner');
  const status = flag(args, 'status');
  if (owner) query.set('owner', owner);
  if (status) query.set('status', status);
  const q = query.toString();
  return admin(args, 'GET', `pushes${q ? `?${q}` : ''}`);
}

function printPushes(rows: PushRow[]): void {
  if (!rows.length) {
    console.log('No push requests.');
    return;
  }
  for (const r of rows) {
    const jobs = Object.entries(r.jobs)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ');
    console.log(`${r.id}  ${r.status.padEnd(11)} ${r.packageName} ${r.versionNumber}  (${r.ownerOrgName})`);
    console.log(
      `    scheduled ${r.scheduledStartTime ?? 'now'}, started ${r.startTime ?? '-'}, ended ${r.endTime ?? '-'}; jobs: ${jobs || 'none'}`,
    );
  }
}

async function pushesCommand(args: Args, sub: string): Promise<unknown> {
  switch (sub) {
    case 'show':
      return admin(args, 'GET', `pushes/${encodeURIComponent(need(args, 'id'))}`);
    case 'advance': {
      const count = flag(args, 'count') ?? '1';
      if (!/^\d+$/.test(count)) throw new CliError('--count takes a whole number');
      return admin(args, 'POST', `pushes/${encodeURIComponent(need(args, 'id'))}/advance`, {
        count: Number(count),
      });
    }
    case 'fail': {
      if (flag(args, 'clear') === 'true')
        return admin(args, 'PUT', 'push-outcomes', { org: need(args, 'org'), clear: true });
      const times = flag(args, 'times');
      if (times !== undefined && !/^\d+$/.test(times)) throw new CliError('--times takes a whole number');
      return admin(args, 'PUT', 'push-outcomes', {
        org: need(args, 'org'),
        errorType: need(args, 'error-type'),
        ...(times !== undefined ? { times: Number(times) } : {}),
        ...(flag(args, 'message') !== undefined ? { message: flag(args, 'message') } : {}),
      });
    }
    case 'subscriber': {
      const blocks = flag(args, 'blocks-pushes');
      if (blocks !== undefined && blocks !== 'on' && blocks !== 'off')
        throw new CliError('--blocks-pushes takes on or off');
      return admin(args, 'PUT', 'push-subscribers', {
        org: need(args, 'org'),
        ...(flag(args, 'org-status') !== undefined ? { orgStatus: flag(args, 'org-status') } : {}),
        ...(blocks !== undefined ? { blocksPushes: blocks === 'on' } : {}),
      });
    }
    default:
      throw new CliError(`unknown pushes command: ${sub}`);
  }
}

/** A value typed on the command line: true/false, a whole number, or a date as given. */
function parseValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [command, sub] = args.positional;
  try {
    let result: unknown;
    switch (command) {
      case 'start':
        await start(args);
        return -1; // keep running
      case 'stop':
        result = await admin(args, 'POST', 'shutdown', {});
        break;
      case 'timing': {
        const changes = timingFlags(args);
        result = Object.keys(changes).length
          ? await admin(args, 'PUT', 'timing', changes)
          : await admin(args, 'GET', 'timing');
        break;
      }
      case 'orgs':
        if (sub === 'feature-parameters') {
          const path = `orgs/${encodeURIComponent(need(args, 'org'))}/feature-parameters`;
          const name = flag(args, 'name');
          result = name
            ? await admin(args, 'PUT', path, {
                package: need(args, 'package'),
                fullName: name,
                value: parseValue(need(args, 'value')),
              })
            : await admin(args, 'GET', path);
        } else if (sub === 'uninstall') {
          result = await admin(args, 'POST', `orgs/${encodeURIComponent(need(args, 'org'))}/uninstall`, {
            package: need(args, 'package'),
          });
        } else if (sub === 'create') {
          result = await admin(args, 'POST', 'orgs', {
            name: flag(args, 'name'),
            sandbox: flag(args, 'sandbox') === 'true',
          });
        } else {
          const orgs = (await admin(args, 'GET', 'orgs')) as {
            lmo: OrgView;
            devhub: OrgView;
            testOrgs: OrgView[];
            lmoUsers: OrgView[];
          };
          printOrgs(orgs.lmo.instanceUrl, [orgs.lmo, ...orgs.lmoUsers, orgs.devhub, ...orgs.testOrgs]);
          return 0;
        }
        break;
      case 'console':
        result = await consoleCommand(args, sub);
        break;
      case 'faults':
        result = await faultsCommand(args, sub);
        break;
      case 'pushes':
        if (sub === undefined || sub === 'list') {
          printPushes((await pushesList(args)) as PushRow[]);
          return 0;
        }
        result = await pushesCommand(args, sub);
        break;
      case 'packaging-orgs':
        if (sub !== 'create') throw new CliError('usage: packaging-orgs create [--name NAME]');
        result = await admin(args, 'POST', 'packaging-orgs', { name: flag(args, 'name') });
        break;
      case 'lmo':
        if (sub === 'lma') {
          const changes: Record<string, unknown> = {};
          const rules = flag(args, 'license-rules');
          if (rules !== undefined) {
            if (rules !== 'on' && rules !== 'off') throw new CliError('--license-rules takes on or off');
            changes.licenseRules = rules === 'on';
          }
          const follows = flag(args, 'record-type-follows-status');
          if (follows !== undefined) {
            if (follows !== 'on' && follows !== 'off')
              throw new CliError('--record-type-follows-status takes on or off');
            changes.recordTypeFollowsStatus = follows === 'on';
          }
          const track = flag(args, 'track');
          if (track !== undefined)
            changes.trackedFields = track === 'none' ? [] : track.split(',').map((f) => f.trim());
          result = Object.keys(changes).length
            ? await admin(args, 'PUT', 'lmo/lma', changes)
            : await admin(args, 'GET', 'lmo/lma');
          break;
        }
        if (sub === 'users') {
          if (args.positional[2] !== 'create')
            throw new CliError('usage: lmo users create [--no-lma-access] [--no-setup-access]');
          result = await admin(args, 'POST', 'lmo/users', {
            fmaEditAccess: flag(args, 'no-fma-edit-access') !== 'true',
            subscriberLoginAccess: flag(args, 'no-subscriber-login') !== 'true',
            lmaAccess: flag(args, 'no-lma-access') !== 'true',
            setupAccess: flag(args, 'no-setup-access') !== 'true',
            ...(flag(args, 'first-name') ? { firstName: flag(args, 'first-name') } : {}),
            ...(flag(args, 'last-name') ? { lastName: flag(args, 'last-name') } : {}),
          });
          break;
        }
        if (sub === 'subscriber-login') {
          const changes: { fieldExposed?: boolean; granted?: boolean } = {};
          for (const [option, key] of [
            ['field', 'fieldExposed'],
            ['permission', 'granted'],
          ] as const) {
            const value = flag(args, option);
            if (value === undefined) continue;
            if (value !== 'on' && value !== 'off') throw new CliError(`--${option} takes on or off`);
            changes[key] = value === 'on';
          }
          result = Object.keys(changes).length
            ? await admin(args, 'PUT', 'lmo/subscriber-login', changes)
            : await admin(args, 'GET', 'lmo/subscriber-login');
          break;
        }
        if (sub === 'fma') {
          const installed = flag(args, 'installed');
          if (installed !== undefined && installed !== 'on' && installed !== 'off')
            throw new CliError('--installed takes on or off');
          result =
            installed === undefined
              ? await admin(args, 'GET', 'lmo/fma')
              : await admin(args, 'PUT', 'lmo/fma', { installed: installed === 'on' });
          break;
        }
        if (sub === 'problems') {
          const changes = problemFlags(args, [
            ['on', true],
            ['off', false],
          ]);
          result = Object.keys(changes).length
            ? await admin(args, 'PUT', 'lmo/problems', changes)
            : await admin(args, 'GET', 'lmo/problems');
          break;
        }
        if (sub !== 'license-validation-rule') throw new CliError(`unknown lmo command: ${sub}`);
        result = await admin(args, 'PUT', 'lmo/license-validation-rule', {
          message: flag(args, 'clear') === 'true' ? null : need(args, 'message'),
        });
        break;
      case undefined:
      case 'help':
      case '--help':
        console.log(USAGE);
        return 0;
      default:
        throw new CliError(`unknown command: ${command}\n\n${USAGE}`);
    }
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (e) {
    console.error(e instanceof CliError ? e.message : `Error: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
