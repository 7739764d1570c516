/**
 * The project document without `vscode`: which text of sfdx-project.json is the project's (the
 * editor's, unsaved edits included, when an editor holds the file; the file on disk otherwise), read
 * once per change with `readProjectDocument`, and an event when what it means changes (its revision),
 * not at every keystroke. `src/state/projectDocument.ts` connects it to VS Code's documents and watcher.
 */
import { Emitter } from '../base/emitter';
import { readProjectDocument, type ProjectFacts } from '../lma/project/projectDocument';
import { packagesOrError, SfdxProjectError, type WorkspacePackage } from '../lma/project/sfdxProject';

/** Where the project's text comes from. */
export interface ProjectSource {
  /** The text an editor holds for the project file, unsaved edits included; undefined when none does. */
  editorText(): string | undefined;
  /** The file on disk; undefined when there is none (or no folder is open). */
  readDisk(): Promise<string | undefined>;
}

export class ProjectDocumentModel {
  private readonly changed = new Emitter<void>();
  /** What the file means changed (its packages, aliases, terms or problems), or it appeared or went. */
  readonly onDidChange = this.changed.event;
  /** The file on disk, read once until it changes. */
  private disk: Promise<string | undefined> | undefined;
  /** The last text read and what it means: a text is parsed once, however many ask. */
  private last: { text: string | undefined; facts: ProjectFacts | undefined } | undefined;
  /** The revision listeners were last told of ('' for no file); undefined until first read. */
  private announced: string | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly source: ProjectSource) {}

  /** What the project file means now; undefined when the folder has none. */
  async facts(): Promise<ProjectFacts | undefined> {
    const editorText = this.source.editorText();
    const text = editorText ?? (await (this.disk ??= this.source.readDisk()));
    if (this.last && this.last.text === text) return this.last.facts;
    const facts = text === undefined ? undefined : readProjectDocument(text);
    this.last = { text, facts };
    this.announced ??= facts?.revision ?? '';
    return facts;
  }

  /** The project's packages (what the tree and the setup checks read); an error for a malformed file. */
  async packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined> {
    const facts = await this.facts();
    if (!facts) return undefined;
    try {
      return packagesOrError(facts);
    } catch (error) {
      return error instanceof SfdxProjectError ? error : new SfdxProjectError(String(error));
    }
  }

  /** The file on disk changed, appeared or went (or the folder did). */
  diskChanged(): void {
    this.disk = undefined;
    this.refresh();
  }

  /** An editor's text of the file changed, or an editor opened or closed it. */
  editorChanged(): void {
    this.refresh();
  }

  /** Settles once every change reported so far was read (for tests and for callers that must see it). */
  async settled(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  /** Reads again and tells listeners if the meaning changed; changes that come meanwhile are read once more. */
  private refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const facts = await this.facts().catch(() => undefined);
        const revision = facts?.revision ?? '';
        if (revision !== this.announced) {
          this.announced = revision;
          this.changed.fire();
        }
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
