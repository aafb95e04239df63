import { readFile, readFileSync, stat, statSync } from 'fs';
import { promisify } from 'util';
import type { FileEntry } from '../model/library';
import type { StoredText } from '../parse/types';
import { describeTitle, TitleInfo } from '../model/keys';
import { fileSearchHash } from '../search/documents';
import type { Candidate } from '../parse/classify';
import { parseFile } from '../parse/parseFile';
import { loadedFileProblem } from '../parse/entryShape';
import { range } from '../util/text';
import {
  CacheCounts, decodeBody, encodeRecord, FileStamp, ParseCacheConfig, ParseCacheUse, probeCache, ReadFile, recordWithBody, stampOf, textHash,
  unchangedSinceRead, writingAtOnce,
} from './parseCache';
import type { UnwrittenFiles } from '../runtime/cacheStore';

/** A file the scan found and wants indexed. */
export interface FileToLoad { fsPath: string; uri: string; rel: string; candidate: Candidate }

/**
 * A file read and parsed. No entry: it could not be read (deleted, too large, binary, a parser
 * bug), so it leaves the library; `log` says why. Plain data, so it can cross a worker boundary.
 */
export interface LoadedFile {
  uri: string;
  entry?: FileEntry;
  /** One per source of the entry, derived here (as is the entry's search hash) so a parse worker does this work too. */
  titles?: TitleInfo[];
  log: string[];
  textLength: number;
}

// The callback API: fs.promises.readFile reads in chunks with an await each, several times the
// main-thread cost per small file.
const statFile = promisify(stat);
const readWholeFile = promisify(readFile);

type TextOrWhy = { text: string } | { why: string };

/**
 * Parse a file's text, never throwing, and check the result as a cached one is checked: a parser
 * bug on one file must not take the library down. Such a file is kept with an error on it and
 * nothing else, and the output channel says what went wrong.
 */
export function parseText(f: FileToLoad, text: string): LoadedFile {
  let loaded: LoadedFile;
  try {
    const parsed = parseFile(f.uri, f.rel, f.candidate, text);
    const titles = parsed.entry.sources.map((s) => describeTitle(s.title));
    if (parsed.entry.sources.length) fileSearchHash(parsed.entry);
    loaded = { uri: f.uri, entry: parsed.entry, titles, log: parsed.log, textLength: text.length };
  } catch (err) {
    return notIndexed(f, text.length, `${f.rel}: could not be parsed (${(err as Error).stack ?? err})`);
  }
  const problem = loadedFileProblem(loaded, f.uri);
  return problem ? notIndexed(f, text.length, `${f.rel}: its parse result is malformed (${problem})`) : loaded;
}

/** A file that could be read but not indexed: in the library with an error and no papers; `why` goes to the output channel. */
export function notIndexed(f: FileToLoad, textLength: number, why: string): LoadedFile {
  const kind = f.candidate === 'digest' ? 'digest' : f.candidate === 'note' ? 'note' : 'draft';
  const problem = { range: range(0, 0, 0, 0), message: 'Not indexed: litnotes could not read this file (the output channel says why).', severity: 'error' as const, code: 'not-indexed' };
  return { uri: f.uri, entry: { uri: f.uri, kind, relativePath: f.rel, sources: [], problems: [problem], citations: [] }, titles: [], log: [why], textLength };
}

/**
 * A cached result that the file's stamp vouches for, not yet decoded: a parse worker sends the
 * text on and the server thread decodes it (decodeHit), as it would otherwise have to copy the
 * decoded objects out of the worker's message, at about the same cost. `textLength`: the file's size.
 * With `tail`, `body` is the result's JSON alone and `tail` its long texts: their bytes, or where
 * the worker put them in the text store (ingest/recordBody.ts: splitBody).
 */
export interface UndecodedHit { uri: string; body: Uint8Array; textLength: number; tail?: Uint8Array | StoredText }

/**
 * Read and parse synchronously: the scan's way, in its slices or in the parse worker. With a
 * cache, a file unchanged since it was last parsed is read back rather than parsed: known
 * unchanged by its stamp without reading it, or else by a hash of its text. `counts` tallies which.
 */
export function loadFileSync(f: FileToLoad, maxMB: number, cache?: ParseCacheUse, counts?: CacheCounts): LoadedFile {
  return load(f, maxMB, cache, counts, false) as LoadedFile;
}

/**
 * loadFileSync for a parse worker: a result the stamp vouches for comes back undecoded (and is
 * not counted until decodeHit has checked it).
 */
export function loadOrDefer(f: FileToLoad, maxMB: number, cache?: ParseCacheUse, counts?: CacheCounts): LoadedFile | UndecodedHit {
  return load(f, maxMB, cache, counts, true);
}

/**
 * The server thread's half of loadOrDefer (or the parse worker's, when it has a text store to
 * take the long texts: `keepBytes` leaves them bytes, see ingest/recordBody.ts): the result if it
 * has the shape of one, else the file loaded again here (read, parsed, its cache entry rewritten,
 * with a log line saying why; a rewrite the folder does not take is told to `unwritten`). `f` may be
 * a function that finds the file, for a caller that would have to search for it: only a hit that
 * fails its checks needs it.
 */
export function decodeHit(
  hit: UndecodedHit, f: FileToLoad | (() => FileToLoad), maxMB: number, cache: ParseCacheConfig, counts: CacheCounts, keepBytes = false, unwritten?: UnwrittenFiles,
): LoadedFile {
  const cached = decodeBody(hit, hit.uri, keepBytes);
  if ('hit' in cached) return count(counts, 'unchanged', cached.hit);
  return load(typeof f === 'function' ? f() : f, maxMB, writingAtOnce(cache, unwritten), counts, false, cached.problem ?? 'unreadable body') as LoadedFile;
}

