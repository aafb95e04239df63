import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closeTextStore, openTextStore, readStored, StoredRead, storeTexts, TextReader, TextStoreLocation, TextWriter } from '../../server/src/runtime/textStore';
import { sameText } from '../../server/src/model/sameText';
import type { Text } from '../../server/src/parse/types';
import { Library } from '../../server/src/model/library';
import { libraryOf, SAMPLE_DIGEST } from './helpers';
import { topicPaper, topicPapers } from '../../server/src/topics/topics';
import { batchPapers, encodeTopicPapers, inlineWindow, keywordsAfterAbstract, visitInWindows, windowsOf, withStoredAbstracts } from '../../server/src/topics/topicBatch';
import { paperDigests, topicsCacheKey } from '../../server/src/topics/topicsCache';
import { computeTopicTree, DEFAULT_TOPIC_OPTIONS, PhraseCache, TopicNode, TopicPaper, UnreadTopicPaper } from '../../server/src/topics/topics';
import { answerTopics, TopicsWorkerRequest } from '../../server/src/topics/topicsRequest';
import { sampleIndexes } from '../../server/src/topics/derivedTopics';
import { Slice } from '../../server/src/runtime/scheduler';
import { resolveTexts, SearchDoc } from '../../server/src/search/documents';

/** The request as one answerTopics takes it: a copy, since it reads its batch's metadata once and lets it go (these tests reuse a batch). */
const anew = (request: TopicsWorkerRequest): TopicsWorkerRequest => ({ ...request, batch: { ...request.batch } });

