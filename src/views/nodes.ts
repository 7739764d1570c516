import { contextValueFlags as flag, contextValuePrefix } from '../ids';
import { isExpired } from '../lma/rules/encodings';
import type { License, LicenseGroupStatus, Package, PackageVersion } from '../lma/records/types';
import type { WorkspacePackage } from '../lma/project/sfdxProject';
import type { TestInstallReport } from '../lma/workflows/testInstall';
import type { LmaPresence } from '../lma/records/lmaPresence';
import type { OrgIdentity } from '../org/lmoSession';
import type { FeatureParameterCounts } from '../lma/records/featureParameters';
import type { PushRequestState } from '../lma/workflows/pushUpgrade';
import { pushRequestActions } from '../lma/rules/pushRequests';

/**
 * The nodes of the License Management tree. Ids are built from the org id and record ids, so they are
 * stable across refreshes (expansion survives) and never shared between two orgs. contextValues are
 * composable ("lma:license+expired") so menus can match with `viewItem =~ /^lma:license\b/`.
 */
export type LmaNode =
  | LmoNode
  | PackagesNode
  | PackageNode
  | VersionsNode
  | VersionNode
  | StatusGroupNode
  | LicenseNode
  | LoadMoreNode
  | SearchNode
  | WorkspacePackagesNode
  | WorkspacePackageNode
  | FeatureParametersNode
  | FeatureParameterNode
  | PushRequestsNode
  | PushRequestNode
  | MessageNode;

interface Base {
  readonly id: string;
  readonly parent: LmaNode | undefined;
}

export interface LmoNode extends Base {
  kind: 'lmo';
  org: OrgIdentity;
  lma: Extract<LmaPresence, { kind: 'installed' }>;
}
export interface PackagesNode extends Base {
  kind: 'packages';
}
export interface PackageNode extends Base {
  kind: 'package';
  pkg: Package;
}
export interface VersionsNode extends Base {
  kind: 'versions';
  pkg: Package;
}
export interface VersionNode extends Base {
  kind: 'version';
  version: PackageVersion;
}
export interface StatusGroupNode extends Base {
  kind: 'statusGroup';
  pkg: Package;
  /** By the Status field; Other: no Status, or none of the LMA's four. */
  status: LicenseGroupStatus;
  count: number;
}
export interface LicenseNode extends Base {
  kind: 'license';
  license: License;
  /** In search results (where customers of several packages meet): the License's package. */
  packageName?: string;
}
export interface LoadMoreNode extends Base {
  kind: 'loadMore';
  group: StatusGroupNode;
}
export interface SearchNode extends Base {
  kind: 'search';
  text: string;
  /** A dashboard figure's list: its title instead of "Licenses matching …". */
  title?: string;
  /** More Licenses match than the node holds. */
  more?: boolean;
  licenses: License[];
  /** Package name by Package Version record id. */
  packageNames: ReadonlyMap<string, string>;
}
export interface WorkspacePackagesNode extends Base {
  kind: 'workspacePackages';
}
export interface WorkspacePackageNode extends Base {
  kind: 'workspacePackage';
  workspacePackage: WorkspacePackage;
  lmoPackage: Package | undefined;
}
/** A package's feature parameters (the LMO has the Feature Management App): featureParameterNodes.ts. */
export interface FeatureParametersNode extends Base {
  kind: 'featureParameters';
  pkg: Package;
}
/** One parameter of a package with how many Licenses hold each value. */
export interface FeatureParameterNode extends Base {
  kind: 'featureParameter';
  pkg: Package;
  parameter: FeatureParameterCounts;
}
/** A package's "Push Upgrades": shown when the org that owns its pushes is known. */
export interface PushRequestsNode extends Base {
  kind: 'pushRequests';
  pkg: Package;
  /** Where the pushes run, one line ("Pushes run in this LMO"). */
  owner: string;
}
/** One push request of a package, with its jobs by status. */
export interface PushRequestNode extends Base {
  kind: 'pushRequest';
  pkg: Package;
  request: PushRequestState;
  /** The version it pushes, as the LMO names it. */
  versionNumber: string | undefined;
}
/** A leaf that says something instead of data: loading, empty, or an error with a retry. */
export interface MessageNode extends Base {
  kind: 'message';
  label: string;
  icon: 'error' | 'info' | 'loading';
  detail?: string;
  /** A command that tries again (shaped like `vscode.Command`). */
  retry?: { command: string; title: string };
}

/** What the tree knows of a package's test installs: one running now, and the last one kept. */
export interface TestInstallMark {
  running: boolean;
  last: TestInstallReport | undefined;
}

/**
 * The contextValue of a node, `lma:<kind>[+<flag>…]`: what `viewItem =~ /^lma:package\b/` in package.json
 * menus matches. Pure, so a unit test can check every menu pattern against what the tree produces.
 */
export function contextValue(node: LmaNode, testInstall?: TestInstallMark, today = new Date()): string {
  switch (node.kind) {
    case 'package':
      return compose(node.kind, testInstall?.running && flag.installing);
    case 'version':
      return compose(node.kind, node.version.isBeta && flag.beta);
    case 'statusGroup':
      return compose(node.kind, node.status.toLowerCase());
    case 'license':
      return compose(
        node.kind,
        node.license.status.toLowerCase(),
        isExpired(node.license.expiration, today) && flag.expired,
      );
    case 'workspacePackage':
      return compose(node.kind, node.lmoPackage ? flag.associated : flag.unassociated);
    case 'message':
      return compose(node.kind, node.icon);
    case 'featureParameter':
      return compose(node.kind, node.parameter.direction.toLowerCase(), node.parameter.type.toLowerCase());
    case 'pushRequest': {
      const actions = pushRequestActions(node.request);
      return compose(
        node.kind,
        actions.abort && flag.abortable,
        actions.retry && flag.failures,
        actions.finish && flag.unstarted,
      );
    }
    case 'lmo':
    case 'packages':
    case 'versions':
    case 'loadMore':
    case 'search':
    case 'workspacePackages':
    case 'featureParameters':
    case 'pushRequests':
      return compose(node.kind);
  }
}

function compose(kind: LmaNode['kind'], ...flags: (string | false | undefined)[]): string {
  return [`${contextValuePrefix}${kind}`, ...flags.filter(Boolean)].join('+');
}
