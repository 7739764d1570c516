import * as vscode from 'vscode';
import { releasedNewestFirst } from '../lma/packages';
import { findPackageTerms } from '../lma/projectTerms';
import type { Package, PackageVersion } from '../lma/records';
import { toId15 } from '../lma/soql';
import {
  describeVersion,
  runTestInstall,
  type InstallPhase,
  type TestInstallReport,
} from '../lma/testInstall';
import type { AuthorizedOrg, OrgConnection } from '../org/connection';
import { toLmoError } from '../org/errors';
import { createLocalTestOrg, isLocalOrgUrl } from '../org/localOrg';
import type { LmoSession } from '../org/lmoSession';
import { loadSalesforce } from '../org/salesforceLoader';
import type { PackageNode, VersionNode } from '../views/nodes';
import { TestInstallReportPanel } from '../webviews/testInstallReportPanel';
import { commands, settingDefaults, settings } from '../ids';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';

const NEW_LOCAL_TEST_ORG = 'new-local-test-org';

/** "Run Test Install…": on a package or a version of the tree, or from the palette. */
export function testInstallCommands(services: Services) {
  return {
    [commands.runTestInstall]: async (node?: PackageNode | VersionNode) => {
      if (services.session.state.kind !== 'connected') {
        void vscode.window.showWarningMessage(
          'Connect the License Management Org first: the test install is verified there.',
        );
        return;
      }
      const choice = await askRun(services, node);
      if (choice) await run(services, choice);
    },
    [commands.showTestInstallHistory]: async () => {
      const runs = services.testInstalls.runs();
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('No test install has run in this workspace yet.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        runs.map((report) => ({
          label: `${report.packageName} ${report.versionName}`,
          description: `${report.outcome} · ${report.targetOrg.username}`,
          detail: new Date(report.finishedAt).toLocaleString(),
          report,
        })),
        { title: 'Test Installs (newest first)' },
      );
      if (picked) TestInstallReportPanel.show(services, picked.report);
    },
  } satisfies Partial<CommandHandlers>;
}

interface RunChoice {
  packageName: string;
  /** The 033 id of the package, for its installing mark in the tree. */
  subscriberPackageId: string | undefined;
  version: { id: string; label: string };
  target: { alias: string; isSandbox: boolean };
  installationKey: string | undefined;
  connection: OrgConnection;
}

type Step<T> = T | 'back' | undefined;

/** The multi-step input: package (from the palette), version, test org, installation key; Back works. */
async function askRun(
  services: Services,
  node: PackageNode | VersionNode | undefined,
): Promise<RunChoice | undefined> {
  const packages = await services.packages();
  const fixedVersion = node?.kind === 'version' ? node.version : undefined;
  let pkg: Package | undefined =
    node?.kind === 'package'
      ? node.pkg
      : fixedVersion && packages.find((p) => p.id === fixedVersion.packageId);
  let version: { id: string; label: string } | undefined =
    fixedVersion?.versionId !== undefined
      ? { id: fixedVersion.versionId, label: fixedVersion.versionNumber ?? fixedVersion.name }
      : undefined;
  let target: { alias: string; isSandbox: boolean; isScratch: boolean } | undefined;
  const fromPalette = !node;
  type StepName = 'package' | 'version' | 'target';
  const steps: StepName[] = [
    ...(fromPalette ? ['package' as const] : []),
    ...(fixedVersion ? [] : ['version' as const]),
    'target',
  ];
  let index = 0;
  while (index < steps.length) {
    const back = index > 0;
    let answer: Step<unknown>;
    switch (steps[index]!) {
      case 'package':
        answer = await pick(
          packages.map((p) => ({ label: p.name, description: p.packageId, value: p })),
          { title: 'Run Test Install: package', back },
        );
        if (answer && answer !== 'back') pkg = answer as Package;
        break;
      case 'version':
        answer = await pick(await versionItems(services, pkg), {
          title: `Run Test Install: version of ${pkg?.name ?? 'the package'}`,
          back,
        });
        if (answer && answer !== 'back') version = answer as { id: string; label: string };
        break;
      case 'target':
        answer = await pick(await targetItems(services), { title: 'Run Test Install: test org', back });
        if (answer && answer !== 'back') target = answer as typeof target;
        break;
    }
    if (answer === undefined) return undefined;
    index += answer === 'back' ? -1 : 1;
  }
  if (!version || !target) return undefined;

  if (target.alias === NEW_LOCAL_TEST_ORG) {
    const state = services.session.state;
    if (state.kind !== 'connected') return undefined;
    target = { alias: await createLocalTestOrg(state.org.instanceUrl), isSandbox: false, isScratch: false };
  }
  const salesforce = await loadSalesforce();
  const connection = await salesforce.openConnection(target.alias, (exchange) =>
    services.log.info(
      `[test org] ${exchange.method} ${exchange.path} → ${exchange.status} (${Math.round(exchange.ms)} ms)`,
    ),
  );
  const lmo = services.session.state;
  if (lmo.kind === 'connected' && toId15(lmo.org.orgId) === toId15(connection.orgId)) {
    void vscode.window.showErrorMessage(
      'The test org must not be the LMO: a test install goes into a separate org.',
    );
    return undefined;
  }
  let installationKey: string | undefined;
  const described = await describeVersion(connection, version.id).catch(() => undefined);
  if (described?.IsPasswordProtected) {
    installationKey = await vscode.window.showInputBox({
      title: `Installation key of ${version.label}`,
      prompt: 'This version needs its installation key to install.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value ? undefined : 'Type the installation key'),
    });
    if (!installationKey) return undefined;
  }
  const production = !target.isSandbox && !target.isScratch && !isLocalOrgUrl(connection.instanceUrl);
  if (production) {
    const proceed = await vscode.window.showWarningMessage(
      `${connection.username} is a production org. Install ${pkg?.name ?? 'the package'} ${version.label} into it?`,
      {
        modal: true,
        detail: 'Test installs belong in a sandbox, scratch or test org: an install in production is real.',
      },
      'Install into Production',
    );
    if (proceed !== 'Install into Production') return undefined;
  }
  return {
    packageName: pkg?.name ?? described?.Name ?? version.label,
    subscriberPackageId: pkg?.packageId ?? described?.SubscriberPackageId,
    version,
    target: { alias: target.alias, isSandbox: target.isSandbox },
    installationKey,
    connection,
  };
}

