import * as fs from 'fs';
import * as path from 'path';
import { threadId } from 'worker_threads';
import type { PostingSlice, SpilledPostings } from './compactIndex';
import { readUpTo, writeFully } from '../runtime/fileBytes';

let written = 0;

const filePrefix = (thread: number) => `postings-${process.pid}-${thread}-`;

/**
 * Removes the postings files a worker thread of this process left in `dir` (one that stopped
 * without taking its postings back: they would stay until the server exits).
 */
export function removePostingFilesOf(dir: string, thread: number): void {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const name of names) if (name.startsWith(filePrefix(thread))) try { fs.rmSync(path.join(dir, name), { force: true }); } catch { /* removed at exit with its folder */ }
}

/** The file could not be read back: the postings it held are lost, and the worker must build its shards again. */
export class PostingFileError extends Error {}

/**
 * A merged index's postings kept in a file instead of memory, while the full-text worker is at
 * rest (shardSet.ts: ShardSet.spill). They were most of a worker's memory in a large library, and a
 * query reads only the postings of its own terms: a read or two each, from the page cache once
 * read. The file holds the document ids, then the weights, as the arrays held them; it lives in
 * this server's text store folder (runtime/textStore.ts), created there exclusively, and goes when
 * the postings are taken back into memory (for a merge), its worker stops, or the server exits.
 */
export class PostingFile implements SpilledPostings {
  private constructor(private readonly file: string, private fd: number | undefined, readonly count: number) {}

  /** Writes the postings to a new file in `dir`; throws if it cannot (the caller keeps them in memory). */
  static write(dir: string, docs: Uint32Array, weights: Uint32Array): PostingFile {
    const file = path.join(dir, `${filePrefix(threadId)}${++written}.bin`);
    const fd = fs.openSync(file, 'wx+');
    try {
      writeArray(fd, docs, 0);
      writeArray(fd, weights, docs.byteLength);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw err;
    }
    return new PostingFile(file, fd, docs.length);
  }

  /** Postings `from` to `to` (exclusive); throws a PostingFileError if the file cannot be read. */
  read(from: number, to: number): PostingSlice {
    const n = Math.max(0, to - from);
    const docs = new Uint32Array(n), weights = new Uint32Array(n);
    if (!n) return { docs, weights };
    if (this.fd === undefined) throw new PostingFileError('the postings file was removed');
    try {
      readArray(this.fd, docs, from * 4);
      readArray(this.fd, weights, (this.count + from) * 4);
    } catch (err) {
      throw new PostingFileError(`the postings file cannot be read (${(err as Error).message})`);
    }
    return { docs, weights };
  }

  /** All of them, to hold in memory again; the file is removed. */
  takeBack(): PostingSlice {
    const all = this.read(0, this.count);
    this.remove();
    return all;
  }

  private remove(): void {
    if (this.fd !== undefined) try { fs.closeSync(this.fd); } catch { /* closed */ }
    this.fd = undefined;
    try { fs.rmSync(this.file, { force: true }); } catch { /* removed at exit with its folder */ }
  }
}

const bytesOf = (array: Uint32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

function writeArray(fd: number, array: Uint32Array, position: number): void {
  writeFully(fd, bytesOf(array), array.byteLength, position);
}

function readArray(fd: number, into: Uint32Array, position: number): void {
  if (readUpTo(fd, bytesOf(into), 0, into.byteLength, position) < into.byteLength) throw new Error('the postings file is shorter than its postings');
}
