// Benchmark of the one read of sfdx-project.json (issue 20): readProjectDocument on files of 1, 2, 4 and
// 8 MB (package directories, package and version aliases, terms), against the strict JSON.parse read it
// replaced (readWorkspacePackages before issue 20, which looked up each package's versions among all
// aliases). The time per MB stays flat when the read is linear in the file.
// Run: node --import tsx bench/projectDocument.ts
import { readProjectDocument } from '../src/lma/project/projectDocument.ts';

const RUNS = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A project of `count` packages: a directory, an alias, three version aliases and terms each (~240 bytes). */
function project(count: number): string {
  const packageDirectories = [];
  const packageAliases: Record<string, string> = {};
  const defaultLicensing: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const name = `Package ${i}`;
    packageDirectories.push({ path: `packages/p${i}`, package: name, versionNumber: '1.4.0.NEXT' });
    packageAliases[name] = `0Ho${String(i).padStart(12, '0')}AAA`;
    for (const v of [1, 2, 3])
      packageAliases[`${name}@1.${v}.0-1`] = `04t${String(i * 10 + v).padStart(12, '0')}AAA`;
    defaultLicensing[name] = { status: 'Trial', trialDays: 30, seats: i + 1 };
  }
  return JSON.stringify(
    { packageDirectories, packageAliases, plugins: { lma: { defaultLicensing } } },
    undefined,
    2,
  );
}

/** The read before issue 20: JSON.parse, then each package's versions found among all the aliases. */
function strictRead(text: string): number {
  const { packageDirectories = [], packageAliases = {} } = JSON.parse(text) as {
    packageDirectories?: { package?: string }[];
    packageAliases?: Record<string, string>;
  };
  const entries = Object.entries(packageAliases);
  let versions = 0;
  for (const { package: name } of packageDirectories)
    versions += entries.filter(([alias, id]) => alias.startsWith(`${name}@`) && id.startsWith('04t')).length;
  return versions;
}

function time(read: () => unknown): number {
  const samples = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    read();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

// Warm-up, so that the first row measures the read and not the compiler.
for (let run = 0; run < 3; run++) readProjectDocument(project(2_000));

const rows = [];
for (const megabytes of [1, 2, 4, 8]) {
  let count = Math.round((megabytes * 1_000_000) / 240);
  let text = project(count);
  count = Math.round((count * megabytes * 1_000_000) / text.length);
  text = project(count);
  const facts = readProjectDocument(text);
  if (facts.packages.length !== count || facts.packages[0]!.versionIds.length !== 3)
    throw new Error('misread');
  const documentMs = time(() => readProjectDocument(text));
  const strictMs = megabytes <= 2 ? time(() => strictRead(text)) : undefined;
  rows.push({
    'file (MB)': (text.length / 1_000_000).toFixed(1),
    packages: count,
    'readProjectDocument (ms)': documentMs.toFixed(0),
    'ms per MB': (documentMs / (text.length / 1_000_000)).toFixed(0),
    'JSON.parse + lookups before (ms)': strictMs === undefined ? 'skipped' : strictMs.toFixed(0),
  });
}
console.table(rows);
