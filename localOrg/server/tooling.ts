// Tooling API sObjects: PackageInstallRequest (create + poll) and read-only
// describe/retrieve of the world's tooling objects.
import { SalesforceError, notFound } from '../data/errors';
import { installRequestRow, toolingTables } from '../world/virtualObjects';
import type { Ctx } from './context';
import { json, type ApiResponse } from './http';
import { recordBody } from './multipart';

function describeOf(name: string, fields: string[]): Record<string, unknown> {
  return {
    name,
    label: name,
    labelPlural: name,
    custom: false,
    createable: name === 'PackageInstallRequest',
    updateable: false,
    deletable: false,
    queryable: true,
    retrieveable: true,
    keyPrefix:
      {
        PackageInstallRequest: '0Hf',
        SubscriberPackageVersion: '04t',
        SubscriberPackage: '033',
        InstalledSubscriberPackage: '0A3',
      }[name] ?? null,
    fields: fields.map((f) => ({
      name: f,
      label: f,
      type: f === 'Id' ? 'id' : 'string',
      nillable: f !== 'Id',
    })),
  };
}

export async function toolingSobjects(ctx: Ctx): Promise<ApiResponse> {
  const tables = toolingTables(ctx.world, ctx.org, ctx.version);
  const [, type, third] = ctx.rest;
  if (!type) {
    return json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [...tables.values()].map((t) => {
        const { fields: _f, ...rest } = describeOf(t.name, t.fields);
        return rest;
      }),
    });
  }
  // A type the Tooling API doesn't have here: its URLs are resources that don't exist, 404 as on the
  // data API (Salesforce answers both alike; SOQL names such a type INVALID_TYPE).
  const table = tables.get(type.toLowerCase());
  if (!table) throw notFound();
  if (third === 'describe') return json(describeOf(table.name, table.fields));
  if (third === undefined) {
    if (ctx.req.method === 'POST') {
      if (table.name !== 'PackageInstallRequest') {
        throw new SalesforceError(
          'INVALID_TYPE_FOR_OPERATION',
          `entity type ${table.name} does not support insert`,
        );
      }
      if (ctx.org.kind !== 'subscriber') {
        throw new SalesforceError(
          'INVALID_OPERATION',
          'Install packages into a test org (the local org installs into subscriber orgs only).',
        );
      }
      const req = await ctx.world.installs.request(
        ctx.org,
        recordBody(ctx.req, describeOf(table.name, table.fields)),
      );
      return json({ id: req.id, success: true, errors: [] }, 201, {
        Location: `/services/data/v${ctx.version}/tooling/sobjects/PackageInstallRequest/${req.id}`,
      });
    }
    return json({ objectDescribe: describeOf(table.name, []), recentItems: [] });
  }
  if (ctx.req.method !== 'GET') {
    throw new SalesforceError(
      'METHOD_NOT_ALLOWED',
      `HTTP Method '${ctx.req.method}' not allowed. Allowed are HEAD,GET`,
      [],
      405,
    );
  }
  if (table.name === 'PackageInstallRequest') {
    const req = await ctx.world.installs.get(ctx.org, third);
    if (!req) throw notFound();
    return json(installRequestRow(ctx.world, req.id, ctx.org, ctx.version));
  }
  const row = table.rows().find((r) => String(r.Id).slice(0, 15) === third.slice(0, 15));
  if (!row) throw notFound();
  return json(row);
}
