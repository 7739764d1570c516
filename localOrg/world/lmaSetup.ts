// Which LMA the LMO has, and how its admin customized it: the metadata side of the world, kept in
// world.json and re-applied to the data layer on every open.
//   - version 'older': the LMA before License → Package, the subscriber org fields and the version
//     numbers (the LMA-Ext metadata). Chosen when the world is created; its data is written to fit.
//   - licenseRules: the Modify License page's limits as validation rules on every API write (an
//     optional customization: a real LMA's metadata has none, and Status is not restricted).
//   - recordTypeFollowsStatus: an API update of Status moves the record type too (UNCONFIRMED on a
//     real LMO; off by default: the record type, and the LMA's License Status, stay behind).
//   - trackedFields: the License fields whose changes history records (Set History Tracking).
//   - users without access: LMO users without permission on the LMA's objects.
import { SalesforceError } from '../data/errors';
import type { LmaSetup } from '../data/index';
import type { WorldCore } from './core';

export type { LmaSetup };

/** What can be changed on a running world (the version is chosen at creation). */
export type LmaCustomizations = Pick<LmaSetup, 'licenseRules' | 'recordTypeFollowsStatus' | 'trackedFields'>;

/** The LMA setup and the users' access, as the world has them, applied to the data layer. */
export function applyLmaSetup(world: WorldCore): void {
  const lmo = world.db.org(world.lmo.id, { kind: 'lmo' });
  const saved = world.state.lma ?? {};
  lmo.setLma({
    version: saved.version ?? 'current',
    licenseRules: saved.licenseRules === true,
    recordTypeFollowsStatus: saved.recordTypeFollowsStatus === true,
    ...(saved.trackedFields ? { trackedFields: saved.trackedFields } : {}),
    fma: world.state.fma?.installed === true,
  });
  for (const user of world.state.orgs)
    if (user.id === world.lmo.id) {
      lmo.setLmaAccess(user.userId, user.lmaAccess !== false);
      lmo.setFmaEditAccess(user.userId, user.fmaEditAccess !== false);
    }
}

export function lmaSetup(world: WorldCore): LmaSetup {
  const saved = world.state.lma ?? {};
  const version = saved.version ?? 'current';
  return {
    version,
    licenseRules: saved.licenseRules === true,
    recordTypeFollowsStatus: saved.recordTypeFollowsStatus === true,
    trackedFields: saved.trackedFields ?? trackedDefault(version),
  };
}

const trackedDefault = (version: LmaSetup['version']): string[] =>
  version === 'current'
    ? ['sfLma__Status__c', 'sfLma__Seats__c', 'sfLma__Expiration__c', 'sfLma__Package_Version__c']
    : [];

/** The LMA version of a new world, before anything is written (a saved world keeps its own). */
export function chooseLmaVersion(world: WorldCore, version: LmaSetup['version'], fresh: boolean): void {
  const current = world.state.lma?.version ?? 'current';
  if (version === current) return;
  if (!fresh)
    throw new SalesforceError(
      'INVALID_INPUT',
      `This world's LMO has the ${current === 'older' ? 'older' : '1.20'} LMA; the LMA version is chosen when a world is created.`,
    );
  world.state.lma = { ...world.state.lma, version };
  world.save();
  applyLmaSetup(world);
}

/** Turns the customizations given on or off (or sets the tracked fields); returns the whole setup. */
export function setLmaCustomizations(world: WorldCore, changes: Partial<LmaCustomizations>): LmaSetup {
  for (const key of Object.keys(changes)) {
    if (key !== 'licenseRules' && key !== 'recordTypeFollowsStatus' && key !== 'trackedFields')
      throw new SalesforceError(
        'INVALID_INPUT',
        `Unknown LMA customization '${key}' (known: licenseRules, recordTypeFollowsStatus, trackedFields)`,
      );
  }
  for (const key of ['licenseRules', 'recordTypeFollowsStatus'] as const)
    if (changes[key] !== undefined && typeof changes[key] !== 'boolean')
      throw new SalesforceError('INVALID_INPUT', `${key} must be true or false`);
  if (
    changes.trackedFields !== undefined &&
    (!Array.isArray(changes.trackedFields) || changes.trackedFields.some((f) => typeof f !== 'string'))
  )
    throw new SalesforceError('INVALID_INPUT', 'trackedFields must be a list of License field names');
  const before = world.state.lma ?? {};
  const next = {
    ...before,
    ...(changes.licenseRules !== undefined ? { licenseRules: changes.licenseRules } : {}),
    ...(changes.recordTypeFollowsStatus !== undefined
      ? { recordTypeFollowsStatus: changes.recordTypeFollowsStatus }
      : {}),
    ...(changes.trackedFields !== undefined ? { trackedFields: [...changes.trackedFields] } : {}),
  };
  // The data layer checks the tracked fields exist before anything is saved.
  const lmo = world.db.org(world.lmo.id, { kind: 'lmo' });
  try {
    lmo.setLma({
      version: next.version ?? 'current',
      licenseRules: next.licenseRules === true,
      recordTypeFollowsStatus: next.recordTypeFollowsStatus === true,
      trackedFields: next.trackedFields ?? trackedDefault(next.version ?? 'current'),
    });
  } catch (e) {
    applyLmaSetup(world);
    throw new SalesforceError('INVALID_INPUT', (e as Error).message);
  }
  world.state.lma = next;
  world.save();
  return lmaSetup(world);
}
