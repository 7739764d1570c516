import * as vscode from 'vscode';
import { askConfirmation } from './commands/askConfirmation';
import { savedState, views, workbenchCommands } from './ids';
import { checkLmaPresence } from './lma/records/lmaPresence';
import { choosePushOwner, describePushOwner } from './lma/records/pushOwner';
import { OwnershipChecks } from './lma/workflows/pushOwnerChoice';
import type { BulkJobLedger } from './lma/records/bulkQuery';
import type { DashboardFigure } from './lma/records/dashboard';
import type { LmoApi } from './lma/records/lmoApi';
import type { Package } from './lma/records/types';
import type { AskConfirmation } from './lma/workflows/licenseSave';
import { TestInstalls } from './lma/workflows/testInstallHistory';
import type { Listen } from './base/emitter';
import { AppAnalyticsCache } from './files/appAnalyticsCache';
import { LocalOrgLauncher } from './org/localOrg';
import { LmoSession } from './org/lmoSession';
import { OwnerOrgConnections, type OwnerOrgIdentity } from './org/ownerOrgs';
import { OrgChoice } from './state/orgChoice';
import { PushOwners } from './state/pushOwners';
import { PartnerConsoleConfirmations } from './state/partnerConsoleConfirmations';
import { BulkExportJobs } from './state/bulkExportJobs';
import { ProjectDocument } from './state/projectDocument';
import { LmoTreeProvider } from './views/lmoTree';
import { LmoTreeModel } from './views/lmoTreeModel';
import type { KnownPushOwner } from './views/pushRequestsModel';
import type { LmaNode } from './views/nodes';
import { SetupProgress } from './views/setup';
import { ReportDocuments } from './views/reportDocuments';

/**
 * The one services object: built once by `createServices` in activate() and handed to every command
 * module, view and panel, each of which takes what it needs (panels declare a `Pick<Services, …>`).
 */
export interface Services {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  /** The one connection to the LMO. */
  readonly session: LmoSession;
  /** Which org this workspace uses (the setting, or the last choice). */
  readonly choice: OrgChoice;
  readonly localOrg: LocalOrgLauncher;
  /** sfdx-project.json of the workspace. */
  readonly project: ProjectDocument;
  readonly testInstalls: TestInstalls;
  readonly partnerConsole: PartnerConsoleConfirmations;
  /** The Bulk API 2.0 jobs exports created and haven't deleted yet. */
  readonly bulkExportJobs: BulkExportJobs;
  /** The Bulk API 2.0 ingest jobs bulk changes and push schedules created and haven't deleted yet, by org. */
  readonly bulkIngestJobs: BulkExportJobs;
  /** The ingest ledger of the org `api` is connected to (the LMO's session or an owner org); none when not known. */
  ingestJobsOf(api: LmoApi): BulkJobLedger | undefined;
  readonly tree: LmoTreeModel;
  readonly treeView: vscode.TreeView<LmaNode>;
  readonly setup: SetupProgress;
  /** The LMO's packages as the tree loaded them (one load, shared by every caller). */
  packages(): Promise<Package[]>;
  /** Fires when the tree loads packages again (Refresh, an org switch): the LMO may have changed. */
  readonly onDidReloadPackages: Listen<void>;
  /**
   * Shows the licenses of a subscriber org in the tree (its search results) and reveals and selects
   * one: the one of `packageName` when given and found, else the first.
   */
  showLicenses(subscriberOrgId: string, packageName?: string): Promise<void>;
  /** Shows the Licenses a dashboard figure counts in the tree's results node, revealed; answers how many. */
  showFigure(
    figure: DashboardFigure,
    scope: { packageRecordId: string; packageName: string } | undefined,
  ): Promise<number>;
  /** A License changed: the tree shows its new values. */
  licenseChanged(): void;
  /** Read-only reports (a bulk change's), shown as virtual documents. */
  readonly reports: ReportDocuments;
  /** The confirmation a License save asks in VS Code's own UI (the use case's port). */
  readonly askConfirmation: AskConfirmation;
  /** Connections to packages' owner orgs when the LMO does not own their push upgrades. */
  readonly ownerOrgs: OwnerOrgConnections;
  /** The owner org chosen for each package's pushes. */
  readonly pushOwners: PushOwners;
  /** What each org's MetadataPackage said of each package this session (and the warnings accepted). */
  readonly pushOwnership: OwnershipChecks;
  /** App Analytics files already downloaded (the extension's global storage). */
  readonly usageCache: AppAnalyticsCache;
  /**
   * Opens a URL in the user's browser exactly as written: the one way a URL leaves the extension
   * (`openUrl` below says why not `vscode.Uri.parse`).
   */
  openExternal(url: string): Promise<boolean>;
  /**
   * The org that owns a package's pushes when it is known without asking (the LMO owns the package,
   * or an owner org is remembered for it): what the tree's Push Upgrades node and the request view read.
   */
  knownPushOwner(pkg: Pick<Package, 'packageId'>): Promise<KnownPushOwner | undefined>;
}

