import { findLicenses, loadLicensePage } from '../lma/records/licenses';
import { readLmaVersion } from '../lma/records/lmaPresence';
import { figureTitle, loadFigureLicenses, type DashboardFigure } from '../lma/records/dashboard';
import { loadLmoPackages, loadPackage, loadVersionCounts, type LmoPackages } from '../lma/records/packages';
import { licenseGroupStatuses, type License, type Package } from '../lma/records/types';
import {
  detectFma,
  loadFeatureParameterCounts,
  type FeatureParameterCounts,
  type FmaPresence,
} from '../lma/records/featureParameters';
import { findLmoPackage, type SfdxProjectError, type WorkspacePackage } from '../lma/project/sfdxProject';
import type { TestInstalls } from '../lma/workflows/testInstallHistory';
import { Emitter, type Listen, type Subscription } from '../base/emitter';
import type { LmoError } from '../base/lmoError';
import { toLmoError } from '../org/errors';
import type { LmoSession } from '../org/lmoSession';
import { featureParameterNodes, featureParametersNode, fmaExplanationNode } from './featureParameterNodes';
import type {
  FeatureParametersNode,
  LicenseNode,
  LmaNode,
  LmoNode,
  MessageNode,
  PackageNode,
  PackagesNode,
  StatusGroupNode,
  VersionsNode,
  TestInstallMark,
  WorkspacePackagesNode,
} from './nodes';
import { commands } from '../ids';
import { PushRequestsModel, type PushOwnerSource } from './pushRequestsModel';

/** The packages sfdx-project.json declares (`ProjectDocument` in the extension). */
export interface ProjectPackages {
  packages(): Promise<WorkspacePackage[] | SfdxProjectError | undefined>;
  readonly onDidChange: Listen<void>;
}

interface LicensePages {
  licenses: License[];
  next: string | undefined;
  loading: boolean;
}

/**
 * What the License Management tree shows, without `vscode`: LMO → Packages → Package → Versions and
 * status groups → Licenses, search results and the workspace's packages. It holds only what the
 * current session loaded; any session change clears it all. Every load is tagged with an epoch so an
 * answer that arrives after a switch or a Refresh is dropped. `LmoTreeProvider` (lmoTree.ts) hands
 * its nodes to VS Code; each node kind has its own method here, so a new kind is a case and a method.
 */
export class LmoTreeModel {
  private readonly changed = new Emitter<LmaNode | undefined>();
  /** Redraw this node and what is under it; undefined: the whole tree. */
  readonly onDidChange = this.changed.event;
  private readonly reloaded = new Emitter<void>();
  /** Fires when loaded packages were dropped (Refresh, a session change): the LMO may have changed. */
  readonly onDidReload = this.reloaded.event;

  private epoch = 0;
  private packages: Promise<LmoPackages> | undefined;
  /** License counts per version of a package (by package record id), read when its Versions open. */
  private readonly versionCounts = new Map<string, Promise<Map<string, number>>>();
  private packagesLoading = false;
  /** Package nodes whose package is being loaded again, by node id. */
  private readonly refreshing = new Set<string>();
  private readonly pages = new Map<string, LicensePages>();
  /** Whether the LMO has the Feature Management App, detected once per load (undefined: couldn't tell). */
  private fma: Promise<FmaPresence | undefined> | undefined;
  /** Each package's feature parameters with their value counts, by package record id. */
  private readonly featureCounts = new Map<string, Promise<FeatureParameterCounts[]>>();
  /** The results node: a search's, or a dashboard figure's Licenses (`title`); `rerun` loads it again. */
  private search:
    | {
        text: string;
        title: string | undefined;
        licenses: License[];
        more: boolean;
        packageNames: Map<string, string>;
        serial: number;
        rerun: () => Promise<number>;
      }
    | undefined;
  private searches = 0;
  /** The node instances last handed out, by id: redraws must name those instances. */
  private readonly shown = new Map<string, LmaNode>();
  private readonly subscriptions: Subscription[];
  /** Each package's Push Upgrades node, when the tree is given who owns a package's pushes. */
  private readonly pushes: PushRequestsModel | undefined;
  /** The installed LMA's version, for the connection (session state) it was asked for. */
  private version: { state: object; value: string | undefined } | undefined;

