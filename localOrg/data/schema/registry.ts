// Which sObjects an org has (by kind), looked up case-insensitively as
// Salesforce does, with child relationships derived from the lookups.
import { invalidField, invalidType } from '../errors';
import { fmaObjects } from './fma';
import { DEFAULT_TRACKED_FIELDS, lmaObjects, type LmaSchemaOptions } from './lma';
import {
  accountObject,
  contactObject,
  leadObject,
  opportunityObject,
  organizationObject,
  recordTypeObject,
  userObject,
} from './standard';
import { pushObjects } from './push';
import type { FieldDef, SObjectDef } from './types';

export type OrgKind = 'lmo' | 'devhub' | 'subscriber';

export interface ChildRelationship {
  relationshipName: string;
  childSObject: string;
  field: string;
  cascadeDelete: boolean;
}

/** An sObject definition plus the lookup tables queries and rules need. */
export class SObjectSchema {
  readonly def: SObjectDef;
  readonly fields: readonly FieldDef[];
  readonly childRelationships: ChildRelationship[] = [];
  private readonly byName = new Map<string, FieldDef>();
  /** By the name as declared: most writes spell fields so, which spares lower-casing each key. */
  private readonly byExactName = new Map<string, FieldDef>();
  private readonly byRelationship = new Map<string, FieldDef>();

  constructor(def: SObjectDef) {
    this.def = def;
    this.fields = def.fields;
    for (const f of def.fields) {
      this.byName.set(f.name.toLowerCase(), f);
      this.byExactName.set(f.name, f);
      if (f.relationshipName) this.byRelationship.set(f.relationshipName.toLowerCase(), f);
    }
  }

  get name(): string {
    return this.def.name;
  }

  field(name: string): FieldDef | undefined {
    return this.byExactName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  private requiredFields: readonly FieldDef[] | undefined;

  /** The fields a stored row must have a value for. */
  get required(): readonly FieldDef[] {
    return (this.requiredFields ??= this.fields.filter((f) => f.required));
  }

  /** The field or INVALID_FIELD naming it. */
  requireField(name: string): FieldDef {
    const f = this.field(name);
    if (!f) throw invalidField(name, this.def.name);
    return f;
  }

  /** The lookup field behind a parent relationship name such as `sfLma__Package__r`. */
  relationship(name: string): FieldDef | undefined {
    return this.byRelationship.get(name.toLowerCase());
  }

  childRelationship(name: string): ChildRelationship | undefined {
    const lower = name.toLowerCase();
    return this.childRelationships.find((c) => c.relationshipName.toLowerCase() === lower);
  }
}

/** The LMA as an LMO has it unless set up otherwise: 1.20, Status not restricted, its tracked fields. */
export const DEFAULT_LMA: LmaSchemaOptions = {
  version: 'current',
  restrictedStatus: false,
  trackedFields: DEFAULT_TRACKED_FIELDS.current,
};

export interface SchemaOptions {
  /** How the LMO's LMA is set up (LMO only). */
  lma?: LmaSchemaOptions;
  /** As a user without access to the LMA's objects sees the LMO: they are not there. */
  withoutLma?: boolean;
  /** The LMO has the Feature Management App (LMO only). */
  fma?: boolean;
  /** As a user without edit access to the FMA's objects sees them: readable, not writable. */
  fmaReadOnly?: boolean;
  /** As a Dev Hub user who can't see PackageSubscriber.HasRestrictionEnabled sees it: the field is not there. */
  withoutSubscriberRestriction?: boolean;
}
const STANDARD_OBJECTS = [
  organizationObject,
  userObject,
  recordTypeObject,
  accountObject,
  contactObject,
  leadObject,
  opportunityObject,
];

export class Schema {
  readonly kind: OrgKind;
  private readonly objects = new Map<string, SObjectSchema>();

  /** `added`: fields an org's admin added to its objects (by object name), after the standard ones. */
  constructor(
    kind: OrgKind,
    added: ReadonlyMap<string, readonly FieldDef[]> = new Map(),
    options: SchemaOptions = {},
  ) {
    this.kind = kind;
    // Only the LMO has the LMA installed; only a package's owner org (Dev Hub or packaging org) pushes.
    const defs =
      kind === 'lmo' && !options.withoutLma
        ? [
            ...STANDARD_OBJECTS,
            ...lmaObjects(options.lma ?? DEFAULT_LMA),
            ...(options.fma ? fmaObjects(options.fmaReadOnly === true) : []),
          ]
        : kind === 'devhub'
          ? [
              ...STANDARD_OBJECTS,
              ...(options.withoutSubscriberRestriction
                ? pushObjects.map((o) =>
                    o.name === 'PackageSubscriber'
                      ? { ...o, fields: o.fields.filter((f) => f.name !== 'HasRestrictionEnabled') }
                      : o,
                  )
                : pushObjects),
            ]
          : STANDARD_OBJECTS;
    for (const def of defs) {
      const extra = added.get(def.name.toLowerCase()) ?? [];
      const full = extra.length ? { ...def, fields: [...def.fields, ...extra] } : def;
      this.objects.set(def.name.toLowerCase(), new SObjectSchema(full));
    }
    for (const child of this.objects.values()) {
      for (const f of child.fields) {
        const target = f.referenceTo?.[0];
        const parent = target ? this.objects.get(target.toLowerCase()) : undefined;
        if (parent && f.childRelationshipName) {
          parent.childRelationships.push({
            relationshipName: f.childRelationshipName,
            childSObject: child.name,
            field: f.name,
            cascadeDelete: f.cascadeDelete === true,
          });
        }
      }
    }
  }

  all(): SObjectSchema[] {
    return [...this.objects.values()];
  }

  find(name: string): SObjectSchema | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** The object or INVALID_TYPE naming it. */
  require(name: string): SObjectSchema {
    const s = this.find(name);
    if (!s) throw invalidType(name);
    return s;
  }

  byKeyPrefix(prefix: string): SObjectSchema | undefined {
    return this.all().find((s) => s.def.keyPrefix === prefix);
  }
}

const cache = new Map<OrgKind, Schema>();
export function schemaFor(kind: OrgKind): Schema {
  let s = cache.get(kind);
  if (!s) cache.set(kind, (s = new Schema(kind)));
  return s;
}
