// CSV as Bulk API 2.0 reads and writes it: a column delimiter and a line ending
// chosen per job, every value quoted on the way out, RFC 4180 quoting on the way in.
import { SalesforceError } from '../data/errors';

export const DELIMITERS: Record<string, string> = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};
export const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };

export interface CsvFormat {
  delimiter: string;
  lineEnding: string;
}

/** One value quoted as Salesforce writes it (`"a ""b"""`); null is an empty field. */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`;
}

export function csvLine(values: readonly unknown[], format: CsvFormat): string {
  let line = values.length ? csvValue(values[0]) : '';
  for (let i = 1; i < values.length; i++) line += format.delimiter + csvValue(values[i]);
  return line + format.lineEnding;
}

/**
 * The rows of an uploaded CSV (the header first). A quote left open, or a quote in the middle of an
 * unquoted field, is a malformed file: the whole upload is refused, naming the line.
 */
export function parseCsv(text: string, format: CsvFormat): string[][] {
  const rows: string[][] = [];
  const d = format.delimiter;
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let fieldStarted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
    quoted = false;
    fieldStarted = false;
  };
  const endRow = (): void => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (fieldStarted || quoted) throw malformed(line, 'a quote inside an unquoted field');
      inQuotes = true;
      quoted = true;
      fieldStarted = true;
    } else if (text.startsWith(d, i)) {
      endField();
      i += d.length - 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      line++;
      i++;
    } else if (ch === '\n') {
      endRow();
      line++;
    } else {
      if (quoted) throw malformed(line, 'characters after a closing quote');
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw malformed(line, 'a quote that is never closed');
  if (fieldStarted || quoted || row.length > 0) endRow();
  return rows;
}

const malformed = (line: number, what: string): SalesforceError =>
  new SalesforceError('ClientInputError', `Malformed CSV at line ${line}: ${what}`);
