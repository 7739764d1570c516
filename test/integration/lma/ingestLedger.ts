// The ingest-job ledger of the crash clean-up tests: kept as VS Code's global state keeps it, so it
// outlives the run that wrote it; `added` lists every id ever recorded, in order.
export function ingestLedger() {
  const ids: string[] = [];
  const added: string[] = [];
  return {
    ids,
    added,
    list: () => ids,
    add: (id: string) => {
      added.push(id);
      if (!ids.includes(id)) ids.push(id);
    },
    remove: (id: string) => {
      const at = ids.indexOf(id);
      if (at >= 0) ids.splice(at, 1);
    },
  };
}
