/**
 * `lma-explorer push-upgrade plan|schedule|report|retry|abort`: the push-upgrade use cases headless,
 * for release pipelines, with the filters of the panel. The LMO answers which orgs; the package's owner
 * org (the LMO when it owns the package, else --owner-org or the project's target-dev-hub) holds the
 * push requests. Nothing is created before the arguments, the target and the org list check out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LmoApi } from '../lma/records/lmoApi';
import { loadPackages } from '../lma/records/packages';
import {
  notOwnerMessage,
  ownsPackage,
  packageOwnership,
  unconfirmedOwnerMessage,
} from '../lma/records/pushOwner';
import { scopeForVersion } from '../lma/records/pushUpgrade';
import { isSalesforceId } from '../lma/records/soql';
import { licenseStatuses, type LicenseStatus } from '../lma/records/types';
import {
  DEFAULT_PUSH_STATUSES,
  describeOrgIdProblems,
  describePreview,
  describeSchedule,
  EXCLUSION_TEXT,
  failuresCsv,
  groupFailures,
  parseOrgIdList,
  parseSchedule,
  previewProblem,
  targetProblem,
  type OrgTypeFilter,
  type PushPreview,
  type PushSelection,
} from '../lma/rules/pushUpgrade';
import {
  abortPush,
  planPush,
  planRetry,
  readFailures,
  readPushRequest,
  schedulePush,
  type ScheduleReport,
} from '../lma/workflows/pushUpgrade';
import type { LmoSession } from '../org/lmoSession';
import type { Log } from '../org/log';
import { OwnerOrgConnections } from '../org/ownerOrgs';
import { loadSalesforce } from '../org/salesforceLoader';
import { cliLog, withLmo } from './lmo';

export const PUSH_USAGE = `Usage: lma-explorer push-upgrade <plan|schedule|report|retry|abort> [options]

  plan      --lmo <org> --version <04t…> [filters]      the preview: jobs and the orgs left out, with why
  schedule  --lmo <org> --version <04t…> [filters] --production-orgs <N> [--start-time <time>] [--dry-run]
  report    --lmo <org> --request <0DV…> [--failures-csv <file>]
  retry     --lmo <org> --request <0DV…> --production-orgs <N> [--dry-run]   only the failed orgs, a new request
  abort     --lmo <org> --request <0DV…>                 only a request that is Created or Pending

Filters (the default: every Active or Trial org on an older version):
  --status <Active,Trial,…>      License statuses (Suspended and Uninstalled only when named)
  --org-type all|sandbox|production
  --customer <text>              the customer's name contains this
  --all-versions                 orgs on any version (those on the target or above are still left out)
  --org-ids <file>               exactly these orgs: 15- or 18-character ids starting 00D (- reads stdin)

Options:
  --owner-org <org>              the package's owner org (the Dev Hub, or the 1GP packaging org) when it is
                                 not the LMO (default: the project's target-dev-hub)
  --production-orgs <N>          the number of production orgs the preview counts, as the confirmation
  --start-time <time>            2026-12-24T09:30 (local), …Z (UTC) or now (default)
  --dry-run                      plan only: nothing is created
  --json                         print the result as JSON
  --verbose                      log every request to stderr

Exit codes: 0 done (scheduled, succeeded, aborted, a plan with jobs), 1 a push with failures, a plan with
no job, an abort refused, 2 the run could not start (arguments, connection, target, org list).`;

class UsageError extends Error {}

export function parsePushArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      lmo: { type: 'string' },
      'owner-org': { type: 'string' },
      version: { type: 'string' },
      request: { type: 'string' },
      status: { type: 'string' },
      'org-type': { type: 'string', default: 'all' },
      customer: { type: 'string' },
      'all-versions': { type: 'boolean', default: false },
      'org-ids': { type: 'string' },
      'production-orgs': { type: 'string' },
      'start-time': { type: 'string' },
      'failures-csv': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const [verb, ...extra] = positionals;
  if (!verb || !['plan', 'schedule', 'report', 'retry', 'abort'].includes(verb))
    throw new UsageError(
      verb
        ? `Unknown push-upgrade verb "${verb}".`
        : 'Which push-upgrade: plan, schedule, report, retry or abort?',
    );
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (!values.lmo) throw new UsageError('Missing --lmo.');
  const needsVersion = verb === 'plan' || verb === 'schedule';
  if (needsVersion && !values.version) throw new UsageError('Missing --version.');
  if (values.version && !/^04t[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/.test(values.version))
    throw new UsageError('--version must be a package version id (04t…, 15 or 18 characters).');
  if (!needsVersion) {
    if (!values.request) throw new UsageError('Missing --request.');
    if (!isSalesforceId(values.request) || !values.request.startsWith('0DV'))
      throw new UsageError('--request must be a push request id (0DV…, 15 or 18 characters).');
  }
  const orgType = values['org-type'] as OrgTypeFilter;
  if (!['all', 'sandbox', 'production'].includes(orgType))
    throw new UsageError('--org-type takes all, sandbox or production.');
  const statuses = values.status ? values.status.split(',').map((s) => s.trim()) : [...DEFAULT_PUSH_STATUSES];
  const unknown = statuses.filter((s) => !(licenseStatuses as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(`--status takes ${licenseStatuses.join(', ')} (not ${unknown.join(', ')}).`);
  let orgIds: string[] | undefined;
  if (values['org-ids']) {
    const text = readFileSync(values['org-ids'] === '-' ? 0 : values['org-ids'], 'utf8');
    const parsed = parseOrgIdList(text);
    if (parsed.problems.length) throw new Error(describeOrgIdProblems(parsed.problems));
    if (!parsed.ids.length) throw new Error(`${values['org-ids']} has no org id: nothing was pushed.`);
    orgIds = parsed.ids;
  }
  const schedule = parseSchedule(values['start-time'] ?? 'now', new Date());
  if ('problem' in schedule) throw new UsageError(`--start-time: ${schedule.problem}`);
  const writes = (verb === 'schedule' || verb === 'retry') && !values['dry-run'];
  let productionOrgs: number | undefined;
  if (values['production-orgs'] !== undefined) {
    if (!/^\d+$/.test(values['production-orgs']))
      throw new UsageError('--production-orgs takes a whole number.');
    productionOrgs = Number(values['production-orgs']);
  } else if (writes)
    throw new UsageError(
      'Missing --production-orgs: give the number of production orgs the plan counts, as the confirmation.',
    );
  const selection: PushSelection = {
    olderVersionsOnly: !values['all-versions'],
    statuses: statuses as LicenseStatus[],
    orgType,
    ...(values.customer ? { customer: values.customer } : {}),
    ...(orgIds ? { orgIds } : {}),
  };
  return {
    verb: verb as 'plan' | 'schedule' | 'report' | 'retry' | 'abort',
    lmo: values.lmo,
    ownerOrg: values['owner-org'],
    versionId: values.version,
    requestId: values.request,
    selection,
    when: schedule.when,
    productionOrgs,
    failuresCsv: values['failures-csv'],
    dryRun: values['dry-run']!,
    json: values.json!,
    verbose: values.verbose!,
  };
}

type PushOptions = ReturnType<typeof parsePushArgs>;

export async function pushUpgrade(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(PUSH_USAGE);
    return 0;
  }
  let options: PushOptions;
  try {
    options = parsePushArgs(args);
  } catch (error) {
    // A wrong argument gets the usage; a wrong value in a file only its message.
    console.error(
      error instanceof UsageError ? `${error.message}\n\n${PUSH_USAGE}` : (error as Error).message,
    );
    return 2;
  }
  const log = cliLog(options.verbose);
  return withLmo(options.lmo, log, async (session) => {
    return await run(options, session, log);
  });
}

/**
 * The org that owns the package's pushes: --owner-org, else the LMO when it owns the package, else the
 * project's target-dev-hub. With a package to push, the org must list it among its MetadataPackage
 * records (one that lists others only is refused; one that lists none is used with a warning: the
 * UNCONFIRMED reading for a 2GP Dev Hub).
 */
