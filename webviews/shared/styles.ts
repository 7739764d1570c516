// What every webview of LMA Explorer looks like: the editor's font and colours (only `--vscode-*`
// variables), a heading, and the muted, error and success texts. Each view adds its own rules.
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    max-width: var(--lma-page-width, 48rem);
    padding: 0 1rem 2rem;
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
  }
  h1 {
    font-size: 1.4em;
    font-weight: 600;
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  /* A status (saved, passed, failed, a warning, an error) is told by a bar of its colour beside text in
     the theme's foreground: the status colours are too light for text on a light theme (green 2:1). */
  .error,
  .field-error,
  .fail {
    --lma-status-colour: var(--vscode-errorForeground);
  }
  .warning {
    --lma-status-colour: var(--vscode-editorWarning-foreground);
  }
  .success,
  .pass {
    --lma-status-colour: var(--vscode-testing-iconPassed);
  }
  .error,
  .field-error,
  .warning,
  .success,
  .pass,
  .fail {
    color: var(--vscode-foreground);
  }
  :is(p, div, span).error,
  :is(p, div, span, li).warning,
  :is(p, div, span).success,
  :is(p, div, span).pass,
  :is(p, div, span).fail,
  .field-error.shown {
    border-left: 3px solid var(--lma-status-colour);
    padding-left: 0.5rem;
  }
  tr:is(.pass, .fail, .warning) > :first-child {
    border-left: 3px solid var(--lma-status-colour);
  }
  /* vscode-elements draws only a faint 1px ring inside the box of a focused radio or checkbox. */
  vscode-radio:focus-within,
  vscode-checkbox:focus-within {
    outline: 2px solid var(--vscode-focusBorder);
    outline-offset: 2px;
    border-radius: 2px;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
  }
`;

/** The checks tables of the reports (test install, LMO health). */
export const reportTableStyles = css`
  table {
    border-collapse: collapse;
    width: 100%;
    margin: 1rem 0;
  }
  caption {
    text-align: left;
    font-weight: 600;
    margin-bottom: 0.5rem;
  }
  th,
  td {
    text-align: left;
    vertical-align: top;
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid var(--vscode-panel-border);
  }
`;

/** A report's facts as a definition list: names in the description colour, values beside them. */
export const factListStyles = css`
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.25rem 1rem;
  }
  dt {
    color: var(--vscode-descriptionForeground);
  }
  dd {
    margin: 0;
  }
`;
