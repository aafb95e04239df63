import type { Stats } from 'fs';
import { CacheStore, cacheFileName as nameInCache, checksum, openSealed, sealBytes, UnwrittenFiles } from '../runtime/cacheStore';
import { loadedFileProblem } from '../parse/entryShape';
import type { FileToLoad, LoadedFile } from './loadFile';
import { decodeBody as decodeRecordBody, decodeSplitBody, encodeBody, PackedProblem } from './recordBody';
import type { StoredText } from '../parse/types';
import { Slice } from '../runtime/scheduler';

/**
 * What the scan parsed last time, so a restart reads it back instead of parsing every file again
 * (parsing was most of a warm start's work).
 *
 * One file per workspace file, named by a hash of its uri, in the client's storage folder (never
 * in the workspace). The first line is a small header: the parser build it came from (a hash of
 * the bundled parser, so any new build starts afresh), the uri, a hash of the text parsed, the
 * file's stamp (size, times, inode) when it was read and the checksum of the rest, which is the
 * parse result (runtime/cacheStore.ts: sealBytes; its JSON, then its long texts: recordBody.ts).
 * Records are bytes from the moment a result is encoded until they are written, and read back as
 * bytes: a large library's results are hundreds of megabytes, and encoding them again for the
 * checksum, the text store and the file was a third of a parse worker's time in a cold scan.
 *
 * A file whose stamp is as recorded, and was already old when read (see RACY_MS), is not read at
 * all; otherwise its text is read and hashed, and a matching hash is a hit too (re-stamped for the
 * next start): reading and hashing every file's text was a large part of a warm start. A
 * header that does not match is an ordinary change and the file is parsed again; a body that is
 * damaged (its checksum), unreadable or not shaped like a parse result is reported and parsed
 * again, never used.
 */
export interface ParseCacheConfig {
  dir: string;
  /** Identifies the parser build; results from any other build are ignored. */
  codeId: string;
  /** RACY_MS unless given (tests give 0, as they cannot age a file's change time). */
  racyMs?: number;
}

/** A cache in use: where it is, and what to do with a record made because a file missed it (or hit it by content only). */
export interface ParseCacheUse {
  config: ParseCacheConfig;
  /** Write it now (writingAtOnce), or later, when the scan no longer waits (the parse workers do this). */
  save(record: CacheRecord): void;
  /** The cache's file names when the scan began: a file not among them is a miss without trying to read it. */
  present?: Set<string>;
}

const storeOf = (dir: string) => new CacheStore(dir, '.parsed');

/** The names in the cache folder (none if it does not exist yet). */
export function cacheNames(config: ParseCacheConfig): Set<string> {
  return storeOf(config.dir).names();
}

/** Writes each record at once; a record the folder does not take goes to `unwritten`, if given. */
export function writingAtOnce(config: ParseCacheConfig, unwritten?: UnwrittenFiles): ParseCacheUse {
  return { config, save: (record) => (unwritten ? writeRecordOrSay(config, record, unwritten) : writeRecord(config, record)) };
}

/** What the parse cache says of records the folder does not take (see UnwrittenFiles). */
export function unwrittenRecords(log: (line: string) => void): UnwrittenFiles {
  return new UnwrittenFiles(log,
    (_name, message) => `parse cache: a result could not be kept in the storage folder (${message}); its file is parsed again at the next start`,
    (count) => `parse cache: ${count} more results could not be kept in the storage folder either`);
}

/** writeRecord, the outcome told to `unwritten`. */
export function writeRecordOrSay(config: ParseCacheConfig, record: CacheRecord, unwritten: UnwrittenFiles): void {
  const err = writeRecord(config, record);
  if (err === undefined) unwritten.wrote(); else unwritten.failed(record.name, err);
}

/** 4: the header carries the body's checksum; 5: bibliographies; 6: long texts after the JSON; 7: sources written shorter (recordBody.ts); 8: a title's base key alone; 9: a digest's entries packed. */
export const PARSE_CACHE_FORMAT = 9;


/**
 * How much older than the moment it was read a file's times must be for them to vouch for its
 * text. A file changed again within its file system's timestamp granularity (2 s on FAT, a clock
 * tick elsewhere; more if a network share's clock is off) can keep its times; such a file is
 * "racily clean" in git's words, and its text is hashed instead.
 */
export const RACY_MS = 3000;

/**
 * What tells a file's version without reading it: size, modification and change times, inode and
 * device. Any write sets the change time, which no ordinary tool can set back, so copying an old
 * modification time onto new text still shows; a file replaced by a rename has a new inode.
 */
export interface FileStamp { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }

export function stampOf(st: Stats): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev };
}

interface Header {
  format: number; code: string; uri: string; rel: string; candidate: string;
  /** Hash of the text parsed. */
  text: string;
  /** The file as it was when read, and when that was (ms since the epoch). */
  stamp: FileStamp;
  readAt: number;
}

