import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SearchService } from '../../server/src/search/service';
import type { WorkerRequest } from '../../server/src/search/messages';
import { snippet } from '../../server/src/search/snippet';
import { incrementalQuery } from '../../server/src/shared/rules';
import { parseFile } from '../../server/src/parse/parseFile';
import { exampleLibraryFiles, libraryOf, uriFor } from './helpers';

import { cacheFileName } from '../../server/src/runtime/cacheStore';
import { shardSetKey } from '../../server/src/search/shardFile';

const WORKER = path.resolve(__dirname, '../../server/src/search/worker.js');

describe('full-text search (lunr shards in worker threads)', function () {
  this.timeout(60000);
  let cacheDir: string;
  const services: SearchService[] = [];
  const logs: string[] = [];

  function start(library = libraryOf(exampleLibraryFiles())) {
    const service = new SearchService(library, { workerPath: WORKER, cacheDir, log: (l) => logs.push(l), workers: 2 });
    library.onFileChanged = (uri) => service.fileChanged(uri);
    for (const f of library.allFiles()) if (f.sources.length) service.fileChanged(f.uri);
    service.flush();
    services.push(service);
    return { library, service };
  }

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-cache-'));
    logs.length = 0;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.dispose()));
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('finds papers by words in their abstracts, best first, with a snippet', async () => {
    const { service } = start();
    await service.whenIdle();
    const r = await service.search('reward models retrieval augmented generation', 5);
    assert.strictEqual(r.error, undefined);
    assert.strictEqual(r.hits[0].key, 'rag-rewardbench');
    assert.match(r.hits[0].snippet, /retrieval augmented|reward model/i);
    const byNote = await service.search('optimisation', 3);
    assert.strictEqual(byNote.hits[0].key, 'konig2020common', 'note bodies are searched too');
  });

  it("accepts lunr's syntax: fields, required and excluded terms, wildcards", async () => {
    const { service } = start();
    await service.whenIdle();
    const fielded = await service.search('+title:reward +rag', 10);
    assert.deepStrictEqual(fielded.hits.map((h) => h.key), ['rag-rewardbench']);
    const excluded = await service.search('+reward -rag', 20);
    assert.ok(excluded.hits.length > 0 && !excluded.hits.some((h) => h.key === 'rag-rewardbench'));
    const wildcard = await service.search('embed*', 50);
    assert.ok(['mmteb', 'kalm-embedding-v2', 'improving-general-text'].every((k) => wildcard.hits.some((h) => h.key === k)));
    assert.strictEqual(incrementalQuery('text  embed'), 'text embed embed*');
    assert.strictEqual((await service.search(incrementalQuery('kronecker'), 3)).hits[0].key, 'compacter', 'a whole word still matches its stem');
    assert.strictEqual((await service.search(incrementalQuery('kroneck'), 3)).hits[0].key, 'compacter', 'a partial word matches as a prefix');
    assert.strictEqual(incrementalQuery('title:x'), 'title:x');
  });

  it('a malformed query gets a clear message, not an exception', async () => {
    const { service } = start();
    await service.whenIdle();
    for (const q of ['title:', 'reward^x', 'nosuchfield:abc']) {
      const r = await service.search(q, 5);
      assert.deepStrictEqual(r.hits, []);
      assert.match(r.error!, /^Search query not understood: /, q);
    }
  });

  it('fuzzy terms: edit distance counts as at most 2, and a term too long to expand is refused with a reason', async () => {
    const { service } = start();
    await service.whenIdle();
    const far = await service.search('aaaaaaaaaa~10', 5);
    assert.strictEqual(far.error, undefined);
    assert.deepStrictEqual((await service.search('retreival~10', 5)).hits.map((h) => h.key), (await service.search('retreival~2', 5)).hits.map((h) => h.key));
    assert.ok((await service.search('retreival~2', 5)).hits.length > 0, 'the comparison is not vacuous');
    const long = await service.search(`${'a'.repeat(40)}~1`, 5);
    assert.match(long.error!, /^Search query not understood: a fuzzy term \(~\) can have at most 32 characters/);
  });

  it('one changed file rebuilds only its shard', async () => {
    const { library, service } = start();
    await service.whenIdle();
    const before = service.status();
    assert.ok(before.shards > 3, 'three digest shards and some note groups');
    const builtBefore = before.built;
    const rel = 'digests/2025-09-09.md';
    library.setFile(parseFile(uriFor(rel), rel, 'digest', '# Sep 9\n\n## Quantum Reward Oracles\n\nA new abstract about zymurgy and reward oracles.\n').entry);
    library.rebuild();
    service.flush();
    await service.whenIdle();
    assert.strictEqual(service.status().built, builtBefore + 1, 'exactly one shard was rebuilt');
    const r = await service.search('zymurgy', 5);
    assert.strictEqual(r.hits[0].title, 'Quantum Reward Oracles');
  });

  it('once every shard is built, each worker answers from one merged index, again after a change', async () => {
    const { library, service } = start();
    await service.whenIdle();
    assert.ok(service.status().shards >= 4, 'several shards per worker');
    assert.strictEqual((await service.search('reward', 5)).onePass, true);
    const rel = 'digests/2025-09-09.md';
    library.setFile(parseFile(uriFor(rel), rel, 'digest', '# Sep 9\n\n## Quantum Reward Oracles\n\nA new abstract about zymurgy.\n').entry);
    library.rebuild();
    service.flush();
    await service.whenIdle();
    const r = await service.search('zymurgy', 5);
    assert.strictEqual(r.hits[0]?.title, 'Quantum Reward Oracles');
    assert.strictEqual(r.onePass, true, 'merged again before the service called itself idle');
  });

  it('a shard of thousands of documents (a large bibliography) reaches its worker in parts and is searched whole', async () => {
    const items = Array.from({ length: 1300 }, (_, i) => ({ id: `big${i}`, type: 'article', title: `Entry ${i} on ${i === 1299 ? 'zygomorphic flowers' : 'common things'}`, author: [{ family: `Author${i}` }] }));
    const { service } = start(libraryOf({ ...exampleLibraryFiles(), 'refs/big.csl.json': JSON.stringify(items) }));
    await service.whenIdle();
    const r = await service.search('zygomorphic', 5);
    assert.deepStrictEqual(r.hits.map((h) => h.key), ['big1299']);
    assert.strictEqual((await service.search('entry', 2000)).hits.length, 1300);
  });

  it('a restart loads shards from the disk cache instead of rebuilding them', async () => {
    const first = start();
    await first.service.whenIdle();
    const shards = first.service.status().shards;
    assert.strictEqual(first.service.status().built, shards);
    const expected = (await first.service.search('mixture experts', 10)).hits.map((h) => h.key);
    await first.service.dispose();
    const second = start();
    await second.service.whenIdle();
    assert.deepStrictEqual({ cacheHits: second.service.status().cacheHits, built: second.service.status().built }, { cacheHits: shards, built: 0 });
    assert.deepStrictEqual((await second.service.search('mixture experts', 10)).hits.map((h) => h.key), expected);
  });

  it('a corrupt, stale or schema-invalid cache file is rebuilt, never trusted: a worker\'s file of its whole set, or a shard\'s own', async () => {
    const first = start();
    await first.service.whenIdle();
    const shards = first.service.status().shards;
    await first.service.dispose();
    const sets = new Set([0, 1].map((slot) => cacheFileName(shardSetKey(slot, 2), '.shard')));
    const at = (f: string) => path.join(cacheDir, f);
    assert.deepStrictEqual(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.shard')).sort(), [...sets].sort(), 'the sets\' files hold every shard');
    // One set's file truncated, the other's written by another format version.
    const [set0, set1] = [...sets];
    fs.writeFileSync(at(set0), fs.readFileSync(at(set0)).subarray(0, 40));
    fs.writeFileSync(at(set1), Buffer.from(fs.readFileSync(at(set1)).toString('latin1').replace(/"format":\d+/, '"format":0'), 'latin1'));
    const second = start();
    await second.service.whenIdle();
    assert.deepStrictEqual([second.service.status().built, second.service.status().cacheHits], [shards, 0], 'every shard built again');
    assert.strictEqual(logs.filter((l) => /kept index of this worker's shards could not be used/.test(l)).length, 2, logs.join('\n'));
    assert.strictEqual((await second.service.search('mixture experts', 3)).hits.length, 3);
    await second.service.dispose();

    // Shards' own files: written where the sets' files cannot be (their places taken by folders).
    for (const f of sets) fs.rmSync(at(f), { force: true });
    for (const f of sets) fs.mkdirSync(at(f));
    const writer = start();
    await writer.service.whenIdle();
    await writer.service.dispose();
    for (const f of sets) fs.rmSync(at(f), { recursive: true });
    const files = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.shard')).sort();
    assert.strictEqual(files.length, shards);
    // Truncated mid-file; written by another format version; postings pointing past the documents.
    fs.writeFileSync(at(files[0]), fs.readFileSync(at(files[0])).subarray(0, 40));
    const other = fs.readFileSync(at(files[1]));
    fs.writeFileSync(at(files[1]), Buffer.from(other.toString('latin1').replace(/"format":\d+/, '"format":0'), 'latin1'));
    const bad = fs.readFileSync(at(files[2]));
    bad.fill(0xff, bad.length - 64);
    fs.writeFileSync(at(files[2]), bad);
    logs.length = 0;
    const third = start();
    await third.service.whenIdle();
    const s = third.service.status();
    assert.strictEqual(s.built, 3, 'the three damaged shards were rebuilt');
    assert.strictEqual(s.cacheHits, s.shards - 3);
    assert.strictEqual(logs.filter((l) => /full-text cache for .* was rebuilt/.test(l)).length, 3, logs.join('\n'));
    assert.strictEqual((await third.service.search('mixture experts', 3)).hits.length, 3);
  });

  it('searches answer while shards are still building (partial results, flagged)', async () => {
    const { service } = start();
    const r = await service.search('reward', 5); // sent before any build finished
    assert.strictEqual(r.partial, true);
    await service.whenIdle();
    assert.strictEqual((await service.search('reward', 5)).partial, false);
  });

  it('while a scan reads files no shard is sent (their builds took the cores from the scan); all go once it lets go', async () => {
    const library = libraryOf(exampleLibraryFiles());
    const service = new SearchService(library, { workerPath: WORKER, cacheDir, log: (l) => logs.push(l), workers: 2 });
    services.push(service);
    service.holdShards = true;
    library.onFileChanged = (uri) => service.fileChanged(uri);
    for (const f of library.allFiles()) if (f.sources.length) service.fileChanged(f.uri);
    service.flush();
    await new Promise((r) => setTimeout(r, 300)); // past fileChanged's flush timer
    const held = service.status();
    assert.strictEqual(held.shards, 0, 'no shard reached a worker');
    assert.ok(held.building > 3, 'the held shards count as building');
    const during = await service.search('reward', 5);
    assert.strictEqual(during.partial, true);
    service.holdShards = false;
    service.flush();
    await service.whenIdle();
    assert.strictEqual(service.status().building, 0);
    assert.strictEqual(service.status().shards, held.building);
    assert.strictEqual((await service.search('reward models retrieval augmented generation', 5)).hits[0].key, 'rag-rewardbench');
  });

  /** The service's worker threads, to stop one as a crash would (it then emits 'exit'). */
  const workersOf = (service: SearchService) => (service as unknown as { workers: { worker: import('worker_threads').Worker }[] }).workers.map((host) => host.worker);

  it('a worker that stops is replaced: waiting searches get the other answers, its shards are built again', async () => {
    const { service } = start();
    await service.whenIdle();
    const expected = (await service.search('mixture experts', 10)).hits.map((h) => h.key);
    const [dead, other] = workersOf(service);
    // The worker stops before answering: it never sees this search. (Otherwise it could answer in
    // the moment before terminate() takes effect, and the search would rightly not be partial.)
    const deliver = dead.postMessage.bind(dead);
    dead.postMessage = (m: WorkerRequest) => { if (m.type !== 'search') deliver(m); };
    const waiting = service.search('mixture experts', 10);
    await dead.terminate();
    const during = await waiting; // before the fix this never settled
    assert.strictEqual(during.error, undefined);
    assert.strictEqual(during.partial, true, "the stopped worker's shards were not searched");
    assert.ok(workersOf(service).includes(other) && !workersOf(service).includes(dead) && workersOf(service).length === 2);
    assert.ok(logs.some((l) => /full-text worker 0 stopped \(exit code 1\); a new one builds its shards again/.test(l)), logs.join('\n'));
    await service.whenIdle();
    assert.deepStrictEqual((await service.search('mixture experts', 10)).hits.map((h) => h.key), expected);
  });

  it('once its restarts are used up, a stopped worker hands its shards to the others; with none left, search says it is off', async () => {
    const { service } = start();
    await service.whenIdle();
    const expected = (await service.search('reward', 10)).hits.map((h) => h.key);
    for (let i = 0; i < 3; i++) { await workersOf(service)[0].terminate(); await service.whenIdle(); }
    assert.strictEqual(workersOf(service).length, 2, 'three restarts');
    await workersOf(service)[0].terminate();
    assert.strictEqual(workersOf(service).length, 1);
    await service.whenIdle();
    assert.strictEqual(service.status().ready, service.status().shards);
    assert.deepStrictEqual((await service.search('reward', 10)).hits.map((h) => h.key), expected, 'every shard on the one worker left');
    await workersOf(service)[0].terminate();
    const off = await service.search('reward', 10);
    assert.match(off.error ?? '', /Full-text search is off/);
    assert.ok(logs.some((l) => /full-text search is off until the server restarts/.test(l)), logs.join('\n'));
  });

  it('snippets show the passage around the first matching word', () => {
    const text = 'One two three. ' + 'filler '.repeat(40) + 'Reward models rank answers. ' + 'more '.repeat(40);
    const s = snippet(text, ['reward']);
    assert.match(s, /^….*Reward models rank answers/);
    assert.ok(s.length <= 170);
  });
});
