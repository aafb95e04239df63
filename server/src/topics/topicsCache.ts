import { CacheStore, contentHash, openSealed, sealText } from '../runtime/cacheStore';
import { BatchPaper, batchPapers, TopicBatch, visitInWindows } from './topicBatch';
import { digestOf } from './topics';
import type { StoredRead } from '../runtime/textStore';
import type { TopicNode, TopicOptions } from './topics';

/**
 * Topic trees kept in the extension's storage folder, so a restart with an unchanged library shows
 * its tree at once instead of deriving it again. The computation is
 * deterministic, so a tree is keyed by everything it depends on: the papers exactly as the worker
 * receives them, the topic settings, the topics code (a hash of the worker's bundle) and a format
 * version. A file that is damaged (its checksum), cannot be read or is not shaped like a tree is
 * ignored and replaced.
 */
/** 2: a header line with the tree's checksum. */
const TOPICS_CACHE_FORMAT = 2;
/** Trees kept: a few recent states of the library (switching a branch back finds its tree). */
const KEEP = 4;
/** Deeper than any tag nesting a note would have; a file nested deeper is not a tree we wrote. */
const MAX_DEPTH = 64;

/**
 * A hash over all the papers' text, the settings and the code: the papers' small fields, and the
 * digest of each paper's title and abstract (paperDigests), in the batch's order.
 */
export function topicsCacheKey(batch: TopicBatch, options: TopicOptions, codeId: string, digests: readonly string[] = paperDigests(batch)): string {
  const hash = contentHash();
  hash.update(`${TOPICS_CACHE_FORMAT}\u0000${codeId}\u0000${JSON.stringify(options)}\u0000${batch.meta}\u0000`);
  for (const d of digests) hash.update(`${d}\u0000`);
  return hash.digest('hex').slice(0, 40);
}

/**
 * The key when the library's files give the papers' text (topics/libraryHash.ts): the settings, the
 * code, the batch's small fields and every byte of text it holds, and `libraryHash` for the stored
 * abstracts it does not hold. No abstract is read for it.
 */
export function topicsCacheKeyOfLibrary(batch: TopicBatch, options: TopicOptions, codeId: string, libraryHash: string): string {
  const hash = contentHash();
  hash.update(`${TOPICS_CACHE_FORMAT}\u0000library\u0000${codeId}\u0000${libraryHash}\u0000${JSON.stringify(options)}\u0000${batch.meta}\u0000`);
  hash.update(batch.text);
  hash.update(new Uint8Array(batch.bounds.buffer, batch.bounds.byteOffset, batch.bounds.byteLength));
  return hash.digest('hex').slice(0, 40);
}

/**
 * The digest (the token cache's: digestOf) of each of `which` (by default every paper of the
 * batch), the stored abstracts read a window at a time (by `readInto`). The papers keep theirs, so
 * tokenizing them later need not hash them again; a paper that has one already
 * (PhraseCache.recallDigests) is not read.
 */
export function paperDigests(batch: TopicBatch, papers: BatchPaper[] = batchPapers(batch), readInto: (wanted: StoredRead[]) => void = noStoredTexts, which: readonly BatchPaper[] = papers): string[] {
  const wanted = which === papers ? undefined : new Set(which);
  visitInWindows(batch, papers, readInto, (p) => { p.digest = digestOf(p); }, (p) => p.digest === undefined && (!wanted || wanted.has(p)));
  return which.map((p) => p.digest!);
}

function noStoredTexts(wanted: StoredRead[]): void {
  if (wanted.length) throw new Error('a batch with stored texts needs a reader for them');
}

/** The cached tree, `undefined` if there is none, or why the file there was not used. */
export function readCachedTree(dir: string, key: string): { tree?: TopicNode[]; problem?: string } {
  const text = new CacheStore(dir, '.json').read(`${key}.json`, 'utf8');
  if (text === undefined) return {};
  const opened = openSealed(text, { format: TOPICS_CACHE_FORMAT });
  if ('miss' in opened) return {};
  if ('problem' in opened) return { problem: `cached topic tree ${key}.json is ${opened.problem}; derived again` };
  try {
    const tree: unknown = JSON.parse(opened.hit.body);
    if (isTree(tree, 0)) return { tree };
  } catch { /* reported below */ }
  return { problem: `cached topic tree ${key}.json is unreadable; derived again` };
}

/** Saves a tree and drops all but the newest few. Returns a problem, if any. */
export function writeCachedTree(dir: string, key: string, tree: TopicNode[]): string | undefined {
  try {
    const store = new CacheStore(dir, '.json');
    store.write(`${key}.json`, sealText({ format: TOPICS_CACHE_FORMAT }, JSON.stringify(tree)));
    store.keepNewest(KEEP);
    return undefined;
  } catch (err) {
    return `topic tree could not be cached: ${(err as Error).message}`;
  }
}

const KINDS = new Set(['tag', 'folder', 'derived', 'vocabulary']);

function isTree(value: unknown, depth: number): value is TopicNode[] {
  if (!Array.isArray(value) || depth > MAX_DEPTH) return false;
  for (const n of value as unknown[]) {
    if (typeof n !== 'object' || n === null) return false;
    const node = n as Record<string, unknown>;
    if (typeof node.id !== 'string' || typeof node.name !== 'string' || typeof node.kind !== 'string' || !KINDS.has(node.kind)) return false;
    if (typeof node.count !== 'number' || !Number.isInteger(node.count) || node.count < 0) return false;
    if (!Array.isArray(node.papers) || !node.papers.every((k) => typeof k === 'string')) return false;
    if (node.phrases !== undefined && (!Array.isArray(node.phrases) || !node.phrases.every((k) => typeof k === 'string'))) return false;
    if (!isTree(node.children, depth + 1)) return false;
  }
  return true;
}
