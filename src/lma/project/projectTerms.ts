/**
 * The default licensing terms inside sfdx-project.json (`plugins.lma.defaultLicensing`): reading them,
 * and the minimal text edit that writes one package's terms. The edit keeps formatting, comments, key
 * order and every other key; a file that doesn't parse is never edited.
 */
import {
  applyEdits,
  format,
  findNodeAtLocation,
  modify,
  parseTree,
  printParseErrorCode,
  type Edit,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import {
  checkTerms,
  fromEntry,
  toEntry,
  type LicensingTerms,
  type TermsProblem,
} from '../rules/licensingTerms';
import { readableText } from './boundDepth';

/** Where the terms live in sfdx-project.json. */
export const TERMS_PATH = ['plugins', 'lma', 'defaultLicensing'] as const;

/** A file that doesn't parse: what is wrong and where (an offset into the text). */
export interface ProjectParseError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

export interface ProjectTerms {
  /** The package aliases of `packageAliases` that name a package (not a version: no "@"). */
  packageAliases: string[];
  /** Each alias under `defaultLicensing` and its entry as written. */
  entries: Map<string, TermsEntryState>;
}

export interface TermsEntryState {
  /** The entry as written (any JSON), for compare-before-write. */
  raw: unknown;
  terms: LicensingTerms | undefined;
  problems: TermsProblem[];
}

export type ProjectTermsResult =
  { ok: true; project: ProjectTerms; root: Node } | { ok: false; error: ProjectParseError };

/** Parses sfdx-project.json leniently about comments and trailing commas, strictly about everything else. */
export function parseProject(text: string): { root: Node } | { error: ProjectParseError } {
  const errors: ParseError[] = [];
  const root = parseTree(readableText(text), errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first || !root) {
    const offset = first?.offset ?? 0;
    return {
      error: {
        message: first ? describeParseError(first) : 'The file is empty.',
        offset,
        ...lineAndColumn(text, offset),
      },
    };
  }
  if (root.type !== 'object')
    return {
      error: {
        message: 'sfdx-project.json must hold a JSON object.',
        offset: root.offset,
        ...lineAndColumn(text, root.offset),
      },
    };
  return { root };
}

export function readProjectTerms(text: string): ProjectTermsResult {
  const parsed = parseProject(text);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  const { root } = parsed;
  return {
    ok: true,
    project: { packageAliases: packageAliasesOf(root), entries: termsEntriesOf(root) },
    root,
  };
}

/** The aliases of `packageAliases` that name a package (not a version: no "@"), in the file's order. */
export function packageAliasesOf(root: Node): string[] {
  const aliasesNode = findNodeAtLocation(root, ['packageAliases']);
  return aliasesNode?.type === 'object'
    ? (aliasesNode.children ?? [])
        .map((property) => property.children?.[0]?.value as unknown)
        .filter((alias): alias is string => typeof alias === 'string' && !alias.includes('@'))
    : [];
}

/** Each alias under `plugins.lma.defaultLicensing` and its entry as written, checked by the rules. */
export function termsEntriesOf(root: Node): Map<string, TermsEntryState> {
  const entries = new Map<string, TermsEntryState>();
  const termsNode = findNodeAtLocation(root, [...TERMS_PATH]);
  if (termsNode?.type === 'object')
    for (const property of termsNode.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (typeof keyNode?.value !== 'string' || !valueNode) continue;
      const raw = nodeValue(valueNode);
      const result = fromEntry(raw);
      entries.set(keyNode.value, {
        raw,
        terms: 'terms' in result ? result.terms : undefined,
        problems: 'problems' in result ? result.problems : [],
      });
    }
  return entries;
}

/**
 * The edits that write `terms` for `alias` into the text (or remove them when terms is undefined),
 * formatted like the rest of the file. Throws ProjectTermsError when the file doesn't parse.
 */
export function termsEdits(text: string, alias: string, terms: LicensingTerms | undefined): Edit[] {
  const parsed = parseProject(text);
  if ('error' in parsed) throw new ProjectTermsError(parsed.error);
  const blocked = editBlocker(text, parsed.root, [...TERMS_PATH, alias]);
  if (blocked) throw new Error(blocked);
  return formattedModify(text, [...TERMS_PATH, alias], terms ? toEntry(terms) : undefined);
}

/**
 * jsonc-parser's `modify`, formatted like the file but touching only the text it inserts. (Its own
 * formatting option reformats whole lines around the insertion, so a sibling written on one line,
 * `"other": { "keep": true }`, would be reflowed.)
 */
export function formattedModify(text: string, path: JSONPath, value: unknown): Edit[] {
  const [edit] = modify(text, path, value, {});
  if (!edit) return [];
  if (value === undefined) return removalEdits(text, path, edit);
  if (!edit.content) return [edit];
  const inserted = applyEdits(text, [edit]);
  const start = edit.offset;
  const end = edit.offset + edit.content.length;
  const inside = format(inserted, undefined, detectFormatting(text)).filter(
    (change) => change.offset >= start && change.offset + change.length <= end,
  );
  const grown = inside.reduce((sum, change) => sum + change.content.length - change.length, 0);
  return [{ ...edit, content: applyEdits(inserted, inside).slice(start, end + grown) }];
}

/**
 * Removing a property that has lines of its own removes those lines. (jsonc-parser's removal runs from
 * the property to the next one, so removing the first of several pulls the next up onto the brace's
 * line, and removing the first of a one-line object eats the space after "{".)
 */
function removalEdits(text: string, path: JSONPath, removal: Edit): Edit[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const property = root && findNodeAtLocation(root, path)?.parent;
  const siblings = property?.parent?.children;
  if (property?.type !== 'property' || !siblings) return [removal];
  const previous = siblings[siblings.indexOf(property) - 1];
  const next = siblings[siblings.indexOf(property) + 1];
  const lineStart = text.lastIndexOf('\n', property.offset - 1) + 1;
  const end = property.offset + property.length;
  const after = /^[ \t]*(,?)[ \t]*(\r?\n|$)/.exec(text.slice(end));
  if (text.slice(lineStart, property.offset).trim() || !after)
    // On a shared line, the first property goes up to the next one, keeping the space after "{".
    return !previous && next
      ? [{ offset: property.offset, length: next.offset - property.offset, content: '' }]
      : [removal];
  const lines: Edit = { offset: lineStart, length: end + after[0].length - lineStart, content: '' };
  if (after[1] || !previous) return [lines];
  // The last property goes: the one before it becomes last and loses its comma.
  const comma = /^\s*,/.exec(text.slice(previous.offset + previous.length));
  if (!comma) return [lines];
  return [{ offset: previous.offset + previous.length + comma[0].length - 1, length: 1, content: '' }, lines];
}

/**
 * Why an edit at `path` can't be made as asked, or undefined when it can: a value on the way that is
 * not an object (jsonc-parser would throw "Can not add index to parent of type string"), or a key on
 * the way written twice in its object (the edit would land on the first, while jsonc-parser's readers,
 * JSON.parse and Salesforce's tools take the last: the save would "succeed" and read back unchanged).
 */
export function editBlocker(text: string, root: Node, path: readonly string[]): string | undefined {
  let node: Node = root;
  for (const [depth, key] of path.entries()) {
    const where = path.slice(0, depth).join('.');
    if (node.type !== 'object')
      return `In sfdx-project.json, ${where} is ${kindOf(node)} (line ${lineAndColumn(text, node.offset).line}), not an object, so nothing can be written inside it. Make it an object or remove it.`;
    const properties = (node.children ?? []).filter(
      (property) => property.children?.[0]?.value === key && property.children.length === 2,
    );
    if (properties.length > 1) {
      const lines = [...new Set(properties.map((property) => lineAndColumn(text, property.offset).line))];
      const listed =
        lines.length === 1
          ? `line ${lines[0]}`
          : `lines ${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
      return `sfdx-project.json has "${key}"${where ? ` in ${where}` : ''} ${properties.length === 2 ? 'twice' : `${properties.length} times`} (${listed}): an edit would change the first, while Salesforce's tools read the last. Remove all but one.`;
    }
    const next = properties[0]?.children?.[1];
    if (!next) return undefined;
    node = next;
  }
  return undefined;
}

function kindOf(node: Node): string {
  if (node.type === 'array') return 'an array';
  if (node.type === 'null') return 'null';
  return `a ${node.type}`;
}

/** The text after writing `terms` for `alias`: what a test or a script without VS Code applies. */
export function writeTerms(text: string, alias: string, terms: LicensingTerms | undefined): string {
  return applyEdits(text, termsEdits(text, alias, terms));
}

export class ProjectTermsError extends Error {
  constructor(readonly parseError: ProjectParseError) {
    super(
      `sfdx-project.json can't be read (line ${parseError.line}, column ${parseError.column}): ${parseError.message}`,
    );
  }
}

/** The file's own indentation and line ending, so an edit looks as if a person made it. */
export function detectFormatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: indent.length, eol };
}

