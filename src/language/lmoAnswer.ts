/**
 * The extension's answer to the language server's `lma/lmoPackages`, from the one session's state.
 * Kept free of `vscode` so that the language-server tests answer exactly as the extension does.
 */
import type { LmoPackages } from '../protocol/languageServer';
import type { Package } from '../lma/records/types';
import type { SessionState } from '../org/lmoSession';

export async function answerLmoPackages(
  state: SessionState,
  packages: () => Promise<Package[]>,
): Promise<LmoPackages> {
  // An org without the LMA has no packages to speak of: the server then checks the rules only.
  if (state.kind !== 'connected' || state.lma.kind !== 'installed') return { connected: false };
  const { username, orgId, alias } = state.org;
  return {
    connected: true,
    org: { username, orgId, ...(alias ? { alias } : {}) },
    packages: await packages(),
  };
}
