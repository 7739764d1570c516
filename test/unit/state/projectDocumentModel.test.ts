/**
 * The project document follows the editor's unsaved text when an editor holds sfdx-project.json and
 * the file on disk otherwise (a real file in a temporary folder; `editorText` stands for the
 * TextDocument VS Code would hand `src/state/projectDocument.ts`), and tells its listeners when what the
 * file means changes, once per change, not at each keystroke.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SfdxProjectError } from '../../../src/lma/project/sfdxProject';
import { ProjectDocumentModel } from '../../../src/state/projectDocumentModel';

let folder: string;
let file: string;
before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'lma-project-document-'));
  file = path.join(folder, 'sfdx-project.json');
});
after(() => rm(folder, { recursive: true, force: true }));

const onDisk = JSON.stringify(
  {
    packageDirectories: [{ path: 'force-app', package: 'Acme' }],
    packageAliases: { Acme: '0Ho000000000001AAA' },
  },
  undefined,
  2,
);

/** A model over the real file, with an editor that may hold the file (unsaved text included). */
function open() {
  const editor: { text: string | undefined } = { text: undefined };
  let diskReads = 0;
  const model = new ProjectDocumentModel({
    editorText: () => editor.text,
    readDisk: async () => {
      diskReads++;
      return readFile(file, 'utf8').catch(() => undefined);
    },
  });
  let events = 0;
  model.onDidChange(() => events++);
  return { model, editor, events: () => events, diskReads: () => diskReads };
}

const names = async (model: ProjectDocumentModel) => {
  const packages = await model.packages();
  return Array.isArray(packages) ? packages.map((p) => p.name) : packages;
};

test('without the file there is no project; once written, the disk is read', async () => {
  await rm(file, { force: true });
  const { model, events } = open();
  assert.equal(await model.facts(), undefined);
  assert.equal(await model.packages(), undefined);
  await writeFile(file, onDisk);
  model.diskChanged();
  await model.settled();
  assert.equal(events(), 1);
  assert.deepEqual(await names(model), ['Acme']);
});

test("an editor's unsaved text is the project; closing it unsaved goes back to the disk", async () => {
  await writeFile(file, onDisk);
  const { model, editor, events, diskReads } = open();
  assert.deepEqual(await names(model), ['Acme']);
  const first = await model.facts();
  assert.equal(await model.facts(), first, 'one text is parsed once');
  assert.equal(diskReads(), 1);

  // The user opens the file and adds a package (with a trailing comma), without saving.
  editor.text = onDisk;
  model.editorChanged();
  await model.settled();
  assert.equal(events(), 0, 'the same text means the same');
  editor.text = onDisk.replace('"0Ho000000000001AAA"', '"0Ho000000000001AAA", "Beta": "033000000000002AAA",');
  model.editorChanged();
  await model.settled();
  assert.equal(events(), 1);
  assert.deepEqual(await names(model), ['Acme', 'Beta']);
  assert.equal(await readFile(file, 'utf8'), onDisk, 'nothing was written');

  // Spacing changes nothing it means; a half-typed line makes it malformed for now.
  editor.text = `${editor.text}\n\n`;
  model.editorChanged();
  await model.settled();
  assert.equal(events(), 1);
  editor.text = editor.text.replace('"Beta"', '"Beta');
  model.editorChanged();
  await model.settled();
  assert.equal(events(), 2);
  const packages = await model.packages();
  assert.ok(packages instanceof SfdxProjectError);
  assert.match(
    packages.message,
    /sfdx-project.json can't be read \(line \d+, column \d+\): The JSON is malformed/,
  );

  // Closed without saving: the disk again.
  editor.text = undefined;
  model.diskChanged();
  await model.settled();
  assert.equal(events(), 3);
  assert.deepEqual(await names(model), ['Acme']);
});

test('changes reported while one is read are read once more, and told once', async () => {
  await writeFile(file, onDisk);
  const { model, editor, events } = open();
  await model.facts();
  for (let seats = 1; seats <= 50; seats++) {
    editor.text = onDisk.replace(
      '}\n}',
      `},\n  "plugins": { "lma": { "defaultLicensing": { "Acme": { "status": "Trial", "trialDays": 30, "seats": ${seats} } } } }\n}`,
    );
    model.editorChanged();
  }
  await model.settled();
  assert.ok(events() <= 2, `${events()} events`);
  assert.equal((await model.facts())?.entries.get('Acme')?.terms?.seats, 50);
});
