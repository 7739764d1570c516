// The host of one webview panel, without `vscode`: what every panel of LMA Explorer shares. A panel class
// is its protocol (src/protocol/) plus what it does; the host keeps the registry, the ready queue, the
// disposed guard, the protocol gate and the state a reloaded window gives back. `vscodePanel.ts` adapts a
// `vscode.WebviewPanel` to `PanelPort`; the unit tests drive the host through a fake one.
import type { Parsed } from '../../protocol/messages';
import { HOST_MESSAGE_KIND, pageStateOf, type HostEnvelope } from '../../protocol/messages';

export interface Disposable {
  dispose(): void;
}

/** What the host needs of a panel: the few members of `vscode.WebviewPanel` it uses. */
export interface PanelPort {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable;
  onDidDispose(listener: () => void): Disposable;
  /** Fires false when the panel is hidden: its page is torn down, and says `ready` again when shown. */
  onDidChangeVisibility(listener: (visible: boolean) => void): Disposable;
  reveal(): void;
  setTitle(title: string): void;
  dispose(): void;
}

export interface HostLog {
  warn(message: string): void;
}

export interface HostOptions<In extends { kind: string }, Out extends { kind: string }, Subject> {
  /** How the log names the panel, e.g. "Modify License form". */
  label: string;
  /** The protocol's gate: only what it accepts reaches `receive`. */
  parse: (raw: unknown) => Parsed<In>;
  /** What the panel shows: given to the page with every `ready`, kept in its saved state for a reload. */
  subject: Subject;
  log: HostLog;
  /** Appended to the log line of a rejected message, e.g. "nothing was written". */
  rejectedNote?: string;
  /** What the page is told when it sent a message the protocol refuses (nothing, by default). */
  onRejected?: () => Out | undefined;
  /** The page's saved state when the panel was restored after a reload (`restore` of the serializer). */
  restoredState?: unknown;
  /**
   * The page's state is a draft of the user's (a form): when the panel closes before it is saved, the
   * next panel of the same subject gets it back. Other pages' state (a report) ends with the panel.
   */
  draftOutlivesPanel?: true;
}

/**
 * A form's answer to a message its protocol refuses: the save it may have meant is refused, so the page
 * stops waiting, and nothing is written (the forms' protocols share this `saveResult`).
 */
export const refusedSave = {
  rejectedNote: 'nothing was written',
  onRejected: () => ({
    kind: 'saveResult' as const,
    outcome: { kind: 'rejected' as const, message: 'The form sent a message the extension does not accept.' },
  }),
};

/**
 * One panel's connection to its page. Messages posted before the page says `ready` (or while a hidden
 * panel's page is torn down) wait in a queue and go out, in order, once it does; a later message of the
 * same kind replaces a waiting one (the page would show only the later). After dispose, posting does
 * nothing. Every message from the page passes the protocol's gate; a refused one is logged and goes no
 * further.
 */
export class WebviewHost<
  In extends { kind: string },
  Out extends { kind: string },
  Subject,