/** Creates the services; `disposables` go into the extension context's subscriptions. */
export function createServices(context: vscode.ExtensionContext): {
  services: Services;
  disposables: vscode.Disposable[];
} {
  const log = vscode.window.createOutputChannel('LMA Explorer', { log: true });
  const session = new LmoSession({
    log,
    checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
  });
  const localOrg = new LocalOrgLauncher(vscode.Uri.joinPath(context.globalStorageUri, 'local-org').fsPath);
  const project = new ProjectDocument();
  const testInstalls = new TestInstalls(context.workspaceState);
  const reports = new ReportDocuments();
  const pushOwners = new PushOwners(context.workspaceState);
  const ownerOrgs = new OwnerOrgConnections({ log });
  const bulkIngestJobs = new BulkExportJobs(context.globalState, savedState.bulkIngestJobs);
  const pushOwnership = new OwnershipChecks();
  /** Whether the LMO owns a package (its MetadataPackage read once per org and package, then kept). */
  const ownedByLmo = async (packageId: string): Promise<boolean> => {
    const org = session.state.kind === 'connected' ? session.state.org.orgId : '';
    return (await pushOwnership.check(org, session, packageId)) === 'owns';
  };
  const knownPushOwner = async (pkg: Pick<Package, 'packageId'>): Promise<KnownPushOwner | undefined> => {
    if (!pkg.packageId) return undefined;
    const owner = choosePushOwner({
      lmoOwns: await ownedByLmo(pkg.packageId),
      remembered: pushOwners.get(pkg.packageId),
      projectDevHub: undefined,
    });
    if (owner.kind === 'lmo') return { label: describePushOwner(owner), connect: async () => session };
    if (owner.kind === 'other')
      return { label: describePushOwner(owner), connect: () => ownerOrgs.connect(owner.target) };
    return undefined;
  };
  const tree = new LmoTreeModel(session, project, testInstalls, knownPushOwner);
  const treeProvider = new LmoTreeProvider(tree, async (pkg) => {
    if (!pkg.packageId) return describePushOwner({ kind: 'unknown', suggestion: undefined });
    return describePushOwner(
      choosePushOwner({
        lmoOwns: await ownedByLmo(pkg.packageId),
        remembered: pushOwners.get(pkg.packageId),
        projectDevHub: undefined,
      }),
    );
  });
  const treeView = vscode.window.createTreeView(views.lmo, {
    treeDataProvider: treeProvider,
    showCollapseAll: true,
    canSelectMany: true,
  });
  // Running push requests are polled only while the view shows.
  tree.setVisible(treeView.visible);
  const visibility = treeView.onDidChangeVisibility((e) => tree.setVisible(e.visible));
  const base = {
    extensionUri: context.extensionUri,
    log,
    session,
    choice: new OrgChoice(context.workspaceState),
    localOrg,
    project,
    testInstalls,
    partnerConsole: new PartnerConsoleConfirmations(context.globalState),
    bulkExportJobs: new BulkExportJobs(context.globalState),
    bulkIngestJobs,
    ingestJobsOf: (api: LmoApi) => {
      // The LMO's session knows its org once connected; an owner org's connection says its own.
      const orgId =
        api === session
          ? session.state.kind === 'connected'
            ? session.state.org.orgId
            : undefined
          : (api as Partial<OwnerOrgIdentity>).orgId;
      return orgId ? bulkIngestJobs.forOrg(orgId) : undefined;
    },
    tree,
    treeView,
    packages: () => tree.loadedPackages(),
    onDidReloadPackages: tree.onDidReload,
    showLicenses: async (subscriberOrgId: string, packageName?: string) => {
      await tree.findLicenses(subscriberOrgId);
      await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
      const found = await tree.resultNodes();
      const license = found.find((node) => node.packageName === packageName) ?? found[0];
      // Selected and focused, so the License's commands and keyboard act on it at once.
      if (license) await treeView.reveal(license, { select: true, focus: true });
    },
    showFigure: async (
      figure: DashboardFigure,
      scope: { packageRecordId: string; packageName: string } | undefined,
    ) => {
      const count = await tree.showFigure(figure, scope);
      await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
      const [first] = await tree.resultNodes();
      // The results node opened and in view; the selection moves to its first License.
      if (first) await treeView.reveal(first, { select: true, focus: true });
      return count;
    },
    licenseChanged: () => tree.licensesChanged(),
    reports,
    askConfirmation,
    ownerOrgs,
    pushOwners,
    pushOwnership,
    knownPushOwner,
    usageCache: new AppAnalyticsCache(vscode.Uri.joinPath(context.globalStorageUri, 'app-analytics').fsPath),
    openExternal: openUrl,
  };
  const setup = new SetupProgress(base);
  return {
    services: { ...base, setup },
    disposables: [
      log,
      project,
      testInstalls,
      tree,
      treeProvider,
      treeView,
      visibility,
      setup,
      reports,
      { dispose: () => session.dispose() },
      { dispose: () => void localOrg.dispose() },
    ],
  };
}

/**
 * Opens `url` in the browser with its query exactly as written (a front door's
 * `retURL=%2Fpage%3Fid%3D…` must arrive encoded once). Given a `vscode.Uri`, or a URL that VS Code's
 * external-URI resolver rewrites (code-server sends localhost through its `/proxy/<port>/`), the
 * workbench opens `encodeURI(uri.toString(true))`: the query decoded, its `?` printed as `%3F`, then
 * every `%` encoded again (`…apexp%253FdirectLoginOrgId=…`); see CONTRIBUTING, "Opening a URL". So the
 * address is resolved here, without its query (`asExternalUri`: unchanged for a Salesforce org, the
 * proxy for localhost in code-server), the query put back as written, and the result handed over as a
 * string, which the workbench opens as is when it resolves to itself (the API types a Uri; VS Code takes
 * a string since 1.75, microsoft/vscode#173239).
 */
async function openUrl(url: string): Promise<boolean> {
  const { origin, pathname, search, hash } = new URL(url);
  const address = await vscode.env.asExternalUri(vscode.Uri.parse(`${origin}${pathname}`));
  const target = `${address.toString(true)}${search}${hash}`;
  return vscode.env.openExternal(target as unknown as vscode.Uri);
}
