/**
 * How a command runs, without `vscode` (the adapter is vscodePipeline.ts): its preconditions are
 * resolved in order (a connected LMO, a project, a selection of Licenses) or end in ONE message with
 * the action that fixes it; the handler then runs inside one error boundary (a Salesforce error is a
 * message with Show Log, a cancellation is silent, nothing becomes an unhandled rejection), and a step
 * that can take over a second runs under a progress notification whose Cancel aborts the use case's
 * AbortSignal.
 */
import { commands } from '../ids';
import type { Listen } from '../base/emitter';
import type { LmaPresence } from '../lma/records/lmaPresence';
import { noAccessAdvice } from '../lma/records/lmaPresence';
import { SfdxProjectError, type WorkspacePackage } from '../lma/project/sfdxProject';
import { toLmoError } from '../org/errors';
import type { OrgIdentity, SessionState } from '../org/lmoSession';

/** What the pipeline needs of the UI: the VS Code adapter, or a test's recorder. */
export interface CommandUi {
  /** Shows a message with buttons; resolves to the chosen one (undefined when dismissed). */
  showMessage(
    severity: 'error' | 'warning' | 'info',
    message: string,
    actions: readonly string[],
  ): Promise<string | undefined>;
  /** Runs `task` under a progress notification: its Cancel (when `cancellable`) aborts `signal`. */
  withProgress<T>(
    title: string,
    task: (signal: AbortSignal, report: (message: string, increment?: number) => void) => Promise<T>,
    options?: { cancellable?: boolean },
  ): Promise<T>;
  executeCommand(id: string): Promise<unknown>;
  /** Writes a failure to the log that Show Log opens. */
  log(message: string): void;
}

/** The action that fixes an unmet precondition: a button that runs a command. */
export interface Fix {
  readonly label: string;
  readonly command: string;
}

/** What a precondition resolved to: its value, one message (and its fix), or dismissed by the user (silent). */
export type Resolution<T> =
  | { kind: 'met'; value: T }
  | { kind: 'unmet'; message: string; severity?: 'error' | 'warning' | 'info'; fix?: Fix }
  | { kind: 'dismissed' };

/** A precondition: resolved from the command's arguments (a tree node, the selection) or by asking. */
export type Need<T> = (args: readonly unknown[]) => Resolution<T> | Promise<Resolution<T>>;

type Needs = Record<string, Need<unknown>>;
type Resolved<N extends Needs> = { [K in keyof N]: N[K] extends Need<infer T> ? T : never };

/** What a running handler may use besides its needs. */
export interface Run {
  /**
   * A step that can take over a second: a progress notification with Cancel, which aborts `signal`.
   * A run whose signal was aborted ends silently, whatever the step throws then. A step that can't
   * stop half-way says `cancellable: false`.
   */
  progress<T>(
    title: string,
    task: (signal: AbortSignal, report: (message: string, increment?: number) => void) => Promise<T>,
    options?: { cancellable?: boolean },
  ): Promise<T>;
}

export interface CommandSpec<N extends Needs> {
  /** Names the command in its failure message: "<title>: <what went wrong>". */
  readonly title: string;
  readonly needs?: N;
  /** Words the failure message instead of "<title>: <message>"; it gets the command's arguments too. */
  readonly failure?: (message: string, args: readonly unknown[]) => string;
}

const met = <T>(value: T): Resolution<T> => ({ kind: 'met', value });
const SHOW_LOG = 'Show Log';

export class CommandPipeline {
  constructor(private readonly ui: CommandUi) {}

  /** A handler with its needs, inside the boundary: the returned function never rejects. */
  command<N extends Needs, A extends unknown[]>(
    spec: CommandSpec<N>,
    handler: (needs: Resolved<N>, run: Run, ...args: A) => unknown,
  ): (...args: A) => Promise<void> {
    return async (...args: A) => {
      let cancelled = false;
      const run: Run = {
        progress: (title, task, options) =>
          this.ui.withProgress(
            title,
            (signal, report) => {
              signal.addEventListener('abort', () => (cancelled = true), { once: true });
              return task(signal, report);
            },
            { cancellable: options?.cancellable ?? true },
          ),
      };
      try {
        const resolved: Record<string, unknown> = {};
        for (const [name, need] of Object.entries(spec.needs ?? {})) {
          const resolution = await need(args);
          if (resolution.kind === 'dismissed') return;
          if (resolution.kind === 'unmet') return await this.unmet(resolution);
          resolved[name] = resolution.value;
        }
        await handler(resolved as Resolved<N>, run, ...args);
      } catch (error) {
        if (cancelled || isAbort(error)) return;
        await this.failed(error, spec, args);
      }
    };
  }

  /** The boundary alone, for a handler that declares nothing: its failure is its own message. */
  guard<A extends unknown[]>(handler: (...args: A) => unknown): (...args: A) => Promise<void> {
    return this.command({ title: '' }, (_needs, _run, ...args: A) => handler(...args));
  }

