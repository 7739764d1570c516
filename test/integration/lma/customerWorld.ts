// A customer for the customer view's tests and benchmark: one subscriber test org holding Licenses of
// five packages (the demo's two, and three more associated here), installed the way a customer
// installs them (PackageInstallRequest in the test org; the LMA writes the Licenses).
import type { LocalOrg } from 'lma-local-org';

interface ToolingAnswer {
  id?: string;
  Status?: string;
}

async function tooling(org: LocalOrg, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${org.instanceUrl}/services/data/v62.0/tooling${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as ToolingAnswer;
}

/** Installs a version in a test org and waits for the install to end (asked again until it says). */
export async function install(org: LocalOrg, token: string, versionId: string): Promise<void> {
  const { id } = await tooling(org, token, 'POST', '/sobjects/PackageInstallRequest', {
    SubscriberPackageVersionKey: versionId,
    SecurityType: 'none',
  });
  for (;;) {
    const { Status } = await tooling(org, token, 'GET', `/sobjects/PackageInstallRequest/${id}`);
    if (Status === 'SUCCESS') return;
    if (Status !== 'IN_PROGRESS') throw new Error(`install of ${versionId} ended ${Status}`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // asked again: the install has no event
  }
}

/**
 * Associates three more packages (five in all), creates a test org named `name` and installs the latest
 * released version of each. Start the org with `timing: { licenseDelayMs: 0 }` so the Licenses exist
 * when the installs succeed. Returns the test org's id and access token.
 */
export async function customerWithFivePackages(
  org: LocalOrg,
  name = 'Customer Five',
): Promise<{ orgId: string; token: string }> {
  const associated = org.console.packages().filter((p) => p.association);
  for (let i = associated.length; i < 5; i++) {
    const pkg = org.console.createPackage({ name: `Extra Package ${i + 1}`, namespace: `extra${i + 1}` });
    await org.console.createVersion(pkg.id, { version: '1.0.0', visibleAfterSeconds: 0 });
    await org.console.associate(pkg.id, { status: 'Trial', lengthDays: 30, seats: 5 });
  }
  const testOrg = await org.createTestOrg({ name, edition: 'Enterprise Edition' });
  const token = testOrg.accessToken!;
  for (const pkg of org.console.packages().filter((p) => p.association)) {
    const latest = pkg.versions.filter((v) => !v.isBeta).at(-1)!;
    await install(org, token, latest.id);
  }
  return { orgId: testOrg.id, token };
}
