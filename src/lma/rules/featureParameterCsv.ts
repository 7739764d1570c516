/**
 * The CSV of a package's feature parameters: one row per License (the license export's identity
 * columns), then one column per parameter, headed by its label, type and direction. Cells go through
 * the license export's `csvCell` (RFC 4180, formula-safe).
 */
import { csvRow, type Cell } from './licenseCsv';
import type { FeatureDirection, FeatureType, FeatureValue } from './featureParameters';

export interface CsvParameter {
  id: string;
  label: string;
  type: FeatureType;
  direction: FeatureDirection;
}

export interface CsvLicense {
  id: string;
  name: string;
  status: string | undefined;
  subscriberOrgId: string | undefined;
  customerName: string | undefined;
}

export const FEATURE_CSV_LICENSE_COLUMNS = [
  'License ID',
  'License Name',
  'Status',
  'Subscriber Org ID',
  'Account',
];

export function featureCsvHeader(parameters: readonly CsvParameter[]): string {
  return csvRow([
    ...FEATURE_CSV_LICENSE_COLUMNS,
    ...parameters.map(
      (p) =>
        `${p.label} (${p.type}, ${p.direction === 'LmoToSubscriber' ? 'LMO to subscriber' : 'subscriber to LMO'})`,
    ),
  ]);
}

/** One License's row; a parameter the License has no value record for is an empty cell. */
export function featureCsvRow(
  license: CsvLicense,
  parameters: readonly CsvParameter[],
  values: ReadonlyMap<string, FeatureValue>,
): string {
  const cells: Cell[] = [
    license.id,
    license.name,
    license.status,
    license.subscriberOrgId,
    license.customerName,
  ];
  for (const p of parameters) cells.push(values.get(p.id) ?? null);
  return csvRow(cells);
}

export function featureCsvFileName(packageName: string, today: Date = new Date()): string {
  const safe = packageName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'package';
  return `${safe}-feature-parameters-${today.toISOString().slice(0, 10)}.csv`;
}
