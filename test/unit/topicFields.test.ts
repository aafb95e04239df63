import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { centroid, collectAcronyms, groupFields, nameStems, settledAcronyms, SparseVector, stemOf, variantNames, WordSpace } from '../../server/src/topics/fields';
import { tokenize, WordTable } from '../../server/src/topics/phrases';
import { computeTopicTree, DEFAULT_TOPIC_OPTIONS, PhraseCache, TopicNode, TopicPaper, topicPapers } from '../../server/src/topics/topics';
import { FIXTURES, libraryOf, SAMPLE_DIGEST } from './helpers';

function acronymsIn(...abstracts: string[]): Map<string, string> {
  const table = new WordTable();
  const collected = new Map<string, Map<string, number>>();
  for (const a of abstracts) collectAcronyms({ title: tokenize('', table), abstract: tokenize(a, table) }, table, collected);
  return settledAcronyms(collected);
}

function vector(entries: [number, number][]): SparseVector {
  const norm = Math.sqrt(entries.reduce((s, [, x]) => s + x * x, 0));
  return { ids: Int32Array.from(entries, (e) => e[0]), values: Float64Array.from(entries, (e) => e[1] / norm) };
}

function flatten(nodes: TopicNode[]): TopicNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

describe('acronyms defined in abstracts', () => {
  it('reads an acronym as the long form before its parenthesis', () => {
    const found = acronymsIn('We fine-tune with low-rank adaptation (LoRA) and route tokens in a sparse mixture-of-experts (MoE) layer.',
      'Reinforcement learning from human feedback (RLHF) aligns models.');
    assert.strictEqual(found.get('lora'), 'low rank adaptation');
    assert.strictEqual(found.get('moe'), 'mixture of expert');
    assert.strictEqual(found.get('rlhf'), 'reinforcement learning from human feedback');
  });

  it('ignores parentheses that do not spell the words before them, and years', () => {
    const found = acronymsIn('Results on the benchmark (GLUE) improve. As shown before (2023) and in prior work (Smith).');
    assert.deepStrictEqual([...found.keys()], []);
  });

  it('takes the long form most papers give when papers disagree', () => {
    const found = acronymsIn('parameter efficient fine tuning (PEFT) is cheap', 'parameter efficient fine tuning (PEFT) again', 'prompt engineering for fine tuning (PEFT)');
    assert.strictEqual(found.get('peft'), 'parameter efficient fine tuning');
  });
});

describe('topic names that are variants of one another', () => {
  it('stems word variants alike', () => {
    assert.deepStrictEqual(['ranker', 'ranking', 'rank', 'retrieval', 'retriever', 'embedding'].map(stemOf), ['rank', 'rank', 'rank', 'retriev', 'retriev', 'embed']);
  });

  it('"rankers", "ranking models" and "neural ranking" are variants; "reward model" is not one of them', () => {
    const none = new Map<string, string>();
    assert.ok(variantNames(nameStems('ranker', none), nameStems('ranking model', none)));
    assert.ok(variantNames(nameStems('neural ranking', none), nameStems('ranker', none)));
    assert.ok(!variantNames(nameStems('reward model', none), nameStems('ranking model', none)));
    // Names made only of weak words ("neural network") are nobody's variant.
    assert.ok(!variantNames(nameStems('neural network', none), nameStems('graph neural network', none)));
  });

  it('an acronym is a variant of its long form and of a phrase within it', () => {
    const acronyms = acronymsIn('We use low-rank adaptation (LoRA).');
    assert.ok(variantNames(nameStems('lora', acronyms), nameStems('low rank', acronyms)));
    assert.ok(variantNames(nameStems('lora', acronyms), nameStems('low rank adaptation', acronyms)));
    assert.ok(!variantNames(nameStems('lora', new Map()), nameStems('low rank', new Map())));
  });
});

