// The customer view's usage section (browser side): the org's App Analytics usage per package of its
// Licenses: active users per month (a column chart, and the numbers as a table), the custom objects it
// uses most, and whether it is at risk by the usage panel's rule. Nothing is asked until Load Usage
// (a button, keyboard reachable); what the cache has shows at once. Without App Analytics, its
// explanation once.
import { html, nothing } from 'lit';
import { describeAtRisk } from '../../src/lma/rules/atRisk';
import type { PackageUsage } from '../../src/lma/workflows/orgUsage';
import type { CustomerUsage, CustomerUsagePageMessage } from '../../src/protocol/customerUsage';
import { barChart, chartColours, columnChart, formatNumber } from '../shared/charts';

type Post = (message: CustomerUsagePageMessage) => void;

export function usagePart(usage: CustomerUsage | undefined, post: Post) {
  if (!usage) return nothing;
  const loading = usage.kind === 'loading';
  const anyLoaded = usage.kind === 'packages' && usage.packages.some((p) => p.kind !== 'notLoaded');
  const button = loading
    ? html`<vscode-button id="load-usage" disabled>Loading Usage…</vscode-button>`
    : anyLoaded || usage.kind === 'unavailable'
      ? html`<vscode-button id="load-usage" secondary @click=${() => post({ kind: 'refreshUsage' })}
          >Refresh Usage</vscode-button
        >`
      : html`<vscode-button id="load-usage" @click=${() => post({ kind: 'loadUsage' })}
          >Load Usage</vscode-button
        >`;
  const notLoaded = usage.kind === 'packages' && usage.packages.some((p) => p.kind === 'notLoaded');
  return html`<section id="usage" aria-labelledby="usage-heading">
    <div class="usage-header">
      <h2 id="usage-heading">Usage (App Analytics)</h2>
      ${button}
      ${
        anyLoaded && notLoaded
          ? html`<vscode-button id="load-missing-usage" @click=${() => post({ kind: 'loadUsage' })}
              >Load Usage</vscode-button
            >`
          : nothing
      }
    </div>
    ${
      loading
        ? html`<p role="status">Asking App Analytics for this org’s usage…</p>`
        : usage.kind === 'unavailable'
          ? html`<div class="explain" role="status">
              <h3>${usage.title}</h3>
              <p>${usage.message}</p>
            </div>`
          : html`${
              usage.packages.length === 0
                ? html`<p class="muted">No License of this org names a package.</p>`
                : nothing
            }
            ${usage.packages.map((p) => packagePart(p, usage.atRiskDrop, post))}`
    }
  </section>`;
}

function packagePart(p: PackageUsage, atRiskDrop: number, post: Post) {
  const id = `usage-${p.recordId}`;
  const show = html`<vscode-button
    secondary
    aria-label="Show Usage for the Package ${p.name}"
    @click=${() => post({ kind: 'showPackageUsage', packageRecordId: p.recordId })}
    >Show Usage for the Package</vscode-button
  >`;
  const body =
    p.kind === 'notLoaded'
      ? html`<p class="muted">
          Not in the App Analytics cache. Load Usage asks App Analytics about this org.
        </p>`
      : p.kind === 'explain'
        ? html`<div class="explain" role="status">
            <h4>${p.title}</h4>
            <p>${p.message}</p>
          </div>`
        : usageOf(p, atRiskDrop);
  return html`<article class="package-usage" aria-labelledby=${id}>
    <h3 id=${id}>${p.name}</h3>
    ${body}
    <div class="actions">${show}</div>
  </article>`;
}

function usageOf(p: Extract<PackageUsage, { kind: 'usage' }>, atRiskDrop: number) {
  const rule = describeAtRisk(atRiskDrop);
  const change =
    p.decline === null
      ? 'no earlier usage to compare'
      : Math.round(p.decline * 100) === 0
        ? 'users steady'
        : p.decline > 0
          ? `users down ${Math.round(p.decline * 100)}%`
          : `users up ${Math.round(-p.decline * 100)}%`;
  return html`<p class="muted">
      Monthly summaries ${p.period.start} to ${p.period.end} ·
      ${p.source === 'cache' ? 'from the cache, downloaded' : 'downloaded'}
      ${new Date(p.downloadedAt).toLocaleString()}
    </p>
    ${p.notes.map((note) => html`<p class="note" role="status">${note}</p>`)}
    <p class="risk">
      ${p.atRisk ? html`<strong>At risk</strong>` : 'Not at risk'}: ${change} (at risk when ${rule}).
    </p>
    <h4>Active users per month</h4>
    ${columnChart({
      label: `Active users of ${p.name} per month: ${p.months.map((m) => `${m.month} ${m.users}`).join(', ')}`,
      colour: chartColours.green,
      height: 60,
      valuesUnder: true,
      columns: p.months.map((m) => ({ key: m.month, value: m.users })),
    })}
    <table aria-label="Active users of ${p.name} per month">
      <thead>
        <tr>
          <th scope="col">Month</th>
          <th scope="col">Active users</th>
        </tr>
      </thead>
      <tbody>
        ${p.months.map(
          (m) =>
            html`<tr>
              <td>${m.month}</td>
              <td>${formatNumber(m.users)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h4>Custom objects used most</h4>
    ${
      p.objects.length === 0
        ? html`<p class="muted">None in this period.</p>`
        : html`${barChart({
              label: `Custom objects ${p.name} uses most`,
              colour: chartColours.purple,
              labelWidth: 200,
              bars: p.objects.map((o) => ({ label: o.name, value: o.events })),
            })}
            <table aria-label="Custom objects ${p.name} uses most">
              <thead>
                <tr>
                  <th scope="col">Object</th>
                  <th scope="col">Events</th>
                </tr>
              </thead>
              <tbody>
                ${p.objects.map(
                  (o) =>
                    html`<tr>
                      <td>${o.name}</td>
                      <td>${formatNumber(o.events)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
}
