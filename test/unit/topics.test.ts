import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeTopicTree, PhraseCache, sameTopicInput, TopicNode, DEFAULT_TOPIC_OPTIONS, TopicOptions, TopicPaper, topicPapers } from '../../server/src/topics/topics';
import { parseFile } from '../../server/src/parse/parseFile';
import type { Text } from '../../server/src/parse/types';
import type { Library } from '../../server/src/model/library';
import { readRoots, TopicsComputed, TopicsWorkerClient } from '../../server/src/topics/topicsClient';
import { renamePapers } from '../../server/src/topics/topicView';
import { Restarts } from '../../server/src/runtime/workerHost';
import { replyOf } from '../../server/src/topics/topicsRequest';
import { batchPapers, encodeTopicPapers, TopicBatch } from '../../server/src/topics/topicBatch';
import { Slice } from '../../server/src/runtime/scheduler';
import { inSample, sampleIndexes, sampleRate, SELECTION_SAMPLE } from '../../server/src/topics/derivedTopics';
import { keyHash } from '../../server/src/topics/hash53';
import { exampleLibraryFiles, libraryOf, SAMPLE_DIGEST, uriFor } from './helpers';

function tree(lib: Library, options: Partial<TopicOptions> = {}): TopicNode[] {
  return computeTopicTree(topicPapers(lib), { ...DEFAULT_TOPIC_OPTIONS, ...options }, new PhraseCache());
}

function flatten(nodes: TopicNode[]): TopicNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

describe('topics derived from the sample digest', () => {
  const sample = fs.readFileSync(SAMPLE_DIGEST, 'utf8');
  const lib = libraryOf({ 'digests/sep8.txt': sample });
  const roots = tree(lib);
  const all = flatten(roots);
  const together = (keys: string[], atLeast = keys.length) =>
    all.some((n) => keys.filter((k) => n.papers.includes(k)).length >= atLeast);

  it('puts most papers under some topic, and no topic holds nearly everything', () => {
    const placed = new Set(all.flatMap((n) => n.papers));
    assert.ok(placed.size >= 0.7 * 89, `only ${placed.size} of 89 papers placed`);
    for (const n of roots) assert.ok(n.count <= 0.25 * 89, `${n.name} holds ${n.count}`);
    assert.ok(roots.every((n) => n.kind === 'derived'));
  });

  it('groups the papers a researcher would group', () => {
    assert.ok(together(['efficient-deweather-mixture-of-experts', 'home', 'dmoerm', 'contrastive-learning-mixture'], 3), 'mixture-of-experts papers');
    assert.ok(together(['rewardbench-2', 'rag-rewardbench', 'dmoerm', 'worldpm', 'preference-free-alignment-learning'], 3), 'reward-model papers');
    assert.ok(together(['kalm-embedding-v2', 'mmteb', 'improving-general-text', 'lg-anna-embedding-technical-report'], 3), 'text-embedding papers');
    assert.ok(together(['compacter', 'kasa', 'nola', 'list', 'quantized-side-tuning', 'sara'], 3), 'parameter-efficient fine-tuning papers');
    assert.ok(together(['neural-ranking-models', 'deep-look-neural', 't2ranking', 'training-curricula-open', 'neural-rankers-effective'], 3), 'retrieval and ranking papers');
  });

  it('names topics by the phrase as a reader would say it', () => {
    const names = all.map((n) => n.name);
    for (const expected of ['mixture of experts', 'reward model', 'text embedding']) assert.ok(names.includes(expected), `${expected} not in ${names.join(', ')}`);
  });

  it('lists each paper under at most maxPerPaper derived topics', () => {
    const perPaper = new Map<string, number>();
    for (const n of roots) for (const k of n.papers) perPaper.set(k, (perPaper.get(k) ?? 0) + 1);
    assert.ok(Math.max(...perPaper.values()) <= 3);
    const one = flatten(tree(lib, { maxPerPaper: 1 })).filter((n) => n.id.split('/').length === 1);
    const counts = new Map<string, number>();
    for (const n of one) for (const k of n.papers) counts.set(k, (counts.get(k) ?? 0) + 1);
    assert.ok(Math.max(...counts.values()) === 1);
  });

  it('is deterministic: the same library gives the same tree, whatever the file order', () => {
    assert.deepStrictEqual(tree(libraryOf({ 'digests/sep8.txt': sample })), roots);
    const split = sample.split('\n\n');
    const half = Math.floor(split.length / 2) | 1;
    const a = split.slice(0, half).join('\n\n'), b = 'Sep 8\n\n' + split.slice(half).join('\n\n');
    const t1 = tree(libraryOf({ 'digests/a.txt': a, 'digests/b.txt': b }));
    const t2 = tree(libraryOf({ 'digests/b.txt': b, 'digests/a.txt': a }));
    assert.deepStrictEqual(t1, t2);
  });

  it("the user's vocabulary takes precedence over derived topics", () => {
    const t = tree(lib, { vocabulary: { 'Reward modelling': ['reward model', 'RLHF'] } });
    const vocab = t.find((n) => n.kind === 'vocabulary')!;
    assert.strictEqual(vocab.name, 'Reward modelling');
    assert.ok(vocab.papers.includes('rewardbench-2'));
    const derived = flatten(t.filter((n) => n.kind === 'derived'));
    assert.ok(!derived.some((n) => n.papers.includes('rewardbench-2')), 'a vocabulary paper gets no derived topics');
  });

  it('derives nothing when litnotes.topics.auto is off', () => {
    assert.deepStrictEqual(tree(lib, { auto: false }), []);
  });
});

