import type { PaperTokens } from './phrases';

/** Where one paper's tokens lie in a PackedTokens: its block, first byte and byte count, and its number of title and abstract ids. */
export interface PackedPaper { readonly block: number; readonly start: number; readonly bytes: number; readonly titleIds: number; readonly abstractIds: number }

const BLOCK_BYTES = 1 << 20;

/**
 * Many papers' word ids, kept between topic computations, packed as LEB128 varints (7 bits a
 * byte) back to back in shared blocks of bytes. Word ids are numbered as words are first seen, so
 * the common words have small ids and most ids take one or two bytes instead of the four of a
 * Uint32Array; one block for many papers also saves a typed array object per paper. A paper's ids
 * are unpacked into fresh arrays when the computation reads them.
 *
 * A paper tokenized again leaves its old bytes behind; compact() copies what is still referred to
 * into new blocks once the left-behind bytes outweigh it.
 */
export class PackedTokens {
  private blocks: Uint8Array[] = [];
  private used = 0;
  /** Bytes in the blocks, and bytes of papers still referred to (pack adds them, drop takes them away). */
  private allocated = 0;
  private live = 0;

  pack(tokens: PaperTokens): PackedPaper {
    const bytes = varintBytes(tokens.title) + varintBytes(tokens.abstract);
    const block = this.room(bytes), start = this.used;
    writeVarints(tokens.abstract, block, writeVarints(tokens.title, block, start));
    this.used += bytes;
    this.live += bytes;
    return { block: this.blocks.length - 1, start, bytes, titleIds: tokens.title.length, abstractIds: tokens.abstract.length };
  }

  /** The last block, or a new one when it has no room for `bytes` more (then `used` starts again at 0). */
  private room(bytes: number): Uint8Array {
    const last = this.blocks[this.blocks.length - 1];
    if (last && this.used + bytes <= last.length) return last;
    const block = new Uint8Array(Math.max(BLOCK_BYTES, bytes));
    this.blocks.push(block);
    this.allocated += block.length;
    this.used = 0;
    return block;
  }

  /** The paper's ids, in new arrays (title and abstract share one buffer). */
  unpack(p: PackedPaper): PaperTokens {
    const ids = new Uint32Array(p.titleIds + p.abstractIds);
    const block = this.blocks[p.block];
    let at = p.start;
    for (let i = 0; i < ids.length; i++) {
      let id = 0, shift = 0, b: number;
      do {
        b = block[at++];
        id += (b & 0x7f) * 2 ** shift; // not <<: an id may use the 32nd bit
        shift += 7;
      } while (b & 0x80);
      ids[i] = id;
    }
    return { title: ids.subarray(0, p.titleIds), abstract: ids.subarray(p.titleIds) };
  }

  /** The paper's bytes are no longer referred to. */
  drop(p: PackedPaper): void {
    this.live -= p.bytes;
  }

  /** Whether the blocks hold more left-behind bytes than live ones (and enough to be worth a copy). */
  get wasteful(): boolean {
    return this.allocated - this.live > Math.max(this.live, BLOCK_BYTES);
  }

  /** Copies these papers (all that are referred to) into new blocks; returns where each is now, in order. */
  compact(papers: readonly PackedPaper[]): PackedPaper[] {
    const old = this.blocks;
    this.blocks = [];
    this.used = this.allocated = this.live = 0;
    return papers.map((p) => {
      this.room(p.bytes).set(old[p.block].subarray(p.start, p.start + p.bytes), this.used);
      const moved = { ...p, block: this.blocks.length - 1, start: this.used };
      this.used += p.bytes;
      this.live += p.bytes;
      return moved;
    });
  }

  /** Bytes held in blocks (for tests and the memory figures). */
  get size(): number {
    return this.allocated;
  }
}

function varintBytes(ids: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    n += id < 0x80 ? 1 : id < 0x4000 ? 2 : id < 0x200000 ? 3 : id < 0x10000000 ? 4 : 5;
  }
  return n;
}

function writeVarints(ids: Uint32Array, block: Uint8Array, at: number): number {
  for (let i = 0; i < ids.length; i++) {
    let id = ids[i];
    while (id >= 0x80) {
      block[at++] = (id & 0x7f) | 0x80;
      id = Math.floor(id / 128); // not >>>: keeps ids above 2^31 whole
    }
    block[at++] = id;
  }
  return at;
}
