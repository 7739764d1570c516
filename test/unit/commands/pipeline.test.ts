// The command pipeline without VS Code: preconditions resolved or one message with the action that
// fixes it, one error boundary, progress whose Cancel aborts the use case's signal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../../../src/base/emitter';
import { LmoError } from '../../../src/base/lmoError';
import { commands } from '../../../src/ids';
import type { LmaFields } from '../../../src/lma/records/lmaFields';
import { SfdxProjectError } from '../../../src/lma/project/sfdxProject';
import type { SessionState } from '../../../src/org/lmoSession';
import {
  CommandPipeline,
  CONNECT_FIRST,
  connectedLmo,
  licenseSelection,
  project,
  type CommandUi,
} from '../../../src/commands/pipeline';

interface Shown {
  severity: string;
  message: string;
  actions: readonly string[];
}

/** A CommandUi that records what it shows and answers each message with `answer`. */
function fakeUi(answer: (shown: Shown) => string | undefined = () => undefined) {
  const shown: Shown[] = [];
  const executed: string[] = [];
  const logged: string[] = [];
  let cancel: (() => void) | undefined;
  const progressTitles: string[] = [];
  const ui: CommandUi = {
    showMessage: async (severity, message, actions) => {
      const entry = { severity, message, actions };
      shown.push(entry);
      return answer(entry);
    },
    withProgress: (title, task) => {
      progressTitles.push(title);
      const controller = new AbortController();
      cancel = () => controller.abort();
      return task(controller.signal, () => undefined);
    },
    executeCommand: async (id) => void executed.push(id),
    log: (message) => void logged.push(message),
  };
  return { ui, shown, executed, logged, progressTitles, cancel: () => cancel?.() };
}

function fakeSession(state: SessionState) {
  const emitter = new Emitter<SessionState>();
  const session = {
    state,
    onDidChangeState: emitter.event,
    change(next: SessionState) {
      session.state = next;
      emitter.fire(next);
    },
  };
  return session;
}

const org = {
  username: 'admin@lmo.example',
  alias: 'lmo',
  orgId: '00D000000000001AAA',
  instanceUrl: 'https://lmo.example',
  loginUrl: undefined,
};
const connected: SessionState = {
  kind: 'connected',
  org,
  lma: { kind: 'installed', fields: {} as LmaFields },
};

test('an unmet precondition shows the one message with its action, runs the fix when chosen, and never calls the handler', async () => {
  const { ui, shown, executed } = fakeUi((entry) => entry.actions[0]);
  let called = 0;
  const handler = new CommandPipeline(ui).command(
    { title: 'Export Licenses', needs: { lmo: connectedLmo(fakeSession({ kind: 'disconnected' })) } },
    async () => void called++,
  );
  await handler();
  assert.equal(called, 0);
  assert.deepEqual(shown, [{ severity: 'warning', message: CONNECT_FIRST, actions: ['Connect…'] }]);
  assert.equal(CONNECT_FIRST, 'Connect your License Management Org first.');
  assert.deepEqual(executed, [commands.connect]);
});

test('every unusable session state gives a message and an action; an org without the LMA says so', async () => {
  const states: SessionState[] = [
    { kind: 'failed', target: 'lmo', error: new LmoError('network', 'down') },
    { kind: 'expired', org, target: 'lmo', message: 'expired' },
    { kind: 'connected', org, lma: { kind: 'notInstalled' } },
    { kind: 'connected', org, lma: { kind: 'noAccess', version: '1.20', missing: ['License'] } },
  ];
  for (const state of states) {
    const { ui, shown } = fakeUi();
    let called = 0;
    await new CommandPipeline(ui).command(
      { title: 'Run', needs: { lmo: connectedLmo(fakeSession(state)) } },
      () => void called++,
    )();
    assert.equal(called, 0, state.kind);
    assert.equal(shown.length, 1, state.kind);
    assert.ok(shown[0]!.actions.length === 1, state.kind);
  }
});

test('a session that is connecting is waited for, then the handler gets the connected LMO', async () => {
  const { ui, shown } = fakeUi();
  const session = fakeSession({ kind: 'connecting', target: 'lmo' });
  let got: unknown;
  const running = new CommandPipeline(ui).command(
    { title: 'Run', needs: { lmo: connectedLmo(session) } },
    ({ lmo }) => void (got = lmo.org.username),
  )();
  session.change(connected);
  await running;
  assert.equal(got, 'admin@lmo.example');
  assert.deepEqual(shown, []);
});

