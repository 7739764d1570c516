// allOrNone is all or nothing: in process (a failed batch leaves no record, not even for queryAll,
// and no update) and across kill -9 of the server at random points during allOrNone collections and
// composite requests.
import './isolatedHome';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { raw, startChildOrg, startTestOrg, sleep } from './helpers';

const V = '/services/data/v62.0';

async function queryAll(
  org: Parameters<typeof raw>[0],
  token: string,
  soql: string,
): Promise<Array<Record<string, unknown>>> {
  const records: Array<Record<string, unknown>> = [];
  let path: string | undefined = `${V}/queryAll?q=${encodeURIComponent(soql)}`;
  while (path) {
    const res = await raw(org, token, 'GET', path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const page = res.body as { records: Array<Record<string, unknown>>; nextRecordsUrl?: string };
    records.push(...page.records);
    path = page.nextRecordsUrl;
  }
  return records;
}

it('a failed allOrNone collection leaves no record, even for queryAll, and restores updates', async () => {
  const org = await startTestOrg({ seed: 'none' });
  try {
    const token = org.orgs.lmo.accessToken as string;
    const records = Array.from({ length: 200 }, (_, i) => ({
      attributes: { type: 'Account' },
      Name: i === 199 ? '' : `Atomic ${i}`, // Name is required: the last record fails
    }));
    const res = await raw(org, token, 'POST', `${V}/composite/sobjects`, { allOrNone: true, records });
    assert.equal(res.status, 200);
    const out = res.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    assert.equal(out.length, 200);
    assert.equal(out[0]?.errors[0]?.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(out[199]?.errors[0]?.statusCode, 'REQUIRED_FIELD_MISSING');
    assert.deepEqual(await queryAll(org, token, "SELECT Id FROM Account WHERE Name LIKE 'Atomic%'"), []);

    const a = await raw(org, token, 'POST', `${V}/sobjects/Account`, { Name: 'Before' });
    const id = (a.body as { id: string }).id;
    const upd = await raw(org, token, 'PATCH', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Id: id, Name: 'After' },
        { attributes: { type: 'Account' }, Id: '001000000000000AAA', Name: 'Nobody' },
      ],
    });
    assert.equal(
      (upd.body as Array<{ success: boolean }>).some((o) => o.success),
      false,
    );
    const read = await raw(org, token, 'GET', `${V}/sobjects/Account/${id}`);
    assert.equal((read.body as { Name: string }).Name, 'Before');
  } finally {
    await org.close();
  }
});

it('a halted allOrNone composite keeps no earlier update (PATCH, then a failing POST)', async () => {
  const org = await startTestOrg({ seed: 'none' });
  try {
    const token = org.orgs.lmo.accessToken as string;
    const lead = await raw(org, token, 'POST', `${V}/sobjects/Lead`, {
      LastName: 'Keep',
      Company: 'Acme',
      Title: 'Original',
    });
    assert.equal(lead.status, 201, JSON.stringify(lead.body));
    const leadId = (lead.body as { id: string }).id;
    const res = await raw(org, token, 'POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'acc', body: { Name: 'Halted' } },
        {
          method: 'PATCH',
          url: `${V}/sobjects/Lead/${leadId}`,
          referenceId: 'upd',
          body: { Title: 'Changed' },
        },
        {
          method: 'POST',
          url: `${V}/sobjects/Contact`,
          referenceId: 'bad',
          body: { FirstName: 'No last name' },
        },
      ],
    });
    assert.equal(res.status, 200);
    const out = (res.body as { compositeResponse: Array<{ httpStatusCode: number; body: unknown }> })
      .compositeResponse;
    assert.deepEqual(
      out.map((o) => o.httpStatusCode),
      [400, 400, 400],
    );
    assert.equal((out[0]?.body as Array<{ errorCode: string }>)[0]?.errorCode, 'PROCESSING_HALTED');
    const read = await raw(org, token, 'GET', `${V}/sobjects/Lead/${leadId}`);
    assert.equal((read.body as { Title: string }).Title, 'Original');
    assert.deepEqual(await queryAll(org, token, "SELECT Id FROM Account WHERE Name = 'Halted'"), []);

    // The same request that succeeds keeps everything.
    const ok = await raw(org, token, 'POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${V}/sobjects/Lead/${leadId}`,
          referenceId: 'upd',
          body: { Title: 'Changed' },
        },
      ],
    });
    assert.equal(
      (ok.body as { compositeResponse: Array<{ httpStatusCode: number }> }).compositeResponse[0]
        ?.httpStatusCode,
      204,
    );
    const again = await raw(org, token, 'GET', `${V}/sobjects/Lead/${leadId}`);
    assert.equal((again.body as { Title: string }).Title, 'Changed');
  } finally {
    await org.close();
  }
});

const ROUNDS = 12;

