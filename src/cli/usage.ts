/**
 * `lma-explorer usage <package>`: App Analytics usage headless, through the same use case as the usage
 * panel (`loadUsage`: answered from the cache, else a request polled and downloaded) and the same join
 * with the package's Licenses. The cache is a folder of its own (--cache-dir, LMA_USAGE_CACHE or
 * ~/.lma-explorer/app-analytics): the extension keeps its own in VS Code's storage.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppAnalyticsCache } from '../files/appAnalyticsCache';
import { writeUsageCsv } from '../files/usageExportFile';
import { licensesForUsage } from '../lma/records/appAnalytics';
import { loadPackages } from '../lma/records/packages';
import { toId15 } from '../lma/records/soql';
import {
  joinedCsvLines,
  joinUsage,
  lastMonths,
  unusedActive,
  type JoinedRow,
  type UsageQuestion,
} from '../lma/rules/appAnalytics';
import { atRiskDrop, DEFAULT_AT_RISK_THRESHOLD, describeAtRisk } from '../lma/rules/atRisk';
import { loadUsage, type UsageOutcome } from '../lma/workflows/appAnalytics';
import { cliLog, note, withLmo } from './lmo';

/** The environment variable that names the CLI's cache folder instead of --cache-dir. */
const CACHE_VARIABLE = 'LMA_USAGE_CACHE';

export const USAGE_USAGE = `Usage: lma-explorer usage <package name or 033…> --lmo <org> [options]

App Analytics usage of a package (monthly summaries): active orgs and users per month, the custom
objects and pages used most, orgs whose users fell (at risk), and Active Licenses without usage, each
org joined to its License. Answered from the cache when it has the period, else asked of App Analytics.

Options:
  --period <YYYY-MM[..YYYY-MM]>  the months (default: the last 12, this one included)
  --org <00D…[,00D…]>            only these subscriber orgs
  --at-risk-drop <0.05–0.95|N%>  at risk: users of the last 3 months fell by more than this against the
                                 3 before (default 0.5, by more than half)
  --refresh                      ask App Analytics again even when the cache has the answer
  --csv <file>                   write the joined table (one line per org) to this file
  --cache-dir <folder>           the cache (default: ${CACHE_VARIABLE} or ~/.lma-explorer/app-analytics)
  --json                         print the result as JSON
  --verbose                      log every request to stderr

Exit codes: 0 usage answered, 1 App Analytics answered without usage (no data, failed, an expired
link, the download limit, a bad file, not available), 2 the run could not start (arguments, period,
connection, package).`;

class UsageError extends Error {}

const MONTH = /^\d{4}-\d{2}$/;
const ORG_ID = /^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;

export function parseUsageArgs(args: string[], now: Date = new Date()) {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      lmo: { type: 'string' },
      period: { type: 'string' },
      org: { type: 'string' },
      refresh: { type: 'boolean', default: false },
      'at-risk-drop': { type: 'string' },
      csv: { type: 'string' },
      'cache-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const [pkg, ...extra] = positionals;
  if (!pkg) throw new UsageError('Which package? Give its name or its Package ID (033…).');
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (!values.lmo) throw new UsageError('Missing --lmo.');
  let period: { start: string; end: string } | undefined;
  if (values.period !== undefined) {
    const [start = '', end = start, ...more] = values.period.split('..');
    if (more.length || !MONTH.test(start) || !MONTH.test(end))
      throw new UsageError('--period takes a month (2026-03) or two joined by .. (2025-12..2026-11).');
    period = { start, end };
  }
  const orgIds = values.org?.split(',').map((o) => o.trim());
  for (const id of orgIds ?? [])
    if (!ORG_ID.test(id)) throw new UsageError(`--org takes org ids (00D…): "${id}" is not one.`);
  let drop: number = DEFAULT_AT_RISK_THRESHOLD;
  if (values['at-risk-drop'] !== undefined) {
    const chosen = atRiskDrop(values['at-risk-drop']);
    if (chosen.problem) throw new UsageError(`--at-risk-drop: ${chosen.problem.replace(/, so .*$/, '.')}`);
    drop = chosen.drop;
  }
  return {
    lmo: values.lmo,
    pkg,
    atRiskDrop: drop,
    period,
    orgIds,
    refresh: values.refresh!,
    csv: values.csv === undefined ? undefined : resolve(values.csv),
    cacheDir: resolve(
      values['cache-dir'] ?? process.env[CACHE_VARIABLE] ?? join(homedir(), '.lma-explorer', 'app-analytics'),
    ),
    json: values.json!,
    verbose: values.verbose!,
    now,
  };
}

