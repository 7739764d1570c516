// The customer view's push history (browser side): per owner org of the customer's packages, the push
// jobs for this org with their request, target version, status, time and error; for a package whose
// owner org isn't known, how to connect one.
import { html, nothing } from 'lit';
import { describeSchedule } from '../../src/lma/rules/pushUpgrade';
import type { CustomerPushJobs, OwnerPushJobs } from '../../src/lma/workflows/customerPushJobs';

const when = (at: string | undefined) => (at ? describeSchedule(new Date(at)).local : '');

export function pushJobsPart(pushJobs: CustomerPushJobs | undefined) {
  if (!pushJobs) return nothing;
  if (!pushJobs.owners.length && !pushJobs.withoutOwner.length) return nothing;
  return html`<section aria-labelledby="push-jobs">
    <h2 id="push-jobs">Push upgrades</h2>
    ${pushJobs.owners.map(ownerPart)}
    ${
      pushJobs.withoutOwner.length
        ? html`<p id="push-owner-unknown">
            Push jobs of ${pushJobs.withoutOwner.join(', ')} are kept in the package's owner org (the Dev Hub
            for second-generation packages, the packaging org for first-generation ones), which is not
            connected. Run “Push Upgrade to This Version…” on one of its versions in the License Management
            tree once to choose it (from the sf CLI's authorized orgs); this view then lists this org's push
            jobs.
          </p>`
        : nothing
    }
  </section>`;
}

function ownerPart(owner: OwnerPushJobs) {
  const caption = `${owner.packages.join(', ')}: ${owner.owner.replace(/^Pushes run in /, 'push jobs in ')}`;
  if (owner.error)
    return html`<p class="error" role="alert">${caption}: could not be read: ${owner.error}</p>`;
  if (!owner.jobs.length) return html`<p>${caption}: no push job for this org.</p>`;
  return html`<table>
    <caption>
      ${caption} (${owner.jobs.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">Request</th>
        <th scope="col">Target version</th>
        <th scope="col">Status</th>
        <th scope="col">Time</th>
        <th scope="col">Error</th>
      </tr>
    </thead>
    <tbody>
      ${owner.jobs.map(
        (job) =>
          html`<tr>
            <th scope="row"><code>${job.requestId}</code></th>
            <td>${job.packageName ?? ''} ${job.versionNumber ?? job.versionId ?? ''}</td>
            <td>${job.status}</td>
            <td>${when(job.endTime ?? job.startTime ?? job.scheduledStartTime ?? job.createdDate)}</td>
            <td>${job.errors.join('; ')}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
