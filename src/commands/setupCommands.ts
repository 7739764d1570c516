import * as vscode from 'vscode';
import { commands, workbenchCommands } from '../ids';
import { SfdxProjectError } from '../lma/project/sfdxProject';
import type { Services } from '../services';
import type { CommandHandlers } from './commandTable';

/** The setup walkthrough's own steps: confirm the Partner Console, check the package associations. */
export function setupCommands(services: Services) {
  return {
    [commands.confirmPartnerConsole]: async () => {
      const state = services.session.state;
      if (state.kind !== 'connected') {
        void vscode.window.showWarningMessage('Connect the License Management Org first.');
        return;
      }
      await services.partnerConsole.confirm(state.org.orgId);
      await services.setup.state(); // Checks again, which completes the walkthrough step.
    },
    [commands.checkAssociations]: () => reportAssociations(services),
  } satisfies Partial<CommandHandlers>;
}

/** Says which workspace packages the LMO doesn't know, for the walkthrough's step 3. */
async function reportAssociations({ setup, project }: Services): Promise<void> {
  const packages = await project.packages();
  if (packages instanceof SfdxProjectError) {
    void vscode.window.showErrorMessage(packages.message);
    return;
  }
  const state = await setup.state();
  if (!state.lmaInstalled) {
    void vscode.window.showWarningMessage(
      'Connect the License Management Org first: associations are checked there.',
    );
    return;
  }
  if (!packages?.length) {
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
