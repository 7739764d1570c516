// The Feature Management App in the LMO: whether it is installed, which users may only read its
// objects, the feature parameters each package declares, and the values travelling between the LMO
// and subscriber test orgs.
//   - A package declares parameters (2GP metadata FeatureParameterBoolean/Integer/Date, each with a
//     data flow direction and a default value). When a License is written for an install, the FMA
//     creates the package's sfFma__FeatureParameter__c records (once) and one value junction per
//     parameter for that License. Declaring parameters on a package whose Licenses exist already
//     gives those Licenses their junctions too (as if each had installed a version with them).
//   - LMO to Subscriber: an edit of a junction's value in the LMO reaches the subscriber org
//     `timing.fmaToSubscriberMs` after the edit (read there through the admin API and the CLI).
//   - Subscriber to LMO: a value set in a test org (by the package's Apex, here the admin API)
//     arrives in the LMO's junction `timing.fmaToLmoMs` later, written by the FMA itself.
import { SalesforceError } from '../data/errors';
import {
  FEATURE_DATA_TYPES,
  FEATURE_PARAMETER,
  JUNCTION_OF,
  LMO_TO_SUBSCRIBER,
  SUBSCRIBER_TO_LMO,
  type FeatureDataType,
} from '../data/schema/fma';
import type { WorldCore } from './core';
import { applyLmaSetup } from './lmaSetup';
import type { PartnerConsole } from './partnerConsole';
import type {
  DeclaredParameter,
  FeatureDirection,
  FeatureValue,
  FmaState,
  OrgState,
  SubscriberFeatureValue,
} from './state';

export type { DeclaredParameter, FeatureDirection, FeatureValue, FmaState, SubscriberFeatureValue };

const DIRECTION_PICK: Record<FeatureDirection, string> = {
  LmoToSubscriber: LMO_TO_SUBSCRIBER,
  SubscriberToLmo: SUBSCRIBER_TO_LMO,
};

const invalid = (message: string) => new SalesforceError('INVALID_INPUT', message);

const isDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** A value of the type, or INVALID_INPUT naming what is wrong. */
export function checkFeatureValue(type: FeatureDataType, value: unknown, what: string): FeatureValue {
  if (value === null) return null;
  if (type === 'Boolean' && typeof value === 'boolean') return value;
  if (type === 'Integer' && typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (type === 'Date' && isDate(value)) return value;
  throw invalid(
    `${what} must be ${type === 'Boolean' ? 'true or false' : type === 'Integer' ? 'a whole number' : 'a date YYYY-MM-DD'}`,
  );
}

export function checkDeclared(input: unknown): DeclaredParameter[] {
  if (!Array.isArray(input)) throw invalid('parameters must be a list');
  const seen = new Set<string>();
  return input.map((raw: unknown, i) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const where = `parameters[${i}]`;
    if (typeof p.fullName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(p.fullName))
      throw invalid(`${where}.fullName must be a developer name`);
    if (seen.has(p.fullName.toLowerCase()))
      throw invalid(`${where}.fullName ${p.fullName} is declared twice`);
    seen.add(p.fullName.toLowerCase());
    if (!FEATURE_DATA_TYPES.includes(p.type as FeatureDataType))
      throw invalid(`${where}.type must be Boolean, Integer or Date`);
    if (p.direction !== 'LmoToSubscriber' && p.direction !== 'SubscriberToLmo')
      throw invalid(`${where}.direction must be LmoToSubscriber or SubscriberToLmo`);
    const type = p.type as FeatureDataType;
    const label = p.label === undefined ? p.fullName : p.label;
    if (typeof label !== 'string' || !label.trim() || label.length > 80)
      throw invalid(`${where}.label must be text of up to 80 characters`);
    if (p.introducedIn !== undefined && p.introducedIn !== null && typeof p.introducedIn !== 'string')
      throw invalid(`${where}.introducedIn must be a version number`);
    return {
      fullName: p.fullName,
      label,
      type,
      direction: p.direction,
      value: checkFeatureValue(type, p.value ?? null, `${where}.value`),
      introducedIn: (p.introducedIn as string | null | undefined) ?? null,
    };
  });
}

const key = (orgId: string, packageId: string, fullName: string): string =>
  `${orgId.slice(0, 15)}/${packageId}/${fullName}`;

