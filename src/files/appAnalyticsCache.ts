/**
 * The App Analytics cache on disk: `<root>/<package 033>/<data type>-<start>-<end>[-orgs…].csv.gz` with a
 * `.json` beside it (request id, time, size). A download is written as a `.partial` file and renamed,
 * with its `.json`, only when it was read whole and correct (`commit`); a failure deletes it. After each
 * commit, the oldest files go until the cache is under its size limit.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CachedUsage, CacheKey, UsageCache } from '../lma/workflows/appAnalytics';

/** 500 MB unless the setting says otherwise. */
export const DEFAULT_CACHE_LIMIT_BYTES = 500 * 1024 * 1024;

const SAFE = /^[A-Za-z0-9._-]+$/;

export class AppAnalyticsCache implements UsageCache {
  constructor(
    readonly root: string,
    private readonly limitBytes: () => number = () => DEFAULT_CACHE_LIMIT_BYTES,
  ) {}

  private paths(key: CacheKey): { dir: string; file: string; meta: string } {
    if (!SAFE.test(key.packageId) || !SAFE.test(key.name))
      throw new Error(`Not a cache name: ${key.packageId}/${key.name}`);
    const dir = join(this.root, key.packageId);
    return { dir, file: join(dir, `${key.name}.csv.gz`), meta: join(dir, `${key.name}.json`) };
  }

  async find(key: CacheKey): Promise<CachedUsage | undefined> {
    const { file, meta } = this.paths(key);
    try {
      const entry = JSON.parse(await readFile(meta, 'utf8')) as CachedUsage;
      const size = (await stat(file)).size;
      if (size !== entry.bytes) return undefined; // not the file the entry describes
      return { ...entry, location: file };
    } catch {
      return undefined;
    }
  }

  read(entry: CachedUsage): Readable {
    return createReadStream(this.paths(entry.key).file);
  }

  async begin(key: CacheKey): ReturnType<UsageCache['begin']> {
    const { dir, file, meta } = this.paths(key);
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
    const stream = createWriteStream(partial, { flags: 'wx', flush: true });
    stream.on('error', () => undefined);
    return {
      stream,
      commit: async ({ requestId, bytes }) => {
        const entry: CachedUsage = {
          key,
          requestId,
          downloadedAt: new Date().toISOString(),
          bytes,
          location: file,
        };
        // The old entry goes first: a crash between the two renames leaves no entry, never a wrong one.
        await rm(meta, { force: true });
        await rename(partial, file);
        await writeFile(meta, JSON.stringify(entry));
        await this.evict(file);
        return entry;
      },
      abort: async () => {
        stream.destroy();
        await rm(partial, { force: true });
      },
    };
  }

  /** Every entry, oldest first. */
  async entries(): Promise<CachedUsage[]> {
    const out: CachedUsage[] = [];
    let packages: string[];
    try {
      packages = await readdir(this.root);
    } catch {
      return out;
    }
    for (const p of packages) {
      let names: string[];
      try {
        names = await readdir(join(this.root, p));
      } catch {
        continue;
      }
      for (const n of names.filter((x) => x.endsWith('.json'))) {
        const found = await this.find({ packageId: p, name: n.slice(0, -'.json'.length) });
        if (found) out.push(found);
      }
    }
    return out.sort((a, b) => (a.downloadedAt < b.downloadedAt ? -1 : 1));
  }

  /** Deletes the oldest entries until the cache is under its limit; `keep` (the newest file) stays. */
  async evict(keep?: string): Promise<CachedUsage[]> {
    const entries = await this.entries();
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    const removed: CachedUsage[] = [];
    for (const e of entries) {
      if (total <= this.limitBytes()) break;
      if (e.location === keep) continue;
      await this.remove(e.key);
      total -= e.bytes;
      removed.push(e);
    }
    return removed;
  }

  async remove(key: CacheKey): Promise<void> {
    const { file, meta } = this.paths(key);
    await rm(meta, { force: true });
    await rm(file, { force: true });
  }

  /** "Clear the App Analytics cache": every file under the root. */
  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
