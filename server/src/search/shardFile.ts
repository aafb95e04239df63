import type { CompactIndex } from './compactIndex';
import * as fs from 'fs';
import { CacheRead, SLOT_BYTES, slotMatches, slotSum } from '../runtime/cacheStore';
import { readUpTo, writeFully } from '../runtime/fileBytes';

/**
 * The on-disk form of one cached shard: `LNFT`, the checksum of everything after it (32 bytes,
 * runtime/cacheStore.ts: slotSum), a little-endian u32 header length, a JSON header (format, lunr
 * version, shard, content hash, fields, refs, terms), then the posting arrays. Decoding checks the
 * checksum and every structural invariant the query executor relies on, so a damaged or hand-made
 * file is rejected (and the shard rebuilt) rather than trusted.
 */

const MAGIC = 'LNFT';
/** Where the header's length is: after the magic and the checksum. */
const START = 4 + SLOT_BYTES;

export interface ShardFileHeader { format: number; lunr: string; shard: string; hash: string; fields: string[] }

/** The cache key of the file of a full-text worker's whole shard set (worker.ts), by the worker's slot among the server's. */
export const shardSetKey = (slot: number, workers: number): string => `set ${slot} of ${workers}`;

/** Where a shard's documents are in a merged index: the shard, its content hash, its first document and how many. */
export type Placement = [shard: string, hash: string, base: number, count: number];

interface StoredHeader extends ShardFileHeader { refs: string[]; terms: string[]; postings: number; placed?: Placement[] }

const align8 = (n: number) => (n + 7) & ~7;

const bytesOf = (a: Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The file of an index, in pieces to be written one after another: the postings are not copied
 * into one buffer (a worker's merged index is tens of megabytes at L). `placed`: for a file of a
 * worker's whole shard set (decodeShardSet).
 */
export function shardFilePieces(header: ShardFileHeader, index: CompactIndex, placed?: Placement[]): Uint8Array[] {
  return shardFileLaidOut(header, index, placed).pieces;
}

/** shardFilePieces, and where the file they make holds the postings (for the worker that wrote it to read them there). */
export function shardFileLaidOut(header: ShardFileHeader, index: CompactIndex, placed?: Placement[]): { pieces: Uint8Array[]; postingsAt: PostingsAt } {
  const { head, postingsAt } = headOf(header, index, index.docs.length, placed);
  const pieces = [head, bytesOf(index.offsets), bytesOf(index.docs), Buffer.alloc(postingsAt.weights - postingsAt.docs - index.docs.byteLength), bytesOf(index.weights)];
  slotSum([head.subarray(START), ...pieces.slice(1)]).copy(head, 4);
  return { pieces, postingsAt };
}

/**
 * The file's start (magic, a checksum slot left empty, header), up to its offsets, and where its
 * posting arrays are, for an index of `postings` postings.
 */
function headOf(header: ShardFileHeader, index: Pick<CompactIndex, 'refs' | 'terms' | 'offsets'>, postings: number, placed?: Placement[]): { head: Buffer; postingsAt: PostingsAt; size: number } {
  const stored: StoredHeader = { ...header, refs: index.refs, terms: index.terms, postings, ...(placed ? { placed } : {}) };
  const json = Buffer.from(JSON.stringify(stored), 'utf8');
  const offsetsAt = align8(START + 4 + json.length);
  const docsAt = offsetsAt + index.offsets.byteLength;
  const weightsAt = align8(docsAt + 4 * postings);
  const head = Buffer.alloc(offsetsAt);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, START);
  json.copy(head, START + 4);
  return { head, postingsAt: { docs: docsAt, weights: weightsAt }, size: weightsAt + 4 * postings };
}

/**
 * Writes a shard set's file (the same bytes as shardFilePieces') to `fd`, a new empty file, with
 * its postings given a run at a time (MergedPostings.runs), so that they are never all in memory:
 * each run goes to its place among the document ids and among the weights, and the checksum is
 * taken last, of the file read back a megabyte at a time. Returns where the postings are.
 */
export function writeShardSetFile(fd: number, header: ShardFileHeader, index: Pick<CompactIndex, 'refs' | 'terms' | 'offsets'>, postings: number, placed: Placement[],
  runs: Iterable<{ at: number; docs: Uint32Array; weights: Uint32Array }>): PostingsAt {
  const { head, postingsAt, size } = headOf(header, index, postings, placed);
  writeFully(fd, head, head.length, 0);
  writeFully(fd, bytesOf(index.offsets), index.offsets.byteLength, head.length);
  let written = 0;
  for (const { at, docs, weights } of runs) {
    if (at !== written) throw new Error(`postings came out of order (${at} after ${written})`);
    writeFully(fd, bytesOf(docs), docs.byteLength, postingsAt.docs + 4 * at);
    writeFully(fd, bytesOf(weights), weights.byteLength, postingsAt.weights + 4 * at);
    written += docs.length;
  }
  if (written !== postings) throw new Error(`${written} postings written of ${postings}`);
  // The gap before the weights (alignment) reads as zeros, as shardFilePieces writes it; so does a
  // last byte never written, which the length is set for.
  fs.ftruncateSync(fd, size);
  writeFully(fd, slotSum(fileRange(fd, START, size)), SLOT_BYTES, 4);
  return postingsAt;
}

/** The bytes of fd from `from` to `to`, a megabyte at a time, in one buffer used again for each. */
function* fileRange(fd: number, from: number, to: number): Generator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, to - from)));
  for (let at = from; at < to;) {
    const n = readUpTo(fd, buffer, 0, Math.min(buffer.length, to - at), at);
    if (n === 0) throw new Error('the file is shorter than was written');
    yield buffer.subarray(0, n);
    at += n;
  }
}

