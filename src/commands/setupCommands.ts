import * as vscode from 'vscode';
import { commands, workbenchCommands } from '../ids';
import type { WorkspacePackage } from '../lma/project/sfdxProject';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';
import { connectedLmo, connectedOrg, project } from './pipeline';
import { commandPipeline } from './vscodePipeline';

/** The setup walkthrough's own steps: confirm the Partner Console, check the package associations. */
export function setupCommands(services: Services) {
  const pipeline = commandPipeline(services);
  return {
    [commands.confirmPartnerConsole]: pipeline.command(
      { title: 'Confirm the Partner Console', needs: { org: connectedOrg(services.session) } },
      async ({ org }) => {
        await services.partnerConsole.confirm(org.orgId);
        await services.setup.state(); // Checks again, which completes the walkthrough step.
      },
    ),
    [commands.checkAssociations]: pipeline.command(
      {
        title: 'Check Package Associations',
        needs: { project: project(services.project), lmo: connectedLmo(services.session) },
      },
      ({ project }) => reportAssociations(services, project),
    ),
  } satisfies Partial<CommandHandlers>;
}

/** Says which workspace packages the LMO doesn't know, for the walkthrough's step 3. */
async function reportAssociations({ setup }: Services, packages: WorkspacePackage[]): Promise<void> {
  const state = await setup.state();
  if (!packages.length) {
    void vscode.window.showInformationMessage('sfdx-project.json declares no package to check.');
    return;
  }
  await vscode.commands.executeCommand(workbenchCommands.focusLmoView);
  if (state.unassociated.length === 0)
    void vscode.window.showInformationMessage(
      `Every package of sfdx-project.json is associated with this LMO.`,
    );
  else
    void vscode.window.showWarningMessage(
      `Not associated with this LMO: ${state.unassociated.join(', ')}. Installs of ${state.unassociated.length === 1 ? 'it' : 'them'} create no License until ${state.unassociated.length === 1 ? 'it is' : 'they are'} associated in the Partner Console.`,
    );
}
