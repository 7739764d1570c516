// The table of checks every report shows (a test install's checks, the LMO health checks, the change a
// License form is about to save): a caption, column headings, a row heading per check, and the row's
// status told by a bar of its colour beside its first cell (baseStyles). Styles: `reportTableStyles`.
import { html, nothing, type TemplateResult } from 'lit';

export interface CheckRow {
  /** The row's heading: what was checked, or the field that changes. */
  header: string;
  /** The other cells, in the order of `columns` after the first. */
  cells: unknown[];
  /** `pass`, `fail` or `warning` draws the status bar; `info` and none draw nothing. */
  status?: 'pass' | 'fail' | 'warning' | 'info';
}

export interface ChecksTable {
  id?: string;
  caption: string;
  /** The column headings, the row headings' first. */
  columns: string[];
  rows: CheckRow[];
}

export function checksTable(table: ChecksTable): TemplateResult {
  return html`<table id=${table.id ?? nothing}>
    <caption>
      ${table.caption}
    </caption>
    <thead>
      <tr>
        ${table.columns.map((column) => html`<th scope="col">${column}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${table.rows.map(
        (row) =>
          html`<tr class=${row.status ?? nothing}>
            <th scope="row">${row.header}</th>
            ${row.cells.map((cell) => html`<td>${cell}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}
