import * as assert from 'assert';
import { ShardProgress } from '../../server/src/search/shardProgress';

/** The count the service made before: every sent shard whose built hash is the one it was sent with. */
function countReady(sent: Map<string, string>, built: Map<string, string>): number {
  let n = 0;
  for (const [shard, hash] of sent) if (built.get(shard) === hash) n++;
  return n;
}

describe('ShardProgress', () => {
  it('counts a shard ready once it is built with the hash it was last sent with', () => {
    const p = new ShardProgress();
    p.sentAs('a', 'h1');
    p.sentAs('b', 'h1');
    assert.deepStrictEqual([p.size, p.ready], [2, 0]);
    p.builtAs('a', 'h1');
    assert.strictEqual(p.ready, 1);
    p.sentAs('a', 'h2'); // changed again before the new build came back
    assert.strictEqual(p.ready, 0);
    p.builtAs('a', 'h1'); // the late reply for the old content
    assert.strictEqual(p.ready, 0);
    p.builtAs('a', 'h2');
    assert.strictEqual(p.ready, 1);
    assert.strictEqual(p.forget('a'), true);
    assert.strictEqual(p.forget('a'), false);
    assert.deepStrictEqual([p.size, p.ready, p.has('a'), p.sentHash('b')], [1, 0, false, 'h1']);
  });

  it('agrees with a count over every shard through random sends, builds and drops', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const p = new ShardProgress();
    const sent = new Map<string, string>();
    const built = new Map<string, string>();
    for (let step = 0; step < 20000; step++) {
      const shard = `s${rand(40)}`;
      const hash = `h${rand(3)}`;
      const op = rand(3);
      if (op === 0) { p.sentAs(shard, hash); sent.set(shard, hash); }
      else if (op === 1) { p.builtAs(shard, hash); built.set(shard, hash); }
      else { assert.strictEqual(p.forget(shard), sent.delete(shard)); built.delete(shard); }
      assert.strictEqual(p.ready, countReady(sent, built), `step ${step}`);
      assert.strictEqual(p.size, sent.size);
    }
  });
});
