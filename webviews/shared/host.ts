// The webview's end of its message protocol: one VS Code API per page (it can be acquired only once),
// typed by the form's protocol, and the `ready` handshake sent once the page listens.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

export interface Host<ToHost> {
  post(message: ToHost): void;
}

/** Listens for the host's messages, then tells the host the page is ready for them. */
export function connectToHost<FromHost, ToHost extends { kind: string }>(
  onMessage: (message: FromHost) => void,
): Host<ToHost> {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent<FromHost>) => onMessage(event.data));
  api.postMessage({ kind: 'ready' });
  return { post: (message) => api.postMessage(message) };
}
