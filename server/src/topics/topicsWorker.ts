import { parentPort } from 'worker_threads';
import { codeIdOf } from '../runtime/cacheStore';
import { collectGarbage, lowerOwnPriority, WORKER_NICE } from '../runtime/workerThreads';
import { logMemory } from '../runtime/memoryLog';
import { computeTopicTree, PhraseCache, TopicNode, TopicOptions, vocabularyOf } from './topics';
import { batchPapers, TopicBatch, visitInWindows, withStoredAbstracts } from './topicBatch';
import { readStored, StoredRead, TextStoreLocation } from '../runtime/textStore';
import { paperDigests, readCachedTree, topicsCacheKey, writeCachedTree } from './topicsCache';

/**
 * Topic derivation off the main thread, at low priority (WORKER_NICE.topics), so phrase counting
 * never delays completion or hover. The token cache lives here. With `cacheDir`, a tree derived
 * before from the same papers and settings is read back instead (see topicsCache.ts).
 */
lowerOwnPriority(WORKER_NICE.topics);
logMemory('topics');

/** `texts`: the text store the batch's stored abstracts are in. */
export type TopicsWorkerRequest = { id: number; batch: TopicBatch; options: TopicOptions; cacheDir?: string; texts?: TextStoreLocation };
/** `cached`: read back, not derived; `note`: a problem with the cache, for the log. */
export type TopicsWorkerReply = { id: number; tree?: TopicNode[]; ms: number; cached?: boolean; note?: string; error?: string };

const cache = new PhraseCache();
let codeId: string | undefined;
/** This bundle's hash: a kept tree is used only by the code that derived it. */
const topicsCodeId = () => (codeId ??= codeIdOf(__filename));

parentPort!.on('message', (req: TopicsWorkerRequest) => {
  const started = Date.now();
  try {
    const readInto = (wanted: StoredRead[]) => readStored(req.texts, wanted);
    const papers = batchPapers(req.batch);
    const key = req.cacheDir ? topicsCacheKey(req.batch, req.options, topicsCodeId(), paperDigests(req.batch, papers, readInto)) : undefined;
    const found = key ? readCachedTree(req.cacheDir!, key) : {};
    if (found.tree) {
      parentPort!.postMessage({ id: req.id, tree: found.tree, ms: Date.now() - started, cached: true } satisfies TopicsWorkerReply);
      return;
    }
    if (vocabularyOf(req.options).length > 0) {
      // A vocabulary reads every paper's text as it goes: the whole batch, stored abstracts read in
      // (the papers keep the digests the cache key gave them).
      const whole = withStoredAbstracts(req.batch, readInto);
      papers.forEach((p, i) => p.readFrom(whole, i));
    } else {
      // Only tokens are needed from here on (and none unless topics are derived): tokenize a window
      // of papers at a time, then let the batch (all the papers' text) be collected before the
      // derivation's own peak instead of after it.
      if (req.options.auto) visitInWindows(req.batch, papers, readInto, (p) => { if (p.topics.length === 0) cache.add(p); });
      for (const p of papers) p.release();
      (req as { batch?: TopicBatch }).batch = undefined;
      collectGarbage();
    }
    const tree = computeTopicTree(papers, req.options, cache);
    const ms = Date.now() - started;
    const unsaved = key ? writeCachedTree(req.cacheDir!, key, tree) : undefined;
    const note = [found.problem, unsaved].filter(Boolean).join('; ') || undefined;
    parentPort!.postMessage({ id: req.id, tree, ms, note } satisfies TopicsWorkerReply);
    // What the computation left (the batch, the phrase lists) is garbage now; an idle worker would
    // hold it for seconds, at the time the process's memory peaks (see collectGarbage).
    collectGarbage();
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ms: Date.now() - started, error: String((err as Error)?.stack ?? err) } satisfies TopicsWorkerReply);
  }
});
