/**
 * Every name the extension shares with package.json or VS Code: commands, views, context keys,
 * settings, contextValue parts, saved-state keys, webview types. Code uses these constants, never the
 * strings; `test/unit/manifest.test.ts` checks package.json against them. No imports: every layer may use it.
 */

/** `publisher.name` of package.json. */
export const EXTENSION_ID = 'lma-explorer.lma-explorer';

/** Contributed commands (`contributes.commands`); each is registered in `activate()`. */
export const commands = {
  connect: 'lma.connect',
  useLocalOrg: 'lma.useLocalOrg',
  disconnect: 'lma.disconnect',
  reconnect: 'lma.reconnect',
  showLog: 'lma.showLog',
  refresh: 'lma.refresh',
  findLicense: 'lma.findLicense',
  clearSearch: 'lma.clearSearch',
  loadMore: 'lma.loadMore',
  showLicenses: 'lma.showLicenses',
  copyPackageId: 'lma.copyPackageId',
  copyVersionId: 'lma.copyVersionId',
  copySubscriberOrgId: 'lma.copySubscriberOrgId',
  openInSalesforce: 'lma.openInSalesforce',
  editDefaultLicensing: 'lma.editDefaultLicensing',
  runTestInstall: 'lma.runTestInstall',
  showTestInstallHistory: 'lma.showTestInstallHistory',
  confirmPartnerConsole: 'lma.confirmPartnerConsole',
  checkAssociations: 'lma.checkAssociations',
  showDashboard: 'lma.showDashboard',
  showUsage: 'lma.showUsage',
  clearAppAnalyticsCache: 'lma.clearAppAnalyticsCache',
  checkLmoHealth: 'lma.checkLmoHealth',
  exportLicenses: 'lma.exportLicenses',
  exportFeatureParameters: 'lma.exportFeatureParameters',
  setFeatureParameter: 'lma.setFeatureParameter',
  modifyLicense: 'lma.modifyLicense',
  extendTrial: 'lma.extendTrial',
  convertToActive: 'lma.convertToActive',
  suspendLicense: 'lma.suspendLicense',
  reactivateLicense: 'lma.reactivateLicense',
  bulkChangeLicenses: 'lma.bulkChangeLicenses',
  pushUpgradeVersion: 'lma.pushUpgradeVersion',
  pushUpgradeOrgs: 'lma.pushUpgradeOrgs',
  openCustomer: 'lma.openCustomer',
  showPushRequest: 'lma.showPushRequest',
  retryPushRequest: 'lma.retryPushRequest',
  abortPushRequest: 'lma.abortPushRequest',
  finishPushRequest: 'lma.finishPushRequest',
  refreshPushRequests: 'lma.refreshPushRequests',
} as const;
export type CommandId = (typeof commands)[keyof typeof commands];

/** URI schemes of the extension's virtual documents. */
export const uriSchemes = { report: 'lma-report' } as const;

/** The view container of the activity bar and its view. */
export const viewContainers = { lma: 'lma' } as const;
export const views = { lmo: 'lma.lmo' } as const;

/** Commands VS Code makes for our views and walkthrough (not contributed, never registered by us). */
export const workbenchCommands = {
  focusLmoView: `${views.lmo}.focus`,
  openWalkthrough: 'workbench.action.openWalkthrough',
} as const;

/** The setup walkthrough: its id, and the full id `workbench.action.openWalkthrough` takes. */
export const walkthroughs = { setup: 'lma.setup' } as const;
export const setupWalkthroughId = `${EXTENSION_ID}#${walkthroughs.setup}`;

/** Context keys the extension sets, for `when` clauses and walkthrough `onContext:` events. */
export const contextKeys = {
  /** One of `lmaStates`: which welcome view and which menus show. */
  state: 'lma.state',
  setup: {
    lmaInstalled: 'lma.setup.lmaInstalled',
    partnerConsoleConnected: 'lma.setup.partnerConsole',
    packagesAssociated: 'lma.setup.associated',
    termsSet: 'lma.setup.termsSet',
    testInstallsPassed: 'lma.setup.testInstallPassed',
  },
} as const;

