// The Modify License form (browser side). It shows the License's current values, the change as a
// before/after diff checked by the extension's own rules as the user types, and the License history.
// Saving sends the change; the host checks everything again and asks any confirmation itself.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import { css, html, nothing } from 'lit';
import { formatExpiration, formatSeats, isSiteLicense, MAX_TRIAL_DAYS } from '../../src/lma/rules/encodings';
import {
  customerLabel,
  lastTrialDay,
  planLicenseChange,
  readOnlyReason,
  statusChoices,
  type ChangePlan,
  type EditableLicense,
  type LicenseChange,
  type SettableStatus,
} from '../../src/lma/rules/licenseChanges';
import { checksTable } from '../shared/checksTable';
import { HostPage } from '../shared/host';
import { checkedRadioValue } from '../shared/radios';
import { baseStyles, reportTableStyles } from '../shared/styles';
import { valueOrSpecialField } from '../shared/valueOrSpecial';
import type {
  LicenseFormMessage,
  LicenseFormState,
  LicenseHostMessage,
  LicenseSaveOutcome,
} from '../../src/protocol/license';

/** What the user typed, as typed, so that "1.5" or "abc" can be named as errors. */
interface Draft {
  status: string;
  seats: string;
  siteLicense: boolean;
  expiration: string;
  doesNotExpire: boolean;
}

function draftOf(license: EditableLicense): Draft {
  return {
    status: license.status ?? '',
    seats: license.seats !== undefined && !isSiteLicense(license.seats) ? String(license.seats) : '',
    siteLicense: isSiteLicense(license.seats),
    expiration: license.expiration ?? '',
    doesNotExpire: !license.expiration,
  };
}

/** The change the draft asks for: only fields that differ from the License, typed text kept for the rules. */
function changeOf(license: EditableLicense, draft: Draft): LicenseChange {
  const change: LicenseChange = {};
  if (draft.status && draft.status !== license.status) change.status = draft.status as SettableStatus;
  const seatsText = draft.seats.trim().replace(/,/g, '');
  const seats = draft.siteLicense ? -1 : seatsText === '' ? Number.NaN : Number(seatsText);
  if (seats !== license.seats) change.seats = seats;
  const expiration = draft.doesNotExpire ? null : draft.expiration.trim();
  if ((expiration ?? undefined) !== license.expiration) change.expiration = expiration;
  return change;
}

const REOPENED_NOTE =
  'These are the changes you had not saved when this form was closed. Save them, or Discard Changes.';

class LicenseForm extends HostPage<LicenseHostMessage, LicenseFormMessage, Draft> {
  static override properties = {
    state: { state: true },
    draft: { state: true },
    outcome: { state: true },
    failure: { state: true },
    saving: { state: true },
    reopened: { state: true },
  };

  declare state: LicenseFormState | undefined;
  declare draft: Draft | undefined;
  declare outcome: LicenseSaveOutcome | undefined;
  declare failure: string | undefined;
  declare saving: boolean;
  /** The draft is a closed form's, given back when the form opened again: the form says so. */
  declare reopened: boolean;
  private dirty = false;

  constructor() {
    super();
    this.saving = false;
    this.reopened = false;
  }

  /** The unsaved draft this form kept when it was hidden, the window reloaded or the form was closed. */
  protected override restore(draft: Draft, reopened: boolean): void {
    if (!isDraft(draft)) return;
    this.draft = draft;
    this.dirty = true;
    this.reopened = reopened;
  }

  protected override receive(message: LicenseHostMessage): void {
    switch (message.kind) {
      case 'state':
        this.failure = undefined;
        this.state = message.state;
        // An untouched draft follows the License; a touched one is kept (after a conflict too) so the
        // user can look at the License's new values and save again.
        if (!this.dirty || !this.draft) this.draft = draftOf(message.state.license);
        return;
      case 'loadFailed':
        this.failure = message.message;
        return;
      case 'saveResult':
        this.saving = false;
        this.outcome = message.outcome;
        if (message.outcome.kind === 'saved') this.forget();
        return;
    }
  }

  private edit(change: Partial<Draft>): void {
    this.draft = { ...this.draft!, ...change };
    this.dirty = true;
    this.outcome = undefined;
    this.host.save(this.draft);
  }

  /** The draft is saved or discarded: nothing of it is kept. */
  private forget(): void {
    this.dirty = false;
    this.reopened = false;
    this.host.save(undefined);
  }

  /** A click, Space or an arrow key in the status group (see `checkedRadioValue`). */
  private readonly statusPicked = (event: Event): void => {
    const status = checkedRadioValue(event);
    if (status && this.draft && status !== this.draft.status) this.edit({ status });
  };

  private plan(): ChangePlan | undefined {
    const state = this.state;
    if (!state || !this.draft) return undefined;
    return planLicenseChange(
      state.license,
      changeOf(state.license, this.draft),
      new Date(`${state.today}T12:00:00Z`),
    );
  }

