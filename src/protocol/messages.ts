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
 * the same panel) and, after a reload, the `state` the page had saved (its unsaved draft).
 */
export const HOST_MESSAGE_KIND = 'restore';
export interface HostEnvelope {
  kind: typeof HOST_MESSAGE_KIND;
  subject: unknown;
  state?: unknown;
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
