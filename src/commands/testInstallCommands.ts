import * as vscode from 'vscode';
import { releasedNewestFirst } from '../lma/records/packages';
import type { Package, PackageVersion } from '../lma/records/types';
import { toId15 } from '../lma/records/soql';
import { installStatusWords } from '../lma/rules/packageInstall';
import {
  checkVersionAccess,
  readTargetOrg,
  runTestInstall,
  type InstallPhase,
  type TargetOrgFacts,
  type TestInstallReport,
} from '../lma/workflows/testInstall';
import { prepareTestInstall, type PreparedTestInstall } from '../lma/workflows/testInstallPreparation';
import type { AuthorizedOrg } from '../org/connection';
import { toLmoError } from '../org/errors';
import { createLocalTestOrg, isLocalOrgUrl } from '../org/localOrg';
import type { LmoSession } from '../org/lmoSession';
import { loadSalesforce } from '../org/salesforceLoader';
import type { PackageNode, VersionNode } from '../views/nodes';
import { TestInstallReportPanel } from '../webviews/testInstallReportPanel';
import { commands, settingDefaults, settings } from '../ids';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';
import { connectedLmo, type ConnectedLmo, type Run } from './pipeline';
import { commandPipeline } from './vscodePipeline';

const NEW_LOCAL_TEST_ORG = 'new-local-test-org';

/** What the command runs on: a package or version of the tree, or a package (the default-licensing form). */
type RunTarget = Pick<PackageNode, 'kind' | 'pkg'> | VersionNode;

