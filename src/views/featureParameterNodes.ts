/**
 * The tree's "Feature Parameters" node under each package (when the LMO has the Feature Management App)
 * and its parameters with how many Licenses hold each value; without the FMA, one explanation under
 * Packages instead (not an error). Pure, no `vscode`: the model (lmoTreeModel.ts) asks these for the
 * nodes, treeItems.ts draws them.
 */
import { FMA_EXPLANATION, FMA_NO_ACCESS, type FmaPresence } from '../lma/records/featureParameters';
import type { FeatureParameterCounts } from '../lma/records/featureParameters';
import { formatValue } from '../lma/rules/featureParameters';
import type {
  FeatureParameterNode,
  FeatureParametersNode,
  LmaNode,
  MessageNode,
  PackageNode,
  PackagesNode,
} from './nodes';

/** The Feature Parameters node of a package, or none (the FMA is not in this LMO). */
export function featureParametersNode(
  node: PackageNode,
  fma: FmaPresence | undefined,
): FeatureParametersNode | undefined {
  if (!fma || fma.kind === 'notInstalled') return undefined;
  return { kind: 'featureParameters', id: `${node.id}/featureParameters`, parent: node, pkg: node.pkg };
}

/** Under Packages, once: what the FMA is and how to get it, when this LMO has none. */
export function fmaExplanationNode(
  node: PackagesNode,
  fma: FmaPresence | undefined,
): MessageNode | undefined {
  if (fma?.kind !== 'notInstalled') return undefined;
  return {
    kind: 'message',
    id: `${node.id}/fma`,
    parent: node,
    icon: 'info',
    label: 'Feature parameters: the Feature Management App is not in this LMO',
    detail: FMA_EXPLANATION,
  };
}

/** The parameters of the package (one composite request read `counts`), or why there are none. */
export function featureParameterNodes(
  node: FeatureParametersNode,
  fma: FmaPresence | undefined,
  counts: FeatureParameterCounts[] | undefined,
): LmaNode[] {
  const say = (label: string, detail?: string): MessageNode => ({
    kind: 'message',
    id: `${node.id}/message`,
    parent: node,
    icon: 'info',
    label,
    detail,
  });
  if (fma?.kind === 'noAccess') return [say('No access to the Feature Parameter objects', FMA_NO_ACCESS)];
  if (!counts?.length)
    return [
      say(
        'No feature parameters',
        'The package declares none, or no License of it has been created since it declared them.',
      ),
    ];
  return counts.map((parameter): FeatureParameterNode => ({
    kind: 'featureParameter',
    id: `${node.id}/${parameter.id}`,
    parent: node,
    pkg: node.pkg,
    parameter,
  }));
}

const directionWords = {
  LmoToSubscriber: 'LMO → subscriber',
  SubscriberToLmo: 'subscriber → LMO',
} as const;

/** "Boolean · LMO → subscriber". */
export function parameterKind(parameter: FeatureParameterCounts): string {
  return `${parameter.type} · ${directionWords[parameter.direction]}`;
}

/** "on: 120 · off: 30" (most held first; a value no License holds is not listed). */
export function valueCounts(parameter: FeatureParameterCounts): string {
  if (!parameter.values.length) return 'no Licenses';
  return parameter.values
    .map((v) => `${formatValue(parameter.type, v.value)}: ${v.licenses.toLocaleString('en-US')}`)
    .join(' · ');
}
