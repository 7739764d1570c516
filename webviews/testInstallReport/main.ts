// The test-install report (browser side): a row per check, what was expected and found, and what to
// do about a failure. It only renders what the host posts.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { checksTable } from '../shared/checksTable';
import { HostPage, showPage } from '../shared/host';
import { baseStyles, factListStyles, reportTableStyles } from '../shared/styles';
import { css, html, nothing } from 'lit';
import type {
  Check,
  InstallKind,
  TestInstallOutcome,
  TestInstallReport,
} from '../../src/lma/workflows/testInstall';
import type { HostMessage, ReportMessage } from '../../src/protocol/testInstallReport';

const headlines: Record<TestInstallOutcome, string> = {
  passed: 'Passed: the LMO recorded the License and Lead as expected.',
  failed: 'Failed: the License differs from the expected terms.',
  noLicense: 'Failed: no License appeared in the LMO.',
  installFailed: 'Failed: the test install did not complete.',
  cancelled: 'Cancelled.',
};

const installKinds: Record<InstallKind, string> = {
  new: 'New install: a new License with the default terms',
  upgrade: 'Upgrade: the existing License moves to this version; its terms stay',
  reinstall: 'Reinstall after an uninstall: a new License beside the Uninstalled one',
};

const resultWords: Record<Check['result'], string> = { pass: 'Pass', fail: 'Fail', info: 'Found' };

// The page keeps the report it shows: a reloaded window reopens the panel with it (it holds no key).
class TestInstallReportView extends HostPage<HostMessage, ReportMessage, TestInstallReport> {
  static override properties = { report: { state: true } };
  declare report: TestInstallReport | undefined;

  constructor() {
    super();
    this.report = undefined;
  }

  protected override receive(message: HostMessage): void {
    if (message?.kind !== 'report') return;
    this.report = message.report;
    this.host.save(message.report);
  }

  protected override restore(report: TestInstallReport): void {
    this.report ??= report;
  }

  protected override render() {
    const report = this.report;
    if (!report) return html`<p role="status">Loading…</p>`;
    const licenseFound = report.checks.some((check) => check.name === 'License' && check.result === 'pass');
    return html`
      <h1>Test Install: ${report.packageName} ${report.versionName}</h1>
      <p id="outcome" class=${report.outcome === 'passed' ? 'pass' : 'fail'} role="status">
        ${headlines[report.outcome]}
      </p>
      <dl>
        <dt>Version</dt>
        <dd>${report.versionId}</dd>
        <dt>Test org</dt>
        <dd>
          ${report.targetOrg.username}
          (${report.targetOrg.orgId}${report.targetOrg.isSandbox ? ', sandbox' : ''})
        </dd>
        <dt>LMO</dt>
        <dd>${report.lmoUsername}</dd>
        ${
          report.installKind
            ? html`<dt>Install</dt>
                <dd id="installKind">${installKinds[report.installKind]}</dd>`
            : nothing
        }
        ${
          report.remoteSites
            ? html`<dt>Remote sites</dt>
                <dd id="remoteSites">
                  ${report.remoteSites.enabled ? 'enabled' : 'not enabled'}:
                  ${report.remoteSites.sites.join(', ')}
                </dd>`
            : nothing
        }
        <dt>Expected terms</dt>
        <dd>${report.expectedTerms ?? 'none in sfdx-project.json'}</dd>
        <dt>Ran</dt>
        <dd>
          ${new Date(report.startedAt).toLocaleString()} – ${new Date(report.finishedAt).toLocaleTimeString()}
        </dd>
      </dl>
      ${
        report.checks.length
          ? checksTable({
              caption: 'Checks',
              columns: ['Check', 'Expected', 'Found', 'Result'],
              rows: report.checks.map((check) => ({
                header: check.name,
                cells: [
                  check.expected,
                  check.found,
                  html`${resultWords[check.result]}${check.advice ? html`<div class="advice">${check.advice}</div>` : nothing}`,
                ],
                status: check.result,
              })),
            })
          : nothing
      }
      ${
        report.messages.length
          ? html`<ul id="messages">
              ${report.messages.map((line) => html`<li>${line}</li>`)}
            </ul>`
          : nothing
      }
      <div class="actions">
        ${
          licenseFound
            ? html`<vscode-button @click=${() => this.host.post({ kind: 'showLicense' })}
                >Show the License in the Tree</vscode-button
              >`
            : nothing
        }
        <vscode-button secondary @click=${() => this.host.post({ kind: 'editTerms' })}
          >Edit Default Licensing…</vscode-button
        >
      </div>
    `;
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    factListStyles,
    css`
      :host {
        --lma-page-width: 60rem;
      }
      #outcome {
        font-weight: 600;
      }
      .advice {
        color: var(--vscode-foreground);
        margin-top: 0.25rem;
      }
    `,
  ];
}

showPage('lma-test-install-report', TestInstallReportView);