/** Deep equality of two JSON values (for "did the entry change since the form loaded it?"). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** The JSON value of a parse-tree node (jsonc-parser's getNodeValue, kept to plain objects). */
export function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries(
        (node.children ?? [])
          .filter((property) => property.children?.length === 2)
          .map((property) => [property.children![0]!.value as string, nodeValue(property.children![1]!)]),
      );
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}

function describeParseError(error: ParseError): string {
  const messages: Record<string, string> = {
    InvalidSymbol: 'an unexpected character',
    InvalidNumberFormat: 'a malformed number',
    PropertyNameExpected: 'a property name is expected',
    ValueExpected: 'a value is expected',
    ColonExpected: 'a colon is expected',
    CommaExpected: 'a comma is expected',
    CloseBraceExpected: 'a closing brace is expected',
    CloseBracketExpected: 'a closing bracket is expected',
    EndOfFileExpected: 'the file should end here',
    UnexpectedEndOfString: 'a string is not closed',
    UnexpectedEndOfComment: 'a comment is not closed',
  };
  const name = printParseErrorCode(error.error);
  return `The JSON is malformed: ${messages[name] ?? name}.`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The JSON text that identifies a written entry (or its absence) for compare-before-write. */
export function entryRevision(project: ProjectTerms, alias: string): string {
  const entry = project.entries.get(alias);
  return entry ? JSON.stringify(canonical(entry.raw)) : '';
}

export type SavePlan =
  | { kind: 'write'; edits: Edit[] }
  | { kind: 'conflict'; message: string }
  | { kind: 'rejected'; message: string };

/**
 * What saving `terms` for `alias` does to the current text: the minimal edits, or why nothing is
 * written. `revision` is the entry the form loaded; `addAlias` also declares the alias in
 * packageAliases (a package of the LMO that the project doesn't name yet).
 */
export function planTermsSave(
  text: string,
  alias: string,
  terms: LicensingTerms,
  revision: string,
  addAlias?: { alias: string; packageId: string },
): SavePlan {
  const problems = checkTerms(terms);
  if (problems.length) return { kind: 'rejected', message: problems.map((p) => p.message).join(' ') };
  const read = readProjectTerms(text);
  if (!read.ok)
    return {
      kind: 'rejected',
      message: `sfdx-project.json can't be read (line ${read.error.line}, column ${read.error.column}): ${read.error.message} Nothing was written.`,
    };
  const blocked =
    editBlocker(text, read.root, [...TERMS_PATH, alias]) ??
    (addAlias ? editBlocker(text, read.root, ['packageAliases', addAlias.alias]) : undefined);
  if (blocked) return { kind: 'rejected', message: `${blocked} Nothing was written.` };
  if (entryRevision(read.project, alias) !== revision)
    return {
      kind: 'conflict',
      message: `The terms of ${alias} in sfdx-project.json changed since this form loaded them. The form now shows them; nothing was written.`,
    };
  const withAlias =
    addAlias && !read.project.packageAliases.includes(addAlias.alias)
      ? applyEdits(text, formattedModify(text, ['packageAliases', addAlias.alias], addAlias.packageId))
      : text;
  const edits = termsEdits(withAlias, alias, terms);
  // One edit set against the original text: the alias edit and the terms edit, merged by diffing.
  return {
    kind: 'write',
    edits: withAlias === text ? edits : [changedMiddle(text, applyEdits(withAlias, edits))],
  };
}

/** One edit covering only the changed middle of the text, so undo and the editor's cursor stay sane. */
function changedMiddle(before: string, after: string): Edit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return {
    offset: start,
    length: before.length - start - end,
    content: after.slice(start, after.length - end),
  };
}