/** `cacheProblem`: the cached result is known to be unusable (so it is not looked up), for this reason. */
function load(
  f: FileToLoad, maxMB: number, cache: ParseCacheUse | undefined, counts: CacheCounts | undefined, defer: boolean, cacheProblem?: string,
): LoadedFile | UndecodedHit {
  const readAt = Date.now();
  let stamp: FileStamp;
  try {
    stamp = stampOf(statSync(f.fsPath));
  } catch (err) {
    return unreadable(f, readError(err, f.rel));
  }
  if (tooLarge(stamp.size, maxMB)) return unreadable(f, overSizeLimit(f.rel, stamp.size, maxMB));
  const probe = cache && cacheProblem === undefined ? probeCache(cache.config, f, cache.present) : undefined;
  let problem = cacheProblem ?? (probe && 'miss' in probe ? probe.problem : undefined);
  if (cache && probe && 'header' in probe && unchangedSinceRead(cache.config, probe.header, stamp)) {
    if (defer) return { uri: f.uri, body: probe.body, textLength: stamp.size };
    const cached = decodeBody(probe, f.uri);
    if ('hit' in cached) return count(counts, 'unchanged', cached.hit);
    problem = cached.problem;
  }
  let bytes: Buffer, read: TextOrWhy;
  try {
    bytes = readFileSync(f.fsPath);
    read = decode(bytes, f.rel);
  } catch (err) {
    return unreadable(f, readError(err, f.rel));
  }
  if (!('text' in read)) return unreadable(f, read.why);
  if (!cache) return parseText(f, read.text);
  const file: ReadFile = { stamp, readAt, hash: textHash(bytes) };
  if (probe && 'header' in probe && !problem && probe.header.text === file.hash) {
    const cached = decodeBody(probe, f.uri);
    if ('hit' in cached) {
      cache.save(recordWithBody(cache.config, f, file, probe.body)); // so the next start need not read it
      return count(counts, 'sameText', cached.hit);
    }
    problem = cached.problem;
  }
  const loaded = count(counts, 'parsed', parseText(f, read.text));
  if (loaded.entry) cache.save(encodeRecord(cache.config, f, file, loaded));
  if (problem) loaded.log.push(unusable(f, problem));
  return loaded;
}

function unusable(f: FileToLoad, problem: string): string {
  return `${f.rel}: its cached parse was unusable (${problem}), so it was parsed again`;
}

function count(counts: CacheCounts | undefined, how: keyof CacheCounts, loaded: LoadedFile): LoadedFile {
  if (counts) counts[how]++;
  return loaded;
}

function unreadable(f: FileToLoad, why: string): LoadedFile {
  return { uri: f.uri, log: [why], textLength: 0 };
}

/** Read a single changed file without blocking the thread. */
export async function readTextAsync(fsPath: string, rel: string, maxMB: number): Promise<TextOrWhy> {
  try {
    const size = (await statFile(fsPath)).size;
    return tooLarge(size, maxMB) ? { why: overSizeLimit(rel, size, maxMB) } : decode(await readWholeFile(fsPath), rel);
  } catch (err) {
    return { why: readError(err, rel) };
  }
}

/** Files over litnotes.maxFileSizeMB are not read at all. */
function tooLarge(size: number, maxMB: number): boolean {
  return size > maxMB * 1024 * 1024;
}

function overSizeLimit(rel: string, size: number, maxMB: number): string {
  return `${rel}: skipped, ${(size / 1024 / 1024).toFixed(1)} MB is over litnotes.maxFileSizeMB (${maxMB})`;
}

/**
 * A file's text: UTF-8 without its byte order mark (the editor shows it without, so positions
 * agree, and JSON does not parse with it), or UTF-16, which Windows tools write (Windows
 * PowerShell's `Out-File`, some reference managers), told by its byte order mark or, without one,
 * by the zero bytes of its ASCII characters. Anything else with NUL bytes is taken for binary.
 */
function decode(buf: Buffer, rel: string): TextOrWhy {
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: utf16(buf.subarray(2), 'le') };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: utf16(buf.subarray(2), 'be') };
  const marked = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const bytes = marked ? buf.subarray(3) : buf;
  const head = bytes.subarray(0, 8192);
  // Most files have no NUL byte (a fast search), and are UTF-8; text in UTF-16 has them.
  if (!head.includes(0)) return { text: bytes.toString('utf8') };
  const unmarked = marked ? undefined : utf16WithoutMark(head);
  return unmarked ? { text: utf16(bytes, unmarked) } : { why: `${rel}: skipped, binary file (contains NUL bytes)` };
}

function utf16(buf: Buffer, order: 'le' | 'be'): string {
  const pairs = buf.subarray(0, buf.length - (buf.length % 2));
  if (order === 'le') return pairs.toString('utf16le');
  return Buffer.from(pairs).swap16().toString('utf16le');
}

/**
 * UTF-16 without a byte order mark: the ASCII characters a text file is mostly made of have a zero
 * byte on one side of every pair (little-endian: the second), and hardly any on the other.
 */
function utf16WithoutMark(head: Buffer): 'le' | 'be' | undefined {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 16) return undefined; // too little to tell from a binary file
  let firstZero = 0, secondZero = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) firstZero++;
    if (head[i + 1] === 0) secondZero++;
  }
  if (secondZero >= pairs / 2 && firstZero <= pairs / 50) return 'le';
  if (firstZero >= pairs / 2 && secondZero <= pairs / 50) return 'be';
  return undefined;
}

function readError(err: unknown, rel: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? `${rel}: deleted before it could be read` : `${rel}: cannot read (${(err as Error).message})`;
}