it(`kill -9 during allOrNone collections and composite requests: each is all or nothing (${ROUNDS} kills)`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lma-crash-'));
  // Batches: name → expected record count once it is whole; acknowledged ones must survive.
  const batches = new Map<string, { size: number; acked: boolean }>();
  let killedMidFlight = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const child = await startChildOrg(dataDir);
      const base = `http://127.0.0.1:${child.port}`;
      const post = async (path: string, body: unknown): Promise<unknown> => {
        const res = await fetch(base + path, {
          method: 'POST',
          headers: { Authorization: `Bearer ${child.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return res.json();
      };
      let stop = false;
      const collectionLoop = async (loop: number): Promise<void> => {
        for (let b = 0; !stop; b++) {
          const name = `K${round}c${loop}x${b}`;
          const entry = { size: 200, acked: false };
          batches.set(name, entry);
          const records = Array.from({ length: 200 }, (_, i) => ({
            attributes: { type: 'Account' },
            Name: `${name}-${i}`,
          }));
          const out = (await post(`${V}/composite/sobjects`, { allOrNone: true, records })) as Array<{
            success: boolean;
          }>;
          entry.acked = out.every((o) => o.success);
        }
      };
      const compositeLoop = async (): Promise<void> => {
        for (let b = 0; !stop; b++) {
          const name = `K${round}p${b}`;
          const entry = { size: 3, acked: false };
          batches.set(name, entry);
          const out = (await post(`${V}/composite`, {
            allOrNone: true,
            compositeRequest: [
              { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a', body: { Name: `${name}-0` } },
              {
                method: 'PATCH',
                url: `${V}/sobjects/Account/@{a.id}`,
                referenceId: 'u',
                body: { Industry: 'patched' },
              },
              {
                method: 'POST',
                url: `${V}/sobjects/Account`,
                referenceId: 'b',
                body: { Name: `${name}-1`, Industry: 'patched' },
              },
              {
                method: 'POST',
                url: `${V}/sobjects/Account`,
                referenceId: 'c',
                body: { Name: `${name}-2`, Industry: 'patched' },
              },
            ],
          })) as { compositeResponse: Array<{ httpStatusCode: number }> };
          entry.acked = out.compositeResponse.every((o) => o.httpStatusCode < 300);
        }
      };
      const loops = Promise.allSettled([collectionLoop(0), compositeLoop(), collectionLoop(1)]);
      await sleep(150 + Math.random() * 600);
      await child.kill();
      stop = true;
      for (const r of await loops) if (r.status === 'rejected') killedMidFlight++;
    }

    const org = await startTestOrg({ dataDir, seed: 'none' });
    try {
      const token = org.orgs.lmo.accessToken as string;
      const rows = await queryAll(org, token, "SELECT Name, Industry FROM Account WHERE Name LIKE 'K%'");
      const counts = new Map<string, number>();
      for (const r of rows) {
        const name = String(r.Name).split('-')[0]!;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (name.includes('p')) assert.equal(r.Industry, 'patched', `${String(r.Name)} lost its PATCH`);
      }
      let whole = 0;
      for (const [name, { size, acked }] of batches) {
        const n = counts.get(name) ?? 0;
        assert.ok(n === 0 || n === size, `${name}: ${n} of ${size} records after a crash`);
        if (acked) assert.equal(n, size, `${name} was acknowledged but lost`);
        if (n === size) whole++;
      }
      assert.ok(killedMidFlight > 0, 'no request was in flight at any kill');
      console.log(
        `crash test: ${ROUNDS} kills, ${batches.size} batches, ${whole} whole, ${batches.size - whole} absent, ${killedMidFlight} cut mid-flight`,
      );
    } finally {
      await org.close();
    }

    // Damage is not a crash: a flipped byte in the last complete line of the newest journal, or in the
    // last line of an older journal (a compaction that failed after switching journals leaves one),
    // is refused with the file and the offset, and nothing is trimmed.
    for (const where of ['newest', 'older'] as const) {
      const copy = mkdtempSync(join(tmpdir(), 'lma-damage-'));
      try {
        cpSync(dataDir, copy, { recursive: true });
        const journals = readdirSync(copy)
          .filter((f) => /^journal-\d+\.jsonl$/.test(f))
          .sort();
        const newest = join(copy, journals.at(-1)!);
        const target = newest;
        let text = readFileSync(newest);
        assert.equal(text.at(-1), 10, 'the journal ends with a whole line after kill -9');
        if (where === 'older') {
          // Split the newest journal at a line boundary into it and a next generation.
          const split = text.lastIndexOf(10, text.length - 2) + 1;
          assert.ok(split > 0, 'the journal has two lines');
          const gen = Number(journals.at(-1)!.slice(8, 16)) + 1;
          writeFileSync(join(copy, `journal-${String(gen).padStart(8, '0')}.jsonl`), text.subarray(split));
          text = Buffer.from(text.subarray(0, split));
        }
        const lineStart = text.lastIndexOf(10, text.length - 2) + 1;
        const at = text.indexOf('"Name"', lineStart);
        assert.ok(at > 0, 'the last line holds a record');
        text[at + 9] = text[at + 9]! ^ 1; // one bit of a name, the checksum left as it was
        writeFileSync(target, text);
        const started = await startTestOrg({ dataDir: copy, seed: 'none' }).catch((e: Error) => e);
        if (!(started instanceof Error)) {
          await started.close();
          assert.fail(`${where}: the local org started on a damaged journal`);
        }
        assert.ok(
          started.message.startsWith(`${target} is damaged at byte offset ${lineStart} (of ${text.length})`),
          started.message,
        );
        assert.deepEqual(readFileSync(target), text, `${where}: the damaged journal is left as it was`);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
