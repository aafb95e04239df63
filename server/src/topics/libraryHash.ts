import type { FileEntry } from '../parse/types';
import type { Slice } from '../runtime/scheduler';
import { contentHash } from '../runtime/cacheStore';

/**
 * A hash of everything the library's files say that topics could read beyond what a topics batch
 * carries itself: each file with papers, by uri, with its search hash (made where the file was
 * parsed, from its titles, authors, abstracts and bodies: search/documents.ts). A paper's stored
 * abstract comes from one of these files, so with the batch (keys, topics, titles, keywords) this
 * names the topics' input without a stored abstract being read; a restart finds its kept tree
 * without reading every abstract (topicsCache.ts: topicsCacheKeyOfLibrary).
 *
 * `serverCodeId` (a hash of the server's bundle) stands for the rules that merge the files into
 * papers. Undefined when a file with papers has no search hash: one made later, on the server
 * thread, hashes a stored text by its place, which another process's text store may give other text.
 */
export async function libraryTextHash(files: Iterable<FileEntry>, serverCodeId: string, slice: Slice): Promise<string | undefined> {
  const pairs: string[] = [];
  for (const f of files) {
    if (f.sources.length === 0) continue;
    if (!f.searchHash) return undefined;
    pairs.push(`${f.uri}\u0000${f.searchHash}`);
    if (pairs.length % 512 === 0 && slice.spent()) await slice.giveWay();
  }
  pairs.sort();
  // A few thousand at a time, giving way between: one hash of a large library's pairs is a pause of its own.
  const hash = contentHash().update(serverCodeId);
  for (let i = 0; i < pairs.length; i += 4096) {
    if (slice.spent()) await slice.giveWay();
    hash.update(`\u0001${pairs.slice(i, i + 4096).join('\u0001')}`);
  }
  return hash.digest('hex');
}
