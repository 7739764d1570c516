// Runs inside a real extension host: the project document follows the editor's unsaved text of
// sfdx-project.json, and the file on disk again once those edits are reverted. The workspace is the one
// test/host/runInCodeServer.ts opens (its sfdx-project.json declares the package "LMA Demo").
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ProjectDocument } from '../../../src/state/projectDocument';

/** Resolves when `project` says it changed and `until` holds (a condition, never a duration). */
function changed(project: ProjectDocument, until: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscription = project.onDidChange(() => {
      until().then(
        (done) => {
          if (!done) return;
          subscription.dispose();
          resolve();
        },
        (error: unknown) => {
          subscription.dispose();
          reject(error as Error);
        },
      );
    });
  });
}

async function names(project: ProjectDocument): Promise<string[] | string | undefined> {
  const packages = await project.packages();
  return Array.isArray(packages) ? packages.map((p) => p.name) : packages?.message;
}

describe('The project document in the extension host', () => {
  let project: ProjectDocument;
  // code-server, as every web build of VS Code, saves after a delay by default: unsaved edits would
  // reach the disk a second later, and a reader of the disk alone would seem to follow them.
  const files = () => vscode.workspace.getConfiguration('files');
  let autoSave: string | undefined;
  before(async () => {
    autoSave = files().inspect<string>('autoSave')?.globalValue;
    await files().update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });
  after(() => files().update('autoSave', autoSave, vscode.ConfigurationTarget.Global));
  beforeEach(() => {
    project = new ProjectDocument();
  });
  afterEach(() => project.dispose());

  it("reads the editor's unsaved text, then the disk again after a revert", async () => {
    const uri = project.projectFile();
    assert.ok(uri, 'the host test opens a folder');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.deepEqual(await names(project), ['LMA Demo']);

    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    // An unsaved edit: a package alias (with a comment, which the sf CLI would refuse and we read).
    const added = changed(project, async () => (await names(project))?.includes('Beta') === true);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(
      uri,
      document.positionAt(onDisk.indexOf('{') + 1),
      '\n  // added\n  "packageAliases": { "Beta": "033000000000002AAA" },',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    await added;
    assert.deepEqual(await names(project), ['LMA Demo', 'Beta']);
    assert.ok(document.isDirty);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), onDisk, 'nothing saved');
    const facts = await project.facts();
    assert.match(facts?.problems[0]?.message ?? '', /has a comment/);

    const reverted = changed(project, async () => !(await names(project))?.includes('Beta'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await reverted;
    assert.deepEqual(await names(project), ['LMA Demo']);
    assert.equal(document.isDirty, false);
  });
});
