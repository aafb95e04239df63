import * as assert from 'assert';
import * as fs from 'fs';
import { PackedTokens } from '../../server/src/topics/packedTokens';
import { PhraseCache, TopicPaper } from '../../server/src/topics/topics';
import { tokenize, WordTable } from '../../server/src/topics/phrases';
import { SAMPLE_DIGEST } from './helpers';

const ids = (xs: number[]) => Uint32Array.from(xs);
const plain = (t: { title: Uint32Array; abstract: Uint32Array }) => [Array.from(t.title), Array.from(t.abstract)];

describe('packed tokens', () => {
  it('gives back every id, at each varint length, title and abstract apart', () => {
    const packed = new PackedTokens();
    const edges = [0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
    const papers = [
      { title: ids(edges), abstract: ids([...edges].reverse()) },
      { title: ids([]), abstract: ids([5, 0, 300]) },
      { title: ids([7]), abstract: ids([]) },
      { title: ids([]), abstract: ids([]) },
    ];
    const refs = papers.map((p) => packed.pack(p));
    refs.forEach((r, i) => assert.deepStrictEqual(plain(packed.unpack(r)), plain(papers[i]), `paper ${i}`));
  });

  it('spans blocks, and a paper larger than a block gets one of its own', () => {
    const packed = new PackedTokens();
    const big = { title: ids([1, 2]), abstract: Uint32Array.from({ length: 400_000 }, (_, i) => (i * 7919) % 3_000_000) };
    const small = Array.from({ length: 3000 }, (_, k) => ({ title: ids([k]), abstract: Uint32Array.from({ length: 200 }, (_, i) => (k * 31 + i) % 20_000) }));
    const refs = [...small.slice(0, 1500), big, ...small.slice(1500)].map((p) => packed.pack(p));
    const all = [...small.slice(0, 1500), big, ...small.slice(1500)];
    refs.forEach((r, i) => assert.deepStrictEqual(plain(packed.unpack(r)), plain(all[i]), `paper ${i}`));
    assert.ok(new Set(refs.map((r) => r.block)).size >= 3, 'more than one block');
  });

  it('compacts only once dropped bytes outweigh live ones, and keeps every live paper', () => {
    const packed = new PackedTokens();
    const papers = Array.from({ length: 5000 }, (_, k) => ({ title: ids([k % 100]), abstract: Uint32Array.from({ length: 150 }, (_, i) => (k + i) % 5000) }));
    let refs = papers.map((p) => packed.pack(p));
    assert.strictEqual(packed.wasteful, false);
    for (const r of refs.slice(0, 1000)) packed.drop(r);
    assert.strictEqual(packed.wasteful, false, 'a fifth dropped');
    for (const r of refs.slice(1000, 4000)) packed.drop(r);
    assert.strictEqual(packed.wasteful, true, 'four fifths dropped');
    const before = packed.size;
    refs = packed.compact(refs.slice(4000));
    assert.ok(packed.size < before, `${packed.size} < ${before}`);
    refs.forEach((r, i) => assert.deepStrictEqual(plain(packed.unpack(r)), plain(papers[4000 + i]), `paper ${4000 + i}`));
    assert.strictEqual(packed.wasteful, false);
  });

  it('takes under two bytes a word for the sample digest (four as plain ids)', () => {
    const table = new WordTable();
    const text = fs.readFileSync(SAMPLE_DIGEST, 'utf8');
    const tokens = { title: tokenize('', table), abstract: tokenize(text, table) };
    const ref = new PackedTokens().pack(tokens);
    assert.ok(tokens.abstract.length > 5000, `${tokens.abstract.length} words`);
    assert.ok(ref.bytes < 2 * tokens.abstract.length, `${ref.bytes} bytes for ${tokens.abstract.length} words`);
  });
});

describe('the token cache\'s packed tokens over recomputes', () => {
  it('a cache that saw many versions of the papers tokenizes alike and repacks what it dropped', () => {
    const cache = new PhraseCache();
    const versions = 6;
    const papers = (v: number) => Array.from({ length: 2000 }, (_, k) => paper(`p${k}`, `Paper ${k} version ${v}`, `Dense retrieval with reward models, ${'ranking '.repeat(250 + (k % 40))}take ${v} of ${k}.`));
    let sizeAfterFirst = 0;
    for (let v = 0; v < versions; v++) {
      const current = papers(v);
      for (const p of current) cache.add(p);
      cache.retain(new Set(current.map((p) => p.key)));
      if (v === 0) sizeAfterFirst = cache.packedBytes;
      const fresh = new PhraseCache();
      for (const p of current.filter((_, k) => k % 97 === 0)) {
        const got = cache.doc(p).tokens, want = fresh.doc(p).tokens;
        const words = (c: PhraseCache, xs: Uint32Array) => Array.from(xs, (id) => c.table.words[id]);
        assert.deepStrictEqual([words(cache, got.title), words(cache, got.abstract)], [words(fresh, want.title), words(fresh, want.abstract)], `version ${v}, ${p.key}`);
      }
    }
    assert.strictEqual(cache.tokenized, 2000 * versions);
    // Each version alone takes most of a 1 MB block, so six kept would take four blocks or more.
    assert.ok(sizeAfterFirst === 1 << 20, `${sizeAfterFirst}`);
    assert.ok(cache.packedBytes <= 2 << 20, `${cache.packedBytes} bytes after ${versions} versions`);
  });
});

function paper(key: string, title: string, abstract: string): TopicPaper {
  return { key, title, abstract, topics: [], topicKind: 'tag' };
}
