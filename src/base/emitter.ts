/** A disposable subscription, shaped like `vscode.Disposable` so adapters can push it into `context.subscriptions`. */
export interface Subscription {
  dispose(): void;
}

/** A typed event with VS Code's `Event<T>` shape, without importing `vscode` into the session layer. */
export type Listen<T> = (listener: (value: T) => void) => Subscription;

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Listen<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
