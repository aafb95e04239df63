import { parentPort } from 'worker_threads';
import * as buffer from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import lunr = require('lunr');
import type { WorkerReply, WorkerRequest, WorkerHit } from './messages';
import { resolveTexts, SearchDoc } from './documents';
import { readStored, releaseReadBuffer, TextStoreLocation } from '../runtime/textStore';
import { FIELDS } from './lunrIndex';
import { buildCompactShard, forgetWords } from './shardBuild';
import { CompactIndex, prepareQuery, QUERY_BUDGET_MS, SpilledPostings, TermExpander } from './compactIndex';
import { MergeToWrite, ShardSet, SPILL_MIN_POSTINGS } from './shardSet';
import { collectGarbage, lowerOwnPriority, WORKER_NICE } from '../runtime/workerThreads';
import { logMemory } from '../runtime/memoryLog';
import { CacheStore, UnwrittenFiles } from '../runtime/cacheStore';
import { decodeShard, decodeShardSet, encodeShard, Placement, PostingsAt, shardFileLaidOut, shardSetKey, writeShardSetFile } from './shardFile';
import { PostingFile, PostingFileError } from './postingFile';
import { readUpTo } from '../runtime/fileBytes';

/**
 * The full-text worker: owns its shards, builds them one at a time off the main thread (lunr's
 * analysis and weights, straight into flat arrays: shardBuild.ts), answering searches between
 * builds, keeps them flat in memory, merged into one index when they stop arriving (compactIndex.ts,
 * shardSet.ts), and in a disk cache keyed by content hash and format version. A cache file that
 * does not decode and validate exactly is rebuilt, never trusted.
 */

/** 3: files carry a checksum; 4: weights in thousandths (CompactIndex.weights). */
export const CACHE_FORMAT = 4;

// Index building must never starve the server's main thread (the keystroke path) of CPU.
// Queries run here too, so they wait when other threads are busy (the first ones after the full
// text is ready do, behind V8 optimising this code). At a higher priority they were a little
// faster, but the server thread's longest stalls while shards built grew.
lowerOwnPriority(WORKER_NICE.fullText);
logMemory('fulltext');

const shards = new ShardSet(FIELDS);
const queue: Extract<WorkerRequest, { type: 'build' }>[] = [];
/** Documents of large shards that came ahead of their 'build', by shard. */
const docsAhead = new Map<string, { hash: string; docs: SearchDoc[] }>();
/**
 * Shards built here and in no file yet: once every shard is built, the set's file takes them all,
 * or, if it cannot, each is written to a file of its own, one per turn when no build is waiting
 * (see setName). Only their terms are kept for it: the index is copied out of the shard set then.
 */
const unsaved = new Map<string, { hash: string; terms: string[] }>();
let store: CacheStore | undefined;
let texts: TextStoreLocation | undefined;
let draining = false;
/** The server said it has no more shards for this worker ('settle'), and none came since. */
let allBuilt = false;
/** Wildcard and fuzzy terms expand against every term this worker holds. */
const expander = new TermExpander(() => shards.terms());

/**
 * This worker's whole shard set is kept in one file (its merged index, and where each shard is in
 * it), named by the worker's slot: a restart takes it up at once instead of reading each shard's
 * file and merging them all again, most of a full-text worker's warm start in a large library. A
 * shard asked for with the hash the file has is then there already; one the server does not ask
 * for by its first 'settle' (a file gone since) is dropped. Once the file holds every shard, the
 * shards' own files are not written: writing a thousand of them after a first start kept the
 * merged postings in memory meanwhile, at the process's peak. A shard's own file is written when
 * the set's cannot be (an edit's shard until the next merge, a folder that does not take the file),
 * and read when there.
 */
let setName: string | undefined;
/** The set's file holds the shards as they are (written, or taken up, since the last change). */
let setCurrent = false;
/** The postings in the set's file this worker wrote last, read through the descriptor it was written through, until they rest there (restPostings). */
let writtenSet: PostingFile | undefined;
/** Writing the set's file failed since the last change: not tried again until the shards change. */
let setFailed = false;

