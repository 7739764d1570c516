// The webview host without VS Code: a fake panel stands in for `vscode.WebviewPanel` (its page is what
// the test posts and reads), so the ready queue, the disposed guard, the gate, restore and the registry
// are checked here, where they can fail alone.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  PanelRegistry,
  WebviewHost,
  type Disposable,
  type PanelPort,
} from '../../../src/webviews/host/webviewHost';
import {
  parseLicenseFormMessage,
  type LicenseFormMessage,
  type LicenseHostMessage,
} from '../../../src/protocol/license';

class FakePanel implements PanelPort {
  /** What the page received, in order. */
  readonly page: unknown[] = [];
  reveals = 0;
  disposed = false;
  title = '';
  private readonly receivers = new Set<(message: unknown) => void>();
  private readonly disposeListeners = new Set<() => void>();
  private readonly visibility = new Set<(visible: boolean) => void>();

  async postMessage(message: unknown): Promise<boolean> {
    if (this.disposed) throw new Error('Webview is disposed');
    this.page.push(message);
    return true;
  }
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable {
    this.receivers.add(listener);
    return { dispose: () => this.receivers.delete(listener) };
  }
  onDidDispose(listener: () => void): Disposable {
    this.disposeListeners.add(listener);
    return { dispose: () => this.disposeListeners.delete(listener) };
  }
  onDidChangeVisibility(listener: (visible: boolean) => void): Disposable {
    this.visibility.add(listener);
    return { dispose: () => this.visibility.delete(listener) };
  }
  reveal(): void {
    this.reveals++;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const listener of this.disposeListeners) listener();
  }
  /** The page posts a message; resolves once the host has handled it. */
  async send(message: unknown): Promise<void> {
    for (const receive of this.receivers) receive(message);
    await new Promise((resolve) => setImmediate(resolve));
  }
  hide(): void {
    for (const listener of this.visibility) listener(false);
  }
}

function hostOf(panel: FakePanel, restoredState?: unknown, draftOutlivesPanel?: true) {
  const warnings: string[] = [];
  const received: LicenseFormMessage[] = [];
  const host = new WebviewHost<LicenseFormMessage, LicenseHostMessage, { licenseId: string }>(panel, {
    label: 'Modify License form',
    parse: parseLicenseFormMessage,
    subject: { licenseId: 'a0B000000000001AAA' },
    log: { warn: (message) => warnings.push(message) },
    rejectedNote: 'nothing was written',
    restoredState,
    ...(draftOutlivesPanel ? { draftOutlivesPanel } : {}),
  });
  host.onMessage((message) => {
    received.push(message);
  });
  return { host, warnings, received };
}

const failed = (message: string): LicenseHostMessage => ({ kind: 'loadFailed', message });
const saved = (message: string): LicenseHostMessage => ({
  kind: 'saveResult',
  outcome: { kind: 'saved', message },
});
const withoutRestore = (page: unknown[]) =>
  page.filter((message) => (message as { kind: string }).kind !== 'restore');

