import { computeTopicTree, PhraseCache, TopicNode, TopicOptions, vocabularyOf } from './topics';
import { batchPapers, TopicBatch, visitInWindows, withStoredAbstracts } from './topicBatch';
import type { StoredRead, TextStoreLocation } from '../runtime/textStore';
import { paperDigests, readCachedTree, topicsCacheKey, topicsCacheKeyOfLibrary, writeCachedTree } from './topicsCache';

/**
 * `texts`: the text store the batch's stored abstracts are in. `libraryHash`: what the library's
 * files say of the papers' text (libraryHash.ts), which keys a kept tree without an abstract read.
 */
export type TopicsWorkerRequest = { id: number; batch: TopicBatch; options: TopicOptions; cacheDir?: string; texts?: TextStoreLocation; libraryHash?: string };
/** `cached`: read back, not derived; `note`: a problem with the cache, for the log. */
export type TopicsWorkerReply = { id: number; tree?: TopicNode[]; ms: number; cached?: boolean; note?: string; error?: string };

/**
 * One topics request as the worker answers it (topicsWorker.ts), kept apart from the thread so
 * tests can run it and count what it reads. `cache` lives as long as the worker: the papers'
 * tokens, digests and stamps. A paper the cache knows by its stamp is not read at all; the others
 * are read a window at a time (`readInto`) for their digests (the kept tree's key, with
 * `cacheDir` and no `libraryHash`) and, if topics are derived, their tokens. `collect` lets the batch's text go to
 * the collector before the derivation's own peak. `ms`: from `started` until the tree is there
 * (before it is kept in the cache folder).
 */
export function answerTopics(req: TopicsWorkerRequest, cache: PhraseCache, codeId: string, readInto: (wanted: StoredRead[]) => void, collect: () => void = () => undefined, started = Date.now()): Omit<TopicsWorkerReply, 'id'> {
  const papers = batchPapers(req.batch);
  const stamps = cache.recallDigests(req.batch, papers);
  const key = !req.cacheDir ? undefined
    : req.libraryHash ? topicsCacheKeyOfLibrary(req.batch, req.options, codeId, req.libraryHash)
      : topicsCacheKey(req.batch, req.options, codeId, paperDigests(req.batch, papers, readInto));
  const found = key ? readCachedTree(req.cacheDir!, key) : {};
  if (found.tree) {
    cache.rememberDigests(papers, stamps);
    cache.retain(new Set(papers.map((p) => p.key)));
    return { tree: found.tree, ms: Date.now() - started, cached: true };
  }
  if (vocabularyOf(req.options).length > 0) {
    // A vocabulary reads every paper's text as it goes: the whole batch, stored abstracts read in
    // (the papers keep the digests the cache key gave them).
    const whole = withStoredAbstracts(req.batch, readInto);
    papers.forEach((p, i) => p.readFrom(whole, i));
  } else {
    // Only tokens are needed from here on (and none unless topics are derived): tokenize a window
    // of the papers the cache does not know at a time, then let the batch (all the papers' text)
    // be collected before the derivation's own peak instead of after it.
    if (req.options.auto) visitInWindows(req.batch, papers, readInto, (p) => cache.add(p), (p) => p.topics.length === 0 && !cache.knows(p));
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
