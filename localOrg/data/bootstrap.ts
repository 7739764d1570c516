// What a fresh org holds before anyone writes: its Organization row, the
// "Automated Process" user the platform writes as, and (in an LMO) the
// License record types the LMA installs.
import { mintId } from './ids';
import { LICENSE, LICENSE_RECORD_TYPES } from './schema/lma';
import type { Row } from './schema/types';
import type { OrgState } from './org';
import type { PutOp } from './store/store';

const now = (): string => new Date().toISOString().replace('Z', '+0000');

/** Create what a fresh org of this kind holds: its Organization row, a system user, LMA record types. */
export function bootstrapOrg(state: OrgState, name: string): void {
  const store = state.store;
  const at = now();
  const orgId = state.orgId;
  const ops: PutOp[] = [];
  const stamp = (r: Row, by: string): Row => ({
    IsDeleted: false,
    CreatedDate: at,
    CreatedById: by,
    LastModifiedDate: at,
    LastModifiedById: by,
    SystemModstamp: at,
    ...r,
  });
  const users = store.table(orgId, 'User');
  let systemUser = users.list().find((u) => u.Alias === 'autoproc');
  if (!systemUser) {
    const id = mintId('005', store.nextCounter());
    systemUser = stamp(
      {
        Id: id,
        Username: `autoproc@${orgId.toLowerCase()}.local`,
        LastName: 'Automated Process',
        FirstName: null,
        Email: 'autoproc@example.invalid',
        Alias: 'autoproc',
        IsActive: true,
        UserType: 'Standard',
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        LanguageLocaleKey: 'en_US',
        EmailEncodingKey: 'UTF-8',
      },
      id,
    );
    ops.push(['p', orgId, 'User', systemUser]);
  }
  const by = String(systemUser.Id);
  state.systemUserId = by;
  if (!store.table(orgId, 'Organization').get(orgId)) {
    ops.push([
      'p',
      orgId,
      'Organization',
      stamp(
        {
          Id: orgId,
          Name: name,
          InstanceName: 'LOCAL',
          IsSandbox: false,
          TrialExpirationDate: null,
          NamespacePrefix: null,
          OrganizationType: 'Developer Edition',
          PrimaryContact: null,
          Country: null,
          LanguageLocaleKey: 'en_US',
          TimeZoneSidKey: 'GMT',
          DefaultLocaleSidKey: 'en_US',
        },
        by,
      ),
    ]);
  }
  if (state.kind === 'lmo') {
    const existing = store
      .table(orgId, 'RecordType')
      .list()
      .filter((r) => r.SobjectType === LICENSE);
    for (const rt of LICENSE_RECORD_TYPES) {
      if (existing.some((r) => r.DeveloperName === rt.developerName.replace('sfLma__', ''))) continue;
      ops.push([
        'p',
        orgId,
        'RecordType',
        stamp(
          {
            Id: mintId('012', store.nextCounter()),
            Name: rt.name,
            DeveloperName: rt.developerName.replace('sfLma__', ''),
            NamespacePrefix: 'sfLma',
            SobjectType: LICENSE,
            Description: null,
            IsActive: true,
          },
          by,
        ),
      ]);
    }
  }
  store.write(ops);
}
