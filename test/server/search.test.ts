import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import { LspClient } from '../support/lspClient';
import { postingFilesIn, rewriteBody, setFileNames, setFilesIn, setFilesOpenBy } from '../support/cacheFiles';
import { generate } from '../bench/generate';
import { copyLibrary } from './server.test';
import { eventually } from '../support/eventually';
import { RACY_MS } from '../../server/src/ingest/parseCache';
import { cacheFileName } from '../../server/src/runtime/cacheStore';

interface SearchResponse { results: { key: string; title: string; score: number; snippet: string }[]; error?: string; partial: boolean }
interface TopicNode { id: string; name: string; kind: string; count: number; papers: string[]; children: TopicNode[] }
interface TopicsResponse { topics: TopicNode[]; computeMs: number; fromCache: boolean; papers: number; uncategorized: string[] }
interface TopicOutline { id: string; name: string; kind: string; count: number; own: number; children: TopicOutline[] }
interface TopicOutlineResponse { topics: TopicOutline[]; uncategorized: number; fresh: number; papers: number; revision: number }
interface SymbolInfo { name: string; location: { uri: string } }
interface PaperDetails { abstract?: string; summary?: string; note?: { body?: string } }

describe('search, topics and paper requests over stdio', function () {
  this.timeout(120000);

  describe('while indexing is still under way', () => {
    let dir: string;
    let client: LspClient;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-busy-'));
      generate({ name: 'test', digests: 40, papersPerDigest: 100, notes: 400, useSample: false }, dir, '');
    });
    after(async () => {
      await client?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('answers search, workspace symbols, topics and paper requests before the index is complete', async () => {
      client = new LspClient();
      await client.initialize(dir, { waitReady: false });
      const t0 = performance.now();
      const search = await client.request<SearchResponse>('litnotes/search', { query: 'reward', limit: 5 });
      const symbols = await client.request<SymbolInfo[]>('workspace/symbol', { query: 'retrieval' });
      const topics = await client.request<TopicsResponse>('litnotes/topics', {});
      const paper = await client.request<unknown>('litnotes/paper', { key: 'no-such-key' });
      const answeredAt = performance.now() - t0;
      assert.strictEqual(search.partial, true, 'the full-text index was still building');
      assert.ok(Array.isArray(symbols));
      assert.ok(Array.isArray(topics.topics));
      assert.strictEqual(paper, null);
      const ready = await client.ready();
      assert.ok(ready.papers > 4000);
      // The requests were answered from a partial index, not after it was complete.
      const full = client.statuses.find((s) => s.fullText && s.fullText.shards > 0 && s.fullText.building === 0);
      assert.ok(!full || answeredAt < performance.now() - t0, 'answered before the full text was complete');
      await client.waitFor(() => client.statuses.find((s) => s.fullText && s.fullText.shards >= 40 && s.fullText.building === 0), 90000, 'full text ready');
      const after = await client.request<SearchResponse>('litnotes/search', { query: 'reward', limit: 5 });
      assert.strictEqual(after.partial, false);
      assert.strictEqual(after.results.length, 5);
    });
  });

  describe('on the example library', () => {
    let dir: string;
    let client: LspClient;
    const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
    before(async () => {
      dir = copyLibrary();
      client = new LspClient();
      await client.initialize(dir);
      await client.waitFor(() => client.statuses.find((s) => s.fullText && s.fullText.shards > 0 && s.fullText.building === 0), 60000, 'full text ready');
    });
    after(async () => {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('litnotes/search returns keys, titles, scores and a matching snippet', async () => {
      const r = await client.request<SearchResponse>('litnotes/search', { query: 'reward models for retrieval augmented generation', limit: 3 });
      assert.strictEqual(r.results[0].key, 'rag-rewardbench');
      assert.strictEqual(r.results[0].title.startsWith('RAG-RewardBench'), true);
      assert.ok(r.results[0].score > r.results[1].score);
      assert.match(r.results[0].snippet, /retrieval augmented|reward/i);
      const bad = await client.request<SearchResponse>('litnotes/search', { query: 'title:' });
      assert.match(bad.error!, /Search query not understood/);
    });

    it('workspace symbols find papers by words in their abstract', async () => {
      const symbols = await client.request<SymbolInfo[]>('workspace/symbol', { query: 'gzip' });
      assert.match(symbols[0].name, /^zip-fit — ZIP-FIT/);
      const two = await client.request<SymbolInfo[]>('workspace/symbol', { query: 'gzip compression' });
      assert.ok(two.slice(0, 3).some((s) => s.name.startsWith('zip-fit')));
      assert.strictEqual(symbols[0].location.uri, uri('digests/daily-papers-sep-8.txt'));
      const partial = await client.request<SymbolInfo[]>('workspace/symbol', { query: 'kronecker' });
      assert.match(partial[0].name, /^compacter/, 'the word being typed matches as a prefix');
    });

    it('completion falls back to full-text matches when nothing else matches', async () => {
      const draft = uri('drafts/fallback.md');
      await client.open(draft, 'markdown', 'See [@kronecker');
      const list = await client.request<{ items: { label: string }[] }>('textDocument/completion', client.at(draft, 0, 15));
      assert.deepStrictEqual(list.items.map((i) => i.label), ['compacter']);
    });

    it('litnotes/paper returns the details and related papers', async () => {
      const p = await client.request<{ key: string; title: string; aliases: string[]; citedIn: string[]; related: { key: string }[]; note?: { uri: string } }>('litnotes/paper', { key: 'kasa' });
      assert.strictEqual(p.key, 'jiang2024kasa');
      assert.deepStrictEqual(p.aliases, ['kasa']);
      assert.strictEqual(p.note!.uri, uri('notes/jiang2024kasa.md'));
      assert.ok(p.citedIn.includes(uri('drafts/related-work.md')));
      const related = p.related.map((r) => r.key);
      assert.ok(!related.includes('jiang2024kasa'));
      assert.ok(['nola', 'compacter', 'sara', 'quantized-side-tuning', 'list'].some((k) => related.slice(0, 5).includes(k)), related.join(', '));
    });

    it('litnotes/topics returns tags, folders and derived topics with counts', async () => {
      const t = await client.request<TopicsResponse>('litnotes/topics', {});
      assert.strictEqual(t.papers, 96);
      const kinds = new Set(t.topics.map((n) => n.kind));
      assert.ok(kinds.has('tag') && kinds.has('folder') && kinds.has('derived'));
      const all = (ns: TopicNode[]): TopicNode[] => ns.flatMap((n) => [n, ...all(n.children)]);
      const moe = all(t.topics).find((n) => n.name === 'mixture of experts')!;
      assert.ok(moe && moe.count >= 3 && moe.papers.includes('home'));
      // The papers in no topic are listed apart (the worker lists them), in the library's order.
      const keys = (await client.request<{ papers: { key: string }[] }>('litnotes/list', {})).papers.map((p) => p.key);
      const placed = new Set(all(t.topics).flatMap((n) => n.papers));
      assert.deepStrictEqual([...t.uncategorized].sort(), keys.filter((k) => !placed.has(k)).sort());
      assert.ok(t.uncategorized.length > 0 && t.uncategorized.length < keys.length, `${t.uncategorized.length} of ${keys.length}`);
    });

    it('the Topics view\'s requests: the outline, then each topic\'s papers by title, give the whole tree; a filter narrows both', async () => {
      const t = await client.request<TopicsResponse>('litnotes/topics', {});
      const outline = await client.request<TopicOutlineResponse>('litnotes/topicOutline', {});
      assert.strictEqual(outline.papers, 96);
      assert.strictEqual(outline.uncategorized, t.uncategorized.length);
      const papersOf = (id: string, keys?: string[]) => client.request<{ papers: { key: string; title: string }[]; total: number; revision: number }>('litnotes/topicPapers', { id, keys });
      // Every topic's own papers, asked for one topic at a time, are the full tree's.
      const walk = async (full: TopicNode[], lazy: TopicOutline[]): Promise<void> => {
        assert.deepStrictEqual(lazy.map((n) => [n.id, n.name, n.count, n.own]), full.map((n) => [n.id, n.name, n.count, n.papers.length]));
        for (let i = 0; i < full.length; i++) {
          const r = await papersOf(lazy[i].id);
          assert.strictEqual(r.revision, outline.revision);
          assert.deepStrictEqual(r.papers.map((p) => p.key).sort(), [...full[i].papers].sort(), lazy[i].id);
          const titles = r.papers.map((p) => p.title);
          assert.deepStrictEqual(titles, [...titles].sort(new Intl.Collator().compare), 'by title');
          await walk(full[i].children, lazy[i].children);
        }
      };
      await walk(t.topics, outline.topics);
      const other = await papersOf('uncategorized');
      assert.deepStrictEqual(other.papers.map((p) => p.key).sort(), [...t.uncategorized].sort());
      assert.deepStrictEqual(await papersOf('no such topic'), { papers: [], total: 0, revision: outline.revision });
      // At most `limit` papers, and how many there are.
      const first = await client.request<{ papers: unknown[]; total: number }>('litnotes/topicPapers', { id: 'uncategorized', limit: 1 });
      assert.deepStrictEqual([first.papers.length, first.total], [1, t.uncategorized.length]);
      // Filtered to HoME: the topics that hold it, each counting one paper.
      const filtered = await client.request<TopicOutlineResponse>('litnotes/topicOutline', { keys: ['home'] });
      const all = (ns: TopicOutline[]): TopicOutline[] => ns.flatMap((n) => [n, ...all(n.children)]);
      assert.ok(all(filtered.topics).some((n) => n.name === 'mixture of experts'));
      assert.ok(all(filtered.topics).every((n) => n.count === 1));
      const moe = all(filtered.topics).find((n) => n.name === 'mixture of experts')!;
      if (moe.own) assert.deepStrictEqual((await papersOf(moe.id, ['home'])).papers.map((p) => p.key), ['home']);
    });

    it('litnotes/list with a query: the papers matching it as completion matches them, best first (the picker of a large library)', async () => {
      type List = { papers: { key: string; title: string }[]; total: number };
      const byKey = await client.request<List>('litnotes/list', { query: 'home', limit: 5 });
      assert.strictEqual(byKey.total, 96);
      assert.strictEqual(byKey.papers[0].key, 'home');
      const byTitle = await client.request<List>('litnotes/list', { query: 'Hierarchy', limit: 50 });
      assert.ok(byTitle.papers.some((p) => p.key === 'home'), byTitle.papers.map((p) => p.key).join(', '));
      assert.ok(byTitle.papers.every((p) => /hierarch/i.test(p.title) || /hierarch/i.test(p.key)), byTitle.papers.map((p) => p.title).join(' | '));
      assert.deepStrictEqual((await client.request<List>('litnotes/list', { query: 'zzqqxx', limit: 5 })).papers, []);
      // Without a query, the first papers in key order.
      const plain = await client.request<List>('litnotes/list', { limit: 3 });
      assert.deepStrictEqual(plain.papers.map((p) => p.key), [...plain.papers.map((p) => p.key)].sort());
    });

    it('the New group: nothing is new when a library is first met; a paper added later is, until the group is opened', async () => {
      const outline = () => client.request<TopicOutlineResponse>('litnotes/topicOutline', {});
      const newPapers = async () => (await client.request<{ papers: { key: string }[] }>('litnotes/topicPapers', { id: 'new' })).papers.map((p) => p.key);
      assert.strictEqual((await outline()).fresh, 0);
      assert.deepStrictEqual(await newPapers(), []);
      const file = path.join(dir, 'notes', 'zz-newly-added.md');
      fs.writeFileSync(file, '---\ncitekey: zz-newly-added\ntitle: "A Newly Added Paper"\n---\n');
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
      await eventually(async () => assert.strictEqual((await outline()).fresh, 1), 20000);
      assert.deepStrictEqual(await newPapers(), ['zz-newly-added']);
      // Filtered to other papers, nothing is new.
      assert.strictEqual((await client.request<TopicOutlineResponse>('litnotes/topicOutline', { keys: ['home'] })).fresh, 0);
      await client.request('litnotes/markPapersSeen', {});
      assert.strictEqual((await outline()).fresh, 0);
      assert.deepStrictEqual(await newPapers(), []);
    });
  });

  describe('across a restart', () => {
    /** Every paper's long texts, as the reader gets them. */
    const longTexts = async (c: LspClient) => {
      const keys = (await c.request<{ papers: { key: string }[] }>('litnotes/list', {})).papers.map((p) => p.key).sort();
      return Promise.all(keys.map(async (key) => {
        const d = await c.request<PaperDetails>('litnotes/paper', { key });
        return { key, abstract: d.abstract, summary: d.summary, body: d.note?.body };
      }));
    };
    let dir: string;
    let storage: string;
    let client: LspClient | undefined;
    after(async () => {
      await client?.stop();
      for (const d of [dir, storage]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it('reads unchanged files\' parse results back from the storage folder and parses changed ones', async () => {
      dir = copyLibrary();
      storage = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-storage-'));
      const parsed = path.join(storage, 'parsed');
      // Files changed less than RACY_MS before they were read are hashed again at the next start;
      // older ones are taken on their stamp alone, as a real restart takes them (the parse worker's own way).
      await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
      client = new LspClient();
      await client.initialize(dir, { cacheDir: storage });
      // The parse workers save results once the scan has taken them all.
      const cachedFor = (rel: string) => fs.existsSync(parsed) ? fs.readdirSync(parsed).map((n) => path.join(parsed, n)).find((f) => f.endsWith('.parsed') && fs.readFileSync(f, 'utf8').split('\n')[0].includes(`"rel":"${rel}"`)) : undefined;
      await eventually(async () => assert.ok(cachedFor('notes/jiang2024kasa.md') && cachedFor('notes/lin2022truthfulqa.md')), 10000);
      const texts = await longTexts(client);
      assert.ok(texts.length > 50 && texts.filter((t) => t.abstract && t.abstract.length > 200).length > 50, 'papers with long abstracts');
      await client.stop();

      // An unchanged start: every abstract, summary and note body read back from the cached results is as parsed.
      client = new LspClient();
      await client.initialize(dir, { cacheDir: storage });
      assert.deepStrictEqual(await longTexts(client), texts);
      await client.stop();
      assert.ok(!fs.readdirSync(dir, { recursive: true }).some((n) => String(n).endsWith('.parsed')), 'nothing written to the workspace');

      // Mark one cached title, to see where the next start takes it from; change another note on disk.
      const cachedKasa = cachedFor('notes/jiang2024kasa.md')!;
      fs.writeFileSync(cachedKasa, rewriteBody(fs.readFileSync(cachedKasa, 'utf8'), (body) => body.replace('"title":"KaSA:', '"title":"(from the cache) KaSA:')));
      const truthful = path.join(dir, 'notes/lin2022truthfulqa.md');
      fs.writeFileSync(truthful, fs.readFileSync(truthful, 'utf8').replace('TruthfulQA — Measuring', 'TruthfulQA (second edition) — Measuring'));

      client = new LspClient();
      await client.initialize(dir, { cacheDir: storage });
      const kasa = await client.request<{ title: string }>('litnotes/paper', { key: 'jiang2024kasa' });
      assert.strictEqual(kasa.title, '(from the cache) KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models');
      const lin = await client.request<{ title: string }>('litnotes/paper', { key: 'lin2022truthfulqa' });
      assert.match(lin.title, /^TruthfulQA \(second edition\) — Measuring/);
    });

    it('writes the parse cache after the topic tree asked for as the full text became ready, not beside its derivation', async () => {
      const library = copyLibrary();
      const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-storage-'));
      const parsed = path.join(fresh, 'parsed');
      const cachedResults = () => fs.existsSync(parsed) ? fs.readdirSync(parsed).filter((n) => n.endsWith('.parsed')).length : 0;
      const c = new LspClient();
      try {
        await c.initialize(library, { cacheDir: fresh });
        await c.fullTextReady();
        const topics = await c.request<TopicsResponse>('litnotes/topics', {});
        assert.ok(topics.topics.length > 0 && !topics.fromCache, 'a tree derived on this start');
        assert.strictEqual(cachedResults(), 0, 'no parse result written while the tree was derived');
        await eventually(async () => assert.ok(cachedResults() >= 3, `${cachedResults()} parse results written`), 10000);
      } finally {
        await c.stop();
        for (const d of [library, fresh]) fs.rmSync(d, { recursive: true, force: true });
      }
    });

    it('shows an unchanged library\'s topic tree from the storage folder, and derives it again after a change', async () => {
      await client?.stop();
      client = undefined;
      for (const d of [dir, storage]) if (d) fs.rmSync(d, { recursive: true, force: true });
      dir = copyLibrary();
      storage = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-storage-'));
      const topicsOfANewServer = async () => {
        await client?.stop();
        client = new LspClient();
        await client.initialize(dir, { cacheDir: storage });
        return client.request<TopicsResponse>('litnotes/topics', {});
      };
      const first = await topicsOfANewServer();
      assert.strictEqual(first.fromCache, false);
      assert.ok(first.topics.some((t) => t.kind === 'derived'));
      assert.ok(fs.readdirSync(path.join(storage, 'topics')).some((n) => n.endsWith('.json')));
      assert.ok(!fs.readdirSync(dir, { recursive: true }).some((n) => /[0-9a-f]{40}\.json$/.test(String(n))), 'nothing written to the workspace');

      const second = await topicsOfANewServer();
      assert.strictEqual(second.fromCache, true);
      assert.deepStrictEqual(second.topics, first.topics);

      const digest = path.join(dir, 'digests/daily-papers-sep-8.txt');
      // A word of an abstract alone (kept in the text store, not in what the worker is sent), then a title.
      const text = fs.readFileSync(digest, 'utf8');
      assert.strictEqual(text.split('outstanding scalability').length, 2);
      fs.writeFileSync(digest, text.replace('outstanding scalability', 'remarkable scalability'));
      const abstractEdited = await topicsOfANewServer();
      assert.strictEqual(abstractEdited.fromCache, false, 'an abstract\'s edit is a new tree');
      assert.strictEqual((await topicsOfANewServer()).fromCache, true);
      fs.writeFileSync(digest, fs.readFileSync(digest, 'utf8').replace('Mixture', 'Mixtures'));
      const third = await topicsOfANewServer();
      assert.strictEqual(third.fromCache, false);

      // The same server: an edit topics do not read (a note's body) keeps the tree without asking
      // the worker; one they read (its tags) derives it again.
      const note = path.join(dir, 'notes/lin2022truthfulqa.md');
      const noteText = fs.readFileSync(note, 'utf8');
      const saved = async (text: string, word: string) => {
        fs.writeFileSync(note, text);
        await client!.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(note).href, type: 2 }] });
        await eventually(async () => {
          const paper = await client!.request<object>('litnotes/paper', { key: 'lin2022truthfulqa' });
          assert.ok(JSON.stringify(paper).includes(word), 'the edit is in');
        });
        return client!.request<TopicsResponse>('litnotes/topics', {});
      };
      const firstEdit = await saved(`${noteText}\nzzbodyword at the end of the notes.\n`, 'zzbodyword');
      assert.deepStrictEqual(firstEdit, { ...third, computeMs: 0, fromCache: true }, 'the same tree, not derived again');
      const body = await saved(`${noteText}\nzzbodyword, said again.\n`, 'said again');
      assert.deepStrictEqual(body, { ...third, computeMs: 0, fromCache: true }, 'and again');
      const tagged = await saved(noteText.replace(/^tags: \[/m, 'tags: [zztagword, '), 'zztagword');
      assert.strictEqual(tagged.fromCache, false, 'derived again');
      assert.ok(JSON.stringify(tagged.topics).includes('zztagword'));
    });

    it('keeps each full-text worker\'s merged index in one file of the storage folder, which a restart takes up; files changed or gone since are searched as they are now', async () => {
      await client?.stop();
      client = undefined;
      for (const d of [dir, storage]) if (d) fs.rmSync(d, { recursive: true, force: true });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-sets-'));
      // Enough papers that each worker's merged postings go to a file at rest (ShardSet.spill's minimum).
      const { noteFiles } = generate({ name: 'test', digests: 150, papersPerDigest: 20, notes: 200, useSample: false }, dir, '');
      storage = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-storage-'));
      const workers = Math.min(2, os.cpus().length);
      const setNames = new Set(setFileNames());
      const setFiles = () => setFilesIn(storage);
      const ownFiles = () => fs.readdirSync(storage).filter((n) => n.endsWith('.shard') && !setNames.has(n));
      const keysFound = async (c: LspClient, query: string) => (await c.request<SearchResponse>('litnotes/search', { query, limit: 1000 })).results.map((r) => r.key).sort();
      const start = async () => {
        await client?.stop();
        client = new LspClient();
        await client.initialize(dir, { cacheDir: storage });
        await client.fullTextReady(90000);
      };

      const spillFiles = () => postingFilesIn(storage);
      const setFilesOpen = () => setFilesOpenBy(client!.proc.pid!, storage);
      // Watched closely through the first start: the merge goes into each set's file as it is made,
      // once, and no shard's own file is ever written (a merge held in memory and written after,
      // or written twice, would show as a second file in a set's place, or as own files meanwhile).
      const setsSeen = new Set<string>();
      let ownSeen = 0;
      const watch = setInterval(() => {
        ownSeen = Math.max(ownSeen, ownFiles().length);
        for (const n of setFiles()) try { setsSeen.add(`${n}:${fs.statSync(path.join(storage, n)).ino}`); } catch { /* renamed meanwhile */ }
      }, 5);
      try {
        await start();
        await eventually(async () => assert.strictEqual(setFiles().length, workers, 'one file per worker, once every shard is built'), 30000);
        await eventually(async () => assert.strictEqual(setFilesOpen(), workers, 'a first start\'s postings at rest, in the sets\' files just written'), 30000);
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        clearInterval(watch);
      }
      assert.strictEqual(setsSeen.size, workers, `each set's file written once: ${[...setsSeen]}`);
      assert.strictEqual(ownSeen, 0, 'no shard\'s own file, at any moment');
      assert.strictEqual(setFilesOpen(), workers, 'still at rest in them');
      assert.deepStrictEqual(spillFiles(), [], 'not written again to the text store');
      assert.deepStrictEqual(ownFiles(), [], 'no shard has a file of its own: the sets\' files hold them');
      const setBytes = () => setFiles().map((n) => fs.readFileSync(path.join(storage, n)));
      const before = setBytes();
      await client!.stop();
      client = undefined;

      // Since then: a note gained a word, a digest went.
      const note = path.join(dir, noteFiles[7]);
      fs.writeFileSync(note, `${fs.readFileSync(note, 'utf8')}\nzzsetword at the end.\n`);
      const gone = path.join(dir, 'digests/day-0003.txt');
      const goneTitle = fs.readFileSync(gone, 'utf8').split('\n\n')[2];
      const goneNumber = /(\d+)$/.exec(goneTitle)![1];
      fs.rmSync(gone);

      await start();
      // Taken up: the sets' files stay as they were (the changed shard is not merged in until more
      // change), and the note's changed shard gets a file of its own meanwhile. Built again from the
      // documents, the shards would be merged and the sets' files written anew.
      await eventually(async () => assert.strictEqual(ownFiles().length, 1, 'the edited note\'s shard'), 20000);
      assert.ok(setBytes().every((b, i) => b.equals(before[i])), 'the sets\' files were taken up, not written again');
      assert.deepStrictEqual(spillFiles(), [], 'the postings taken up stay in the sets\' files: none written to the text store');
      assert.strictEqual(setFilesOpen(), workers, 'read from there');
      const key = /citekey: (\S+)/.exec(fs.readFileSync(note, 'utf8'))![1];
      assert.deepStrictEqual(await keysFound(client!, 'zzsetword'), [key]);
      assert.deepStrictEqual(await keysFound(client!, goneNumber), [], `nothing of the digest gone (${goneTitle})`);
      const fresh = new LspClient();
      try {
        await fresh.initialize(dir, {});
        await fresh.fullTextReady(90000);
        for (const q of ['reward', 'quantization hallucination', 'title:robustness', 'zzsetword']) assert.deepStrictEqual(await keysFound(client!, q), await keysFound(fresh, q), q);
      } finally {
        await fresh.stop();
      }

      // Without the sets' files every shard is built again, and the sets' files are written anew; the
      // edited note's shard is in its set's file then, and its own file goes.
      await client!.stop();
      client = undefined;
      assert.strictEqual(ownFiles().length, 1);
      for (const n of setFiles()) fs.rmSync(path.join(storage, n));
      await start();
      await eventually(async () => assert.strictEqual(setFiles().length, workers), 30000);
      await eventually(async () => assert.deepStrictEqual(ownFiles(), [], 'the shard\'s own file went once its set\'s file held it'), 10000);
      assert.deepStrictEqual(await keysFound(client!, 'zzsetword'), [key]);
    });

    it('says once per worker, with the reason and a count, when the full-text index cannot be kept in the storage folder, and searches all the same', async () => {
      await client?.stop();
      for (const d of [dir, storage]) if (d) fs.rmSync(d, { recursive: true, force: true });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-unkept-'));
      generate({ name: 'test', digests: 30, papersPerDigest: 20, notes: 200, useSample: false }, dir, '');
      storage = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-storage-'));
      const workers = Math.min(2, os.cpus().length);
      // The place of every file the full-text workers could write taken by a folder: the sets'
      // files, and each shard's own (a digest's, a group of notes'). None is readable as a cache,
      // and no write can replace it.
      const digests = fs.readdirSync(path.join(dir, 'digests')).map((n) => cacheFileName(`file:${pathToFileURL(path.join(dir, 'digests', n)).href}`, '.shard'));
      const noteGroups = Array.from({ length: 32 }, (_, i) => cacheFileName(`notes:${i}`, '.shard'));
      const names = [...setFileNames(), ...digests, ...noteGroups];
      for (const n of names) {
        fs.mkdirSync(path.join(storage, n));
        fs.writeFileSync(path.join(storage, n, 'mine.txt'), 'not the cache');
      }

      client = new LspClient();
      await client.initialize(dir, { cacheDir: storage });
      const shards = (await client.fullTextReady(90000)).fullText!.shards;
      assert.ok(shards >= 20, `${shards} shards`);
      const said = () => client!.logs.filter((l) => l.startsWith('full-text search: '));
      // Each worker's set, then every shard's own file, could not be written: each either the first
      // a worker reports or in a count.
      const accounted = () => said().reduce((n, l) => n + (/could not be kept in the storage folder \(/.test(l) ? 1 : Number(/(\d+) more shard indexes could not be kept/.exec(l)?.[1] ?? 0)), 0);
      await eventually(async () => assert.strictEqual(accounted(), shards + workers, said().join('\n')), 20000);
      assert.ok(said().length <= 2 * workers, said().join('\n'));
      assert.ok(said().every((l) => /E(ISDIR|NOTEMPTY|EXIST)|more shard indexes/.test(l)), 'the reason is given');
      for (const n of names) assert.strictEqual(fs.readFileSync(path.join(storage, n, 'mine.txt'), 'utf8'), 'not the cache');
      const found = await client.request<SearchResponse>('litnotes/search', { query: 'reward', limit: 5 });
      assert.deepStrictEqual([found.partial, found.results.length], [false, 5]);
    });
  });
});
