/**
 * A customer's push jobs: where an owner org of the customer's packages is known, the jobs for this
 * subscriber org in that org, newest first, each with its request, target version, status, times and,
 * for a failed job, its error. One query per owner org (the jobs with their request through the
 * `PackagePushRequest` relationship of PackagePushRequestId; its name is UNCONFIRMED, so an org that
 * refuses it is asked for the requests by an IN list instead), and one more only when a job failed (the
 * errors of the failed jobs, by an IN list): never one per job.
 */
import type { CustomerPackage } from '../records/customer';
import { queryAll, queryPage, type LmoApi } from '../records/lmoApi';
import { PUSH_OBJECTS } from '../records/objects';
import { literal, toId15, toId18 } from '../records/soql';

/** The newest jobs the view shows per owner org. */
export const CUSTOMER_PUSH_JOBS_LIMIT = 50;

export interface OrgPushJob {
  jobId: string;
  requestId: string;
  /** The 04t id the request pushes. */
  versionId: string | undefined;
  status: string;
  requestStatus: string | undefined;
  scheduledStartTime: string | undefined;
  startTime: string | undefined;
  endTime: string | undefined;
  createdDate: string | undefined;
  /** A failed job's errors, "Type: title: message" each. */
  errors: string[];
}

const JOB_FIELDS = 'Id, Status, StartTime, EndTime, CreatedDate, PackagePushRequestId';

interface JobRow {
  Id: string;
  Status: string;
  StartTime?: string | null;
  EndTime?: string | null;
  CreatedDate?: string | null;
  PackagePushRequestId: string;
  PackagePushRequest?: {
    PackageVersionId?: string | null;
    Status?: string | null;
    ScheduledStartTime?: string | null;
  } | null;
}

/** The push jobs of one subscriber org in one owner org, newest first. */
export async function readOrgPushJobs(
  owner: LmoApi,
  orgId: string,
  limit = CUSTOMER_PUSH_JOBS_LIMIT,
): Promise<OrgPushJob[]> {
  const forms = [...new Set([toId15(orgId), toId18(orgId)])];
  const where = `WHERE SubscriberOrganizationKey IN (${forms.map(literal).join(', ')}) ORDER BY CreatedDate DESC LIMIT ${limit}`;
  let page: { records: JobRow[] };
  try {
    page = await queryPage<JobRow>(
      owner,
      `SELECT ${JOB_FIELDS}, PackagePushRequest.PackageVersionId, PackagePushRequest.Status, PackagePushRequest.ScheduledStartTime FROM ${PUSH_OBJECTS.pushJob} ${where}`,
    );
  } catch (error) {
    // The relationship's name is UNCONFIRMED: an org that refuses it is asked for the requests by id.
    if (!/INVALID_FIELD|relationship/i.test((error as Error).message)) throw error;
    page = await queryPage<JobRow>(owner, `SELECT ${JOB_FIELDS} FROM ${PUSH_OBJECTS.pushJob} ${where}`);
    const ids = [...new Set(page.records.map((j) => j.PackagePushRequestId))];
    const requests = new Map(
      ids.length
        ? (
            await queryAll<{
              Id: string;
              PackageVersionId?: string | null;
              Status?: string | null;
              ScheduledStartTime?: string | null;
            }>(
              owner,
              `SELECT Id, PackageVersionId, Status, ScheduledStartTime FROM ${PUSH_OBJECTS.pushRequest} WHERE Id IN (${ids.map(literal).join(', ')})`,
            )
          ).map((r) => [toId18(r.Id), r] as const)
        : [],
    );
    for (const job of page.records)
      job.PackagePushRequest = requests.get(toId18(job.PackagePushRequestId)) ?? null;
  }
  const failed = page.records.filter((j) => j.Status === 'Failed').map((j) => j.Id);
  const errors = new Map<string, string[]>();
  if (failed.length)
    for (const row of await queryAll<{
      PackagePushJobId: string;
      ErrorType?: string | null;
      ErrorTitle?: string | null;
      ErrorMessage?: string | null;
    }>(
      owner,
      `SELECT PackagePushJobId, ErrorType, ErrorTitle, ErrorMessage FROM ${PUSH_OBJECTS.pushError} WHERE PackagePushJobId IN (${failed.map(literal).join(', ')})`,
    )) {
      const key = toId18(row.PackagePushJobId);
      const text = [row.ErrorType ?? 'UnclassifiedError', row.ErrorTitle, row.ErrorMessage]
        .filter(Boolean)
        .join(': ');
      errors.set(key, [...(errors.get(key) ?? []), text]);
    }
  return page.records.map((j) => ({
    jobId: j.Id,
    requestId: j.PackagePushRequestId,
    versionId: j.PackagePushRequest?.PackageVersionId ?? undefined,
    status: j.Status,
    requestStatus: j.PackagePushRequest?.Status ?? undefined,
    scheduledStartTime: j.PackagePushRequest?.ScheduledStartTime ?? undefined,
    startTime: j.StartTime ?? undefined,
    endTime: j.EndTime ?? undefined,
    createdDate: j.CreatedDate ?? undefined,
    errors:
      errors.get(toId18(j.Id)) ?? (j.Status === 'Failed' ? ['UnclassifiedError: no error recorded'] : []),
  }));
}

