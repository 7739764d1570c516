// `GET /query/?explain=<SOQL>`: the query plan Salesforce's Query Plan tool shows ("Get Feedback on
// Query Performance", REST API): one plan per way the query could lead, cheapest first, each with its
// leading operation (Index, Sharing, TableScan, Other), the rows it expects (cardinality), the object's
// rows (sobjectCardinality), the indexed fields it uses, notes on filters it could not use, and a
// relativeCost (under 1: selective). The local org's plans are its own: it counts rows instead of
// estimating them, leads with an index when an indexed field is filtered by = or IN (what its engine
// uses an index for), and prices plans by Salesforce's published selectivity thresholds.
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { malformedQuery } from '../data/errors';
import type { OrgData } from '../data/index';
import { boolTree, indexableTerms } from '../data/soql/where';
import type { Ctx } from './context';
import { json, type ApiResponse } from './http';

interface Plan {
  cardinality: number;
  fields: string[];
  leadingOperationType: 'Index' | 'Other' | 'Sharing' | 'TableScan';
  notes: Array<{ description: string; fields: string[]; tableEnumOrId: string }>;
  relativeCost: number;
  sobjectCardinality: number;
  sobjectType: string;
}

/**
 * A standard index is selective below 30% of the first million rows and 15% of the rest, at most
 * 1,000,000 rows (Query & Search Optimization Cheat Sheet; "Make SOQL query selective").
 */
const indexThreshold = (rows: number): number =>
  Math.min(1_000_000, 0.3 * Math.min(rows, 1_000_000) + 0.15 * Math.max(0, rows - 1_000_000));

const round = (n: number): number => Math.round(n * 1e4) / 1e4;

/** The WHERE's field names, outside subqueries. */
function whereFields(q: Query): string[] {
  if (!q.where) return [];
  const out = new Set<string>();
  const walk = (tree: ReturnType<typeof boolTree>): void => {
    if (tree.kind === 'cond') {
      if ('field' in tree.cond && typeof tree.cond.field === 'string') out.add(tree.cond.field);
    } else if ('items' in tree) for (const t of tree.items) walk(t);
    else if ('item' in tree) walk(tree.item as ReturnType<typeof boolTree>);
  };
  walk(boolTree(q.where));
  return [...out];
}

export async function explain(ctx: Ctx, soql: string): Promise<ApiResponse> {
  let parsed: Query;
  try {
    parsed = parseQuery(soql);
  } catch (e) {
    throw malformedQuery(`unexpected token in query: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  const data: OrgData = ctx.world.data(ctx.org);
  // The query is checked as it would run (unknown objects and fields fail alike), and counted.
  const result = await data.queryAsync(soql);
  const sobjectType = result.sobject;
  const schema = data.schema.require(sobjectType);
  const all = (await data.queryAsync(`SELECT COUNT() FROM ${sobjectType}`)).totalSize;
  const first = result.page(0, 1)[0]?.attributes as { type?: string } | undefined;
  const matched = first?.type === 'AggregateResult' ? all : result.totalSize;
  const filtered = whereFields(parsed);
  const indexed = parsed.where
    ? indexableTerms(boolTree(parsed.where))
        .map((t) => schema.field(t.field))
        .filter((f) => f?.indexed === true)
        .map((f) => f!.name)
    : [];
  const unindexed = filtered.filter((f) => schema.field(f)?.indexed !== true);
  const threshold = Math.max(1, indexThreshold(all));
  const tableScan: Plan = {
    cardinality: matched,
    fields: [],
    leadingOperationType: 'TableScan',
    notes: unindexed.length
      ? [
          {
            description: 'Not considering filter for optimization because unindexed',
            fields: unindexed.map((f) => schema.field(f)?.name ?? f),
            tableEnumOrId: sobjectType,
          },
        ]
      : [],
    // A full scan is never selective: above 1 for every object with rows (the local org's own price).
    relativeCost: round(all === 0 ? 0 : 1 + all / threshold / 10),
    sobjectCardinality: all,
    sobjectType,
  };
  const plans: Plan[] = indexed.length
    ? [
        {
          cardinality: matched,
          fields: [indexed[0]!],
          leadingOperationType: 'Index',
          notes: [],
          relativeCost: round(matched / threshold),
          sobjectCardinality: all,
          sobjectType,
        },
        tableScan,
      ]
    : [tableScan];
  return json({ plans: plans.sort((a, b) => a.relativeCost - b.relativeCost), sourceQuery: soql });
}