async function ownerOf(
  options: PushOptions,
  lmo: LmoApi,
  log: Log,
  pkg: { id: string; name: string } | undefined,
): Promise<LmoApi> {
  if (!options.ownerOrg && pkg && (await ownsPackage(lmo, pkg.id))) return lmo;
  const target = options.ownerOrg ?? (await (await loadSalesforce()).projectDevHub(process.cwd()));
  if (!target)
    throw new Error(
      "The LMO does not own this package's pushes and no owner org is known: pass --owner-org (the Dev Hub, or the 1GP packaging org), or set the project's target-dev-hub.",
    );
  if (!options.ownerOrg) log.info(`The owner org: the project's target-dev-hub ${target}`);
  const owner = await new OwnerOrgConnections({ log }).connect(target);
  if (pkg) {
    const ownership = await packageOwnership(owner, pkg.id);
    if (ownership === 'notOwner') throw new Error(notOwnerMessage(target, pkg.name, pkg.id));
    if (ownership === 'unconfirmed') console.error(unconfirmedOwnerMessage(target, pkg.name, pkg.id));
  }
  return owner;
}

async function run(options: PushOptions, lmo: LmoSession, log: Log): Promise<number> {
  const out = (value: unknown, text: string) =>
    console.log(options.json ? JSON.stringify(value, null, 2) : text);
  const packages = await loadPackages(lmo);
  if (options.verb === 'plan' || options.verb === 'schedule') {
    const found = scopeForVersion(packages, options.versionId!);
    if ('problem' in found) {
      console.error(found.problem);
      return 2;
    }
    const problem = targetProblem(found.scope.target);
    if (problem) {
      console.error(problem);
      return 2;
    }
    const { packageId, packageName } = found.scope.target;
    const owner = await ownerOf(
      options,
      lmo,
      log,
      packageId ? { id: packageId, name: packageName ?? packageId } : undefined,
    );
    const preview = await planPush(lmo, owner, found.scope, options.selection);
    return schedulePreview(options, owner, preview, out);
  }
  // report, retry, abort: the request in the owner org of the package whose version it pushes.
  const owner = options.ownerOrg ? await ownerOf(options, lmo, log, undefined) : undefined;
  const api = owner ?? (await findOwnerOfRequest(options, lmo, log));
  if (options.verb === 'abort') {
    const report = await abortPush(api, options.requestId!);
    out(report, report.kind === 'aborted' ? `Aborted push request ${report.requestId}.` : report.message);
    return report.kind === 'aborted' ? 0 : 1;
  }
  const request = await readPushRequest(api, options.requestId!);
  if (!request) {
    console.error(`No push request ${options.requestId} in the owner org.`);
    return 2;
  }
  if (options.verb === 'report') {
    const failures = await readFailures(api, request.id, lmo);
    if (options.failuresCsv) writeFileSync(options.failuresCsv, failuresCsv(failures));
    const groups = groupFailures(failures);
    const jobs = Object.entries(request.jobs)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ');
    const text = [
      `Push request ${request.id}: ${request.status}${request.scheduledStartTime ? `, scheduled ${describeSchedule(new Date(request.scheduledStartTime)).both}` : ''}`,
      `Jobs: ${jobs || 'none'}`,
      ...groups.flatMap((g) => [
        `  ${g.errorType}: ${g.title} (${g.failures.length})`,
        ...g.failures.map(
          (f) => `    ${f.orgId} ${f.customer ?? ''}  ${f.message}${f.details ? ` (${f.details})` : ''}`,
        ),
      ]),
    ].join('\n');
    out({ request, failures: groups }, text);
    return request.status === 'Failed' || failures.length ? 1 : 0;
  }
  // retry
  const versionScope = scopeForVersion(packages, request.versionId);
  if ('problem' in versionScope) {
    console.error(versionScope.problem);
    return 2;
  }
  const preview = await planRetry(lmo, api, versionScope.scope, request.id);
  return schedulePreview(options, api, preview, out);
}