  private async unmet(resolution: Resolution<unknown> & { kind: 'unmet' }): Promise<void> {
    const { fix } = resolution;
    await this.safely(async () => {
      const chosen = await this.ui.showMessage(
        resolution.severity ?? 'warning',
        resolution.message,
        fix ? [fix.label] : [],
      );
      if (fix && chosen === fix.label) await this.ui.executeCommand(fix.command);
    });
  }

  private async failed(error: unknown, spec: CommandSpec<Needs>, args: readonly unknown[]): Promise<void> {
    const failure = toLmoError(error);
    const message = spec.failure
      ? spec.failure(failure.message, args)
      : spec.title
        ? `${spec.title}: ${failure.message}`
        : failure.message;
    await this.safely(async () =>
      this.ui.log(`${message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`),
    );
    // An expired session prompts once through its state change; a superseded answer belongs to an org
    // the user has left. Neither is this command's failure to show.
    if (failure.kind === 'sessionExpired' || failure.kind === 'superseded') return;
    await this.safely(async () => {
      if ((await this.ui.showMessage('error', message, [SHOW_LOG])) === SHOW_LOG)
        await this.ui.executeCommand(commands.showLog);
    });
  }

  /** The boundary's own steps must not throw either (a closed window, a missing command). */
  private async safely(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch {
      // Nothing left to tell the user with.
    }
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}

/** The one wording of "connect first", with the Connect… action. */
export const CONNECT_FIRST = 'Connect your License Management Org first.';
const connectFix: Fix = { label: 'Connect…', command: commands.connect };

/** The session as the pipeline reads it. */
export interface SessionPort {
  readonly state: SessionState;
  readonly onDidChangeState: Listen<SessionState>;
}

/** While a connection is under way, its outcome decides: waited for, never refused. */
async function settled(session: SessionPort): Promise<SessionState> {
  if (session.state.kind !== 'connecting') return session.state;
  return new Promise((resolve) => {
    const subscription = session.onDidChangeState((state) => {
      if (state.kind === 'connecting') return;
      subscription.dispose();
      resolve(state);
    });
  });
}

/** A connected org, whatever it holds (the Partner Console confirmation needs only its id). */
export function connectedOrg(session: SessionPort): Need<OrgIdentity> {
  return async () => {
    const state = await settled(session);
    return state.kind === 'connected'
      ? met(state.org)
      : { kind: 'unmet', message: CONNECT_FIRST, fix: connectFix };
  };
}

export interface ConnectedLmo {
  readonly org: OrgIdentity;
  readonly lma: LmaPresence & { kind: 'installed' };
}

/** A connected LMO whose License Management App this user can read: the session in a usable state. */
export function connectedLmo(session: SessionPort): Need<ConnectedLmo> {
  return async () => {
    const state = await settled(session);
    if (state.kind !== 'connected') return { kind: 'unmet', message: CONNECT_FIRST, fix: connectFix };
    const { org, lma } = state;
    switch (lma.kind) {
      case 'installed':
        return met({ org, lma });
      case 'notInstalled':
        return {
          kind: 'unmet',
          message: `${org.username} has no License Management App. ${CONNECT_FIRST}`,
          fix: connectFix,
        };
      case 'noAccess':
        return {
          kind: 'unmet',
          message: `${org.username} has the License Management App, but ${noAccessAdvice(lma.missing)}`,
          fix: { label: 'Connect Again', command: commands.reconnect },
        };
    }
  };
}

/** The LMO when one is connected and usable, else undefined: for a command that can do without it. */
export function lmoIfConnected(session: SessionPort): Need<ConnectedLmo | undefined> {
  const lmo = connectedLmo(session);
  return async (args) => {
    const resolution = await lmo(args);
    return met(resolution.kind === 'met' ? resolution.value : undefined);
  };
}

/** sfdx-project.json as the pipeline reads it (the workspace's project document). */
export interface ProjectPort {
  packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined>;
}

export const NO_PROJECT =
  'Open a Salesforce DX project first: the workspace folder has no sfdx-project.json.';

/** A project whose sfdx-project.json parses: its packages. */
export function project(port: ProjectPort): Need<WorkspacePackage[]> {
  return async () => {
    const packages = await port.packages();
    if (packages instanceof SfdxProjectError)
      return { kind: 'unmet', message: packages.message, severity: 'error' };
    if (!packages) return { kind: 'unmet', message: NO_PROJECT };
    return met(packages);
  };
}

interface MaybeLicenseNode {
  readonly kind: string;
  readonly license?: { readonly id: string };
}

/**
 * The Licenses a command acts on, by id: the tree's multi-selection, else the clicked node, else one
 * picked from a search (the palette). Dismissing the pick ends the command silently.
 */
export function licenseSelection(pick: () => Promise<{ id: string } | undefined>): Need<string[]> {
  return async ([node, selected]) => {
    const nodes = (
      Array.isArray(selected) && selected.length ? selected : node ? [node] : []
    ) as MaybeLicenseNode[];
    const ids = nodes.flatMap((n) => (n?.kind === 'license' && n.license ? [n.license.id] : []));
    if (ids.length) return met(ids);
    const picked = await pick();
    return picked ? met([picked.id]) : { kind: 'dismissed' };
  };
}