  private save(event?: Event): void {
    event?.preventDefault();
    const state = this.state;
    if (!state || !this.draft || this.saving || this.plan()?.kind !== 'ready') return;
    this.saving = true;
    this.host.post({
      kind: 'save',
      change: changeOf(state.license, this.draft),
      revision: state.license.lastModifiedDate,
    });
  }

  protected override render() {
    if (this.failure)
      return html`<p class="error" role="alert">${this.failure}</p>
        <vscode-button secondary @click=${() => this.host.post({ kind: 'reload' })}>Reload</vscode-button>`;
    const state = this.state;
    if (!state || !this.draft) return html`<p class="muted" role="status">Loading…</p>`;
    const license = state.license;
    const readOnly = readOnlyReason(license);
    return html`
      <h1>${license.name} · ${license.customerName ?? 'unknown customer'}</h1>
      <p class="muted">
        ${license.packageName ?? 'Unknown package'} ${license.versionNumber ?? ''} · subscriber org
        <code>${license.subscriberOrgId ?? 'unknown'}</code> · in ${state.orgLabel}
      </p>
      ${this.reopened ? html`<p role="status" id="reopened-draft">${REOPENED_NOTE}</p>` : nothing}
      ${this.renderCurrent(license)}
      <p class="muted" id="how-it-saves">
        Salesforce recommends changing licenses on the LMA's Modify License page. This form applies the same
        rules as that page, and Salesforce records every change it saves in License History. Licenses
        provisioned through AppExchange Checkout can't be changed, there or here; the LMO marks them in no
        field the API shows, so this form can't tell them apart: if this License came from Checkout, change it
        in Checkout.
      </p>
      ${readOnly ? html`<p class="warning" role="alert" id="read-only">${readOnly}</p>` : this.renderForm(state)}
      ${this.renderHistory(state)}
    `;
  }

