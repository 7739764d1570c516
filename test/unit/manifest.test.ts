// package.json against the code: every command a menu, welcome view, walkthrough or keybinding names
// is contributed and listed in src/ids.ts (whose commands activate() must register, by type); every
// `viewItem` pattern matches a contextValue the tree produces; every context key and `lma.state` value
// in a `when` clause is one the extension sets; settings and their defaults agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  commands,
  contextKeys,
  EXTENSION_ID,
  lmaStates,
  setupWalkthroughId,
  settingDefaults,
  settings,
  viewContainers,
  views,
  walkthroughs,
  webviewTypes,
} from '../../src/ids';
import { LMA_1_20_FIELDS } from '../../src/lma/records/lmaFields';
import {
  licenseGroupStatuses,
  licenseStatuses,
  type License,
  type Package,
} from '../../src/lma/records/types';
import { contextValue, type LmaNode } from '../../src/views/nodes';

interface Manifest {
  publisher: string;
  name: string;
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    viewsContainers: Record<string, { id: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    keybindings?: { command: string; when?: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
    walkthroughs: {
      id: string;
      steps: { description: string; when?: string; completionEvents?: string[] }[];
    }[];
  };
}

const manifest = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'),
) as Manifest;
const { contributes } = manifest;
const ours = (id: string) => id.startsWith('lma.');

const contributed = contributes.commands.map((c) => c.command);
const known = Object.values(commands) as string[];

/** Every `when` clause of the manifest, with where it is. */
const whenClauses: { where: string; when: string }[] = [
  ...Object.entries(contributes.menus).flatMap(([menu, items]) =>
    items.flatMap((item) => (item.when ? [{ where: `${menu} ${item.command}`, when: item.when }] : [])),
  ),
  ...contributes.viewsWelcome.flatMap((w) =>
    w.when ? [{ where: `welcome of ${w.view}`, when: w.when }] : [],
  ),
  ...(contributes.keybindings ?? []).flatMap((k) =>
    k.when ? [{ where: `keybinding ${k.command}`, when: k.when }] : [],
  ),
  ...contributes.walkthroughs.flatMap((w) =>
    w.steps.flatMap((step) => (step.when ? [{ where: `walkthrough ${w.id}`, when: step.when }] : [])),
  ),
];

/** `command:<id>` links in welcome views and walkthrough steps. */
function linkedCommands(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.-]+)/g)].map((match) => match[1]!);
}

