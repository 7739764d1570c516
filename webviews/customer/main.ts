// The customer view (browser side): one subscriber org, its Licenses across packages with the tree's
// actions, each package's Refresh Licenses dates and each License's History. Every action is a
// button (keyboard: Tab and Enter); the host does the work and re-reads, so the page only shows.
// Each License shows its feature parameters (the shared part; without the FMA, its explanation once).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { css, html, nothing } from 'lit';
import type { Customer, CustomerLicense } from '../../src/lma/records/customer';
import type { CustomerPushJobs } from '../../src/lma/workflows/customerPushJobs';
import { formatExpiration, formatSeats } from '../../src/lma/rules/encodings';
import type { FeatureValue } from '../../src/lma/rules/featureParameters';
import { licenseRefreshText } from '../../src/lma/rules/licenseRefresh';
import type { FeatureSaveResult, FeatureSection } from '../../src/protocol/featureParameters';
import {
  LICENSE_ACTION_LABELS,
  licenseActions,
  type CustomerHostMessage,
  type CustomerMessage,
} from '../../src/protocol/customer';
import { featureParametersPart } from '../shared/featureParameters';
import { pushJobsPart } from './pushJobs';
import { usagePart } from './usage';
import type { CustomerUsage } from '../../src/protocol/customerUsage';
import { chartStyles } from '../shared/charts';
import { HostPage, showPage } from '../shared/host';
import { baseStyles, reportTableStyles } from '../shared/styles';

class CustomerView extends HostPage<CustomerHostMessage, CustomerMessage> {
  static override properties = {
    notice: { state: true },
    sections: { state: true },
    drafts: { state: true },
    saveResult: { state: true },
    pushJobs: { state: true },
    usage: { state: true },
  };
  declare notice: (CustomerHostMessage & { kind: 'notice' }) | undefined;
  /** Each License's feature parameters section, by License id; `fma` when the LMO has none to show. */
  declare sections: ReadonlyMap<string, FeatureSection>;
  declare drafts: ReadonlyMap<string, FeatureValue | string>;
  declare saveResult: FeatureSaveResult | undefined;
  /** The org's push jobs in the known owner orgs (read after the customer). */
  declare pushJobs: CustomerPushJobs | undefined;
  /** The org's App Analytics usage section (from the cache, or after Load Usage). */
  declare usage: CustomerUsage | undefined;
  private fmaMissing: FeatureSection | undefined;

  constructor() {
    super();
    this.notice = undefined;
    this.sections = new Map();
    this.drafts = new Map();
    this.saveResult = undefined;
    this.pushJobs = undefined;
    this.usage = undefined;
  }

  protected override receive(message: CustomerHostMessage): void {
    if (message.kind === 'notice') this.notice = message;
    else if (message.kind === 'pushJobs') this.pushJobs = message.pushJobs;
    else if (message.kind === 'usage') this.usage = message.usage;
    else if (message.kind === 'featureParameters') {
      const section = message.section;
      if (section.kind === 'notInstalled' || section.kind === 'noAccess') {
        this.fmaMissing = section;
        this.sections = new Map();
      } else {
        this.fmaMissing = undefined;
        this.sections = new Map(this.sections).set(section.licenseId, section);
      }
    } else if (message.kind === 'featureSaveResult') {
      this.saveResult = message.result;
      // What was saved (or found unchanged) is no longer a draft; anything else stays as typed.
      if (message.result.kind === 'saved' || message.result.kind === 'unchanged') {
        const drafts = new Map(this.drafts);
        drafts.delete(message.result.parameterId);
        this.drafts = drafts;
      }
    } else {
      this.message = message;
      this.notice = undefined;
    }
  }

  private post(message: CustomerMessage) {
    this.host.post(message);
  }

