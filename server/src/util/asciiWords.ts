/**
 * Words read straight out of ASCII bytes, for the two places that tokenize a whole library (topic
 * derivation, full-text shard builds): a word is hashed while it is scanned and looked up by its
 * bytes, so a word seen before costs no substring, no string hashing and no garbage.
 */

/** FNV-1a's offset basis and prime (32 bits): `h = Math.imul(h ^ byte, FNV_PRIME)` from `FNV_OFFSET`. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Each byte, ASCII letters lower-cased. */
export const LOWER = Uint8Array.from({ length: 256 }, (_, c) => (c >= 65 && c <= 90 ? c + 32 : c));

/** 1 for the bytes JavaScript's `\s` matches in ASCII. */
export const IS_BLANK = Uint8Array.from({ length: 256 }, (_, c) => (c === 32 || (c >= 9 && c <= 13) ? 1 : 0));

/**
 * Every distinct word seen, numbered from 1 (0 is no word): an open-addressing hash table over a
 * pool of the words' lower-cased bytes. Nothing else is kept per word (no string, no hash): a
 * full-text worker meets hundreds of thousands of words and needs each as a string only once
 * (`word(id)`, when it is first seen).
 */
export class AsciiWordTable {
  private count = 0;
  private slots = new Int32Array(1 << 12);
  /** Word id's lower-case ASCII bytes are pool[starts[id], starts[id + 1]). */
  private pool = new Uint8Array(1 << 16);
  private starts = new Int32Array(1 << 12);

  /** How many words. */
  get size(): number { return this.count; }

  /**
   * The id of the word bytes[start, end) (ASCII, read lower-cased), added if new; `h` is its FNV-1a
   * hash over the lower-cased bytes, which the caller computed while scanning it.
   */
  idOf(bytes: Uint8Array, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id === 0) {
        const added = this.add(bytes, start, end);
        this.slots[slot] = added;
        if (this.count * 2 > this.slots.length) this.grow();
        return added;
      }
      if (this.sameWord(id, bytes, start, end)) return id;
    }
  }

  /** The word as a string of its own (never a slice of the text it was found in). */
  word(id: number): string {
    const from = this.starts[id];
    return Buffer.from(this.pool.buffer, this.pool.byteOffset + from, this.starts[id + 1] - from).toString('latin1');
  }

  private sameWord(id: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[id];
    if (this.starts[id + 1] - from !== end - start) return false;
    const pool = this.pool;
    for (let i = start, j = from; i < end; i++, j++) if (pool[j] !== LOWER[bytes[i]]) return false;
    return true;
  }

  private add(bytes: Uint8Array, start: number, end: number): number {
    const id = ++this.count;
    const at = this.starts[id];
    if (at + (end - start) > this.pool.length) this.pool = grown(this.pool, at + (end - start));
    if (id + 1 >= this.starts.length) this.starts = grown(this.starts, id + 2);
    for (let i = start, j = at; i < end; i++, j++) this.pool[j] = LOWER[bytes[i]];
    this.starts[id + 1] = at + (end - start);
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id <= this.count; id++) {
      let h = FNV_OFFSET;
      for (let j = this.starts[id]; j < this.starts[id + 1]; j++) h = Math.imul(h ^ this.pool[j], FNV_PRIME);
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

/** A copy of `array` with room for at least `size` (twice as much, or more). */
function grown<T extends Uint8Array | Int32Array>(array: T, size: number): T {
  const copy = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  copy.set(array);
  return copy;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

/**
 * The text's bytes when it is all ASCII (one byte per character), in a scratch array that the next
 * call overwrites, with how many; undefined for any other text.
 */
export function asciiBytes(text: string): { bytes: Uint8Array; length: number } | undefined {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; it is ASCII exactly when it takes one per unit.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(Math.max(text.length * 3, scratch.length * 2));
  const { read, written } = encoder.encodeInto(text, scratch);
  return read === text.length && written === text.length ? { bytes: scratch, length: written } : undefined;
}