describe('the text store', () => {
  let parent: string;
  beforeEach(() => { parent = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-texts-test-')); });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  const long = (s: string) => s.repeat(Math.ceil(80 / s.length));

  /** The library again, its files as a parse worker sends them: long texts in a new store. */
  let lastStore: TextStoreLocation | undefined;
  function storedCopy(lib: Library): Library {
    const store = (lastStore = openTextStore(parent));
    const writer = new TextWriter(store, 1, (line) => assert.fail(line));
    const copy = new Library();
    for (const f of lib.allFiles()) {
      const entry = JSON.parse(JSON.stringify(f));
      storeTexts(entry.sources, writer);
      copy.setFile(entry);
    }
    writer.flush();
    copy.texts = new TextReader(store);
    copy.rebuild();
    return copy;
  }

  it('stores bytes as they are, beside texts, and reads them back byte for byte', () => {
    const store = openTextStore(parent);
    const writer = new TextWriter(store, 1, (line) => assert.fail(line));
    const values = [Buffer.from(long('Ünïcödé — 日本語 🙂 '), 'utf8'), Buffer.from([0xff, 0xfe, 0x00, ...Buffer.alloc(100, 0x80)]), Buffer.alloc(2 * 1024 * 1024 + 3, 0x41)];
    const holders: { data?: Text | Uint8Array }[] = values.map((data) => ({ data }));
    holders.splice(1, 0, { data: long('a text between ') });
    for (const h of holders) writer.store(h, 'data');
    assert.ok(writer.flush());
    assert.ok(holders.every((h) => typeof h.data === 'object' && !(h.data instanceof Uint8Array)), 'each is a reference now');
    const reader = new TextReader(store);
    assert.deepStrictEqual([0, 2, 3].map((i) => reader.bytes(holders[i].data as Exclude<Text, string>)), values);
    assert.strictEqual(reader.text(holders[1].data as Text), long('a text between '));
    reader.close();
    writer.close();
    closeTextStore(store);
  });

  it('moves long texts to the writer\'s file and reads them back by offset, in any script and of any size', () => {
    const store = openTextStore(parent);
    const writer = new TextWriter(store, 1, (line) => assert.fail(line));
    const texts = [long('plain ascii '), long('Ünïcödé — “quotes” 日本語 🙂 '), 'x'.repeat(3 * 1024 * 1024), long('after the big one ')];
    const sources = texts.map((abstract) => ({ abstract, summary: 'short stays', body: long('body ') as Text }));
    storeTexts(sources, writer);
    assert.ok(writer.flush());
    for (const s of sources) {
      assert.strictEqual(typeof s.abstract, 'object', 'a long text is a reference now');
      assert.strictEqual(s.summary, 'short stays', 'a short text stays in memory');
    }
    const reader = new TextReader(store);
    assert.deepStrictEqual(sources.map((s) => reader.text(s.abstract)), texts);
    assert.strictEqual(reader.text(sources[2].body), long('body '));
    reader.close();
    writer.close();
    closeTextStore(store);
    assert.strictEqual(fs.existsSync(store.dir), false, 'the folder goes when the server exits');
  });

  it('reads many texts at once, in any order, across chunk boundaries, far apart or close together, from two files, and throws for one that is not there', () => {
    const store = openTextStore(parent);
    const writers = [1, 2].map((file) => new TextWriter(store, file, (line) => assert.fail(line)));
    const holders = Array.from({ length: 3000 }, (_, i) => ({ abstract: `${i} ${'wörd '.repeat(i % 7 === 0 ? 2000 : 300)}` as Text }));
    holders.push({ abstract: 'y'.repeat(5 * 1024 * 1024) });
    const texts = holders.map((h) => h.abstract as string);
    holders.forEach((h, i) => writers[i % 2].store(h, 'abstract'));
    writers.forEach((w) => w.flush());
    const order = holders.map((_, i) => i).sort((a, b) => ((a * 7919) % 3001) - ((b * 7919) % 3001));
    const outs = holders.map((h) => new Uint8Array((h.abstract as { bytes: number }).bytes + 2));
    const wanted: StoredRead[] = order.map((i) => ({ ref: holders[i].abstract as StoredRead['ref'], into: outs[i], offset: 1 }));
    readStored(store, wanted);
    assert.ok(outs.every((o, i) => Buffer.from(o.subarray(1, o.length - 1)).toString('utf8') === texts[i]));
    // Texts far apart (each read on its own) and close together (read through), in one call.
    const some = order.filter((i) => i % 40 === 0 || (i > 1000 && i < 1010));
    const fresh = some.map((i) => new Uint8Array((holders[i].abstract as { bytes: number }).bytes));
    readStored(store, some.map((i, k) => ({ ref: holders[i].abstract as StoredRead['ref'], into: fresh[k], offset: 0 })));
    assert.deepStrictEqual(fresh.map((o) => Buffer.from(o).toString('utf8')), some.map((i) => texts[i]));
    assert.throws(() => readStored(store, [{ ref: { file: 1, at: 1e12, bytes: 10 }, into: new Uint8Array(10), offset: 0 }]), /shorter than its texts/);
    assert.throws(() => readStored(store, [{ ref: { file: 9, at: 0, bytes: 10 }, into: new Uint8Array(10), offset: 0 }]), /ENOENT/);
  });

  it('gives a full-text worker its documents\' texts, stored or not, in one pass; a text that cannot be read stops the build', () => {
    const store = openTextStore(parent);
    const writer = new TextWriter(store, 1, (line) => assert.fail(line));
    const texts = [long('first abstract, ünïcode '), 'short', long('a note body '), '', long('third 日本語 ')];
    const docs: SearchDoc[] = [0, 2].map((i) => ({ id: `d${i}`, title: 't', authors: '', abstract: texts[i], body: texts[i + 1] }));
    docs.push({ id: 'd4', title: 't', authors: '', abstract: texts[4], body: '' });
    for (const d of docs) { writer.store(d, 'abstract'); writer.store(d, 'body'); }
    writer.flush();
    assert.strictEqual(typeof docs[0].abstract, 'object');
    const copy = JSON.parse(JSON.stringify(docs));
    const resolved = resolveTexts(docs, (wanted) => readStored(store, wanted));
    assert.deepStrictEqual(resolved.map((d) => [d.abstract, d.body]), [[texts[0], texts[1]], [texts[2], texts[3]], [texts[4], '']]);
    closeTextStore(store);
    assert.throws(() => resolveTexts(copy, (wanted) => readStored(store, wanted)), /ENOENT/);
  });

  it('gives the texts back to what held them when its file cannot be written, and says so', () => {
    const store = openTextStore(parent);
    const problems: string[] = [];
    const writer = new TextWriter(store, 1, (line) => problems.push(line));
    const source: { abstract?: Text } = { abstract: long('an abstract ') };
    storeTexts([source], writer);
    fs.rmSync(store.dir, { recursive: true, force: true });
    assert.strictEqual(writer.flush(), false);
    assert.strictEqual(source.abstract, long('an abstract '));
    assert.match(problems.join('\n'), /text store: cannot write .*texts stay in memory/);
    const later: { abstract?: Text } = { abstract: long('later ') };
    storeTexts([later], writer);
    assert.strictEqual(later.abstract, long('later '), 'a failed store is not used again');
  });

  it('gives bytes meant as a text back as that text when they cannot be written, never as bytes', () => {
    const store = openTextStore(parent);
    const writer = new TextWriter(store, 1, () => undefined);
    const text = long('naïve 😀 ');
    const source = { abstract: Buffer.from(text, 'utf8') as unknown as Text, summary: Buffer.from('short', 'utf8') as unknown as Text };
    storeTexts([source], writer);
    assert.strictEqual(source.summary, 'short', 'bytes too short to store are made a text at once');
    assert.strictEqual(typeof source.abstract, 'object');
    fs.rmSync(store.dir, { recursive: true, force: true });
    assert.strictEqual(writer.flush(), false);
    assert.strictEqual(source.abstract, text);
    const later = { abstract: Buffer.from(text, 'utf8') as unknown as Text };
    storeTexts([later], writer);
    assert.strictEqual(later.abstract, text, 'and so once the store has failed');
  });

  it('never writes through a link put where its file goes', () => {
    const store = openTextStore(parent);
    const userFile = path.join(parent, 'user-file.txt');
    fs.writeFileSync(userFile, 'mine\n');
    fs.symlinkSync(userFile, path.join(store.dir, '1.utf8'));
    const problems: string[] = [];
    const writer = new TextWriter(store, 1, (line) => problems.push(line));
    const source: { abstract?: Text } = { abstract: long('text ') };
    storeTexts([source], writer);
    assert.strictEqual(writer.flush(), false);
    assert.strictEqual(fs.readFileSync(userFile, 'utf8'), 'mine\n');
    assert.strictEqual(source.abstract, long('text '));
  });

  it('removes the folders of servers that are no longer running, and keeps those of running ones', () => {
    const gone = path.join(parent, '999999999-abc'), alive = path.join(parent, `${process.ppid}-def`);
    for (const d of [gone, alive]) { fs.mkdirSync(d); fs.writeFileSync(path.join(d, '1.utf8'), 'x'); }
    const store = openTextStore(parent);
    assert.strictEqual(fs.existsSync(gone), false);
    assert.strictEqual(fs.existsSync(alive), true);
    assert.strictEqual(path.dirname(store.dir), parent);
  });

  it('reads a text whose file went away as empty, and says so once', () => {
    const store = openTextStore(parent);
    const writer = new TextWriter(store, 1, () => undefined);
    const source: { abstract?: Text } = { abstract: long('gone ') };
    storeTexts([source], writer);
    writer.flush();
    closeTextStore(store);
    const problems: string[] = [];
    const reader = new TextReader(store, (line) => problems.push(line));
    assert.strictEqual(reader.text(source.abstract!), '');
    assert.strictEqual(reader.text(source.abstract!), '');
    assert.strictEqual(problems.length, 1);
  });

  it('compares texts by place and length before reading them', () => {
    let reads = 0;
    const reader = { text: (t: Text) => { reads++; return typeof t === 'string' ? t : 'same'; } };
    const a = { file: 1, at: 0, bytes: 4 }, b = { file: 2, at: 8, bytes: 4 }, c = { file: 1, at: 0, bytes: 9 };
    assert.ok(sameText(a, { ...a }, reader));
    assert.ok(!sameText(a, c, reader));
    assert.strictEqual(reads, 0);
    assert.ok(sameText(a, b, reader));
    assert.ok(sameText(a, 'same', reader));
    assert.ok(!sameText('one', 'two', reader));
  });

  it('lets the library read a paper\'s stored abstract and note summary, and drop a summary that repeats the abstract', () => {
    const abstract = long('The abstract of the paper. ').trim();
    const lib = libraryOf({
      'notes/a.md': `---\ncitekey: a\ntitle: A paper\nabstract: "${abstract}"\n---\n\n${abstract}\n`,
      'notes/b.md': `---\ncitekey: b\ntitle: B paper\nabstract: "${abstract}"\n---\n\nA note of my own that is long enough to be kept in the store as well.\n`,
    });
    const again = storedCopy(lib);
    const [a, b] = [again.get('a')!, again.get('b')!];
    assert.strictEqual(typeof a.note!.summary, 'object', 'the note itself has the repeated summary, stored');
    assert.strictEqual(typeof a.abstract, 'object');
    assert.strictEqual(again.text(a.abstract), abstract);
    assert.strictEqual(a.summary, undefined, 'a summary that is the abstract is dropped, read from the store');
    assert.match(again.text(b.summary)!, /^A note of my own/);
  });

  it('gives the topics worker a stored abstract\'s bytes as they are: the same batch as from the texts in memory, keywords and all', async () => {
    const digest = JSON.stringify([
      { paper: { id: '2501.00001', title: 'Sparse experts', summary: long('Mixture of experts routing, ünïcode and 日本語 too. '), ai_keywords: ['mixture of experts', 'routing'] } },
      { paper: { id: '2501.00002', title: 'Short', summary: 'Too short to store.' } },
    ]);
    const lib = libraryOf({ 'digests/2025-01-01.json': digest });
    const stored = storedCopy(lib);
    assert.strictEqual(typeof stored.papers().find((p) => p.title === 'Sparse experts')!.abstract, 'object');
    const fromMemory = await encodeTopicPapers(topicPapers(lib), new Slice());
    const unread = await encodeTopicPapers(stored.papers().map(topicPaper), new Slice());
    assert.ok(unread.stored, 'the server thread leaves stored abstracts to the worker');
    const fromStore = withStoredAbstracts(unread, (wanted) => readStored(lastStore, wanted));
    assert.deepStrictEqual(fromStore, { meta: fromMemory.meta, text: fromMemory.text, bounds: fromMemory.bounds });
    assert.match(Buffer.from(fromStore.text).toString('utf8'), /日本語 too\.\nmixture of experts\.\nrouting\./);
  });

  it('lets the topics worker read a window of papers at a time: each paper\'s text, and the cache key, as from the texts in memory', async () => {
    const papers = Array.from({ length: 40 }, (_, i) => ({ paper: { id: `2501.${String(i).padStart(5, '0')}`, title: `Paper ${i}`, summary: i % 3 ? long(`Abstract ${i} about routing, ünïcode ${'x'.repeat(i)}. `) : 'Short.', ai_keywords: i % 2 ? ['kw'] : [] } }));
    const lib = libraryOf({ 'digests/2025-01-01.json': JSON.stringify(papers) });
    const stored = storedCopy(lib);
    const fromMemory = await encodeTopicPapers(topicPapers(lib), new Slice());
    const unread = await encodeTopicPapers(stored.papers().map(topicPaper), new Slice());
    const readInto = (wanted: StoredRead[]) => readStored(lastStore, wanted);
    const expected = batchPapers(fromMemory).map((p) => [p.key, p.title, p.abstract]);

    const windows = windowsOf(unread, 500);
    assert.ok(windows.length > 5, `several windows (${windows.length})`);
    assert.deepStrictEqual(windows.flat().sort((a, b) => a - b), [...expected.keys()], 'the windows cover every paper once');
    const st = unread.stored!;
    const places = windows.flat().filter((i) => st[3 * i + 2] > 0).map((i) => st[3 * i] * 2 ** 40 + st[3 * i + 1]);
    assert.ok(places.length > 20);
    assert.deepStrictEqual(places, [...places].sort((a, b) => a - b), 'in the order the abstracts lie in the store');
    const some = windows[2];
    const window = inlineWindow(unread, some, readInto);
    const meta = JSON.parse(unread.meta) as unknown[];
    assert.deepStrictEqual(batchPapers({ ...window, meta: JSON.stringify(some.map((i) => meta[i])) }).map((p) => [p.key, p.title, p.abstract]), some.map((i) => expected[i]));

    const seen = new Map<string, string[]>();
    const inWorker = batchPapers(unread);
    visitInWindows(unread, inWorker, readInto, (p) => seen.set(p.key, [p.key, p.title, p.abstract]));
    assert.deepStrictEqual(inWorker.map((p) => seen.get(p.key)), expected);
    assert.ok(inWorker.every((p) => p.abstract === ''), 'each paper lets its text go once visited');

    const digests = paperDigests(unread, batchPapers(unread), readInto);
    assert.deepStrictEqual(digests, paperDigests(fromMemory));
    assert.strictEqual(topicsCacheKey(unread, DEFAULT_TOPIC_OPTIONS, 'code', digests), topicsCacheKey(fromMemory, DEFAULT_TOPIC_OPTIONS, 'code'));
    assert.throws(() => topicsCacheKey(unread, DEFAULT_TOPIC_OPTIONS, 'code'), /needs a reader/);
  });

  /**
   * 2,600 papers: each of the sample digest's papers 40-odd times, told apart only by a number in
   * the title and a word of their own (neither can weigh in topics). More than the 2,000 papers
   * topics are chosen on, so 600 are placed afterwards. `reads` counts the abstracts read per key.
   */
  async function largeStoredLibrary() {
    const base = topicPapers(libraryOf({ 'digests/sep8.txt': fs.readFileSync(SAMPLE_DIGEST, 'utf8') })).filter((p) => p.abstract.length > 200);
    const total = 2600;
    const entries = Array.from({ length: total }, (_, i) => {
      const b = base[i % base.length];
      return { paper: { id: `2502.${String(i).padStart(5, '0')}`, title: `${b.title} ${i}`, summary: `${b.abstract} Variant v${i}x.` } };
    });
    const lib = libraryOf({ 'digests/2025-02-01.json': JSON.stringify(entries) });
    const storedLib = storedCopy(lib);
    const stored = storedLib.papers().map(topicPaper);
    assert.ok(stored.every((p) => typeof p.abstract !== 'string'), 'every abstract is in the store');
    const reads = new Map<string, number>();
    const placeOf = new Map(stored.map((p) => [JSON.stringify(p.abstract), p.key]));
    const readInto = (wanted: StoredRead[]) => {
      for (const w of wanted) { const k = placeOf.get(JSON.stringify(w.ref))!; reads.set(k, (reads.get(k) ?? 0) + 1); }
      readStored(lastStore, wanted);
    };
    return { base, total, lib, storedLib, stored, placeOf, reads, readInto, batch: await encodeTopicPapers(stored, new Slice()) };
  }

  /**
   * Asks for the topics of `papers` of a largeStoredLibrary (its `reads` and `readInto`), of one
   * worker's cache unless told: the tree, the papers in no topic, and the keys of the papers read.
   */
  function askTopicsOf(reads: Map<string, number>, readInto: (wanted: StoredRead[]) => void) {
    const worker = new PhraseCache();
    return async (papers: UnreadTopicPaper[], cache = worker) => {
      reads.clear();
      const answer = answerTopics({ id: 1, batch: await encodeTopicPapers(papers, new Slice()), options: DEFAULT_TOPIC_OPTIONS }, cache, 'code', readInto);
      return { tree: answer.tree, unplaced: answer.unplaced, read: [...reads.keys()].sort() };
    };
  }

  it('lets the topics worker choose topics on a sample of a large library and read every other paper once, placing it as a sampled paper with its text', async () => {
    const { base, total, lib, stored, reads, readInto, batch } = await largeStoredLibrary();
    const worker = new PhraseCache();
    const first = answerTopics(anew({ id: 1, batch, options: DEFAULT_TOPIC_OPTIONS }), worker, 'code', readInto);
    assert.deepStrictEqual(first.tree, computeTopicTree(topicPapers(lib), DEFAULT_TOPIC_OPTIONS, new PhraseCache()), 'as from the texts in memory');
    assert.deepStrictEqual([reads.size, Math.max(...reads.values())], [total, 1], 'every abstract read, once');
    assert.strictEqual(worker.tokenized, sampleIndexes(stored.map((p) => p.key)).length, 'the cache keeps the sample\'s tokens only');

    // Where each paper sits: the same places as every other copy of its text, sampled or not.
    const where = new Map<string, string[]>();
    const walk = (nodes: TopicNode[]) => { for (const n of nodes) { for (const k of n.papers) where.set(k, [...(where.get(k) ?? []), n.id]); walk(n.children); } };
    walk(first.tree!.filter((n) => n.kind === 'derived'));
    assert.ok(where.size > 2300, `papers outside the sample are placed too (${where.size} of ${total} placed)`);
    assert.deepStrictEqual(first.unplaced, stored.map((p) => p.key).filter((k) => !where.has(k)), 'the papers in no topic, listed in the batch\'s order');
    const keyOf = new Map(stored.map((p) => [p.title, p.key]));
    base.forEach((b, j) => {
      const copies = Array.from({ length: total }, (_, i) => i).filter((i) => i % base.length === j).map((i) => JSON.stringify((where.get(keyOf.get(`${b.title} ${i}`)!) ?? []).sort()));
      assert.strictEqual(new Set(copies).size, 1, `every copy of "${b.title}" sits in the same topics`);
    });

    reads.clear();
    const again = answerTopics(anew({ id: 2, batch, options: DEFAULT_TOPIC_OPTIONS }), worker, 'code', readInto);
    assert.deepStrictEqual(again.tree, first.tree);
    assert.strictEqual(reads.size, 0, 'again, the same papers: nothing is read, the tree is the one derived (treeMemo.ts)');
  });

  it('says when a large library\'s topics are chosen and its other papers are yet to be placed, so that the memory the choosing freed can go back first', async () => {
    const { total, stored, reads, readInto, batch } = await largeStoredLibrary();
    const sampleSize = sampleIndexes(stored.map((p) => p.key)).length;
    const readWhenDone: number[] = [];
    const worker = new PhraseCache();
    answerTopics(anew({ id: 1, batch, options: DEFAULT_TOPIC_OPTIONS }), worker, 'code', readInto, Date.now(), undefined, () => readWhenDone.push(reads.size));
    assert.deepStrictEqual(readWhenDone, [sampleSize], 'once, with the sample read and no other paper');
    assert.strictEqual(reads.size, total);
    // Placed from the memo, nothing is chosen: no call.
    answerTopics({ id: 2, batch: await encodeTopicPapers(stored, new Slice()), options: DEFAULT_TOPIC_OPTIONS }, worker, 'code', readInto, Date.now(), undefined, () => readWhenDone.push(-1));
    assert.deepStrictEqual(readWhenDone, [sampleSize]);
  });

  it('derives a large library\'s topics again by placing only the papers that changed, as a derivation from scratch would; a change in the sample derives them all', async () => {
    const { storedLib, stored, placeOf, reads, readInto } = await largeStoredLibrary();
    const ask = askTopicsOf(reads, readInto);
    const first = await ask(stored);
    const sampled = new Set(sampleIndexes(stored.map((p) => p.key)));
    const outside = stored.map((_, i) => i).filter((i) => !sampled.has(i));
    // Three papers outside the sample, each under topics of its own, take one another's abstracts.
    const nodesOf = new Map<string, string[]>();
    const walk = (nodes: TopicNode[]) => { for (const n of nodes) { for (const k of n.papers) nodesOf.set(k, [...(nodesOf.get(k) ?? []), n.id]); walk(n.children); } };
    walk(first.tree!);
    const placedAs = (i: number) => JSON.stringify(nodesOf.get(stored[i].key) ?? []);
    const a = outside[5];
    const b = outside.find((i) => placedAs(i) !== placedAs(a))!;
    const c = outside.find((i) => placedAs(i) !== placedAs(a) && placedAs(i) !== placedAs(b))!;
    assert.strictEqual(new Set([a, b, c].map(placedAs)).size, 3);
    const rotate = (ps: UnreadTopicPaper[], [x, y, z]: number[]) => ps.map((p, i) => (i === x ? { ...p, abstract: ps[y].abstract } : i === y ? { ...p, abstract: ps[z].abstract } : i === z ? { ...p, abstract: ps[x].abstract } : p));
    const edited = rotate(stored, [a, b, c]);
    const placed = await ask(edited);
    assert.deepStrictEqual(placed.read, [a, b, c].map((i) => stored[i].key).sort(), 'only the three changed papers are read');
    const scratch = await ask(edited, new PhraseCache());
    assert.deepStrictEqual([placed.tree, placed.unplaced], [scratch.tree, scratch.unplaced], 'the tree a new worker derives');
    assert.notDeepStrictEqual(placed.tree, first.tree, 'the changed papers moved');

    // A sampled paper changed: every topic is chosen again, and every paper outside the sample read.
    const inSample = [...sampled].slice(10, 13);
    const resampled = rotate(edited, inSample);
    const derived = await ask(resampled);
    assert.ok(derived.read.length >= outside.length, `${derived.read.length} papers read`);
    assert.deepStrictEqual(derived.tree, (await ask(resampled, new PhraseCache())).tree);
    // And after that derivation, a change outside the sample is placed alone again.
    const back = rotate(resampled, [c, b, a]);
    const again = await ask(back);
    assert.strictEqual(again.read.length, 3);
    assert.deepStrictEqual(again.tree, (await ask(back, new PhraseCache())).tree);

    // A file read again stores its papers' texts anew: 300 papers, sampled ones among them, get new
    // places for the same abstracts. The sampled ones are read to tell that their text is the same,
    // the others to be placed; the tree is the one a new worker derives.
    const writer = new TextWriter(lastStore!, 7, (line) => assert.fail(line));
    const restored = back.map((p, i) => {
      if (i < 1000 || i >= 1300) return p;
      const holder: { abstract?: Text } = { abstract: storedLib.text(p.abstract as Text) };
      storeTexts([holder], writer);
      placeOf.set(JSON.stringify(holder.abstract), p.key);
      return { ...p, abstract: holder.abstract! };
    });
    writer.flush();
    assert.ok(restored.slice(1000, 1300).every((p, k) => JSON.stringify(p.abstract) !== JSON.stringify(back[1000 + k].abstract)), 'each at a new place');
    const moved = await ask(restored);
    assert.strictEqual(moved.read.length, 300, 'the 300 moved papers, and no other');
    assert.deepStrictEqual(moved.tree, (await ask(restored, new PhraseCache())).tree);
    // Moved again, and one sampled paper's text changed with it: every topic is chosen again.
    const sampledMoved = [...sampled].find((i) => i >= 1000 && i < 1300)!;
    const changedSample = rotate(restored, [sampledMoved, outside[0], outside[1]]);
    const rederived = await ask(changedSample);
    assert.ok(rederived.read.length >= outside.length, `${rederived.read.length} papers read`);
    assert.deepStrictEqual(rederived.tree, (await ask(changedSample, new PhraseCache())).tree);
  });

  it('places the papers a large library gains and lets go of those it loses, choosing its topics again only when its sample changes', async () => {
    const { stored, reads, readInto } = await largeStoredLibrary();
    const ask = askTopicsOf(reads, readInto);
    const sampled = sampleIndexes(stored.map((p) => p.key));
    const outside = stored.map((_, i) => i).filter((i) => !sampled.includes(i));
    const gone = new Set(outside.filter((_, k) => k % 10 === 3));
    const fewer = stored.filter((_, i) => !gone.has(i));
    assert.deepStrictEqual(sampleIndexes(fewer.map((p) => p.key)).map((i) => fewer[i].key), sampled.map((i) => stored[i].key), 'the same sample');
    await ask(fewer);
    const came = await ask(stored);
    assert.deepStrictEqual(came.read, [...gone].map((i) => stored[i].key).sort(), `only the ${gone.size} papers that came are read`);
    const scratch = await ask(stored, new PhraseCache());
    assert.deepStrictEqual([came.tree, came.unplaced], [scratch.tree, scratch.unplaced], 'the tree a new worker derives');
    const left = await ask(fewer);
    assert.deepStrictEqual(left.read, [], 'papers gone: none read');
    const fewerScratch = await ask(fewer, new PhraseCache());
    assert.deepStrictEqual([left.tree, left.unplaced], [fewerScratch.tree, fewerScratch.unplaced]);

    // A sampled paper gone: every topic is chosen again, and every paper outside the sample read.
    const lessSampled = fewer.filter((p) => p.key !== stored[sampled[7]].key);
    const derived = await ask(lessSampled);
    assert.ok(derived.read.length >= outside.length - gone.size, `${derived.read.length} papers read`);
    assert.deepStrictEqual(derived.tree, (await ask(lessSampled, new PhraseCache())).tree);
  });

  it('has a helper thread place papers beside it when there are many, as the topics thread alone would; a helper that dies leaves its papers to the topics thread', async function () {
    this.timeout(40_000); // four computations, and two seconds each to tell that a dead helper is dead
    const { total, stored, reads, readInto, batch } = await largeStoredLibrary();
    const sampleSize = sampleIndexes(stored.map((p) => p.key)).length;
    const request = { id: 1, batch, options: DEFAULT_TOPIC_OPTIONS, texts: lastStore };
    const alone = answerTopics(anew(request), new PhraseCache(), 'code', readInto);
    const file = path.join(__dirname, '../../server/src/topics/topicsWorker.js');
    reads.clear();
    // Windows of ~20 KB: ~50 of the 600 papers to place, which the two threads take turns at. This
    // thread reads each window 3 ms late, so that the helper, which has its start to make, gets some.
    const options = { file, minPapers: 100, windowBytes: 20_000 };
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const slowly = (wanted: StoredRead[]) => { Atomics.wait(pause, 0, 0, 3); readInto(wanted); };
    const helpedRequest = anew(request);
    const helped = answerTopics(helpedRequest, new PhraseCache(), 'code', slowly, Date.now(), options);
    assert.deepStrictEqual([helped.tree, helped.note], [alone.tree, undefined]);
    const shared = helpedRequest.batch;
    assert.strictEqual(shared.meta, '', 'its metadata let go once read into the papers');
    assert.ok([shared.text, shared.bounds, shared.stored].every((a) => a?.buffer instanceof SharedArrayBuffer), 'the helper was given the batch\'s bytes to share, not a copy');
    assert.strictEqual(Math.max(...reads.values()), 1);
    assert.ok(reads.size > sampleSize && reads.size < total, `this thread read the sample and some of the rest, the helper the others from the store itself (${reads.size - sampleSize} of ${total - sampleSize} here)`);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-helper-'));
    try {
      const broken = path.join(dir, 'broken.js');
      fs.writeFileSync(broken, 'throw new Error("no helper here");\n');
      reads.clear();
      const fallback = answerTopics(anew(request), new PhraseCache(), 'code', readInto, Date.now(), { ...options, file: broken });
      assert.deepStrictEqual(fallback.tree, alone.tree);
      assert.match(fallback.note ?? '', /the helper thread could not place its papers \(it did not start\); placed them here/);
      assert.strictEqual(reads.size, total, 'this thread read every paper');

      // A helper that takes three windows and dies before it answers: this thread places them too.
      const dies = path.join(dir, 'dies.js');
      fs.writeFileSync(dies, [
        "const { workerData, receiveMessageOnPort } = require('worker_threads');",
        'const job = workerData.placeJob;',
        "while (Atomics.wait(job.flags, 2, 0, 60000) === 'timed-out') {}",
        'const work = receiveMessageOnPort(job.port).message;',
        'for (let i = 0; i < 3; i++) { const w = Atomics.add(work.next, 0, 1); if (w < work.owner.length) work.owner[w] = 2; }',
        'Atomics.store(job.flags, 1, 36);',
        'throw new Error("gone");',
      ].join('\n'));
      reads.clear();
      const taken = answerTopics(anew(request), new PhraseCache(), 'code', slowly, Date.now(), { ...options, file: dies });
      assert.deepStrictEqual(taken.tree, alone.tree);
      assert.match(taken.note ?? '', /could not place its papers \(it stopped after 36 papers\); placed them here/);
      assert.deepStrictEqual([reads.size, Math.max(...reads.values())], [total, 1], 'this thread read every paper once, the dead helper\'s windows too');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the topics worker know an unchanged paper without reading it: again, no abstract is read; after an edit, only the edited papers\' abstracts', async () => {
    const lib = libraryOf({ 'digests/sep8.txt': fs.readFileSync(SAMPLE_DIGEST, 'utf8') });
    const storedLib = storedCopy(lib);
    const stored = storedLib.papers().map(topicPaper);
    const inMemory = topicPapers(lib);
    const readAll = (papers: UnreadTopicPaper[]): TopicPaper[] => papers.map(({ keywords, ...p }) => ({ ...p, abstract: (storedLib.text(p.abstract) ?? '') + keywordsAfterAbstract(keywords) }));
    assert.deepStrictEqual(readAll(stored), inMemory);
    const isStored = (p: UnreadTopicPaper) => typeof p.abstract !== 'string';
    assert.ok(stored.filter(isStored).length > 20, 'most abstracts are in the store');
    const readKeys: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-topics-'));
    const cache = new PhraseCache();
    const ask = async (papers: UnreadTopicPaper[], cacheDir?: string, worker = cache, libraryHash?: string) => {
      readKeys.length = 0;
      const batch = await encodeTopicPapers(papers, new Slice());
      const placeOf = new Map(papers.filter(isStored).map((p) => [JSON.stringify(p.abstract), p.key]));
      const readInto = (wanted: StoredRead[]) => {
        for (const w of wanted) readKeys.push(placeOf.get(JSON.stringify(w.ref))!);
        readStored(lastStore, wanted);
      };
      return answerTopics(anew({ id: 1, batch, options: DEFAULT_TOPIC_OPTIONS, cacheDir, libraryHash }), worker, 'code', readInto);
    };
    const fresh = (papers: TopicPaper[]) => computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache());
    try {
      const first = await ask(stored, dir);
      assert.deepStrictEqual(first.tree, fresh(inMemory));
      assert.deepStrictEqual([...new Set(readKeys)].sort(), stored.filter(isStored).map((p) => p.key).sort(), 'the first request reads every stored abstract');

      const kept = await ask(stored, dir);
      assert.deepStrictEqual([kept.cached, kept.tree, readKeys], [true, first.tree, []], 'the kept tree, found without reading');
      const derived = await ask(stored);
      assert.deepStrictEqual([derived.tree, readKeys], [first.tree, []], 'derived again from the tokens it has');

      // Paper a gets a new title over the same stored abstract; papers b and c swap abstracts.
      const [a, b, c] = stored.map((_, i) => i).filter((i) => isStored(stored[i]) && stored[i].topics.length === 0).slice(3, 6);
      const edit = <P extends { title: string; abstract: unknown }>(ps: P[]) => ps.map((p, i) => (i === a ? { ...p, title: `${p.title} revisited` } : i === b ? { ...p, abstract: ps[c].abstract } : i === c ? { ...p, abstract: ps[b].abstract } : p));
      const edited = await ask(edit(stored), dir);
      assert.strictEqual(edited.cached, undefined);
      assert.deepStrictEqual(edited.tree, fresh(readAll(edit(stored))));
      assert.deepStrictEqual([...new Set(readKeys)].sort(), [stored[a].key, stored[c].key, stored[b].key].sort(), 'only the edited papers are read (b now has c\'s place)');

      // With the library's hash (libraryHash.ts), a new worker keys its kept tree without reading
      // an abstract: the first derivation reads each once, for its tokens; a restart reads none.
      const withHash = await ask(stored, dir, new PhraseCache(), 'files-1');
      assert.deepStrictEqual([withHash.cached, withHash.tree, [...readKeys].sort()], [undefined, first.tree, stored.filter(isStored).filter((p) => p.topics.length === 0).map((p) => p.key).sort()]);
      const restarted = await ask(stored, dir, new PhraseCache(), 'files-1');
      assert.deepStrictEqual([restarted.cached, restarted.tree, readKeys], [true, first.tree, []], 'the kept tree, no abstract read');
      const otherFiles = await ask(stored, dir, new PhraseCache(), 'files-2');
      assert.strictEqual(otherFiles.cached, undefined, 'files that say other text: another key');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