describe('grouping topics into fields', () => {
  const member = (entries: [number, number][], size = 5) => ({ centroid: vector(entries), papers: new Array(size) });

  it('groups topics whose papers read alike, by complete linkage: no chaining through a middle topic', () => {
    // a ~ b and b ~ c, but a and c share nothing.
    const members = [member([[1, 1], [2, 1]]), member([[1, 1], [2, 1], [3, 1], [4, 1]]), member([[3, 1], [4, 1]]), member([[9, 1]])];
    const groups = groupFields(members, 100, (_a, _b, s) => s >= 0.5);
    assert.deepStrictEqual(groups.map((g) => g.length).sort(), [1, 1, 2]);
    assert.ok(!groups.some((g) => g.includes(0) && g.includes(2)), 'a and c apart');
  });

  it('never grows a field past its size limit', () => {
    const members = [member([[1, 1]], 30), member([[1, 1]], 30), member([[1, 1]], 30)];
    assert.deepStrictEqual(groupFields(members, 60, () => true).map((g) => g.length).sort(), [1, 2]);
  });

  it('centroids keep their heaviest words, as unit vectors', () => {
    const c = centroid([vector([[1, 3], [2, 1]]), vector([[1, 3], [3, 1]])], 2);
    assert.strictEqual(c.ids[0], 1);
    assert.ok(Math.abs(c.values.reduce((s, x) => s + x * x, 0) - 1) < 1e-9);
  });

  it('word vectors leave out stop words and words in one paper of the sample only', () => {
    const table = new WordTable();
    const papers = ['reward signals for alignment', 'reward signals and zymurgy', 'diffusion for images', 'speech audio', 'graph nodes', 'protein folds'].map((t) => ({ title: tokenize(t, table), abstract: tokenize('', table) }));
    const space = new WordSpace(papers, table);
    const v = space.vector(papers[1]);
    assert.deepStrictEqual(Array.from(v.ids, (f) => table.folded[table.foldedId.indexOf(f)]).sort(), ['reward', 'signal']);
  });
});

describe('derived topics: merging, nesting, generic phrases', () => {
  const sample = fs.readFileSync(SAMPLE_DIGEST, 'utf8');
  const roots = computeTopicTree(topicPapers(libraryOf({ 'digests/sep8.txt': sample })), DEFAULT_TOPIC_OPTIONS, new PhraseCache());
  const all = flatten(roots);

  it('merges variant names into one topic whose phrases list them ("rankers" and "ranking models")', () => {
    const ranking = all.filter((n) => /ranker|ranking/.test(n.name));
    assert.strictEqual(ranking.length, 1, ranking.map((n) => n.name).join(', '));
    assert.deepStrictEqual([...ranking[0].phrases!].sort(), ['rankers', 'ranking models']);
    for (const k of ['neural-ranking-models', 'deep-look-neural', 'neural-rankers-effective']) assert.ok(ranking[0].papers.includes(k), k);
  });

  it('nests topics that read alike under the one that names their field', () => {
    const nested = roots.filter((n) => n.children.length);
    assert.ok(nested.length >= 2, `fields: ${nested.map((n) => n.name).join(', ')}`);
    for (const field of nested) {
      for (const child of field.children) {
        assert.ok(child.id.startsWith(`${field.id}/`), child.id);
        assert.ok(!field.phrases!.includes(child.name), 'a field is defined by its own phrases, not its subtopics');
        for (const k of child.papers) assert.ok(flatten([field]).some((n) => n.papers.includes(k)));
      }
      assert.ok(field.count >= Math.max(...field.children.map((c) => c.count)));
    }
    const peft = roots.find((n) => n.children.some((c) => c.name === 'parameter efficient'));
    assert.ok(peft && /low rank/.test(peft.name), 'parameter efficient is a subtopic of the low-rank field');
  });

  it('places nine in ten papers, and no topic holds more than a quarter of them', () => {
    const placed = new Set(all.flatMap((n) => n.papers));
    assert.ok(placed.size >= 0.9 * 89, `${placed.size} placed`);
    for (const n of roots) assert.ok(n.count <= 0.25 * 89, `${n.name}: ${n.count}`);
  });

  it('does not choose a phrase spread evenly over unrelated papers, however often it occurs', () => {
    // Eight themes of five papers; "careful recipe" in one paper of each, as often as any theme.
    const themes = [['reward model', 'preference pairs human raters'], ['image diffusion', 'denoising pixels noise schedule'], ['dense retrieval', 'passages queries index recall'],
      ['speech recognition', 'acoustic phonemes audio'], ['protein folding', 'amino acids structure'], ['machine translation', 'bilingual sentence pairs'],
      ['code generation', 'programs compilers unit tests'], ['weather forecasting', 'climate radar rainfall']];
    const papers: TopicPaper[] = [];
    for (let i = 0; i < 40; i++) {
      const [name, words] = themes[i % 8];
      const recipe = i < 8 ? ' We follow a careful recipe.' : '';
      papers.push({ key: `p${i}`, title: `${name} study ${i}`, abstract: `We study ${name} with ${words}.${recipe} Variant ${i}.`, topics: [], topicKind: 'tag' });
    }
    const topics = flatten(computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache()));
    const names = topics.map((n) => n.name);
    assert.ok(!names.some((n) => /recipe/.test(n)), names.join(', '));
    themes.forEach(([theme], t) => {
      const members = papers.filter((_, i) => i % 8 === t).map((p) => p.key);
      assert.ok(topics.some((n) => members.every((k) => n.papers.includes(k)) && n.papers.length === members.length), `a topic of the ${theme} papers in ${names.join(', ')}`);
    });
  });

  it('never chooses a hidden phrase, however written, and the papers go to other topics', () => {
    const papers = topicPapers(libraryOf({ 'digests/sep8.txt': sample }));
    const before = flatten(roots).find((n) => n.name === 'reward model')!;
    assert.ok(before, 'the sample has a "reward model" topic');
    const after = flatten(computeTopicTree(papers, { ...DEFAULT_TOPIC_OPTIONS, hidden: ['Reward-Models'] }, new PhraseCache()));
    assert.ok(!after.some((n) => /reward model/.test(n.name)), after.map((n) => n.name).join(', '));
    const placed = new Set(after.flatMap((n) => n.papers));
    assert.ok(before.papers.filter((k) => placed.has(k)).length >= before.papers.length / 2, 'most of its papers are placed elsewhere');
  });

  it('a passing mention of another topic does not place a paper under it', () => {
    const themes = [['federated learning', 'clients aggregation private updates'], ['reward models', 'preference pairs human raters'], ['image diffusion', 'denoising pixels noise schedule'],
      ['dense retrieval', 'passages queries index recall'], ['speech recognition', 'acoustic phonemes audio accents'], ['protein folding', 'amino acids structure contacts'],
      ['machine translation', 'bilingual sentence pairs corpora'], ['graph networks', 'nodes edges message passing']];
    const papers: TopicPaper[] = [];
    for (let i = 0; i < 48; i++) {
      const [name, words] = themes[i % 8];
      const aside = i % 8 === 1 && i < 24 ? ' Unlike federated learning, we train on one machine.' : '';
      papers.push({ key: `${i % 8}-${i}`, title: `${name} ${i}`, abstract: `We study ${name} with ${words}; ${name} matters.${aside}`, topics: [], topicKind: 'tag' });
    }
    const topics = flatten(computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache()));
    const names = topics.map((n) => n.name);
    const federated = topics.find((n) => n.name === 'federated learning');
    assert.ok(federated, names.join(', '));
    assert.deepStrictEqual(federated.papers.filter((k) => !k.startsWith('0-')), []);
    // A turn of phrase every abstract of a theme shares ("... matters") is not taken for its name.
    assert.ok(names.includes('reward models') && !names.some((n) => /matters/.test(n)), names.join(', '));
  });
});