/**
 * The values of `lma.state`: the session's states, with "connected" split by whether the LMA is there
 * (noLma) and readable by the user (noLmaAccess: installed, but no permission on its objects).
 */
export const lmaStates = [
  'disconnected',
  'connecting',
  'connected',
  'noLma',
  'noLmaAccess',
  'expired',
  'failed',
] as const;
export type LmaState = (typeof lmaStates)[number];

/** Settings (`contributes.configuration`), by full key, and the defaults package.json declares. */
export const settings = {
  lmo: 'lma.lmo',
  licenseTimeoutSeconds: 'lma.testInstall.licenseTimeoutSeconds',
  versionTimeoutSeconds: 'lma.testInstall.versionTimeoutSeconds',
  installTimeoutSeconds: 'lma.testInstall.installTimeoutSeconds',
  remoteSites: 'lma.testInstall.remoteSites',
  exportBulkThreshold: 'lma.export.bulkThreshold',
  bulkChangeIngestThreshold: 'lma.bulkChange.ingestThreshold',
  pushIngestThreshold: 'lma.pushUpgrade.ingestThreshold',
  usageAtRiskDrop: 'lma.usage.atRiskDrop',
} as const;
export type SettingKey = (typeof settings)[keyof typeof settings];
export const settingDefaults = {
  [settings.lmo]: '',
  [settings.licenseTimeoutSeconds]: 600,
  [settings.versionTimeoutSeconds]: 900,
  [settings.installTimeoutSeconds]: 1200,
  [settings.remoteSites]: 'ask',
  [settings.exportBulkThreshold]: 12000,
  [settings.bulkChangeIngestThreshold]: 2000,
  [settings.pushIngestThreshold]: 2000,
  [settings.usageAtRiskDrop]: 0.5,
} as const satisfies Record<SettingKey, string | number>;

/** contextValues are `lma:<kind>[+<flag>…]`; menus match them with `viewItem =~ /^lma:<kind>\b/`. */
export const contextValuePrefix = 'lma:';
export const contextValueFlags = {
  installing: 'installing',
  beta: 'beta',
  expired: 'expired',
  associated: 'associated',
  unassociated: 'unassociated',
  /** A push request that may still be aborted (Created or Pending). */
  abortable: 'abortable',
  /** A push request that is over with failed jobs (Retry Failed Orgs…). */
  failures: 'failures',
  /** A push request left Created with jobs (Finish Scheduling…). */
  unstarted: 'unstarted',
} as const;

/** Keys of VS Code's saved state (Memento). Changing one forgets what users saved under it. */
export const savedState = {
  /** workspaceState: the org chosen for this workspace (same string as the setting, for saved workspaces). */
  chosenLmo: 'lma.lmo',
  /** workspaceState: the test installs kept, newest first. */
  testInstalls: 'lma.testInstalls',
  /** globalState: ids of the LMOs the user confirmed as connected to the Partner Console. */
  partnerConsoleConfirmed: 'lma.partnerConsoleConfirmed',
  /** workspaceState: the owner org chosen for each package's push upgrades, by 033 id (15 characters). */
  pushOwners: 'lma.pushOwners',
  /** globalState: Bulk API 2.0 jobs an export created and hasn't deleted yet, by org id. */
  bulkExportJobs: 'lma.bulkExportJobs',
  /** globalState: Bulk API 2.0 ingest jobs a bulk change created and hasn't deleted yet, by org id. */
  bulkIngestJobs: 'lma.bulkIngestJobs',
} as const;

/** The status bar item's id (VS Code lists it under this id in the status bar's menu). */
export const statusBarItems = { lmo: 'lma.lmo' } as const;

/** Webview panel types. */
export const webviewTypes = {
  licensingTerms: 'lma.licensingTerms',
  testInstallReport: 'lma.testInstallReport',
  dashboard: 'lma.dashboard',
  usage: 'lma.usage',
  healthReport: 'lma.healthReport',
  license: 'lma.license',
  customer: 'lma.customer',
  pushUpgrade: 'lma.pushUpgrade',
  pushRequest: 'lma.pushRequest',
} as const;

/** The language client's id (its output channel and trace setting). */
export const languageClientId = 'lma.sfdxProject';
