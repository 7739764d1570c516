/**
 * The export's CSV (RFC 4180) and its columns: the tree's License fields, raw values next to the LMA's
 * human ones ("-1" and "Site License"), safe to open in a spreadsheet; and the file's suggested name.
 */
import type { License, LicenseGroup } from '../records/types';
import { formatExpiration, formatSeats } from './encodings';

// CSV (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds a quote, comma, CR or LF,
// with quotes doubled.
export type Cell = string | number | boolean | null | undefined;

// A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), @SUM(…), +cmd|…),
// tab and carriage return included (OWASP, "CSV Injection"); their full-width forms ＝ ＋ － ＠, which
// spreadsheets may fold to the ASCII signs; and a NUL or line feed, which some drop before looking.
const FORMULA_SIGNS = '=+\\-@\\t\\r\\n\\0\\uFF1D\\uFF0B\\uFF0D\\uFF20';
const FORMULA_START = new RegExp(`^[${FORMULA_SIGNS}]`);
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;
// Most text needs neither: one test lets it through as it is.
const PLAIN_TEXT = new RegExp(`^(?![${FORMULA_SIGNS}])[^",\\r\\n]*$`);

/**
 * One CSV field. Numbers and booleans are written as they are (Seats -1 stays -1). Text that a
 * spreadsheet would run as a formula gets a leading apostrophe, which spreadsheets show as text; text
 * that is just a number ("-1") is harmless and left alone.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (PLAIN_TEXT.test(value)) return value;
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

// Columns: every field of the tree's license list (licenseFields through toLicense), in the LMA's words.

export interface RowContext {
  packageName: string;
  /** The ISO day against which "Expired" is judged. */
  today: string;
}

interface Column {
  header: string;
  cell(license: License, context: RowContext): Cell;
}

export const LICENSE_EXPORT_COLUMNS: readonly Column[] = [
  { header: 'License Id', cell: (l) => l.id },
  { header: 'License Name', cell: (l) => l.name },
  { header: 'Package', cell: (_, c) => c.packageName },
  { header: 'Version', cell: (l) => l.versionNumber },
  { header: 'Package Version Id', cell: (l) => l.packageVersionId },
  { header: 'Status', cell: (l) => l.status },
  { header: 'Customer', cell: (l) => l.customerName },
  { header: 'Subscriber Org Id', cell: (l) => l.subscriberOrgId },
  { header: 'Sandbox', cell: (l) => l.isSandbox },
  { header: 'Sandbox (display)', cell: (l) => (l.isSandbox ? 'Sandbox' : 'Production') },
  { header: 'Org Edition', cell: (l) => l.orgEdition },
  { header: 'Org Instance', cell: (l) => l.orgInstance },
  { header: 'Seats', cell: (l) => l.seats },
  { header: 'Seats (display)', cell: (l) => formatSeats(l.seats) },
  { header: 'Used Licenses', cell: (l) => l.usedLicenses },
  { header: 'Expiration', cell: (l) => l.expiration },
  { header: 'Expiration (display)', cell: (l, c) => formatExpiration(l.expiration, c.today) },
  { header: 'Install Date', cell: (l) => l.installDate },
  { header: 'Created Date', cell: (l) => l.createdDate },
];

export function licenseCsvRow(license: License, context: RowContext): string {
  return csvRow(LICENSE_EXPORT_COLUMNS.map((column) => column.cell(license, context)));
}

/** `<package>-<status>-licenses-<date>.csv` in the user's local date, safe as a file name anywhere. */
export function exportFileName(group: LicenseGroup, today: Date = new Date()): string {
  const date = [today.getFullYear(), today.getMonth() + 1, today.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
  const parts = [
    fileNamePart(group.package.name) || 'package',
    group.status?.toLowerCase(),
    'licenses',
    date,
  ];
  return `${parts.filter(Boolean).join('-')}.csv`;
}

function fileNamePart(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/^\.+/, '')
    .toLowerCase();
}
