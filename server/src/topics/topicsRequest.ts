import { computeTopicTree, digestOf, PhraseCache, TopicNode, TopicOptions, vocabularyOf } from './topics';
import { BatchPaper, batchPapers, TopicBatch, visitInWindows, withStoredAbstracts } from './topicBatch';
import type { StoredRead, TextStoreLocation } from '../runtime/textStore';
import { keptTreeName, mayHaveKeptTree, paperDigests, readCachedTree, topicsCacheKey, topicsPreKey, writeCachedTree } from './topicsCache';

/** `texts`: the text store the batch's stored abstracts are in. */
export type TopicsWorkerRequest = { id: number; batch: TopicBatch; options: TopicOptions; cacheDir?: string; texts?: TextStoreLocation };
/** `cached`: read back, not derived; `note`: a problem with the cache, for the log. */
export type TopicsWorkerReply = { id: number; tree?: TopicNode[]; ms: number; cached?: boolean; note?: string; error?: string };

/**
 * One topics request as the worker answers it (topicsWorker.ts), kept apart from the thread so
 * tests can run it and count what it reads. `cache` lives as long as the worker: the papers'
 * tokens, digests and stamps. A paper the cache knows by its stamp is not read at all; the others
 * are read a window at a time (`readInto`) for their digests (the kept tree's key, with
 * `cacheDir`) and, if topics are derived, their tokens: in one pass, unless a tree was kept under
 * the batch's pre-key (topicsPreKey), when the key is made first and may spare the derivation.
 * `collect` lets the batch's text go to the collector before the derivation's own peak. `ms`:
 * from `started` until the tree is there (before it is kept in the cache folder).
 */
export function answerTopics(req: TopicsWorkerRequest, cache: PhraseCache, codeId: string, readInto: (wanted: StoredRead[]) => void, collect: () => void = () => undefined, started = Date.now()): Omit<TopicsWorkerReply, 'id'> {
  const batch = req.batch;
  const papers = batchPapers(batch);
  const stamps = cache.recallDigests(batch, papers);
  const preKey = req.cacheDir ? topicsPreKey(batch, req.options, codeId) : undefined;
  const keyOf = () => keptTreeName(preKey!, topicsCacheKey(batch, req.options, codeId, paperDigests(batch, papers, readInto)));
  let key = preKey && mayHaveKeptTree(req.cacheDir!, preKey) ? keyOf() : undefined;
  const found = key ? readCachedTree(req.cacheDir!, key) : {};
  if (found.tree) {
    cache.rememberDigests(papers, stamps);
    cache.retain(new Set(papers.map((p) => p.key)));
    return { tree: found.tree, ms: Date.now() - started, cached: true };
  }
  if (vocabularyOf(req.options).length > 0) {
    // A vocabulary reads every paper's text as it goes: the whole batch, stored abstracts read in
    // (the papers keep the digests the cache key gave them).
    const whole = withStoredAbstracts(batch, readInto);
    papers.forEach((p, i) => p.readFrom(whole, i));
    if (preKey) key ??= keyOf();
  } else {
    // Only tokens are needed from here on (and none unless topics are derived): tokenize a window
    // of the papers the cache does not know at a time (a paper tokenized gets its digest), and
    // digest the others the key still needs on the way; then let the batch (all the papers' text)
    // be collected before the derivation's own peak instead of after it.
    const tokenized = (p: BatchPaper) => req.options.auto && p.topics.length === 0;
    visitInWindows(batch, papers, readInto, (p) => (tokenized(p) ? cache.add(p) : (p.digest = digestOf(p))),
      (p) => (tokenized(p) && !cache.knows(p)) || (preKey !== undefined && p.digest === undefined));
    if (preKey) key ??= keyOf();
    for (const p of papers) p.release();
    (req as { batch?: TopicBatch }).batch = undefined;
    collect();
  }
  const tree = computeTopicTree(papers, req.options, cache);
  const ms = Date.now() - started;
  cache.rememberDigests(papers, stamps);
  const unsaved = key ? writeCachedTree(req.cacheDir!, key, tree) : undefined;
  const note = [found.problem, unsaved].filter(Boolean).join('; ') || undefined;
  return { tree, ms, note };
}
