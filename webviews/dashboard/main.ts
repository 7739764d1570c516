// The LMO dashboard (browser side): charts drawn as plain SVG in the editor's colours, and every number
// also as text (the figures list and each chart's table) for screen readers.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { connectToHost, type Host } from '../shared/host';
import { baseStyles } from '../shared/styles';
import { css, html, LitElement, svg, nothing } from 'lit';
import type { DashboardData, DashboardFigure } from '../../src/lma/records/dashboard';
import type { DashboardMessage, HostMessage } from '../../src/protocol/dashboard';

// The theme's chart tokens, each chosen to stand 3:1 against the editor background (WCAG 1.4.11) in the
// light, dark and high-contrast themes, as test/e2e/contrast.test.ts measures. charts.orange measured
// 2.94:1 on Light Modern, 1.57:1 on Dark Modern (dark brown) and 1:1 on Dark High Contrast (black);
// disabledForeground, half transparent, 1.92:1 on Light Modern.
const statusColours: Record<string, string> = {
  Active: 'var(--vscode-charts-green)',
  Trial: 'var(--vscode-charts-blue)',
  Suspended: 'var(--vscode-charts-red)',
  Uninstalled: 'var(--vscode-charts-foreground)',
};
const number = (n: number) => n.toLocaleString('en-US');

class LmoDashboard extends LitElement {
  static override properties = { message: { state: true } };
  declare message: HostMessage | undefined;
  private readonly host: Host<DashboardMessage>;

  constructor() {
    super();
    this.message = undefined;
    this.host = connectToHost<HostMessage, DashboardMessage>((message) => {
      this.message = message;
    });
  }

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
    const width = 560;
    const max = Math.max(1, ...data.byStatus.map((row) => row.count));
    return html`
      <svg
        class="chart"
        role="img"
        aria-label="Licenses by status: ${data.byStatus.map((r) => `${r.status} ${r.count}`).join(', ')}"
        viewBox="0 0 ${width} ${data.byStatus.length * 28}"
      >
        ${data.byStatus.map(
          (row, i) => svg`
            <text x="0" y=${i * 28 + 18} class="label">${row.status}</text>
            <rect x="110" y=${i * 28 + 4} height="18" width=${Math.max(1, (row.count / max) * (width - 200))} fill=${statusColours[row.status] ?? 'var(--vscode-charts-purple)'}></rect>
            <text x=${116 + (row.count / max) * (width - 200)} y=${i * 28 + 18} class="value">${number(row.count)} (${Math.round((row.count / Math.max(total, 1)) * 100)}%)</text>`,
        )}
      </svg>
    `;
  }

  private installsChart(data: DashboardData) {
    const weeks = data.installsPerWeek;
    const width = 560;
    const height = 140;
    const max = Math.max(1, ...weeks.map((week) => week.count));
    const bar = (width - 40) / weeks.length;
    return html`
      <svg class="chart" role="img" aria-label="Installs per week" viewBox="0 0 ${width} ${height + 20}">
        ${weeks.map((week, i) => {
          const h = (week.count / max) * height;
          return svg`<rect x=${30 + i * bar} y=${height - h} width=${bar - 3} height=${Math.max(h, 0.5)} fill="var(--vscode-charts-blue)"><title>${week.weekStart}: ${week.count}</title></rect>`;
        })}
        <text x="0" y="12" class="value">${number(max)}</text>
        <text x="30" y=${height + 16} class="value">${weeks[0]?.weekStart ?? ''}</text>
        <text x=${width - 80} y=${height + 16} class="value">${weeks.at(-1)?.weekStart ?? ''}</text>
      </svg>
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
    const width = 560;
    const share = data.seats.licensed ? Math.min(data.seats.used / data.seats.licensed, 1) : 0;
    return html`
      <svg
        class="chart"
        role="img"
        aria-label="${number(data.seats.used)} of ${number(data.seats.licensed)} seats in use"
        viewBox="0 0 ${width} 30"
      >
        <rect
          class="track"
          x="0"
          y="4"
          width=${width - 100}
          height="20"
          fill="var(--vscode-editorWidget-background)"
          stroke="var(--vscode-panel-border)"
        ></rect>
        <rect x="0" y="4" width=${share * (width - 100)} height="20" fill="var(--vscode-charts-green)"></rect>
        <text x=${width - 92} y="19" class="value">${Math.round(share * 100)}% in use</text>
      </svg>
      ${data.seats.licensed === 0 ? html`<p class="muted">No active license with a seat count.</p>` : nothing}
    `;
  }

  static override styles = [
    baseStyles,
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
      .chart {
        width: 100%;
        max-width: 560px;
      }
      .label,
      .value {
        fill: var(--vscode-foreground);
        font-size: 12px;
      }
      table {
        border-collapse: collapse;
      }
      td,
      th {
        text-align: left;
        padding: 0.1rem 0.75rem 0.1rem 0;
      }
    `,
  ];
}

if (!customElements.get('lma-dashboard')) customElements.define('lma-dashboard', LmoDashboard);
document.body.append(document.createElement('lma-dashboard'));
