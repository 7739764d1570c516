// A field that holds a value or a special value instead: seats or a site license, a length or a date or
// "does not expire". The text field is off while the special value is checked; the error line under the
// field says what the rules refuse of the pair. Styles: `.field` and `.field-error` of the form (baseStyles colours the
// error); the checkbox's focus ring is baseStyles'.
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';

export interface ValueOrSpecial {
  /** The text field's id; its error line is `<id>-error`. */
  id: string;
  label: string;
  /** The value as typed. */
  value: string;
  error: string | undefined;
  onValue: (value: string) => void;
  /** The special value (its checkbox), when the field has one. */
  special?: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void };
  /** A line under the field, e.g. how long a trial may run. */
  note?: TemplateResult | typeof nothing;
  inputmode?: 'numeric';
  placeholder?: string;
}

export function valueOrSpecialField(field: ValueOrSpecial): TemplateResult {
  const special = field.special;
  const disabled = special?.checked ?? false;
  const error = field.error;
  return html`
    <div class="field">
      <vscode-label for=${field.id}>${field.label}</vscode-label>
      <vscode-textfield
        id=${field.id}
        inputmode=${field.inputmode ?? nothing}
        placeholder=${field.placeholder ?? nothing}
        .value=${field.value}
        ?disabled=${disabled}
        ?invalid=${!!error}
        aria-describedby=${`${field.id}-error`}
        @input=${(event: Event) => field.onValue((event.target as HTMLInputElement).value)}
      ></vscode-textfield>
      ${
        special
          ? html`<vscode-checkbox
              id=${special.id}
              ?checked=${special.checked}
              @change=${(event: Event) => special.onChange((event.target as HTMLInputElement).checked)}
              >${special.label}</vscode-checkbox
            >`
          : nothing
      }
      ${field.note ?? nothing}
      <p class=${error ? 'field-error shown' : 'field-error'} id=${`${field.id}-error`} role="alert">
        ${error ?? ''}
      </p>
    </div>
  `;
}
