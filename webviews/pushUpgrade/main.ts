// The push upgrade panel (browser side): choose the orgs with filters whose counts follow as they change
// (asked a moment after the last change; an answer older than the newest question is never shown), the
// preview the host built (jobs by version, status and org type; the orgs left out and why), the time
// (now or later, in local time and UTC), then the result with the refused orgs and the next step. The
// filters are checked as the user types with the domain's own rules; the host checks them again.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { css, html, nothing } from 'lit';
import type { SelectionCounts } from '../../src/lma/records/pushUpgrade';
import { licenseStatuses, type LicenseStatus } from '../../src/lma/records/types';
import { selectionOfForm } from '../../src/lma/rules/pushSelection';
import {
  describeSchedule,
  EXCLUSION_TEXT,
  parseSchedule,
  type OrgTypeFilter,
} from '../../src/lma/rules/pushUpgrade';
import type {
  HostMessage,
  PageDraft,
  PreviewSummary,
  PushUpgradeMessage,
  ScheduleOutcome,
  SelectionForm,
} from '../../src/protocol/pushUpgrade';
import { MAX_ORG_IDS_TEXT } from '../../src/protocol/pushUpgrade';
import { HostPage, showPage } from '../shared/host';
import { checkedRadioValue } from '../shared/radios';
import { baseStyles, reportTableStyles } from '../shared/styles';

/** How long after the last change of a filter the counts are asked for. */
const COUNT_DELAY_MS = 300;
const number = (n: number) => n.toLocaleString('en-US');
const ORG_TYPES: { value: OrgTypeFilter; label: string }[] = [
  { value: 'all', label: 'Sandboxes and production orgs' },
  { value: 'sandbox', label: 'Sandboxes only (push these first)' },
  { value: 'production', label: 'Production orgs only' },
];

type Step =
  | { kind: 'choosing' }
  | { kind: 'previewing' }
  | { kind: 'previewed'; previewId: number; preview: PreviewSummary }
  | { kind: 'previewError'; message: string }
  | { kind: 'scheduling'; previewId: number; preview: PreviewSummary }
  | { kind: 'done'; preview: PreviewSummary | undefined; outcome: ScheduleOutcome };

class PushUpgradePage extends HostPage<HostMessage, PushUpgradeMessage, PageDraft> {
  static override properties = {
    target: { state: true },
    form: { state: true },
    counts: { state: true },
    step: { state: true },
    when: { state: true },
    error: { state: true },
    fileNote: { state: true },
  };
  declare target: { packageName: string; versionNumber: string } | undefined;
  declare form: SelectionForm | undefined;
  declare counts: { seq: number; counts?: SelectionCounts; message?: string } | undefined;
  declare step: Step;
  declare when: { later: boolean; text: string };
  declare error: string | undefined;
  /** What "Load from File…" last did: the ids added, or why none were. */
  declare fileNote: { problem: boolean; text: string } | undefined;
  private seq = 0;
  private countTimer: ReturnType<typeof setTimeout> | undefined;
  /** The draft kept before the page was torn down, until the host's first `scope` says whether it still holds. */
  private restored: PageDraft | undefined;
  private revision = 0;

  constructor() {
    super();
    this.target = undefined;
    this.form = undefined;
    this.counts = undefined;
    this.step = { kind: 'choosing' };
    this.when = { later: false, text: '' };
    this.error = undefined;
    this.fileNote = undefined;
  }

  protected override restore(draft: PageDraft): void {
    this.restored = draft;
  }

