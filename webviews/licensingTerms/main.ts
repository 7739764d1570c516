// The default-licensing form (browser side). It renders what the host posts, validates as the user
// types with the extension's own rules, and sends Save; the host checks everything again.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import { HostPage } from '../shared/host';
import { checkedRadioValue } from '../shared/radios';
import { baseStyles } from '../shared/styles';
import { valueOrSpecialField, type ValueOrSpecial } from '../shared/valueOrSpecial';
import { css, html, nothing } from 'lit';
import {
  checkActiveDays,
  checkSeats,
  checkTrialDays,
  describeTerms,
  FUTURE_INSTALLS_NOTE,
  SANDBOX_NOTE,
  type DefaultStatus,
  type LicensingTerms,
} from '../../src/lma/rules/licensingTerms';
import { MAX_TRIAL_DAYS } from '../../src/lma/rules/encodings';
import { licenseStatuses } from '../../src/lma/records/types';
import type { FormMessage, FormState, HostMessage, SaveOutcome } from '../../src/protocol/licensingTerms';

/** What the user typed, as typed: fields hold text so that "12.5" or "abc" can be named as errors. */
interface Draft {
  status: DefaultStatus;
  trialDays: string;
  activeDays: string;
  doesNotExpire: boolean;
  seats: string;
  siteLicense: boolean;
}

/** Kept by VS Code while the panel is hidden (the webview is rebuilt when shown again) or the window reloads. */
interface SavedDraft {
  draft: Draft;
  revision: string;
}

type FieldErrors = Partial<Record<'trialDays' | 'activeDays' | 'seats', string>>;

function draftOf(terms: LicensingTerms | undefined): Draft {
  if (!terms)
    return {
      status: 'Trial',
      trialDays: '30',
      activeDays: '365',
      doesNotExpire: false,
      seats: '10',
      siteLicense: false,
    };
  return {
    status: terms.status,
    trialDays: terms.status === 'Trial' ? String(terms.lengthDays) : '30',
    activeDays: terms.status === 'Active' && terms.lengthDays !== null ? String(terms.lengthDays) : '365',
    doesNotExpire: terms.status === 'Active' && terms.lengthDays === null,
    seats: terms.seats === 'site' ? '10' : String(terms.seats),
    siteLicense: terms.seats === 'site',
  };
}