/** An owner org the view read, with its jobs for this org (or why it could not be read). */
export interface OwnerPushJobs {
  /** Where the pushes run ("Pushes run in this LMO"). */
  owner: string;
  /** The customer's packages whose pushes run there. */
  packages: string[];
  jobs: (OrgPushJob & { packageName: string | undefined; versionNumber: string | undefined })[];
  error?: string;
}

/** The customer view's push history: per known owner org, and the packages whose owner org is unknown. */
export interface CustomerPushJobs {
  owners: OwnerPushJobs[];
  withoutOwner: string[];
}

export interface KnownOwner {
  label: string;
  connect(): Promise<LmoApi>;
}

/**
 * Reads the push jobs of a subscriber org in each known owner org of its packages (one owner org
 * asked once, however many of the packages it owns). `versions` names a 04t id's package and version.
 */
export async function loadCustomerPushJobs(
  orgId: string,
  packages: readonly CustomerPackage[],
  ownerOf: (pkg: CustomerPackage) => Promise<KnownOwner | undefined>,
  versions: ReadonlyMap<string, { packageName: string; versionNumber: string | undefined }>,
): Promise<CustomerPushJobs> {
  const unique = [
    ...new Map(packages.filter((p) => p.packageId).map((p) => [p.packageId!.slice(0, 15), p])).values(),
  ];
  const byOwner = new Map<string, { owner: KnownOwner; packages: string[] }>();
  const withoutOwner: string[] = [];
  for (const pkg of unique) {
    const owner = await ownerOf(pkg).catch(() => undefined);
    const name = pkg.name ?? pkg.packageId!;
    if (!owner) withoutOwner.push(name);
    else {
      const entry = byOwner.get(owner.label) ?? { owner, packages: [] };
      entry.packages.push(name);
      byOwner.set(owner.label, entry);
    }
  }
  const owners = await Promise.all(
    [...byOwner.values()].map(async ({ owner, packages: names }): Promise<OwnerPushJobs> => {
      try {
        const jobs = await readOrgPushJobs(await owner.connect(), orgId);
        return {
          owner: owner.label,
          packages: names,
          jobs: jobs.map((job) => {
            const version = job.versionId ? versions.get(job.versionId.slice(0, 15)) : undefined;
            return { ...job, packageName: version?.packageName, versionNumber: version?.versionNumber };
          }),
        };
      } catch (error) {
        return { owner: owner.label, packages: names, jobs: [], error: (error as Error).message };
      }
    }),
  );
  return { owners, withoutOwner };
}