  protected override receive(message: HostMessage): void {
    switch (message.kind) {
      case 'scope':
        this.target = { packageName: message.packageName, versionNumber: message.versionNumber };
        this.revision = message.revision;
        this.step = { kind: 'choosing' };
        // A draft the page kept (it was hidden, or the window reloaded) wins over the same filters it
        // was made from; a newer selection replaces it.
        if (this.restored?.revision === message.revision) this.setForm(this.restored.form, false);
        else this.setForm(message.form, false);
        this.restored = undefined;
        return;
      case 'counts':
      case 'countError':
        // Only the answer to the newest question: an older one arriving late is dropped.
        if (message.seq !== this.seq) return;
        this.counts =
          message.kind === 'counts'
            ? { seq: message.seq, counts: message.counts }
            : { seq: message.seq, message: message.message };
        return;
      case 'preview':
        this.step = { kind: 'previewed', previewId: message.previewId, preview: message.preview };
        this.when = { later: false, text: '' };
        return;
      case 'previewError':
        this.step = { kind: 'previewError', message: message.message };
        return;
      case 'scheduleResult': {
        const shown = this.step;
        const preview = 'preview' in shown ? shown.preview : undefined;
        if (message.outcome.kind === 'notScheduled' && shown.kind === 'scheduling')
          this.step = { kind: 'previewed', previewId: shown.previewId, preview: shown.preview };
        if (message.outcome.kind === 'notScheduled' && this.step.kind === 'previewed') {
          this.error = [message.outcome.message, ...(message.outcome.abandoned ?? [])].join(' ');
          return;
        }
        this.step = { kind: 'done', preview, outcome: message.outcome };
        return;
      }
      case 'orgIdsLoaded':
        return this.addLoadedIds(message.fileName, message.ids);
      case 'orgIdsFileError':
        this.fileNote = { problem: true, text: message.message };
        return;
      case 'error':
        this.error = message.message;
        return;
    }
  }

  /** The file's ids after what the field holds: nothing the user typed is replaced. */
  private addLoadedIds(fileName: string, ids: string[]): void {
    if (!this.form) return;
    const typed = this.form.orgIdsText.trimEnd();
    const text = typed ? `${typed}\n${ids.join('\n')}` : ids.join('\n');
    if (text.length > MAX_ORG_IDS_TEXT) {
      this.fileNote = {
        problem: true,
        text: `${fileName}: with the ids already listed, the list would pass ${number(MAX_ORG_IDS_TEXT)} characters (about 10,000 ids), so nothing was loaded.`,
      };
      return;
    }
    this.fileNote = { problem: false, text: `${number(ids.length)} org ids loaded from ${fileName}.` };
    this.edit({ orgIdsText: text });
  }

  /** A change of the filters: kept as the draft, the preview dropped, the counts asked a moment later. */
  private setForm(form: SelectionForm, edited = true): void {
    this.form = form;
    if (edited) this.host.save({ revision: this.revision, form });
    this.error = undefined;
    if (this.step.kind !== 'choosing' && this.step.kind !== 'done') this.step = { kind: 'choosing' };
    this.askCounts(edited ? COUNT_DELAY_MS : 0);
  }

  private edit(change: Partial<SelectionForm>): void {
    if (this.form) this.setForm({ ...this.form, ...change });
  }

  private askCounts(delay: number): void {
    clearTimeout(this.countTimer);
    const seq = ++this.seq;
    this.countTimer = setTimeout(() => {
      if (this.form) this.host.post({ kind: 'count', seq, form: this.form });
    }, delay);
  }

  protected override render() {
    if (!this.target || !this.form)
      return this.error
        ? html`<p class="error" role="alert">${this.error}</p>`
        : html`<p role="status">Loading…</p>`;
    const { packageName, versionNumber } = this.target;
    return html`
      <h1>Push ${packageName} ${versionNumber}</h1>
      ${this.renderFilters(this.form)} ${this.renderStep()}
      ${this.error ? html`<p class="error" role="alert" id="panel-error">${this.error}</p>` : nothing}
    `;
  }