export function encodeShard(header: ShardFileHeader, index: CompactIndex): Buffer {
  return Buffer.concat(shardFilePieces(header, index));
}

/** `expect.hash` differing is an ordinary content change (a miss); anything malformed is a `problem`. */
export function decodeShard(data: Buffer, expect: ShardFileHeader): CacheRead<CompactIndex> {
  const decoded = decodeIndexFile(data, expect, false);
  return 'hit' in decoded ? { hit: decoded.hit.index } : decoded;
}

/**
 * A file of a worker's whole shard set (shardFilePieces with `placed`): its merged index, and where
 * each shard is in it. The placements must cover the index's documents one after another. The
 * postings are views of `data` where it is aligned for them (a file read whole is), not copies.
 */
export function decodeShardSet(data: Buffer, expect: ShardFileHeader): CacheRead<{ index: CompactIndex; placed: Placement[]; postingsAt: PostingsAt }> {
  const decoded = decodeIndexFile(data, expect, true);
  if (!('hit' in decoded)) return decoded;
  const { index, header, postingsAt } = decoded.hit;
  const placed = header.placed;
  if (!Array.isArray(placed)) return { problem: 'no placements' };
  const seen = new Set<string>();
  let next = 0;
  for (const p of placed) {
    if (!Array.isArray(p) || p.length !== 4 || typeof p[0] !== 'string' || typeof p[1] !== 'string' || seen.has(p[0])) return { problem: 'invalid placements' };
    if (p[2] !== next || !Number.isSafeInteger(p[3]) || p[3] < 0) return { problem: 'invalid placements' };
    seen.add(p[0]);
    next += p[3];
  }
  if (next !== index.refs.length) return { problem: 'invalid placements' };
  return { hit: { index, placed, postingsAt } };
}

/** Where a file's posting arrays start (its document ids, its weights), in bytes from the file's start. */
export interface PostingsAt { docs: number; weights: number }

function decodeIndexFile(data: Buffer, expect: ShardFileHeader, view: boolean): CacheRead<{ index: CompactIndex; header: StoredHeader; postingsAt: PostingsAt }> {
  if (data.length < START + 4 || data.toString('latin1', 0, 4) !== MAGIC) return { problem: 'not a shard file' };
  const sound = slotMatches(data.subarray(4, START), data.subarray(START));
  if (sound === undefined) return { miss: true }; // sealed by a runtime with a CRC-32 this one lacks
  if (!sound) return { problem: 'damaged: its checksum does not match' };
  const jsonLength = data.readUInt32LE(START);
  if (START + 4 + jsonLength > data.length) return { problem: 'truncated header' };
  let header: StoredHeader;
  try {
    header = JSON.parse(data.toString('utf8', START + 4, START + 4 + jsonLength));
  } catch {
    return { problem: 'unreadable header' };
  }
  if (!header || typeof header !== 'object') return { problem: 'unreadable header' };
  if (header.format !== expect.format || header.lunr !== expect.lunr || header.shard !== expect.shard) return { problem: 'stale format' };
  if (header.hash !== expect.hash) return { miss: true };
  if (!Array.isArray(header.fields) || header.fields.join('\0') !== expect.fields.join('\0')) return { problem: 'different fields' };
  const { refs, terms, postings } = header;
  if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) return { problem: 'invalid refs' };
  if (!Array.isArray(terms) || !terms.every((t, i) => typeof t === 'string' && (i === 0 || terms[i - 1] < t))) return { problem: 'invalid terms' };
  if (!Number.isSafeInteger(postings) || postings < 0) return { problem: 'invalid posting count' };

  const F = expect.fields.length, T = terms.length;
  const offsetsAt = align8(START + 4 + jsonLength);
  const docsAt = offsetsAt + 4 * (F * T + 1);
  const weightsAt = align8(docsAt + 4 * postings);
  if (data.length !== weightsAt + 4 * postings) return { problem: 'wrong length' };
  // Copies, so the arrays are aligned and independent of the file buffer; or the postings as views
  // (the offsets are small, and copied so that the file's bytes go once the postings do).
  const offsets = copyOut(data, offsetsAt, F * T + 1);
  const aligned = view && (data.byteOffset + docsAt) % 4 === 0;
  const docs = aligned ? new Uint32Array(data.buffer, data.byteOffset + docsAt, postings) : copyOut(data, docsAt, postings);
  const weights = aligned ? new Uint32Array(data.buffer, data.byteOffset + weightsAt, postings) : copyOut(data, weightsAt, postings);

  if (offsets[0] !== 0 || offsets[F * T] !== postings) return { problem: 'invalid offsets' };
  for (let p = 0; p < F * T; p++) {
    if (offsets[p + 1] < offsets[p]) return { problem: 'invalid offsets' };
    for (let i = offsets[p]; i < offsets[p + 1]; i++) {
      if (docs[i] >= refs.length || (i > offsets[p] && docs[i] <= docs[i - 1])) return { problem: 'invalid postings' };
    }
  }
  return { hit: { index: { fields: [...expect.fields], refs, terms, termIds: new Map(terms.map((t, i) => [t, i])), offsets, docs, weights }, header, postingsAt: { docs: docsAt, weights: weightsAt } } };
}

function copyOut(data: Buffer, at: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  Buffer.from(out.buffer).set(data.subarray(at, at + 4 * count));
  return out;
}
