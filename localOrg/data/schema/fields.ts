// Small constructors so object definitions read like the LMA's field tables.
import type { FieldDef } from './types';

type Extra = Partial<FieldDef>;
const base = (name: string, label: string, type: FieldDef['type'], extra: Extra): FieldDef => ({
  name,
  label,
  type,
  createable: true,
  updateable: true,
  custom: name.endsWith('__c'),
  ...extra,
});

export const text = (name: string, label: string, length: number, extra: Extra = {}): FieldDef =>
  base(name, label, 'string', { length, ...extra });
export const textArea = (name: string, label: string, extra: Extra = {}): FieldDef =>
  base(name, label, 'textarea', { length: 32768, ...extra });
/**
 * Fields SOQL can't filter, sort or group on: long text areas (more than 255 characters; a Text
 * Area(255) such as BillingStreet can be), compound addresses and anyType.
 */
export const isOpaque = (f: FieldDef): boolean =>
  (f.type === 'textarea' && (f.length ?? 32768) > 255) || f.type === 'anyType' || f.type === 'address';
export const email = (name: string, label: string, extra: Extra = {}): FieldDef =>
  base(name, label, 'email', { length: 80, ...extra });
export const phone = (name: string, label: string): FieldDef => base(name, label, 'phone', { length: 40 });
export const url = (name: string, label: string): FieldDef => base(name, label, 'url', { length: 255 });
export const checkbox = (name: string, label: string, extra: Extra = {}): FieldDef =>
  base(name, label, 'boolean', { defaultValue: false, ...extra });
export const number = (
  name: string,
  label: string,
  precision: number,
  scale = 0,
  extra: Extra = {},
): FieldDef =>
  // Custom Number fields are doubles in the API whatever their scale (Seats is Number(8,0) and a double).
  base(name, label, !name.endsWith('__c') && scale === 0 && precision <= 9 ? 'int' : 'double', {
    precision,
    scale,
    ...extra,
  });
export const currency = (
  name: string,
  label: string,
  precision = 18,
  scale = 2,
  extra: Extra = {},
): FieldDef => base(name, label, 'currency', { precision, scale, ...extra });
export const percent = (name: string, label: string, precision = 3, scale = 0, extra: Extra = {}): FieldDef =>
  base(name, label, 'percent', { precision, scale, ...extra });
export const date = (name: string, label: string, extra: Extra = {}): FieldDef =>
  base(name, label, 'date', extra);
export const dateTime = (name: string, label: string, extra: Extra = {}): FieldDef =>
  base(name, label, 'datetime', extra);
export const picklist = (
  name: string,
  label: string,
  values: string[],
  extra: Extra & { defaultPick?: string; restricted?: boolean } = {},
): FieldDef => {
  const { defaultPick, restricted, ...rest } = extra;
  return base(name, label, 'picklist', {
    length: 255,
    picklist: {
      values,
      restricted: restricted ?? true,
      ...(defaultPick ? { defaultValue: defaultPick } : {}),
    },
    ...(defaultPick ? { defaultValue: defaultPick } : {}),
    ...rest,
  });
};
export const lookup = (
  name: string,
  label: string,
  target: string,
  relationshipName: string,
  childRelationshipName: string | undefined,
  extra: Extra = {},
): FieldDef =>
  base(name, label, 'reference', {
    length: 18,
    referenceTo: [target],
    relationshipName,
    ...(childRelationshipName ? { childRelationshipName } : {}),
    indexed: true,
    ...extra,
  });

/** A formula field: computed on read, never written. */
export const formula = (
  name: string,
  label: string,
  type: FieldDef['type'],
  calculatedFormula: string,
  compute: FieldDef['formula'],
  extra: Extra = {},
): FieldDef =>
  base(name, label, type, {
    calculatedFormula,
    formula: compute,
    createable: false,
    updateable: false,
    ...(type === 'string' ? { length: 1300 } : {}),
    ...extra,
  });

/** Fields every sObject has; `owner` adds OwnerId. */
export function systemFields(opts: { owner?: boolean; lastModified?: boolean } = {}): FieldDef[] {
  const readOnly = { createable: false, updateable: false };
  const fields: FieldDef[] = [
    base('Id', 'Record ID', 'id', { length: 18, ...readOnly, indexed: true }),
    checkbox('IsDeleted', 'Deleted', readOnly),
    dateTime('CreatedDate', 'Created Date', readOnly),
    lookup('CreatedById', 'Created By ID', 'User', 'CreatedBy', undefined, { ...readOnly, indexed: false }),
  ];
  if (opts.lastModified !== false) {
    fields.push(
      dateTime('LastModifiedDate', 'Last Modified Date', readOnly),
      lookup('LastModifiedById', 'Last Modified By ID', 'User', 'LastModifiedBy', undefined, {
        ...readOnly,
        indexed: false,
      }),
      dateTime('SystemModstamp', 'System Modstamp', readOnly),
    );
  }
  if (opts.owner)
    fields.push(lookup('OwnerId', 'Owner ID', 'User', 'Owner', undefined, { createable: true }));
  return fields;
}
