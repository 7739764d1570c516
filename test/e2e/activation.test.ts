// First e2e test: the packaged extension in code-server, seen through Chromium.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { activationErrors, withSession } from './harness.ts';

test(
  'the License Management container shows the LMO view with its welcome content',
  { timeout: 240_000 },
  async () => {
    await withSession('activation', async (session) => {
      const { workbench } = session;
      await workbench.openViewContainer('License Management');

      const view = workbench.view('License Management Org');
      await view.waitFor();
      // viewsWelcome for "not connected": there is no org yet, so the welcome content must show.
      const welcome = workbench.welcomeContent('License Management Org');
      await welcome.waitFor();
      assert.match(await welcome.innerText(), /connect/i);

      // The channel exists only once activate() ran; if it is missing, say why.
      const output = await workbench.outputChannelText('LMA Explorer').catch((error: Error) => {
        const errors = activationErrors(session.server);
        assert.fail(
          `No "LMA Explorer" output (${error.message.split('\n')[0]}). Activation errors: ${errors.join('\n') || 'none logged'}`,
        );
      });
      assert.match(output, /LMA Explorer activated in [\d.]+ ms/);
      assert.deepEqual(activationErrors(session.server), []);

      // The screenshot for the issue note: the view as a user sees it.
      await workbench.openViewContainer('License Management');
      const dir = await session.saveArtifacts('activation');
      console.log(`Screenshot: ${path.join(dir, 'screenshot.png')}`);
    });
  },
);
