// Runs inside a real extension host (desktop VS Code or code-server): the manifest and the activation as
// VS Code itself sees them.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, viewContainers, views, workbenchCommands } from '../../../src/ids';

interface Manifest {
  contributes?: {
    commands?: { command: string; category?: string }[];
    viewsContainers?: { activitybar?: { id: string; title: string }[] };
    views?: Record<string, { id: string }[]>;
  };
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not installed in this extension host`);
  return found;
}

describe('LMA Explorer in the extension host', () => {
  it('is present and activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every contributed command on activation', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (extension().packageJSON as Manifest).contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered on activation');
  });

  it('contributes the "License Management" view container with the LMO view', async () => {
    const contributes = (extension().packageJSON as Manifest).contributes;
    const container = contributes?.viewsContainers?.activitybar?.find((c) => c.id === viewContainers.lma);
    assert.equal(container?.title, 'License Management');
    assert.ok(contributes?.views?.[viewContainers.lma]?.some((view) => view.id === views.lmo));
    // These commands exist only when the workbench registered the container and the view.
    await vscode.commands.executeCommand(`workbench.view.extension.${viewContainers.lma}`);
    await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
  });
});
