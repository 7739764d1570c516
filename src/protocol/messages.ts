// The host's gate for what a webview posts, shared by every protocol: a webview is a web page, so the
// host accepts only the shapes a protocol declares and says why anything else is refused.

/** A posted message accepted as one of the protocol's messages, or refused with a reason. */
export type Parsed<M> = { message: M } | { error: string };

/**
 * `message` must be a plain object with a declared `kind`. Kinds listed in `bare` take no other field;
 * any other kind goes to `parse` (with the object and its keys sorted, "a,b,kind"), which answers
 * undefined for a kind it doesn't know.
 */
export function parseMessage<M extends { kind: string }>(
  message: unknown,
  bare: readonly M['kind'][],
  parse: (fields: Record<string, unknown>, keys: string) => Parsed<M> | undefined = () => undefined,
): Parsed<M> {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { error: 'not an object' };
  const fields = message as Record<string, unknown>;
  const keys = Object.keys(fields).sort().join(',');
  if ((bare as readonly unknown[]).includes(fields.kind))
    return keys === 'kind'
      ? { message: { kind: fields.kind } as M }
      : { error: `unexpected fields in ${String(fields.kind)}` };
  return parse(fields, keys) ?? { error: `unknown message kind ${JSON.stringify(fields.kind)}` };
}

/**
 * The host's first message after every `ready`, in every protocol (webviews/shared/host.ts takes it): what
 * the panel shows (`subject`, which the page keeps in its saved state so that a reloaded window reopens
 * the same panel) and, after a reload, the `state` the page had saved (its unsaved draft); `reopened` when
 * that state is the draft of a panel of the same subject that was closed before it was saved.
 */
export const HOST_MESSAGE_KIND = 'restore';
export interface HostEnvelope {
  kind: typeof HOST_MESSAGE_KIND;
  subject: unknown;
  state?: unknown;
  reopened?: true;
}

/**
 * The page's message to the host in every protocol, before the protocol's gate: its own state (a form's
 * unsaved draft; none once saved or discarded), sent as it changes. VS Code forgets a closed panel's
 * webview state, so the host keeps the last one and gives it to the next panel of the same subject.
 */
export const PAGE_STATE_KIND = 'keepState';
export interface PageStateMessage {
  kind: typeof PAGE_STATE_KIND;
  state?: unknown;
}

/** A page's state message, if `raw` is one. */
export function pageStateOf(raw: unknown): PageStateMessage | undefined {
  if (typeof raw !== 'object' || raw === null || (raw as { kind?: unknown }).kind !== PAGE_STATE_KIND)
    return undefined;
  const keys = Object.keys(raw).filter((key) => key !== 'kind');
  if (keys.some((key) => key !== 'state')) return undefined;
  const state = (raw as { state?: unknown }).state;
  return state === undefined ? { kind: PAGE_STATE_KIND } : { kind: PAGE_STATE_KIND, state };
}

/** What a page keeps in VS Code's webview state (`setState`): its subject and its own state. */
export interface SavedPage {
  subject: unknown;
  state?: unknown;
}

/** The saved state VS Code hands a serializer, if it has the shape pages write; else undefined. */
export function parseSavedPage(saved: unknown): SavedPage | undefined {
  if (typeof saved !== 'object' || saved === null || !('subject' in saved)) return undefined;
  const page = saved as { subject: unknown; state?: unknown };
  return page.state === undefined ? { subject: page.subject } : { subject: page.subject, state: page.state };
}
