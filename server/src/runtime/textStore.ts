import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StoredText, Text } from '../parse/types';
import { readUpTo, writeFully } from './fileBytes';

/**
 * The text store: abstracts and note texts kept on disk instead of in the server's memory. They
 * were most of the server thread's heap in a large library (a kilobyte or two per paper, against a
 * few hundred bytes for everything else a paper holds), and copying them from young to old space
 * was most of the garbage collection while a warm start took the scan's results in. Hover,
 * completion's documentation and the reader read the few they show, by offset, in microseconds.
 *
 * One folder per server process (`<pid>-<random>`, in the storage folder or the system's temporary
 * folder), one append-only file per writer in it (each parse worker writes its own; ids are handed
 * out by the server thread). Texts are never rewritten: a replaced file's old texts stay until the
 * server exits and removes the folder. Folders left by a server that did not exit cleanly are
 * removed by the next one. Files are created exclusively (never through a link someone put there)
 * and only ever read back by offset, so nothing in them is interpreted.
 */
export interface TextStoreLocation { dir: string }

const FILE_SUFFIX = '.utf8';

/** Texts shorter than this stay in memory: a reference and a read cost more than they save. */
export const STORE_MIN_LENGTH = 64;

/** Makes this server's folder (and removes those of servers no longer running). */
export function openTextStore(parent: string | undefined): TextStoreLocation {
  const root = parent ?? path.join(os.tmpdir(), `litnotes-texts-${os.userInfo().uid}`);
  fs.mkdirSync(root, { recursive: true });
  removeStale(root);
  return { dir: fs.mkdtempSync(path.join(root, `${process.pid}-`)) };
}

/** Removes this server's folder (at exit). */
export function closeTextStore(location: TextStoreLocation): void {
  try { fs.rmSync(location.dir, { recursive: true, force: true }); } catch { /* the next start removes it */ }
}

function removeStale(root: string): void {
  let names: string[];
  try { names = fs.readdirSync(root); } catch { return; }
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    try { fs.rmSync(path.join(root, name), { recursive: true, force: true }); } catch { /* tried */ }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const fileName = (location: TextStoreLocation, file: number) => path.join(location.dir, `${file}${FILE_SUFFIX}`);

/** Bytes gathered before one write. */
const BUFFER_BYTES = 1024 * 1024;

/**
 * One writer's file. `store` gathers texts; `flush` writes them, and must come before what holds
 * their references is handed to another thread. A text that cannot be stored stays in memory.
 */
export class TextWriter {
  private fd: number | undefined;
  private written = 0;
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private failed = false;
  /** What was stored since the last flush, to put back if the write fails. */
  private pending: { holder: Record<string, Text | Uint8Array | undefined>; field: string; value: string | Uint8Array; asText: boolean }[] = [];

  constructor(private readonly location: TextStoreLocation, readonly file: number, private readonly onProblem: (why: string) => void) {}

  /**
   * Moves `holder[field]` to the store when it is a long text, or bytes (a text already encoded);
   * the flush that writes it puts it back if it fails. `asText`: bytes are a text's UTF-8, and what
   * stays in memory is that text (bytes must not reach the server thread as the text).
   */
  store<K extends string>(holder: { [k in K]?: Text | Uint8Array }, field: K, asText = false): void {
    const value = holder[field];
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) return;
    const most = typeof value === 'string' ? value.length * 3 : value.length;
    const long = value.length >= STORE_MIN_LENGTH;
    if (long && this.used + most > this.buffer.length) this.flush(); // a failed flush marks the store failed
    if (this.failed || !long) {
      if (asText) holder[field] = textOf(value);
      return;
    }
    if (most > this.buffer.length) {
      // Written on its own rather than through a buffer grown for it (and kept that large).
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
      holder[field] = { file: this.file, at: this.written, bytes: bytes.length };
      this.pending.push({ holder, field, value, asText });
      this.write(bytes, bytes.length);
      return;
    }
    let bytes: number;
    if (typeof value === 'string') bytes = this.buffer.write(value, this.used, 'utf8');
    else { this.buffer.set(value, this.used); bytes = value.length; }
    holder[field] = { file: this.file, at: this.written + this.used, bytes };
    this.pending.push({ holder, field, value, asText });
    this.used += bytes;
  }

  /** Writes what was stored since the last flush: before the holders go to another thread. If it fails, they get their texts back and the store is not used again. */
  flush(): boolean {
    if (this.failed) return false;
    if (this.used === 0) return true;
    if (!this.write(this.buffer, this.used)) return false;
    this.used = 0;
    return true;
  }

  private write(bytes: Uint8Array, length: number): boolean {
    try {
      this.fd ??= fs.openSync(fileName(this.location, this.file), 'wx');
      writeFully(this.fd, bytes, length, this.written);
      this.written += length;
      this.pending = [];
      return true;
    } catch (err) {
      this.failed = true;
      for (const p of this.pending) p.holder[p.field] = p.asText ? textOf(p.value) : p.value;
      this.pending = [];
      this.onProblem(`text store: cannot write ${fileName(this.location, this.file)} (${(err as Error).message}); texts stay in memory`);
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) try { fs.closeSync(this.fd); } catch { /* closed */ }
    this.fd = undefined;
  }
}