/** One node of every kind and every flag: the contextValues the tree can produce. */
function everyContextValue(): Set<string> {
  const pkg: Package = {
    id: 'a0P000000000001',
    name: 'Billing',
    packageId: '033000000000001',
    developerName: undefined,
    latestVersion: '1.0',
    versions: [],
    licenseCounts: {},
    licenseTotal: 0,
  };
  const license = (status: string, expiration: string | undefined): License => ({
    id: 'a0L000000000001',
    name: 'L-1',
    status,
    licenseStatus: undefined,
    seats: 1,
    usedLicenses: undefined,
    expiration,
    installDate: undefined,
    subscriberOrgId: undefined,
    isSandbox: false,
    orgInstance: undefined,
    orgEdition: undefined,
    customerName: undefined,
    packageVersionId: undefined,
    versionNumber: undefined,
    createdDate: '2026-01-01T00:00:00.000Z',
  });
  const base = { id: 'x', parent: undefined };
  const group = { ...base, kind: 'statusGroup', pkg, status: 'Active', count: 1 } as const;
  const version = (isBeta: boolean) => ({
    ...base,
    kind: 'version' as const,
    version: {
      id: 'v',
      packageId: pkg.id,
      name: 'v',
      versionNumber: '1.0',
      versionId: undefined,
      releaseDate: undefined,
      isBeta,
      sequence: undefined,
      licenseTotal: 0,
    },
  });
  const workspacePackage = { name: 'billing', packageAliasId: undefined, versionIds: [] };
  // A Record over every kind: a new kind of node fails to compile until it is listed here.
  const examples: { [K in LmaNode['kind']]: Extract<LmaNode, { kind: K }>[] } = {
    lmo: [
      {
        ...base,
        kind: 'lmo',
        org: { username: 'u', alias: undefined, orgId: '00D', instanceUrl: 'https://x', loginUrl: undefined },
        lma: { kind: 'installed', fields: LMA_1_20_FIELDS },
      },
    ],
    packages: [{ ...base, kind: 'packages' }],
    package: [{ ...base, kind: 'package', pkg }],
    versions: [{ ...base, kind: 'versions', pkg }],
    version: [version(false), version(true)],
    statusGroup: licenseGroupStatuses.map((status) => ({ ...group, status })),
    license: [...licenseStatuses, 'Unknown'].flatMap((status) => [
      { ...base, kind: 'license' as const, license: license(status, undefined) },
      { ...base, kind: 'license' as const, license: license(status, '2000-01-01') },
    ]),
    loadMore: [{ ...base, kind: 'loadMore', group }],
    search: [{ ...base, kind: 'search', text: 'acme', licenses: [], packageNames: new Map() }],
    workspacePackages: [{ ...base, kind: 'workspacePackages' }],
    workspacePackage: [
      { ...base, kind: 'workspacePackage', workspacePackage, lmoPackage: pkg },
      { ...base, kind: 'workspacePackage', workspacePackage, lmoPackage: undefined },
    ],
    featureParameters: [{ ...base, kind: 'featureParameters', pkg }],
    featureParameter: (['LmoToSubscriber', 'SubscriberToLmo'] as const).flatMap((direction) =>
      (['Boolean', 'Integer', 'Date'] as const).map((type) => ({
        ...base,
        kind: 'featureParameter' as const,
        pkg,
        parameter: {
          id: 'p',
          fullName: 'P',
          label: 'P',
          type,
          direction,
          introducedIn: undefined,
          values: [],
        },
      })),
    ),
    pushRequests: [{ ...base, kind: 'pushRequests', pkg, owner: 'Pushes run in this LMO' }],
    pushRequest: (
      [
        ['Created', {}],
        ['Created', { Created: 2 }],
        ['Pending', { Pending: 2 }],
        ['In Progress', { Succeeded: 1, Pending: 1 }],
        ['Succeeded', { Succeeded: 2 }],
        ['Failed', { Succeeded: 1, Failed: 1 }],
        ['Canceled', { Canceled: 2 }],
      ] as const
    ).map(([status, jobs]) => ({
      ...base,
      kind: 'pushRequest' as const,
      pkg,
      versionNumber: '1.0',
      request: {
        id: '0DV000000000001',
        versionId: '04t000000000001',
        status,
        scheduledStartTime: undefined,
        startTime: undefined,
        endTime: undefined,
        createdDate: undefined,
        jobs: { ...jobs },
      },
    })),
    message: (['error', 'info', 'loading'] as const).map((icon) => ({
      ...base,
      kind: 'message' as const,
      icon,
      label: 'm',
    })),
  };
  const values = new Set<string>();
  for (const node of Object.values(examples).flat()) {
    values.add(contextValue(node));
    if (node.kind === 'package') values.add(contextValue(node, { running: true, last: undefined }));
  }
  return values;
}