  protected override render() {
    const message = this.message;
    if (!message) return html`<p role="status">Loading…</p>`;
    if (message.kind === 'error') return html`<p class="error" role="alert">${message.message}</p>`;
    if (message.kind === 'notFound')
      return html`<h1>Subscriber org ${message.orgId}</h1>
        <p role="status">${message.orgLabel} holds no License for this org.</p>
        ${this.readLine(message.readAt)}`;
    if (message.kind !== 'state') return nothing;
    const { customer } = message;
    return html`
      <header>
        <h1>${customer.org.name ?? customer.org.id18}</h1>
        <vscode-button @click=${() => this.post({ kind: 'logIn' })}>Log In to Subscriber Org</vscode-button>
        <vscode-button secondary @click=${() => this.post({ kind: 'refresh' })}>Refresh</vscode-button>
      </header>
      ${
        this.notice
          ? html`<p class=${this.notice.level === 'error' ? 'error' : 'success'} role="alert">
              ${this.notice.message}
            </p>`
          : nothing
      }
      ${this.org(customer)}
      <section aria-labelledby="licenses">
        <h2 id="licenses">Licenses (${customer.licenses.length})</h2>
        ${
          this.fmaMissing
            ? featureParametersPart({ ...this.featurePart(), section: this.fmaMissing, explained: false })
            : nothing
        }
        ${customer.licenses.map((entry) => this.license(entry, message.today))}
      </section>
      ${pushJobsPart(this.pushJobs)} ${usagePart(this.usage, (m) => this.post(m))}
      ${this.readLine(customer.readAt, message.orgLabel)}
    `;
  }

  private readLine(readAt: string, orgLabel?: string) {
    return html`<p class="muted" id="read-at">
      Read from ${orgLabel ?? 'the LMO'} at ${new Date(readAt).toLocaleString()}
    </p>`;
  }

  private org(customer: Customer) {
    const { org } = customer;
    const link = (id: string | undefined, text: string | undefined) =>
      id
        ? html`<a href="#" @click=${(e: Event) => this.open(e, id)}>${text ?? id}</a>`
        : html`<span class="muted">none</span>`;
    return html`<dl class="org" aria-label="Subscriber org">
      <dt>Org id</dt>
      <dd><code>${org.id15}</code> · <code>${org.id18}</code></dd>
      <dt>Edition</dt>
      <dd>${org.edition ?? '—'}</dd>
      <dt>Instance</dt>
      <dd>${org.instance ?? '—'}</dd>
      <dt>Type</dt>
      <dd>${org.isSandbox ? 'Sandbox' : 'Production'}</dd>
      <dt>Org status</dt>
      <dd>${org.status ?? '—'}${org.trialExpiration ? ` (expires ${org.trialExpiration})` : ''}</dd>
      <dt>Account</dt>
      <dd>${link(org.account?.id, org.account?.name)}</dd>
      <dt>Lead</dt>
      <dd>
        ${link(org.lead?.id, org.lead ? [org.lead.name, org.lead.company].filter(Boolean).join(', ') : undefined)}
      </dd>
      <dt>Contact</dt>
      <dd>${link(org.contact?.id, org.contact?.name)}</dd>
    </dl>`;
  }

  private open(event: Event, recordId: string) {
    event.preventDefault();
    this.post({ kind: 'openInSalesforce', recordId });
  }