  private renderFilters(form: SelectionForm) {
    const chosen = selectionOfForm(form);
    const listed = form.orgIdsText.trim() !== '';
    const lines = 'lines' in chosen ? (chosen.lines ?? []) : [];
    return html`
      <form @submit=${(event: Event) => this.preview(event)} novalidate>
        <fieldset ?disabled=${listed}>
          <legend>Which orgs</legend>
          <vscode-checkbox
            id="olderOnly"
            ?checked=${form.olderVersionsOnly}
            ?disabled=${listed}
            @change=${(event: Event) =>
              this.edit({ olderVersionsOnly: (event.target as HTMLInputElement).checked })}
            >Every org on an older version than ${this.target?.versionNumber}</vscode-checkbox
          >
          <div class="statuses" role="group" aria-label="License status">
            <span class="label">License status</span>
            ${licenseStatuses.map(
              (status) =>
                html`<vscode-checkbox
                  id=${`status-${status}`}
                  ?checked=${form.statuses.includes(status)}
                  ?disabled=${listed}
                  @change=${(event: Event) => this.toggleStatus(status, (event.target as HTMLInputElement).checked)}
                  >${status}</vscode-checkbox
                >`,
            )}
          </div>
          <vscode-radio-group
            variant="vertical"
            aria-label="Org type"
            @change=${this.orgTypePicked}
            @keydown=${this.orgTypePicked}
          >
            ${ORG_TYPES.map(
              (type) =>
                html`<vscode-radio
                  name="orgType"
                  value=${type.value}
                  .checked=${form.orgType === type.value}
                  ?disabled=${listed}
                  >${type.label}</vscode-radio
                >`,
            )}
          </vscode-radio-group>
          <label for="customer">Customer name contains</label>
          <vscode-textfield
            id="customer"
            .value=${form.customer}
            ?disabled=${listed}
            @input=${(event: Event) => this.edit({ customer: (event.target as HTMLInputElement).value })}
          ></vscode-textfield>
        </fieldset>
        <label for="orgIds"
          >Or paste org ids (15 or 18 characters, one or more a line): only these orgs</label
        >
        <vscode-textarea
          id="orgIds"
          rows="4"
          .value=${form.orgIdsText}
          aria-describedby="orgIds-error"
          @input=${(event: Event) => this.edit({ orgIdsText: (event.target as HTMLTextAreaElement).value })}
        ></vscode-textarea>
        <div class="file-row">
          <vscode-button
            id="loadOrgIds"
            secondary
            aria-describedby="orgIds-file"
            @click=${(event: Event) => {
              event.preventDefault();
              this.fileNote = undefined;
              this.host.post({ kind: 'loadOrgIds' });
            }}
            >Load from File…</vscode-button
          >
          <span id="orgIds-file" role="status" class=${this.fileNote?.problem ? 'field-error shown' : 'muted'}
            >${this.fileNote?.text ?? 'A .txt or .csv file: one org id a line, or the first column.'}</span
          >
        </div>
        <div id="orgIds-error" role="alert">
          ${
            lines.length
              ? html`<ul class="field-error shown">
                  ${lines.slice(0, 20).map((p) => html`<li>Line ${p.line}: ${p.message}</li>`)}
                  ${lines.length > 20 ? html`<li>and ${lines.length - 20} more</li>` : nothing}
                </ul>`
              : 'problem' in chosen
                ? html`<p class="field-error shown">${chosen.problem}</p>`
                : nothing
          }
        </div>
        ${this.renderCounts()}
        <div class="actions">
          <vscode-button
            id="preview"
            ?disabled=${'problem' in chosen || this.step.kind === 'previewing' || this.step.kind === 'scheduling'}
            @click=${(event: Event) => this.preview(event)}
            >Preview</vscode-button
          >
        </div>
      </form>
    `;
  }

  private renderCounts() {
    const counts = this.counts;
    if (!counts || counts.seq !== this.seq)
      return html`<p id="counts" class="muted" role="status">Counting…</p>`;
    if (!counts.counts) return html`<p id="counts" class="warning" role="status">${counts.message}</p>`;
    const c = counts.counts;
    const versions = Object.entries(c.byVersion)
      .map(([version, n]) => `${version}: ${number(n)}`)
      .join(', ');
    return html`<p id="counts" role="status">
      <strong>${number(c.total)}</strong> ${c.total === 1 ? 'License' : 'Licenses'} selected
      (${number(c.production)} production, ${number(c.sandbox)}
      sandbox)${versions ? html`; by version ${versions}` : nothing}
    </p>`;
  }

  private renderStep() {
    const step = this.step;
    switch (step.kind) {
      case 'choosing':
        return nothing;
      case 'previewing':
        return html`<p role="status">Previewing…</p>`;
      case 'previewError':
        return html`<p class="error" role="alert" id="preview-error">${step.message}</p>`;
      case 'previewed':
      case 'scheduling':
        return html`${this.renderPreview(step.preview)}
        ${step.preview.problem ? nothing : this.renderSchedule(step)}`;
      case 'done':
        return html`${step.preview ? this.renderPreview(step.preview) : nothing}
        ${this.renderAbandoned(step.outcome.abandoned ?? [], step.outcome.abandonedRequests ?? [])}
        ${this.renderOutcome(step.outcome)}`;
    }
  }