  constructor(
    private readonly session: LmoSession,
    private readonly project: ProjectPackages,
    private readonly testInstalls: TestInstalls,
    pushOwners?: PushOwnerSource,
    /** The wait before poll `attempt` of running push requests (tests give a shorter one). */
    pushPollDelay?: (attempt: number) => number,
  ) {
    this.pushes = pushOwners && new PushRequestsModel(pushOwners, (id) => this.redraw(id), pushPollDelay);
    this.subscriptions = [
      testInstalls.onDidChange((packageId) => this.redrawPackage(packageId)),
      session.onDidChangeState(() => this.refresh()),
      project.onDidChange(() => this.redraw(this.workspaceNodeId())),
    ];
  }

  /** Drops everything loaded and redraws from the root (Refresh of the view, any session change). */
  refresh(): void {
    this.epoch++;
    this.packages = undefined;
    this.versionCounts.clear();
    this.packagesLoading = false;
    this.refreshing.clear();
    this.pages.clear();
    this.fma = undefined;
    this.featureCounts.clear();
    this.search = undefined;
    this.shown.clear();
    this.pushes?.clear();
    this.changed.fire(undefined);
    this.reloaded.fire();
  }

  /** Licenses changed in the LMO (a save, a bulk change): reload everything, and the search again. */
  licensesChanged(): void {
    const rerun = this.search?.rerun;
    this.refresh();
    if (rerun) rerun().catch(() => undefined);
  }

  /**
   * Loads one package again (its versions, counts and license pages) and redraws it; the other
   * packages keep what they loaded. A package deleted meanwhile disappears.
   */
  async refreshPackage(node: PackageNode): Promise<void> {
    const epoch = this.epoch;
    this.refreshing.add(node.id);
    this.redraw(node.id);
    let fresh: Package | undefined;
    try {
      fresh = await loadPackage(this.session, node.pkg.id);
    } catch (error) {
      this.refreshing.delete(node.id);
      if (epoch === this.epoch) this.redraw(node.id);
      throw error;
    }
    this.refreshing.delete(node.id);
    if (epoch !== this.epoch) return;
    // Chained on the cached promise, so two package refreshes never undo each other.
    this.packages = this.loadedLmo().then((lmo) => ({
      ...lmo,
      packages: fresh
        ? lmo.packages.map((pkg) => (pkg.id === fresh.id ? fresh : pkg))
        : lmo.packages.filter((pkg) => pkg.id !== node.pkg.id),
    }));
    this.versionCounts.delete(node.pkg.id);
    this.featureCounts.delete(node.pkg.id);
    const under = (id: string) => id === node.id || id.startsWith(`${node.id}/`);
    for (const id of this.pages.keys()) if (under(id)) this.pages.delete(id);
    for (const id of this.shown.keys()) if (under(id)) this.shown.delete(id);
    // The Packages node hands out a new instance for this package only; the others keep theirs.
    this.redraw(this.packagesNodeId());
    this.reloaded.fire();
  }

  /** The LMO's packages, loaded once per refresh and shared by every caller. */
  loadedPackages(): Promise<Package[]> {
    return this.loadedLmo().then((lmo) => lmo.packages);
  }

  private loadedLmo(): Promise<LmoPackages> {
    if (!this.packages) {
      const epoch = this.epoch;
      this.packagesLoading = true;
      this.packages = loadLmoPackages(this.session).finally(() => {
        if (epoch !== this.epoch) return;
        this.packagesLoading = false;
        this.redraw(this.packagesNodeId());
      });
      this.packages.catch(() => undefined); // Shown as an error node by children().
    }
    return this.packages;
  }

