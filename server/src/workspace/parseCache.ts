import { createHash } from 'crypto';
import { mkdirSync, promises as fsp, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { FileToLoad, LoadedFile } from './loadFile';

/**
 * What the scan parsed last time, so a restart reads it back instead of parsing every file again
 * (parsing is most of a warm start's work: ~1.9 s of one core for the bench's 2,100 files at M).
 *
 * One file per workspace file, named by a hash of its uri, in the client's storage folder (never
 * in the workspace). The first line is a small header: the parser build it came from (a hash of
 * the bundled parser, so any new build starts afresh), the uri and a hash of the text parsed. The
 * rest is the parse result. A header that does not match is an ordinary change and the file is
 * parsed again; a body that is unreadable or not shaped like a parse result is reported and
 * parsed again, never used.
 */
export interface ParseCacheConfig {
  dir: string;
  /** Identifies the parser build; results from any other build are ignored. */
  codeId: string;
}

/** A cache in use: where it is, and what to do with a result parsed because it missed. */
export interface ParseCacheUse {
  config: ParseCacheConfig;
  /** Write it now (writeCached), or later, when the scan no longer waits (the parse workers do this). */
  save(f: FileToLoad, hashOfText: string, loaded: LoadedFile): void;
  /** The cache's file names when the scan began: a file not among them is a miss without trying to read it. */
  present?: Set<string>;
}

/** The names in the cache folder (none if it does not exist yet). */
export function cacheNames(config: ParseCacheConfig): Set<string> {
  try { return new Set(readdirSync(config.dir)); } catch { return new Set(); }
}

export function writingAtOnce(config: ParseCacheConfig): ParseCacheUse {
  return { config, save: (f, hash, loaded) => writeCached(config, f, hash, loaded) };
}

export const PARSE_CACHE_FORMAT = 1;

/** Uri hashes made between two yields while pruning (~2 ms of work). */
const HASHES_PER_TURN = 250;

interface Header { format: number; code: string; uri: string; rel: string; candidate: string; text: string }

export type CacheLookup = { hit: LoadedFile } | { miss: true; problem?: string };

export function cacheFileName(uri: string): string {
  return `${createHash('sha256').update(uri).digest('hex').slice(0, 40)}.parsed`;
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

export function readCached(config: ParseCacheConfig, f: FileToLoad, hashOfText: string, present?: Set<string>): CacheLookup {
  const name = cacheFileName(f.uri);
  if (present && !present.has(name)) return { miss: true }; // a cold start: skip thousands of failing reads
  let data: string;
  try {
    data = readFileSync(path.join(config.dir, name), 'utf8');
  } catch {
    return { miss: true }; // never cached, or cleared: not a problem
  }
  const newline = data.indexOf('\n');
  let header: Partial<Header>;
  try {
    header = JSON.parse(newline < 0 ? data : data.slice(0, newline));
  } catch {
    return { miss: true, problem: 'unreadable header' };
  }
  if (!header || typeof header !== 'object') return { miss: true, problem: 'unreadable header' };
  const expected = headerFor(config, f, hashOfText);
  for (const k of Object.keys(expected) as (keyof Header)[]) if (header[k] !== expected[k]) return { miss: true };
  let body: unknown;
  try {
    body = JSON.parse(data.slice(newline + 1));
  } catch {
    return { miss: true, problem: 'unreadable body' };
  }
  const why = loadedFileProblem(body, f.uri);
  return why ? { miss: true, problem: why } : { hit: body as LoadedFile };
}

/** Best effort: a cache that cannot be written only means parsing again next time. */
export function writeCached(config: ParseCacheConfig, f: FileToLoad, hashOfText: string, loaded: LoadedFile): void {
  writeRecord(config, encodeRecord(config, f, hashOfText, loaded));
}

/** A cache file's name and text, made now and written later (flat strings are cheap to hold). */
export interface CacheRecord { name: string; text: string }

export function encodeRecord(config: ParseCacheConfig, f: FileToLoad, hashOfText: string, loaded: LoadedFile): CacheRecord {
  return { name: cacheFileName(f.uri), text: `${JSON.stringify(headerFor(config, f, hashOfText))}\n${JSON.stringify(loaded)}` };
}

export function writeRecord(config: ParseCacheConfig, record: CacheRecord): void {
  const file = path.join(config.dir, record.name);
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(config.dir, { recursive: true });
    writeFileSync(temp, record.text);
    renameSync(temp, file); // readers see the old file or the new one, never half of one
  } catch {
    try { rmSync(temp, { force: true }); } catch { /* nothing more to do */ }
  }
}

/**
 * After a complete scan: remove what was cached for files the workspace no longer has. A file
 * written after `since` is left alone (another scan may just have made it).
 */
export async function pruneCache(dir: string, keepUris: Iterable<string>, since: number): Promise<number> {
  const keep = new Set<string>();
  for (const uri of keepUris) {
    keep.add(cacheFileName(uri));
    // This runs on the server thread: hashing 21,000 uris in one go held it for ~160 ms.
    if (keep.size % HASHES_PER_TURN === 0) await new Promise((r) => setImmediate(r));
  }
  let removed = 0;
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (keep.has(name) || !/\.(parsed|tmp)$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if ((await fsp.stat(file)).mtimeMs >= since) continue;
      await fsp.unlink(file);
      removed++;
    } catch { /* gone already */ }
  }
  return removed;
}

