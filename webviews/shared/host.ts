// The page's side of the webview host (src/webviews/host/webviewHost.ts): every page talks to the
// extension through this. It says `ready` once it listens, takes the host's first message (`restore`:
// what the panel shows, and after a window reload the state the page saved), and keeps the page's own
// state (a form's unsaved draft) in VS Code's webview state together with that subject, so that a hidden
// panel's rebuilt page and a reloaded window both get it back. VS Code forgets that state when the panel
// closes, so the page also tells the host its state as it changes: a panel of the same subject opened
// after a close gets the draft back (`reopened`), even when the panel closed while a field had the focus.
import { LitElement, type CSSResultGroup, type PropertyDeclarations } from 'lit';
import {
  HOST_MESSAGE_KIND,
  PAGE_STATE_KIND,
  type HostEnvelope,
  type PageStateMessage,
  type SavedPage,
} from '../../src/protocol/messages';
import { baseStyles } from './styles';

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

export interface Host<ToHost, State = never> {
  post(message: ToHost): void;
  /** Keeps the page's state (undefined: forgets it) until the panel closes, across a reload too. */
  save(state: State | undefined): void;
}

/**
 * Listens for the host's messages, then tells the host the page is ready for them. `onRestore` gets the
 * state this page saved before it was torn down (hidden, or the window reloaded), or the draft of a
 * closed panel of the same subject (`reopened`, which the page says), before any other message of the
 * host.
 */
export function connectToHost<FromHost, ToHost extends { kind: string }, State = never>(
  onMessage: (message: FromHost) => void,
  onRestore?: (state: State, reopened: boolean) => void,
): Host<ToHost, State> {
  const api = acquireVsCodeApi();
  const kept = api.getState() as SavedPage | undefined;
  let page: SavedPage = { subject: kept?.subject, state: kept?.state };
  let told = false;
  const keep = () => api.setState(page.state === undefined ? { subject: page.subject } : page);
  // A draft is written to VS Code's webview state when the page loses the focus or is hidden (a reload,
  // another editor, the palette), never while the user works in it: in code-server, a setState made
  // while the page has the focus can select the focused text field's content a moment later, so that
  // the next keystroke replaced it (the keyboard e2e test typed "30" and the field held "0").
  let unsaved = false;
  const flush = () => {
    if (!unsaved) return;
    unsaved = false;
    keep();
  };
  window.addEventListener('blur', flush);
  document.addEventListener('visibilitychange', flush);
  window.addEventListener('message', (event: MessageEvent<FromHost | HostEnvelope>) => {
    const message = event.data;
    if ((message as HostEnvelope | undefined)?.kind !== HOST_MESSAGE_KIND) {
      onMessage(message as FromHost);
      return;
    }
    const envelope = message as HostEnvelope;
    const own = page.state;
    const state = own ?? envelope.state;
    page = { subject: envelope.subject, state };
    keep();
    if (told) return;
    told = true;
    if (state !== undefined) onRestore?.(state as State, own === undefined && envelope.reopened === true);
  });
  api.postMessage({ kind: 'ready' });
  return {
    post: (message) => api.postMessage(message),
    save: (state) => {
      page = { subject: page.subject, state };
      api.postMessage(
        (state === undefined
          ? { kind: PAGE_STATE_KIND }
          : { kind: PAGE_STATE_KIND, state }) satisfies PageStateMessage,
      );
      unsaved = true;
      if (!document.hasFocus()) flush();
    },
  };
}

/**
 * The base of a Lit page that a panel shows: connected to the host as it is built, its newest message
 * (`message`, a reactive property: undefined until the first arrives) drawn by the page's `render`.
 * A page that handles messages otherwise overrides `receive`; a page that keeps a draft, `restore`
 * (`connectToHost`'s `onRestore`). Styles: `baseStyles` unless the page lists its own.
 */
export abstract class HostPage<FromHost, ToHost extends { kind: string }, State = never> extends LitElement {
  static override properties: PropertyDeclarations = { message: { state: true } };
  static override styles: CSSResultGroup = baseStyles;
  declare message: FromHost | undefined;
  protected readonly host: Host<ToHost, State>;

  constructor() {
    super();
    this.message = undefined;
    this.host = connectToHost<FromHost, ToHost, State>(
      (message) => this.receive(message),
      (state, reopened) => this.restore(state, reopened),
    );
  }

  /** A message of the host: by default, the one the page shows. */
  protected receive(message: FromHost): void {
    this.message = message;
  }

  /** The page's saved state, given back before any other message of the host (see `connectToHost`). */
  protected restore(_state: State, _reopened: boolean): void {}
}

/** Defines the page's element (once: a bundle may run again in the same document) and shows it. */
export function showPage(tag: string, page: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, page);
  document.body.append(document.createElement(tag));
}
