import * as assert from 'assert';
import lunr = require('lunr');
import { FIELDS } from '../../server/src/search/lunrIndex';
import { buildIndex, compactIndex, defineFields } from '../support/lunrReference';
import { checksum } from '../../server/src/runtime/cacheStore';
import { bestDocuments, matchingTerms, mergeParts, prepareQuery, queryCompact, QueryLimitError, TermExpander, CompactIndex } from '../../server/src/search/compactIndex';
import { decodeShard, encodeShard } from '../../server/src/search/shardFile';
import { buildCompactShard, forgetWords } from '../../server/src/search/shardBuild';
import { resolveTexts, shardDocs, shardOf, SearchDoc } from '../../server/src/search/documents';
import { exampleLibraryFiles, libraryOf } from './helpers';

/** Every document of the example library (sample digest, markdown digests, notes) in one list. */
function exampleDocs(): SearchDoc<string>[] {
  const library = libraryOf(exampleLibraryFiles());
  const shards = new Set([...library.allFiles()].map((f) => shardOf(f.uri, f.kind)).filter((s): s is string => !!s));
  return resolveTexts([...shards].sort().flatMap((s) => shardDocs(library, s)), () => assert.fail('no stored texts here'));
}

function run(index: CompactIndex, text: string, limit = 1000) {
  const expander = new TermExpander(() => index.terms);
  const prepared = prepareQuery(text, FIELDS);
  return queryCompact(index, prepared, prepared.map((p) => p.terms.map((t) => expander.expand(p.clause, t.term, t.expandable))), limit);
}

describe('flat shard indexes (lunr-built, scored like lunr)', () => {
  const docs = exampleDocs();
  const lunrIndex = buildIndex(docs);
  const flat = compactIndex(lunrIndex, FIELDS, docs.map((d) => d.id));

  const QUERIES = ['reward model', 'mixture of experts routing', 'title:reward +rag', '+reward -rag', 'embed*', '*bedding', 'retrievl~1',
    'reward^5 retrieval', 'authors:chen', 'title:embedding^2 abstract:contrastive', '-vision', '+nosuchword reward', 'kronecker adapter',
    'optimisation', 'LLM', 'low-rank adaptation', '+title:mixture +abstract:experts -sparse', 'reward reward reward'];

  for (const q of QUERIES) {
    it(`ranks "${q}" exactly as lunr does`, () => {
      const expected = lunrIndex.search(q).map((r) => ({ ref: r.ref, score: r.score }));
      const actual = run(flat, q);
      assert.strictEqual(actual.length, expected.length, 'same number of hits');
      const byRef = new Map(actual.map((h) => [h.ref, h.score]));
      for (const e of expected) {
        assert.ok(byRef.has(e.ref), `${e.ref} missing`);
        assert.ok(Math.abs(byRef.get(e.ref)! - e.score) < 1e-9, `${e.ref}: ${byRef.get(e.ref)} vs lunr ${e.score}`);
      }
      for (let i = 1; i < actual.length; i++) assert.ok(actual[i - 1].score >= actual[i].score, 'best first');
    });
  }

  it('finds something for the common queries (the comparison above is not vacuous)', () => {
    assert.ok(run(flat, 'reward model').length > 10);
    assert.ok(run(flat, '+reward -rag').length > 0);
    assert.ok(run(flat, 'embed*').length > 5);
    assert.ok(run(flat, 'retrievl~1').length > 0);
  });

  it('reports which query terms each hit contains (for snippets)', () => {
    const [top] = run(flat, 'reward nosuchword', 1);
    assert.deepStrictEqual(top.terms, ['reward']);
  });

  it('several shards merged into one answer as the shards do, for terms they all have', () => {
    const halves = [docs.filter((_, i) => i % 2 === 0), docs.filter((_, i) => i % 2 === 1)];
    const shards = halves.map((h) => compactIndex(buildIndex(h), FIELDS, h.map((d) => d.id)));
    const merged = mergeParts(shards.map((index) => ({ index })), FIELDS);
    assert.strictEqual(merged.refs.length, docs.length);
    let compared = 0;
    for (const q of ['reward model', '+reward -rag', 'embed*', 'title:embedding^2 abstract:contrastive', 'retrieval ranking']) {
      const everywhere = prepareQuery(q, FIELDS).every((p) => p.terms.every((t) => t.expandable || shards.every((x) => x.termIds.has(t.term))));
      if (!everywhere) continue;
      const expected = shards.flatMap((x) => run(x, q)).sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : 1));
      const actual = run(merged, q);
      assert.deepStrictEqual(actual.map((h) => h.ref).sort(), expected.map((h) => h.ref).sort(), q);
      const byRef = new Map(actual.map((h) => [h.ref, h.score]));
      for (const e of expected) assert.ok(Math.abs(byRef.get(e.ref)! - e.score) < 1e-9, `${q}: ${e.ref}`);
      compared++;
    }
    assert.ok(compared >= 3, 'most queries have their terms in both halves');
    // A term only one shard has is still found, in that shard's documents only.
    const only = shards[0].terms.find((t) => !shards[1].termIds.has(t) && /^[a-z]{6,}$/.test(t))!;
    assert.ok(run(merged, only).length > 0 && run(merged, only).every((h) => halves[0].some((d) => d.id === h.ref)));
  });

  describe('shard file', () => {
    const header = { format: 2, lunr: '2.3.9', shard: 'digest:x', hash: 'abc', fields: FIELDS };
    const file = encodeShard(header, flat);

    it('round-trips to an index that answers the same', () => {
      const decoded = decodeShard(file, header);
      assert.ok('hit' in decoded);
      assert.deepStrictEqual(run(decoded.hit, 'reward model'), run(flat, 'reward model'));
    });

    it('another content hash is a plain miss; another format, shard or lunr version is a problem', () => {
      assert.deepStrictEqual(decodeShard(file, { ...header, hash: 'other' }), { miss: true });
      assert.deepStrictEqual(decodeShard(file, { ...header, format: 3 }), { problem: 'stale format' });
      assert.deepStrictEqual(decodeShard(file, { ...header, shard: 'digest:y' }), { problem: 'stale format' });
    });

    /** The file with its checksum (bytes 4-36, over everything after them) made to match its bytes. */
    const resealed = (b: Buffer) => { Buffer.from(checksum(b.subarray(36)), 'base64').copy(b, 4); return b; };

    it('rejects a file any byte of which changed (its checksum)', () => {
      for (const at of [40, 60, file.length - 1]) {
        const changed = Buffer.from(file);
        changed[at] ^= 1;
        assert.deepStrictEqual(decodeShard(changed, header), { problem: 'damaged: its checksum does not match' }, `byte ${at}`);
      }
    });

    it('rejects truncated, garbled and structurally inconsistent files, even with a checksum that matches', () => {
      assert.ok('problem' in decodeShard(file.subarray(0, file.length - 8), header));
      assert.ok('problem' in decodeShard(Buffer.from('{"format":2}'), header));
      const garbledHeader = Buffer.from(file);
      garbledHeader[41] = 0x7b; // {{"format"…: not JSON
      assert.deepStrictEqual(decodeShard(resealed(garbledHeader), header), { problem: 'unreadable header' });
      // A document id past the end of the refs, written into the first non-empty posting.
      const bad = Buffer.from(file);
      const jsonLength = bad.readUInt32LE(36);
      const docsAt = ((40 + jsonLength + 7) & ~7) + flat.offsets.byteLength;
      bad.writeUInt32LE(flat.refs.length + 5, docsAt);
      assert.deepStrictEqual(decodeShard(resealed(bad), header), { problem: 'invalid postings' });
    });
  });
});

