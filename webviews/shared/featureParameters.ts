// The feature parameters of one License, as a part any page embeds (the customer view shows one per
// License): each parameter with its type, direction, label, value and introducing version; LMO-to-
// subscriber values editable (a switch, a whole number of at most 9 digits, a date), subscriber-to-LMO
// values read-only. The page keeps the drafts and posts `saveFeatureParameter`; the host checks again.
// Without the FMA, the explanation of what it is and how to get it, shown once.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import {
  SET_BY_CUSTOMER,
  checkValue,
  formatValue,
  type FeatureParameterValue,
  type FeatureValue,
} from '../../src/lma/rules/featureParameters';
import type {
  FeaturePageMessage,
  FeatureSaveResult,
  FeatureSection,
} from '../../src/protocol/featureParameters';

export interface FeatureParametersPart {
  section: FeatureSection | undefined;
  /** The page's drafts by value id: what the user typed or switched, not yet saved. */
  drafts: ReadonlyMap<string, FeatureValue | string>;
  /** The last save's result, shown under the table. */
  result: FeatureSaveResult | undefined;
  /** Whether the FMA explanation was shown already on this page (it is shown once). */
  explained: boolean;
  onDraft: (id: string, value: FeatureValue | string) => void;
  post: (message: FeaturePageMessage) => void;
}

/** A draft as the type takes it: a number from the text of an Integer field. */
function draftValue(p: FeatureParameterValue, draft: FeatureValue | string): unknown {
  if (p.type === 'Integer' && typeof draft === 'string')
    return draft.trim() === '' ? null : /^-?\d+$/.test(draft.trim()) ? Number(draft.trim()) : draft;
  if (p.type === 'Date' && draft === '') return null;
  return draft;
}

function editor(part: FeatureParametersPart, licenseId: string, p: FeatureParameterValue): TemplateResult {
  const id = `fp-${p.id}`;
  const draft = part.drafts.get(p.id);
  const value = draft === undefined ? p.value : draft;
  const checked = checkValue(p.type, draftValue(p, value ?? (p.type === 'Boolean' ? false : null)));
  const error = checked.ok ? undefined : checked.message;
  const changed = draft !== undefined && checked.ok && checked.value !== p.value;
  const field =
    p.type === 'Boolean'
      ? html`<vscode-checkbox
          id=${id}
          toggle
          aria-label=${p.label}
          .checked=${value === true}
          @change=${(e: Event) => part.onDraft(p.id, (e.target as HTMLInputElement).checked)}
          >${value === true ? 'On' : 'Off'}</vscode-checkbox
        >`
      : html`<vscode-textfield
          id=${id}
          aria-label=${p.label}
          inputmode=${p.type === 'Integer' ? 'numeric' : nothing}
          placeholder=${p.type === 'Date' ? 'YYYY-MM-DD' : nothing}
          .value=${value === null || value === undefined ? '' : String(value)}
          ?invalid=${!!error}
          aria-describedby=${`${id}-error`}
          @input=${(e: Event) => part.onDraft(p.id, (e.target as HTMLInputElement).value)}
        ></vscode-textfield>`;
  return html`${field}
    <div id=${`${id}-error`} class="field-error" role=${error ? 'alert' : nothing}>${error ?? ''}</div>
    <vscode-button
      ?disabled=${!changed}
      @click=${() => {
        if (checked.ok) post(part, licenseId, p, checked.value);
      }}
      >Save ${p.label}</vscode-button
    >`;
}

function post(
  part: FeatureParametersPart,
  licenseId: string,
  p: FeatureParameterValue,
  value: FeatureValue,
): void {
  part.post({ kind: 'saveFeatureParameter', licenseId, id: p.id, value });
}

export function featureParametersPart(part: FeatureParametersPart): TemplateResult {
  const section = part.section;
  if (!section) return html`<p>Reading feature parameters…</p>`;
  if (section.kind === 'notInstalled')
    return part.explained ? html`` : html`<p class="note">${section.explanation}</p>`;
  if (section.kind === 'noAccess' || section.kind === 'failed')
    return html`<p class="note">${section.message}</p>`;
  if (!section.parameters.length) return html`<p>This License has no feature parameters.</p>`;
  const result = part.result?.licenseId === section.licenseId ? part.result : undefined;
  return html`
    <table class="feature-parameters">
      <thead>
        <tr>
          <th scope="col">Parameter</th>
          <th scope="col">Type</th>
          <th scope="col">Direction</th>
          <th scope="col">Value</th>
          <th scope="col">Introduced in</th>
        </tr>
      </thead>
      <tbody>
        ${section.parameters.map(
          (p) =>
            html`<tr>
              <th scope="row">${p.label}</th>
              <td>${p.type}</td>
              <td>${p.direction === 'LmoToSubscriber' ? 'LMO to subscriber' : 'Subscriber to LMO'}</td>
              <td>
                ${
                  p.direction === 'LmoToSubscriber' && section.editable
                    ? editor(part, section.licenseId, p)
                    : html`${formatValue(p.type, p.value)}
                        <div class="note">
                          ${p.direction === 'SubscriberToLmo' ? SET_BY_CUSTOMER : (section.readOnlyReason ?? '')}
                        </div>`
                }
              </td>
              <td>${p.introducedIn ?? '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p class="note">Read at ${new Date(section.readAt).toLocaleString()}.</p>
    ${result ? html`<p role="status">${result.message}</p>` : nothing}
  `;
}