function headerFor(config: ParseCacheConfig, f: FileToLoad, hashOfText: string): Header {
  return { format: PARSE_CACHE_FORMAT, code: config.codeId, uri: f.uri, rel: f.rel, candidate: f.candidate, text: hashOfText };
}

// ---- shape checks: everything the library and the features read from a parse result ----

const isString = (x: unknown): x is string => typeof x === 'string';
const isStringArray = (x: unknown): boolean => Array.isArray(x) && x.every(isString);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPosition = (x: unknown): boolean => isObject(x) && Number.isInteger(x.line) && Number.isInteger(x.character) && (x.line as number) >= 0 && (x.character as number) >= 0;
const isRange = (x: unknown): boolean => isObject(x) && isPosition(x.start) && isPosition(x.end);
const optional = (x: unknown, check: (y: unknown) => boolean): boolean => x === undefined || check(x);

function sourceProblem(s: unknown, uri: string): string | undefined {
  if (!isObject(s)) return 'a source is not an object';
  if ((s.kind !== 'note' && s.kind !== 'digest') || s.uri !== uri) return 'a source has the wrong kind or uri';
  if (!isString(s.title) || !isRange(s.titleRange) || !Number.isInteger(s.ordinal)) return 'a source lacks its title or position';
  if (!isStringArray(s.authors) || !isStringArray(s.codeUrls) || !isStringArray(s.topics)) return 'a source has malformed lists';
  for (const k of ['key', 'digestDate', 'arxiv', 'doi', 'url', 'abstract', 'summary', 'dateRank', 'body'] as const) {
    if (!optional(s[k], isString)) return `a source has a malformed ${k}`;
  }
  if (!optional(s.year, Number.isInteger) || !optional(s.keyRange, isRange)) return 'a source has a malformed year or key position';
  return undefined;
}

function loadedFileProblem(x: unknown, uri: string): string | undefined {
  if (!isObject(x) || x.uri !== uri || !isStringArray(x.log) || !Number.isInteger(x.textLength)) return 'not a parse result for this file';
  const e = x.entry;
  if (!isObject(e) || e.uri !== uri || !isString(e.relativePath) || !['note', 'digest', 'draft'].includes(e.kind as string)) return 'malformed entry';
  if (!Array.isArray(e.sources) || !Array.isArray(e.problems) || !Array.isArray(e.citations) || !optional(e.searchHash, isString)) return 'malformed entry';
  for (const s of e.sources) {
    const why = sourceProblem(s, uri);
    if (why) return why;
  }
  for (const p of e.problems) {
    if (!isObject(p) || !isRange(p.range) || !isString(p.message) || !isString(p.code) || !['error', 'warning', 'info'].includes(p.severity as string)) return 'a malformed problem';
  }
  for (const c of e.citations) {
    if (!isObject(c) || !isString(c.key) || !isRange(c.range) || !['pandoc', 'latex', 'wikilink'].includes(c.syntax as string)) return 'a malformed citation';
  }
  const titles = x.titles;
  if (!Array.isArray(titles) || titles.length !== e.sources.length) return 'titles do not match sources';
  for (const t of titles) {
    if (!isObject(t) || !isString(t.norm) || !isStringArray(t.candidates) || !isStringArray(t.titleWords)) return 'a malformed title';
  }
  return undefined;
}
