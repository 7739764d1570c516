// Binds the world to the data layer (localOrg/data). The only file that knows
// the data layer's API: if that API moves, this file moves with it.
import { openDatabase, type OrgData as DataOrg } from '../data/index';
import { picklist, text } from '../data/schema/fields';
import type { DataStore, OrgData, QueryResult } from './dataPort';

function wrap(org: DataOrg): OrgData {
  return {
    query: async (soql, options = {}) => {
      const r = org.query(soql, {
        includeDeleted: options.includeDeleted,
        ...(options.apiVersion ? { apiVersion: `v${options.apiVersion}` } : {}),
      });
      const result: QueryResult = {
        totalSize: r.totalSize,
        page: (from, count) => r.page(from, count),
        get records() {
          return r.records;
        },
      };
      return result;
    },
    retrieve: async (sobject, id, fields) => org.retrieve(sobject, id, fields),
    create: async (sobject, fields) => (await org.create(sobject, fields)).id,
    update: async (sobject, id, fields, options) => {
      await org.update(sobject, id, fields, options);
    },
    delete: async (sobject, id) => {
      await org.delete(sobject, id);
    },
    describe: async (sobject) => org.describe(sobject),
    describeGlobal: async () => org.describeGlobal() as Awaited<ReturnType<OrgData['describeGlobal']>>,
    bulkInsert: (sobject, rows) => org.bulkInsert(sobject, rows),
    setAddedFields: (sobject, fields) =>
      org.setAddedFields(
        sobject,
        fields.map((f) =>
          f.type === 'picklist'
            ? picklist(f.name, f.label, f.values ?? [], { required: f.required === true })
            : text(f.name, f.label, f.length ?? 255, { required: f.required === true }),
        ),
      ),
    setLma: (setup) => org.setLma(setup),
    setLmaAccess: (userId, access) => org.setLmaAccess(userId, access),
    asUser: (userId) => wrap(org.asUser(userId)),
    system: () => wrap(org.system()),
  };
}

export async function openDataStore(dir: string | undefined): Promise<DataStore> {
  const db = await openDatabase({ dir });
  return {
    org: (orgId, kind, name) => wrap(db.org(orgId, name ? { kind, name } : { kind })),
    atomically: (fn) => db.atomically(fn),
    close: async () => db.close(),
  };
}
