import * as assert from 'assert';
import * as fs from 'fs';
import { paperPhrases, phraseKeyOf, PhraseKeys, PhraseMatcher, tokenize, tokenizeUtf8, WordTable } from '../../server/src/topics/phrases';
import { computeTopicTree, PhraseCache, DEFAULT_TOPIC_OPTIONS, TopicPaper, TopicNode } from '../../server/src/topics/topics';
import { SAMPLE_DIGEST } from './helpers';

/** The tokenizer as first written with regexes: the hand-written scanner must agree with it. */
function referenceTokens(text: string): string[] {
  const clean = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/https?:\/\/\S+/g, ' . ');
  const out: string[] = [];
  for (const m of clean.matchAll(/[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()[\]{}"“”\n]|\s-\s/g)) {
    const tok = m[0];
    if (/^[a-z0-9]/.test(tok)) out.push(tok.replace(/'.*$/, ''));
    else if (out.length && out[out.length - 1] !== '|') out.push('|');
  }
  return out;
}

function words(text: string, table = new WordTable()): string[] {
  return Array.from(tokenize(text, table), (id) => (id === 0 ? '|' : table.words[id]));
}

describe('phrase extraction', () => {
  const sample = fs.readFileSync(SAMPLE_DIGEST, 'utf8');

  it('tokenizes like the reference: apostrophes, dashes, URLs, accents, unicode spaces', () => {
    const cases = ["The model's reward models don't drift.", 'mixture-of-experts - a survey', 'see https://x.org/a-b?c=d, then',
      'Café naïve façade', 'a\u00a0-\u00a0b', 'x(y)z [1] {2} "q" “r”', 'state-of-the-art 3D-aware LLMs', "rock'n'roll", 'end -', '',
      'Ünïcödé before HTTPS://Ü.de/ä, after', 'x\u2009-\u2009y α-β 日本語 ﬁne', 'tab\tsep\rcr -\nnext',
      'two http://a.b/c and https://d.e/f - g', 'ends with https://x.y/z', 'glued xhttps://x.y/z word', 'http://a.b', 'http:// alone'];
    for (const c of cases) assert.deepStrictEqual(words(c), referenceTokens(c), c);
    assert.deepStrictEqual(words(sample), referenceTokens(sample), 'the whole sample digest');
  });

  it('tokenizes UTF-8 bytes, read in place from a larger buffer, like the reference', () => {
    const cases = ["The model's reward models don't drift.", 'see https://x.org/a-b?c=d, then', 'Café naïve façade', 'x(y)z [1] {2} "q" “r”',
      'Ünïcödé before HTTPS://Ü.de/ä, after', 'two http://a.b/c and https://d.e/f - g', 'ends with https://x.y/z', 'glued xhttps://x.y/z word',
      'http://a.b', 'http:// alone', 'HtTpS://MiXeD.case/x y', 'HTTP://A.B', 'httpx://not a url', 'https:/one-slash', 'http://\tafter',
      'https://', 'tab\tsep\rcr -\nnext', '', 'a lone \ud800 surrogate', 'x\u2009-\u2009y α-β 日本語 ﬁne',
      'a -https://x.y/z b', "model'https://x.y", 'https://a.b/http://c.d e', 'http://a.b https://c.d', 'title: subtitle', 'x://y http:/ ://'];
    const encoder = new TextEncoder();
    const table = new WordTable();
    for (const c of cases) {
      // Between other text, as a title or abstract sits in the topics worker's batch.
      const before = encoder.encode('http://x.y before ');
      const bytes = encoder.encode(`http://x.y before ${c} after https://z`);
      const end = before.length + encoder.encode(c).length;
      const sent = bytes.slice();
      const got = Array.from(tokenizeUtf8(bytes, before.length, end, table), (id) => (id === 0 ? '|' : table.words[id]));
      // The batch's bytes are shared with the placing helper: read, never written.
      assert.deepStrictEqual(bytes, sent, `bytes unchanged: ${c}`);
      // A lone surrogate cannot be UTF-8: it arrives as U+FFFD.
      assert.deepStrictEqual(got, referenceTokens(c.replace(/[\ud800-\udfff]/g, '\ufffd')), c);
    }
    const sampleBytes = encoder.encode(sample);
    assert.deepStrictEqual(Array.from(tokenizeUtf8(sampleBytes, 0, sampleBytes.length, table), (id) => (id === 0 ? '|' : table.words[id])), referenceTokens(sample), 'the whole sample digest');
  });

  it('token arrays stay as they were when later texts are tokenized (they share memory blocks)', () => {
    const table = new WordTable();
    const texts = sample.split('\n').filter((l) => l.trim());
    const kept = texts.map((t) => tokenize(t, table));
    for (let r = 0; r < 20; r++) for (const t of texts) tokenize(t, table);
    texts.forEach((t, i) => assert.deepStrictEqual(Array.from(kept[i]), Array.from(tokenize(t, table)), t));
  });

  it('generic words open field names but not filler phrases', () => {
    const table = new WordTable();
    const keys = new PhraseKeys(table);
    const text = 'Time series forecasting with state space models and model merging beats model performance of better reward models on training data.';
    const found = paperPhrases({ title: tokenize('', table), abstract: tokenize(text, table) }, table, keys);
    const phrases = new Set(Array.from(found.ids, (id) => keys.keyOf(id)));
    for (const p of ['time series', 'time series forecasting', 'state space', 'state space models', 'model merging', 'reward models']) assert.ok(phrases.has(phraseKeyOf(p)), p);
    for (const p of ['model performance', 'training data', 'better reward models', 'better reward', 'time', 'model']) assert.ok(!phrases.has(phraseKeyOf(p)), p);
  });

  it('the matcher weighs the chosen phrases exactly as full extraction does', () => {
    const table = new WordTable();
    const keys = new PhraseKeys(table);
    const abstracts = sample.split(/\n\s*\n/).filter((p) => p.length > 300).slice(0, 40);
    assert.ok(abstracts.length >= 30);
    for (const text of abstracts) {
      const tokens = { title: tokenize(text.slice(0, 80), table), abstract: tokenize(text, table) };
      const full = paperPhrases(tokens, table, keys);
      const weightOf = new Map(Array.from(full.ids, (id, j) => [id, full.weights[j]] as [number, number]));
      assert.strictEqual(weightOf.size, full.ids.length, 'each phrase listed once');
      const chosen = [...full.ids].filter((_, i) => i % 3 === 0).map((id) => ({ id, key: keys.keyOf(id) }));
      const matched = new PhraseMatcher(chosen, table).weights(tokens, table);
      assert.deepStrictEqual(new Map([...matched].sort((a, b) => a[0] - b[0])), new Map(chosen.map(({ id }) => [id, weightOf.get(id)!] as [number, number]).sort((a, b) => a[0] - b[0])));
    }
  });
  it('the matcher finds its phrases in text tokenized after it was made, with words it has not seen', () => {
    const table = new WordTable();
    const keys = new PhraseKeys(table);
    const first = { title: tokenize('Reward model training', table), abstract: tokenize('A reward model for dense retrieval.', table) };
    const full = paperPhrases(first, table, keys);
    const chosen = [...full.ids].map((id) => ({ id, key: keys.keyOf(id) })).filter((c) => c.key === 'reward model' || c.key === 'dense retrieval');
    assert.strictEqual(chosen.length, 2);
    const matcher = new PhraseMatcher(chosen, table);
    // "models" and "retrievals" are new words whose folded forms the matcher knows; "zyxwv" and the rest are new altogether.
    const later = { title: tokenize('Reward models', table), abstract: tokenize('Zyxwv reward models and dense retrievals, unseen words.', table) };
    const extracted = paperPhrases(later, table, keys);
    const weightOf = new Map(Array.from(extracted.ids, (id, j) => [id, extracted.weights[j]] as [number, number]));
    const expected = new Map(chosen.map(({ id }) => [id, weightOf.get(id)!] as [number, number]));
    assert.deepStrictEqual(expected, new Map([[chosen.find((c) => c.key === 'reward model')!.id, 4], [chosen.find((c) => c.key === 'dense retrieval')!.id, 1]]));
    assert.deepStrictEqual(matcher.weights(later, table), expected);
  });
});

describe('topics of a library larger than the selection sample', function () {
  this.timeout(60000);
  // 2,600 untagged papers in 26 themes: more than the 2,000 papers topics are chosen from.
  const THEMES = ['reward model', 'mixture of experts', 'dense retrieval', 'speech recognition', 'graph neural network', 'image segmentation',
    'machine translation', 'code generation', 'protein folding', 'federated learning', 'knowledge distillation', 'text embedding', 'low rank adaptation',
    'video generation', 'time series', 'question answering', 'molecule design', 'robot control', 'music generation', 'table reasoning',
    'weather forecasting', 'legal documents', 'medical imaging', 'sign language', 'chip design', 'math reasoning'];
  const FILLER = 'we study the problem and propose a simple method that improves results on standard benchmarks with lower cost'.split(' ');
  const papers: TopicPaper[] = [];
  for (let i = 0; i < 2600; i++) {
    const theme = THEMES[i % THEMES.length];
    const other = THEMES[(i * 7 + 3) % THEMES.length];
    const body = Array.from({ length: 40 }, (_, j) => FILLER[(i + j) % FILLER.length]).join(' ');
    papers.push({ key: `p${String(i).padStart(4, '0')}`, title: `Better ${theme} ${i}`, abstract: `This paper is about ${theme}. ${body}. We compare with ${other}.`, topics: [], topicKind: 'tag' });
  }
  const run = (ps: TopicPaper[], cache = new PhraseCache()): TopicNode[] => computeTopicTree(ps, DEFAULT_TOPIC_OPTIONS, cache);

  it('places nearly every paper, including the ones the sample did not include', () => {
    const roots = run(papers);
    const placed = new Set(roots.flatMap((n) => [...n.papers, ...n.children.flatMap((c) => c.papers)]));
    assert.ok(placed.size >= 0.9 * papers.length, `${placed.size} of ${papers.length} placed`);
    // Each theme's papers all name one other theme, so a theme may be a subtopic of a field.
    const all = (ns: TopicNode[]): TopicNode[] => ns.flatMap((n) => [n, ...all(n.children)]);
    const rewardModel = all(roots).find((n) => n.name === 'reward model');
    assert.ok(rewardModel, `no "reward model" topic in ${all(roots).map((n) => n.name).join(', ')}`);
    const expected = papers.filter((p) => p.title.includes('reward model')).map((p) => p.key);
    const under = new Set([...rewardModel.papers, ...rewardModel.children.flatMap((c) => c.papers)]);
    assert.ok(expected.filter((k) => under.has(k)).length >= 0.9 * expected.length);
  });

  it('a recomputation with cached tokens after an edit equals a computation from scratch', () => {
    const cache = new PhraseCache();
    run(papers, cache);
    const edited = papers.map((p, i) => (i === 5 ? { ...p, abstract: `${p.abstract} Zymurgy zymurgy brewing.` } : p));
    assert.deepStrictEqual(run(edited, cache), run(edited));
  });
});