test('needs resolve in order, from the arguments: a selection of Licenses from the node, the multi-select or a pick', async () => {
  const { ui, shown } = fakeUi();
  const license = (id: string) => ({ kind: 'license', license: { id } });
  let picks = 0;
  const pipeline = new CommandPipeline(ui);
  const seen: string[][] = [];
  const handler = pipeline.command(
    {
      title: 'Suspend',
      needs: {
        lmo: connectedLmo(fakeSession(connected)),
        licenses: licenseSelection(async () => (picks++ === 0 ? { id: 'picked' } : undefined)),
      },
    },
    ({ licenses }, _run, ..._args: unknown[]) => void seen.push(licenses),
  );
  await handler(license('a'));
  await handler(license('a'), [license('b'), license('c'), { kind: 'package' }]);
  await handler(); // From the palette: the pick.
  await handler(); // The pick dismissed: nothing runs, nothing is shown.
  assert.deepEqual(seen, [['a'], ['b', 'c'], ['picked']]);
  assert.deepEqual(shown, []);
});

test('a project need: a file that does not parse is its message; no sfdx-project.json asks for one', async () => {
  for (const [packages, expected] of [
    [new SfdxProjectError('sfdx-project.json is not valid JSON.'), 'sfdx-project.json is not valid JSON.'],
    [undefined, /sfdx-project\.json/],
  ] as const) {
    const { ui, shown } = fakeUi();
    let called = 0;
    await new CommandPipeline(ui).command(
      { title: 'Check', needs: { project: project({ packages: async () => packages }) } },
      () => void called++,
    )();
    assert.equal(called, 0);
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.message, expected instanceof RegExp ? expected : new RegExp(expected));
  }
  const { ui } = fakeUi();
  let got: unknown;
  await new CommandPipeline(ui).command(
    { title: 'Check', needs: { project: project({ packages: async () => [] }) } },
    ({ project }) => void (got = project),
  )();
  assert.deepEqual(got, []);
});

test('an LmoError thrown by the handler becomes one error message with Show Log, which opens the log', async () => {
  const { ui, shown, executed, logged } = fakeUi((entry) => entry.actions[0]);
  const handler = new CommandPipeline(ui).command({ title: 'Bulk change' }, async () => {
    throw new LmoError(
      'salesforce',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION: no',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    );
  });
  await handler();
  assert.deepEqual(shown, [
    {
      severity: 'error',
      message: 'Bulk change: FIELD_CUSTOM_VALIDATION_EXCEPTION: no',
      actions: ['Show Log'],
    },
  ]);
  assert.deepEqual(executed, [commands.showLog]);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /Bulk change: FIELD_CUSTOM_VALIDATION_EXCEPTION: no/);
});

test('a command may word its failure; an expired or superseded session is left to the state change', async () => {
  const { ui, shown } = fakeUi();
  const pipeline = new CommandPipeline(ui);
  await pipeline.command(
    { title: 'Extend Trial', failure: (message) => `Extend Trial: nothing was saved. ${message}` },
    () => Promise.reject(new Error('socket hang up')),
  )();
  await pipeline.command({ title: 'Refresh' }, () => Promise.reject(new LmoError('sessionExpired', 'x')))();
  await pipeline.command({ title: 'Refresh' }, () => Promise.reject(new LmoError('superseded', 'x')))();
  assert.deepEqual(
    shown.map((entry) => entry.message),
    ['Extend Trial: nothing was saved. socket hang up'],
  );
});

test('a rejected promise never escapes: not from the handler, a need, or the message itself', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const failing: CommandUi = {
      showMessage: () => Promise.reject(new Error('the window is gone')),
      withProgress: (_title, task) => task(new AbortController().signal, () => undefined),
      executeCommand: () => Promise.reject(new Error('no such command')),
      log: () => {
        throw new Error('the log is closed');
      },
    };
    const pipeline = new CommandPipeline(failing);
    await pipeline.command({ title: 'A' }, () => Promise.reject(new Error('boom')))();
    await pipeline.command({ title: 'B' }, () => {
      throw 'a string';
    })();
    await pipeline.command(
      {
        title: 'C',
        needs: {
          broken: async () => {
            throw new Error('need failed');
          },
        },
      },
      () => undefined,
    )();
    await pipeline.guard(() => Promise.reject(new Error('unguarded before')))();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('Cancel aborts the signal the use case got, and a cancelled run shows nothing', async () => {
  const { ui, shown, progressTitles, cancel } = fakeUi();
  let aborted = false;
  const running = new CommandPipeline(ui).command({ title: 'Export' }, (_needs, run) =>
    run.progress('Exporting licenses', (signal) => {
      const started = new Promise<never>((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(signal.reason);
        }),
      );
      return started;
    }),
  )();
  await new Promise((resolve) => setImmediate(resolve));
  cancel();
  await running;
  assert.ok(aborted);
  assert.deepEqual(progressTitles, ['Exporting licenses']);
  assert.deepEqual(shown, [], 'a cancellation is silent');
});
