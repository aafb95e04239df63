import type { CompactIndex } from './compactIndex';
import { CacheRead, SLOT_BYTES, slotMatches, slotSum } from '../runtime/cacheStore';

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

interface StoredHeader extends ShardFileHeader { refs: string[]; terms: string[]; postings: number }

const align8 = (n: number) => (n + 7) & ~7;

export function encodeShard(header: ShardFileHeader, index: CompactIndex): Buffer {
  const stored: StoredHeader = { ...header, refs: index.refs, terms: index.terms, postings: index.docs.length };
  const json = Buffer.from(JSON.stringify(stored), 'utf8');
  const offsetsAt = align8(START + 4 + json.length);
  const docsAt = offsetsAt + index.offsets.byteLength;
  const weightsAt = align8(docsAt + index.docs.byteLength);
  const out = Buffer.alloc(weightsAt + index.weights.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, START);
  json.copy(out, START + 4);
  Buffer.from(index.offsets.buffer, index.offsets.byteOffset, index.offsets.byteLength).copy(out, offsetsAt);
  Buffer.from(index.docs.buffer, index.docs.byteOffset, index.docs.byteLength).copy(out, docsAt);
  Buffer.from(index.weights.buffer, index.weights.byteOffset, index.weights.byteLength).copy(out, weightsAt);
  slotSum(out.subarray(START)).copy(out, 4);
  return out;
}

/** `expect.hash` differing is an ordinary content change (a miss); anything malformed is a `problem`. */
export function decodeShard(data: Buffer, expect: ShardFileHeader): CacheRead<CompactIndex> {
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
  // Copies, so the arrays are aligned and independent of the file buffer.
  const offsets = new Uint32Array(F * T + 1);
  Buffer.from(offsets.buffer).set(data.subarray(offsetsAt, docsAt));
  const docs = new Uint32Array(postings);
  Buffer.from(docs.buffer).set(data.subarray(docsAt, docsAt + 4 * postings));
  const weights = new Uint32Array(postings);
  Buffer.from(weights.buffer).set(data.subarray(weightsAt, weightsAt + 4 * postings));

  if (offsets[0] !== 0 || offsets[F * T] !== postings) return { problem: 'invalid offsets' };
  for (let p = 0; p < F * T; p++) {
    if (offsets[p + 1] < offsets[p]) return { problem: 'invalid offsets' };
    for (let i = offsets[p]; i < offsets[p + 1]; i++) {
      if (docs[i] >= refs.length || (i > offsets[p] && docs[i] <= docs[i - 1])) return { problem: 'invalid postings' };
    }
  }
  return { hit: { fields: [...expect.fields], refs, terms, termIds: new Map(terms.map((t, i) => [t, i])), offsets, docs, weights } };
}
