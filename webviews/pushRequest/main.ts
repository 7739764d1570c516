// A push request (browser side): its status, schedule, start and end, jobs by status, and its failures
// grouped by error type and title. It only renders what the host posts; its buttons ask the host, which
// acts on the request it read.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { HostPage, showPage } from '../shared/host';
import { baseStyles, factListStyles, reportTableStyles } from '../shared/styles';
import { css, html, nothing } from 'lit';
import { describeJobs } from '../../src/lma/rules/pushRequests';
import { describeSchedule } from '../../src/lma/rules/pushUpgrade';
import type { HostMessage, PushRequestData, PushRequestMessage } from '../../src/protocol/pushRequest';

const headlines: Record<string, string> = {
  Created: 'Created: not started. It was left so when its jobs could not all be created.',
  Pending: 'Pending: scheduled, waiting for its start time.',
  'In Progress': 'In progress: the orgs are being upgraded.',
  Succeeded: 'Succeeded: every job upgraded its org.',
  Failed: 'Finished with failures: the jobs below failed.',
  Canceled: 'Canceled: its jobs will not run.',
};

const time = (at: string | undefined) => (at ? describeSchedule(new Date(at)) : undefined);

class PushRequestView extends HostPage<HostMessage, PushRequestMessage> {
  protected override render() {
    const message = this.message;
    if (!message) return html`<p role="status">Loading…</p>`;
    if (message.kind === 'error')
      return html`<p class="error" role="alert">${message.message}</p>
        ${this.refreshButton()}`;
    const { data } = message;
    const { request } = data;
    return html`
      <h1>Push ${data.packageName} ${data.versionNumber ?? request.versionId}</h1>
      <p id="status" role="status">
        <strong>${headlines[request.status] ?? request.status}</strong>
        ${data.running ? html`<span class="muted">Refreshing while it runs.</span>` : nothing}
      </p>
      <dl>
        <dt>Request</dt>
        <dd>${request.id}</dd>
        <dt>Status</dt>
        <dd id="requestStatus">${request.status}</dd>
        <dt>Owner org</dt>
        <dd>${data.owner}</dd>
        ${this.time('Scheduled', request.scheduledStartTime)} ${this.time('Started', request.startTime)}
        ${this.time('Ended', request.endTime)} ${this.time('Created', request.createdDate)}
        <dt>Jobs</dt>
        <dd id="jobs">${describeJobs(request.jobs)}</dd>
      </dl>
      <div class="actions">
        ${
          data.actions.retry
            ? html`<vscode-button id="retry" @click=${() => this.host.post({ kind: 'retry' })}
                >Retry Failed Orgs…</vscode-button
              >`
            : nothing
        }
        ${
          data.actions.finish
            ? html`<vscode-button id="finish" @click=${() => this.host.post({ kind: 'finish' })}
                >Finish Scheduling…</vscode-button
              >`
            : nothing
        }
        ${
          data.actions.abort
            ? html`<vscode-button id="abort" secondary @click=${() => this.host.post({ kind: 'abort' })}
                >Abort…</vscode-button
              >`
            : nothing
        }
        ${
          data.groups.length
            ? html`<vscode-button
                id="exportCsv"
                secondary
                @click=${() => this.host.post({ kind: 'exportCsv' })}
                >Export Failures as CSV…</vscode-button
              >`
            : nothing
        }
        ${this.refreshButton()}
      </div>
      ${this.failures(data)}
      <p class="muted">Read ${new Date(message.loadedAt).toLocaleTimeString()}.</p>
    `;
  }

  private refreshButton() {
    return html`<vscode-button id="refresh" secondary @click=${() => this.host.post({ kind: 'refresh' })}
      >Refresh</vscode-button
    >`;
  }

  private time(label: string, at: string | undefined) {
    const t = time(at);
    return t
      ? html`<dt>${label}</dt>
          <dd>${t.local} · ${t.utc}</dd>`
      : nothing;
  }

  private failures(data: PushRequestData) {
    if (!data.groups.length)
      return (data.request.jobs.Failed ?? 0) > 0 ? html`<p>Reading the failures…</p>` : nothing;
    const total = data.groups.reduce((n, g) => n + g.failures.length, 0);
    return html`
      <section aria-labelledby="failures">
        <h2 id="failures">Failures (${total}), by error type and title</h2>
        ${data.groups.map(
          (group) => html`
            <table>
              <caption>
                ${group.errorType}: ${group.title} (${group.failures.length})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Org</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Message</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                ${group.failures.map(
                  (f) =>
                    html`<tr>
                      <th scope="row"><code>${f.orgId}</code></th>
                      <td>${f.customer ?? 'not in the LMO'}</td>
                      <td>${f.message}</td>
                      <td class="details">${f.details}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          `,
        )}
      </section>
    `;
  }

  static override styles = [
    baseStyles,
    reportTableStyles,
    factListStyles,
    css`
      :host {
        --lma-page-width: 70rem;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin: 1rem 0;
      }
      .muted {
        color: var(--vscode-descriptionForeground);
      }
      .details {
        white-space: pre-wrap;
      }
    `,
  ];
}

showPage('lma-push-request', PushRequestView);