/** When a shard last came or went: the merge waits until shards stop arriving. */
let lastChange = 0;
/** Quiet time before the shards are merged again (shards arrive in bursts during a scan). */
const SETTLE_MS = 250;
/**
 * Quiet time before shards are merged while the server has not said this worker has them all
 * ('settle'). The server says so once every worker's shards are built, so the worker that finishes
 * first is often quiet a while before it hears it: merged then, its merge could not go to the set's
 * file as it was made (more shards might come) and was held whole in memory, at the moment the full
 * text becomes ready. Past this, the shards are merged anyway, so that searches meanwhile do not
 * go shard by shard for long.
 */
const UNSETTLED_MERGE_MS = 2000;
/** A drain due once the unsettled wait is over (cleared when 'settle' comes first). */
let unsettledTimer: NodeJS.Timeout | undefined;

function shardsChanged(): void {
  lastChange = Date.now();
  setCurrent = false;
  setFailed = false;
}

/**
 * Merges the shards when that is worth it (ShardSet.mergeDue), and lets go of their indexes at once
 * (the cache files are written from the merged one).
 */
function mergeShards(): boolean {
  if (!shards.mergeDue) return false;
  // The last merge of a scan copies every posting: the builds' word memo goes first, not after it.
  const last = allBuilt && !queue.length;
  if (last) { forgetWords(); collectGarbage(); }
  if (!shards.merge(last ? mergeIntoSetFile : undefined)) return false;
  collectGarbage();
  return true;
}

/** Postings a merge written to the set's file copies at a time (MergedPostings.runs). */
const RUN_POSTINGS = 1 << 18;

/**
 * Writes the last merge of a scan into the set's file as the merge is made, a run of postings at a
 * time, so that they are never all in memory: a worker's merged postings are tens of megabytes in
 * a large library, made as the full text becomes ready, one of the process's highest moments. They
 * rest in that file from then on, as they would once saveSet had written it. Declined (merged in
 * memory, and saveSet as before) without a set's file, after it failed since the last change, or
 * for postings few enough to stay in memory at rest (ShardSet.spill).
 */
function mergeIntoSetFile({ plan, placed, postings }: MergeToWrite): SpilledPostings | undefined {
  if (!setName || setFailed || plan.postings < SPILL_MIN_POSTINGS) return undefined;
  const name = store!.nameFor(setName);
  let postingsAt: PostingsAt | undefined;
  let fd: number;
  try {
    fd = store!.writeAndOpenWith(name, (into) => {
      postingsAt = writeShardSetFile(into, expectedSet(setName!), plan.index, plan.postings, placed, postings.runs(RUN_POSTINGS));
    });
  } catch (err) {
    setFailed = true;
    unwritten.failed(setName, err ?? 'unknown error');
    return undefined;
  }
  setFileWritten(placed);
  writtenSet?.close();
  writtenSet = undefined;
  return PostingFile.inCacheFile(path.join(store!.dir, name), fd, plan.postings, plan.index.refs.length, postingsAt!);
}

/** The set's file holds these shards now. */
function setFileWritten(placed: readonly Placement[]): void {
  unwritten.wrote();
  setCurrent = true;
  // The shards' own files (an edit's shard, written until the next merge) are the set's now: they
  // would otherwise stay in the storage folder for good, one per shard ever edited.
  for (const [shard] of placed) store!.remove(store!.nameFor(shard));
}

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

/** A line for the server's output channel: something this worker could not do and carried on without. */
function log(line: string): void {
  reply({ type: 'log', line });
}

/** Shard indexes the storage folder did not take (the first with its reason, the rest counted). */
const unwritten = new UnwrittenFiles(log,
  (shard, message) => `the index of ${shard} could not be kept in the storage folder (${message}); it is built again at the next start`,
  (count) => `${count} more shard ${count === 1 ? 'index' : 'indexes'} could not be kept in the storage folder either; built again at the next start`);

