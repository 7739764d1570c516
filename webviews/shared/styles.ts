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
  .error {
    color: var(--vscode-errorForeground);
  }
  .warning {
    color: var(--vscode-editorWarning-foreground);
  }
  .success,
  .pass {
    color: var(--vscode-testing-iconPassed);
  }
  .fail {
    color: var(--vscode-testing-iconFailed);
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
