/**
 * "Set Feature Parameter…": one LMO-to-subscriber parameter set for a package's Licenses (all of them, or
 * a Status group), from a parameter of the tree's Feature Parameters node, a Status group, or the palette.
 * The same flow as Bulk Change: the value (checked by the parameter's type), a preview of what each
 * License gets, a confirmation that names the customers when the value takes something away (else one
 * that names the count), the writes, and a read-only report.
 */
import * as vscode from 'vscode';
import { commands } from '../ids';
import {
  detectFma,
  FMA_EXPLANATION,
  FMA_NO_ACCESS,
  loadFeatureParameterCounts,
  type FeatureParameterCounts,
} from '../lma/records/featureParameters';
import { licenseGroupStatuses, type LicenseGroupStatus, type Package } from '../lma/records/types';
import {
  checkValue,
  formatValue,
  MAX_INTEGER_DIGITS,
  type FeatureValue,
} from '../lma/rules/featureParameters';
import {
  applyBulkFeatureChange,
  previewBulkFeatureChange,
  type BulkFeatureReport,
} from '../lma/workflows/featureParameterBulk';
import type { Services } from '../services';
import type { LmaNode } from '../views/nodes';
import { askConfirmation } from './askConfirmation';
import type { CommandHandlers } from './commandTable';
import { connectedLmo, type Run } from './pipeline';
import { commandPipeline } from './vscodePipeline';
import { licenseRow, licenseSection } from './licenseReport';

type FeatureServices = Pick<Services, 'session' | 'log' | 'packages' | 'reports' | 'tree' | 'licenseChanged'>;