describe('topics from tags and folders', () => {
  const roots = tree(libraryOf(exampleLibraryFiles()));
  const find = (path: string[], nodes = roots): TopicNode | undefined => {
    const [head, ...rest] = path;
    const n = nodes.find((x) => x.name === head);
    return n && rest.length ? find(rest, n.children) : n;
  };

  it('nests tags written as a/b, and counts papers', () => {
    const evaluation = find(['evaluation'])!;
    assert.strictEqual(evaluation.kind, 'tag');
    assert.deepStrictEqual(find(['evaluation', 'truthfulness'])!.papers, ['lin2022truthfulqa']);
    assert.strictEqual(evaluation.count, 1);
    assert.deepStrictEqual(find(['MOT'])!.papers, ['sunTransTrackMultipleObjectTracking2020']);
    assert.deepStrictEqual(find(['low-rank adaptation'])!.papers, ['jiang2024kasa']);
  });

  it('uses the folder path for notes without tags', () => {
    const leaf = find(['04-multimodal', 'vlm', 'efficiency'])!;
    assert.strictEqual(leaf.kind, 'folder');
    assert.deepStrictEqual(leaf.papers, ['DART_2025']);
    assert.strictEqual(find(['04-multimodal'])!.count, 1);
  });

  it('tagged and folder papers are not given derived topics', () => {
    const derived = flatten(roots.filter((n) => n.kind === 'derived'));
    for (const k of ['lin2022truthfulqa', 'DART_2025', 'jiang2024kasa']) assert.ok(!derived.some((n) => n.papers.includes(k)), k);
  });
});

