import type { OrgConnection } from '../../org/connection';
import { findPackageTerms, readProjectDocument, type ProjectFacts } from '../project/projectDocument';
import { toId15 } from '../records/soql';
import type { TestInstallRun } from './testInstall';

/** The one wording, for the command and the CLI alike. */
export const TARGET_IS_LMO =
  'The target org is the LMO itself: a test install goes into a separate test org.';

/** A test install ready to run: the test org open, and the terms to verify the License against. */
export interface PreparedTestInstall {
  kind: 'ready';
  connection: OrgConnection;
  /** The test org as `runTestInstall` takes it. */
  target: TestInstallRun['target'];
  /** The package's default terms in sfdx-project.json (plugins.lma), as the project read then says. */
  termsFor: TestInstallRun['termsFor'];
}

/**
 * What the command and `lma-explorer test-install` both do before a test install: open the test org,
 * refuse the LMO itself as the target (by org id, whatever alias names it), and build the terms to
 * verify from the project's text. The ports say how each host opens an org and reads the project
 * (the editor's text, or a file).
 */
export async function prepareTestInstall(ports: {
  lmoOrgId: string;
  openTarget: () => Promise<OrgConnection>;
  readProject: () => Promise<ProjectFacts | string | undefined>;
}): Promise<PreparedTestInstall | { kind: 'targetIsLmo'; message: string }> {
  const connection = await ports.openTarget();
  if (toId15(connection.orgId) === toId15(ports.lmoOrgId))
    return { kind: 'targetIsLmo', message: TARGET_IS_LMO };
  const read = await ports.readProject();
  const project = typeof read === 'string' ? readProjectDocument(read) : read;
  return {
    kind: 'ready',
    connection,
    target: {
      username: connection.username,
      orgId: connection.orgId,
      request: (path, options) => connection.request(path, options),
    },
    termsFor: (installed) => (project ? findPackageTerms(project, installed)?.terms : undefined),
  };
}