  /** Shows the licenses matching `text` in a results node at the top of the tree. */
  findLicenses(text: string): Promise<number> {
    return this.showResults(text, undefined, async () => ({
      licenses: await findLicenses(this.session, text),
      more: false,
    }));
  }

  /**
   * Shows the Licenses a dashboard figure counts (in the dashboard's package, when it has one) in the
   * results node, titled by the figure; answers how many it holds.
   */
  showFigure(
    figure: DashboardFigure,
    scope: { packageRecordId: string; packageName: string } | undefined,
  ): Promise<number> {
    const title = figureTitle(figure, scope?.packageName);
    return this.showResults(title, title, () =>
      loadFigureLicenses(this.session, figure, scope?.packageRecordId),
    );
  }

  private async showResults(
    text: string,
    title: string | undefined,
    load: () => Promise<{ licenses: License[]; more: boolean }>,
  ): Promise<number> {
    const epoch = this.epoch;
    const [found, packages] = await Promise.all([load(), this.loadedPackages().catch(() => [] as Package[])]);
    if (epoch !== this.epoch) return found.licenses.length;
    // Package of each version, so that a result names its package.
    const packageNames = new Map(
      packages.flatMap((pkg) => pkg.versions.map((v) => [v.id, pkg.name] as const)),
    );
    this.search = {
      text,
      title,
      licenses: found.licenses,
      more: found.more,
      packageNames,
      serial: ++this.searches,
      rerun: () => this.showResults(text, title, load),
    };
    this.redraw(this.rootId());
    return found.licenses.length;
  }

  /** The License nodes of the results node as the tree hands them out (what `TreeView.reveal` takes). */
  async resultNodes(): Promise<LicenseNode[]> {
    const [root] = await this.children();
    if (!root) return [];
    const results = (await this.children(root)).find((node) => node.kind === 'search');
    if (!results) return [];
    return (await this.children(results)).filter((node): node is LicenseNode => node.kind === 'license');
  }

  clearSearch(): void {
    this.search = undefined;
    this.redraw(this.rootId());
  }

  /** Appends the next page of a status group; an answer for a previous org or load is dropped. */
  async loadMore(group: StatusGroupNode): Promise<void> {
    const pages = this.pages.get(group.id);
    if (!pages?.next || pages.loading) return;
    const epoch = this.epoch;
    pages.loading = true;
    this.redraw(`${group.id}/more`);
    try {
      const page = await loadLicensePage(
        this.session,
        { packageId: group.pkg.id, status: group.status },
        pages.next,
      );
      if (epoch !== this.epoch || this.pages.get(group.id) !== pages) return;
      pages.licenses.push(...page.licenses);
      pages.next = page.next;
    } finally {
      pages.loading = false;
      if (epoch === this.epoch) this.redraw(group.id);
    }
  }

  /** Push requests changed (scheduled, retried, aborted, finished): read a package's (033 id) again, or all. */
  pushRequestsChanged(packageId?: string): void {
    this.pushes?.changed(packageId);
    // A package whose owner org just became known gets its node.
    if (packageId) this.redrawPackage(packageId);
  }

  /** The view shown or hidden: running push requests are polled only while it shows. */
  setVisible(visible: boolean): void {
    this.pushes?.setVisible(visible);
  }

  /** Whether the Push Upgrades node polls its running requests (tests). */
  isPolling(node: LmaNode): boolean {
    return node.kind === 'pushRequests' && this.pushes?.isPolling(node) === true;
  }

  /** Whether a node is at work: Packages loading, a package refreshing, a Load more running. */
  isBusy(node: LmaNode): boolean {
    switch (node.kind) {
      case 'packages':
        return this.packagesLoading;
      case 'package':
        return this.refreshing.has(node.id);
      case 'loadMore':
        return this.pages.get(node.group.id)?.loading === true;
      default:
        return false;
    }
  }

