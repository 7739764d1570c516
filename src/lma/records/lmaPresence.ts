import { toLmoError } from '../../org/errors';
import { describeAll } from './lmaFields';
import { LMA_OBJECT_LABELS, LMA_OBJECTS, type LmaObject } from './objects';
import { queryPage, toolingQuery, type LmoApi } from './lmoApi';
import type { LmaFields, LmaPresence, SessionState } from '../../org/lmoSession';

export type { LmaPresence };

/**
 * Is this org an LMO, and may this user read it? A real org answers INVALID_TYPE on the LMA's objects
 * both where the LMA is not installed and where the user has no permission on them; the installed
 * packages (InstalledSubscriberPackage, readable without that permission) tell the two apart, and
 * describeGlobal which objects the user lacks. When the LMA is there, its three objects are described
 * once, here: every query of the connection then names only fields the org has (lmaFields.ts). The
 * installed LMA's version is read only where it tells the cases apart; otherwise on demand (readLmaVersion).
 */
export async function checkLmaPresence(api: LmoApi): Promise<LmaPresence> {
  if (api.apiVersion) return checkInOneRequest(api);
  try {
    await queryPage(api, 'SELECT Id FROM sfLma__License__c LIMIT 1');
  } catch (error) {
    if (!isUnknownObject(error)) throw toLmoError(error);
    const installed = await readInstalledLma(api);
    if (!installed) return { kind: 'notInstalled' };
    return { kind: 'noAccess', version: installed.version, missing: await hiddenObjects(api) };
  }
  const fields = await readFields(api);
  if (!fields) {
    const installed = await readInstalledLma(api);
    return { kind: 'noAccess', version: installed?.version, missing: await hiddenObjects(api) };
  }
  return { kind: 'installed', fields };
}

/**
 * The same answer in one request where the LMA is there: the three describes in one composite (an
 * object the LMA lacks, or this user can't see, answers NOT_FOUND there, as the License query would
 * INVALID_TYPE). Only then is the installed LMA read through Tooling, to tell the two apart.
 */
async function checkInOneRequest(api: LmoApi): Promise<LmaPresence> {
  const fields = await readFields(api);
  if (fields) return { kind: 'installed', fields };
  const installed = await readInstalledLma(api);
  if (!installed) return { kind: 'notInstalled' };
  return { kind: 'noAccess', version: installed.version, missing: await hiddenObjects(api) };
}

/** The LMA's fields, or undefined when one of its objects is unknown to this user (not there, or no access). */
async function readFields(api: LmoApi): Promise<LmaFields | undefined> {
  const all = describeAll(api);
  try {
    const names = async (object: LmaObject) => (await all[object]).fields.map((f) => f.name);
    const [license, pkg, packageVersion] = await Promise.all([
      names('license'),
      names('package'),
      names('packageVersion'),
    ]);
    return { license, package: pkg, packageVersion };
  } catch (error) {
    if (isUnknownObject(error)) return undefined;
    throw toLmoError(error);
  }
}

/** What a user without access to the LMA's objects asks their admin for, in a sentence. */
export function noAccessAdvice(missing: readonly string[]): string {
  const objects = missing.length ? missing : Object.values(LMA_OBJECT_LABELS);
  return `this user can't read its ${list(objects)} records. Ask your Salesforce admin for the Read permission on ${list(objects)} (the License Management App's permission set, or object permissions in the user's profile).`;
}

const list = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

function isUnknownObject(error: unknown): boolean {
  const code = toLmoError(error).errorCode;
  // Describe of an object the user can't see answers NOT_FOUND; a query, INVALID_TYPE.
  return code === 'INVALID_TYPE' || code === 'NOT_FOUND';
}

/** The installed LMA's version, read once per connection: the connected state it was read for. */
const versions = new WeakMap<object, Promise<string | undefined>>();

/**
 * The installed LMA's version (`1.20`), or undefined when this user can't read the installed packages.
 * Connecting doesn't read it (a process that only exports would pay a Tooling query for nothing): the
 * first caller does, in one request, and the answer is kept for this connection (a reconnect, a switch
 * of org, reads it again). Where connecting had to read it (the objects hidden from this user), no request.
 */
export function readLmaVersion(
  session: LmoApi & { readonly state: SessionState },
): Promise<string | undefined> {
  const state = session.state;
  if (state.kind !== 'connected' || state.lma.kind === 'notInstalled') return Promise.resolve(undefined);
  if (state.lma.kind === 'noAccess') return Promise.resolve(state.lma.version);
  let version = versions.get(state);
  if (!version) {
    version = readInstalledLma(session).then((installed) => installed?.version);
    versions.set(state, version);
  }
  return version;
}

interface InstalledPackageRow {
  SubscriberPackageVersion: { MajorVersion: number; MinorVersion: number } | null;
}

/** The LMA among the installed packages (undefined: not there, or not readable by this user). */
async function readInstalledLma(api: LmoApi): Promise<{ version: string | undefined } | undefined> {
  try {
    const page = await toolingQuery<InstalledPackageRow>(
      api,
      "SELECT SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion FROM InstalledSubscriberPackage WHERE SubscriberPackage.NamespacePrefix = 'sfLma'",
    );
    const row = page.records[0];
    if (!row) return undefined;
    const version = row.SubscriberPackageVersion;
    return { version: version ? `${version.MajorVersion}.${version.MinorVersion}` : undefined };
  } catch {
    return undefined; // Not readable with this user's permissions: the LMA can't be told apart then.
  }
}

/** The LMA objects (by label) that describeGlobal doesn't list for this user. */
async function hiddenObjects(api: LmoApi): Promise<string[]> {
  const all = Object.keys(LMA_OBJECTS) as LmaObject[];
  try {
    const global = await api.request<{ sobjects: { name: string }[] }>('/sobjects');
    const visible = new Set(global.sobjects.map((s) => s.name.toLowerCase()));
    return all.filter((o) => !visible.has(LMA_OBJECTS[o].toLowerCase())).map((o) => LMA_OBJECT_LABELS[o]);
  } catch {
    return all.map((o) => LMA_OBJECT_LABELS[o]);
  }
}
