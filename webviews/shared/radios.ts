// Radio groups that follow the keyboard. vscode-elements' radio group (2.5) moves `checked` on the
// arrow keys without the `change` event a form listens for, and Space then does nothing (the radio is
// checked already): a form listens on the group for `change` and `keydown` alike and reads the value
// of the radio now checked.
import type { VscodeRadio } from '@vscode-elements/elements/dist/vscode-radio/index.js';

/** The value of the checked radio in the group the event was listened on, if any. */
export function checkedRadioValue(event: Event): string | undefined {
  const group = event.currentTarget as HTMLElement;
  const radios = Array.from(group.querySelectorAll<VscodeRadio>('vscode-radio'));
  return radios.find((radio) => radio.checked)?.value;
}
