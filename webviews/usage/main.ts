// The App Analytics usage of a package (browser side): charts drawn as plain SVG in the theme's chart
// colours, every number also as text (each chart's table), every org a button that shows its License
// in the tree.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { HostPage, showPage } from '../shared/host';
import { barChart, chartColours, chartStyles, columnChart, formatNumber } from '../shared/charts';
import { baseStyles } from '../shared/styles';
import { css, html, nothing } from 'lit';
import type { EntityUsage, JoinedRow } from '../../src/lma/rules/appAnalytics';
import { describeAtRisk } from '../../src/lma/rules/atRisk';
import type { HostMessage, UsageMessage, UsageView } from '../../src/protocol/usage';

// The theme's chart tokens that stand 3:1 (webviews/shared/charts.ts).
const colours = {
  orgs: chartColours.blue,
  users: chartColours.green,
  objects: chartColours.purple,
  pages: chartColours.blue,
};
const number = formatNumber;
type Usage = Extract<UsageView, { kind: 'usage' }>;

class UsagePage extends HostPage<HostMessage, UsageMessage> {
  protected override render() {
    const message = this.message;
    if (!message) return html`<p role="status">Loading…</p>`;
    if (message.kind === 'loading')
      return html`${this.header(message.packageName, false)}
        <p role="status">Asking App Analytics for the usage of ${message.packageName}…</p>`;
    const view = message.view;
    if (view.kind === 'explain')
      return html`${this.header(view.packageName, false)}
        <section class="explain" role="status" aria-labelledby="explain">
          <h2 id="explain">${view.title}</h2>
          <p>${view.message}</p>
        </section>`;
    return this.usage(view);
  }

  private header(packageName: string, canExport: boolean) {
    return html`<header>
      <h1>Usage of ${packageName}</h1>
      <span>
        <vscode-button id="refresh" secondary @click=${() => this.host.post({ kind: 'refresh' })}
          >Refresh</vscode-button
        >
        ${
          canExport
            ? html`<vscode-button id="export" secondary @click=${() => this.host.post({ kind: 'exportCsv' })}
                >Export CSV</vscode-button
              >`
            : nothing
        }
      </span>
    </header>`;
  }

  private usage(view: Usage) {
    const { report } = view;
    return html`
      ${this.header(view.packageName, true)}
      <p class="muted">
        Monthly summaries ${view.period.start} to ${view.period.end} · ${number(report.rows)} rows ·
        ${view.source === 'cache' ? 'from the cache, downloaded' : 'downloaded'}
        ${new Date(view.downloadedAt).toLocaleString()}
      </p>
      ${view.notes.map((note) => html`<p class="note" role="status">${note}</p>`)}
      <section aria-labelledby="at-risk">
        <h2 id="at-risk">At-risk orgs (${describeAtRisk(view.atRiskDrop)})</h2>
        ${this.orgList(
          view.rows.filter((r) => r.atRisk),
          'No org’s usage fell past the threshold.',
          (r) => (r.usage?.decline == null ? '' : `users down ${Math.round(r.usage.decline * 100)}%`),
        )}
      </section>
      <section aria-labelledby="unused">
        <h2 id="unused">Active Licenses with no usage</h2>
        ${this.orgList(view.unused, 'Every Active License’s org used the package.', (r) =>
          r.license?.seats == null ? '' : `${number(r.license.seats)} seats`,
        )}
      </section>
      <section aria-labelledby="per-month">
        <h2 id="per-month">Active orgs and users per month</h2>
        ${this.monthChart(view, 'activeOrgs', 'Active orgs', colours.orgs)}
        ${this.monthChart(view, 'activeUsers', 'Active users', colours.users)} ${this.monthTable(view)}
      </section>
      <section aria-labelledby="objects">
        <h2 id="objects">Custom objects used most</h2>
        ${this.entityChart(report.objects, 'Custom objects', colours.objects)}
      </section>
      <section aria-labelledby="pages">
        <h2 id="pages">Pages used most</h2>
        ${this.entityChart(report.pages, 'Pages', colours.pages)}
      </section>
    `;
  }

  /** Orgs as buttons: each shows the org's License of this package in the tree. */
  private orgList(rows: readonly JoinedRow[], none: string, detail: (r: JoinedRow) => string) {
    if (rows.length === 0) return html`<p class="muted">${none}</p>`;
    return html`<ul class="orgs">
      ${rows.map(
        (r) =>
          html`<li>
            <button
              type="button"
              class="org-link"
              data-org=${r.orgId}
              title="Show this org's License in the tree"
              @click=${() => this.host.post({ kind: 'showOrg', orgId: r.orgId })}
            >
              ${r.license?.customer ?? 'No License'} · ${r.orgId}
            </button>
            <span class="muted">${detail(r)}</span>
          </li>`,
      )}
    </ul>`;
  }

  private monthChart(view: Usage, key: 'activeOrgs' | 'activeUsers', label: string, colour: string) {
    const months = view.report.perMonth;
    return html`<h3>${label}</h3>
      ${columnChart({
        label: `${label} per month: ${months.map((m) => `${m.month} ${m[key]}`).join(', ')}`,
        colour,
        height: 100,
        valuesUnder: true,
        columns: months.map((m) => ({ key: m.month, value: m[key] })),
      })}`;
  }

  private monthTable(view: Usage) {
    return html`<table aria-label="Active orgs and users per month">
      <thead>
        <tr>
          <th scope="col">Month</th>
          <th scope="col">Active orgs</th>
          <th scope="col">Active users</th>
        </tr>
      </thead>
      <tbody>
        ${view.report.perMonth.map(
          (m) =>
            html`<tr>
              <td>${m.month}</td>
              <td>${number(m.activeOrgs)}</td>
              <td>${number(m.activeUsers)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private entityChart(entities: readonly EntityUsage[], label: string, colour: string) {
    if (entities.length === 0) return html`<p class="muted">None in this period.</p>`;
    return barChart({
      label,
      colour,
      labelWidth: 200,
      bars: entities.map((e) => ({ label: e.name, value: e.events })),
    });
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
      h3 {
        font-size: 1em;
        font-weight: 600;
      }
      .orgs {
        list-style: none;
        padding: 0;
      }
      .org-link {
        background: none;
        border: none;
        padding: 0;
        font: inherit;
        color: var(--vscode-textLink-foreground);
        text-decoration: underline;
        cursor: pointer;
      }
      .org-link:hover {
        color: var(--vscode-textLink-activeForeground);
      }
      .org-link:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: 2px;
      }
    `,
  ];
}

showPage('lma-usage', UsagePage);
