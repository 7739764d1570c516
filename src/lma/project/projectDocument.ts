/**
 * What sfdx-project.json means to LMA Explorer, read in one place: its packages, its package aliases,
 * the default licensing terms of `plugins.lma`, what is wrong with it, and a revision that changes
 * when any of those does. A pure function of the text, linear in its length: the extension's project
 * document (`src/state/projectDocument.ts`), the CLI and the tests read the file through it, and the
 * language server's own position-aware analysis is tested to agree with it.
 *
 * It reads as jsonc-parser does, so a comment or a trailing comma is read as the editor shows it;
 * but the sf CLI reads the file with JSON.parse (`parseJson` of @salesforce/kit, which
 * @salesforce/core's ConfigFile uses for SfProjectJson) and refuses such a file, so that is a
 * warning, not silence.
 */
import { findNodeAtLocation, visit, type Node } from 'jsonc-parser';
import type { LicensingTerms } from '../rules/licensingTerms';
import { readableText } from './boundDepth';
import {
  canonical,
  lineAndColumn,
  nodeValue,
  packageAliasesOf,
  parseProject,
  termsEntriesOf,
  type ProjectParseError,
  type ProjectTerms,
  type TermsEntryState,
} from './projectTerms';

/** A package declared in the workspace's sfdx-project.json. */
export interface WorkspacePackage {
  name: string;
  /** 0Ho (2GP package) or 033 (subscriber package) id from packageAliases, when declared. */
  packageAliasId: string | undefined;
  /** 04t ids of its versions from packageAliases ("Name@1.2.0-1": "04t…"). */
  versionIds: string[];
}

/** Something wrong with the file: an error means what it says is not read; a warning, that it is. */
export interface ProjectProblem extends ProjectParseError {
  severity: 'error' | 'warning';
}

export interface ProjectFacts extends ProjectTerms {
  /** The packages: of packageDirectories, then aliases of a 0Ho or 033 id that no directory names. */
  packages: WorkspacePackage[];
  /** packageAliases as JSON.parse reads them: alias → id (the last of a name written twice). */
  aliases: ReadonlyMap<string, string>;
  /** The file doesn't parse (or holds no object): nothing above is read. */
  parseError: ProjectParseError | undefined;
  /** Every problem, the parse error first. */
  problems: ProjectProblem[];
  /** Changes when the packages, aliases, terms or problems do (not when only spacing does). */
  revision: string;
}

/** Reads sfdx-project.json: never throws; a malformed file is a problem and no packages. */
export function readProjectDocument(text: string): ProjectFacts {
  const parsed = parseProject(text);
  if ('error' in parsed) return withRevision(emptyFacts(parsed.error));
  const { root } = parsed;
  const problems: ProjectProblem[] = [];
  const aliases = aliasesOf(root);
  const directoriesNode = findNodeAtLocation(root, ['packageDirectories']);
  let packages: WorkspacePackage[] = [];
  if (directoriesNode && directoriesNode.type !== 'array')
    problems.push(
      problemAt(text, directoriesNode.offset, '"packageDirectories" in sfdx-project.json must be an array.'),
    );
  else packages = packagesOf(directoriesNode, aliases);
  const strict = strictJsonProblem(text);
  if (strict) problems.push(strict);
  return withRevision({
    packages,
    aliases,
    packageAliases: packageAliasesOf(root),
    entries: termsEntriesOf(root),
    parseError: undefined,
    problems,
  });
}

function emptyFacts(error: ProjectParseError): Omit<ProjectFacts, 'revision'> {
  return {
    packages: [],
    aliases: new Map(),
    packageAliases: [],
    entries: new Map(),
    parseError: error,
    problems: [{ ...error, severity: 'error' }],
  };
}

function problemAt(
  text: string,
  offset: number,
  message: string,
  severity: ProjectProblem['severity'] = 'error',
) {
  return { message, offset, ...lineAndColumn(text, offset), severity };
}

function aliasesOf(root: Node): Map<string, string> {
  const aliases = new Map<string, string>();
  const node = findNodeAtLocation(root, ['packageAliases']);
  if (node?.type === 'object')
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (typeof key?.value !== 'string') continue;
      // A name written twice: its first place and its last value, as JSON.parse reads it.
      if (value?.type === 'string' && typeof value.value === 'string') aliases.set(key.value, value.value);
      else aliases.delete(key.value);
    }
  return aliases;
}

/**
 * The packages: each `package` of packageDirectories, then each alias without "@" of a 0Ho or 033 id
 * (a package built elsewhere). A version alias "Name@1.2.0-1" of a 04t id is a version of "Name" (and a
 * name with more "@"s, of each part before one). One pass over the aliases.
 */
