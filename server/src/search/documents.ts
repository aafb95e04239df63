import { createHash } from 'crypto';
import type { FileEntry, Library } from '../library/library';

/** What lunr indexes for one note or digest entry. `id` is `uri#ordinal`. */
export interface SearchDoc {
  id: string;
  title: string;
  authors: string;
  abstract: string;
  body: string;
}

export const NOTE_BUCKETS = 32;

/** The shard a file's documents live in: one per digest file, notes spread over NOTE_BUCKETS groups. */
export function shardOf(uri: string, kind: FileEntry['kind']): string | undefined {
  if (kind === 'digest') return `digest:${uri}`;
  if (kind === 'note') return `notes:${fnv1a(uri) % NOTE_BUCKETS}`;
  return undefined;
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The documents of one shard, from what the library holds now (sorted, so the hash is stable). */
export function shardDocs(library: Library, shard: string): SearchDoc[] {
  const docs: SearchDoc[] = [];
  if (shard.startsWith('digest:')) {
    const entry = library.file(shard.slice('digest:'.length));
    if (entry) for (const s of entry.sources) docs.push(toDoc(`${entry.uri}#${s.ordinal}`, s));
  } else {
    const bucket = Number(shard.slice('notes:'.length));
    for (const f of library.allFiles()) {
      if (f.kind !== 'note' || fnv1a(f.uri) % NOTE_BUCKETS !== bucket) continue;
      for (const s of f.sources) docs.push(toDoc(`${f.uri}#${s.ordinal}`, s));
    }
    docs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return docs;
}

function toDoc(id: string, s: { title: string; authors: string[]; abstract?: string; summary?: string; body?: string }): SearchDoc {
  return { id, title: s.title, authors: s.authors.join(' '), abstract: s.abstract ?? '', body: s.body ?? s.summary ?? '' };
}

/** BLAKE2b: as collision-resistant as SHA-256 and, without SHA instructions, over twice as fast. */
const CONTENT_HASH = (() => {
  try { createHash('blake2b512'); return 'blake2b512'; } catch { return 'sha256'; }
})();

/** Content hash of a shard's documents: a cached index is reused only for exactly this content. */
export function docsHash(docs: SearchDoc[]): string {
  const h = createHash(CONTENT_HASH);
  // One update per document: the hash itself is cheap, each call into it is not.
  for (const d of docs) h.update(`${d.id}\0${d.title}\0${d.authors}\0${d.abstract}\0${d.body}\u0001`);
  return h.digest('hex');
}
