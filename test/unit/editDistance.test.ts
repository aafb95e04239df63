import * as assert from 'assert';
import { editDistance, EditDistanceFrom } from '../../server/src/util/text';

/** The textbook table, in full: what both bounded versions must agree with. */
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

describe('bounded edit distance (key suggestions)', () => {
  it('agrees with the full table wherever the distance is within the bound, and says "more" otherwise', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const alphabet = 'abcde01-';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
    let checked = 0;
    for (let t = 0; t < 3000; t++) {
      const a = word(rnd(36)); // past 32 characters the pattern falls back to the table
      // b: a few edits of a, or an unrelated word.
      let b = t % 4 === 0 ? word(rnd(36)) : a;
      for (let e = rnd(6); e > 0; e--) {
        const at = rnd(b.length + 1);
        const op = rnd(3);
        b = op === 0 ? b.slice(0, at) + alphabet[rnd(alphabet.length)] + b.slice(at) : op === 1 ? b.slice(0, at) + b.slice(at + 1) : b.slice(0, at) + alphabet[rnd(alphabet.length)] + b.slice(at + 1);
      }
      const max = rnd(10);
      const want = levenshtein(a, b);
      const expected = want <= max ? want : max + 1;
      assert.strictEqual(editDistance(a, b, max), expected, `editDistance(${a}, ${b}, ${max})`);
      assert.strictEqual(new EditDistanceFrom(a).to(b, max), expected, `EditDistanceFrom(${a}).to(${b}, ${max})`);
      checked++;
    }
    assert.strictEqual(checked, 3000);
  });

  it('handles empty strings, a 32-character pattern and characters outside ASCII', () => {
    assert.strictEqual(new EditDistanceFrom('').to('abc', 5), 3);
    assert.strictEqual(new EditDistanceFrom('abc').to('', 5), 3);
    const p32 = 'abcdefghijklmnopqrstuvwxyz012345';
    assert.strictEqual(new EditDistanceFrom(p32).to(p32.slice(1) + 'x', 5), 2);
    assert.strictEqual(new EditDistanceFrom(p32).to(p32, 0), 0);
    assert.strictEqual(new EditDistanceFrom('müller2020').to('muller2020', 3), 1);
    assert.strictEqual(new EditDistanceFrom('muller2020').to('müller2020', 3), 1);
  });
});
