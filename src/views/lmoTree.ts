import * as vscode from 'vscode';
import type { LmoTreeModel } from './lmoTreeModel';
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

  constructor(readonly model: LmoTreeModel) {
    this.subscription = model.onDidChange((node) => this.changed.fire(node));
  }

  getTreeItem(node: LmaNode): vscode.TreeItem {
    return toTreeItem(node, this.model.isBusy(node), this.model.testInstallMark(node));
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
