// ESLint rules on the project's own import graph, by resolved path (never the text of an import, whose
// `../` depend on how deep the importing file sits): `layers/direction`, who may import whom, and
// `layers/no-cycle`, no import circle, `import type` included. Used by eslint.config.mjs, proved by
// test/unit/lint.test.ts. Only relative imports are followed; packages are no-restricted-imports' job.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = dirname(import.meta.dirname);
const extensions = ['.ts', '.tsx', '.mts', '/index.ts'];

/** The file a relative import from `file` names (an absolute path); undefined for a package or no file. */
function resolveImport(file, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(file), specifier);
  const candidates = [base, ...extensions.map((e) => base + e)];
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/\.([cm]?)js$/, '.$1ts'));
  return candidates.find(isFile);
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const repoPath = (path) => relative(root, path).split(sep).join('/');

/** The project files a file on disk imports, `import type` and `import()` included (TypeScript's scanner). */
const parsed = new Map();
function importsOnDisk(file) {
  let mtime;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const cached = parsed.get(file);
  if (cached?.mtime === mtime) return cached.imports;
  const text = readFileSync(file, 'utf8');
  const imports = ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => resolveImport(file, f.fileName))
    .filter((target) => target !== undefined);
  parsed.set(file, { mtime, imports });
  return imports;
}

/** Calls `check(node, specifier, typeOnly)` for every import, export-from and `import()` of the file. */
function forEachImport(check) {
  const source = (node, typeOnly) => {
    if (node.source?.type === 'Literal' && typeof node.source.value === 'string')
      check(node.source, node.source.value, typeOnly);
  };
  return {
    ImportDeclaration: (node) => source(node, node.importKind === 'type'),
    ExportNamedDeclaration: (node) => source(node, node.exportKind === 'type'),
    ExportAllDeclaration: (node) => source(node, node.exportKind === 'type'),
    ImportExpression: (node) => source(node, false),
    TSImportType: (node) => {
      const literal = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
      if (literal?.type === 'Literal' && typeof literal.value === 'string')
        check(literal, literal.value, true);
    },
    TSExternalModuleReference: (node) => {
      if (node.expression?.type === 'Literal') check(node.expression, node.expression.value, false);
    },
  };
}

const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'No import circle between the project’s modules, `import type` included.' },
    schema: [],
    messages: {
      cycle:
        'Import cycle: {{path}}. Two modules that import each other are one module in two files: move what both need (usually a type) down a layer, into a module that neither imports back (ARCHITECTURE.md, Layers).',
    },
  },
  create(context) {
    const self = context.physicalFilename;
    /** Files already searched from this file without coming back to it. */
    const done = new Set();
    /** The path from `start` back to this file, or undefined. */
    const pathBack = (start) => {
      const from = new Map([[start, undefined]]);
      const queue = [start];
      for (let i = 0; i < queue.length; i++) {
        const file = queue[i];
        if (file === self) {
          const path = [];
          for (let at = file; at !== undefined; at = from.get(at)) path.unshift(at);
          return path;
        }
        if (done.has(file)) continue;
        for (const next of importsOnDisk(file))
          if (!from.has(next)) {
            from.set(next, file);
            queue.push(next);
          }
      }
      for (const file of queue) done.add(file);
      return undefined;
    };
    return forEachImport((node, specifier) => {
      const target = resolveImport(self, specifier);
      if (!target) return;
      const back = target === self ? [self] : pathBack(target);
      if (back)
        context.report({
          node,
          messageId: 'cycle',
          data: { path: [self, ...back].map(repoPath).join(' → ') },
        });
    });
  },
};

/** Whether repository path `path` is `entry` or lies in folder `entry` (written with a trailing `/`). */
const within = (path, entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry);

const direction = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Each part of the repository imports only the parts below it (ARCHITECTURE.md, Layers).',
    },
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            files: { type: 'string' },
            may: { type: 'array', items: { type: 'string' } },
            mayType: { type: 'array', items: { type: 'string' } },
            why: { type: 'string' },
          },
          required: ['files', 'may', 'why'],
          additionalProperties: false,
        },
      },
      {
        type: 'object',
        properties: {
          parts: { type: 'array', items: { type: 'string' } },
          packages: { type: 'object', additionalProperties: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      refused:
        '{{file}} may not import {{target}}: {{why}} Move what it needs down to a layer both may import (ARCHITECTURE.md, Layers).',
    },
  },
  create(context) {
    const [layers = [], { parts = [], packages = {} } = {}] = context.options;
    const self = context.physicalFilename;
    const file = repoPath(self);
    // The most specific entry names the file's layer (src/services.ts before src/).
    const layer = layers
      .filter((l) => within(file, l.files))
      .sort((a, b) => b.files.length - a.files.length)[0];
    if (!layer) return {};
    return forEachImport((node, specifier, typeOnly) => {
      let target;
      if (specifier.startsWith('.')) {
        const resolved = resolveImport(self, specifier);
        target = resolved ? repoPath(resolved) : repoPath(resolve(dirname(self), specifier)) + '.ts';
      } else {
        // A workspace package of the repository, imported by its name (lma-local-org: localOrg/).
        const name = Object.keys(packages).find((n) => specifier === n || specifier.startsWith(`${n}/`));
        if (!name) return;
        target = packages[name] + specifier.slice(name.length + 1);
      }
      // Only the parts the table governs; what lies elsewhere (tests, packages) is not a layer.
      if (!parts.some((part) => within(target, part))) return;
      if (layer.may.some((entry) => within(target, entry))) return;
      if (typeOnly && layer.mayType?.some((entry) => within(target, entry))) return;
      context.report({ node, messageId: 'refused', data: { file: layer.files, target, why: layer.why } });
    });
  },
};

export default { rules: { 'no-cycle': noCycle, direction } };