export class Fma {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly world: WorldCore & { readonly console: PartnerConsole }) {}

  private get state(): FmaState {
    return (this.world.state.fma ??= {});
  }

  get installed(): boolean {
    return this.state.installed === true;
  }

  /** Installs the FMA in the LMO (or takes it away): its objects appear (or disappear) for every user. */
  setInstalled(on: boolean): void {
    this.state.installed = on;
    this.world.save();
    this.apply();
  }

  /** The data layer's view of the FMA: the objects, and the users without edit access to them. */
  apply(): void {
    applyLmaSetup(this.world);
  }

  declared(packageId: string): DeclaredParameter[] {
    return this.state.declared?.[packageId] ?? [];
  }

  /**
   * Declares the package's parameters (replacing the list; a parameter's type and direction can't
   * change once released). Licenses of the package that exist get their values now.
   */
  async declare(packageRef: string, input: unknown): Promise<DeclaredParameter[]> {
    const pkg = this.world.console.package(packageRef);
    const parameters = checkDeclared(input);
    for (const before of this.declared(pkg.id)) {
      const now = parameters.find((p) => p.fullName === before.fullName);
      if (now && (now.type !== before.type || now.direction !== before.direction))
        throw invalid(`${before.fullName}: the type and data flow direction can't change after release`);
    }
    (this.state.declared ??= {})[pkg.id] = parameters;
    this.world.save();
    if (this.installed) {
      const packageRowId = await this.world.console.lmaPackageId(pkg);
      const licenses = this.world
        .platform(this.world.lmo)
        .query(
          `SELECT Id FROM sfLma__License__c WHERE sfLma__Package_Version__r.sfLma__Package__c = '${packageRowId}'`,
        )
        .records.map((l) => String(l.Id));
      await this.giveValues(pkg.id, licenses);
    }
    return parameters;
  }

  /** The FMA's writes for a License the LMA wrote for an install: the parameters, then the License's values. */
  async onLicense(packageId: string, licenseId: string): Promise<void> {
    await this.giveValues(packageId, [licenseId]);
  }

  /** The package's parameter records (created once), then a value for each License that lacks one (one write per type). */
  private async giveValues(packageId: string, licenseIds: string[]): Promise<void> {
    const declared = this.declared(packageId);
    if (!this.installed || !declared.length) return;
    const pkg = this.world.console.package(packageId);
    const lmo = this.world.platform(this.world.lmo);
    const packageRowId = await this.world.console.lmaPackageId(pkg);
    const existing = lmo.query(
      `SELECT Id, sfFma__FullName__c FROM ${FEATURE_PARAMETER} WHERE sfFma__Package__c = '${packageRowId}'`,
    ).records;
    for (const p of declared) {
      let parameterId = existing.find((r) => r.sfFma__FullName__c === p.fullName)?.Id as string | undefined;
      if (!parameterId) {
        parameterId = (
          await lmo.create(FEATURE_PARAMETER, {
            Name: p.label,
            sfFma__FullName__c: p.fullName,
            sfFma__DataType__c: p.type,
            sfFma__DataFlowDirection__c: DIRECTION_PICK[p.direction],
            sfFma__Package__c: packageRowId,
            sfFma__IntroducedInPackageVersion__c: p.introducedIn,
            sfFma__Namespace_Prefix__c: pkg.namespace,
          })
        ).id;
      }
      const junction = JUNCTION_OF[p.type];
      const has = new Set(
        lmo
          .query(
            `SELECT sfFma__License__c FROM ${junction} WHERE sfFma__FeatureParameter__c = '${parameterId}'`,
          )
          .records.map((r) => String(r.sfFma__License__c)),
      );
      const missing = licenseIds.filter((id) => !has.has(id));
      if (missing.length)
        await lmo.bulkInsert(
          junction,
          missing.map((licenseId) => ({
            sfFma__FeatureParameter__c: parameterId,
            sfFma__License__c: licenseId,
            sfFma__Value__c: p.value,
          })),
        );
    }
  }

  /** The License the LMA keeps for an org's install of a package (not an Uninstalled one). */
  private licenseOf(org: OrgState, packageRowId: string): string | undefined {
    const orgId15 = org.id.slice(0, 15);
    return this.world
      .platform(this.world.lmo)
      .query(
        `SELECT Id, sfLma__Subscriber_Org_ID__c, sfLma__Status__c FROM sfLma__License__c WHERE sfLma__Subscriber_Org_ID__c = '${orgId15}' AND sfLma__Package_Version__r.sfLma__Package__c = '${packageRowId}' ORDER BY CreatedDate DESC`,
      )
      .records.find((r) => r.sfLma__Subscriber_Org_ID__c === orgId15 && r.sfLma__Status__c !== 'Uninstalled')
      ?.Id as string | undefined;
  }

  /** The LMO's junction of a License's parameter, with its value and when it was last changed. */
  private junction(
    licenseId: string,
    p: DeclaredParameter,
  ): { Id: string; value: FeatureValue; lastModified: number } | undefined {
    const r = this.world
      .platform(this.world.lmo)
      .query(
        `SELECT Id, sfFma__Value__c, LastModifiedDate FROM ${JUNCTION_OF[p.type]} WHERE sfFma__License__c = '${licenseId}' AND sfFma__FeatureParameter__r.sfFma__FullName__c = '${p.fullName}'`,
      ).records[0];
    if (!r) return undefined;
    return {
      Id: String(r.Id),
      value: (r.sfFma__Value__c ?? null) as FeatureValue,
      lastModified: Date.parse(String(r.LastModifiedDate).replace('+0000', 'Z')),
    };
  }

  /**
   * The feature parameter values a test org holds, for each package installed there that declares
   * any: LMO-to-subscriber values as they were `timing.fmaToSubscriberMs` ago in the LMO.
   */
  async subscriberValues(orgRef: string): Promise<SubscriberFeatureValue[]> {
    const org = this.subscriberOrg(orgRef);
    await this.settleDue();
    const out: SubscriberFeatureValue[] = [];
    const values = (this.state.subscriber ??= {});
    let changed = false;
    for (const installed of this.world.state.installed.filter((i) => i.orgId === org.id)) {
      const declared = this.declared(installed.packageId);
      if (!declared.length) continue;
      const pkg = this.world.console.package(installed.packageId);
      const licenseId = this.installed
        ? this.licenseOf(org, await this.world.console.lmaPackageId(pkg))
        : undefined;
      for (const p of declared) {
        const k = key(org.id, pkg.id, p.fullName);
        if (p.direction === 'LmoToSubscriber' && licenseId) {
          const j = this.junction(licenseId, p);
          const arrived = j && Date.now() - j.lastModified >= this.world.timing.fmaToSubscriberMs;
          if (j && arrived && values[k]?.value !== j.value) {
            values[k] = { value: j.value, at: this.world.now().toISOString() };
            changed = true;
          }
        }
        out.push({
          package: pkg.id,
          fullName: p.fullName,
          type: p.type,
          direction: p.direction,
          value: k in values ? values[k]!.value : p.value,
        });
      }
    }
    if (changed) this.world.save();
    return out;
  }

  /**
   * Sets a Subscriber-to-LMO value in a test org, as the package's Apex does
   * (`FeatureManagement.setPackageBooleanValue` …); it reaches the LMO `timing.fmaToLmoMs` later.
   */
  setSubscriberValue(
    orgRef: string,
    input: { package?: unknown; fullName?: unknown; value?: unknown },
  ): SubscriberFeatureValue {
    const org = this.subscriberOrg(orgRef);
    if (typeof input.package !== 'string') throw invalid('package (033 id or name) is required');
    const pkg = this.world.console.package(input.package);
    if (!this.world.state.installed.some((i) => i.orgId === org.id && i.packageId === pkg.id))
      throw invalid(`${pkg.name} is not installed in ${org.name}.`);
    const p = this.declared(pkg.id).find((d) => d.fullName === input.fullName);
    if (!p) throw invalid(`${pkg.name} declares no feature parameter ${String(input.fullName)}`);
    if (p.direction !== 'SubscriberToLmo')
      throw invalid(
        `${p.fullName} is LMO to Subscriber: the package's code in the subscriber org can only read it`,
      );
    const value = checkFeatureValue(p.type, input.value, 'value');
    (this.state.subscriber ??= {})[key(org.id, pkg.id, p.fullName)] = {
      value,
      at: this.world.now().toISOString(),
    };
    const delay = this.world.timing.fmaToLmoMs;
    (this.state.pending ??= []).push({
      orgId: org.id,
      packageId: pkg.id,
      fullName: p.fullName,
      value,
      dueAt: Date.now() + delay,
    });
    this.world.save();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.settleDue().catch(() => undefined);
    }, delay);
    timer.unref();
    this.timers.add(timer);
    return { package: pkg.id, fullName: p.fullName, type: p.type, direction: p.direction, value };
  }

  /** Writes the Subscriber-to-LMO values whose time has come into the LMO (also after a restart). */
  async settleDue(): Promise<void> {
    if (this.world.db.inTransaction) return;
    const pending = this.state.pending ?? [];
    const due = pending.filter((p) => p.dueAt <= Date.now());
    if (!due.length) return;
    this.state.pending = pending.filter((p) => !due.includes(p));
    this.world.save();
    for (const d of due) {
      const p = this.declared(d.packageId).find((x) => x.fullName === d.fullName);
      if (!p || !this.installed) continue;
      const pkg = this.world.console.package(d.packageId);
      const licenseId = this.licenseOf(this.world.org(d.orgId), await this.world.console.lmaPackageId(pkg));
      const j = licenseId && this.junction(licenseId, p);
      if (j)
        await this.world
          .platform(this.world.lmo)
          .update(JUNCTION_OF[p.type], j.Id, { sfFma__Value__c: d.value });
    }
  }

  private subscriberOrg(ref: string): OrgState {
    const org = this.world.org(ref);
    if (org.kind !== 'subscriber') throw invalid('Feature parameter values are held by test orgs.');
    return org;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
