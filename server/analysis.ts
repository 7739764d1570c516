/**
 * What the language server knows about an sfdx-project.json: diagnostics, completions, hovers and
 * quick fixes for `plugins.lma` and the package aliases, and nothing else (VS Code's JSON service
 * owns the rest of the file, syntax errors included). Pure functions of the text and the LMO's
 * packages, so tests call them directly as well as through the protocol.
 */
import { findNodeAtLocation, getLocation, visit, type Location, type Node } from 'jsonc-parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-types';
import { MAX_SEATS, MAX_TRIAL_DAYS } from '../src/lma/rules/encodings';
import {
  checkEntry,
  DOES_NOT_EXPIRE,
  SITE_LICENSE,
  termsEntryKeys,
  type ProblemCode,
} from '../src/lma/rules/licensingTerms';
import { boundDepth, MAX_DEPTH, readableText } from '../src/lma/project/boundDepth';
import { formattedModify, nodeValue, TERMS_PATH } from '../src/lma/project/projectTerms';
import { licenseStatuses, type Package } from '../src/lma/records/types';
import { isSalesforceId, toId15 } from '../src/lma/records/soql';
import { DIAGNOSTIC_SOURCE, lmoLabel, type LmoPackages } from '../src/protocol/languageServer';

const PLUGIN_KEYS = ['defaultLicensing'];

/** A diagnostic's `data`: what a quick fix needs to repair it. */
interface FixData {
  code: ProblemCode | 'notAssociated' | 'unknownAlias';
  /** JSON path of the property the diagnostic is about. */
  path: (string | number)[];
}

export interface Project {
  /** The text as analysed: the document's, with anything nested deeper than MAX_DEPTH blanked. */
  text: string;
  /** The parse tree of what this server reads (packageAliases, plugins.lma); other values are empty. */
  root: Node;
  /** packageAliases as written: alias → id (the last of a name written twice, as JSON.parse reads it). */
  aliases: Map<string, string>;
  /** Where each alias's key is in packageAliases (the first of a name written twice). */
  aliasKeys: Map<string, Span>;
  /** The 04t ids of each package alias's version aliases ("Acme@1.2.0-1"). */
  versionIds: Map<string, string[]>;
  /**
   * The text doesn't parse. The project document (`readProjectDocument`) then reads no aliases at all,
   * so the analysis claims nothing about them (an alias unknown, a package not associated); rules of an
   * entry as written, completion and hover go on, as a file is malformed at each keystroke of an edit.
   */
  malformed: boolean;
}

export { boundDepth, MAX_DEPTH };

/**
 * jsonc-parser's parseTree, building only what the analysis reads: the root's properties and
 * plugins.lma with everything in it, and packageAliases read into maps (its object has no children in
 * the tree). Any other array or object is a node without children (its type, offset and length as
 * parseTree gives them). One pass over the text.
 */
