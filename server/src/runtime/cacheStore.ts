import { createHash, Hash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { writeFully } from './fileBytes';

/**
 * The one store behind the parse, full-text and topics caches, and its one rule: every cache file
 * carries a checksum of what it holds, checked before anything in it is used, and is also checked
 * for the shape the code relies on; a file that fails either is not used, its content is made again
 * from the source files and written over it, and the output channel says so once. Files are written
 * whole (a temporary file renamed over the old one), so a reader never sees half of one.
 *
 * What a cache makes of a file is one of three things: a hit, a miss (nothing there, or written for
 * other content, by another version or another build: an ordinary rebuild), or a problem (damaged,
 * unreadable, misshapen: rebuilt, and said).
 */
export type CacheRead<T> = { hit: T } | { miss: true } | { problem: string };

/**
 * The caches' one hash, for content keys and file names (and checksums where the runtime has no
 * CRC-32, see bodySum): SHA-256. With the SHA extensions of current x86 and ARM processors it is as
 * fast as BLAKE2b on large inputs, and only one hash is then to be trusted.
 */
export function contentHash(): Hash {
  return createHash('sha256');
}

/** SHA-256 of a cache file's body, base64. */
export function checksum(data: string | Uint8Array): string {
  return contentHash().update(data).digest('base64');
}

/** zlib's CRC-32 (Node 20.15 and later; older runtimes, an older editor's among them, lack it). */
const crc32 = (zlib as { crc32?: (data: string | Uint8Array, value?: number) => number }).crc32;

const CRC_PREFIX = 'crc32:';

/**
 * The checksum sealed files carry: CRC-32 where the runtime has it, else SHA-256 (checksum). It
 * tells a damaged file (a truncation, a flipped byte) from a whole one, which is all it is for:
 * whoever can write the storage folder can write any checksum, so a cryptographic hash buys no
 * safety here. A warm start checks every parse cache record, hundreds of megabytes in a large
 * library, and CRC-32 takes a fraction of SHA-256's time for it (docs/performance.md).
 */
export function bodySum(body: string | Uint8Array): string {
  return crc32 ? `${CRC_PREFIX}${crc32(body).toString(16)}` : checksum(body);
}

/** Whether `sum` is the body's: true, false, or undefined for a CRC this runtime cannot take (written by another). */
function sumMatches(sum: unknown, body: string | Uint8Array): boolean | undefined {
  if (typeof sum !== 'string') return false;
  if (!sum.startsWith(CRC_PREFIX)) return sum === checksum(body);
  return crc32 ? sum === bodySum(body) : undefined;
}

/** The length of slotSum's checksum. */
export const SLOT_BYTES = 32;

/**
 * bodySum for a binary file's fixed slot of SLOT_BYTES: SHA-256's 32 bytes, or a CRC-32 (its 4
 * bytes little-endian, then zeros), where the runtime has one. The body may come in pieces (a file
 * written piece by piece), taken one after another.
 */
export function slotSum(body: Uint8Array | Iterable<Uint8Array>): Buffer {
  const pieces = body instanceof Uint8Array ? [body] : body;
  if (!crc32) {
    const hash = contentHash();
    for (const piece of pieces) hash.update(piece);
    return hash.digest();
  }
  let value = 0;
  for (const piece of pieces) value = crc32(piece, value);
  const slot = Buffer.alloc(SLOT_BYTES);
  slot.writeUInt32LE(value, 0);
  return slot;
}

/** Whether a slot written by slotSum is the body's: true, false, or undefined for a CRC this runtime cannot take. */
export function slotMatches(slot: Uint8Array, body: Uint8Array): boolean | undefined {
  const isCrc = slot.length === SLOT_BYTES && slot.subarray(4).every((b) => b === 0);
  if (!isCrc) return Buffer.from(slot).toString('base64') === checksum(body);
  return crc32 ? Buffer.from(slot).readUInt32LE(0) === crc32(body) : undefined;
}

/** A hash of a bundle's code: what a cache was written by, so that any other build ignores it. */
export function codeIdOf(bundle: string): string {
  return contentHash().update(fs.readFileSync(bundle)).digest('hex');
}

/**
 * A text cache file: its header as JSON on the first line, with the body's checksum (bodySum) added
 * as `sum`, then the body.
 */
export function sealText(header: object, body: string): string {
  return `${JSON.stringify({ ...header, sum: bodySum(body) })}\n${body}`;
}

/**
 * sealText's file as bytes, for a body already encoded as UTF-8: the checksum is taken of those
 * bytes, which is what sealText's checksum of the string hashes. A large body is encoded once,
 * not again for its checksum, again to be held and again to be written.
 */
export function sealBytes(header: object, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, sum: bodySum(body) })}\n`, 'utf8'), body]);
}

/**
 * The header and body of a sealText or sealBytes file (read as text, or as bytes: then the body
 * stays bytes, its checksum taken without encoding it again). A header without `expected`'s values is a miss (written
 * by another version, or for another file; checked before the checksum); one that cannot be read,
 * or a body that does not match its checksum, is a problem.
 */
export function openSealed<D extends string | Buffer>(data: D, expected: Record<string, unknown>): CacheRead<{ header: Record<string, unknown>; body: D }> {
  const newline = data.indexOf('\n');
  if (newline < 0) return { problem: 'truncated' };
  let header: unknown;
  try {
    header = JSON.parse(typeof data === 'string' ? data.slice(0, newline) : data.toString('utf8', 0, newline));
  } catch {
    return { problem: 'unreadable header' };
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return { problem: 'unreadable header' };
  for (const [k, v] of Object.entries(expected)) if ((header as Record<string, unknown>)[k] !== v) return { miss: true };
  const body = (typeof data === 'string' ? data.slice(newline + 1) : data.subarray(newline + 1)) as D;
  const sound = sumMatches((header as { sum?: unknown }).sum, body);
  if (sound === undefined) return { miss: true };
  if (!sound) return { problem: 'damaged: its checksum does not match' };
  return { hit: { header: header as Record<string, unknown>, body } };
}

/**
 * Writes a file so that a reader sees the old file or the new one, never half of one: the data
 * goes to a temporary file beside it, renamed over it. Throws if it cannot, leaving no temporary
 * file behind.
 */
export function writeFileAtomically(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const fd = replaceAtomically(file, (temp) => {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) return writePieces(temp, data);
    fs.writeFileSync(temp, data);
    return undefined;
  });
  if (fd !== undefined) fs.closeSync(fd);
}

/**
 * writeFileAtomically for pieces, returning a descriptor that reads the file written: it stays
 * this file's if another is renamed over it later. The caller closes it.
 */
export function writeFileAtomicallyAndOpen(file: string, pieces: readonly Uint8Array[]): number {
  return replaceAtomically(file, (temp) => writePieces(temp, pieces))!;
}

/** Writes a temporary file beside `file` (`write` may return its open descriptor), then renames it to `file`. */
function replaceAtomically(file: string, write: (temp: string) => number | undefined): number | undefined {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let fd: number | undefined;
  try {
    fd = write(temp);
    fs.renameSync(temp, file);
    return fd;
  } catch (err) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* closed */ }
    try { fs.rmSync(temp, { force: true }); } catch { /* nothing more to do */ }
    throw err;
  }
}

/** Writes a new file piece by piece (a large file's pieces are not copied into one buffer first); returns its descriptor, open to read and write. */
function writePieces(file: string, pieces: readonly Uint8Array[]): number {
  return writeNew(file, (fd) => {
    let at = 0;
    for (const piece of pieces) {
      writeFully(fd, piece, piece.length, at);
      at += piece.length;
    }
  });
}

/** Creates `file` (it must not exist) and has `write` write it; returns its descriptor, open to read and write. */
function writeNew(file: string, write: (fd: number) => void): number {
  const fd = fs.openSync(file, 'wx+');
  try {
    write(fd);
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** A cache file's name: the key's hash and the cache's extension. */
export function cacheFileName(key: string, ext: string): string {
  return `${contentHash().update(key).digest('hex').slice(0, 40)}${ext}`;
}

/**
 * One cache's folder (in the client's storage folder, never the workspace): a file per key, named
 * by the key's hash and the cache's extension.
 */
export class CacheStore {
  constructor(readonly dir: string, private readonly ext: string) {}

  /** The file name for a key (a uri, a shard id, a content hash). */
  nameFor(key: string): string {
    return cacheFileName(key, this.ext);
  }

  /** The names in the folder now (none if it does not exist yet). */
  names(): Set<string> {
    try { return new Set(fs.readdirSync(this.dir)); } catch { return new Set(); }
  }

  /** A file's bytes, or undefined if there is none (or it cannot be read: an ordinary miss). */
  read(name: string): Buffer | undefined;
  read(name: string, encoding: 'utf8'): string | undefined;
  read(name: string, encoding?: 'utf8'): Buffer | string | undefined {
    try {
      return fs.readFileSync(path.join(this.dir, name), encoding);
    } catch {
      return undefined;
    }
  }

  /** Removes a file if it is there (a file that will not go stays: an ordinary miss later). */
  remove(name: string): void {
    try { fs.rmSync(path.join(this.dir, name), { force: true }); } catch { /* it stays */ }
  }

  /** Writes a file whole (given whole, or in pieces); throws if it cannot (callers decide whether that is worth a log line). */
  write(name: string, data: string | Uint8Array | readonly Uint8Array[]): void {
    fs.mkdirSync(this.dir, { recursive: true });
    writeFileAtomically(path.join(this.dir, name), data);
  }

  /** write, returning a descriptor that reads the file written (writeFileAtomicallyAndOpen); the caller closes it. */
  writeAndOpen(name: string, pieces: readonly Uint8Array[]): number {
    fs.mkdirSync(this.dir, { recursive: true });
    return writeFileAtomicallyAndOpen(path.join(this.dir, name), pieces);
  }

  /** writeAndOpen for a file `write` writes through its descriptor (as it likes, in place), rather than in pieces. */
  writeAndOpenWith(name: string, write: (fd: number) => void): number {
    fs.mkdirSync(this.dir, { recursive: true });
    return replaceAtomically(path.join(this.dir, name), (temp) => writeNew(temp, write))!;
  }

  /**
   * Removes this cache's files (and temporary files left by a crash) that `keep` rejects, except
   * those written at or after `since` (another process may just have made them). Resolves to how
   * many went.
   */
  async prune(keep: (name: string) => boolean, since = Infinity): Promise<number> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (keep(name) || !(name.endsWith(this.ext) || name.endsWith('.tmp'))) continue;
      const file = path.join(this.dir, name);
      try {
        if ((await fs.promises.stat(file)).mtimeMs >= since) continue;
        await fs.promises.unlink(file);
        removed++;
      } catch { /* gone already */ }
    }
    return removed;
  }

  /** Keeps the newest `count` files of this cache and removes the rest. */
  keepNewest(count: number): void {
    const files = [...this.names()].filter((n) => n.endsWith(this.ext))
      .map((n) => ({ n, at: fs.statSync(path.join(this.dir, n)).mtimeMs }))
      .sort((a, b) => b.at - a.at || (a.n < b.n ? -1 : 1));
    for (const { n } of files.slice(count)) fs.rmSync(path.join(this.dir, n), { force: true });
  }
}

/**
 * Cache files a folder did not take (a full or read-only disk), for the output channel. A reason is
 * told when it is new: the first failure, one after a write that worked, or another error code
 * (not the message, which names the file). Other failures are counted, and report() tells them as
 * one line (if `more` is given): a folder that takes nothing gives a line or two, not one per file.
 */
export class UnwrittenFiles {
  private reason: string | undefined;
  private untold = 0;

  constructor(
    private readonly log: (line: string) => void,
    /** The line for a new reason: `what` failed, with `message`. */
    private readonly first: (what: string, message: string) => string,
    /** The line for `count` failures told by neither. */
    private readonly more?: (count: number) => string,
  ) {}

  /** A write that worked: the next failure is told again. */
  wrote(): void {
    this.reason = undefined;
  }

  failed(what: string, err: unknown): void {
    const message = String((err as Error)?.message ?? err);
    const reason = (err as NodeJS.ErrnoException)?.code ?? message;
    if (reason === this.reason) { this.untold++; return; }
    this.reason = reason;
    this.log(this.first(what, message));
  }

  report(): void {
    if (this.untold && this.more) this.log(this.more(this.untold));
    this.untold = 0;
  }
}
