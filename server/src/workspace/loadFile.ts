import { readFile, readFileSync, stat, statSync } from 'fs';
import { promisify } from 'util';
import type { FileEntry } from '../library/library';
import { describeTitle, TitleInfo } from '../library/keys';
import { fileSearchHash } from '../search/documents';
import type { Candidate } from './classify';
import { parseFile } from './parseFile';
import { ParseCacheUse, readCached, textHash } from './parseCache';

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

/** Parse a file's text, never throwing: a parser bug on one file must not take the library down. */
export function parseText(f: FileToLoad, text: string): LoadedFile {
  try {
    const parsed = parseFile(f.uri, f.rel, f.candidate, text);
    const titles = parsed.entry.sources.map((s) => describeTitle(s.title));
    if (parsed.entry.sources.length) fileSearchHash(parsed.entry);
    return { uri: f.uri, entry: parsed.entry, titles, log: parsed.log, textLength: text.length };
  } catch (err) {
    return { uri: f.uri, log: [`${f.rel}: could not be parsed (${(err as Error).stack ?? err})`], textLength: text.length };
  }
}

/**
 * Read and parse synchronously: the scan's way, in its slices or in the parse worker. With a
 * cache, a file whose text is unchanged since it was last parsed is read back rather than parsed.
 */
export function loadFileSync(f: FileToLoad, maxMB: number, cache?: ParseCacheUse): LoadedFile {
  let read: TextOrWhy;
  try {
    const size = statSync(f.fsPath).size;
    read = tooLarge(size, maxMB) ? { why: overSizeLimit(f.rel, size, maxMB) } : decode(readFileSync(f.fsPath), f.rel);
  } catch (err) {
    read = { why: readError(err, f.rel) };
  }
  if (!('text' in read)) return { uri: f.uri, log: [read.why], textLength: 0 };
  if (!cache) return parseText(f, read.text);
  const hash = textHash(read.text);
  const cached = readCached(cache.config, f, hash, cache.present);
  if ('hit' in cached) return cached.hit;
  const loaded = parseText(f, read.text);
  if (loaded.entry) cache.save(f, hash, loaded);
  if (cached.problem) loaded.log.push(`${f.rel}: its cached parse was unusable (${cached.problem}), so it was parsed again`);
  return loaded;
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

function decode(buf: Buffer, rel: string): TextOrWhy {
  if (buf.subarray(0, 8192).includes(0)) return { why: `${rel}: skipped, binary file (contains NUL bytes)` };
  return { text: buf.toString('utf8') };
}

function readError(err: unknown, rel: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? `${rel}: deleted before it could be read` : `${rel}: cannot read (${(err as Error).message})`;
}