  /**
   * The installed LMA's version on the org node. Connecting doesn't read it: the first time the node
   * shows, one Tooling query (kept for the connection, readLmaVersion) is made beside the packages'
   * load, and the node is drawn again with it; undefined until then, or when not readable.
   */
  lmaVersion(node: LmaNode): string | undefined {
    if (node.kind !== 'lmo') return undefined;
    const state = this.session.state;
    if (this.version?.state === state) return this.version.value;
    const asked = { state, value: undefined as string | undefined };
    this.version = asked;
    void readLmaVersion(this.session).then((value) => {
      if (this.version !== asked || value === undefined) return;
      asked.value = value;
      this.redraw(node.id);
    });
    return undefined;
  }

  /** A package's test installs: one running now, the last one kept. */
  testInstallMark(node: LmaNode): TestInstallMark | undefined {
    if (node.kind !== 'package') return undefined;
    return {
      running: this.testInstalls.isRunning(node.pkg.packageId),
      last: this.testInstalls.lastFor(node.pkg.packageId),
    };
  }

  /**
   * The children of a node (of the root when undefined). A failed load becomes an error node under
   * the node; an answer for an org or load that is no longer current is dropped (no children).
   */
  async children(node?: LmaNode): Promise<LmaNode[]> {
    const epoch = this.epoch;
    let children: LmaNode[];
    try {
      children = await this.childrenOf(node);
    } catch (error) {
      const failure = toLmoError(error);
      if (failure.kind === 'superseded' || failure.kind === 'sessionExpired' || epoch !== this.epoch)
        return []; // The session's state change redraws the tree.
      children = node ? [errorNode(node, failure)] : [];
    }
    if (epoch !== this.epoch) return [];
    return children.map((child) => {
      // The same instance for the same id within a load, so reveal() and redraws find it; kinds
      // whose content changes within a load are always fresh.
      const known = this.shown.get(child.id);
      if (known && known.kind === child.kind && stableKinds.has(child.kind)) return known;
      this.shown.set(child.id, child);
      return child;
    });
  }

  dispose(): void {
    this.pushes?.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
    this.reloaded.dispose();
  }

  private childrenOf(node: LmaNode | undefined): Promise<LmaNode[]> | LmaNode[] {
    const state = this.session.state;
    if (state.kind !== 'connected' || state.lma.kind !== 'installed') return [];
    if (!node) return [{ kind: 'lmo', id: this.rootId(), parent: undefined, org: state.org, lma: state.lma }];
    switch (node.kind) {
      case 'lmo':
        return this.lmoChildren(node);
      case 'packages':
        return this.packageNodes(node);
      case 'package':
        return this.packageChildren(node);
      case 'featureParameters':
        return this.featureParameterNodes(node);
      case 'versions':
        return this.versionNodes(node);
      case 'statusGroup':
        return this.licenseNodes(node);
      case 'search':
        return node.licenses.map((license) => ({
          kind: 'license',
          id: `${node.id}/${license.id}`,
          parent: node,
          license,
          packageName:
            (license.packageVersionId && node.packageNames.get(license.packageVersionId)) || undefined,
        }));
      case 'workspacePackages':
        return this.workspacePackageNodes(node);
      case 'pushRequests':
        return this.pushes?.children(node) ?? [];
      case 'version':
      case 'license':
      case 'loadMore':
      case 'workspacePackage':
      case 'featureParameter':
      case 'message':
      case 'pushRequest':
        return [];
      default:
        return unknownKind(node);
    }
  }

  private async lmoChildren(node: LmoNode): Promise<LmaNode[]> {
    const children: LmaNode[] = [];
    if (this.search)
      children.push({
        kind: 'search',
        id: `${node.id}/search/${this.search.serial}`,
        parent: node,
        text: this.search.text,
        title: this.search.title,
        more: this.search.more,
        licenses: this.search.licenses,
        packageNames: this.search.packageNames,
      });
    children.push({ kind: 'packages', id: this.packagesNodeId(), parent: node });
    if (await this.project.packages())
      children.push({ kind: 'workspacePackages', id: this.workspaceNodeId(), parent: node });
    return children;
  }