/** Text → number only when it is plainly a whole number; anything else stays text for the rules to refuse. */
function wholeNumber(text: string): number | string {
  const trimmed = text.trim().replace(/,/g, '');
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function validate(draft: Draft): { terms: LicensingTerms | undefined; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const trialDays = wholeNumber(draft.trialDays);
  const activeDays = draft.doesNotExpire ? 'unlimited' : wholeNumber(draft.activeDays);
  const seats = draft.siteLicense ? 'site' : wholeNumber(draft.seats);
  if (draft.status === 'Trial') errors.trialDays = checkTrialDays(trialDays);
  else errors.activeDays = checkActiveDays(activeDays);
  errors.seats = checkSeats(seats);
  if (errors.trialDays || errors.activeDays || errors.seats) return { terms: undefined, errors };
  return {
    terms: {
      status: draft.status,
      lengthDays:
        draft.status === 'Trial'
          ? (trialDays as number)
          : activeDays === 'unlimited'
            ? null
            : (activeDays as number),
      seats: seats as number | 'site',
    },
    errors,
  };
}

/** A draft kept by an earlier page of this form (its own state, checked all the same). */
function isSavedDraft(saved: unknown): saved is SavedDraft {
  const s = saved as { draft?: Partial<Record<keyof Draft, unknown>>; revision?: unknown } | null;
  const d = s?.draft;
  return (
    typeof s?.revision === 'string' &&
    typeof d === 'object' &&
    d !== null &&
    (d.status === 'Trial' || d.status === 'Active') &&
    typeof d.trialDays === 'string' &&
    typeof d.activeDays === 'string' &&
    typeof d.doesNotExpire === 'boolean' &&
    typeof d.seats === 'string' &&
    typeof d.siteLicense === 'boolean'
  );
}

class LicensingTermsForm extends HostPage<HostMessage, FormMessage, SavedDraft> {
  static override properties = {
    state: { state: true },
    draft: { state: true },
    outcome: { state: true },
    saving: { state: true },
    reopened: { state: true },
  };

  declare state: FormState | undefined;
  declare draft: Draft;
  declare outcome: SaveOutcome | undefined;
  declare saving: boolean;
  /** The draft is a closed form's, given back when the form opened again: the form says so. */
  declare reopened: boolean;
  /** The entry the draft started from: sent back with Save so a concurrent change is never overwritten. */
  private revision: string | undefined;
  private dirty = false;
  /** The terms of the Save in flight, to name them if the file changed meanwhile. */
  private sent: LicensingTerms | undefined;

  constructor() {
    super();
    this.state = undefined;
    this.outcome = undefined;
    this.saving = false;
    this.reopened = false;
    this.draft = draftOf(undefined);
  }

  /** The unsaved draft this form kept when it was hidden, the window reloaded or the form was closed. */
  protected override restore(saved: SavedDraft, reopened: boolean): void {
    if (!isSavedDraft(saved)) return;
    this.draft = saved.draft;
    this.revision = saved.revision;
    this.dirty = true;
    this.reopened = reopened;
  }

  protected override receive(message: HostMessage): void {
    switch (message.kind) {
      case 'state': {
        this.state = message.state;
        const file = message.state.file;
        if (file.kind !== 'ok') return;
        // An untouched draft follows the file. A touched one keeps the revision it started from, so
        // that Save reports a change made meanwhile instead of overwriting it.
        if (!this.dirty) {
          this.draft = draftOf(file.terms);
          this.revision = file.revision;
        }
        return;
      }
      case 'saveResult':
        this.saving = false;
        this.outcome =
          message.outcome.kind === 'conflict' && this.sent
            ? {
                ...message.outcome,
                message: `${message.outcome.message} Your edit was: ${describeTerms(this.sent)}`,
              }
            : message.outcome;
        if (message.outcome.kind === 'saved' || message.outcome.kind === 'conflict') {
          // After a conflict the form shows the file's new terms (the next `state` message).
          this.dirty = false;
          this.revision = undefined;
          this.forgetDraft();
        }
        return;
    }
  }

  private edit(change: Partial<Draft>): void {
    this.draft = { ...this.draft, ...change };
    this.dirty = true;
    this.outcome = undefined;
    this.host.save({ draft: this.draft, revision: this.revision ?? '' });
  }

  /** A click, Space or an arrow key in the status group (see `checkedRadioValue`). */
  private readonly statusPicked = (event: Event): void => {
    const status = checkedRadioValue(event);
    if ((status === 'Trial' || status === 'Active') && status !== this.draft.status) this.edit({ status });
  };

  private forgetDraft(): void {
    this.reopened = false;
    this.host.save(undefined);
  }

  private save(event?: Event): void {
    event?.preventDefault();
    const file = this.state?.file;
    const { terms } = validate(this.draft);
    if (!terms || file?.kind !== 'ok' || this.saving) return;
    this.saving = true;
    this.sent = terms;
    this.host.post({ kind: 'save', terms, revision: this.revision ?? file.revision });
  }

  protected override render() {
    const state = this.state;
    if (!state) return html`<p class="muted" role="status">Loading…</p>`;
    return html`
      <h1>Default Licensing: ${state.packageName}</h1>
      ${
        this.reopened
          ? html`<p class="note" role="status" id="reopened-draft">
              These are the terms you had not saved when this form was closed: save them, or change them back.
            </p>`
          : nothing
      }
      <p class="note" role="note">${FUTURE_INSTALLS_NOTE}</p>
      ${this.renderLmo(state)} ${this.renderLastTestInstall(state)} ${this.renderFile(state)}
    `;
  }

  private renderLastTestInstall(state: FormState) {
    const last = state.lastTestInstall;
    const runButton = html`<vscode-button
      secondary
      id="run-test-install"
      @click=${() => this.host.post({ kind: 'runTestInstall' })}
      >Run Test Install…</vscode-button
    >`;
    if (!last)
      return html`<p class="muted" id="verification">Never verified with a test install. ${runButton}</p>`;
    const when = new Date(last.finishedAt).toLocaleString();
    const verdict =
      last.outcome === 'passed'
        ? 'the License matched the terms'
        : last.outcome === 'failed'
          ? 'the License differed from the terms'
          : last.outcome === 'noLicense'
            ? 'no License appeared'
            : last.outcome === 'cancelled'
              ? 'cancelled'
              : 'the install did not complete';
    return html`<p id="verification" class=${last.outcome === 'passed' ? 'success' : 'warning'}>
      Last test install (${last.versionName}, ${when}): ${verdict}. ${runButton}
    </p>`;
  }

  private renderFile(state: FormState) {
    const file = state.file;
    if (file.kind === 'missing') return html`<p class="error" role="alert">${file.message}</p>`;
    if (file.kind === 'malformed')
      return html`
        <div class="error" role="alert">
          <p>
            ${file.path} can't be read (line ${file.line}, column ${file.column}): ${file.message} The form
            won't write to it until it is fixed.
          </p>
          <vscode-button secondary @click=${() => this.host.post({ kind: 'openFile' })}>
            Open ${file.path} at the Error
          </vscode-button>
        </div>
      `;
    const { terms, errors } = validate(this.draft);
    const d = this.draft;
    return html`
      <form @submit=${(event: Event) => this.save(event)} novalidate>
        ${
          file.problems.length
            ? html`<p class="warning" role="alert">
                The terms written for “${state.alias}” break the rules: ${file.problems.join(' ')} Saving
                replaces them with the terms below.
              </p>`
            : nothing
        }
        <fieldset>
          <legend>Status of new installs</legend>
          <vscode-radio-group
            variant="vertical"
            aria-label="Status of new installs"
            @change=${this.statusPicked}
            @keydown=${this.statusPicked}
          >
            <vscode-radio name="status" value="Trial" .checked=${d.status === 'Trial'}
              >Trial (free, 1 to ${MAX_TRIAL_DAYS} days)</vscode-radio
            >
            <vscode-radio name="status" value="Active" .checked=${d.status === 'Active'}
              >Active (paid or free without a trial)</vscode-radio
            >
          </vscode-radio-group>
        </fieldset>

        ${
          d.status === 'Trial'
            ? this.numberField('trialDays', 'Trial length (days)', d.trialDays, errors.trialDays)
            : this.numberField('activeDays', 'License length (days)', d.activeDays, errors.activeDays, {
                id: 'doesNotExpire',
                label: 'Does not expire',
                checked: d.doesNotExpire,
                onChange: (doesNotExpire) => this.edit({ doesNotExpire }),
              })
        }
        ${this.numberField('seats', 'Seats', d.seats, errors.seats, {
          id: 'siteLicense',
          label: 'Site license (every user of the subscriber org)',
          checked: d.siteLicense,
          onChange: (siteLicense) => this.edit({ siteLicense }),
        })}
        <p class="muted">${SANDBOX_NOTE}</p>

        <p class="summary" role="status" aria-live="polite" id="summary">
          ${terms ? describeTerms(terms) : 'Fix the fields marked above to see what new installs get.'}
        </p>
        ${
          file.addsAlias
            ? html`<p class="muted">
                Save also adds “${file.addsAlias}” to packageAliases in ${file.path}: this project doesn't
                name this package yet.
              </p>`
            : nothing
        }
        ${
          file.dirty
            ? html`<p class="muted">
                ${file.path} has unsaved changes in the editor: Save writes into the editor.
              </p>`
            : nothing
        }
        <div class="actions">
          <vscode-button
            id="save"
            type="submit"
            ?disabled=${!terms || this.saving}
            @click=${() => this.save()}
          >
            ${this.saving ? 'Saving…' : `Save to ${file.path}`}
          </vscode-button>
          <vscode-button secondary @click=${() => this.host.post({ kind: 'openFile' })}>
            Open ${file.path}
          </vscode-button>
        </div>
        ${
          this.outcome
            ? html`<p class=${this.outcome.kind === 'saved' ? 'success' : 'error'} role="alert" id="outcome">
                ${this.outcome.message}
              </p>`
            : nothing
        }
      </form>
    `;
  }

  private numberField(
    id: 'trialDays' | 'activeDays' | 'seats',
    label: string,
    value: string,
    error: string | undefined,
    special?: ValueOrSpecial['special'],
  ) {
    return valueOrSpecialField({
      id,
      label,
      value,
      // A value the special one replaces is not checked.
      error: special?.checked ? undefined : error,
      inputmode: 'numeric',
      onValue: (text) => this.edit({ [id]: text }),
      ...(special ? { special } : {}),
    });
  }

  private renderLmo(state: FormState) {
    const lmo = state.lmo;
    if (lmo.kind === 'disconnected')
      return html`<p class="muted">
        No License Management Org is connected: the form checks the rules; connect to see this package's
        licenses.
      </p>`;
    const counts = licenseStatuses
      .filter((status) => lmo.licenseCounts[status])
      .map((status) => `${lmo.licenseCounts[status]!.toLocaleString('en-US')} ${status}`);
    return html`
      ${
        lmo.associated
          ? html`<p id="license-counts">
              ${lmo.orgLabel} has
              ${counts.length ? `licenses for this package: ${counts.join(', ')}.` : 'no licenses for this package yet.'}
            </p>`
          : html`<p class="warning" role="alert">
              ${state.packageName} is not associated with ${lmo.orgLabel}: installs create no License until it
              is associated in the Partner Console.
            </p>`
      }
      ${
        lmo.isLocalOrg
          ? html`<p class="muted">
              This is the local org: Save also applies the terms to its Partner Console.
            </p>`
          : html`<p>
              Salesforce reads these terms from the Partner Console, not from this file: apply them there too.
              <vscode-button secondary @click=${() => this.host.post({ kind: 'openPartnerConsole' })}>
                Apply These Terms in the Partner Console
              </vscode-button>
            </p>`
      }
    `;
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        --lma-page-width: 40rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 1rem 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .field {
        margin: 1rem 0 0.25rem;
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }
      /* The text and its error are narrow; a special value's checkbox keeps the line it had below. */
      .field > vscode-textfield,
      .field > .field-error {
        max-width: 16rem;
      }
      .field-error {
        margin: 0;
        min-height: 1.2em;
      }
      .note {
        padding: 0.5rem 0.75rem;
        border-left: 3px solid var(--vscode-textLink-foreground);
        background: var(--vscode-textBlockQuote-background);
      }
      .summary {
        font-weight: 600;
        margin: 1rem 0;
      }
    `,
  ];
}

if (!customElements.get('lma-licensing-terms-form'))
  customElements.define('lma-licensing-terms-form', LicensingTermsForm);
document.body.append(document.createElement('lma-licensing-terms-form'));
