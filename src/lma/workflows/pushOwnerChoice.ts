/**
 * The owner org of a package's pushes, checked before anything is counted or created: the LMO when its
 * `MetadataPackage` lists the package; else the org remembered for the package, or one the user picks
 * (the project's `target-dev-hub` suggested first). Whichever org it is, its `MetadataPackage` is read
 * once per org and package (`OwnershipChecks`): an org that lists packages but not this one is refused
 * with a message naming both, and is not remembered (a remembered one is forgotten); an org that can't
 * say (no such object, or no package at all: the UNCONFIRMED reading of a Dev Hub's 2GP packages in
 * records/pushOwner.ts) is used only after the user accepts a warning. The LMO is not offered in the
 * pick when it lists other packages only. No `vscode`: the command gives the ports.
 */
import type { LmoApi } from '../records/lmoApi';
import {
  notOwnerMessage,
  packageOwnership,
  unconfirmedOwnerMessage,
  type Ownership,
} from '../records/pushOwner';

/** An org of the CLI auth store, as the pick shows it. */
export interface AuthorizedOwner {
  username: string;
  aliases: string[];
  isDevHub: boolean;
}

/** One row of the pick. */
export interface OwnerCandidate {
  /** The alias or username the connection opens. */
  target: string;
  label: string;
  description: string;
  /** Why it is offered first, or what is known of it ("the project's target-dev-hub"). */
  detail: string | undefined;
}

export interface PushOwnerPorts {
  lmo: { api: LmoApi; orgId: string; username: string | undefined };
  packageId: string;
  packageName: string;
  checks: OwnershipChecks;
  remembered: string | undefined;
  remember(target: string): Promise<void>;
  forget(): Promise<void>;
  projectDevHub(): Promise<string | undefined>;
  authorizedOrgs(): Promise<AuthorizedOwner[]>;
  pick(candidates: OwnerCandidate[]): Promise<OwnerCandidate | undefined>;
  connect(target: string): Promise<LmoApi & { orgId: string }>;
  /** The warning of an org that can't confirm it owns the package; true: go on with it. */
  confirmUnconfirmed(message: string): Promise<boolean>;
  /** The refusal of an org that lists other packages only. */
  refuse(message: string): void;
}

/**
 * What each org's `MetadataPackage` said of each package, asked once per org and package (a failed
 * read is asked again), and which unconfirmed orgs the user accepted for which package.
 */
export class OwnershipChecks {
  private readonly answers = new Map<string, Promise<Ownership>>();
  private readonly accepted = new Set<string>();

  check(orgId: string, api: LmoApi, packageId: string): Promise<Ownership> {
    const key = keyOf(orgId, packageId);
    let answer = this.answers.get(key);
    if (!answer) {
      this.answers.set(key, (answer = packageOwnership(api, packageId)));
      answer.catch(() => this.answers.delete(key));
    }
    return answer;
  }

  accept(orgId: string, packageId: string): void {
    this.accepted.add(keyOf(orgId, packageId));
  }

  isAccepted(orgId: string, packageId: string): boolean {
    return this.accepted.has(keyOf(orgId, packageId));
  }
}

function keyOf(orgId: string, packageId: string): string {
  return `${orgId.slice(0, 15)}/${packageId.slice(0, 15)}`;
}

/** The owner org's connection, or undefined when none is chosen, refused or its warning declined. */
export async function choosePushOwnerOrg(ports: PushOwnerPorts): Promise<LmoApi | undefined> {
  const { lmo, checks, packageId } = ports;
  const lmoOwnership = await checks.check(lmo.orgId, lmo.api, packageId);
  if (lmoOwnership === 'owns') return lmo.api;

  if (ports.remembered) {
    const chosen = await checked(ports, ports.remembered, lmoOwnership);
    if (chosen !== 'refused') return chosen;
    await ports.forget();
  }

  const suggestion = await ports.projectDevHub().catch(() => undefined);
  const isLmo = (o: AuthorizedOwner) => o.username === lmo.username;
  const candidates = (await ports.authorizedOrgs())
    // The LMO lists other packages only: it can't push this one.
    .filter((o) => !(isLmo(o) && lmoOwnership === 'notOwner'))
    .map((o): OwnerCandidate & { rank: number } => {
      const target = o.aliases[0] ?? o.username;
      const suggested = o.aliases.includes(suggestion ?? '\0') || o.username === suggestion;
      return {
        target,
        label: target,
        description: `${o.username}${o.isDevHub ? ' · Dev Hub' : ''}${isLmo(o) ? ' · the LMO' : ''}`,
        detail: suggested
          ? "The project's target-dev-hub"
          : isLmo(o)
            ? `The LMO can't confirm that it owns ${ports.packageName}`
            : undefined,
        rank: suggested ? 0 : isLmo(o) ? 2 : 1,
      };
    })
    .sort((a, b) => a.rank - b.rank)
    .map(({ rank: _rank, ...candidate }) => candidate);
  const picked = await ports.pick(candidates);
  if (!picked) return undefined;
  const chosen = await checked(ports, picked.target, lmoOwnership);
  if (chosen === 'refused' || !chosen) return undefined;
  await ports.remember(picked.target);
  return chosen;
}

/** The org `target` once its MetadataPackage is read: its connection, undefined (warning declined) or refused. */
async function checked(
  ports: PushOwnerPorts,
  target: string,
  lmoOwnership: Ownership,
): Promise<LmoApi | undefined | 'refused'> {
  const { lmo, checks, packageId, packageName } = ports;
  const api = await ports.connect(target);
  const isLmo = api.orgId.slice(0, 15) === lmo.orgId.slice(0, 15);
  const ownership = isLmo ? lmoOwnership : await checks.check(api.orgId, api, packageId);
  const chosen = isLmo ? lmo.api : api;
  if (ownership === 'owns') return chosen;
  if (ownership === 'notOwner') {
    ports.refuse(notOwnerMessage(target, packageName, packageId));
    return 'refused';
  }
  if (checks.isAccepted(api.orgId, packageId)) return chosen;
  const goOn = await ports.confirmUnconfirmed(unconfirmedOwnerMessage(target, packageName, packageId));
  if (!goOn) return undefined;
  checks.accept(api.orgId, packageId);
  return chosen;
}