describe('package.json and src/ids.ts', () => {
  test('the contributed commands are exactly the commands of src/ids.ts', () => {
    assert.deepEqual([...contributed].sort(), [...known].sort());
    assert.equal(new Set(contributed).size, contributed.length, 'a command contributed twice');
  });

  test('every command a menu, welcome view, walkthrough or keybinding names is contributed', () => {
    const named = [
      ...Object.values(contributes.menus).flatMap((items) => items.map((item) => item.command)),
      ...contributes.viewsWelcome.flatMap((w) => linkedCommands(w.contents)),
      ...contributes.walkthroughs.flatMap((w) => w.steps.flatMap((step) => linkedCommands(step.description))),
      ...(contributes.keybindings ?? []).map((k) => k.command),
    ];
    assert.ok(named.length > 20, `only ${named.length} commands named`);
    const missing = named.filter((id) => ours(id) && !contributed.includes(id));
    assert.deepEqual([...new Set(missing)], []);
  });

  test('every viewItem pattern matches a contextValue the tree produces', () => {
    const produced = everyContextValue();
    const patterns = whenClauses.flatMap(({ where, when }) => [
      ...[...when.matchAll(/viewItem =~ \/((?:\\\/|[^/])+)\/(\w*)/g)].map((m) => ({
        where,
        test: new RegExp(m[1]!, m[2]),
        source: m[0],
      })),
      ...[...when.matchAll(/viewItem == ([\w:+.-]+)/g)].map((m) => ({
        where,
        test: { test: (value: string) => value === m[1] },
        source: m[0],
      })),
    ]);
    assert.ok(patterns.length > 10, `only ${patterns.length} viewItem patterns found`);
    for (const { where, test: pattern, source } of patterns)
      assert.ok(
        [...produced].some((value) => pattern.test(value)),
        `${where}: ${source} matches none of ${[...produced].join(', ')}`,
      );
  });

  test('a package being test-installed loses Run Test Install, and only then', () => {
    const runTestInstall = whenClauses.find(
      ({ where, when }) => where.includes(commands.runTestInstall) && when.includes('viewItem'),
    )!;
    const pattern = new RegExp(/viewItem =~ \/((?:\\\/|[^/])+)\//.exec(runTestInstall.when)![1]!);
    assert.ok(pattern.test('lma:package'));
    assert.ok(!pattern.test('lma:package+installing'));
  });

  test('every lma.* context key in a when clause or onContext event is one the extension sets', () => {
    const setKeys = new Set<string>([contextKeys.state, ...Object.values(contextKeys.setup)]);
    const used = [
      ...whenClauses.flatMap(({ where, when }) =>
        [...when.matchAll(/(?<![\w.])(lma\.[\w.]+)/g)].map((m) => ({ where, key: m[1]! })),
      ),
      ...contributes.walkthroughs.flatMap((w) =>
        w.steps.flatMap((step) =>
          (step.completionEvents ?? [])
            .filter((event) => event.startsWith('onContext:'))
            .map((event) => ({ where: `walkthrough ${w.id}`, key: event.slice('onContext:'.length) })),
        ),
      ),
    ];
    const viewIds = new Set<string>(Object.values(views));
    const unknown = used.filter(({ key }) => !setKeys.has(key) && !viewIds.has(key));
    assert.deepEqual(unknown, []);
    for (const key of Object.values(contextKeys.setup))
      assert.ok(
        used.some((use) => use.key === key),
        `${key} is set but no walkthrough step completes on it`,
      );
  });

  test('the walkthrough keys complete steps only: no when clause reads them', () => {
    // src/views/setup.ts sets a done step's key true and at once false again, so a when clause
    // reading one would be false nearly always.
    const setupKeys = new Set<string>(Object.values(contextKeys.setup));
    const readers = whenClauses.filter(({ when }) =>
      [...when.matchAll(/(?<![\w.])(lma\.[\w.]+)/g)].some((m) => setupKeys.has(m[1]!)),
    );
    assert.deepEqual(readers, []);
  });

  test('every lma.state value compared in a when clause is one the extension sets', () => {
    const compared = whenClauses.flatMap(({ where, when }) =>
      [...when.matchAll(/lma\.state\s*[!=]=\s*([\w-]+)/g)].map((m) => ({ where, value: m[1]! })),
    );
    assert.ok(compared.length > 10);
    const wrong = compared.filter(({ value }) => !(lmaStates as readonly string[]).includes(value));
    assert.deepEqual(wrong, []);
  });

  test('views, the view container, `view ==` clauses and the walkthrough id are those of src/ids.ts', () => {
    assert.equal(`${manifest.publisher}.${manifest.name}`, EXTENSION_ID);
    assert.deepEqual(
      contributes.viewsContainers.activitybar!.map((c) => c.id),
      Object.values(viewContainers),
    );
    assert.deepEqual(
      Object.values(contributes.views)
        .flat()
        .map((v) => v.id),
      Object.values(views),
    );
    for (const { where, when } of whenClauses)
      for (const m of when.matchAll(/\bview == ([\w.]+)/g))
        assert.ok((Object.values(views) as string[]).includes(m[1]!), `${where}: unknown view ${m[1]}`);
    for (const w of contributes.viewsWelcome)
      assert.ok((Object.values(views) as string[]).includes(w.view), `welcome of unknown view ${w.view}`);
    assert.deepEqual(
      contributes.walkthroughs.map((w) => w.id),
      Object.values(walkthroughs),
    );
    assert.equal(setupWalkthroughId, `${EXTENSION_ID}#${walkthroughs.setup}`);
  });

  test('the settings and their defaults are those of src/ids.ts', () => {
    const declared = Object.fromEntries(
      Object.entries(contributes.configuration.properties).map(([key, value]) => [key, value.default]),
    );
    assert.deepEqual(declared, settingDefaults);
    assert.deepEqual(Object.keys(declared).sort(), Object.values(settings).sort());
  });

  test('every webview panel type activates the extension when a reloaded window restores it', () => {
    const events = (manifest as Manifest & { activationEvents: string[] }).activationEvents;
    const restored = events.filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice(15));
    assert.deepEqual(restored.sort(), (Object.values(webviewTypes) as string[]).sort());
  });
});