  private renderPreview(preview: PreviewSummary) {
    const table = (caption: string, by: Record<string, number>) =>
      Object.keys(by).length
        ? html`<table>
            <caption>
              ${caption}
            </caption>
            <thead>
              <tr>
                <th scope="col">${caption.replace(/^Jobs by /, '')}</th>
                <th scope="col">Jobs</th>
              </tr>
            </thead>
            <tbody>
              ${Object.entries(by).map(
                ([key, n]) =>
                  html`<tr>
                    <td>${key}</td>
                    <td>${number(n)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : nothing;
    const more = preview.excludedTotal - preview.excluded.length;
    return html`<section aria-labelledby="preview-heading" id="preview-section">
      <h2 id="preview-heading">Preview</h2>
      <p id="preview-head" role="status">${preview.head}</p>
      ${preview.problem ? html`<p class="warning" role="alert">${preview.problem}</p>` : nothing}
      <div class="tables">
        ${table('Jobs by current version', preview.byVersion)}
        ${table('Jobs by License status', preview.byStatus)} ${table('Jobs by org type', preview.byOrgType)}
      </div>
      ${
        preview.excludedTotal
          ? html`<table id="excluded">
                <caption>
                  Left out (${number(preview.excludedTotal)})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Org</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  ${preview.excluded.map(
                    (e) =>
                      html`<tr>
                        <td>${e.orgId}</td>
                        <td>${e.customer ?? ''}</td>
                        <td>${EXCLUSION_TEXT[e.reason]}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              ${more > 0 ? html`<p class="muted">and ${number(more)} more left out (counted by reason above).</p>` : nothing}`
          : nothing
      }
    </section>`;
  }

  private renderSchedule(step: Step & { kind: 'previewed' | 'scheduling' }) {
    const jobs = step.preview.jobs;
    const parsed = this.when.later ? parseSchedule(this.when.text, new Date()) : undefined;
    const problem = parsed && 'problem' in parsed ? parsed.problem : undefined;
    const at = parsed && 'when' in parsed && parsed.when ? describeSchedule(parsed.when) : undefined;
    const incomplete = this.when.later && (!this.when.text.trim() || problem !== undefined);
    return html`<section aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedule</h2>
      <vscode-radio-group
        variant="vertical"
        aria-label="When"
        @change=${this.whenPicked}
        @keydown=${this.whenPicked}
      >
        <vscode-radio name="when" value="now" .checked=${!this.when.later}>Start now</vscode-radio>
        <vscode-radio name="when" value="later" .checked=${this.when.later}>Start at a time</vscode-radio>
      </vscode-radio-group>
      ${
        this.when.later
          ? html`<label for="when">Start time: local as 2026-12-24T09:30, or UTC as 2026-12-24T09:30Z</label>
              <vscode-textfield
                id="when"
                .value=${this.when.text}
                aria-describedby="when-note"
                @input=${(event: Event) => (this.when = { later: true, text: (event.target as HTMLInputElement).value })}
              ></vscode-textfield>
              <p id="when-note" class=${problem ? 'field-error shown' : 'muted'} role="alert">
                ${problem ?? (at ? `${at.local} local time, ${at.utc}` : '')}
              </p>`
          : nothing
      }
      <div class="actions">
        <vscode-button
          id="schedule"
          ?disabled=${incomplete || step.kind === 'scheduling'}
          @click=${() => this.schedule()}
          >Schedule ${number(jobs)} ${jobs === 1 ? 'job' : 'jobs'}</vscode-button
        >
      </div>
      ${step.kind === 'scheduling' ? html`<p role="status">Scheduling… (confirm in VS Code)</p>` : nothing}
    </section>`;
  }

  /**
   * The ingest jobs an earlier schedule left in the owner org, found and cleaned before this one, and the
   * next step: the view of each request they created jobs in (to abort it, or finish it).
   */
  private renderAbandoned(abandoned: readonly string[], requests: readonly string[]) {
    if (!abandoned.length) return nothing;
    return html`<section id="abandoned" role="alert" aria-labelledby="abandoned-heading">
      <h2 id="abandoned-heading">
        Found first: Bulk API 2.0 jobs of an earlier push schedule or bulk change in this org that did not end
        here
      </h2>
      <ul>
        ${abandoned.map((a) => html`<li class="warning">${a}</li>`)}
      </ul>
      ${
        requests.length
          ? html`<div class="actions">
              ${requests.map(
                (id) =>
                  html`<vscode-button
                    id=${`show-request-${id}`}
                    secondary
                    @click=${() => this.host.post({ kind: 'showRequest', requestId: id })}
                    >Show Push Request ${id}</vscode-button
                  >`,
              )}
            </div>`
          : nothing
      }
    </section>`;
  }

  private renderOutcome(outcome: ScheduleOutcome) {
    const refusedTable = (refused: { orgId: string; message: string }[], total: number) =>
      total
        ? html`<table id="refused">
              <caption>
                Refused by Salesforce (${number(total)})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Org</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                ${refused.map(
                  (r) =>
                    html`<tr>
                      <td>${r.orgId}</td>
                      <td>${r.message}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${total > refused.length ? html`<p class="muted">and ${number(total - refused.length)} more.</p>` : nothing}`
        : nothing;
    switch (outcome.kind) {
      case 'started':
        return html`<section aria-labelledby="result-heading" id="result">
          <h2 id="result-heading">Scheduled</h2>
          <p class="success" role="status" id="outcome">
            Push request ${outcome.requestId} has ${number(outcome.jobs)}
            ${outcome.jobs === 1 ? 'job' : 'jobs'} and is
            ${outcome.scheduledFor ? `scheduled for ${outcome.scheduledFor.local} local time, ${outcome.scheduledFor.utc}` : 'starting now'}.
          </p>
          ${refusedTable(outcome.refused, outcome.refusedTotal)}
          <p>Next: watch the request until it ends; its failures can then be retried.</p>
          <div class="actions">
            <vscode-button id="watch" @click=${() => this.host.post({ kind: 'watch' })}
              >Watch the Request</vscode-button
            >
          </div>
        </section>`;
      case 'notStarted':
        return html`<section id="result">
          <p class="warning" role="alert" id="outcome">${outcome.message}</p>
          ${refusedTable(outcome.refused, outcome.refusedTotal)}
        </section>`;
      case 'interrupted':
        return html`<section id="result">
          <p class="warning" role="alert" id="outcome">
            ${outcome.message} (${number(outcome.remaining)} jobs still to create.)
          </p>
          <div class="actions">
            <vscode-button id="finish" @click=${() => this.host.post({ kind: 'finish' })}
              >Finish the Request</vscode-button
            >
            <vscode-button id="abort" secondary @click=${() => this.host.post({ kind: 'abort' })}
              >Abort the Request</vscode-button
            >
          </div>
        </section>`;
      case 'aborted':
        return html`<p class="success" role="status" id="outcome">${outcome.message}</p>`;
      case 'notScheduled':
        return html`<p class="warning" role="alert" id="outcome">${outcome.message}</p>`;
    }
  }

  private toggleStatus(status: LicenseStatus, checked: boolean): void {
    const statuses = this.form?.statuses ?? [];
    this.edit({
      statuses: licenseStatuses.filter((s) => (s === status ? checked : statuses.includes(s))),
    });
  }

  private readonly orgTypePicked = (event: Event) => {
    const value = checkedRadioValue(event) as OrgTypeFilter | undefined;
    if (value && value !== this.form?.orgType) this.edit({ orgType: value });
  };

  private readonly whenPicked = (event: Event) => {
    const value = checkedRadioValue(event);
    if (value && (value === 'later') !== this.when.later) this.when = { later: value === 'later', text: '' };
  };

  private preview(event: Event): void {
    event.preventDefault();
    if (!this.form || 'problem' in selectionOfForm(this.form)) return;
    if (this.step.kind === 'previewing' || this.step.kind === 'scheduling') return;
    this.error = undefined;
    this.step = { kind: 'previewing' };
    this.host.post({ kind: 'preview', form: this.form });
  }

  private schedule(): void {
    const step = this.step;
    if (step.kind !== 'previewed') return;
    this.error = undefined;
    this.step = { kind: 'scheduling', previewId: step.previewId, preview: step.preview };
    this.host.post({
      kind: 'schedule',
      previewId: step.previewId,
      when: this.when.later ? this.when.text : '',
    });
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    css`
      fieldset {
        border: 1px solid var(--vscode-panel-border);
        padding: 0.5rem 0.75rem 0.75rem;
        margin: 0 0 0.75rem;
        display: grid;
        gap: 0.5rem;
      }
      .statuses {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
      }
      label,
      .label {
        display: block;
      }
      vscode-textarea,
      vscode-textfield {
        width: 100%;
      }
      h2 {
        font-size: 1.1em;
        font-weight: 600;
        margin-top: 1.5rem;
      }
      .tables {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
      }
      .tables table {
        width: auto;
      }
      ul.field-error {
        margin: 0.25rem 0;
      }
      .file-row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
        margin: 0.25rem 0 0.5rem;
      }
    `,
  ];
}

showPage('lma-push-upgrade', PushUpgradePage);
