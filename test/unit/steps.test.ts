import * as assert from 'assert';
import { sortStringsInSteps } from '../../server/src/model/steps';

/** Runs the steps to the end: the result, and how many steps it took. */
function run<T>(steps: Generator<void, T>): { result: T; steps: number } {
  let count = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return { result: next.value, steps: count };
    count++;
  }
}

describe('sortStringsInSteps', () => {
  it('sorts in code-unit order, as a native sort does: empty, one-character and longer strings, NULs, surrogates', () => {
    const odd = ['', 'a', 'a\0', 'aa', 'a\0b', 'b', '\uffff', '\ud83d\ude00', '\ud83d', 'é', 'Z', 'z', '0', '\0', '\0\0'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'ab\0é😀Zz-';
    const items = [...odd, ...odd];
    for (let i = 0; i < 5000; i++) {
      let s = '';
      for (let n = Math.floor(random() * 5); n > 0; n--) s += alphabet[Math.floor(random() * alphabet.length)];
      items.push(s);
    }
    assert.deepStrictEqual(run(sortStringsInSteps(items, 64)).result, [...items].sort());
  });

  it('sorts a bucket larger than a step (keys alike in their first letters) in steps too', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `smith${(i * 7919) % 10_000}`).concat(Array.from({ length: 300 }, (_, i) => `jones${i}`));
    const { result, steps } = run(sortStringsInSteps(items, 500));
    assert.deepStrictEqual(result, [...items].sort());
    assert.ok(steps >= items.length / 500, `${steps} steps`);
  });
});