/** Postings that could not move to a file at rest: said once per reason, not at every rest. */
const unspilled = new UnwrittenFiles(log, (dir, message) => `the index's postings stay in memory: they could not be written to ${dir} (${message})`);

/**
 * At rest, the merged postings wait in a file: the set's file this worker has just written, read
 * through the descriptor it was written through, or else a file of their own in the text store.
 */
function restPostings(): void {
  const set = writtenSet;
  writtenSet = undefined;
  if (set && setCurrent && shards.restIn(set)) return;
  set?.close();
  if (texts) spillAtRest(texts.dir);
}

function spillAtRest(dir: string): void {
  if (shards.spill(dir)) unspilled.wrote();
  else if (shards.spillError !== undefined) unspilled.failed(dir, shards.spillError);
}

parentPort!.on('message', (msg: WorkerRequest) => {
  switch (msg.type) {
    case 'configure':
      store = msg.cacheDir ? new CacheStore(msg.cacheDir, '.shard') : undefined;
      texts = msg.texts;
      if (msg.cacheDir) removeOldFormatFiles(msg.cacheDir);
      setName = store && msg.slot !== undefined && msg.workers !== undefined ? shardSetKey(msg.slot, msg.workers) : undefined;
      // The file was read whole (tens of megabytes at L) and only its terms and document ids are
      // kept: its buffer goes now, not at a collection seconds later, in the middle of a restart.
      if (loadSet()) collectGarbage();
      break;
    case 'docs': {
      const ahead = docsAhead.get(msg.shard);
      if (ahead?.hash === msg.hash) ahead.docs.push(...msg.docs); else docsAhead.set(msg.shard, { hash: msg.hash, docs: msg.docs });
      break;
    }
    case 'build': {
      allBuilt = false;
      const ahead = docsAhead.get(msg.shard);
      docsAhead.delete(msg.shard);
      if (msg.docs && ahead?.hash === msg.hash) msg.docs = [...ahead.docs, ...msg.docs];
      // A newer build of the same shard replaces a queued one.
      const at = queue.findIndex((q) => q.shard === msg.shard);
      if (at >= 0) queue.splice(at, 1);
      queue.push(msg);
      scheduleDrain();
      break;
    }
    case 'drop':
      unsaved.delete(msg.shard);
      if (shards.delete(msg.shard)) shardsChanged();
      break;
    case 'search':
      reply(search(msg.id, msg.query, msg.limit));
      break;
    case 'settle':
      // The server has no more shards for this worker: no point waiting for SETTLE_MS of quiet.
      allBuilt = true;
      clearTimeout(unsettledTimer);
      unsettledTimer = undefined;
      if (shards.dropUnasked()) shardsChanged();
      mergeShards();
      reply({ type: 'settled', id: msg.id });
      scheduleDrain(); // to write the cache files, then forget the words once idle
      break;
    case 'persist':
      if (saveSet()) unsaved.clear();
      for (const [shard, { hash, terms }] of unsaved) saveCache(shard, hash, terms);
      unsaved.clear();
      unwritten.report();
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
    // Idle. Once shards have stopped arriving (or the server says all are built: 'settle'), they
    // are merged; merging after every burst of a scan redid that work dozens of times.
    const quietFor = Date.now() - lastChange;
    const mergeAfter = allBuilt ? SETTLE_MS : UNSETTLED_MERGE_MS;
    if (quietFor >= mergeAfter && mergeShards()) { setImmediate(drainOne); return; }
    // The shards' own files once every shard is built, and only if the set's file cannot hold them.
    if (allBuilt && saveSet()) unsaved.clear();
    const next = allBuilt ? unsaved.entries().next() : undefined;
    if (!next || next.done) {
      draining = false;
      unwritten.report();
      if (quietFor < SETTLE_MS) setTimeout(scheduleDrain, SETTLE_MS - quietFor);
      // Settled, and nothing left to write: what the builds left behind can go now, and, once
      // the server has no more shards for this worker, the words they remembered (a build after
      // that is an edit's, and small) and the merged postings, to a file until the next merge.
      else {
        if (allBuilt) { forgetWords(); restPostings(); }
        releaseReadBuffer();
        collectGarbage();
        if (quietFor < mergeAfter && shards.mergeDue && !unsettledTimer) unsettledTimer = setTimeout(() => { unsettledTimer = undefined; scheduleDrain(); }, mergeAfter - quietFor);
      }
      return;
    }
    const [shard, { hash, terms }] = next.value;
    unsaved.delete(shard);
    saveCache(shard, hash, terms);
    setImmediate(drainOne);
    return;
  }
  const started = Date.now();
  try {
    const current = shards.get(job.shard);
    // The first answer for a shard the set's file held says it came from the cache.
    const fromSetFile = shards.asked(job.shard);
    if (current && current.hash === job.hash) {
      reply({ type: 'built', shard: job.shard, hash: job.hash, source: fromSetFile ? 'cache' : 'memory', ms: 0, docs: current.docs });
    } else {
      // The documents come only with a second request, when neither memory nor the cache has this content.
      const cached: ReturnType<typeof loadCache> = job.docs ? {} : loadCache(job.shard, job.hash);
      if (!cached.index && !job.docs) {
        reply({ type: 'needDocs', shard: job.shard, hash: job.hash, cacheProblem: cached.problem });
      } else {
        const index = cached.index ?? buildCompactShard(resolveTexts(job.docs!, (wanted) => readStored(texts, wanted)));
        shards.set(job.shard, job.hash, index);
        shardsChanged();
        if (cached.index) unsaved.delete(job.shard);
        else if (store) unsaved.set(job.shard, { hash: job.hash, terms: index.terms });
        reply({ type: 'built', shard: job.shard, hash: job.hash, source: cached.index ? 'cache' : 'built', ms: Date.now() - started, docs: index.refs.length });
      }
    }
  } catch (err) {
    reply({ type: 'built', shard: job.shard, hash: job.hash, source: 'failed', ms: Date.now() - started, docs: job.docs?.length ?? 0, error: String((err as Error)?.message ?? err) });
  }
  setImmediate(drainOne);
}

/** Files of earlier formats (1: lunr's JSON, 2: no checksum; 32-digit names before the one cache store) are never read again. */
function removeOldFormatFiles(dir: string): void {
  try {
    for (const f of fs.readdirSync(dir)) if (/^[0-9a-f]{32}\.(json|lnft|shard)$/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  } catch { /* an unreadable cache folder only means rebuilding */ }
}

function expected(shard: string, hash: string) {
  return { format: CACHE_FORMAT, lunr: lunr.version, shard, hash, fields: FIELDS };
}

function loadCache(shard: string, hash: string): { index?: CompactIndex; problem?: string } {
  const data = store?.read(store.nameFor(shard));
  if (!data) return {};
  try {
    const decoded = decodeShard(data, expected(shard, hash));
    if ('hit' in decoded) return { index: decoded.hit };
    return 'problem' in decoded ? { problem: decoded.problem } : {}; // changed content: an ordinary rebuild
  } catch (err) {
    return { problem: `unreadable (${String((err as Error)?.message ?? err).slice(0, 80)})` };
  }
}

function expectedSet(name: string) {
  return expected(name, 'set');
}

/**
 * Takes up the set's file, if there is one and it is sound (else each shard is read from its own
 * file, or built again); returns whether there was a file to read. Its postings stay in the file,
 * read through the descriptor they were checked through, as a merged index's postings at rest do
 * (postingFile.ts): they need not be written to a file of their own once the worker is at rest.
 */
function loadSet(): boolean {
  const file = setName && path.join(store!.dir, store!.nameFor(setName));
  const opened = file ? readWhole(file) : undefined;
  if (!opened) return false;
  const { fd, data } = opened;
  let decoded: ReturnType<typeof decodeShardSet>;
  try {
    decoded = decodeShardSet(data, expectedSet(setName!));
  } catch (err) {
    decoded = { problem: `unreadable (${String((err as Error)?.message ?? err).slice(0, 80)})` };
  }
  if ('problem' in decoded) log(`the kept index of this worker's shards could not be used (${decoded.problem}); its shards are read from their own files where there are any, or built again`);
  if ('hit' in decoded) {
    const { index, placed, postingsAt } = decoded.hit;
    const postings = PostingFile.inCacheFile(file!, fd, index.docs.length, index.refs.length, postingsAt);
    // The shards the server does not ask for by its first 'settle' go then (ShardSet.dropUnasked).
    if (shards.adopt(index, placed, postings)) { setCurrent = true; return true; }
  }
  try { fs.closeSync(fd); } catch { /* closed */ }
  return true;
}

/** A file's bytes and the descriptor they were read through; undefined if there is none, or it cannot be read whole. */
function readWhole(file: string): { fd: number; data: Buffer } | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > buffer.constants.MAX_LENGTH) throw new Error('too large to read');
    // Its own memory (not the pool's), so that the postings can be checked as aligned views of it.
    const data = Buffer.allocUnsafeSlow(size);
    if (readUpTo(fd, data, 0, size, 0) < size) throw new Error('shorter than it said');
    return { fd, data };
  } catch {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* closed */ }
    return undefined;
  }
}

