import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeTopicTree, DEFAULT_TOPIC_OPTIONS, PhraseCache, TopicPaper, topicPapers } from '../../server/src/topics/topics';
import { encodeTopicPapers, TopicBatch } from '../../server/src/topics/topicBatch';
import { Slice } from '../../server/src/runtime/scheduler';
import { readCachedTree, topicsCacheKey, topicsCacheKeyOfLibrary, writeCachedTree } from '../../server/src/topics/topicsCache';
import { libraryTextHash } from '../../server/src/topics/libraryHash';
import type { FileEntry } from '../../server/src/parse/types';
import { sealText } from '../../server/src/runtime/cacheStore';
import { libraryOf, SAMPLE_DIGEST } from './helpers';

const batchOf = (papers: TopicPaper[]): Promise<TopicBatch> => encodeTopicPapers(papers, new Slice());

describe('the topic tree cache', () => {
  const papers = topicPapers(libraryOf({ 'digests/sep8.txt': fs.readFileSync(SAMPLE_DIGEST, 'utf8') }));
  const tree = computeTopicTree(papers, DEFAULT_TOPIC_OPTIONS, new PhraseCache());
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-topics-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives a tree back as it was saved, under a key of the papers, the settings and the code', async () => {
    const key = topicsCacheKey(await batchOf(papers), DEFAULT_TOPIC_OPTIONS, 'code-1');
    assert.deepStrictEqual(readCachedTree(dir, key), {});
    assert.strictEqual(writeCachedTree(dir, key, tree), undefined);
    assert.deepStrictEqual(readCachedTree(dir, key), { tree });
    assert.strictEqual(topicsCacheKey(await batchOf(papers), DEFAULT_TOPIC_OPTIONS, 'code-1'), key, 'the same inputs, the same key');

    const extended = papers.map((p, i) => (i === 40 ? { ...p, abstract: `${p.abstract} One more sentence.` } : p));
    const others = [
      topicsCacheKey(await batchOf(extended), DEFAULT_TOPIC_OPTIONS, 'code-1'),
      topicsCacheKey(await batchOf(papers.slice(1)), DEFAULT_TOPIC_OPTIONS, 'code-1'),
      topicsCacheKey(await batchOf(papers.map((p, i) => (i === 3 ? { ...p, topics: ['mine'] } : p))), DEFAULT_TOPIC_OPTIONS, 'code-1'),
      topicsCacheKey(await batchOf(papers), { ...DEFAULT_TOPIC_OPTIONS, maxPerPaper: 2 }, 'code-1'),
      topicsCacheKey(await batchOf(papers), { ...DEFAULT_TOPIC_OPTIONS, vocabulary: { RAG: ['retrieval'] } }, 'code-1'),
      topicsCacheKey(await batchOf(papers), DEFAULT_TOPIC_OPTIONS, 'code-2'),
    ];
    assert.strictEqual(new Set([key, ...others]).size, others.length + 1, 'each change gives another key');
    for (const k of others) assert.deepStrictEqual(readCachedTree(dir, k), {});
  });

  it('keys a tree by the library\'s files instead of every abstract: by each file\'s search hash, in any order, and the batch', async () => {
    const file = (uri: string, searchHash: string | undefined, sources = 1) => ({ uri, searchHash, sources: Array.from({ length: sources }) }) as unknown as FileEntry;
    const files = [file('file:///a.md', 'h1'), file('file:///b.txt', 'h2'), file('file:///draft.md', undefined, 0)];
    const hash = await libraryTextHash(files, 'server-1', new Slice());
    assert.ok(hash);
    assert.strictEqual(await libraryTextHash([...files].reverse(), 'server-1', new Slice()), hash, 'in any order; a file without papers counts for nothing');
    const others = await Promise.all([
      libraryTextHash([file('file:///a.md', 'h1'), file('file:///b.txt', 'h3')], 'server-1', new Slice()),
      libraryTextHash([file('file:///a.md', 'h1')], 'server-1', new Slice()),
      libraryTextHash([file('file:///a.md', 'h1'), file('file:///c.txt', 'h2')], 'server-1', new Slice()),
      libraryTextHash(files, 'server-2', new Slice()),
    ]);
    assert.strictEqual(new Set([hash, ...others]).size, others.length + 1, 'a file\'s text, the files, their paths and the server\'s merging rules each count');
    assert.strictEqual(await libraryTextHash([...files, file('file:///d.md', undefined)], 'server-1', new Slice()), undefined, 'a file with papers and no search hash: no such key');

    const batch = await batchOf(papers);
    const key = topicsCacheKeyOfLibrary(batch, DEFAULT_TOPIC_OPTIONS, 'code-1', hash!);
    const retitled = await batchOf(papers.map((p, i) => (i === 7 ? { ...p, title: `${p.title} II` } : p)));
    const keys = [
      topicsCacheKeyOfLibrary(retitled, DEFAULT_TOPIC_OPTIONS, 'code-1', hash!),
      topicsCacheKeyOfLibrary(batch, DEFAULT_TOPIC_OPTIONS, 'code-1', others[0]!),
      topicsCacheKeyOfLibrary(batch, { ...DEFAULT_TOPIC_OPTIONS, maxPerPaper: 2 }, 'code-1', hash!),
      topicsCacheKeyOfLibrary(batch, DEFAULT_TOPIC_OPTIONS, 'code-2', hash!),
      topicsCacheKey(batch, DEFAULT_TOPIC_OPTIONS, 'code-1'),
    ];
    assert.strictEqual(new Set([key, ...keys]).size, keys.length + 1);
    assert.strictEqual(topicsCacheKeyOfLibrary(await batchOf(papers), DEFAULT_TOPIC_OPTIONS, 'code-1', hash!), key);
  });

  it('does not use a file that is garbled or not shaped like a tree, and says so', () => {
    const cases: Record<string, string> = {
      garbled: '[{"id":"derived:reward model","name":',
      notATree: '{"id":"x"}',
      badKind: JSON.stringify([{ ...tree[0], kind: 'script' }]),
      badCount: JSON.stringify([{ ...tree[0], count: -1 }]),
      badPapers: JSON.stringify([{ ...tree[0], papers: [1, 2] }]),
      badChild: JSON.stringify([{ ...tree[0], children: [{ id: 'c' }] }]),
      tooDeep: JSON.stringify(Array.from({ length: 80 }).reduce<unknown[]>((children) => [{ id: 'a', name: 'a', kind: 'tag', count: 0, papers: [], children }], [])),
    };
    for (const [name, text] of Object.entries(cases)) {
      // Sealed as the cache seals what it writes: the checksum matches, the content is wrong.
      fs.writeFileSync(path.join(dir, `${name}.json`), sealText({ format: 2 }, text));
      const found = readCachedTree(dir, name);
      assert.strictEqual(found.tree, undefined, name);
      assert.match(found.problem ?? '', /unreadable; derived again/, name);
    }
  });

  it('does not use a tree any byte of which changed (its checksum), and says so', () => {
    assert.strictEqual(writeCachedTree(dir, 'k', tree), undefined);
    const file = path.join(dir, 'k.json');
    const text = fs.readFileSync(file, 'utf8');
    const key = tree[0].papers[0];
    fs.writeFileSync(file, text.replace(`"${key}"`, `"${key.slice(0, -1)}x"`));
    assert.deepStrictEqual(readCachedTree(dir, 'k'), { problem: 'cached topic tree k.json is damaged: its checksum does not match; derived again' });
  });

  it('keeps the four newest trees', () => {
    for (let i = 0; i < 6; i++) {
      assert.strictEqual(writeCachedTree(dir, `k${i}`, tree), undefined);
      const at = new Date(Date.now() - (10 - i) * 60000); // each one a minute newer
      fs.utimesSync(path.join(dir, `k${i}.json`), at, at);
    }
    writeCachedTree(dir, 'k5', tree); // rewriting one prunes the rest
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['k2.json', 'k3.json', 'k4.json', 'k5.json']);
  });

  it('says why a tree could not be saved', () => {
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, '');
    assert.match(writeCachedTree(file, 'k', tree) ?? '', /topic tree could not be cached/);
  });
});