/** "Run Test Install…": on a package or a version of the tree, or from the palette. */
export function testInstallCommands(services: Services) {
  const pipeline = commandPipeline(services);
  return {
    // The test install is verified in the LMO: it needs one.
    [commands.runTestInstall]: pipeline.command(
      { title: 'Run Test Install', needs: { lmo: connectedLmo(services.session) } },
      async ({ lmo }, progress, node?: RunTarget) => {
        const choice = await askRun(services, lmo, node);
        if (choice) await run(services, lmo, progress, choice);
      },
    ),
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
  target: { alias: string };
  /** Held only for this run: never logged, kept or shown. */
  installationKey: string | undefined;
  /** The test org open, and the terms to verify (prepareTestInstall). */
  prepared: PreparedTestInstall;
}

type Step<T> = T | 'back' | undefined;

/**
 * The multi-step input: package (from the palette), version, test org, then the installation key when
 * the version has one (a masked input; a wrong key says so and asks again); Back works throughout.
 */
async function askRun(
  services: Services,
  lmo: ConnectedLmo,
  node: RunTarget | undefined,
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
  let target: { alias: string; isLocal: boolean } | undefined;
  let opened: { alias: string; prepared: PreparedTestInstall; facts: TargetOrgFacts } | undefined;
  let installationKey: string | undefined;
  const fromPalette = !node;
  type StepName = 'package' | 'version' | 'target' | 'key';
  const steps: StepName[] = [
    ...(fromPalette ? ['package' as const] : []),
    ...(fixedVersion ? [] : ['version' as const]),
    'target',
    'key',
  ];
  let index = 0;
  while (index < steps.length) {
    const back = index > 0;
    let answer: Step<unknown>;
    switch (steps[index]!) {
      case 'package':
        answer = await pick(
          packages.map((p) => ({ label: p.name, description: p.packageId, value: p })),
          { title: 'Run Test Install: package', placeholder: 'Choose the package to install', back },
        );
        if (answer && answer !== 'back') pkg = answer as Package;
        break;
      case 'version':
        answer = await pick(await versionItems(services, pkg), {
          title: `Run Test Install: version of ${pkg?.name ?? 'the package'}`,
          placeholder: 'Choose the released version to install (newest first)',
          back,
        });
        if (answer && answer !== 'back') version = answer as { id: string; label: string };
        break;
      case 'target':
        answer = await pick(await targetItems(lmo), {
          title: 'Run Test Install: test org',
          placeholder: 'Choose the test org to install into (the LMO itself is not offered)',
          back,
        });
        if (answer && answer !== 'back') target = answer as typeof target;
        break;
      case 'key': {
        if (!version || !target) return undefined;
        if (opened?.alias !== target.alias) opened = await openTarget(services, lmo, target);
        if (!opened) return undefined;
        const connection = opened.prepared.connection;
        const versionId = version.id;
        const access = await checkVersionAccess(connection, versionId).catch(() => undefined);
        // Not visible yet (just released) or unreadable: the run waits for it and asks then if needed.
        if (access?.kind !== 'keyRequired') {
          answer = 'skip';
          break;
        }
        answer = await askKey({
          title: `Run Test Install: installation key of ${version.label}`,
          prompt:
            'This version is protected by an installation key. It is used for this install only, never stored.',
          back,
          check: async (key) => (await checkVersionAccess(connection, versionId, key)).kind !== 'keyInvalid',
        });
        if (answer && answer !== 'back') installationKey = answer as string;
        break;
      }
    }
    if (answer === undefined) return undefined;
    index += answer === 'back' ? -1 : 1;
  }
  if (!version || !target || !opened) return undefined;
  const { prepared, facts } = opened;
  const { connection } = prepared;
  // Sandbox or production from the org itself: the CLI auth store's flag is false for most sandboxes
  // logged in by hand.
  const production = !facts.isSandbox && !target.isLocal && !isLocalOrgUrl(connection.instanceUrl);
  if (production) {
    const proceed = await vscode.window.showWarningMessage(
      `${connection.username} is a production org${facts.organizationType ? ` (${facts.organizationType})` : ''}. Install ${pkg?.name ?? 'the package'} ${version.label} into it?`,
      {
        modal: true,
        detail:
          'Its Organization record says it is not a sandbox. Test installs belong in a sandbox, scratch or test org: an install in production is real.',
      },
      'Install into Production',
    );
    if (proceed !== 'Install into Production') return undefined;
  }
  return {
    packageName: pkg?.name ?? version.label,
    subscriberPackageId: pkg?.packageId,
    version,
    target: { alias: opened.alias },
    installationKey,
    prepared,
  };
}

/**
 * Opens the chosen test org (creating a local one if asked) through the preparation the CLI shares
 * (never the LMO; the terms from the editor's sfdx-project.json), and reads what it is.
 */
async function openTarget(
  services: Services,
  lmo: ConnectedLmo,
  target: { alias: string; isLocal: boolean },
): Promise<{ alias: string; prepared: PreparedTestInstall; facts: TargetOrgFacts } | undefined> {
  const alias =
    target.alias === NEW_LOCAL_TEST_ORG ? await createLocalTestOrg(lmo.org.instanceUrl) : target.alias;
  const salesforce = await loadSalesforce();
  const prepared = await prepareTestInstall({
    lmoOrgId: lmo.org.orgId,
    openTarget: () =>
      salesforce.openConnection(alias, (exchange) =>
        services.log.info(
          `[test org] ${exchange.method} ${exchange.path} → ${exchange.status} (${Math.round(exchange.ms)} ms)`,
        ),
      ),
    readProject: () => services.project.facts(),
  });
  if (prepared.kind === 'targetIsLmo') {
    void vscode.window.showErrorMessage(prepared.message);
    return undefined;
  }
  const facts = await readTargetOrg(prepared.connection);
  // A new local test org keeps its alias for Back: choosing it again must not make another one.
  target.alias = alias;
  return { alias, prepared, facts };
}

/**
 * A masked input for the installation key, with Back: `check` tells a wrong key (the input stays open
 * and says so) from a right one. Resolves to the key, 'back', or undefined when dismissed.
 */
function askKey(options: {
  title: string;
  prompt: string;
  back: boolean;
  check: (key: string) => Promise<boolean>;
}): Promise<Step<string>> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.prompt = options.prompt;
  input.password = true;
  input.ignoreFocusOut = true;
  input.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Step<string>) => {
      if (settled) return;
      settled = true;
      resolve(value);
      input.dispose();
    };
    input.onDidChangeValue(() => (input.validationMessage = undefined));
    input.onDidAccept(async () => {
      const key = input.value;
      if (!key) {
        input.validationMessage = 'Type the installation key.';
        return;
      }
      input.busy = true;
      input.enabled = false;
      const right = await options.check(key).catch(() => true);
      input.busy = false;
      input.enabled = true;
      if (right) return finish(key);
      input.value = '';
      input.validationMessage = 'Wrong installation key: type it again.';
    });
    input.onDidTriggerButton(() => finish('back'));
    input.onDidHide(() => finish(undefined));
    input.show();
  });
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