  private async packageNodes(node: PackagesNode): Promise<LmaNode[]> {
    const [{ packages, licensesWithoutPackage }, fma] = await Promise.all([
      this.loadedLmo(),
      this.fmaPresence(),
    ]);
    if (packages.length === 0)
      return [
        message(node, 'info', 'No packages yet: associate a package with this LMO in the Partner Console.'),
      ];
    const nodes: LmaNode[] = packages.map((pkg) => ({
      kind: 'package',
      id: `${node.id}/${pkg.id}`,
      parent: node,
      pkg,
    }));
    // Licenses with no Package Version (and no Package) belong to no package: say they exist.
    if (licensesWithoutPackage > 0)
      nodes.push({
        ...message(
          node,
          'info',
          `${licensesWithoutPackage.toLocaleString('en-US')} ${licensesWithoutPackage === 1 ? 'license has' : 'licenses have'} no package`,
        ),
        detail:
          'These licenses have no Package Version (and no Package), so they belong to no package here. Find License finds them by subscriber org id or customer name.',
      });
    const explanation = fmaExplanationNode(node, fma);
    if (explanation) nodes.push(explanation);
    return nodes;
  }

  /**
   * Versions, Push Upgrades (when the owner org of its pushes is known), the Status groups, and Feature
   * Parameters when the LMO has the FMA.
   */
  private async packageChildren(node: PackageNode): Promise<LmaNode[]> {
    const [parameters, pushes] = await Promise.all([
      this.fmaPresence().then((fma) => featureParametersNode(node, fma)),
      this.pushes?.nodeOf(node),
    ]);
    const children = packageChildren(node);
    if (pushes) children.splice(1, 0, pushes);
    return parameters ? [...children, parameters] : children;
  }

  /** The FMA's presence for this load: one detection shared by every package (a failure: no node). */
  private fmaPresence(): Promise<FmaPresence | undefined> {
    if (!this.fma) this.fma = detectFma(this.session).catch(() => undefined);
    return this.fma;
  }

  /** A package's parameters with how many Licenses hold each value: one composite request. */
  private async featureParameterNodes(node: FeatureParametersNode): Promise<LmaNode[]> {
    const fma = await this.fmaPresence();
    if (fma?.kind !== 'installed') return featureParameterNodes(node, fma, undefined);
    let counts = this.featureCounts.get(node.pkg.id);
    if (!counts) {
      counts = loadFeatureParameterCounts(this.session, node.pkg.id);
      this.featureCounts.set(node.pkg.id, counts);
      counts.catch(() => this.featureCounts.delete(node.pkg.id));
    }
    return featureParameterNodes(node, fma, await counts);
  }

  /** Feature parameter values of a package changed (a bulk set): count them again and redraw its node. */
  featureParametersChanged(packageRecordId: string): void {
    this.featureCounts.delete(packageRecordId);
    for (const node of this.shown.values())
      if (node.kind === 'featureParameters' && node.pkg.id === packageRecordId) this.redraw(node.id);
  }

  /** A package's versions with their license counts: one aggregate when the Versions node opens. */
  private async versionNodes(node: VersionsNode): Promise<LmaNode[]> {
    let counts = this.versionCounts.get(node.pkg.id);
    if (!counts) {
      counts = loadVersionCounts(this.session, node.pkg);
      this.versionCounts.set(node.pkg.id, counts);
      counts.catch(() => this.versionCounts.delete(node.pkg.id));
    }
    const totals = await counts;
    return node.pkg.versions.map((version) => ({
      kind: 'version',
      id: `${node.id}/${version.id}`,
      parent: node,
      version: { ...version, licenseTotal: totals.get(version.id) ?? 0 },
    }));
  }

