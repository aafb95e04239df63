import { parentPort } from 'worker_threads';
import * as os from 'os';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import lunr = require('lunr');
import type { WorkerReply, WorkerRequest, WorkerHit } from './messages';
import { buildIndex, FIELDS } from './lunrIndex';

/**
 * The full-text worker: owns its lunr shards, builds them one at a time off the main thread
 * (answering searches between builds), and keeps them in a disk cache keyed by content hash and
 * format version. A cache file that does not parse, validate and load exactly is rebuilt, never trusted.
 */

export const CACHE_FORMAT = 1;

// Index building must never starve the server's main thread (the keystroke path) of CPU. On Linux,
// setpriority on "this process" applies to the calling thread only, so this lowers just this worker.
try { os.setPriority(15); } catch { /* not permitted here: builds still yield between shards */ }

const shards = new Map<string, { hash: string; index: lunr.Index }>();
const queue: Extract<WorkerRequest, { type: 'build' }>[] = [];
/** Indexes waiting to be written to the cache: written when no build is waiting, so serialising never delays readiness. */
const unsaved = new Map<string, string>();
let cacheDir: string | undefined;
let draining = false;

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

parentPort!.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'configure':
      cacheDir = msg.cacheDir;
      if (cacheDir) fs.mkdirSync(cacheDir, { recursive: true });
      break;
    case 'build': {
      // A newer build of the same shard replaces a queued one.
      const at = queue.findIndex((q) => q.shard === msg.shard);
      if (at >= 0) queue.splice(at, 1);
      queue.push(msg);
      scheduleDrain();
      break;
    }
    case 'drop':
      shards.delete(msg.shard);
      break;
    case 'search':
      reply(search(msg.id, msg.query, msg.limit, msg.shards));
      break;
    case 'persist':
      for (const [shard, hash] of unsaved) {
        const current = shards.get(shard);
        if (current && current.hash === hash) saveCache(shard, hash, current.index);
      }
      unsaved.clear();
      reply({ type: 'persisted', id: msg.id });
      break;
  }
});

function scheduleDrain(): void {
  if (draining) return;
  draining = true;
  setImmediate(drainOne);
}

/** One build per turn of the event loop, so searches that arrive meanwhile are answered in between. */
function drainOne(): void {
  const job = queue.shift();
  if (!job) {
    const next = unsaved.entries().next();
    if (next.done) { draining = false; return; }
    const [shard, hash] = next.value;
    unsaved.delete(shard);
    const current = shards.get(shard);
    if (current && current.hash === hash) saveCache(shard, hash, current.index);
    setImmediate(drainOne);
    return;
  }
  const started = Date.now();
  try {
    const current = shards.get(job.shard);
    if (current && current.hash === job.hash) {
      reply({ type: 'built', shard: job.shard, hash: job.hash, source: 'memory', ms: 0, docs: job.docs.length });
    } else {
      const cached = loadCache(job.shard, job.hash);
      const index = cached.index ?? buildIndex(job.docs);
      shards.set(job.shard, { hash: job.hash, index });
      if (!cached.index) unsaved.set(job.shard, job.hash);
      reply({ type: 'built', shard: job.shard, hash: job.hash, source: cached.index ? 'cache' : 'built', ms: Date.now() - started, docs: job.docs.length, cacheProblem: cached.problem });
    }
  } catch (err) {
    reply({ type: 'built', shard: job.shard, hash: job.hash, source: 'failed', ms: Date.now() - started, docs: job.docs.length, error: String((err as Error)?.message ?? err) });
  }
  setImmediate(drainOne);
}


function cacheFile(shard: string): string | undefined {
  return cacheDir ? path.join(cacheDir, `${createHash('sha256').update(shard).digest('hex').slice(0, 32)}.json`) : undefined;
}

interface CacheFile { format: number; lunr: string; shard: string; hash: string; index: unknown }

function loadCache(shard: string, hash: string): { index?: lunr.Index; problem?: string } {
  const file = cacheFile(shard);
  if (!file || !fs.existsSync(file)) return {};
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (data.format !== CACHE_FORMAT || data.lunr !== lunr.version || data.shard !== shard) return { problem: 'stale format' };
    if (data.hash !== hash) return {}; // content changed: an ordinary rebuild
    const idx = data.index as { version?: unknown; fields?: unknown; fieldVectors?: unknown; invertedIndex?: unknown; pipeline?: unknown };
    if (!idx || !Array.isArray(idx.fields) || idx.fields.join() !== FIELDS.join() || !Array.isArray(idx.fieldVectors) || !Array.isArray(idx.invertedIndex) || !Array.isArray(idx.pipeline)) {
      return { problem: 'invalid index structure' };
    }
    const index = lunr.Index.load(idx);
    index.search('validate'); // a structurally broken index throws here rather than on a user's query
    return { index };
  } catch (err) {
    return { problem: `unreadable (${String((err as Error)?.message ?? err).slice(0, 80)})` };
  }
}

function saveCache(shard: string, hash: string, index: lunr.Index): void {
  const file = cacheFile(shard);
  if (!file) return;
  const data: CacheFile = { format: CACHE_FORMAT, lunr: lunr.version, shard, hash, index: index.toJSON() };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

function search(id: number, text: string, limit: number, only?: string[]): WorkerReply {
  let parsed: lunr.Query;
  try {
    parsed = new lunr.Query(FIELDS);
    // QueryParser is public in lunr 2.3 but missing from its type definitions.
    const { QueryParser } = lunr as unknown as { QueryParser: new (text: string, query: lunr.Query) => { parse(): void } };
    new QueryParser(text, parsed).parse();
  } catch (err) {
    const e = err as { message?: string; start?: number; end?: number };
    return { type: 'results', id, hits: [], error: `${e.message ?? err}`, errorAt: typeof e.start === 'number' ? [e.start, e.end ?? e.start] : undefined };
  }
  const hits: WorkerHit[] = [];
  try {
    for (const [shard, { index }] of shards) {
      if (only && !only.includes(shard)) continue;
      const results = index.query((q) => { q.clauses = parsed.clauses.map((c) => ({ ...c })); });
      for (const r of results.slice(0, limit)) hits.push({ ref: r.ref, score: r.score, terms: Object.keys(r.matchData.metadata) });
    }
  } catch (err) {
    return { type: 'results', id, hits: [], error: String((err as Error)?.message ?? err) };
  }
  hits.sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : 1));
  return { type: 'results', id, hits: hits.slice(0, limit * 2), shards: shards.size };
}
