import * as vscode from 'vscode';
import { findLicenses, loadLicensePage } from '../lma/licenses';
import { loadPackages } from '../lma/packages';
import { licenseStatuses, type License, type Package } from '../lma/records';
import { findLmoPackage } from '../lma/sfdxProject';
import { toLmoError, type LmoError } from '../org/errors';
import type { TestInstalls } from '../lma/testInstallHistory';
import type { LmoSession } from '../org/lmoSession';
import { toTreeItem, type LmaNode, type LmoNode, type MessageNode, type StatusGroupNode } from './nodes';
import type { WorkspaceProject } from './workspaceProject';

interface LicensePages {
  licenses: License[];
  next: string | undefined;
  loading: boolean;
}

/**
 * The License Management tree: LMO → Packages → Package → Versions and status groups → Licenses.
 * It holds only what the current session loaded; any session change clears it all. Every cache is
 * tagged with an epoch so an answer that arrives after a switch or refresh is dropped.
 */
export class LmoTreeProvider implements vscode.TreeDataProvider<LmaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LmaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly reloaded = new vscode.EventEmitter<void>();
  /** Fires when everything loaded was dropped (Refresh, a session change): the LMO may have changed. */
  readonly onDidReload = this.reloaded.event;

  private epoch = 0;
  private packages: Promise<Package[]> | undefined;
  private packagesLoading = false;
  private readonly pages = new Map<string, LicensePages>();
  private search: { text: string; licenses: License[]; serial: number } | undefined;
  private searches = 0;
  /** The node instances last handed to VS Code, by id: change events must carry those instances. */
  private readonly shown = new Map<string, LmaNode>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly session: LmoSession,
    private readonly project: WorkspaceProject,
    private readonly testInstalls: TestInstalls,
  ) {
    this.subscriptions = [
      this.changed,
      this.reloaded,
      testInstalls.onDidChange((packageId) => this.redrawPackage(packageId)),
      session.onDidChangeState(() => this.refresh()),
      project.onDidChange(() => this.redraw(this.workspaceNodeId())),
    ];
  }

  /** Drops everything loaded and redraws from the root (used by Refresh and on any session change). */
  refresh(): void {
    this.epoch++;
    this.packages = undefined;
    this.pages.clear();
    this.search = undefined;
    this.shown.clear();
    this.changed.fire(undefined);
    this.reloaded.fire();
  }

  /** The LMO's packages, loaded once per refresh and shared by every caller. */
  loadedPackages(): Promise<Package[]> {
    if (!this.packages) {
      const epoch = this.epoch;
      this.packagesLoading = true;
      this.packages = loadPackages(this.session).finally(() => {
        if (epoch !== this.epoch) return;
        this.packagesLoading = false;
        this.redraw(this.packagesNodeId());
      });
      this.packages.catch(() => undefined); // Shown as an error node by getChildren.
    }
    return this.packages;
  }

  /** Shows the licenses matching `text` in a results node at the top of the tree. */
  async findLicenses(text: string): Promise<number> {
    const epoch = this.epoch;
    const licenses = await findLicenses(this.session, text);
    if (epoch !== this.epoch) return licenses.length;
    this.search = { text, licenses, serial: ++this.searches };
    this.redraw(this.rootId());
    return licenses.length;
  }

  clearSearch(): void {
    this.search = undefined;
    this.redraw(this.rootId());
  }

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
      if (epoch !== this.epoch) return;
      pages.licenses.push(...page.licenses);
      pages.next = page.next;
    } finally {
      pages.loading = false;
      if (epoch === this.epoch) this.redraw(group.id);
    }
  }

  getTreeItem(node: LmaNode): vscode.TreeItem {
    const busy =
      (node.kind === 'packages' && this.packagesLoading) ||
      (node.kind === 'loadMore' && this.pages.get(node.group.id)?.loading === true);
    const testInstall =
      node.kind === 'package'
        ? {
            running: this.testInstalls.isRunning(node.pkg.packageId),
            last: this.testInstalls.lastFor(node.pkg.packageId),
          }
        : undefined;
    return toTreeItem(node, busy, testInstall);
  }

  /** Redraws the package nodes of a 033 package id (its test install started or ended). */
  private redrawPackage(subscriberPackageId: string): void {
    for (const node of this.shown.values())
      if (node.kind === 'package' && node.pkg.packageId?.slice(0, 15) === subscriberPackageId.slice(0, 15))
        this.redraw(node.id);
  }

  getParent(node: LmaNode): LmaNode | undefined {
    return node.parent;
  }

  async getChildren(node?: LmaNode): Promise<LmaNode[]> {
    const epoch = this.epoch;
    let children: LmaNode[];
    try {
      children = await this.childrenOf(node);
    } catch (error) {
      const failure = toLmoError(error);
      if (failure.kind === 'superseded' || failure.kind === 'sessionExpired' || epoch !== this.epoch)
        return []; // The session state change redraws the tree.
      children = node ? [errorNode(node, failure)] : [];
    }
    if (epoch !== this.epoch) return [];
    return children.map((child) => {
      // Hand VS Code the same instance for the same id within a load, so reveal() and change
      // events find it; kinds whose content changes within a load are always fresh.
      const known = this.shown.get(child.id);
      if (known && known.kind === child.kind && stableKinds.has(child.kind)) return known;
      this.shown.set(child.id, child);
      return child;
    });
  }

  private async childrenOf(node: LmaNode | undefined): Promise<LmaNode[]> {
    const state = this.session.state;
    if (state.kind !== 'connected' || !state.lma.installed) return [];
    if (!node) return [{ kind: 'lmo', id: this.rootId(), parent: undefined, org: state.org, lma: state.lma }];

    switch (node.kind) {
      case 'lmo':
        return this.lmoChildren(node);
      case 'packages': {
        const packages = await this.loadedPackages();
        if (packages.length === 0)
          return [
            message(
              node,
              'info',
              'No packages yet: associate a package with this LMO in the Partner Console.',
            ),
          ];
        return packages.map((pkg) => ({ kind: 'package', id: `${node.id}/${pkg.id}`, parent: node, pkg }));
      }
      case 'package': {
        const { pkg } = node;
        const groups: LmaNode[] = licenseStatuses
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
      case 'versions':
        return node.pkg.versions.map((version) => ({
          kind: 'version',
          id: `${node.id}/${version.id}`,
          parent: node,
          version,
        }));
      case 'statusGroup': {
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
        if (pages.next)
          licenses.push({
            kind: 'loadMore',
            id: `${node.id}/more`,
            parent: node,
            group: node,
          });
        return licenses;
      }
      case 'search':
        return node.licenses.map((license) => ({
          kind: 'license',
          id: `${node.id}/${license.id}`,
          parent: node,
          license,
        }));
      case 'workspacePackages': {
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
      default:
        return [];
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
        licenses: this.search.licenses,
      });
    children.push({ kind: 'packages', id: this.packagesNodeId(), parent: node });
    if (await this.project.packages())
      children.push({ kind: 'workspacePackages', id: this.workspaceNodeId(), parent: node });
    return children;
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

  /** Redraws the node with this id, or the whole tree when VS Code hasn't been shown it yet. */
  private redraw(id: string): void {
    this.changed.fire(this.shown.get(id));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

const stableKinds = new Set<LmaNode['kind']>([
  'lmo',
  'packages',
  'package',
  'versions',
  'version',
  'statusGroup',
  'license',
  'loadMore',
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
    retry: failure.kind === 'requestLimit' ? undefined : { command: 'lma.refresh', title: 'Retry' },
  };
}
