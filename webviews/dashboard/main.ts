// The LMO dashboard (browser side): charts drawn as plain SVG in the editor's colours, and every number
// also as text (the figures list and each chart's table) for screen readers.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { HostPage, showPage } from '../shared/host';
import { barChart, chartColours, chartStyles, columnChart, formatNumber, shareBar } from '../shared/charts';
import { baseStyles } from '../shared/styles';
import { css, html, nothing } from 'lit';
import type { DashboardData, DashboardFigure } from '../../src/lma/records/dashboard';
import type { DashboardMessage, HostMessage } from '../../src/protocol/dashboard';

// Each status's colour: the theme's chart tokens that stand 3:1 (webviews/shared/charts.ts).
const statusColours: Record<string, string> = {
  Active: chartColours.green,
  Trial: chartColours.blue,
  Suspended: chartColours.red,
  Uninstalled: chartColours.foreground,
};
const number = formatNumber;

class LmoDashboard extends HostPage<HostMessage, DashboardMessage> {
  protected override render() {
    const message = this.message;
    if (!message) return html`<p role="status">Loading…</p>`;
    if (message.kind === 'error') return html`<p class="error" role="alert">${message.message}</p>`;
    const { data } = message;
    const total = data.byStatus.reduce((sum, row) => sum + row.count, 0);
    return html`
      <header>
        <h1>${data.packageName ?? 'All packages'} · ${message.orgLabel}</h1>
        <vscode-button secondary @click=${() => this.host.post({ kind: 'refresh' })}>Refresh</vscode-button>
      </header>
      <ul class="figures" aria-label="Figures">
        <li>${this.figureLink({ kind: 'all' }, html`<strong>${number(total)}</strong> licenses`)}</li>
        <li>
          ${this.figureLink(
            { kind: 'trialsExpiring', days: 7 },
            html`<strong id="trials-7">${number(data.trialsExpiringIn7Days)}</strong> trials expire in the
              next 7 days`,
          )}
        </li>
        <li>
          ${this.figureLink(
            { kind: 'trialsExpiring', days: 30 },
            html`<strong id="trials-30">${number(data.trialsExpiringIn30Days)}</strong> in the next 30 days`,
          )}
        </li>
        <li>
          <strong>${number(data.seats.used)}</strong> of <strong>${number(data.seats.licensed)}</strong> seats
          in use on
          ${this.figureLink({ kind: 'activeWithSeats' }, `${number(data.seats.activeLicenses)} active licenses`)},
          and ${this.figureLink({ kind: 'siteLicenses' }, `${number(data.seats.siteLicenses)} site licenses`)}
        </li>
      </ul>
      <section aria-labelledby="by-status">
        <h2 id="by-status">Licenses by status</h2>
        ${this.statusChart(data, total)} ${this.statusLinks(data)}
      </section>
      <section aria-labelledby="installs">
        <h2 id="installs">Installs per week, last ${data.installsPerWeek.length} weeks</h2>
        ${this.installsChart(data)}
      </section>
      <section aria-labelledby="seats">
        <h2 id="seats">Seats in use on active licenses</h2>
        ${this.seatsChart(data)}
      </section>
      <p class="muted">
        Days as the LMO user's time zone counts them (${data.timeZone}; today is ${data.today}) ·
        ${data.requests} queries · ${new Date(message.loadedAt).toLocaleTimeString()}
      </p>
    `;
  }

  /**
   * A figure that counts Licenses, as a button (reachable and pressed by keyboard): the host lists those
   * Licenses in the tree.
   */
  private figureLink(figure: DashboardFigure, content: unknown) {
    return html`<button
      type="button"
      class="figure-link"
      data-figure=${JSON.stringify(figure)}
      title="Show these Licenses in the tree"
      @click=${() => this.host.post({ kind: 'openFigure', figure })}
    >
      ${content}
    </button>`;
  }

  /** Each status's count as a button that lists its Licenses (the chart itself is an image). */
  private statusLinks(data: DashboardData) {
    return html`<ul class="status-links" aria-label="Licenses by status">
      ${data.byStatus.map(
        (row) =>
          html`<li>
            ${this.figureLink({ kind: 'status', status: row.status }, `${row.status}: ${number(row.count)}`)}
          </li>`,
      )}
    </ul>`;
  }

  private statusChart(data: DashboardData, total: number) {
    return barChart({
      label: 'Licenses by status',
      labelWidth: 110,
      rowHeight: 28,
      colour: chartColours.purple,
      bars: data.byStatus.map((row) => ({
        label: row.status,
        value: row.count,
        colour: statusColours[row.status],
        text: `${number(row.count)} (${Math.round((row.count / Math.max(total, 1)) * 100)}%)`,
      })),
    });
  }

  private installsChart(data: DashboardData) {
    const weeks = data.installsPerWeek;
    return html`
      ${columnChart({
        label: 'Installs per week',
        colour: chartColours.blue,
        height: 140,
        columns: weeks.map((week) => ({ key: week.weekStart, value: week.count })),
      })}
      <details>
        <summary>Installs per week as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Week of</th>
              <th scope="col">Installs</th>
            </tr>
          </thead>
          <tbody>
            ${weeks.map(
              (week) =>
                html`<tr>
                  <td>${week.weekStart}</td>
                  <td>${week.count}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </details>
    `;
  }

  private seatsChart(data: DashboardData) {
    const share = data.seats.licensed ? Math.min(data.seats.used / data.seats.licensed, 1) : 0;
    return html`
      ${shareBar({
        label: `${number(data.seats.used)} of ${number(data.seats.licensed)} seats in use`,
        share,
        colour: chartColours.green,
        text: `${Math.round(share * 100)}% in use`,
      })}
      ${data.seats.licensed === 0 ? html`<p class="muted">No active license with a seat count.</p>` : nothing}
    `;
  }

  static override styles = [
    baseStyles,
    chartStyles,
    css`
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
      }
      h2 {
        font-size: 1.1em;
        font-weight: 600;
        margin-top: 1.5rem;
      }
      .figures {
        list-style: none;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
        gap: 0.75rem;
      }
      .figures li {
        padding: 0.5rem 0.75rem;
        background: var(--vscode-editorWidget-background);
        border: 1px solid var(--vscode-panel-border);
      }
      .figures strong {
        font-size: 1.3em;
      }
      /* A figure that opens its Licenses: a link's look, the theme's focus ring. */
      .figure-link {
        font: inherit;
        color: var(--vscode-textLink-foreground);
        background: none;
        border: none;
        padding: 0;
        cursor: pointer;
        text-align: left;
        text-decoration: underline;
      }
      .figure-link:hover {
        color: var(--vscode-textLink-activeForeground);
      }
      .figure-link:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: 2px;
      }
      .status-links {
        list-style: none;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
      }
    `,
  ];
}

showPage('lma-dashboard', LmoDashboard);