  private async licenseNodes(node: StatusGroupNode): Promise<LmaNode[]> {
    let pages = this.pages.get(node.id);
    if (!pages) {
      const page = await loadLicensePage(this.session, { packageId: node.pkg.id, status: node.status });
      pages = { licenses: page.licenses, next: page.next, loading: false };
      this.pages.set(node.id, pages);
    }
    const licenses: LmaNode[] = pages.licenses.map((license) => ({
      kind: 'license',
      id: `${node.id}/${license.id}`,
      parent: node,
      license,
    }));
    if (pages.next) licenses.push({ kind: 'loadMore', id: `${node.id}/more`, parent: node, group: node });
    return licenses;
  }

  private async workspacePackageNodes(node: WorkspacePackagesNode): Promise<LmaNode[]> {
    const declared = await this.project.packages();
    if (!declared) return [];
    if (declared instanceof Error) return [message(node, 'error', declared.message)];
    const packages = await this.loadedPackages();
    return declared.map((workspacePackage) => ({
      kind: 'workspacePackage',
      id: `${node.id}/${workspacePackage.name}`,
      parent: node,
      workspacePackage,
      lmoPackage: findLmoPackage(workspacePackage, packages),
    }));
  }

  /** Redraws the package nodes of a 033 package id (its test install started or ended). */
  private redrawPackage(subscriberPackageId: string): void {
    for (const node of this.shown.values())
      if (node.kind === 'package' && node.pkg.packageId?.slice(0, 15) === subscriberPackageId.slice(0, 15))
        this.redraw(node.id);
  }

  private rootId(): string {
    const state = this.session.state;
    return `lmo:${state.kind === 'connected' ? state.org.orgId : 'none'}`;
  }

  private packagesNodeId(): string {
    return `${this.rootId()}/packages`;
  }

  private workspaceNodeId(): string {
    return `${this.rootId()}/workspace`;
  }

  /** Redraws the node with this id, or the whole tree when it hasn't been shown yet. */
  private redraw(id: string): void {
    this.changed.fire(this.shown.get(id));
  }
}

/** Versions first, then one group per status that has licenses. */
function packageChildren(node: PackageNode): LmaNode[] {
  const { pkg } = node;
  const groups: LmaNode[] = licenseGroupStatuses
    .filter((status) => (pkg.licenseCounts[status] ?? 0) > 0)
    .map((status) => ({
      kind: 'statusGroup',
      id: `${node.id}/${status}`,
      parent: node,
      pkg,
      status,
      count: pkg.licenseCounts[status] ?? 0,
    }));
  const versions: LmaNode = { kind: 'versions', id: `${node.id}/versions`, parent: node, pkg };
  return groups.length ? [versions, ...groups] : [versions, message(node, 'info', 'No licenses yet')];
}

/** Compile-time check that every node kind has a case; at run time, a kind from a newer build. */
function unknownKind(node: never): never {
  throw new Error(`The tree has no children for a node of kind ${(node as LmaNode).kind}`);
}

/** Kinds whose content stays the same within a load, so one instance serves every redraw. */
const stableKinds = new Set<LmaNode['kind']>([
  'lmo',
  'packages',
  'package',
  'versions',
  'version',
  'statusGroup',
  'license',
  'loadMore',
  'featureParameters',
  'pushRequests',
]);

function message(parent: LmaNode, icon: MessageNode['icon'], label: string): MessageNode {
  return { kind: 'message', id: `${parent.id}/message`, parent, icon, label };
}

function errorNode(parent: LmaNode, failure: LmoError): MessageNode {
  const label =
    failure.kind === 'requestLimit'
      ? 'The org is out of API calls for today (REQUEST_LIMIT_EXCEEDED)'
      : failure.kind === 'network'
        ? `Can't reach the org: ${failure.message}`
        : `Couldn't load: ${failure.message}`;
  return {
    ...message(parent, 'error', label),
    detail: failure.message,
    retry: failure.kind === 'requestLimit' ? undefined : { command: commands.refresh, title: 'Retry' },
  };
}
