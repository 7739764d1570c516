/**
 * What the language server knows about an sfdx-project.json: diagnostics, completions, hovers and
 * quick fixes for `plugins.lma` and the package aliases, and nothing else (VS Code's JSON service
 * owns the rest of the file, syntax errors included). Pure functions of the text and the LMO's
 * packages, so tests call them directly as well as through the protocol.
 */
import { findNodeAtLocation, getLocation, parseTree, type Location, type Node } from 'jsonc-parser';
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
import { MAX_SEATS, MAX_TRIAL_DAYS } from '../src/lma/encodings';
import {
  checkEntry,
  DOES_NOT_EXPIRE,
  SITE_LICENSE,
  termsEntryKeys,
  type ProblemCode,
} from '../src/lma/licensingTerms';
import { formattedModify, nodeValue, TERMS_PATH } from '../src/lma/projectTerms';
import { licenseStatuses, type Package } from '../src/lma/records';
import { findLmoPackage } from '../src/lma/sfdxProject';
import { isSalesforceId, toId15 } from '../src/lma/soql';
import { DIAGNOSTIC_SOURCE, lmoLabel, type LmoPackages } from './protocol';

const PLUGIN_KEYS = ['defaultLicensing'];

/** A diagnostic's `data`: what a quick fix needs to repair it. */
interface FixData {
  code: ProblemCode | 'notAssociated' | 'unknownAlias';
  /** JSON path of the property the diagnostic is about. */
  path: (string | number)[];
}

interface Project {
  root: Node;
  /** packageAliases as written: alias → id. */
  aliases: Map<string, string>;
}

function parse(text: string): Project | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (root?.type !== 'object') return undefined;
  const aliases = new Map<string, string>();
  for (const property of findNodeAtLocation(root, ['packageAliases'])?.children ?? []) {
    const [key, value] = property.children ?? [];
    if (typeof key?.value === 'string' && typeof value?.value === 'string')
      aliases.set(key.value, value.value);
  }
  return { root, aliases };
}

/** The package aliases that name a package (not a version "Name@1.2.0-1"). */
function packageAliases(project: Project): string[] {
  return [...project.aliases.keys()].filter((alias) => !alias.includes('@'));
}

/** The LMO package an alias stands for: by its 033 id or one of its 04t version aliases. */
export function lmoPackageOf(project: Project, alias: string, packages: Package[]): Package | undefined {
  const versionIds = [...project.aliases]
    .filter(([name, id]) => name.startsWith(`${alias}@`) && id.startsWith('04t'))
    .map(([, id]) => id);
  return findLmoPackage({ name: alias, packageAliasId: project.aliases.get(alias), versionIds }, packages);
}

const rangeOf = (document: TextDocument, node: Node): Range => ({
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
    if (!project.aliases.has(alias))
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
    for (const problem of checkEntry(nodeValue(valueNode))) {
      const propertyNode =
        problem.key !== undefined ? findNodeAtLocation(valueNode, [problem.key])?.parent : undefined;
      const at =
        problem.code === 'unknownKey'
          ? propertyNode?.children?.[0]
          : problem.key !== undefined
            ? findNodeAtLocation(valueNode, [problem.key])
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
  const text = document.getText();
  const project = parse(text);
  if (!project) return [];
  const location = getLocation(text, offset);
  const path = location.path.map(String);
  const range = typedRange(document, location, offset);
  // A key typed before an existing colon: complete the key alone, the value is already there.
  const hasColon = /^\s*:/.test(text.slice(document.offsetAt(range.end)));
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
  const text = document.getText();
  const project = parse(text);
  if (!project) return undefined;
  const location = getLocation(text, offset);
  const path = location.path.map(String);
  const onAliasKey =
    location.isAtPropertyKey &&
    ((path.length === 2 && path[0] === 'packageAliases') ||
      (path.length === TERMS_PATH.length + 1 && TERMS_PATH.every((part, i) => path[i] === part)));
  const alias = path.at(-1);
  if (!onAliasKey || !alias || !project.aliases.has(alias)) return undefined;
  const node = findNodeAtLocation(project.root, path)?.parent?.children?.[0];
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
  const text = document.getText();
  const project = parse(text);
  if (!project) return [];
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
