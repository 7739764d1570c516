import type * as Salesforce from './salesforce';

let loading: Promise<typeof Salesforce> | undefined;

/**
 * Loads dist/salesforce.js on first use. esbuild keeps it out of the extension bundle (see
 * scripts/build.mjs), so activation never pays the ~0.5 s that @salesforce/core costs to load.
 */
export function loadSalesforce(): Promise<typeof Salesforce> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a sibling bundle, loaded at run time
  loading ??= Promise.resolve().then(() => require('./salesforce.js') as typeof Salesforce);
  return loading;
}
