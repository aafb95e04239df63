import { computeTopicTree, PaperReader, PhraseCache, TopicNode, TopicOptions, TopicPaper, vocabularyOf } from './topics';
import { BatchPaper, batchPapers, shareBatch, stampOf, TopicBatch, visitInWindows, windowsOf, withStoredAbstracts } from './topicBatch';
import { Placer } from './placement';
import { PlaceHelper, placeInWindows, readPlaced, TAKEN_BY, takeWindows } from './placeHelper';
import { SELECTION_SAMPLE } from './derivedTopics';
import type { StoredRead, TextStoreLocation } from '../runtime/textStore';
import { renamePapers } from './topicView';
import { paperDigests, readCachedTree, topicsCacheKey, topicsCacheKeyOfLibrary, writeCachedTree } from './topicsCache';

/**
 * `texts`: the text store the batch's stored abstracts are in. `libraryHash`: what the library's
 * files say of the papers' text (libraryHash.ts), which keys a kept tree without an abstract read.
 */
export type TopicsWorkerRequest = { id: number; batch: TopicBatch; options: TopicOptions; cacheDir?: string; texts?: TextStoreLocation; libraryHash?: string };
/**
 * `cached`: read back, not derived; `note`: a problem with the cache, for the log. `unplaced`: the
 * batch's papers the tree has nowhere. The tree travels as `roots`, each top-level node as JSON
 * (`tree` in answerTopics): as objects, the server thread took the whole tree of a large library
 * in one pause when the message arrived; as strings it parses them a few at a time (readRoots).
 * Papers travel as their places in the batch, not their keys: the server has the keys (the papers
 * it sent), and a large library's tree named ~150,000 papers, each a string of its own there.
 */
export type TopicsWorkerReply = { id: number; roots?: string[]; unplaced?: number[]; ms: number; cached?: boolean; note?: string; error?: string };

/** What answerTopics gives: the tree as objects, its papers by key, and the batch's keys in order (the worker sends it by replyOf). */
export type TopicsAnswer = { tree?: TopicNode[]; unplaced?: string[]; keys?: readonly string[]; ms: number; cached?: boolean; note?: string; error?: string };

/**
 * One topics request as the worker answers it (topicsWorker.ts), kept apart from the thread so
 * tests can run it and count what it reads. `cache` lives as long as the worker: the sampled
 * papers' tokens, and digests and stamps. A paper the cache knows by its stamp is not read for its
 * digest (the kept tree's key, with `cacheDir` and no `libraryHash`), nor for its tokens when it is
 * sampled again. Texts are read a window at a time (`readInto`). `ms`: from `started` until the
 * tree is there (before it is kept in the cache folder). `sampleDone`: see PaperReader.sampleDone.
 */
export function answerTopics(req: TopicsWorkerRequest, cache: PhraseCache, codeId: string, readInto: (wanted: StoredRead[]) => void, started = Date.now(), helper?: HelperOptions, sampleDone?: () => void): TopicsAnswer {
  const papers = batchPapers(req.batch);
  const stamps = cache.recallDigests(req.batch, papers);
  const key = !req.cacheDir ? undefined
    : req.libraryHash ? topicsCacheKeyOfLibrary(req.batch, req.options, codeId, req.libraryHash)
      : topicsCacheKey(req.batch, req.options, codeId, paperDigests(req.batch, papers, readInto));
  const found = key ? readCachedTree(req.cacheDir!, key) : {};
  // Read into the papers, and into the key: the string (every paper's key and topics) need not last the computation.
  req.batch.meta = '';
  if (found.tree) {
    cache.rememberDigests(req.batch, papers, stamps);
    cache.retain(new Set(papers.map((p) => p.key)));
    return { tree: found.tree, unplaced: unplacedKeys(papers, found.tree), keys: keysOf(papers), ms: Date.now() - started, cached: true };
  }
  const notes: string[] = [];
  const tree = vocabularyOf(req.options).length > 0 ? withVocabulary(req, papers, cache, readInto) : fromTokens(req, papers, cache, readInto, helper, notes, sampleDone);
  const ms = Date.now() - started;
  cache.rememberDigests(req.batch, papers, stamps);
  const unsaved = key ? writeCachedTree(req.cacheDir!, key, tree) : undefined;
  const note = [found.problem, unsaved, ...notes].filter(Boolean).join('; ') || undefined;
  return { tree, unplaced: unplacedKeys(papers, tree), keys: keysOf(papers), ms, note };
}

const keysOf = (papers: readonly BatchPaper[]) => papers.map((p) => p.key);

/** The keys of the papers under no node of the tree, in the batch's order. */
function unplacedKeys(papers: readonly BatchPaper[], tree: readonly TopicNode[]): string[] {
  const placed = new Set<string>();
  const walk = (nodes: readonly TopicNode[]) => { for (const n of nodes) { for (const k of n.papers) placed.add(k); walk(n.children); } };
  walk(tree);
  return papers.filter((p) => !placed.has(p.key)).map((p) => p.key);
}