async function targetItems(lmo: ConnectedLmo): Promise<PickItem<{ alias: string; isLocal: boolean }>[]> {
  const lmoId = toId15(lmo.org.orgId);
  const salesforce = await loadSalesforce();
  const orgs: AuthorizedOrg[] = await salesforce.listAuthorizedOrgs().catch(() => []);
  const items = orgs
    .filter((org) => org.orgId && toId15(org.orgId) !== lmoId)
    .map((org) => ({
      label: org.aliases[0] ?? org.username,
      description: [
        org.aliases.length ? org.username : undefined,
        // The auth store's flags, as a hint only: the org's own Organization record decides.
        org.isScratch ? 'scratch org' : org.isSandbox ? 'sandbox' : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      value: { alias: org.aliases[0] ?? org.username, isLocal: isLocalOrgUrl(org.instanceUrl ?? '') },
    }));
  if (isLocalOrgUrl(lmo.org.instanceUrl))
    items.unshift({
      label: '$(add) New local test org',
      description: 'a fresh subscriber org in the local org',
      value: { alias: NEW_LOCAL_TEST_ORG, isLocal: true },
    });
  return items;
}

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/** A quick pick with a Back button: resolves to the value, 'back', or undefined when dismissed. */
function pick<T>(
  items: PickItem<T>[],
  options: { title: string; placeholder: string; back: boolean },
): Promise<Step<T>> {
  const quickPick = vscode.window.createQuickPick<PickItem<T>>();
  quickPick.title = options.title;
  quickPick.items = items;
  quickPick.ignoreFocusOut = true;
  quickPick.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
  quickPick.placeholder = items.length === 0 ? 'Nothing to choose from' : options.placeholder;
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

const minutes = (ms: number): string =>
  ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

const phaseText = (phase: InstallPhase): string => {
  switch (phase.kind) {
    case 'waitingForVersion':
      return phase.status === 'NOT_VISIBLE'
        ? `Waiting for the version to reach the test org's instance (just released?): ${minutes(phase.elapsedMs)} of at most ${minutes(phase.timeoutMs)}…`
        : `Waiting for the version to become installable (${installStatusWords(phase.status)}): ${minutes(phase.elapsedMs)} of at most ${minutes(phase.timeoutMs)}…`;
    case 'retryingInstall':
      return `The test org refused the install request for now (${phase.error}); retry ${phase.attempt} in ${minutes(phase.delayMs)}…`;
    case 'installing':
      return `Installing in the test org (${installStatusWords(phase.status)})…`;
    case 'waitingForLmo':
      return `${phase.installKind === 'upgrade' ? 'Upgrade: waiting for the LMO to move the License to this version' : phase.installKind === 'reinstall' ? 'Reinstall: waiting for the LMO to record a new License' : 'Waiting for the LMO to record the License'} (often minutes): ${minutes(phase.elapsedMs)} of at most ${minutes(phase.timeoutMs)}, look ${phase.attempt}…`;
  }
};

async function run(services: Services, lmo: ConnectedLmo, progress: Run, choice: RunChoice): Promise<void> {
  const configuration = vscode.workspace.getConfiguration();
  const milliseconds = (
    key: (typeof settings)['licenseTimeoutSeconds' | 'versionTimeoutSeconds' | 'installTimeoutSeconds'],
  ) => configuration.get<number>(key, settingDefaults[key]) * 1000;
  const sitesSetting = configuration.get<string>(settings.remoteSites, settingDefaults[settings.remoteSites]);
  const done = services.testInstalls.start(choice.subscriberPackageId ?? choice.version.id);
  let report: TestInstallReport;
  try {
    report = await progress.progress(
      `Test install of ${choice.packageName} ${choice.version.label} into ${choice.target.alias}`,
      (signal, say) => {
        return runTestInstall({
          lmo: services.session,
          lmoUsername: lmo.org.username,
          target: choice.prepared.target,
          versionId: choice.version.id,
          installationKey: choice.installationKey,
          packageName: choice.packageName,
          enableRemoteSites:
            sitesSetting === 'enable' ? true : sitesSetting === 'disable' ? false : undefined,
          asks: {
            installationKey: async (problem) =>
              (await vscode.window.showInputBox({
                title: `Installation key of ${choice.version.label}`,
                prompt:
                  problem === 'invalid'
                    ? 'Wrong installation key: type it again.'
                    : 'This version is protected by an installation key.',
                password: true,
                ignoreFocusOut: true,
                validateInput: (value) => (value ? undefined : 'Type the installation key'),
              })) || undefined,
            remoteSites: async (sites) => {
              const answer = await vscode.window.showWarningMessage(
                `${choice.packageName} ${choice.version.label} may send or receive data from these sites. Enable its remote site settings and CSP trusted sites in the test org?`,
                { modal: true, detail: sites.join('\n') },
                'Enable',
                "Don't Enable",
              );
              return answer === undefined ? undefined : answer === 'Enable';
            },
          },
          termsFor: choice.prepared.termsFor,
          limits: {
            versionTimeoutMs: milliseconds(settings.versionTimeoutSeconds),
            installTimeoutMs: milliseconds(settings.installTimeoutSeconds),
            licenseTimeoutMs: milliseconds(settings.licenseTimeoutSeconds),
          },
          waiting: {
            signal,
            onPhase: (phase) => {
              say(phaseText(phase));
              if (phase.kind === 'retryingInstall') services.log.warn(`Test install: ${phaseText(phase)}`);
            },
            onLmoError: (error) => afterRelogin(services.session, error, signal),
          },
        });
      },
    );
  } finally {
    done();
  }
  await services.testInstalls.keep(report);
  services.log.info(
    `Test install (${report.installKind ?? 'not started'}) of ${report.packageName} ${report.versionName} into ${report.targetOrg.username}: ${report.outcome}`,
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