export function featureParameterCommands(services: FeatureServices) {
  const pipeline = commandPipeline(services);
  return {
    [commands.setFeatureParameter]: pipeline.command(
      { title: 'Set Feature Parameter', needs: { lmo: connectedLmo(services.session) } },
      async (_needs, run, node?: LmaNode) => {
        const fma = await detectFma(services.session);
        if (fma.kind !== 'installed') {
          void vscode.window.showInformationMessage(
            fma.kind === 'noAccess' ? FMA_NO_ACCESS : FMA_EXPLANATION,
          );
          return;
        }
        if (!fma.editable) {
          void vscode.window.showErrorMessage(
            'This user may read feature parameters but not change them: ask your Salesforce admin for Edit access to the Feature Parameter Boolean, Integer and Date objects.',
          );
          return;
        }
        const pkg = packageOf(node) ?? (await pickPackage(services));
        if (!pkg) return;
        const parameter =
          node?.kind === 'featureParameter' ? node.parameter : await pickParameter(services, run, pkg);
        if (!parameter) return;
        const status =
          node?.kind === 'statusGroup' ? { status: node.status } : await pickStatus(pkg, parameter.label);
        if (!status) return;
        const value = await askValue(parameter);
        if (value === undefined) return;
        await setForGroup(services, run, pkg, parameter, status.status, value.value);
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

function packageOf(node: LmaNode | undefined): Package | undefined {
  if (node?.kind === 'featureParameter' || node?.kind === 'statusGroup') return node.pkg;
  return undefined;
}

async function pickPackage(services: FeatureServices): Promise<Package | undefined> {
  const packages = await services.packages();
  const picked = await vscode.window.showQuickPick(
    packages.map((pkg) => ({ label: pkg.name, description: `${pkg.licenseTotal} licenses`, pkg })),
    { title: 'Set Feature Parameter: choose a package' },
  );
  return picked?.pkg;
}

/** The package's LMO-to-subscriber parameters (subscriber-to-LMO values are the customer's org's to set). */
async function pickParameter(
  services: FeatureServices,
  run: Run,
  pkg: Package,
): Promise<FeatureParameterCounts | undefined> {
  const all = await run.progress(`Reading the feature parameters of ${pkg.name}`, () =>
    loadFeatureParameterCounts(services.session, pkg.id),
  );
  const settable = all.filter((p) => p.direction === 'LmoToSubscriber');
  if (!settable.length) {
    void vscode.window.showInformationMessage(
      `${pkg.name} has no feature parameter the LMO sets${all.length ? ': its parameters are set by the customers’ orgs' : ''}.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    settable.map((p) => ({
      label: p.label,
      description: p.type,
      detail: p.values.map((v) => `${formatValue(p.type, v.value)}: ${v.licenses}`).join(' · '),
      parameter: p,
    })),
    { title: `Set Feature Parameter of ${pkg.name}: which parameter` },
  );
  return picked?.parameter;
}

async function pickStatus(
  pkg: Package,
  label: string,
): Promise<{ status: LicenseGroupStatus | undefined } | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: `All licenses of ${pkg.name}`, status: undefined as LicenseGroupStatus | undefined },
      ...licenseGroupStatuses
        .filter((s) => (pkg.licenseCounts[s] ?? 0) > 0)
        .map((s) => ({ label: `${s} licenses`, description: String(pkg.licenseCounts[s]), status: s })),
    ],
    { title: `Set ${label}: for which licenses` },
  );
  return picked ? { status: picked.status } : undefined;
}

/** The value, asked in the parameter's type and checked by its rule before anything is read or written. */
async function askValue(parameter: FeatureParameterCounts): Promise<{ value: FeatureValue } | undefined> {
  if (parameter.type === 'Boolean') {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'On', value: true },
        { label: 'Off', value: false },
      ],
      { title: `Set ${parameter.label} to` },
    );
    return picked ? { value: picked.value } : undefined;
  }
  const parse = (text: string): unknown =>
    parameter.type === 'Integer' ? (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text) : text.trim();
  const text = await vscode.window.showInputBox({
    title: `Set ${parameter.label} to`,
    prompt:
      parameter.type === 'Integer'
        ? `A whole number, at most ${MAX_INTEGER_DIGITS} digits`
        : 'A date, YYYY-MM-DD',
    validateInput: (input) => {
      const checked = checkValue(parameter.type, parse(input));
      return checked.ok ? undefined : checked.message;
    },
  });
  if (text === undefined) return undefined;
  const checked = checkValue(parameter.type, parse(text));
  return checked.ok ? { value: checked.value } : undefined;
}

async function setForGroup(
  services: FeatureServices,
  run: Run,
  pkg: Package,
  parameter: FeatureParameterCounts,
  status: LicenseGroupStatus | undefined,
  value: FeatureValue,
): Promise<void> {
  const target = { id: parameter.id, label: parameter.label, type: parameter.type };
  const scope = { kind: 'group' as const, packageId: pkg.id, status };
  const preview = await run.progress(`Previewing ${parameter.label} on ${pkg.name}`, () =>
    previewBulkFeatureChange(services.session, target, scope, value),
  );
  const ready = preview.items.filter((i) => i.plan.kind === 'ready').length;
  const what = `${parameter.label} = ${formatValue(parameter.type, value)}`;
  if (!ready) {
    void vscode.window.showInformationMessage(`${what}: nothing to change (${preview.summary}).`);
    return;
  }
  // A change that takes something away is confirmed by the use case, naming the customers; any other
  // change still says what it does before it writes.
  if (preview.confirmation.kind === 'none') {
    const answer = await askConfirmation(
      { kind: 'confirm', message: `${what} for ${pkg.name}: ${preview.summary}.` },
      `Set on ${ready} ${ready === 1 ? 'License' : 'Licenses'}`,
    );
    if (answer === undefined) return;
  }
  const outcome = await run.progress(`Setting ${what}`, (signal) =>
    applyBulkFeatureChange(services.session, preview, askConfirmation, { editable: true, signal }),
  );
  if ('kind' in outcome) return;
  services.tree.featureParametersChanged(pkg.id);
  services.licenseChanged();
  await report(services, what, outcome);
}

async function report(services: FeatureServices, what: string, result: BulkFeatureReport): Promise<void> {
  const text = [
    `# ${what}`,
    '',
    result.message,
    '',
    ...licenseSection(
      'Set',
      result.applied.map((l) => licenseRow(l)),
    ),
    ...licenseSection(
      'Not set',
      result.failed.map((f) => licenseRow(f.license, f.reason)),
    ),
    ...licenseSection(
      'Already so',
      result.unchanged.map((l) => licenseRow(l)),
    ),
  ].join('\n');
  const uri = services.reports.add(`feature-parameter-${new Date().toISOString().slice(0, 10)}.md`, text);
  const show = 'Show Report';
  const answer = result.failed.length
    ? await vscode.window.showWarningMessage(result.message, show)
    : await vscode.window.showInformationMessage(result.message, show);
  if (answer === show) await services.reports.show(uri);
}