/** The owner org of a request when --owner-org is not given: the LMO if it has the request, else the project's Dev Hub. */
async function findOwnerOfRequest(options: PushOptions, lmo: LmoSession, log: Log): Promise<LmoApi> {
  const inLmo = await readPushRequest(lmo, options.requestId!).catch(() => undefined);
  if (inLmo) return lmo;
  return ownerOf(options, lmo, log, undefined);
}

async function schedulePreview(
  options: PushOptions,
  owner: LmoApi,
  preview: PushPreview,
  out: (value: unknown, text: string) => void,
): Promise<number> {
  const planText = formatPreview(preview);
  if (options.verb === 'plan' || options.dryRun) {
    out({ preview }, planText);
    return preview.jobs.length ? 0 : 1;
  }
  const problem = previewProblem(preview);
  if (problem) {
    out({ preview, problem }, `${planText}\n${problem}`);
    return 1;
  }
  if (options.productionOrgs !== preview.productionOrgs) {
    console.error(
      `${planText}\nThe plan counts ${preview.productionOrgs} production orgs, not ${options.productionOrgs}: nothing was scheduled. Check the plan, then pass --production-orgs ${preview.productionOrgs}.`,
    );
    return 2;
  }
  // No ingest ledger (the CLI has no global state; as a bulk License change without one): the ingest job
  // is still deleted at its end, but one a killed process leaves stays in the org.
  const report: ScheduleReport = await schedulePush(owner, preview, {
    when: options.when,
    onProgress: (created, total) =>
      options.verbose && process.stderr.write(`… ${created} of ${total} jobs\n`),
  });
  out({ preview, schedule: report }, `${planText}\n${formatSchedule(report)}`);
  return report.kind === 'started' ? 0 : report.kind === 'refused' ? 2 : 1;
}

export function formatPreview(preview: PushPreview): string {
  const counts = (title: string, by: Record<string, number>) =>
    Object.keys(by).length
      ? [
          `  ${title}: ${Object.entries(by)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}`,
        ]
      : [];
  return [
    `Push ${preview.target.packageName ?? ''} ${preview.target.versionNumber ?? ''} (${preview.target.versionId}): ${describePreview(preview)}`,
    ...counts('by version', preview.byVersion),
    ...counts('by status', preview.byStatus),
    ...counts('by org type', preview.byOrgType),
    ...preview.excluded.map((e) => `  left out ${e.orgId} ${e.customer ?? ''}: ${EXCLUSION_TEXT[e.reason]}`),
  ].join('\n');
}

function formatSchedule(report: ScheduleReport): string {
  const refused = 'refused' in report && Array.isArray(report.refused) ? report.refused : [];
  const lines = refused.map((r) => `  refused ${r.orgId}: ${r.message}`);
  switch (report.kind) {
    case 'started':
      return [
        `Scheduled push request ${report.requestId}: ${report.jobs} jobs, ${report.scheduledFor ? `starting ${describeSchedule(new Date(report.scheduledFor)).both}` : 'starting now'}.`,
        ...lines,
      ].join('\n');
    case 'notStarted':
    case 'interrupted':
      return [report.message, ...lines].join('\n');
    case 'refused':
      return report.message;
  }
}