async function versionItems(
  services: Services,
  pkg: Package | undefined,
): Promise<PickItem<{ id: string; label: string }>[]> {
  const fromLmo = [...(pkg?.versions ?? [])]
    .filter((version): version is PackageVersion & { versionId: string } => !!version.versionId)
    .sort(releasedNewestFirst)
    .map((version) => ({
      label: version.versionNumber ?? version.name,
      description: [version.isBeta ? 'beta: never reaches the LMA' : 'released', version.versionId].join(
        ' · ',
      ),
      value: { id: version.versionId, label: version.versionNumber ?? version.name },
    }));
  const known = new Set(fromLmo.map((item) => toId15(item.value.id)));
  const workspace = await services.project.packages();
  const fromProject = Array.isArray(workspace)
    ? workspace
        .filter(
          (candidate) => !pkg || candidate.name === pkg.name || candidate.packageAliasId === pkg.packageId,
        )
        .flatMap((candidate) => candidate.versionIds.map((id) => ({ name: candidate.name, id })))
        .filter(({ id }) => !known.has(toId15(id)))
        .map(({ name, id }) => ({
          label: id,
          description: `sfdx-project.json · ${name}`,
          value: { id, label: id },
        }))
    : [];
  return [...fromLmo, ...fromProject];
}

async function targetItems(
  services: Services,
): Promise<PickItem<{ alias: string; isSandbox: boolean; isScratch: boolean }>[]> {
  const state = services.session.state;
  const lmoId = state.kind === 'connected' ? toId15(state.org.orgId) : '';
  const salesforce = await loadSalesforce();
  const orgs: AuthorizedOrg[] = await salesforce.listAuthorizedOrgs().catch(() => []);
  const items = orgs
    .filter((org) => org.orgId && toId15(org.orgId) !== lmoId)
    .map((org) => ({
      label: org.aliases[0] ?? org.username,
      description: [
        org.aliases.length ? org.username : undefined,
        org.isScratch ? 'scratch org' : org.isSandbox ? 'sandbox' : 'production or Developer Edition',
      ]
        .filter(Boolean)
        .join(' · '),
      value: { alias: org.aliases[0] ?? org.username, isSandbox: org.isSandbox, isScratch: org.isScratch },
    }));
  if (state.kind === 'connected' && isLocalOrgUrl(state.org.instanceUrl))
    items.unshift({
      label: '$(add) New local test org',
      description: 'a fresh subscriber org in the local org',
      value: { alias: NEW_LOCAL_TEST_ORG, isSandbox: false, isScratch: true },
    });
  return items;
}

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/** A quick pick with a Back button: resolves to the value, 'back', or undefined when dismissed. */
function pick<T>(items: PickItem<T>[], options: { title: string; back: boolean }): Promise<Step<T>> {
  const quickPick = vscode.window.createQuickPick<PickItem<T>>();
  quickPick.title = options.title;
  quickPick.items = items;
  quickPick.ignoreFocusOut = true;
  quickPick.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
  if (items.length === 0) quickPick.placeholder = 'Nothing to choose from';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Step<T>) => {
      if (settled) return;
      settled = true;
      resolve(value);
      quickPick.dispose();
    };
    quickPick.onDidAccept(() => finish(quickPick.selectedItems[0]?.value));
    quickPick.onDidTriggerButton(() => finish('back'));
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