/**
 * The worker's reply to a request: the tree as JSON, a top-level node at a time, and its papers by
 * their places in the batch. A key the batch does not have (a kept tree can only have the batch's)
 * is left out.
 */
export function replyOf(id: number, { tree, unplaced, keys = [], ...answer }: TopicsAnswer): TopicsWorkerReply {
  const at = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) at.set(keys[i], i);
  const place = (key: string) => at.get(key);
  return { id, ...answer, roots: tree && renamePapers(tree, place).map((node) => JSON.stringify(node)), unplaced: unplaced?.map(place).filter((i) => i !== undefined) };
}

/**
 * A vocabulary reads every paper's text as it goes: the whole batch, stored abstracts read in
 * (the papers keep the digests the cache key gave them).
 */
function withVocabulary(req: TopicsWorkerRequest, papers: BatchPaper[], cache: PhraseCache, readInto: (wanted: StoredRead[]) => void): TopicNode[] {
  const whole = withStoredAbstracts(req.batch, readInto);
  papers.forEach((p, i) => p.readFrom(whole, i));
  return computeTopicTree(papers, req.options, cache);
}

/**
 * Where papers may be placed by a helper thread too (placeHelper.ts): the bundle to start it from,
 * and how many papers there must be to place for it to start (fewer are not worth a thread).
 * `windowBytes`: the text of a window of papers (windowsOf's default unless a test sets it).
 */
export interface HelperOptions { file: string; minPapers: number; windowBytes?: number }

/**
 * A helper that has placed no paper for this long is taken for dead, and the windows it took are
 * placed here. Its start (a thread, the bundle, a word table) is well under it, on a loaded machine too.
 */
const HELPER_STALL_MS = 2000;

/**
 * Without a vocabulary only tokens are needed: the papers topics are chosen on are tokenized into
 * the cache (unless it knows them), the others read once each and placed, by a helper thread too
 * when there are many; all a window of stored abstracts at a time.
 */
function fromTokens(req: TopicsWorkerRequest, papers: BatchPaper[], cache: PhraseCache, readInto: (wanted: StoredRead[]) => void, helper: HelperOptions | undefined, notes: string[], sampleDone?: () => void): TopicNode[] {
  const { batch } = req;
  // A helper where many papers are to be placed: those without tags or a folder topic, but for the
  // ones topics are chosen on (SELECTION_SAMPLE). Started as the sample is read (keep), so that it is
  // running once the papers to place are known; only a derivation reads it: placing the few papers
  // that changed since the last one (treeMemo.ts) needs none.
  const helped = helper && req.options.auto && papers.filter((p) => p.topics.length === 0).length >= helper.minPapers + SELECTION_SAMPLE[0];
  let other: PlaceHelper | undefined;
  const startHelper = () => {
    if (!helped || other) return;
    // The helper reads the batch's bytes where this thread does (posted, they would be copied).
    shareBatch(batch);
    other = PlaceHelper.start(helper.file, { batch: { meta: '', text: batch.text, bounds: batch.bounds, stored: batch.stored }, texts: req.texts });
  };
  const placeIn = (windows: Iterable<number[]>, placer: Placer, put: (paper: TopicPaper, nodes: readonly number[]) => void) =>
    placeInWindows(batch, papers, readInto, windows, placer, cache.table, put);
  const reader: PaperReader = {
    keep: (some) => {
      startHelper();
      const picked = new Set(some);
      visitInWindows(batch, papers, readInto, (p) => cache.add(p), (p) => picked.has(p) && !cache.knows(p));
    },
    stamps: (some) => Float64Array.from(some, (p) => stampOf(batch, (p as BatchPaper).at)),
    digests: (some) => paperDigests(batch, papers, readInto, some as BatchPaper[]),
    sampleDone,
    place: (some, plan, put) => {
      const placer = new Placer(plan, cache.table);
      // The papers to place are some of `papers`, so each knows its index in the batch.
      const indexes = Int32Array.from(some, (p) => (p as BatchPaper).at);
      const windows = windowsOf(batch, helper?.windowBytes, Array.from(indexes));
      if (!other || some.length < helper!.minPapers) return placeIn(windows, placer, put);
      const next = new Int32Array(new SharedArrayBuffer(4)), owner = new Uint8Array(new SharedArrayBuffer(windows.length));
      other.begin({ words: cache.table.words, plan, indexes, windowBytes: helper!.windowBytes, next, owner });
      placeIn(takeWindows(windows, next, owner, TAKEN_BY.topics), placer, put);
      const answer = other.finish(HELPER_STALL_MS);
      if (answer.placed) return readPlaced(answer.placed, (i, nodes) => put(papers[i], nodes));
      notes.push(`topics: the helper thread could not place its papers (${answer.error}); placed them here`);
      placeIn(windows.filter((_, w) => owner[w] !== TAKEN_BY.topics), placer, put);
    },
  };
  try {
    return computeTopicTree(papers, req.options, cache, reader);
  } finally {
    other?.end();
  }
}