describe('the topics worker', function () {
  this.timeout(30000);
  const WORKER = path.resolve(__dirname, '../../server/src/topics/topicsWorker.js');
  const lib = libraryOf({ 'digests/sep8.txt': fs.readFileSync(SAMPLE_DIGEST, 'utf8') });
  const papers = topicPapers(lib);
  /** The reply's tree by key: it names papers by their places in the batch sent (`sent`). */
  const keyed = (reply: TopicsComputed, sent: readonly TopicPaper[] = papers) => reply.tree && renamePapers(reply.tree, (i) => sent[i].key);

  it('computes the same tree as the module itself, off the calling thread', async () => {
    const client = new TopicsWorkerClient(WORKER, () => undefined);
    try {
      const batch = await encodeTopicPapers(papers, new Slice());
      const reply = await client.compute(batch, DEFAULT_TOPIC_OPTIONS);
      assert.strictEqual(reply.error, undefined);
      assert.deepStrictEqual(keyed(reply), tree(lib));
      assert.strictEqual(batch.meta, '', 'the batch\'s metadata not held here once sent');
      const placed = new Set(flatten(keyed(reply)!).flatMap((n) => n.papers));
      assert.deepStrictEqual(reply.unplaced!.map((i) => papers[i].key), papers.map((p) => p.key).filter((k) => !placed.has(k)), 'the papers in no topic, by their places too');
    } finally {
      await client.dispose();
    }
  });

  it('sends the tree a top-level node at a time, its papers by their places in the batch, which the server thread parses giving way between', async () => {
    const expected = tree(lib);
    const keys = papers.map((p) => p.key);
    const { roots, unplaced } = replyOf(1, { tree: expected, unplaced: [keys[3], 'not-in-the-batch'], keys, ms: 1 });
    assert.deepStrictEqual([roots!.length, unplaced], [expected.length, [3]], 'a key the batch does not have is left out');
    let gaveWay = 0;
    const slice = { spent: () => true, giveWay: async () => { gaveWay++; } } as unknown as Slice;
    const read = await readRoots(roots!, slice);
    assert.ok(read.every((n) => n.papers.every((i) => typeof i === 'number')));
    assert.deepStrictEqual(renamePapers(read, (i) => keys[i]), expected);
    assert.strictEqual(gaveWay, expected.length);
  });

  it('with a vocabulary (which needs the text, not only tokens), computes the same tree as the module itself', async () => {
    const options = { ...DEFAULT_TOPIC_OPTIONS, vocabulary: { 'Reward modelling': ['reward model', 'RLHF'], Retrieval: ['retriev'] } };
    const client = new TopicsWorkerClient(WORKER, () => undefined);
    try {
      const reply = await client.compute(await encodeTopicPapers(papers, new Slice()), options);
      assert.strictEqual(reply.error, undefined);
      assert.ok(reply.tree!.some((n) => n.kind === 'vocabulary' && n.count > 0));
      assert.deepStrictEqual(keyed(reply), computeTopicTree(papers, options, new PhraseCache()));
    } finally {
      await client.dispose();
    }
  });

  it('with a cache folder, a second computation of the same papers reads the tree back, and a changed paper is derived again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-topics-'));
    const client = new TopicsWorkerClient(WORKER, () => undefined);
    try {
      const first = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS, dir);
      assert.strictEqual(first.cached, undefined);
      assert.strictEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.json')).length, 1);
      const again = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS, dir);
      assert.strictEqual(again.cached, true);
      assert.deepStrictEqual(again.tree, first.tree);
      assert.deepStrictEqual(keyed(again), tree(lib), 'the kept tree, by the same keys');
      const changed = papers.map((p, i) => (i === 0 ? { ...p, title: `${p.title} (revised)` } : p));
      const third = await client.compute(await encodeTopicPapers(changed, new Slice()), DEFAULT_TOPIC_OPTIONS, dir);
      assert.strictEqual(third.cached, undefined);
      assert.deepStrictEqual(keyed(third, changed), computeTopicTree(changed, DEFAULT_TOPIC_OPTIONS, new PhraseCache()));
    } finally {
      await client.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker that stops mid-computation answers with an error, and the next computation starts a new one', async () => {
    const logs: string[] = [];
    const client = new TopicsWorkerClient(WORKER, (l) => logs.push(l));
    try {
      // The computation never reaches this worker, so it cannot answer in the moment before
      // terminate() takes effect (a race that made the stopped-worker test of search.test.ts flaky).
      const worker = (client as unknown as { start(): { worker: import('worker_threads').Worker } }).start().worker;
      worker.postMessage = () => undefined;
      const computing = client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      await worker.terminate();
      const failed = await computing; // before, this waited forever
      assert.match(failed.error ?? '', /the topics worker stopped \(exit code \d+\)/);
      assert.ok(logs.some((l) => /topics worker stopped/.test(l)), logs.join('\n'));
      const again = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      assert.strictEqual(again.error, undefined);
      assert.ok(again.tree!.length > 0);
    } finally {
      await client.dispose();
    }
  });
  it('a computation that takes longer than its time limit is stopped with an error, and the next computation starts a new worker', async () => {
    const logs: string[] = [];
    const limits: number[] = [];
    const client = new TopicsWorkerClient(WORKER, (l) => logs.push(l), undefined, (count) => { limits.push(count); return limits.length === 1 ? 300 : 60_000; });
    try {
      // A worker that never answers: as one caught in a loop on some input would not.
      const worker = (client as unknown as { start(): { worker: import('worker_threads').Worker } }).start().worker;
      worker.postMessage = () => undefined;
      const started = Date.now();
      const stuck = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      assert.match(stuck.error ?? '', /took longer than 0 s, so it was stopped/);
      assert.ok(Date.now() - started >= 300, `answered after ${Date.now() - started} ms`);
      assert.ok(logs.some((l) => /topics worker stopped: the computation took longer than/.test(l)), logs.join('\n'));
      assert.deepStrictEqual(limits, [papers.length], 'the limit is asked for the batch\'s number of papers');
      const again = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      assert.strictEqual(again.error, undefined);
      assert.deepStrictEqual(keyed(again), tree(lib));
    } finally {
      await client.dispose();
    }
  });
  it('a worker that keeps stopping is restarted three times, then topics are off with an error saying so, until those restarts age out', async () => {
    const logs: string[] = [];
    let now = 0;
    const client = new TopicsWorkerClient(WORKER, (l) => logs.push(l), new Restarts(3, 60_000, () => now));
    try {
      const crash = () => (client as unknown as { start(): { worker: import('worker_threads').Worker } }).start().worker.terminate();
      for (let i = 0; i < 4; i++) await crash();
      assert.strictEqual(logs.filter((l) => /topics worker stopped/.test(l)).length, 4, logs.join('\n'));
      const off = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      assert.match(off.error ?? '', /stopped too often \(restarted 3 times within a minute\); topics are off until that is over/);
      now = 60_001; // the three restarts are out of the window
      const again = await client.compute(await encodeTopicPapers(papers, new Slice()), DEFAULT_TOPIC_OPTIONS);
      assert.strictEqual(again.error, undefined);
      assert.deepStrictEqual(keyed(again), tree(lib));
    } finally {
      await client.dispose();
    }
  });
});

