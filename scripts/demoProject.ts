// The sfdx-project.json of the demo (and of the benchmarks that drive the demo's VS Code).
/**
 * An ISV's project over the demo packages: Acme Billing with its default licensing terms, and Acme Labs
 * Toolkit, which the LMO doesn't know (installs of it create no License).
 */
export function demoProject(
  packages: { id: string; name: string; versions: { id: string; isBeta: boolean }[] }[],
) {
  const named = (name: string) => packages.find((pkg) => pkg.name === name)!;
  const billing = named('Acme Billing');
  const labs = named('Acme Labs Toolkit');
  const released = billing.versions.filter((version) => !version.isBeta).at(-1)!;
  const project = {
    packageDirectories: [
      { path: 'force-app', default: true, package: 'Acme Billing', versionNumber: '2.1.0.NEXT' },
      { path: 'labs', package: 'Acme Labs Toolkit', versionNumber: '0.4.0.NEXT' },
    ],
    name: 'acme-billing',
    namespace: 'acmebill',
    sfdcLoginUrl: 'https://login.salesforce.com',
    sourceApiVersion: '66.0',
    packageAliases: {
      'Acme Billing': billing.id,
      'Acme Billing@2.0.0-1': released.id,
      'Acme Labs Toolkit': labs.id,
    },
    plugins: {
      lma: { defaultLicensing: { 'Acme Billing': { status: 'Trial', trialDays: 30, seats: 10 } } },
    },
  };
  return `${JSON.stringify(project, null, 2)}\n`;
}
