import type { FileEntry, Library } from '../model/library';
import { contentHash } from '../runtime/cacheStore';
import type { Text } from '../parse/types';
import type { StoredRead } from '../runtime/textStore';

/**
 * What lunr indexes for one note, digest entry or bibliography entry. `id` is `uri#ordinal`. The
 * long texts go to the full-text worker as they are held, and it reads stored ones itself
 * (resolveTexts), so the server thread never reads them back.
 */
export interface SearchDoc<T extends Text = Text> {
  id: string;
  title: string;
  authors: string;
  abstract: T;
  body: T;
}

/**
 * The documents with their stored texts read back (in place), by a full-text worker: all of them
 * in one pass over the store (a shard's texts lie together there), by `readAll`, which throws if
 * one cannot be read (the shard is then not built, rather than built and cached without them).
 */
export function resolveTexts(docs: SearchDoc[], readAll: (wanted: StoredRead[]) => void): SearchDoc<string>[] {
  let size = 0;
  for (const d of docs) for (const t of [d.abstract, d.body]) if (typeof t !== 'string') size += t.bytes;
  if (size === 0) return docs as SearchDoc<string>[];
  const bytes = Buffer.allocUnsafe(size);
  const wanted: StoredRead[] = [];
  let at = 0;
  for (const d of docs) for (const t of [d.abstract, d.body]) if (typeof t !== 'string') { wanted.push({ ref: t, into: bytes, offset: at }); at += t.bytes; }
  readAll(wanted);
  at = 0;
  const text = (t: Text) => (typeof t === 'string' ? t : bytes.toString('utf8', at, (at += t.bytes)));
  for (const d of docs) {
    d.abstract = text(d.abstract);
    d.body = text(d.body);
  }
  return docs as SearchDoc<string>[];
}

export const NOTE_BUCKETS = 32;

/**
 * The shard a file's documents live in: notes spread over NOTE_BUCKETS groups, every other file with
 * papers (a digest, a bibliography, a draft's inline references) a shard of its own.
 */
export function shardOf(uri: string, kind: FileEntry['kind']): string {
  return kind === 'note' ? `notes:${noteGroupOf(uri)}` : `file:${uri}`;
}

/** A note's group: a hash of its uri (~1 µs; noteGroups hashes each note once per change of the library's files). */
function noteGroupOf(uri: string): number {
  return fnv1a(uri) % NOTE_BUCKETS;
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The documents of one shard, from what the library holds now (sorted: the order lunr sees is fixed). */
export function shardDocs(library: Library, shard: string): SearchDoc[] {
  const docs: SearchDoc[] = [];
  for (const f of shardFiles(library, shard)) for (const s of f.sources) docs.push(toDoc(`${f.uri}#${s.ordinal}`, s));
  if (shard.startsWith('notes:')) docs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return docs;
}

/** The files whose sources make up a shard (notes: sorted by uri). Shared: callers must not change it. */
function shardFiles(library: Library, shard: string): readonly FileEntry[] {
  if (shard.startsWith('file:')) {
    const entry = library.file(shard.slice('file:'.length));
    return entry?.sources.length ? [entry] : [];
  }
  return noteGroups(library)[Number(shard.slice('notes:'.length))] ?? [];
}

/** Each library's note groups, as of its filesVersion. */
const groupsOfLibrary = new WeakMap<Library, { filesVersion: number; groups: FileEntry[][] }>();

/**
 * Every note group's files, sorted by uri, made in one pass over the library and kept until a file
 * changes. A scan's end sends all 32 groups (a cold one asks for each group's hash twice and its
 * documents once), and finding each group's files anew visited every file of the library each time.
 */
function noteGroups(library: Library): FileEntry[][] {
  const kept = groupsOfLibrary.get(library);
  if (kept && kept.filesVersion === library.filesVersion) return kept.groups;
  const groups: FileEntry[][] = Array.from({ length: NOTE_BUCKETS }, () => []);
  for (const f of library.allFiles()) if (f.kind === 'note' && f.sources.length) groups[noteGroupOf(f.uri)].push(f);
  for (const g of groups) g.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  groupsOfLibrary.set(library, { filesVersion: library.filesVersion, groups });
  return groups;
}

function toDoc(id: string, s: { title: string; authors: string[]; abstract?: Text; summary?: Text; body?: Text }): SearchDoc {
  return { id, title: s.title, authors: s.authors.join(' '), abstract: s.abstract ?? '', body: s.body ?? s.summary ?? '' };
}

/**
 * Content hash of the documents a file adds to its shard. Made where the file is parsed (in the
 * scan's parse workers), so the server thread only combines hashes; made here for entries that
 * arrive without one.
 */
export function fileSearchHash(entry: FileEntry): string {
  if (entry.searchHash) return entry.searchHash;
  const h = contentHash();
  // One update per document: the hash itself is cheap, each call into it is not. An entry parsed
  // in a worker has its hash already, so its texts are in memory here; a stored one would be
  // hashed by where it is (a shard built again next start, never a wrong one kept).
  const text = (t: Text) => (typeof t === 'string' ? t : `\u0002${t.file}:${t.at}:${t.bytes}`);
  for (const s of entry.sources) {
    const d = toDoc(`${entry.uri}#${s.ordinal}`, s);
    h.update(`${d.id}\0${d.title}\0${d.authors}\0${text(d.abstract)}\0${text(d.body)}\u0001`);
  }
  return (entry.searchHash = h.digest('hex'));
}

/**
 * Content hash of a shard: a cached index is reused only for exactly this content. A digest
 * shard's is its file's; a note group's covers each member's uri and file hash. Undefined: the
 * shard has no documents.
 */
export function shardHash(library: Library, shard: string): string | undefined {
  const files = shardFiles(library, shard);
  if (files.length === 0) return undefined;
  if (shard.startsWith('file:')) return fileSearchHash(files[0]);
  const h = contentHash();
  for (const f of files) h.update(`${f.uri}\0${fileSearchHash(f)}\u0001`);
  return h.digest('hex');
}