> implements Disposable {
  private ready = false;
  private disposed = false;
  private readonly queue: Out[] = [];
  private readonly subscriptions: Disposable[] = [];
  private readonly disposeListeners: (() => void)[] = [];
  private receiver: ((message: In) => void | Promise<void>) | undefined;
  /** Given to the first page only: a later page has what the first one saved since (or forgot). */
  private restoredState: unknown;
  /** The restored state is the draft of a closed panel of this subject (the page says so). */
  private reopened = false;
  /** The page's own state as it last told it (its unsaved draft), kept for a panel reopened after a close. */
  private pageState: unknown;

  constructor(
    private readonly panel: PanelPort,
    private readonly options: HostOptions<In, Out, Subject>,
  ) {
    this.restoredState = options.restoredState;
    this.pageState = options.restoredState;
    this.subscriptions.push(
      panel.onDidReceiveMessage((raw) => void this.receiveRaw(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeVisibility((visible) => {
        if (!visible) this.ready = false;
      }),
    );
  }

  get subject(): Subject {
    return this.options.subject;
  }

  /** The page said `ready` and has not been torn down since. */
  get isReady(): boolean {
    return this.ready && !this.disposed;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The page's unsaved draft as it last told it (undefined: none, saved or discarded, or not a form). */
  get keptState(): unknown {
    return this.options.draftOutlivesPanel ? this.pageState : undefined;
  }

  /**
   * A new panel of a subject whose earlier panel was closed with unsaved state: its page gets that state,
   * marked as reopened (call before the page says `ready`; a restored state from a reload wins).
   */
  reopenWith(state: unknown): void {
    if (this.disposed || !this.options.draftOutlivesPanel) return;
    if (this.restoredState !== undefined || state === undefined) return;
    this.restoredState = state;
    this.pageState = state;
    this.reopened = true;
  }

  /** Where the accepted messages go (`ready` included, after the queue went out). */
  onMessage(receive: (message: In) => void | Promise<void>): void {
    this.receiver = receive;
  }

  onDidDispose(listener: () => void): void {
    if (this.disposed) listener();
    else this.disposeListeners.push(listener);
  }

  /** Keeps `disposable` until the panel closes. */
  own(...disposables: Disposable[]): void {
    if (this.disposed) for (const disposable of disposables) disposable.dispose();
    else this.subscriptions.push(...disposables);
  }

  /** Sends now if the page is ready, else queues; does nothing once the panel is closed. */
  async post(message: Out): Promise<void> {
    if (this.disposed) return;
    if (!this.ready) {
      const waiting = this.queue.findIndex((queued) => queued.kind === message.kind);
      if (waiting >= 0) this.queue.splice(waiting, 1);
      this.queue.push(message);
      return;
    }
    await this.send(message);
  }

  reveal(): void {
    if (!this.disposed) this.panel.reveal();
  }

  setTitle(title: string): void {
    if (!this.disposed) this.panel.setTitle(title);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.queue.length = 0;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    for (const listener of this.disposeListeners.splice(0)) listener();
    this.panel.dispose();
  }

  private async send(message: unknown): Promise<void> {
    if (this.disposed) return;
    try {
      await this.panel.postMessage(message);
    } catch {
      // The panel closed while the message was on its way: nothing shows it any more.
    }
  }

  private async receiveRaw(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const pageState = pageStateOf(raw);
    if (pageState) {
      this.pageState = pageState.state;
      return;
    }
    const parsed = this.options.parse(raw);
    if ('error' in parsed) {
      const note = this.options.rejectedNote ? `; ${this.options.rejectedNote}` : '';
      this.options.log.warn(`${this.options.label}: rejected a message (${parsed.error})${note}.`);
      const answer = this.options.onRejected?.();
      if (answer) await this.post(answer);
      return;
    }
    const message = parsed.message;
    if (message.kind === 'ready') await this.pageReady();
    await this.receiver?.(message);
  }

  /** The page is listening: first what it is and the state it saved, then what waited for it. */
  private async pageReady(): Promise<void> {
    this.ready = true;
    const envelope: HostEnvelope = {
      kind: HOST_MESSAGE_KIND,
      subject: this.options.subject,
      ...(this.restoredState === undefined ? {} : { state: this.restoredState }),
      ...(this.restoredState !== undefined && this.reopened ? { reopened: true as const } : {}),
    };
    this.restoredState = undefined;
    this.reopened = false;
    await this.send(envelope);
    for (const message of this.queue.splice(0)) await this.send(message);
  }
}

/** What the registry needs of a panel: its host (a `WebviewHost`). */
export interface RegisteredPanel {
  host: {
    reveal(): void;
    onDidDispose(listener: () => void): void;
    readonly keptState?: unknown;
    reopenWith?(state: unknown): void;
  };
}

/**
 * One panel per subject: showing a subject again reveals its panel. A panel closed while its page had
 * unsaved state (a form's draft) leaves that state here, for the next panel of the same subject only.
 */
export class PanelRegistry<Panel extends RegisteredPanel> {
  private readonly open = new Map<string, Panel>();
  private readonly closedWithState = new Map<string, unknown>();

  /** The open panel of `key`, revealed; else a new one from `create`, given a closed one's draft. */
  show(key: string, create: () => Panel): { panel: Panel; created: boolean } {
    const existing = this.open.get(key);
    if (existing) {
      existing.host.reveal();
      return { panel: existing, created: false };
    }
    const panel = create();
    const kept = this.closedWithState.get(key);
    if (kept !== undefined) panel.host.reopenWith?.(kept);
    return { panel: this.add(key, panel), created: true };
  }

  /** A panel VS Code restored after a reload (a second restore of the same subject replaces nothing). */
  add(key: string, panel: Panel): Panel {
    this.open.set(key, panel);
    this.closedWithState.delete(key);
    panel.host.onDidDispose(() => {
      if (this.open.get(key) === panel) this.open.delete(key);
      const kept = panel.host.keptState;
      if (kept === undefined) this.closedWithState.delete(key);
      else this.closedWithState.set(key, kept);
    });
    return panel;
  }

  get(key: string): Panel | undefined {
    return this.open.get(key);
  }

  get size(): number {
    return this.open.size;
  }
}
