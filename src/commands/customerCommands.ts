import * as vscode from 'vscode';
import { commands } from '../ids';
import { findLicenses, searchTermProblem } from '../lma/records/licenses';
import type { License } from '../lma/records/types';
import type { LmoSession } from '../org/lmoSession';
import type { Services } from '../services';
import type { LmaNode } from '../views/nodes';
import { CustomerPanel } from '../webviews/customerPanel';
import type { CommandHandlers } from './commandTable';
import { connectedLmo } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/**
 * Open Customer: the customer view of a License's subscriber org, from the tree (a License, its inline
 * action, Find License's results) or the palette (search, then pick an org).
 */
export function customerCommands(services: Services) {
  const { session } = services;
  const pipeline = commandPipeline(services);
  const needs = { lmo: connectedLmo(session) };

  return {
    [commands.openCustomer]: pipeline.command(
      { title: 'Open Customer', needs },
      async (_needs, _run, node?: LmaNode) => {
        const license = node?.kind === 'license' ? node.license : await pickOrg(session);
        if (!license) return;
        if (!license.subscriberOrgId) {
          void vscode.window.showErrorMessage(
            `${license.name} names no subscriber org: there is no customer view for it.`,
          );
          return;
        }
        CustomerPanel.show(
          services,
          license.subscriberOrgId,
          license.customerName ?? license.subscriberOrgId,
        );
      },
    ),
  } satisfies Partial<CommandHandlers>;
}

/** From the palette: look for a customer (org id or name), then pick one org among the Licenses found. */
async function pickOrg(session: LmoSession): Promise<License | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Open Customer',
    prompt: 'Subscriber org id (15 or 18 characters), or the customer (lead or account) name',
    validateInput: searchTermProblem,
  });
  if (!text || searchTermProblem(text)) return undefined;
  const found = await findLicenses(session, text.trim());
  const byOrg = new Map<string, License>();
  for (const license of found)
    if (license.subscriberOrgId && !byOrg.has(license.subscriberOrgId.slice(0, 15)))
      byOrg.set(license.subscriberOrgId.slice(0, 15), license);
  if (!byOrg.size) {
    void vscode.window.showInformationMessage(`No subscriber org matches “${text.trim()}”.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    [...byOrg.values()].map((license) => ({
      label: license.customerName ?? license.subscriberOrgId!,
      description: license.subscriberOrgId,
      detail: [license.orgEdition, license.orgInstance, license.isSandbox ? 'sandbox' : 'production']
        .filter(Boolean)
        .join(' · '),
      license,
    })),
    { title: 'Choose the subscriber org', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.license;
}