  private renderCurrent(license: EditableLicense) {
    return html`<p id="current">
      Now: <strong>${license.status ?? 'no status'}</strong>${
        license.lmaStatus && license.lmaStatus !== license.status
          ? html` <span class="warning" id="lma-status"
              >(the LMA's License Status says ${license.lmaStatus}: finish on its Modify License page)</span
            >`
          : nothing
      }
      · ${formatSeats(license.seats)} · ${formatExpiration(license.expiration)}
      <span class="muted"
        >(last changed
        ${new Date(license.lastModifiedDate).toLocaleString()}${
          license.lastModifiedBy ? ` by ${license.lastModifiedBy}` : ''
        })</span
      >
    </p>`;
  }

  private renderForm(state: LicenseFormState) {
    const license = state.license;
    const d = this.draft!;
    const plan = this.plan();
    const problem = (field: string) =>
      plan?.kind === 'refused' ? plan.problems.find((p) => p.field === field)?.message : undefined;
    const general = plan?.kind === 'refused' ? plan.problems.filter((p) => !p.field) : [];
    return html`
      <form @submit=${(event: Event) => this.save(event)} novalidate>
        <fieldset>
          <legend>Status</legend>
          <vscode-radio-group
            variant="vertical"
            aria-label="Status"
            @change=${this.statusPicked}
            @keydown=${this.statusPicked}
          >
            ${statusChoices(license).map(
              (status) =>
                html`<vscode-radio name="status" value=${status} .checked=${d.status === status}
                  >${status}${statusHint(status)}</vscode-radio
                >`,
            )}
          </vscode-radio-group>
          ${
            license.wasEverActive && license.status !== 'Trial'
              ? html`<p class="muted">Trial is not offered: this license has been Active.</p>`
              : nothing
          }
          <p class=${fieldErrorClass(problem('status'))} role="alert">${problem('status') ?? ''}</p>
        </fieldset>

        ${valueOrSpecialField({
          id: 'seats',
          label: 'Seats',
          value: d.seats,
          error: problem('seats'),
          inputmode: 'numeric',
          onValue: (seats) => this.edit({ seats }),
          special: {
            id: 'siteLicense',
            label: 'Site license (every user of the subscriber org)',
            checked: d.siteLicense,
            onChange: (siteLicense) => this.edit({ siteLicense }),
          },
        })}
        ${valueOrSpecialField({
          id: 'expiration',
          label: 'Expiration (last day of access, YYYY-MM-DD)',
          value: d.expiration,
          error: problem('expiration'),
          placeholder: 'YYYY-MM-DD',
          onValue: (expiration) => this.edit({ expiration }),
          special: {
            id: 'doesNotExpire',
            label: 'Does not expire',
            checked: d.doesNotExpire,
            onChange: (doesNotExpire) => this.edit({ doesNotExpire }),
          },
          note:
            d.status === 'Trial'
              ? html`<p class="muted">
                  A trial runs until ${lastTrialDay(license)} at the latest (${MAX_TRIAL_DAYS} days).
                </p>`
              : nothing,
        })}
        ${general.map((p) => html`<p class="error" role="alert">${p.message}</p>`)}
        ${this.renderDiff(plan, license)}
        <div class="actions">
          <vscode-button
            id="save"
            type="submit"
            ?disabled=${plan?.kind !== 'ready' || this.saving}
            @click=${() => this.save()}
          >
            ${this.saving ? 'Saving…' : 'Save License'}
          </vscode-button>
          <vscode-button
            secondary
            ?disabled=${!this.dirty}
            @click=${() => {
              this.forget();
              this.draft = draftOf(license);
              this.outcome = undefined;
            }}
            >Discard Changes</vscode-button
          >
          <vscode-button secondary @click=${() => this.host.post({ kind: 'openInSalesforce' })}>
            Open in Salesforce
          </vscode-button>
        </div>
        ${this.renderOutcome()}
      </form>
    `;
  }

  private renderDiff(plan: ChangePlan | undefined, license: EditableLicense) {
    if (plan?.kind !== 'ready') return nothing;
    const confirmation = plan.confirmation;
    return html`
      ${checksTable({
        id: 'diff',
        caption: 'Your change',
        columns: ['Field', 'Before', 'After'],
        rows: plan.changes.map((c) => ({
          header: c.label,
          cells: [c.before, html`<strong>${c.after}</strong>`],
        })),
      })}
      ${
        confirmation.kind === 'none'
          ? nothing
          : html`<p class="warning" id="blocks" role="status">
              ${confirmation.message}
              ${
                confirmation.kind === 'typed'
                  ? 'Saving asks you to type the customer name or org id.'
                  : 'Saving asks you to confirm.'
              }
            </p>`
      }
      <p class="muted">Customer: ${customerLabel(license)}</p>
    `;
  }

  private renderOutcome() {
    const outcome = this.outcome;
    if (!outcome) return nothing;
    if (outcome.kind === 'conflict') {
      const theirs = outcome.theirs;
      return html`<div class="error" role="alert" id="outcome">
        <p>${outcome.message}</p>
        <p>
          It now holds: ${theirs.status ?? 'no status'} · ${formatSeats(theirs.seats)} ·
          ${formatExpiration(theirs.expiration)}. Your values are still in the form: check them against these
          and save again.
        </p>
      </div>`;
    }
    if (outcome.kind === 'saved' && outcome.lmaStatusBehind)
      return html`<div class="warning" role="alert" id="outcome">
        <p>${outcome.message}</p>
        <vscode-button @click=${() => this.host.post({ kind: 'openInSalesforce' })}
          >Open in Salesforce to finish on Modify License</vscode-button
        >
      </div>`;
    const cls = outcome.kind === 'saved' ? 'success' : outcome.kind === 'cancelled' ? 'muted' : 'error';
    return html`<p class=${cls} role="alert" id="outcome">${outcome.message}</p>`;
  }

  private renderHistory(state: LicenseFormState) {
    return html`
      <h2>History</h2>
      ${
        state.history.length === 0
          ? html`<p class="muted">No changes recorded for this License.</p>`
          : html`<ol id="history">
              ${state.history.map(
                (entry) =>
                  html`<li>
                    <span class="when">${new Date(entry.at).toLocaleString()}</span>
                    <span class="muted">${entry.by ?? 'someone'}</span>
                    ${entry.created ? html`<span>created the License</span>` : nothing}
                    ${entry.changes.map((c) => html`<span class="change">${c.label}: ${c.oldValue} → ${c.newValue}</span>`)}
                  </li>`,
              )}
            </ol>`
      }
    `;
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    css`
      fieldset {
        border: none;
        padding: 0;
        margin: 1rem 0 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .field {
        margin: 0.5rem 0 0.25rem;
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        max-width: 20rem;
      }
      .field-error {
        margin: 0;
        min-height: 1.2em;
      }
      h2 {
        font-size: 1.1em;
        margin-top: 2rem;
      }
      ol {
        list-style: none;
        padding: 0;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        padding: 0.35rem 0;
        border-bottom: 1px solid var(--vscode-panel-border);
      }
      .when {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];
}

/** A draft kept by an earlier page of this form (its own state, checked all the same). */
function isDraft(draft: unknown): draft is Draft {
  const d = draft as Partial<Record<keyof Draft, unknown>> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.status === 'string' &&
    typeof d.seats === 'string' &&
    typeof d.siteLicense === 'boolean' &&
    typeof d.expiration === 'string' &&
    typeof d.doesNotExpire === 'boolean'
  );
}

function fieldErrorClass(problem: string | undefined): string {
  return problem ? 'field-error shown' : 'field-error';
}

function statusHint(status: SettableStatus): string {
  switch (status) {
    case 'Active':
      return ' (paying or free, full access)';
    case 'Trial':
      return ` (up to ${MAX_TRIAL_DAYS} days)`;
    case 'Suspended':
      return ' (blocks the customer from your package)';
  }
}

if (!customElements.get('lma-license-form')) customElements.define('lma-license-form', LicenseForm);
document.body.append(document.createElement('lma-license-form'));
