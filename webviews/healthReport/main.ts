// The LMO health report (browser side): every check with its result, then each finding with what it
// breaks, how to fix it and a link to the record in Salesforce. It only renders what the host posts.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { css, html, nothing } from 'lit';
import type { HealthFinding } from '../../src/lma/workflows/healthCheck';
import { checksTable } from '../shared/checksTable';
import { HostPage } from '../shared/host';
import { baseStyles, reportTableStyles } from '../shared/styles';
import type { HealthMessage, HostMessage } from '../../src/protocol/healthReport';

const severityWords: Record<HealthFinding['severity'], string> = {
  error: 'Error',
  warning: 'Warning',
  info: 'Note',
};
const statusWords = { clean: 'Nothing found', found: 'Found', skipped: 'Skipped' } as const;

class HealthReportView extends HostPage<HostMessage, HealthMessage> {
  protected override render() {
    const message = this.message;
    if (!message || message.kind === 'checking') return html`<p role="status">Checking the LMO…</p>`;
    if (message.kind === 'error') return html`<p class="error" role="alert">${message.message}</p>`;
    const { report } = message;
    return html`
      <h1>LMO Health · ${message.orgLabel}</h1>
      <p id="summary" class=${report.clean ? 'pass' : 'warning'} role="status">${report.summary}</p>
      ${checksTable({
        caption: 'Checks',
        columns: ['Check', 'Result'],
        rows: report.checks.map((check) => ({
          header: check.title,
          cells: [
            html`${statusWords[check.status]}${check.reason ? html`, because ${check.reason}` : nothing}`,
          ],
          status: check.status === 'clean' ? 'pass' : check.status === 'found' ? 'fail' : 'warning',
        })),
      })}
      ${
        report.findings.length
          ? html`<h2>Findings</h2>
              <ol id="findings">
                ${report.findings.map(
                  (finding) =>
                    html`<li class="finding">
                      <h3>
                        <span class="severity ${finding.severity}">${severityWords[finding.severity]}</span>
                        ${finding.title}
                      </h3>
                      <p><strong>What it breaks:</strong> ${finding.breaks}</p>
                      <p><strong>How to fix it:</strong> ${finding.fix}</p>
                      <vscode-button
                        secondary
                        @click=${() => this.host.post({ kind: 'open', findingId: finding.id })}
                        >Open in Salesforce</vscode-button
                      >
                    </li>`,
                )}
              </ol>`
          : nothing
      }
      <div class="actions">
        <vscode-button @click=${() => this.host.post({ kind: 'recheck' })}>Check Again</vscode-button>
      </div>
      <p class="muted">Checked ${new Date(message.checkedAt).toLocaleString()}</p>
    `;
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    css`
      :host {
        --lma-page-width: 60rem;
      }
      #summary {
        font-weight: 600;
      }
      h2 {
        font-size: 1.1em;
        font-weight: 600;
      }
      h3 {
        font-size: 1em;
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .finding {
        margin-bottom: 1rem;
      }
      /* A badge: the severity's colour as its border, the text in the foreground (readable in every theme). */
      .severity {
        color: var(--vscode-foreground);
        border: 1px solid var(--vscode-descriptionForeground);
        border-left-width: 3px;
        border-radius: 2px;
        padding: 0 0.35em;
        margin-right: 0.25em;
      }
      .severity.error {
        border-color: var(--vscode-errorForeground);
      }
      .severity.warning {
        border-color: var(--vscode-editorWarning-foreground);
      }
    `,
  ];
}

if (!customElements.get('lma-health-report')) customElements.define('lma-health-report', HealthReportView);
document.body.append(document.createElement('lma-health-report'));