describe('derived topics on a larger labelled set (arXiv papers gathered by topic)', () => {
  const digest = fs.readFileSync(path.join(FIXTURES, 'topics/arxiv-topics.json'), 'utf8');
  const labels: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'topics/arxiv-topics-labels.json'), 'utf8')).groups;
  const papers = topicPapers(libraryOf({ 'digests/arxiv-topics.json': digest }));
  const roots = computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache());
  const labelOf = new Map(papers.map((p) => [p.key, labels[p.title][0]]));

  it('shows a topic by the full term its papers write, not a fragment of it', () => {
    const names = roots.map((n) => n.name);
    for (const name of ['retrieval augmented generation', 'state space models', 'sleep stage classification', 'time series']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.ok(!names.includes('augmented generation') && !names.includes('space models'), names.join(', '));
  });

  it('takes no word for a topic that the abstracts use a lot but titles hardly ever', () => {
    const names = roots.map((n) => n.name);
    for (const word of ['class', 'channel', 'development', 'binary', 'semantic']) assert.ok(!names.includes(word), `${word} in ${names.join(', ')}`);
  });

  it('has few top-level topics beyond the labels, and most labels have a topic of their own', () => {
    assert.ok(roots.length <= 40, `${roots.length} top-level topics for 20 labels`);
    const labelNames = [...new Set(labelOf.values())];
    const own = labelNames.filter((label) => {
      const members = papers.filter((p) => labelOf.get(p.key) === label).map((p) => p.key);
      return roots.some((n) => {
        const inside = members.filter((k) => n.papers.includes(k)).length;
        return inside >= 0.6 * members.length && inside >= 0.6 * n.papers.length;
      });
    });
    assert.ok(own.length >= 15, `labels with a topic of their own: ${own.join(', ')}`);
  });
});
