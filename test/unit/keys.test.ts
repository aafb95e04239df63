import * as assert from 'assert';
import * as fs from 'fs';
import { keyCandidates, chooseKey, chooseKeyFrom, describeTitle } from '../../server/src/model/keys';
import { libraryOf, SAMPLE_DIGEST } from './helpers';

describe('digest keys (the contract in DESIGN.md)', () => {
  const key = (title: string) => keyCandidates(title)[0];

  it('a short name before a colon is the key', () => {
    assert.strictEqual(key('KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models'), 'kasa');
    assert.strictEqual(key('ZIP-FIT: Embedding-Free Data Selection via Compression-Based Alignment'), 'zip-fit');
    assert.strictEqual(key('RewardBench 2: Advancing Reward Model Evaluation'), 'rewardbench-2');
  });

  it('otherwise the first three words that are not stop words', () => {
    assert.strictEqual(key('Pruning as a Domain-specific LLM Extractor'), 'pruning-domain-specific-llm');
    assert.strictEqual(key('Are Neural Ranking Models Robust?'), 'neural-ranking-models');
    assert.strictEqual(key('Large Language Models as Foundations for Next-Gen Dense Retrieval: A Comprehensive Empirical Assessment'), 'large-language-models');
    assert.strictEqual(key("On Giant's Shoulders: Effortless Weak to Strong by Dynamic Logits Fusion"), 'on-giants-shoulders');
  });

  it('a clash adds the next title word; exhausted titles get numbers', () => {
    const taken = new Set(['neural-ranking-models']);
    assert.strictEqual(chooseKey(keyCandidates('Neural Ranking Models for Retrieval'), (k) => taken.has(k)), 'neural-ranking-models-retrieval');
    assert.strictEqual(chooseKey(['x'], (k) => k === 'x' || k === 'x-2'), 'x-3');
  });

  it('choosing from a title and its base key picks what choosing from the list of candidates does', () => {
    const title = 'Neural Ranking Models for Dense Retrieval at Scale';
    const candidates = keyCandidates(title);
    assert.ok(candidates.length >= 3);
    const { baseKey } = describeTitle(title);
    assert.strictEqual(baseKey, 'neural-ranking-models');
    for (let free = 0; free <= candidates.length; free++) {
      // The first `free` candidates are taken, and so are the first numbered keys after the last.
      const taken = new Set([...candidates.slice(0, free), `${candidates[candidates.length - 1]}-2`]);
      const expected = chooseKey(candidates, (k) => taken.has(k));
      assert.strictEqual(chooseKeyFrom(title, baseKey, (k) => taken.has(k)), expected);
    }
    assert.strictEqual(chooseKeyFrom('X', 'x', (k) => k === 'x' || k === 'x-2'), 'x-3');
    assert.strictEqual(chooseKeyFrom('KaSA: Knowledge-Aware Singular-Value Adaptation', 'kasa', () => false), 'kasa');
    assert.strictEqual(chooseKeyFrom(title, baseKey, () => false), baseKey, 'a free base key is the very string the title\'s details hold');
  });

  it("a title's derived word lists are single strings of space-separated words", () => {
    const info = describeTitle('ZIP-FIT: Embedding-Free Data Selection');
    assert.deepStrictEqual(keyCandidates('ZIP-FIT: Embedding-Free Data Selection'), ['zip-fit', 'zip-fit-embedding-free', 'zip-fit-embedding-free-data', 'zip-fit-embedding-free-data-selection']);
    assert.strictEqual(info.baseKey, 'zip-fit', 'the base key alone');
    assert.strictEqual(info.titleWords, 'zip-fit zip fit embedding-free embedding free data selection');
    assert.strictEqual(describeTitle('').titleWords, '');
  });

  it('every sample paper gets a distinct key', () => {
    const lib = libraryOf({ 'digests/sep8.txt': fs.readFileSync(SAMPLE_DIGEST, 'utf8') });
    assert.strictEqual(lib.papers().length, 89);
    assert.strictEqual(new Set(lib.papers().map((p) => p.key)).size, 89);
  });
});

describe('key stability', () => {
  const day1 = 'Sep 8\n\nNeural Ranking Models Survey\n\nAn abstract about ranking. It has two sentences.\n\nKaSA: Adapting Models\n\nAbstract one. Two sentences.\n';
  const day2 = 'Sep 9\n\nNeural Ranking Models Are Robust\n\nAnother abstract about ranking. Two sentences.\n';
  const keysOf = (files: Record<string, string>) => Object.fromEntries(libraryOf(files).papers().map((p) => [p.title, p.key]));

  it('settles a clash the same way whatever order the files arrive in', () => {
    const a = keysOf({ 'digests/a.txt': day1, 'digests/b.txt': day2 });
    const b = keysOf({ 'digests/b.txt': day2, 'digests/a.txt': day1 });
    assert.deepStrictEqual(a, b);
    assert.strictEqual(a['Neural Ranking Models Survey'], 'neural-ranking-models');
    assert.strictEqual(a['Neural Ranking Models Are Robust'], 'neural-ranking-models-robust');
  });

  it('merges entries of one paper the same way whatever order the files arrive in', () => {
    // Entry 3 shares its arXiv id with entry 1 and its title with entry 2: which ones it joins must
    // not depend on which file came first.
    const entry = (id: string, title: string) => JSON.stringify([{ paper: { id, title, summary: `About ${title}. Two sentences.` }, publishedAt: '2025-09-10T00:00:00.000Z' }]);
    const files: [string, string][] = [
      ['digests/a.json', entry('2501.00001', 'Sparse Reward Shaping')],
      ['digests/b.json', entry('2501.00002', 'Dense Retrieval Revisited')],
      ['digests/c.json', entry('2501.00001', 'Dense Retrieval Revisited')],
    ];
    const merged = (order: number[]) => {
      const lib = libraryOf(Object.fromEntries(order.map((i) => files[i])));
      return lib.papers().map((p) => `${p.key}: ${p.digests.map((d) => d.uri.slice(-6)).join(' ')}`);
    };
    const first = merged([0, 1, 2]);
    for (const order of [[2, 0, 1], [1, 2, 0], [2, 1, 0]]) assert.deepStrictEqual(merged(order), first, order.join());
  });

  it('adding a later digest never changes an existing key', () => {
    const before = keysOf({ 'digests/a.txt': day1 });
    const after = keysOf({ 'digests/a.txt': day1, 'digests/z.txt': day2 });
    for (const [title, k] of Object.entries(before)) assert.strictEqual(after[title], k, title);
  });

  it('reordering entries inside a digest does not change keys', () => {
    const reordered = 'Sep 8\n\nKaSA: Adapting Models\n\nAbstract one. Two sentences.\n\nNeural Ranking Models Survey\n\nAn abstract about ranking. It has two sentences.\n';
    assert.deepStrictEqual(keysOf({ 'digests/a.txt': day1, 'digests/b.txt': day2 }), keysOf({ 'digests/a.txt': reordered, 'digests/b.txt': day2 }));
  });

  it('re-indexing gives the same keys', () => {
    const lib = libraryOf({ 'digests/a.txt': day1, 'digests/b.txt': day2 });
    const first = lib.papers().map((p) => p.key).sort();
    (lib as unknown as { dirty: boolean }).dirty = true;
    lib.rebuild();
    assert.deepStrictEqual(lib.papers().map((p) => p.key).sort(), first);
  });
});