/**
 * Long texts of parsed sources moved to the store, in place (written at the writer's next flush).
 * They may be bytes, as a cached result keeps them (ingest/recordBody.ts).
 */
export function storeTexts(sources: readonly { abstract?: Text; summary?: Text; body?: Text }[], writer: TextWriter): void {
  for (const s of sources) {
    writer.store(s, 'abstract', true);
    writer.store(s, 'summary', true);
    writer.store(s, 'body', true);
  }
}

function textOf(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}

/** Reads stored texts back, from any thread. */
export class TextReader {
  private readonly fds = new Map<number, number>();
  private reported = false;

  constructor(private readonly location: TextStoreLocation, private readonly onProblem: (why: string) => void = () => undefined) {}

  /** The text; a stored one that cannot be read (its file removed under the server) is empty, and said once. */
  text(t: Text): string {
    return typeof t === 'string' ? t : this.bytes(t).toString('utf8');
  }

  /** A stored text's UTF-8 bytes (or stored bytes); none if they cannot be read (said once, as for text). */
  bytes(ref: StoredText): Buffer {
    const out = Buffer.allocUnsafe(ref.bytes);
    try {
      let fd = this.fds.get(ref.file);
      if (fd === undefined) this.fds.set(ref.file, (fd = fs.openSync(fileName(this.location, ref.file), 'r')));
      readFully(fd, out, 0, ref.bytes, ref.at);
      return out;
    } catch (err) {
      if (!this.reported) this.onProblem(`text store: cannot read ${fileName(this.location, ref.file)} (${(err as Error).message}); such texts show as empty`);
      this.reported = true;
      return Buffer.alloc(0);
    }
  }

  close(): void {
    for (const fd of this.fds.values()) try { fs.closeSync(fd); } catch { /* closed */ }
    this.fds.clear();
  }

  /** Removes store files nothing refers to any more (and closes them here). */
  remove(files: readonly number[]): void {
    for (const file of files) {
      const fd = this.fds.get(file);
      if (fd !== undefined) try { fs.closeSync(fd); } catch { /* closed */ }
      this.fds.delete(file);
      try { fs.rmSync(fileName(this.location, file), { force: true }); } catch { /* removed at exit */ }
    }
  }
}

/** A stored text to copy into `into` at `offset`. */
export interface StoredRead { ref: StoredText; into: Uint8Array; offset: number }

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Bytes between two wanted texts that are read through rather than skipped with a read of their own. */
const GAP_BYTES = 16 * 1024;

/**
 * Many stored texts at once (a window of a library's abstracts, for the topics worker), read file
 * by file in offset order: texts close together in one read of at most a few megabytes, as a read
 * per text cost ~10 µs each, seconds at L. Texts far apart are read apart, as reading whole chunks
 * for a few texts each read the store many times over. Throws if a text cannot be read, so that
 * nothing is derived from texts that are missing.
 */
export function readStored(location: TextStoreLocation | undefined, wanted: StoredRead[]): void {
  if (!wanted.length) return;
  if (!location) throw new Error('texts are in a text store this thread was not told of');
  const byFile = new Map<number, StoredRead[]>();
  for (const w of wanted) {
    const list = byFile.get(w.ref.file);
    if (list) list.push(w); else byFile.set(w.ref.file, [w]);
  }
  for (const [file, reads] of byFile) {
    reads.sort((a, b) => a.ref.at - b.ref.at);
    const fd = fs.openSync(fileName(location, file), 'r');
    try {
      for (let i = 0; i < reads.length;) {
        const first = reads[i].ref;
        if (first.bytes > CHUNK_BYTES) { readFully(fd, reads[i].into, reads[i].offset, first.bytes, first.at); i++; continue; }
        // The texts from i to j - 1 in one read.
        let end = first.at + first.bytes, j = i + 1;
        while (j < reads.length) {
          const next = reads[j].ref;
          if (next.at > end + GAP_BYTES || Math.max(end, next.at + next.bytes) - first.at > CHUNK_BYTES) break;
          end = Math.max(end, next.at + next.bytes);
          j++;
        }
        const chunk = readBuffer(end - first.at);
        if (readUpTo(fd, chunk, 0, end - first.at, first.at) < end - first.at) throw new Error(`${fileName(location, file)} is shorter than its texts`);
        for (; i < j; i++) {
          const { ref, into, offset } = reads[i];
          chunk.copy(into, offset, ref.at - first.at, ref.at - first.at + ref.bytes);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * The buffer readStored reads through, kept between calls and grown to what a read needs (at most
 * CHUNK_BYTES). A new 4 MB one per call (a full-text worker reads once per shard it builds) made
 * that worker collect its whole heap several times as often. A thread lets it go when it goes
 * idle (releaseReadBuffer).
 */
let kept: Buffer | undefined;

function readBuffer(size: number): Buffer {
  if (!kept || kept.length < size) kept = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, (kept?.length ?? 0) * 2, 64 * 1024)));
  return kept;
}

/** Lets go of readStored's buffer (a thread about to sit idle: up to CHUNK_BYTES). */
export function releaseReadBuffer(): void {
  kept = undefined;
}

function readFully(fd: number, into: Uint8Array, offset: number, length: number, position: number): void {
  if (readUpTo(fd, into, offset, length, position) < length) throw new Error('a text store file is shorter than its texts');
}