/**
 * Writes the set's file, if the shards changed since and are all merged (at rest, before the
 * postings go to a file). Returns whether the file holds the shards as they are now.
 */
function saveSet(): boolean {
  if (!setName || setCurrent || setFailed) return setCurrent;
  const whole = shards.whole();
  if (!whole) return false;
  try {
    const { pieces, postingsAt } = shardFileLaidOut(expectedSet(setName), whole.index, whole.placed);
    const name = store!.nameFor(setName);
    const fd = store!.writeAndOpen(name, pieces);
    writtenSet?.close();
    writtenSet = PostingFile.inCacheFile(path.join(store!.dir, name), fd, whole.index.docs.length, whole.index.refs.length, postingsAt);
    setFileWritten(whole.placed);
  } catch (err) {
    setFailed = true;
    unwritten.failed(setName, err ?? 'unknown error');
  }
  return setCurrent;
}

/** Writes a shard's cache file, unless it has been rebuilt or dropped since. */
function saveCache(shard: string, hash: string, terms: string[]): void {
  const index = store && shards.standalone(shard, hash, terms);
  if (!index) return;
  try {
    store!.write(store!.nameFor(shard), encodeShard(expected(shard, hash), index));
    unwritten.wrote();
  } catch (err) {
    unwritten.failed(shard, err ?? 'unknown error');
  }
}

function search(id: number, text: string, limit: number): WorkerReply {
  const deadline = Date.now() + QUERY_BUDGET_MS;
  let prepared;
  try {
    prepared = prepareQuery(text, FIELDS);
  } catch (err) {
    const e = err as { message?: string };
    return { type: 'results', id, hits: [], error: `Search query not understood: ${e.message ?? err}` };
  }
  let hits: WorkerHit[];
  try {
    const expansions = prepared.map((p) => p.terms.map((t) => expander.expand(p.clause, t.term, t.expandable, deadline)));
    hits = shards.query(prepared, expansions, limit, deadline);
  } catch (err) {
    // Postings lost with their file: this worker stops once it has answered, and a new one builds its shards again.
    if (err instanceof PostingFileError) setImmediate(() => { throw err; });
    return { type: 'results', id, hits: [], error: `Search stopped: ${String((err as Error)?.message ?? err)}` };
  }
  hits.sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : 1));
  return { type: 'results', id, hits: hits.slice(0, limit * 2), shards: shards.size, onePass: shards.onePass };
}