describe('the sample a large library\'s topics are chosen on', () => {
  const sampledKeys = (keys: string[]) => sampleIndexes(keys).map((i) => keys[i]);

  it('holds every paper of a small library, and a share of a large one that steps down as it grows', () => {
    const size = SELECTION_SAMPLE[0];
    assert.deepStrictEqual([sampleRate(10), sampleRate(size), sampleRate(size * 1.125 - 1)], [1, 1, 1]);
    for (const n of [2250, 2600, 10_000, 116_079, 1_000_000]) {
      const rate = sampleRate(n);
      assert.ok(rate < 1 && n * rate >= size && n * rate < size * 1.125, `${n} papers: rate ${rate}`);
      const keys = Array.from({ length: n }, (_, i) => `smith${2000 + (i % 25)}${['deep', 'graph', 'learning'][i % 3]}${i}`);
      const sampled = sampleIndexes(keys).length;
      // A share of the papers by their keys' hashes: near the expected size, not exactly it.
      assert.ok(Math.abs(sampled - n * rate) < 4 * Math.sqrt(n * rate), `${n} papers: ${sampled} sampled, ~${Math.round(n * rate)} expected`);
    }
  });

  it('keeps each paper in or out of it as others come and go, whatever their order', () => {
    const keys = Array.from({ length: 27_000 }, (_, i) => `paper${i}`);
    const more = [...keys, ...Array.from({ length: 500 }, (_, i) => `added${i}`)];
    assert.strictEqual(sampleRate(keys.length), sampleRate(more.length));
    const before = sampledKeys(keys);
    const after = new Set(sampledKeys(more));
    assert.deepStrictEqual(before.filter((k) => after.has(k)), before, 'every paper sampled before still is');
    assert.deepStrictEqual([...after].filter((k) => !k.startsWith('added')), before, 'and no other that was there before');
    assert.deepStrictEqual(new Set(sampledKeys([...more].reverse())), after, 'the same papers, in any order');
  });

  it('is taken evenly spaced when the keys were made to miss it', () => {
    const n = 3000, rate = sampleRate(n);
    const evil: string[] = [];
    for (let i = 0; evil.length < n; i++) if (!inSample(keyHash(`evil${i}`), rate)) evil.push(`evil${i}`);
    const sampled = sampleIndexes(evil);
    assert.strictEqual(sampled.length, SELECTION_SAMPLE[0]);
    assert.ok(sampled[0] === 0 && sampled[sampled.length - 1] >= n - 2, 'spread over all the papers');
  });
});

