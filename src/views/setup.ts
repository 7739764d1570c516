import * as vscode from 'vscode';
import { contextKeys } from '../ids';
import { lmoKindWarning, loadOrgKind, setupState, type SetupState } from '../lma/workflows/setupChecks';
import type { Listen } from '../base/emitter';
import type { Package } from '../lma/records/types';
import type { TestInstalls } from '../lma/workflows/testInstallHistory';
import { isLocalOrgUrl } from '../org/localOrg';
import type { LmoSession } from '../org/lmoSession';
import type { PartnerConsoleConfirmations } from '../state/partnerConsoleConfirmations';
import type { ProjectDocument } from '../state/projectDocument';

/** What the walkthrough reads of `Services` (spelt out: services.ts builds this view, so can't be imported). */
export interface SetupServices {
  readonly session: LmoSession;
  readonly project: ProjectDocument;
  readonly testInstalls: TestInstalls;
  readonly partnerConsole: PartnerConsoleConfirmations;
  packages(): Promise<Package[]>;
  readonly onDidReloadPackages: Listen<void>;
}

/** The context key of each walkthrough step, completed by `onContext:` events in package.json. */
const stepKeys: Record<
  keyof Pick<
    SetupState,
    'lmaInstalled' | 'partnerConsoleConnected' | 'packagesAssociated' | 'termsSet' | 'testInstallsPassed'
  >,
  string
> = contextKeys.setup;

/**
 * Keeps the setup walkthrough's steps true to the connected LMO and the workspace: re-checks when
 * the session, sfdx-project.json or a test install changes, and warns once per LMO that is the wrong
 * kind of org.
 *
 * VS Code completes an `onContext:` step only when its key changes to true after the walkthrough was
 * registered, which happens at a moment of VS Code's choosing (when the Welcome page service first
 * loads, and up to seconds later); a key that is already true then never completes the step in that
 * window's session. So a done step's key is never left true: it is set true and at once false again
 * (`announce`), after every check and whenever a tab opens that may be the walkthrough.
 */
export class SetupProgress implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private checking = 0;
  private readonly warned = new Set<string>();
  private last: SetupState | undefined;
  private announcing: Promise<void> = Promise.resolve();

  constructor(private readonly services: SetupServices) {
    const recheck = () => void this.check();
    this.subscriptions = [
      services.session.onDidChangeState((state) => {
        recheck();
        if (state.kind === 'connected' && state.lma.kind === 'installed')
          void this.warnAboutOrgKind(state.org.orgId, state.org.instanceUrl);
      }),
      services.project.onDidChange(recheck),
      services.onDidReloadPackages(recheck),
      services.testInstalls.onDidChange(recheck),
      // The Welcome page and walkthroughs are tabs whose input the API can't describe.
      vscode.window.tabGroups.onDidChangeTabs(({ opened, changed }) => {
        if ([...opened, ...changed].some((tab) => tab.input === undefined)) void this.announce();
      }),
    ];
    recheck();
  }

  /** The last computed state (checks again first). */
  async state(): Promise<SetupState> {
    await this.check();
    return this.last!;
  }

  private async check(): Promise<void> {
    const run = ++this.checking;
    const session = this.services.session.state;
    const lmaInstalled = session.kind === 'connected' && session.lma.kind === 'installed';
    // Without an LMO no step can be complete: nothing to read (this runs at activation, too).
    const workspace = lmaInstalled ? await this.services.project.packages() : [];
    const lmoPackages = lmaInstalled ? await this.services.packages().catch(() => []) : [];
    const aliasesWithTerms = lmaInstalled ? await this.aliasesWithTerms() : new Set<string>();
    if (run !== this.checking) return; // A newer check is under way.
    this.last = setupState({
      lmo:
        session.kind === 'connected'
          ? {
              lmaInstalled,
              isLocalOrg: isLocalOrgUrl(session.org.instanceUrl),
              partnerConsoleConfirmed: this.services.partnerConsole.isConfirmed(session.org.orgId),
            }
          : undefined,
      workspacePackages: Array.isArray(workspace) ? workspace : [],
      lmoPackages,
      aliasesWithTerms,
      lastTestInstall: (packageId) => this.services.testInstalls.lastFor(packageId)?.outcome,
    });
    await this.announce();
  }

  /** Sets the key of every done step true, then false again (one announcement at a time). */
  private announce(): Promise<void> {
    const state = this.last;
    if (!state) return this.announcing;
    const pulse = async () => {
      for (const [field, key] of Object.entries(stepKeys)) {
        if (!state[field as keyof typeof stepKeys]) continue;
        await vscode.commands.executeCommand('setContext', key, true);
        await vscode.commands.executeCommand('setContext', key, false);
      }
    };
    // A failed announcement (the window closing) must not stop the next one.
    this.announcing = this.announcing.then(pulse).catch(() => undefined);
    return this.announcing;
  }

  private async aliasesWithTerms(): Promise<Set<string>> {
    const facts = await this.services.project.facts();
    return new Set([...(facts?.entries ?? [])].filter(([, entry]) => entry.terms).map(([alias]) => alias));
  }

  private async warnAboutOrgKind(orgId: string, instanceUrl: string): Promise<void> {
    if (this.warned.has(orgId) || isLocalOrgUrl(instanceUrl)) return;
    this.warned.add(orgId);
    const warning = lmoKindWarning(
      await loadOrgKind(this.services.session).catch(() => 'production' as const),
    );
    if (warning) void vscode.window.showWarningMessage(warning);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