export async function usage(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE_USAGE);
    return 0;
  }
  let options: ReturnType<typeof parseUsageArgs>;
  try {
    options = parseUsageArgs(args);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE_USAGE}`);
    return 2;
  }
  const log = cliLog(options.verbose);
  return withLmo(options.lmo, log, async (session) => {
    const packages = await loadPackages(session);
    const wanted = options.pkg;
    const pkg =
      packages.find((p) => p.packageId && /^033/.test(wanted) && toId15(p.packageId) === toId15(wanted)) ??
      packages.find((p) => p.name === wanted) ??
      packages.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
    if (!pkg) {
      console.error(
        `"${wanted}" is not a package of ${options.lmo}. Its packages: ${packages.map((p) => p.name).join(', ') || 'none'}.`,
      );
      return 2;
    }
    if (!pkg.packageId) {
      console.error(
        `${pkg.name} has no Package ID (033…) in the LMO, so App Analytics can't be asked about it.`,
      );
      return 2;
    }
    const question: UsageQuestion = {
      ...lastMonths(pkg.packageId, options.now),
      ...options.period,
      ...(options.orgIds ? { orgIds: options.orgIds } : {}),
    };
    const outcome = await loadUsage(session, new AppAnalyticsCache(options.cacheDir), question, {
      refresh: options.refresh,
      threshold: options.atRiskDrop,
      now: options.now,
      onProgress: (p) => {
        if (p.phase === 'note') note(p.message);
        else if (options.verbose) note(`… ${JSON.stringify(p)}`);
      },
    });
    if (outcome.kind === 'input') {
      console.error(outcome.message);
      return 2;
    }
    if (outcome.kind !== 'ready' || !outcome.report) {
      const message = outcome.kind === 'ready' ? 'The file has no summary rows.' : outcome.message;
      console.log(
        options.json
          ? JSON.stringify({ outcome: outcome.kind, package: pkg.name, ...question, message }, null, 2)
          : `Usage of ${pkg.name}, ${question.start} to ${question.end}: ${message}`,
      );
      return 1;
    }
    const { licenses } = await licensesForUsage(session, pkg.id, options.orgIds);
    const rows = joinUsage(outcome.report, licenses, options.atRiskDrop);
    const unused = unusedActive(rows);
    if (options.csv) await writeUsageCsv(options.csv, joinedCsvLines(outcome.report.months, rows));
    console.log(
      options.json
        ? JSON.stringify(
            {
              outcome: 'ready',
              package: pkg.name,
              packageId: pkg.packageId,
              period: { start: question.start, end: question.end },
              source: outcome.source,
              requestId: outcome.entry.requestId,
              downloadedAt: outcome.entry.downloadedAt,
              notes: outcome.notes,
              report: outcome.report,
              rows,
              unused,
              atRiskDrop: options.atRiskDrop,
              ...(options.csv ? { csv: options.csv } : {}),
            },
            null,
            2,
          )
        : formatUsage(pkg.name, question, outcome, rows, unused, options.atRiskDrop, options.csv),
    );
    return 0;
  });
}

const n = (x: number): string => x.toLocaleString('en-US');
const who = (r: JoinedRow): string =>
  `${r.orgId}  ${r.license?.customer ?? '(no License)'}${r.license?.status ? ` (${r.license.status})` : ''}`;

/** The report as text: where it came from, the months, the objects and pages, at-risk and unused orgs. */
export function formatUsage(
  packageName: string,
  question: UsageQuestion,
  outcome: Extract<UsageOutcome, { kind: 'ready' }>,
  rows: readonly JoinedRow[],
  unused: readonly JoinedRow[],
  drop: number,
  csv?: string,
): string {
  const report = outcome.report!;
  const atRisk = rows
    .filter((r) => r.atRisk)
    .sort((a, b) => (b.usage?.decline ?? 0) - (a.usage?.decline ?? 0));
  const lines = [
    `Usage of ${packageName}, ${question.start} to ${question.end}: ${n(report.orgs.length)} orgs with usage, ${n(report.rows)} rows (${outcome.source === 'cache' ? `from the cache, downloaded ${outcome.entry.downloadedAt}` : 'downloaded now'}, request ${outcome.entry.requestId})`,
    ...outcome.notes,
    '',
    'Month     Active orgs  Active users',
    ...report.perMonth.map(
      (m) => `${m.month}   ${n(m.activeOrgs).padStart(11)}  ${n(m.activeUsers).padStart(12)}`,
    ),
    '',
    `Custom objects used most: ${report.objects.map((e) => `${e.name} (${n(e.events)})`).join(', ') || 'none'}`,
    `Pages used most: ${report.pages.map((e) => `${e.name} (${n(e.events)})`).join(', ') || 'none'}`,
    '',
    `At risk, ${describeAtRisk(drop)}: ${n(atRisk.length)}`,
    ...atRisk.map((r) => `  ${who(r)}  −${Math.round((r.usage?.decline ?? 0) * 100)}%`),
    `Active Licenses without usage: ${n(unused.length)}`,
    ...unused.map((r) => `  ${who(r)}  ${r.license?.seats ?? ''} seats, ${r.license?.used ?? 0} used`),
  ];
  if (csv) lines.push('', `The joined table (${n(rows.length)} orgs) is in ${csv}.`);
  return lines.join('\n');
}