  private license(entry: CustomerLicense, today: string) {
    const { license, package: pkg } = entry;
    const heading = `${pkg.name ?? 'No package'} · ${license.name}`;
    const id = `license-${license.id}`;
    return html`<article aria-labelledby=${id}>
      <h3 id=${id}>${heading}</h3>
      <table>
        <tr>
          <th scope="row">Status</th>
          <td>
            ${license.status}${license.licenseStatus && license.licenseStatus !== license.status ? ` (LMA: ${license.licenseStatus})` : ''}
          </td>
        </tr>
        <tr>
          <th scope="row">Seats</th>
          <td>${license.seats === undefined ? '—' : formatSeats(license.seats)}</td>
        </tr>
        <tr>
          <th scope="row">Used</th>
          <td>${license.usedLicenses ?? '—'}</td>
        </tr>
        <tr>
          <th scope="row">Expiration</th>
          <td>${formatExpiration(license.expiration)}</td>
        </tr>
        <tr>
          <th scope="row">Version</th>
          <td>${license.versionNumber ?? '—'}</td>
        </tr>
        <tr>
          <th scope="row">License refresh</th>
          <td>${this.refresh(entry, today)}</td>
        </tr>
      </table>
      <div class="actions" role="group" aria-label="Actions on ${heading}">
        ${licenseActions(license).map(
          (action) =>
            html`<vscode-button
              secondary
              @click=${() => this.post({ kind: 'licenseAction', action, licenseId: license.id })}
              >${LICENSE_ACTION_LABELS[action]}</vscode-button
            >`,
        )}
        <vscode-button secondary @click=${() => this.post({ kind: 'openInSalesforce', recordId: license.id })}
          >Open in Salesforce</vscode-button
        >
      </div>
      ${this.featureParameters(license.id, heading)}
      <details>
        <summary>History (${entry.history.length})</summary>
        ${
          entry.history.length
            ? html`<ul class="history">
                ${entry.history.map(
                  (h) =>
                    html`<li>
                      ${new Date(h.at).toLocaleString()} · ${h.by ?? 'unknown'}:
                      ${h.created ? 'created' : nothing}
                      ${h.changes.map((c) => html`${c.label} ${c.oldValue} → ${c.newValue}; `)}
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">No tracked changes.</p>`
        }
      </details>
    </article>`;
  }

  private featurePart() {
    return {
      drafts: this.drafts,
      result: this.saveResult,
      onDraft: (id: string, value: FeatureValue | string) => {
        this.drafts = new Map(this.drafts).set(id, value);
      },
      post: (message: CustomerMessage) => this.post(message),
    };
  }

  /** A License's feature parameters; nothing when the LMO has no FMA (explained once above). */
  private featureParameters(licenseId: string, heading: string) {
    if (this.fmaMissing) return nothing;
    const id = `fp-heading-${licenseId}`;
    return html`<section class="features" aria-labelledby=${id}>
      <h4 id=${id} aria-label="Feature parameters of ${heading}">Feature parameters</h4>
      ${featureParametersPart({ ...this.featurePart(), section: this.sections.get(licenseId), explained: true })}
    </section>`;
  }

  /** Refresh Licenses: once a week per package, only on the package's page in Salesforce (no API). */
  private refresh(entry: CustomerLicense, today: string) {
    const { package: pkg } = entry;
    const when = licenseRefreshText(pkg, today);
    return html`${when}
    ${
      pkg.id
        ? html` ·
            <a href="#" @click=${(e: Event) => this.open(e, pkg.id!)}
              >Refresh Licenses in Salesforce (${pkg.name ?? 'package'})</a
            >`
        : nothing
    }`;
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    chartStyles,
    css`
      .usage-header {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
      .usage-header h2 {
        margin-right: auto;
      }
      .package-usage h4 {
        font-size: 1em;
        font-weight: 600;
        margin: 0.75rem 0 0.25rem;
      }
      header {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
      header h1 {
        margin-right: auto;
      }
      .org {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.2rem 1rem;
      }
      .org dd {
        margin: 0;
      }
      article {
        border-top: 1px solid var(--vscode-panel-border);
        padding: 0.5rem 0 1rem;
      }
      table {
        border-collapse: collapse;
      }
      th,
      td {
        text-align: left;
        padding: 0.1rem 0.75rem 0.1rem 0;
      }
      .actions {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
        margin: 0.5rem 0;
      }
      a {
        color: var(--vscode-textLink-foreground);
      }
      a:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
      }
    `,
  ];
}

showPage('lma-customer', CustomerView);