function packagesOf(directories: Node | undefined, aliases: ReadonlyMap<string, string>): WorkspacePackage[] {
  const names = new Set<string>();
  for (const directory of directories?.children ?? []) {
    // The directory's value, as JSON.parse reads it (a key written twice: the last).
    const name =
      directory.type === 'object' ? (nodeValue(directory) as { package?: unknown }).package : undefined;
    if (typeof name === 'string' && name) names.add(name);
  }
  const versionIds = new Map<string, string[]>();
  for (const [alias, id] of aliases) {
    if (!alias.includes('@') && /^(0Ho|033)/.test(id)) names.add(alias);
    if (!id.startsWith('04t')) continue;
    for (let at = alias.indexOf('@'); at >= 0; at = alias.indexOf('@', at + 1)) {
      const name = alias.slice(0, at);
      const ids = versionIds.get(name);
      if (ids) ids.push(id);
      else versionIds.set(name, [id]);
    }
  }
  return [...names].map((name) => ({
    name,
    packageAliasId: aliases.get(name),
    versionIds: versionIds.get(name) ?? [],
  }));
}

/**
 * A file jsonc-parser reads but the sf CLI refuses: its first comment or trailing comma, as a warning.
 * One scan without building a tree (the lenient parse found no error, so every strict error is a
 * trailing comma).
 */
function strictJsonProblem(text: string): ProjectProblem | undefined {
  let first: { offset: number; what: string } | undefined;
  const found = (offset: number, what: string) => {
    if (!first || offset < first.offset) first = { offset, what };
  };
  visit(
    readableText(text),
    {
      onComment: (offset) => found(offset, 'a comment'),
      onError: (_error, offset) => found(offset, 'a trailing comma'),
    },
    { allowTrailingComma: false, disallowComments: false },
  );
  if (!first) return undefined;
  return problemAt(
    text,
    first.offset,
    `sfdx-project.json has ${first.what}: LMA Explorer reads it, but the sf CLI reads the file as strict JSON and refuses it. Remove it before running sf.`,
    'warning',
  );
}

function withRevision(facts: Omit<ProjectFacts, 'revision'>): ProjectFacts {
  // The packages follow from the aliases and the directories' names, which are hashed as they are.
  const hash = new Hash();
  for (const workspacePackage of facts.packages) hash.add(workspacePackage.name);
  hash.add('');
  for (const [alias, id] of facts.aliases) hash.add(alias).add(id);
  hash.add('');
  for (const alias of facts.packageAliases) hash.add(alias);
  hash.add('');
  for (const [alias, entry] of facts.entries) hash.add(alias).add(JSON.stringify(canonical(entry.raw)) ?? '');
  hash.add('');
  for (const { severity, message, line, column } of facts.problems)
    hash.add(severity).add(message).add(String(line)).add(String(column));
  return { ...facts, revision: hash.digest() };
}

/** Two 32-bit FNV-1a hashes (different seeds) of a sequence of strings, as 16 hex digits. */
class Hash {
  private a = 0x811c9dc5;
  private b = 0x050c5d1f;

  add(text: string): this {
    let { a, b } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
    // A separator no character is, so ["ab", "c"] and ["a", "bc"] differ.
    this.a = Math.imul(a ^ 0x10000, 0x01000193);
    this.b = Math.imul(b ^ 0x10001, 0x01000193);
    return this;
  }

  digest(): string {
    const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
    return hex(this.a) + hex(this.b);
  }
}

/**
 * The terms of an installed package, found by what a project may record of it: an alias whose id is
 * its 033 package id or the installed 04t version, or an alias named like the package.
 */
export function findPackageTerms(
  project: ProjectFacts | string,
  installed: { subscriberPackageId: string; versionId: string; packageName: string },
): { alias: string; terms: LicensingTerms | undefined } | undefined {
  const facts = typeof project === 'string' ? readProjectDocument(project) : project;
  if (facts.parseError) return undefined;
  const same = (id: string | undefined, other: string) =>
    typeof id === 'string' && id.length >= 15 && id.slice(0, 15) === other.slice(0, 15);
  const names = [...facts.aliases.keys()];
  const alias =
    names.find(
      (name) => !name.includes('@') && same(facts.aliases.get(name), installed.subscriberPackageId),
    ) ??
    names
      .find((name) => name.includes('@') && same(facts.aliases.get(name), installed.versionId))
      ?.split('@')[0] ??
    (facts.entries.has(installed.packageName) ? installed.packageName : undefined);
  return alias === undefined ? undefined : { alias, terms: facts.entries.get(alias)?.terms };
}

export type { TermsEntryState };