describe('WebviewHost', () => {
  test('messages posted before the page is ready wait for it, in order, and none is lost', async () => {
    const panel = new FakePanel();
    const { host } = hostOf(panel);
    await host.post(failed('first'));
    await host.post(saved('second'));
    assert.deepEqual(panel.page, [], 'nothing reaches a page that is not listening yet');
    await panel.send({ kind: 'ready' });
    assert.deepEqual(withoutRestore(panel.page), [failed('first'), saved('second')]);
    await host.post(failed('third'));
    assert.deepEqual(
      withoutRestore(panel.page).at(-1),
      failed('third'),
      'a ready page gets messages at once',
    );
  });

  test('a hidden page is torn down: what is posted meanwhile waits for it to say ready again', async () => {
    const panel = new FakePanel();
    const { host } = hostOf(panel);
    await panel.send({ kind: 'ready' });
    panel.hide();
    await host.post(failed('while hidden'));
    assert.deepEqual(withoutRestore(panel.page), []);
    await panel.send({ kind: 'ready' });
    assert.deepEqual(withoutRestore(panel.page), [failed('while hidden')]);
  });

  test('posting after the panel closed does nothing and throws nothing', async () => {
    const panel = new FakePanel();
    const { host } = hostOf(panel);
    await panel.send({ kind: 'ready' });
    panel.dispose();
    assert.equal(host.isDisposed, true);
    await host.post(failed('too late'));
    host.reveal();
    host.setTitle('too late');
    assert.deepEqual(withoutRestore(panel.page), []);
    assert.equal(panel.reveals, 0);
    assert.equal(panel.title, '');
  });

  test('a message the protocol refuses is logged and reaches nothing', async () => {
    const panel = new FakePanel();
    const { host, warnings, received } = hostOf(panel);
    await panel.send({ kind: 'ready' });
    const before = panel.page.length;
    await panel.send({ kind: 'save', change: { status: 'Active' }, revision: 1 });
    await panel.send({ kind: 'deleteEverything' });
    assert.deepEqual(
      received.map((message) => message.kind),
      ['ready'],
    );
    assert.deepEqual(warnings, [
      'Modify License form: rejected a message (save.revision must be a string); nothing was written.',
      'Modify License form: rejected a message (unknown message kind "deleteEverything"); nothing was written.',
    ]);
    assert.equal(panel.page.length, before, 'the page is told nothing unless the panel says what');
    assert.equal(host.isReady, true);
  });

  test('a refused message gets the answer the panel gives', async () => {
    const panel = new FakePanel();
    const host = new WebviewHost<LicenseFormMessage, LicenseHostMessage, null>(panel, {
      label: 'Modify License form',
      parse: parseLicenseFormMessage,
      subject: null,
      log: { warn: () => {} },
      onRejected: () => failed('refused'),
    });
    await panel.send({ kind: 'ready' });
    await panel.send(null);
    assert.deepEqual(withoutRestore(panel.page), [failed('refused')]);
    host.dispose();
  });

  test('every ready first tells the page its subject; after a reload, the state it saved', async () => {
    const fresh = new FakePanel();
    hostOf(fresh);
    await fresh.send({ kind: 'ready' });
    assert.deepEqual(fresh.page, [{ kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' } }]);

    const draft = { status: 'Active', seats: '25', siteLicense: false, expiration: '', doesNotExpire: true };
    const restored = new FakePanel();
    const { host } = hostOf(restored, draft);
    await host.post(failed('queued'));
    await restored.send({ kind: 'ready' });
    assert.deepEqual(restored.page, [
      { kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' }, state: draft },
      failed('queued'),
    ]);
    // The page keeps what it saves from now on; a page rebuilt later is not given the old draft again.
    restored.hide();
    await restored.send({ kind: 'ready' });
    assert.deepEqual(restored.page.at(-1), { kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' } });
  });
});

describe('PanelRegistry', () => {
  test('one panel per subject: showing it again reveals the open one; a closed one is made anew', () => {
    const registry = new PanelRegistry<{
      host: WebviewHost<LicenseFormMessage, LicenseHostMessage, { licenseId: string }>;
    }>();
    const panels: FakePanel[] = [];
    const create = () => {
      const panel = new FakePanel();
      panels.push(panel);
      return { host: hostOf(panel).host };
    };
    const first = registry.show('a', create);
    const again = registry.show('a', create);
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.panel, first.panel);
    assert.equal(panels.length, 1);
    assert.equal(panels[0]!.reveals, 1);
    registry.show('b', create);
    assert.equal(registry.size, 2);
    panels[0]!.dispose();
    assert.equal(registry.get('a'), undefined);
    assert.equal(registry.show('a', create).created, true);
    assert.equal(panels.length, 3);
  });

  test('a panel closed with an unsaved draft gives it to the next panel of its subject, once', async () => {
    const registry = new PanelRegistry<{
      host: WebviewHost<LicenseFormMessage, LicenseHostMessage, { licenseId: string }>;
    }>();
    const panels: FakePanel[] = [];
    const logs: string[][] = [];
    const create = () => {
      const panel = new FakePanel();
      panels.push(panel);
      const { host, warnings } = hostOf(panel, undefined, true);
      logs.push(warnings);
      return { host };
    };
    const draft = {
      status: 'Active',
      seats: '4321',
      siteLicense: false,
      expiration: '',
      doesNotExpire: true,
    };
    registry.show('a', create);
    await panels[0]!.send({ kind: 'ready' });
    // The page tells the host its draft as the user types (closing the panel gives the page no chance).
    await panels[0]!.send({ kind: 'keepState', state: draft });
    panels[0]!.dispose();
    assert.deepEqual(logs[0], [], 'the draft is the host’s message, not refused by the form’s protocol');

    registry.show('a', create);
    await panels[1]!.send({ kind: 'ready' });
    assert.deepEqual(panels[1]!.page, [
      { kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' }, state: draft, reopened: true },
    ]);
    // Given once: a draft saved or discarded in the reopened form is not brought back again.
    await panels[1]!.send({ kind: 'keepState' });
    panels[1]!.dispose();
    registry.show('a', create);
    await panels[2]!.send({ kind: 'ready' });
    assert.deepEqual(panels[2]!.page, [{ kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' } }]);
    // Another subject's panel never gets it.
    registry.show('b', create);
    await panels[3]!.send({ kind: 'ready' });
    assert.deepEqual(panels[3]!.page, [{ kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' } }]);
  });

  test('a page whose state is not a draft (a report) leaves nothing when its panel closes', async () => {
    const registry = new PanelRegistry<{
      host: WebviewHost<LicenseFormMessage, LicenseHostMessage, { licenseId: string }>;
    }>();
    const panels: FakePanel[] = [];
    const create = () => {
      const panel = new FakePanel();
      panels.push(panel);
      return { host: hostOf(panel).host };
    };
    registry.show('a', create);
    await panels[0]!.send({ kind: 'ready' });
    await panels[0]!.send({ kind: 'keepState', state: { report: 'the last one' } });
    panels[0]!.dispose();
    registry.show('a', create);
    await panels[1]!.send({ kind: 'ready' });
    assert.deepEqual(panels[1]!.page, [{ kind: 'restore', subject: { licenseId: 'a0B000000000001AAA' } }]);
  });
});
