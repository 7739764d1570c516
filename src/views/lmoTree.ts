import * as vscode from 'vscode';
import type { LmoTreeModel } from './lmoTreeModel';
import type { Package } from '../lma/records/types';
import type { LmaNode } from './nodes';
import { toTreeItem } from './treeItems';

/**
 * The License Management tree as VS Code sees it: a thin adapter over `LmoTreeModel`, which holds
 * the nodes, the caches, paging, search and the epochs (and runs without `vscode` in tests).
 */
export class LmoTreeProvider implements vscode.TreeDataProvider<LmaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LmaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  /**
   * `describePushOwner`: which org owns a package's push upgrades, in one line, added to the package's
   * tooltip when it shows (one request the first time for each package).
   */
  constructor(
    readonly model: LmoTreeModel,
    private readonly describePushOwner?: (pkg: Package) => Promise<string>,
  ) {
    this.subscription = model.onDidChange((node) => this.changed.fire(node));
  }

  getTreeItem(node: LmaNode): vscode.TreeItem {
    return toTreeItem(
      node,
      this.model.isBusy(node),
      this.model.testInstallMark(node),
      this.model.lmaVersion(node),
    );
  }

  async resolveTreeItem(item: vscode.TreeItem, node: LmaNode): Promise<vscode.TreeItem> {
    if (
      node.kind !== 'package' ||
      !this.describePushOwner ||
      !(item.tooltip instanceof vscode.MarkdownString)
    )
      return item;
    const owner = await this.describePushOwner(node.pkg).catch(() => undefined);
    if (owner) item.tooltip.appendMarkdown(`\n\n${owner}`);
    return item;
  }

  getParent(node: LmaNode): LmaNode | undefined {
    return node.parent;
  }

  getChildren(node?: LmaNode): Promise<LmaNode[]> {
    return this.model.children(node);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
