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
 * Where the worker's shard set's file holds them (one it took up at its start, or one it has just
 * written), the postings stay in that file instead (inCacheFile), which is the cache's and stays.
 */
export class PostingFile implements SpilledPostings {
  /**
   * `docsAt` and `weightsAt`: where the two arrays start in the file. `owned`: the file is this
   * one's to remove when the postings go back into memory (a spill file); a cache file is not.
   */
  private constructor(
    private readonly file: string,
    private fd: number | undefined,
    readonly count: number,
    /** The index's documents: a document id read back must be below it (a file changed under the worker is not trusted). */
    private readonly documents: number,
    private readonly docsAt = 0,
    private readonly weightsAt = count * 4,
    private readonly owned = true,
  ) {}

  /**
   * The postings where a file already holds them: the shard set's file (shardFile.ts) a worker took
   * up, read through `fd`, the descriptor it was read and checked through, or one it wrote, read
   * through the descriptor it was written through. A file written over
   * since (a new one renamed in its place) leaves that descriptor reading the one checked. The file
   * stays when the postings go back into memory; the descriptor is closed then.
   */
  static inCacheFile(file: string, fd: number, count: number, documents: number, at: { docs: number; weights: number }): PostingFile {
    return new PostingFile(file, fd, count, documents, at.docs, at.weights, false);
  }

  /** Writes the postings to a new file in `dir`; throws if it cannot (the caller keeps them in memory). */
  static write(dir: string, docs: Uint32Array, weights: Uint32Array, documents: number): PostingFile {
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
    return new PostingFile(file, fd, docs.length, documents);
  }

  /** Postings `from` to `to` (exclusive); throws a PostingFileError if the file cannot be read. */
  read(from: number, to: number): PostingSlice {
    const n = Math.max(0, to - from);
    const docs = new Uint32Array(n), weights = new Uint32Array(n);
    if (!n) return { docs, weights };
    if (this.fd === undefined) throw new PostingFileError('the postings file was removed');
    try {
      readArray(this.fd, docs, this.docsAt + from * 4);
      readArray(this.fd, weights, this.weightsAt + from * 4);
    } catch (err) {
      throw new PostingFileError(`the postings file cannot be read (${(err as Error).message})`);
    }
    for (let i = 0; i < n; i++) if (docs[i] >= this.documents) throw new PostingFileError('the postings file was changed under the worker');
    return { docs, weights };
  }

  /** All of them, to hold in memory again; the file is let go (close). */
  takeBack(): PostingSlice {
    const all = this.read(0, this.count);
    this.close();
    return all;
  }

  /** Closes the descriptor, and removes the file if it is this one's (a spill file; a cache file stays). */
  close(): void {
    if (this.fd !== undefined) try { fs.closeSync(this.fd); } catch { /* closed */ }
    this.fd = undefined;
    if (this.owned) try { fs.rmSync(this.file, { force: true }); } catch { /* removed at exit with its folder */ }
  }
}

const bytesOf = (array: Uint32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

function writeArray(fd: number, array: Uint32Array, position: number): void {
  writeFully(fd, bytesOf(array), array.byteLength, position);
}

function readArray(fd: number, into: Uint32Array, position: number): void {
  if (readUpTo(fd, bytesOf(into), 0, into.byteLength, position) < into.byteLength) throw new Error('the postings file is shorter than its postings');
}
