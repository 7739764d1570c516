import * as vscode from 'vscode';
import { writePushFailuresCsv } from '../files/pushFailuresFile';
import { commands } from '../ids';
import { scopeForVersion } from '../lma/records/pushUpgrade';
import { describeJobs, pushRequestActions, totalJobs } from '../lma/rules/pushRequests';
import { failuresCsv, type PushFailure } from '../lma/rules/pushUpgrade';
import { abortPush, finishSchedule, readPushRequest } from '../lma/workflows/pushUpgrade';
import type { LmoApi } from '../lma/records/lmoApi';
import type { Services } from '../services';
import type { PushRequestNode, PushRequestsNode } from '../views/nodes';
import { PushRequestPanel, type PushRequestTarget } from '../webviews/pushRequestPanel';
import type { CommandHandlers } from './commandTable';
import { connectedLmo } from './pipeline';
import { retryInPanel } from './pushUpgradeCommands';
import { askCsvTarget } from './picks';
import { commandPipeline } from './vscodePipeline';

/**
 * After scheduling: a request of a package's Push Upgrades node (or of its view, which passes the
 * request it read) shown in its view, its failed orgs retried as a new request (the same preview and
 * confirmation as a push), aborted while Created or Pending, or a request left Created by a lost
 * connection started with the jobs it has. Each reads the request again before it acts.
 */
export function pushRequestCommands(services: Services) {
  const pipeline = commandPipeline(services);
  PushRequestPanel.useExport((requestId, failures) => exportFailures(services, requestId, failures));
  const needs = { lmo: connectedLmo(services.session) };

  /** The owner org of the request's package, or undefined (said once) when it isn't known. */
  const ownerOf = async (target: PushRequestTarget): Promise<LmoApi | undefined> => {
    const owner = await services.knownPushOwner(target.pkg);
    if (!owner) {
      void vscode.window.showErrorMessage(
        `The org that owns ${target.pkg.name}'s pushes is not known: run Push Upgrade to This Version… once to choose it.`,
      );
      return undefined;
    }
    return owner.connect();
  };

  const changed = (target: PushRequestTarget) => {
    services.tree.pushRequestsChanged(target.pkg.packageId);
    PushRequestPanel.refreshAll();
  };

  return {
    [commands.showPushRequest]: pipeline.command(
      { title: 'Show Push Request', needs },
      async (_needs, _run, node?: PushRequestNode) => {
        if (!node?.request) return;
        PushRequestPanel.show(services, {
          packageRecordId: node.pkg.id,
          packageName: node.pkg.name,
          requestId: node.request.id,
        });
      },
    ),

    [commands.refreshPushRequests]: pipeline.command(
      { title: 'Refresh Push Upgrades', needs },
      async (_needs, _run, node?: PushRequestsNode) => {
        services.tree.pushRequestsChanged(node?.pkg.packageId);
      },
    ),

    [commands.retryPushRequest]: pipeline.command(
      { title: 'Retry Failed Orgs', needs },
      async (_needs, run, target?: PushRequestTarget) => {
        if (!target?.request) return;
        const owner = await ownerOf(target);
        if (!owner) return;
        const fresh = await readPushRequest(owner, target.request.id);
        if (!fresh || !pushRequestActions(fresh).retry) {
          void vscode.window.showWarningMessage(
            `Retry Failed Orgs: push request ${target.request.id} is ${fresh?.status ?? 'gone'} with ${describeJobs(fresh?.jobs ?? {})}: there is no failed org to retry.`,
          );
          changed(target);
          return;
        }
        const found = scopeForVersion(await services.packages(), fresh.versionId);
        if ('problem' in found) {
          void vscode.window.showErrorMessage(`Retry Failed Orgs: ${found.problem}`);
          return;
        }
        await retryInPanel(services, run, owner, found.scope, fresh.id);
      },
    ),

    [commands.abortPushRequest]: pipeline.command(
      { title: 'Abort Push Request', needs },
      async (_needs, run, target?: PushRequestTarget) => {
        if (!target?.request) return;
        const owner = await ownerOf(target);
        if (!owner) return;
        const jobs = totalJobs(target.request.jobs);
        const answer = await vscode.window.showWarningMessage(
          `Abort push request ${target.request.id} of ${target.pkg.name}? Its ${jobs} ${jobs === 1 ? 'job' : 'jobs'} will not run. A request can be aborted only while it is Created or Pending.`,
          { modal: true },
          'Abort Request',
        );
        if (answer !== 'Abort Request') return;
        const report = await run.progress('Aborting the push request', () =>
          abortPush(owner, target.request.id),
        );
        if (report.kind === 'aborted')
          void vscode.window.showInformationMessage(`Push request ${report.requestId} aborted.`);
        else void vscode.window.showWarningMessage(`Abort Push Request: ${report.message}`);
        changed(target);
      },
    ),

    [commands.finishPushRequest]: pipeline.command(
      { title: 'Finish Scheduling', needs },
      async (_needs, run, target?: PushRequestTarget) => {
        if (!target?.request) return;
        const owner = await ownerOf(target);
        if (!owner) return;
        const fresh = await readPushRequest(owner, target.request.id);
        if (!fresh || !pushRequestActions(fresh).finish) {
          void vscode.window.showWarningMessage(
            `Finish Scheduling: push request ${target.request.id} is ${fresh?.status ?? 'gone'}: only a request left Created with jobs can be started.`,
          );
          changed(target);
          return;
        }
        const jobs = totalJobs(fresh.jobs);
        const answer = await vscode.window.showWarningMessage(
          `Start push request ${fresh.id} with the ${jobs} ${jobs === 1 ? 'job' : 'jobs'} it has? It was left Created (not started) when the connection was lost while its jobs were created; orgs whose jobs were not created are not in it: push them again afterwards. Or abort it.`,
          { modal: true },
          'Start Request',
          'Abort Request',
        );
        if (answer === 'Abort Request') {
          await vscode.commands.executeCommand(commands.abortPushRequest, { ...target, request: fresh });
          return;
        }
        if (answer !== 'Start Request') return;
        const report = await run.progress('Starting the push request', () =>
          finishSchedule(owner, fresh.id, [], { ingestJobs: services.ingestJobsOf(owner) }),
        );
        for (const found of report.abandoned ?? []) void vscode.window.showWarningMessage(found);
        if (report.kind === 'started')
          void vscode.window.showInformationMessage(
            `Push request ${report.requestId} started with ${report.jobs} jobs.`,
          );
        else void vscode.window.showWarningMessage(`Finish Scheduling: ${report.message}`);
        changed(target);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

/** "Export Failures as CSV": through a save dialog, written whole or not at all (`.partial`, then renamed). */
async function exportFailures(
  services: Services,
  requestId: string,
  failures: readonly PushFailure[],
): Promise<void> {
  const target = await askCsvTarget(
    `Export the failures of push request ${requestId}`,
    `push-${requestId}-failures.csv`,
  );
  if (!target) return;
  try {
    await writePushFailuresCsv(target.fsPath, failuresCsv(failures));
    void vscode.window.showInformationMessage(`Exported ${failures.length} failures to ${target.fsPath}.`);
  } catch (error) {
    services.log.error(`Push request: export to ${target.fsPath} failed: ${String(error)}`);
    void vscode.window.showErrorMessage(`Couldn't write ${target.fsPath}: ${(error as Error).message}`);
  }
}