describe('papers sent to the topics worker as one byte buffer', () => {
  const papers: TopicPaper[] = [
    { key: 'a', title: 'Café naïve “quoted” 日本語 \ud83d\ude00', abstract: 'Line one\nline two, tab\t.', topics: ['x/y', 'with\nnewline'], topicKind: 'tag' },
    { key: 'b', title: '', abstract: '', topics: [], topicKind: 'folder' },
    ...Array.from({ length: 3000 }, (_, i): TopicPaper => ({ key: `k${i}`, title: `Title ${i}`, abstract: 'word '.repeat(i % 50), topics: i % 7 ? [] : [`t${i % 3}`], topicKind: 'tag' })),
    // Three bytes per character, far past the room made for one: the buffer has to grow.
    ...Array.from({ length: 500 }, (_, i): TopicPaper => ({ key: `u${i}`, title: `日本語 ${i}`, abstract: 'é日本 '.repeat(30), topics: [], topicKind: 'tag' })),
  ];

  /** Every paper of a batch as plain strings, to compare with what was sent. */
  const decodeTopicPapers = (batch: TopicBatch): TopicPaper[] =>
    batchPapers(batch).map(({ key, title, abstract, topics, topicKind }) => ({ key, title, abstract, topics, topicKind }));

  it('come back exactly as they were, whatever the text', async () => {
    assert.deepStrictEqual(decodeTopicPapers(await encodeTopicPapers(papers, new Slice())), papers);
  });

  it('are encoded a slice at a time, letting the thread answer requests between slices', async () => {
    let pauses = 0;
    const slice = new (class extends Slice {
      override async giveWay(): Promise<void> { pauses++; await super.giveWay(); }
    })();
    const slow = Array.from({ length: 20000 }, (_, i): TopicPaper => ({ key: `k${i}`, title: 'T', abstract: 'an abstract of some length '.repeat(40), topics: [], topicKind: 'tag' }));
    const batch = await encodeTopicPapers(slow, slice);
    assert.ok(pauses > 0, 'never paused');
    assert.strictEqual(decodeTopicPapers(batch).length, slow.length);
  });
});

