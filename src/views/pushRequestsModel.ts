import type { LmoApi } from '../lma/records/lmoApi';
import type { Package } from '../lma/records/types';
import { isRunning } from '../lma/rules/pushRequests';
import { pollDelay } from '../lma/rules/pushUpgrade';
import { loadPushRequests } from '../lma/workflows/pushRequests';
import type { PushRequestState } from '../lma/workflows/pushUpgrade';
import type { LmaNode, PackageNode, PushRequestsNode } from './nodes';

/** The org that owns a package's pushes, when it is known without asking the user. */
export interface KnownPushOwner {
  /** Where the pushes run, one line ("Pushes run in this LMO", "Pushes run in my-hub"). */
  label: string;
  /** The owner org's API (the LMO's session when it owns the package). */
  connect(): Promise<LmoApi>;
}

/** Which org owns a package's pushes: the LMO, or one remembered for the package; undefined when unknown. */
export type PushOwnerSource = (pkg: Package) => Promise<KnownPushOwner | undefined>;

interface Loaded {
  requests: Promise<PushRequestState[]>;
  /** Polls of running requests so far (the backoff's attempt). */
  attempt: number;
}

/**
 * The "Push Upgrades" node of each package in the tree, without `vscode`: shown when the owner org is
 * known, its requests read from that org (the latest requests, then one aggregate of their jobs by
 * status), read again with backoff (`pollDelay`) while one of them runs, and not at all while the view is
 * hidden or the node is closed (VS Code asks for children only of an open node: a redraw of a closed one
 * reads nothing, and the polling ends). `LmoTreeModel` owns one and asks it for these nodes.
 */
export class PushRequestsModel {
  private readonly loaded = new Map<string, Loaded>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The Push Upgrades nodes handed out, by node id (for a redraw). */
  private readonly nodes = new Map<string, PushRequestsNode>();
  private visible = true;

  constructor(
    private readonly owners: PushOwnerSource,
    /** Redraw the node of this id (VS Code then asks for its children again, if it is open). */
    private readonly redraw: (id: string) => void,
    private readonly delay: (attempt: number) => number = pollDelay,
  ) {}

  /** The package's Push Upgrades node, or undefined when its owner org isn't known (or can't be told). */
  async nodeOf(parent: PackageNode): Promise<PushRequestsNode | undefined> {
    const owner = await this.owners(parent.pkg).catch(() => undefined);
    if (!owner) return undefined;
    const node: PushRequestsNode = {
      kind: 'pushRequests',
      id: `${parent.id}/pushes`,
      parent,
      pkg: parent.pkg,
      owner: owner.label,
    };
    this.nodes.set(node.id, node);
    return node;
  }

  /** The package's requests, newest first; polled again later while one of them runs. */
  async children(node: PushRequestsNode): Promise<LmaNode[]> {
    let loaded = this.loaded.get(node.id);
    if (!loaded) {
      const previous = this.attempts.get(node.id) ?? 0;
      loaded = { requests: this.read(node.pkg), attempt: previous };
      this.loaded.set(node.id, loaded);
      loaded.requests.catch(() => this.loaded.get(node.id) === loaded && this.loaded.delete(node.id));
    }
    const requests = await loaded.requests;
    this.schedule(node, requests, loaded);
    if (!requests.length)
      return [
        {
          kind: 'message',
          id: `${node.id}/message`,
          parent: node,
          icon: 'info',
          label: 'No push requests yet',
          detail: `${node.owner}. Push Upgrade to This Version… on a version starts one.`,
        },
      ];
    const versions = new Map(
      node.pkg.versions.flatMap((v) => (v.versionId ? [[v.versionId.slice(0, 15), v]] : [])),
    );
    return requests.map((request) => ({
      kind: 'pushRequest',
      id: `${node.id}/${request.id}`,
      parent: node,
      pkg: node.pkg,
      request,
      versionNumber: versions.get(request.versionId.slice(0, 15))?.versionNumber ?? undefined,
    }));
  }

  /** Reads the requests again (after a schedule, a retry, an abort): of one package (033 id), or of all. */
  changed(packageId?: string): void {
    for (const node of this.nodes.values())
      if (!packageId || node.pkg.packageId?.slice(0, 15) === packageId.slice(0, 15)) {
        this.attempts.delete(node.id);
        this.invalidate(node);
      }
  }

  /** The view shown or hidden: hidden stops every poll; shown again reads the running ones at once. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      for (const id of [...this.timers.keys()]) this.stop(id);
      return;
    }
    for (const [id, loaded] of this.loaded)
      void loaded.requests
        .then((requests) => {
          const node = this.nodes.get(id);
          if (node && requests.some((r) => isRunning(r.status))) this.invalidate(node);
        })
        .catch(() => undefined);
  }

  /** Whether a poll is waiting for this node (tests). */
  isPolling(node: PushRequestsNode): boolean {
    return this.timers.has(node.id);
  }

  /** Forgets everything (a Refresh of the tree, a session change, the window closing). */
  clear(): void {
    for (const id of [...this.timers.keys()]) this.stop(id);
    this.loaded.clear();
    this.nodes.clear();
    this.attempts.clear();
  }

  /** Polls made per node since its requests last stopped running (survives the reloads it causes). */
  private readonly attempts = new Map<string, number>();

  private async read(pkg: Package): Promise<PushRequestState[]> {
    const owner = await this.owners(pkg);
    if (!owner) return [];
    const versionIds = pkg.versions.flatMap((v) => (v.versionId ? [v.versionId] : []));
    return loadPushRequests(await owner.connect(), versionIds);
  }

  private schedule(node: PushRequestsNode, requests: PushRequestState[], loaded: Loaded): void {
    if (this.timers.has(node.id) || this.loaded.get(node.id) !== loaded) return;
    if (!requests.some((r) => isRunning(r.status))) {
      this.attempts.delete(node.id);
      return;
    }
    if (!this.visible) return;
    const attempt = loaded.attempt;
    this.timers.set(
      node.id,
      setTimeout(() => {
        this.timers.delete(node.id);
        this.attempts.set(node.id, attempt + 1);
        this.invalidate(node);
      }, this.delay(attempt)),
    );
  }

  private invalidate(node: PushRequestsNode): void {
    this.stop(node.id);
    this.loaded.delete(node.id);
    this.redraw(node.id);
  }

  private stop(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }
}