function partialTree(text: string): {
  root: Node | undefined;
  aliases: Map<string, string>;
  aliasKeys: Map<string, Span>;
  malformed: boolean;
} {
  interface Built {
    type: Node['type'];
    offset: number;
    length: number;
    colonOffset?: number;
    value?: unknown;
    parent?: Built;
    children?: Built[];
  }
  /** What is built inside a container: root 0, plugins 1, packageAliases 2 (its values), or all (plugins.lma). */
  const reads = new Map<Built, number | 'all'>();
  let parent: Built = { type: 'array', offset: -1, length: -1, children: [], parent: undefined };
  const top = parent;
  // packageAliases (the first object of that name) is read straight into maps: no nodes for its
  // thousands of entries.
  let aliasesNode: Built | undefined;
  let pendingAlias: { name: string; offset: number; length: number } | undefined;
  const aliases = new Map<string, string>();
  const aliasKeys = new Map<string, Span>();
  let malformed = false;
  const completeProperty = (end: number) => {
    if (parent.type === 'property') {
      parent.length = end - parent.offset;
      parent = parent.parent!;
    }
  };
  /** Adds the container; true when its inside is built (the root, packageAliases, plugins, plugins.lma…). */
  const begin = (type: 'object' | 'array', offset: number) => {
    const node: Built = { type, offset, length: -1, parent, children: [] };
    if (parent === aliasesNode) {
      // A name written again with a value that is not a string: JSON.parse reads no id for it.
      if (pendingAlias) aliases.delete(pendingAlias.name);
      pendingAlias = undefined;
    }
    const inProperty = parent.type === 'property';
    const container = inProperty ? parent.parent! : parent;
    const key = inProperty ? parent.children![0]!.value : undefined;
    const level = reads.get(container);
    parent.children!.push(node);
    parent = node;
    if (container === top) reads.set(node, 0);
    else if (level === 'all' || (level === 1 && key === 'lma')) reads.set(node, 'all');
    else if (level === 0 && key === 'plugins') reads.set(node, 1);
    else if (level === 0 && key === 'packageAliases' && type === 'object' && !aliasesNode) {
      reads.set(node, 2);
      aliasesNode = node;
    } else return false;
    return true;
  };
  const end = (offset: number, length: number) => {
    completeProperty(offset + length);
    parent.length = offset + length - parent.offset;
    parent = parent.parent!;
    completeProperty(offset + length);
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => begin('object', offset),
      onArrayBegin: (offset) => begin('array', offset),
      onObjectEnd: end,
      onArrayEnd: end,
      onObjectProperty: (name, offset, length) => {
        if (parent === aliasesNode) {
          pendingAlias = { name, offset, length };
          return;
        }
        const property: Built = { type: 'property', offset, length: -1, parent, children: [] };
        parent.children!.push(property);
        parent = property;
        property.children!.push({ type: 'string', value: name, offset, length, parent: property });
      },
      onLiteralValue: (value: unknown, offset, length) => {
        if (parent === aliasesNode) {
          if (pendingAlias && typeof value === 'string') {
            aliases.set(pendingAlias.name, value);
            if (!aliasKeys.has(pendingAlias.name))
              aliasKeys.set(pendingAlias.name, { offset: pendingAlias.offset, length: pendingAlias.length });
          } else if (pendingAlias) aliases.delete(pendingAlias.name);
          pendingAlias = undefined;
          return;
        }
        const type = value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean');
        parent.children!.push({ type, value, offset, length, parent });
        completeProperty(offset + length);
      },
      onSeparator: (separator, offset) => {
        if (parent.type !== 'property') return;
        if (separator === ':') parent.colonOffset = offset;
        else if (separator === ',') completeProperty(offset);
      },
      onError: () => {
        malformed = true;
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  const root = parent.children![0];
  if (root) delete root.parent;
  return { root: root as Node | undefined, aliases, aliasKeys, malformed };
}

/** Where a text is: an offset and a length. */
interface Span {
  offset: number;
  length: number;
}

let lastParsed: { text: string; project: Project | undefined } | undefined;

/** The project of a document's text; the last one is kept, as completion and hover follow an edit. */
function parse(documentText: string): Project | undefined {
  if (lastParsed?.text === documentText) return lastParsed.project;
  lastParsed = undefined; // the previous tree can go while this one is built
  const text = readableText(documentText);
  const { root, aliases, aliasKeys, malformed } = partialTree(text);
  let project: Project | undefined;
  if (root?.type === 'object') {
    const versionIds = new Map<string, string[]>();
    for (const [name, id] of aliases) {
      if (!id.startsWith('04t')) continue;
      // "Acme@1.2.0-1" is a version of "Acme" (and a name with more "@"s, of each part before one).
      for (let at = name.indexOf('@'); at >= 0; at = name.indexOf('@', at + 1)) {
        const alias = name.slice(0, at);
        const ids = versionIds.get(alias);
        if (ids) ids.push(id);
        else versionIds.set(alias, [id]);
      }
    }
    project = { text, root, aliases, aliasKeys, versionIds, malformed };
  }
  lastParsed = { text: documentText, project };
  return project;
}

/** The project as this analysis reads a text (for the test that it agrees with `readProjectDocument`). */
export function analysedProject(text: string): Project | undefined {
  return parse(text);
}

/** The package aliases that name a package (not a version "Name@1.2.0-1"). */
function packageAliases(project: Project): string[] {
  return [...project.aliases.keys()].filter((alias) => !alias.includes('@'));
}

/** The LMO's packages (their place in the list) by the 15-character form of their 033 id, and of their versions' 04t ids. */
interface LmoIndex {
  byPackageId: Map<string, number>;
  byVersionId: Map<string, number>;
}
const lmoIndexes = new WeakMap<Package[], LmoIndex>();

function lmoIndex(packages: Package[]): LmoIndex {
  const known = lmoIndexes.get(packages);
  if (known) return known;
  const index: LmoIndex = { byPackageId: new Map(), byVersionId: new Map() };
  const add = (map: Map<string, number>, id: string | undefined, at: number) => {
    if (id && isSalesforceId(id) && !map.has(toId15(id))) map.set(toId15(id), at);
  };
  for (const [at, lmoPackage] of packages.entries()) {
    add(index.byPackageId, lmoPackage.packageId, at);
    for (const version of lmoPackage.versions) add(index.byVersionId, version.versionId, at);
  }
  lmoIndexes.set(packages, index);
  return index;
}

/**
 * The LMO package an alias stands for: by its 033 id or one of its 04t version aliases, as
 * findLmoPackage (src/lma/project/sfdxProject.ts) finds it (the first such package of the list), by lookups.
 */
export function lmoPackageOf(project: Project, alias: string, packages: Package[]): Package | undefined {
  const { byPackageId, byVersionId } = lmoIndex(packages);
  const find = (map: Map<string, number>, id: string | undefined) =>
    id && isSalesforceId(id) ? map.get(toId15(id)) : undefined;
  const found = [
    find(byPackageId, project.aliases.get(alias)),
    ...(project.versionIds.get(alias) ?? []).map((id) => find(byVersionId, id)),
  ].filter((at) => at !== undefined);
  return found.length ? packages[Math.min(...found)] : undefined;
}

const rangeOf = (document: TextDocument, node: Span): Range => ({
  start: document.positionAt(node.offset),
  end: document.positionAt(node.offset + node.length),
});

function diagnostic(
  document: TextDocument,
  node: Node,
  message: string,
  severity: DiagnosticSeverity,
  data: FixData,
): Diagnostic {
  return {
    range: rangeOf(document, node),
    message,
    severity,
    source: DIAGNOSTIC_SOURCE,
    code: data.code,
    data,
  };
}

export function diagnose(document: TextDocument, lmo: LmoPackages | undefined): Diagnostic[] {
  const project = parse(document.getText());
  if (!project) return [];
  const diagnostics: Diagnostic[] = [];
  const lma = findNodeAtLocation(project.root, ['plugins', 'lma']);
  if (lma && lma.type !== 'object')
    diagnostics.push(
      diagnostic(
        document,
        lma,
        'plugins.lma holds the settings of LMA Explorer: an object, such as { "defaultLicensing": {} }.',
        DiagnosticSeverity.Error,
        { code: 'notAnObject', path: ['plugins', 'lma'] },
      ),
    );
  if (lma?.type === 'object')
    for (const property of lma.children ?? []) {
      const key = property.children?.[0];
      if (key && !PLUGIN_KEYS.includes(String(key.value)))
        diagnostics.push(
          diagnostic(
            document,
            key,
            `Unknown key "${key.value}" in plugins.lma: it has ${PLUGIN_KEYS.join(', ')}.`,
            DiagnosticSeverity.Warning,
            {
              code: 'unknownKey',
              path: ['plugins', 'lma', String(key.value)],
            },
          ),
        );
    }

  const terms = findNodeAtLocation(project.root, [...TERMS_PATH]);
  if (terms && terms.type !== 'object')
    diagnostics.push(
      diagnostic(
        document,
        terms,
        'defaultLicensing maps package aliases to their terms: an object.',
        DiagnosticSeverity.Error,
        {
          code: 'notAnObject',
          path: [...TERMS_PATH],
        },
      ),
    );
  for (const property of terms?.type === 'object' ? (terms.children ?? []) : []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || !valueNode) continue;
    const alias = String(keyNode.value);
    const entryPath = [...TERMS_PATH, alias];
    if (project.malformed) {
      // What the file means is unknown until it parses (see Project.malformed).
    } else if (!project.aliases.has(alias))
      diagnostics.push(
        diagnostic(
          document,
          keyNode,
          `"${alias}" is not a package alias of packageAliases: these terms apply to no package.`,
          DiagnosticSeverity.Warning,
          {
            code: 'unknownAlias',
            path: entryPath,
          },
        ),
      );
    else if (lmo?.connected && !lmoPackageOf(project, alias, lmo.packages))
      diagnostics.push(
        diagnostic(
          document,
          keyNode,
          `${alias} is not associated with this LMO (${lmoLabel(lmo.org)}): installs will create no License.`,
          DiagnosticSeverity.Warning,
          { code: 'notAssociated', path: entryPath },
        ),
      );
    // The entry's properties by key, the first of each as findNodeAtLocation finds it: one pass.
    const properties = new Map<string, Node>();
    for (const property of valueNode.type === 'object' ? (valueNode.children ?? []) : [])
      if (property.children?.length === 2 && !properties.has(String(property.children[0]!.value)))
        properties.set(String(property.children[0]!.value), property);
    for (const problem of checkEntry(nodeValue(valueNode))) {
      const propertyNode = problem.key !== undefined ? properties.get(problem.key) : undefined;
      const at =
        problem.code === 'unknownKey'
          ? propertyNode?.children?.[0]
          : problem.key !== undefined
            ? propertyNode?.children?.[1]
            : keyNode;
      diagnostics.push(
        diagnostic(document, at ?? keyNode, problem.message, DiagnosticSeverity.Error, {
          code: problem.code,
          path: problem.key !== undefined ? [...entryPath, problem.key] : entryPath,
        }),
      );
    }
  }
  return diagnostics;
}

/** What a completion replaces: the string being typed (quotes included), or nothing at the cursor. */
function typedRange(document: TextDocument, location: Location, offset: number): Range {
  const typed = location.previousNode;
  return (typed?.type === 'string' || typed?.type === 'property') &&
    typed.offset <= offset &&
    offset <= typed.offset + typed.length
    ? rangeOf(document, typed)
    : { start: document.positionAt(offset), end: document.positionAt(offset) };
}

export function complete(
  document: TextDocument,
  offset: number,
  lmo: LmoPackages | undefined,
): CompletionItem[] {
  const project = parse(document.getText());
  if (!project) return [];
  const { text } = project;
  const location = getLocation(text, offset);
  const path = location.path.map(String);
  if (path[0] !== 'plugins') return [];
  const range = typedRange(document, location, offset);
  // A key typed before an existing colon: complete the key alone, the value is already there.
  const colon = /\s*:/y;
  colon.lastIndex = document.offsetAt(range.end);
  const hasColon = colon.test(text);
  const inTerms = (depth: number) =>
    path.length === TERMS_PATH.length + depth && TERMS_PATH.every((part, i) => path[i] === part);
  const existing = (node: Node | undefined) =>
    new Set((node?.children ?? []).map((property) => String(property.children?.[0]?.value)));

  if (location.isAtPropertyKey && inTerms(1)) {
    const written = existing(findNodeAtLocation(project.root, [...TERMS_PATH]));
    return packageAliases(project)
      .filter((alias) => !written.has(alias))
      .map((alias) => {
        const lmoPackage = lmo?.connected ? lmoPackageOf(project, alias, lmo.packages) : undefined;
        return {
          label: alias,
          kind: CompletionItemKind.Module,
          detail: lmoPackage ? `${lmoPackage.name} in the LMO` : 'package alias',
          textEdit: {
            range,
            newText: hasColon
              ? `"${alias}"`
              : `"${alias}": { "status": "Trial", "trialDays": \${1:30}, "seats": \${2:10} }`,
          },
          insertTextFormat: InsertTextFormat.Snippet,
          filterText: `"${alias}"`,
        };
      });
  }
  if (location.isAtPropertyKey && inTerms(2)) {
    const entry = findNodeAtLocation(project.root, path.slice(0, -1));
    const written = existing(entry);
    const docs: Record<string, string> = {
      status: 'Status of the License of a new install: "Trial" or "Active".',
      trialDays: `Trials only: 1 to ${MAX_TRIAL_DAYS} days.`,
      activeDays: `Active licenses only: a number of days, or "${DOES_NOT_EXPIRE}" (does not expire).`,
      seats: `1 to ${MAX_SEATS.toLocaleString('en-US')}, or "${SITE_LICENSE}" for a site license.`,
    };
    return termsEntryKeys
      .filter((key) => !written.has(key))
      .map((key) => ({
        label: key,
        kind: CompletionItemKind.Property,
        documentation: docs[key],
        textEdit: { range, newText: hasColon ? `"${key}"` : `"${key}": ` },
        filterText: `"${key}"`,
      }));
  }
  if (!location.isAtPropertyKey && inTerms(2)) {
    const key = path.at(-1);
    const values: Record<string, string[]> = {
      status: ['Trial', 'Active'],
      seats: [SITE_LICENSE],
      activeDays: [DOES_NOT_EXPIRE],
    };
    return (values[key ?? ''] ?? []).map((value) => ({
      label: `"${value}"`,
      kind: CompletionItemKind.Value,
      textEdit: { range, newText: `"${value}"` },
      filterText: `"${value}"`,
    }));
  }
  // Keys of plugins.lma not yet written; and "lma" itself among the plugins.
  if (location.isAtPropertyKey && path.length === 3 && path[0] === 'plugins' && path[1] === 'lma') {
    const written = existing(findNodeAtLocation(project.root, ['plugins', 'lma']));
    return PLUGIN_KEYS.filter((key) => !written.has(key)).map((key) => ({
      label: key,
      kind: CompletionItemKind.Property,
      documentation: 'Default licensing terms of each package, keyed by package alias.',
      textEdit: { range, newText: hasColon ? `"${key}"` : `"${key}": {}` },
      filterText: `"${key}"`,
    }));
  }
  if (location.isAtPropertyKey && path.length === 2 && path[0] === 'plugins') {
    if (existing(findNodeAtLocation(project.root, ['plugins'])).has('lma')) return [];
    return [
      {
        label: 'lma',
        kind: CompletionItemKind.Property,
        documentation: 'Settings of LMA Explorer: the default licensing terms of your packages.',
        textEdit: { range, newText: hasColon ? '"lma"' : '"lma": { "defaultLicensing": {} }' },
        filterText: '"lma"',
      },
    ];
  }
  return [];
}

/** Hover on a package alias (in packageAliases or defaultLicensing): its LMO record. */
export function hover(
  document: TextDocument,
  offset: number,
  lmo: LmoPackages | undefined,
): Hover | undefined {
  const project = parse(document.getText());
  if (!project) return undefined;
  const location = getLocation(project.text, offset);
  const path = location.path.map(String);
  const onAliasKey =
    location.isAtPropertyKey &&
    ((path.length === 2 && path[0] === 'packageAliases') ||
      (path.length === TERMS_PATH.length + 1 && TERMS_PATH.every((part, i) => path[i] === part)));
  const alias = path.at(-1);
  if (!onAliasKey || !alias || !project.aliases.has(alias)) return undefined;
  const node =
    path[0] === 'packageAliases'
      ? project.aliasKeys.get(alias)
      : findNodeAtLocation(project.root, path)?.parent?.children?.[0];
  const range = node && rangeOf(document, node);
  if (alias.includes('@')) return versionHover(project, alias, lmo, range);
  if (!lmo?.connected)
    return {
      contents: {
        kind: 'markdown',
        value: `**${alias}**\n\nConnect a License Management Org to see its record.`,
      },
      range,
    };
  const lmoPackage = lmoPackageOf(project, alias, lmo.packages);
  if (!lmoPackage)
    return {
      contents: {
        kind: 'markdown',
        value: `**${alias}** is not associated with ${lmoLabel(lmo.org)}: installs will create no License.`,
      },
      range,
    };
  const counts = licenseStatuses
    .filter((status) => lmoPackage.licenseCounts[status])
    .map((status) => `${status} ${lmoPackage.licenseCounts[status]!.toLocaleString('en-US')}`);
  return {
    contents: {
      kind: 'markdown',
      value: [
        `**${lmoPackage.name}** in ${lmoLabel(lmo.org)}`,
        `Package id: \`${lmoPackage.packageId ?? 'unknown'}\``,
        `Latest version: ${lmoPackage.latestVersion ?? 'none'}`,
        `Licenses: ${counts.length ? counts.join(' · ') : 'none yet'} (${lmoPackage.licenseTotal.toLocaleString('en-US')} in all)`,
      ].join('\n\n'),
    },
    range,
  };
}

/** Hover on a version alias ("Acme@1.2.0-1"): the LMO's record of that Package Version. */
function versionHover(
  project: Project,
  alias: string,
  lmo: LmoPackages | undefined,
  range: Range | undefined,
): Hover | undefined {
  if (!lmo?.connected) return undefined;
  const versionId = project.aliases.get(alias) ?? '';
  const lmoPackage = lmoPackageOf(project, alias.slice(0, alias.indexOf('@')), lmo.packages);
  const version = lmoPackage?.versions.find(
    (candidate) =>
      !!candidate.versionId && isSalesforceId(versionId) && toId15(candidate.versionId) === toId15(versionId),
  );
  const value =
    lmoPackage && version
      ? [
          `**${lmoPackage.name} ${version.versionNumber ?? version.name}**${version.isBeta ? ' (beta)' : ''} in ${lmoLabel(lmo.org)}`,
          `Version id: \`${version.versionId}\``,
          // A version's count is read when the tree opens its package's versions; until then, none.
          ...(version.licenseTotal === undefined
            ? []
            : [`Licenses: ${version.licenseTotal.toLocaleString('en-US')}`]),
        ].join('\n\n')
      : `**${alias}**: ${lmoLabel(lmo.org)} has no record of this version.`;
  return { contents: { kind: 'markdown', value }, range };
}

/** Quick fixes for this server's diagnostics, and "add terms" on an alias that has none. */
export function codeActions(document: TextDocument, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const project = parse(document.getText());
  if (!project) return [];
  const { text } = project;
  const actions: CodeAction[] = [];
  const edit = (path: (string | number)[], value: unknown): TextEdit[] =>
    formattedModify(text, path, value).map((change) => ({
      range: {
        start: document.positionAt(change.offset),
        end: document.positionAt(change.offset + change.length),
      },
      newText: change.content,
    }));
  const fix = (title: string, edits: TextEdit[], fixes: Diagnostic | undefined): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: fixes ? [fixes] : undefined,
    isPreferred: !!fixes,
    edit: { changes: { [document.uri]: edits } },
  });
  for (const found of diagnostics) {
    if (found.source !== DIAGNOSTIC_SOURCE || !found.data) continue;
    const data = found.data as FixData;
    const value = findNodeAtLocation(project.root, data.path)?.value as unknown;
    if (data.code === 'trialDays' && typeof value === 'number') {
      const clamped = Math.min(Math.max(Math.round(value), 1), MAX_TRIAL_DAYS);
      actions.push(
        fix(
          `Clamp the trial to ${clamped} ${clamped === 1 ? 'day' : 'days'}`,
          edit(data.path, clamped),
          found,
        ),
      );
    }
    if (data.code === 'seats' && typeof value === 'number') {
      const clamped = Math.min(Math.max(Math.round(value), 1), MAX_SEATS);
      actions.push(
        fix(`Set the seats to ${clamped.toLocaleString('en-US')}`, edit(data.path, clamped), found),
      );
      actions.push({
        ...fix('Make it a site license', edit(data.path, SITE_LICENSE), found),
        isPreferred: false,
      });
    }
    if (data.code === 'unknownKey' || data.code === 'activeDaysOnTrial' || data.code === 'trialDaysOnActive')
      actions.push(fix(`Remove "${String(data.path.at(-1))}"`, edit(data.path, undefined), found));
    if (data.code === 'trialDaysMissing')
      actions.push(fix('Add "trialDays": 30', edit([...data.path, 'trialDays'], 30), found));
    if (data.code === 'activeDaysMissing')
      actions.push(
        fix(
          `Add "activeDays": "${DOES_NOT_EXPIRE}"`,
          edit([...data.path, 'activeDays'], DOES_NOT_EXPIRE),
          found,
        ),
      );
  }
  // On a package alias without terms: offer to add them.
  const start = document.offsetAt(range.start);
  const location = getLocation(text, start);
  const alias =
    location.path.length === 2 && location.path[0] === 'packageAliases'
      ? String(location.path[1])
      : undefined;
  const written = findNodeAtLocation(project.root, [...TERMS_PATH]);
  const hasTerms = (written?.children ?? []).some((property) => property.children?.[0]?.value === alias);
  if (alias && !alias.includes('@') && !hasTerms)
    actions.push({
      ...fix(
        `Add default licensing terms for ${alias}`,
        edit([...TERMS_PATH, alias], { status: 'Trial', trialDays: 30, seats: 10 }),
        undefined,
      ),
      kind: CodeActionKind.QuickFix,
    });
  return actions;
}
