import { computeTopicTree, PaperReader, PhraseCache, TopicNode, TopicOptions, vocabularyOf } from './topics';
import { BatchPaper, batchPapers, TopicBatch, visitInWindows, withStoredAbstracts } from './topicBatch';
import { PaperTokens, tokenizeUtf8, withTransientTokens, WordTable } from './phrases';
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
 * tests can run it and count what it reads. `cache` lives as long as the worker: the sampled
 * papers' tokens, and digests and stamps. A paper the cache knows by its stamp is not read for its
 * digest (the kept tree's key, with `cacheDir` and no `libraryHash`), nor for its tokens when it is
 * sampled again. Texts are read a window at a time (`readInto`). `ms`: from `started` until the
 * tree is there (before it is kept in the cache folder).
 */
export function answerTopics(req: TopicsWorkerRequest, cache: PhraseCache, codeId: string, readInto: (wanted: StoredRead[]) => void, started = Date.now()): Omit<TopicsWorkerReply, 'id'> {
  const papers = batchPapers(req.batch);
  const stamps = cache.recallDigests(req.batch, papers);
  const key = !req.cacheDir ? undefined
    : req.libraryHash ? topicsCacheKeyOfLibrary(req.batch, req.options, codeId, req.libraryHash)
      : topicsCacheKey(req.batch, req.options, codeId, paperDigests(req.batch, papers, readInto));
  const found = key ? readCachedTree(req.cacheDir!, key) : {};
  if (found.tree) {
    cache.rememberDigests(req.batch, papers, stamps);
    cache.retain(new Set(papers.map((p) => p.key)));
    return { tree: found.tree, ms: Date.now() - started, cached: true };
  }
  const tree = vocabularyOf(req.options).length > 0 ? withVocabulary(req, papers, cache, readInto) : fromTokens(req, papers, cache, readInto);
  const ms = Date.now() - started;
  cache.rememberDigests(req.batch, papers, stamps);
  const unsaved = key ? writeCachedTree(req.cacheDir!, key, tree) : undefined;
  const note = [found.problem, unsaved].filter(Boolean).join('; ') || undefined;
  return { tree, ms, note };
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
 * Without a vocabulary only tokens are needed: the papers topics are chosen on are tokenized into
 * the cache (unless it knows them), the others once each as the derivation reads them; both a
 * window of stored abstracts at a time.
 */
function fromTokens(req: TopicsWorkerRequest, papers: BatchPaper[], cache: PhraseCache, readInto: (wanted: StoredRead[]) => void): TopicNode[] {
  const reader: PaperReader = {
    keep: (some) => {
      const picked = new Set(some);
      visitInWindows(req.batch, papers, readInto, (p) => cache.add(p), (p) => picked.has(p) && !cache.knows(p));
    },
    stream: (some, visit) => {
      const picked = new Set(some);
      visitInWindows(req.batch, papers, readInto, (p) => withTransientTokens(() => visit(p, tokensOf(p, cache.table))), (p) => picked.has(p));
    },
  };
  return computeTopicTree(papers, req.options, cache, reader);
}

/** A paper's tokens, read from its bytes (a batch paper inside its window), without the cache. */
function tokensOf(p: BatchPaper, table: WordTable): PaperTokens {
  return { title: tokenizeUtf8(p.text, p.start, p.titleEnd, table), abstract: tokenizeUtf8(p.text, p.titleEnd, p.end, table) };
}