describe('the token cache, for papers read in place from a batch', () => {
  const paper = (key: string, title: string, abstract: string): TopicPaper => ({ key, title, abstract, topics: [], topicKind: 'tag' });
  const inBatch = async (papers: TopicPaper[]) => batchPapers(await encodeTopicPapers(papers, new Slice()));
  const words = (cache: PhraseCache, ids: Uint32Array) => Array.from(ids, (id) => (id === 0 ? '|' : cache.table.words[id]));

  it('tokenizes the bytes as it would the strings', async () => {
    const papers = [paper('a', 'Reward models, for RAG', 'See https://x.y/z. Café “naïve” mixture-of-experts.'), paper('b', '', '')];
    const cache = new PhraseCache();
    const strings = new PhraseCache();
    for (const [i, p] of (await inBatch(papers)).entries()) {
      const got = cache.doc(p).tokens, want = strings.doc(papers[i]).tokens;
      assert.deepStrictEqual([words(cache, got.title), words(cache, got.abstract)], [words(strings, want.title), words(strings, want.abstract)]);
    }
  });

  it('reuses a paper\'s tokens while its bytes are the same, and tokenizes it again when they change', async () => {
    // Same length, one letter changed; and the same bytes split differently between title and abstract.
    for (const [title, abstract] of [['Reward models', 'Dense retrieval for rankinG.'], ['Reward', ' modelsDense retrieval for ranking.']]) {
      const cache = new PhraseCache();
      const [first] = await inBatch([paper('a', 'Reward models', 'Dense retrieval for ranking.')]);
      const tokens = cache.doc(first).tokens;
      const [same] = await inBatch([paper('a', 'Reward models', 'Dense retrieval for ranking.')]);
      assert.deepStrictEqual(cache.doc(same).tokens, tokens, 'the same text in a new batch');
      assert.strictEqual(cache.tokenized, 1, 'the same text in a new batch is not tokenized again');
      const [changed] = await inBatch([paper('a', title, abstract)]);
      const again = cache.doc(changed).tokens;
      assert.strictEqual(cache.tokenized, 2, `${title} | ${abstract}`);
      const fresh = new PhraseCache();
      const want = fresh.doc(paper('a', title, abstract)).tokens;
      assert.deepStrictEqual([words(cache, again.title), words(cache, again.abstract)], [words(fresh, want.title), words(fresh, want.abstract)]);
    }
  });
});

describe('whether an edit changed what topics read', () => {
  const files = exampleLibraryFiles();
  const rel = 'notes/lin2022truthfulqa.md';
  const noWait = () => Promise.resolve();
  const edited = (text: string) => {
    const library = libraryOf(files);
    const before = [...library.papers()]; // patches replace papers in the library's own list
    library.setFile(parseFile(uriFor(rel), rel, 'note', text).entry);
    library.rebuild();
    return { library, before, now: library.papers() };
  };

  it('not by an edit of a note\'s body: the same input, whether the papers are the same objects or not', async () => {
    const { library, before, now } = edited(`${files[rel]}\nA line at the end of the notes.\n`);
    assert.notDeepStrictEqual(now.find((p) => p.key === 'lin2022truthfulqa'), before.find((p) => p.key === 'lin2022truthfulqa'), 'the paper changed');
    assert.strictEqual(await sameTopicInput(before, now, library.texts, noWait), true);
    assert.strictEqual(await sameTopicInput(now, now, library.texts, noWait), true);
  });

  for (const [what, text] of [
    ['its title', files[rel].replace('title: TruthfulQA', 'title: TruthfulQB')],
    ['its tags', files[rel].replace('tags: [', 'tags: [extra, ')],
    ['its abstract', files[rel].replace('tags: [', 'abstract: A new abstract of this paper.\ntags: [')],
    ['its key', files[rel].replace('citekey: lin2022truthfulqa', 'citekey: lin2022other')],
  ]) {
    it(`by an edit of ${what}`, async () => {
      const { library, before, now } = edited(text);
      assert.strictEqual(await sameTopicInput(before, now, library.texts, noWait), false);
    });
  }

  it('reads a stored abstract only to compare it with one in memory, and finds the same text the same', async () => {
    const library = libraryOf(files);
    const papers = library.papers();
    const withAbstract = papers.findIndex((p) => typeof p.abstract === 'string' && p.abstract.length > 20);
    const stored = { file: 7, at: 0, bytes: Buffer.byteLength(papers[withAbstract].abstract as string) };
    const reads: unknown[] = [];
    const reader = { text: (t: Text) => { reads.push(t); return typeof t === 'string' ? t : (papers[withAbstract].abstract as string); } };
    const moved = papers.map((p, i) => (i === withAbstract ? { ...p, abstract: stored } : p));
    assert.strictEqual(await sameTopicInput(papers, moved, reader, noWait), true);
    assert.deepStrictEqual(reads.filter((t) => typeof t !== 'string'), [stored]);
    const other = { text: (t: Text) => (typeof t === 'string' ? t : 'something else') };
    assert.strictEqual(await sameTopicInput(papers, moved, other, noWait), false);
  });
});
