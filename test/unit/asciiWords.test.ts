import * as assert from 'assert';
import { asciiBytes, AsciiWordTable, FNV_OFFSET, FNV_PRIME, LOWER } from '../../server/src/util/asciiWords';

/** The id of `text`'s bytes from..to in the table, hashed as the scanners hash them. */
function idIn(table: AsciiWordTable, bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ LOWER[bytes[i]], FNV_PRIME);
  return table.idOf(bytes, from, to, h);
}

describe('words by their ASCII bytes', () => {
  it('numbers each distinct word from 1, case aside, and keeps its number as the table grows', () => {
    const table = new AsciiWordTable();
    const words = Array.from({ length: 20000 }, (_, i) => `Word${i}`);
    const ids = words.map((w) => idIn(table, Buffer.from(w)));
    assert.deepStrictEqual(ids.slice(0, 3), [1, 2, 3]);
    assert.strictEqual(table.size, 20000);
    words.forEach((w, i) => assert.strictEqual(idIn(table, Buffer.from(w.toUpperCase())), ids[i], w));
    assert.strictEqual(table.size, 20000, 'nothing added by looking words up again');
    assert.strictEqual(table.word(ids[12345]), 'word12345', 'lower-cased');
  });

  it('finds a word inside a longer text, and gives a word of megabytes back whole', () => {
    const table = new AsciiWordTable();
    const text = Buffer.from('the Reward model');
    assert.strictEqual(idIn(table, text, 4, 10), idIn(table, Buffer.from('reward')));
    const huge = Buffer.alloc(3_000_000, 'x');
    const id = idIn(table, huge);
    assert.strictEqual(table.word(id).length, 3_000_000);
    assert.notStrictEqual(idIn(table, huge, 0, 2_999_999), id, 'a prefix is another word');
  });

  it('gives a text\'s bytes only when it is all ASCII', () => {
    assert.deepStrictEqual(Array.from(asciiBytes('Ab-1')!.bytes.subarray(0, 4)), [65, 98, 45, 49]);
    assert.strictEqual(asciiBytes('Ab-1')!.length, 4);
    assert.strictEqual(asciiBytes('naïve'), undefined);
    assert.strictEqual(asciiBytes('')!.length, 0, 'an empty text is ASCII');
  });
});
