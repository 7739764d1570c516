import * as vscode from 'vscode';
import { commands } from '../ids';
import { writeUsageCsv } from '../files/usageExportFile';
import { licensesForUsage } from '../lma/records/appAnalytics';
import type { Package } from '../lma/records/types';
import {
  joinedCsvLines,
  joinUsage,
  lastMonths,
  unusedActive,
  type UsageQuestion,
} from '../lma/rules/appAnalytics';
import { loadUsage, type UsageOutcome, type UsageProgress } from '../lma/workflows/appAnalytics';
import { explainUsage } from '../lma/workflows/usageExplanation';
import type { UsageView } from '../protocol/usage';
import type { Services } from '../services';
import { atRiskDropSetting } from '../state/usageSettings';
import type { PackageNode } from '../views/nodes';
import { UsagePanel, type UsageExport, type UsageSubject } from '../webviews/usagePanel';
import type { CommandHandlers } from './commandTable';
import { connectedLmo } from './pipeline';
import { askCsvTarget } from './picks';
import { commandPipeline } from './vscodePipeline';

type UsageServices = Pick<
  Services,
  'extensionUri' | 'session' | 'log' | 'packages' | 'showLicenses' | 'usageCache'
>;

/**
 * App Analytics: "Show Usage" of a package (its node, the palette, or the panel's Refresh with
 * `{ refresh: true }`) runs `loadUsage` under a progress notification with Cancel and shows the outcome
 * in the package's usage panel; "Clear App Analytics Cache".
 */
export function usageCommands(services: UsageServices) {
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(services.session) };
  return {
    [commands.showUsage]: pipeline.command(
      { title: 'Show Usage', needs },
      async (_needs, run, target?: PackageNode | UsageSubject, options?: { refresh?: boolean }) => {
        const pkg = await packageOf(services, target);
        if (!pkg) return;
        const subject = { packageRecordId: pkg.id, packageName: pkg.name };
        const panel = UsagePanel.open(services, subject);
        const exporter = exportCsv(services);
        if (!pkg.packageId)
          return panel.show(
            {
              kind: 'explain',
              packageName: pkg.name,
              title: 'This package has no package id',
              message: `${pkg.name} has no Package ID (033…) in the LMO, so App Analytics can't be asked about it. Fill in its Package ID in the LMO, then Refresh.`,
            },
            exporter,
          );
        await panel.loading();
        const question = lastMonths(pkg.packageId, new Date());
        const threshold = atRiskDropSetting(services.log);
        try {
          const view = await run.progress(`App Analytics usage of ${pkg.name}`, async (signal, report) => {
            const outcome = await loadUsage(services.session, services.usageCache, question, {
              signal,
              refresh: options?.refresh === true,
              threshold,
              onProgress: (p) => report(describeProgress(p)),
            });
            return viewOf(services, pkg, question, outcome, threshold);
          });
          await panel.show(view, exporter);
        } catch (error) {
          const cancelled = (error as Error).name === 'AbortError';
          await panel.show(
            {
              kind: 'explain',
              packageName: pkg.name,
              title: cancelled ? 'Cancelled' : 'The LMO did not answer',
              message: cancelled
                ? 'The App Analytics request was cancelled. Refresh asks again.'
                : `${(error as Error).message} Refresh asks again.`,
            },
            exporter,
          );
          throw error;
        }
      },
    ),

    [commands.clearAppAnalyticsCache]: pipeline.command({ title: 'Clear App Analytics Cache' }, async () => {
      await services.usageCache.clear();
      void vscode.window.showInformationMessage(
        'The App Analytics cache is cleared: the next Show Usage asks App Analytics again.',
      );
    }),
  } satisfies Partial<CommandHandlers>;
}

/** The package of a tree node, of a panel's subject (found again among the loaded ones), or picked. */
async function packageOf(
  services: UsageServices,
  target: PackageNode | UsageSubject | undefined,
): Promise<Package | undefined> {
  if (target && 'kind' in target && target.kind === 'package') return target.pkg;
  const packages = await services.packages();
  if (target && 'packageRecordId' in target) {
    const found = packages.find((p) => p.id === target.packageRecordId);
    if (!found) throw new Error(`${target.packageName} is no longer a package of this LMO.`);
    return found;
  }
  const picked = await vscode.window.showQuickPick(
    packages.map((pkg) => ({ label: pkg.name, description: pkg.packageId, pkg })),
    { title: 'Show Usage (App Analytics)', placeHolder: 'Package of the License Management Org' },
  );
  return picked?.pkg;
}

function describeProgress(p: UsageProgress): string {
  switch (p.phase) {
    case 'requesting':
      return 'asking App Analytics';
    case 'waiting':
      return `the request is ${p.state}`;
    case 'downloading':
      return p.total
        ? `downloading ${Math.round((p.bytes / p.total) * 100)}%`
        : `downloading ${Math.round(p.bytes / 1024)} KB`;
    case 'reading':
      return `${p.rows.toLocaleString('en-US')} rows read`;
    case 'note':
      return p.message;
  }
}

/** The outcome as the panel shows it: usage joined to the package's Licenses, or what to do. */
async function viewOf(
  services: UsageServices,
  pkg: Package,
  question: UsageQuestion,
  outcome: UsageOutcome,
  threshold: number,
): Promise<UsageView> {
  switch (outcome.kind) {
    case 'ready': {
      if (!outcome.report)
        return {
          kind: 'explain',
          packageName: pkg.name,
          title: 'No summary',
          message: 'The file has no summary rows.',
        };
      const { licenses } = await licensesForUsage(services.session, pkg.id);
      const rows = joinUsage(outcome.report, licenses, threshold);
      return {
        kind: 'usage',
        packageName: pkg.name,
        period: { start: question.start, end: question.end },
        source: outcome.source,
        downloadedAt: outcome.entry.downloadedAt,
        report: outcome.report,
        rows,
        unused: unusedActive(rows),
        atRiskDrop: threshold,
        notes: outcome.notes,
      };
    }
    default:
      return { kind: 'explain', packageName: pkg.name, ...explainUsage(outcome) };
  }
}

/** "Export CSV": the joined table through a save dialog, written whole or not at all. */
function exportCsv(services: UsageServices): UsageExport {
  return async (view) => {
    const name = `${view.packageName.replace(/[^A-Za-z0-9._-]+/g, '-')}-usage-${view.period.start}-${view.period.end}.csv`;
    const target = await askCsvTarget(`Export the usage of ${view.packageName}`, name);
    if (!target) return;
    try {
      await writeUsageCsv(target.fsPath, joinedCsvLines(view.report.months, view.rows));
      void vscode.window.showInformationMessage(`Exported ${view.rows.length} orgs to ${target.fsPath}.`);
    } catch (error) {
      services.log.error(`Usage: export to ${target.fsPath} failed: ${String(error)}`);
      void vscode.window.showErrorMessage(`Couldn't write ${target.fsPath}: ${(error as Error).message}`);
    }
  };
}