/** How a file was loaded: unchanged on disk since cached, unchanged in its text, or parsed. */
export interface CacheCounts { unchanged: number; sameText: number; parsed: number }
export const noCounts = (): CacheCounts => ({ unchanged: 0, sameText: 0, parsed: 0 });

export type CacheLookup = { hit: LoadedFile } | { miss: true; problem?: string };

/** A cached parse of this file (by uri, path, kind and parser build), its header read, its body not yet. */
export type CacheProbe = { header: Header; body: Buffer } | { miss: true; problem?: string };

export function cacheFileName(uri: string): string {
  return nameInCache(uri, '.parsed');
}

/** A hash of a file's bytes as read (the text parsed is their UTF-8 decoding). */
export function textHash(bytes: Uint8Array): string {
  return checksum(bytes);
}

export function probeCache(config: ParseCacheConfig, f: FileToLoad, present?: Set<string>): CacheProbe {
  const name = cacheFileName(f.uri);
  if (present && !present.has(name)) return { miss: true }; // a cold start: skip thousands of failing reads
  const data = storeOf(config.dir).read(name);
  if (data === undefined) return { miss: true }; // never cached, or cleared: not a problem
  const opened = openSealed(data, { format: PARSE_CACHE_FORMAT, code: config.codeId, uri: f.uri, rel: f.rel, candidate: f.candidate });
  if ('miss' in opened) return { miss: true };
  if ('problem' in opened) return { miss: true, problem: opened.problem };
  return { header: opened.hit.header as unknown as Header, body: opened.hit.body };
}

/** Whether the file's stamp vouches for the text the cached result was parsed from (see RACY_MS). */
export function unchangedSinceRead(config: ParseCacheConfig, header: Header, now: FileStamp): boolean {
  const then = header.stamp;
  if (!then || typeof then !== 'object' || typeof header.readAt !== 'number') return false;
  for (const k of ['size', 'mtimeMs', 'ctimeMs', 'ino', 'dev'] as const) if (then[k] !== now[k]) return false;
  return Math.max(now.mtimeMs, now.ctimeMs) < header.readAt - (config.racyMs ?? RACY_MS);
}

/**
 * The cached result itself (its checksum already checked), used only if it has the shape of a
 * parse result of this file. `keepBytes`: its long texts stay bytes, for a text store to take.
 * With a `tail`, the body is its JSON alone, and the texts are that (recordBody.ts: decodeSplitBody).
 */
export function decodeBody(probe: { body: Uint8Array; tail?: Uint8Array | StoredText }, uri: string, keepBytes = false): CacheLookup {
  let body: unknown;
  try {
    body = probe.tail ? decodeSplitBody(probe.body, probe.tail) : decodeRecordBody(probe.body, keepBytes);
  } catch (err) {
    return { miss: true, problem: err instanceof PackedProblem ? err.message : 'unreadable body' };
  }
  const why = loadedFileProblem(body, uri);
  return why ? { miss: true, problem: why } : { hit: body as LoadedFile };
}

/** A cache file's name and bytes, made now and written later. */
export interface CacheRecord { name: string; data: Uint8Array }

/** What the file was when read, for the record: its stamp and the time just before it was statted. */
export interface ReadFile { stamp: FileStamp; readAt: number; hash: string }

export function encodeRecord(config: ParseCacheConfig, f: FileToLoad, read: ReadFile, loaded: LoadedFile): CacheRecord {
  return recordWithBody(config, f, read, encodeBody(loaded));
}

/** A record for an already encoded result (one found by its text, re-stamped so the next start need not read the file). */
export function recordWithBody(config: ParseCacheConfig, f: FileToLoad, read: ReadFile, body: Uint8Array): CacheRecord {
  const header: Header = {
    format: PARSE_CACHE_FORMAT, code: config.codeId, uri: f.uri, rel: f.rel, candidate: f.candidate,
    text: read.hash, stamp: read.stamp, readAt: read.readAt,
  };
  return { name: cacheFileName(f.uri), data: sealBytes(header, body) };
}

/** What writing the record threw (the next start parses its file again), or undefined. */
export function writeRecord(config: ParseCacheConfig, record: CacheRecord): unknown {
  try {
    storeOf(config.dir).write(record.name, record.data);
    return undefined;
  } catch (err) {
    return err ?? 'unknown error';
  }
}

/**
 * After a complete scan: remove what was cached for files the workspace no longer has. A file
 * written after `since` is left alone (another scan may just have made it).
 */
export async function pruneCache(dir: string, keepUris: Iterable<string>, since: number): Promise<number> {
  const keep = new Set<string>();
  // This runs on the server thread: hashing tens of thousands of uris in one go was a long pause.
  const slice = new Slice();
  for (const uri of keepUris) {
    keep.add(cacheFileName(uri));
    if (keep.size % 64 === 0 && slice.spent()) await slice.giveWay();
  }
  return storeOf(dir).prune((name) => keep.has(name), since);
}