describe('the fast lunr build', () => {
  /** What lunr itself builds with its default tokenizer and pipelines, for comparison. */
  function lunrDefault(docs: SearchDoc<string>[]): lunr.Index {
    return lunr(function () {
      defineFields(this);
      for (const d of docs) this.add(d);
    });
  }
  // Separators, stop words, words the trimmer empties, non-ASCII letters, unicode spaces,
  // Object.prototype names, repeated words in several fields.
  const awkward: SearchDoc<string>[] = [
    { id: 'a', title: 'Self-Attention -- is  all  you need?', authors: 'Ana Núñez, J.-P. Müller', abstract: 'the THE The — “quoted” naïve über-fast\u00a0models\u2003with\ttabs\nand lines', body: '' },
    { id: 'b', title: '  - leading and trailing -  ', authors: '', abstract: 'constructor toString __proto__ hasOwnProperty valueOf', body: '--- ... !!! e.g. U.S.A. α-helix 🙂model x-' },
    { id: 'c', title: '', authors: 'Chen Chen Chen', abstract: 'reward reward models modelling modeled', body: 'Reward models, reward-model, REWARD!' },
    // All ASCII (split by hand, see shardBuild's termsOf): controls that are and are not `\s`, long words, words the trimmer empties.
    { id: 'd', title: 'Tabs\vand\fform\rfeeds\x1cnot\x1fseparators\x00NUL', authors: "O'Brien-Smith, A. B.", abstract: 'Internationalization INTERNATIONALIZATIONS -x- a--b 1-2-3 e.g. (parenthesised) [bracketed] \'quoted\' ###', body: 'constructor-toString hasOwnProperty Über' },
    { id: 'e', title: 'Internationalization', authors: '', abstract: 'über internationalization', body: '' },
  ];

  it('builds the very index lunr builds with its defaults', () => {
    for (const docs of [awkward, exampleDocs()]) {
      assert.deepStrictEqual(JSON.parse(JSON.stringify(buildIndex(docs))), JSON.parse(JSON.stringify(lunrDefault(docs))));
    }
  });

  it('a shard build equals the flattened default build', () => {
    const docs = [...awkward, ...exampleDocs()];
    const ids = docs.map((d) => d.id);
    const flat = buildCompactShard(docs);
    assert.deepStrictEqual(flat, compactIndex(lunrDefault(docs), FIELDS, ids));
    assert.ok(flat.terms.includes('reward') && flat.terms.includes('naïv') && !flat.terms.includes('the'), 'stemmed, stop words out');
  });

  /** Documents from a seeded generator: words of every kind, repeated within and across fields, some fields empty. */
  function generatedDocs(n: number, seed: number): SearchDoc<string>[] {
    let state = seed;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const vocabulary = ['Reward', 'rewards', 'model', 'models', 'modelling', 'the', 'of', 'a', 'mixture-of-experts', 'low-rank', 'LoRA', '2024',
      '3.5', 'x', 'retrieval,', '(dense)', 'embedding;', 'embeddings', 'naïve', 'über', '—', 'GPT-4o', 'constructor', '__proto__', 'e.g.', 'RAG!'];
    const text = (words: number) => Array.from({ length: words }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(random() < 0.2 ? '  ' : ' ');
    return Array.from({ length: n }, (_, i) => ({
      id: `file:///g/${i}.md#0`, title: text(1 + Math.floor(random() * 8)), authors: random() < 0.1 ? '' : text(2),
      abstract: random() < 0.1 ? '' : text(Math.floor(random() * 120)), body: random() < 0.5 ? '' : text(Math.floor(random() * 60)),
    }));
  }

  it('the direct shard build gives exactly the postings and weights of lunr\'s build', () => {
    for (const docs of [awkward, exampleDocs(), generatedDocs(300, 7), generatedDocs(5, 99), []]) {
      const ids = docs.map((d) => d.id);
      assert.deepStrictEqual(buildCompactShard(docs), compactIndex(lunrDefault(docs), FIELDS, ids));
    }
    // And the same again once its remembered words are warm (they are kept across shards).
    const docs = exampleDocs();
    assert.deepStrictEqual(buildCompactShard(docs), compactIndex(lunrDefault(docs), FIELDS, docs.map((d) => d.id)));
    // And once they are forgotten, as an idle worker forgets them.
    forgetWords();
    assert.deepStrictEqual(buildCompactShard(docs), compactIndex(lunrDefault(docs), FIELDS, docs.map((d) => d.id)));
  });
});

describe('wildcard and fuzzy terms expand as lunr expands them', () => {
  // Words close to each other (shared prefixes, one edit apart, transpositions), odd characters.
  const words = ['embed', 'embedding', 'embeddings', 'embedd', 'ebmed', 'imbed', 'bedding', 'wedding', 'retriev', 'retrieval', 'retriv', 'retrievl',
    'retreival', 'rtriev', 'a', 'ab', 'ba', 'abc', 'acb', 'bac', 'x*y', 'naïv', 'über', 'model', 'modal', 'medal', 'models', 'mode', ''];
  const dictionary = [...new Set(words)].sort();
  const lunrTokenSet = lunr.TokenSet as unknown as { fromArray(a: string[]): lunr.TokenSet; fromClause(c: object): lunr.TokenSet };
  const full = lunrTokenSet.fromArray(dictionary);
  const clauses = [
    ...['embed*', '*bedding', 'e*d', '*', 'a*', '*b*', 'mod*l', 'x*', 'zzz*', 'retriev*', 'r*l'].map((term) => ({ term })),
    ...['retrievl', 'embed', 'model', 'ab', 'abc', 'naive', 'a', 'xyz'].flatMap((term) => [1, 2].map((editDistance) => ({ term, editDistance }))),
  ];
  for (const c of clauses) {
    it(`${c.term}${'editDistance' in c ? `~${c.editDistance}` : ''}`, () => {
      const expected = full.intersect(lunrTokenSet.fromClause(c)).toArray().sort();
      assert.deepStrictEqual(matchingTerms(dictionary, lunrTokenSet.fromClause(c) as never), expected);
    });
  }
  it('a walk that runs past its deadline stops with a QueryLimitError', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `w${i}`).sort();
    const clause = lunrTokenSet.fromClause({ term: '*w*' });
    assert.strictEqual(matchingTerms(many, clause as never).length, 5000);
    assert.throws(() => matchingTerms(many, clause as never, Date.now() - 1), QueryLimitError);
  });
  it('the comparisons above are not vacuous', () => {
    const sizes = clauses.map((c) => full.intersect(lunrTokenSet.fromClause(c)).toArray().length);
    assert.ok(sizes.filter((n) => n > 1).length >= 10 && sizes.some((n) => n === 0));
  });
});


describe('choosing the best hits without sorting them all', () => {
  it('gives what a full sort by score (then document) gives, ties and ineligible documents included', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(random() * 200);
      // Few distinct scores, so ties are common.
      const scores = Float64Array.from({ length: n }, () => Math.floor(random() * 8) / 4);
      const eligible = Uint8Array.from({ length: n }, (_, d) => ((d * 7 + round) % 5 !== 0 ? 1 : 0));
      const limit = Math.floor(random() * 30);
      const all = [...Array(n).keys()].filter((d) => eligible[d]).sort((a, b) => scores[b] - scores[a] || a - b);
      assert.deepStrictEqual(bestDocuments(scores, eligible, limit), all.slice(0, limit), `round ${round}`);
    }
  });
});