const phaseText = (phase: InstallPhase): string => {
  switch (phase.kind) {
    case 'waitingForVersion':
      return `Waiting for the version to become installable (${phase.status})…`;
    case 'installing':
      return `Installing in the test org (${phase.status})…`;
    case 'waitingForLmo':
      return `Waiting for the LMO to record the License (look ${phase.attempt})…`;
  }
};

async function run(services: Services, choice: RunChoice): Promise<void> {
  const lmo = services.session.state;
  if (lmo.kind !== 'connected') return;
  const configuration = vscode.workspace.getConfiguration();
  const milliseconds = (
    key: (typeof settings)['licenseTimeoutSeconds' | 'versionTimeoutSeconds' | 'installTimeoutSeconds'],
  ) => configuration.get<number>(key, settingDefaults[key]) * 1000;
  const projectText = await readProject(services);
  const done = services.testInstalls.start(choice.subscriberPackageId ?? choice.version.id);
  let report: TestInstallReport;
  try {
    report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Test install of ${choice.packageName} ${choice.version.label} into ${choice.target.alias}`,
        cancellable: true,
      },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return runTestInstall({
          lmo: services.session,
          lmoUsername: lmo.org.username,
          target: {
            username: choice.connection.username,
            orgId: choice.connection.orgId,
            isSandbox: choice.target.isSandbox,
            request: (path, options) => choice.connection.request(path, options),
          },
          versionId: choice.version.id,
          installationKey: choice.installationKey,
          packageName: choice.packageName,
          termsFor: (installed) =>
            projectText ? findPackageTerms(projectText, installed)?.terms : undefined,
          limits: {
            versionTimeoutMs: milliseconds(settings.versionTimeoutSeconds),
            installTimeoutMs: milliseconds(settings.installTimeoutSeconds),
            licenseTimeoutMs: milliseconds(settings.licenseTimeoutSeconds),
          },
          waiting: {
            signal: controller.signal,
            onPhase: (phase) => progress.report({ message: phaseText(phase) }),
            onLmoError: (error) => afterRelogin(services.session, error, controller.signal),
          },
        });
      },
    );
  } finally {
    done();
  }
  await services.testInstalls.keep(report);
  services.log.info(
    `Test install of ${report.packageName} ${report.versionName} into ${report.targetOrg.username}: ${report.outcome}`,
  );
  if (report.outcome === 'cancelled') {
    void vscode.window.showInformationMessage(
      'Test install cancelled. An install that already started in Salesforce goes on there.',
    );
  }
  services.tree.refresh(); // The new License is counted.
  TestInstallReportPanel.show(services, report);
}

/** An expired LMO session during the wait: the user is prompted once (extension.ts); go on once connected again. */
async function afterRelogin(
  session: LmoSession,
  error: unknown,
  signal: AbortSignal,
): Promise<'retry' | 'stop'> {
  if (toLmoError(error).kind !== 'sessionExpired' && session.state.kind !== 'expired') return 'stop';
  return new Promise((resolve) => {
    const subscription = session.onDidChangeState((state) => {
      if (state.kind === 'connected' || state.kind === 'disconnected' || state.kind === 'failed') {
        subscription.dispose();
        resolve(state.kind === 'connected' ? 'retry' : 'stop');
      }
    });
    signal.addEventListener('abort', () => {
      subscription.dispose();
      resolve('stop');
    });
  });
}

async function readProject(services: Services): Promise<string | undefined> {
  const uri = services.project.projectFile();
  if (!uri) return undefined;
  return vscode.workspace.openTextDocument(uri).then(
    (document) => document.getText(),
    () => undefined,
  );
}
