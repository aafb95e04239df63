import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Classifier } from '../../server/src/parse/classify';
import { FileLoader, inThreadLoader, WorkerFileLoader } from '../../server/src/ingest/fileLoader';
import { decodeHit, FileToLoad, LoadedFile, loadFileSync } from '../../server/src/ingest/loadFile';
import { noCounts, ParseCacheConfig, unwrittenRecords } from '../../server/src/ingest/parseCache';
import type { PaperSource } from '../../server/src/parse/types';
import { PackedDigestSource } from '../../server/src/model/packedDigest';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { FIXTURES, schedulingPolicyOf } from './helpers';
import { closeTextStore, openTextStore, TextReader, TextStoreLocation } from '../../server/src/runtime/textStore';
import { Worker } from 'worker_threads';
import type { ParseWorkerReply } from '../../server/src/ingest/parseWorker';
import { newProgress } from '../../server/src/ingest/parseWatchdog';

const PARSE_WORKER = path.resolve(__dirname, '../../server/src/ingest/parseWorker.js');

/** Every file of the example library, plus files that cannot be read, as the scan would list them. */
function filesToLoad(root: string): FileToLoad[] {
  const classifier = new Classifier(DEFAULT_SETTINGS);
  const out: FileToLoad[] = [];
  (function walk(dir: string) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (e.isDirectory()) walk(full);
      else { const candidate = classifier.classify(rel); if (candidate) out.push({ fsPath: full, uri: pathToFileURL(full).href, rel, candidate }); }
    }
  })(root);
  const missing = path.join(root, 'notes/missing.md');
  out.push({ fsPath: missing, uri: pathToFileURL(missing).href, rel: 'notes/missing.md', candidate: 'note' });
  return out;
}

async function loadAll(loader: FileLoader, files: FileToLoad[]): Promise<LoadedFile[]> {
  const out: LoadedFile[] = [];
  for await (const f of loader.load(files, DEFAULT_SETTINGS.maxFileSizeMB)) out.push(f);
  return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
}

describe('the scan\'s file loaders', function () {
  this.timeout(30000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-load-'));
    fs.cpSync(path.join(FIXTURES, 'library'), root, { recursive: true });
    fs.writeFileSync(path.join(root, 'notes/binary.md'), Buffer.from([0x89, 0x50, 0, 1]));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('parse workers return exactly what parsing on the server thread gives, each file once', async () => {
    const files = filesToLoad(root);
    assert.ok(files.length > 10);
    const here = await loadAll(inThreadLoader, files);
    const lines: string[] = [];
    const there = await loadAll(new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l)), files);
    assert.deepStrictEqual(there, here);
    assert.deepStrictEqual(lines, [], 'no fallback was needed');
    assert.ok(here.some((f) => f.entry?.searchHash && f.titles?.length === f.entry.sources.length), 'titles and search hashes are made where files are parsed');
    assert.ok(here.some((f) => !f.entry && /missing\.md: deleted before it could be read/.test(f.log[0])));
    assert.ok(here.some((f) => !f.entry && /binary\.md: skipped, binary file/.test(f.log[0])));
  });

  it('with a text store, workers send long texts as places in it, which read back to what parsing gives; a third complete scan removes the first one\'s files', async () => {
    const files = filesToLoad(root);
    const here = await loadAll(inThreadLoader, files);
    const storeParent = path.join(root, '..', `${path.basename(root)}-texts`);
    const store = openTextStore(storeParent);
    try {
      const retired: number[][] = [];
      const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => assert.fail(l));
      loader.useTextStore(store, (ids) => retired.push(ids));
      const reader = new TextReader(store, (l) => assert.fail(l));
      const readBack = (source: PaperSource) => {
        const copy = { ...source };
        for (const k of ['abstract', 'summary', 'body'] as const) if (copy[k] !== undefined) copy[k] = reader.text(copy[k]!);
        return copy;
      };
      const read = (loaded: LoadedFile[]) => loaded.map((f) => (f.entry ? { ...f, entry: { ...f.entry, sources: f.entry.sources.map(readBack) } } : f));
      const first = await loadAll(loader, files);
      assert.ok(first.some((f) => f.entry?.sources.some((s) => typeof s.abstract === 'object')), 'some abstracts arrive as places in the store');
      assert.deepStrictEqual(read(first), here);
      const filesOfFirst = fs.readdirSync(store.dir);
      assert.ok(filesOfFirst.length > 0);
      await loadAll(loader, files);
      assert.deepStrictEqual(retired, [], 'the first scan\'s texts are still those of the papers until a second scan has replaced them all');
      const third = await loadAll(loader, files);
      assert.strictEqual(retired.length, 1);
      reader.remove(retired[0]);
      assert.ok(filesOfFirst.every((name) => !fs.existsSync(path.join(store.dir, name))), 'the first scan\'s files are gone');
      assert.deepStrictEqual(read(third), here, 'the latest scan\'s texts read back');
    } finally {
      closeTextStore(store);
      fs.rmSync(storeParent, { recursive: true, force: true });
    }
  });

  /** The example library and 120 long notes: two workers' worth of files, each worker's records over the megabyte a writer gathers before writing. */
  function libraryOfLongNotes(): string {
    const spillRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-spill-'));
    fs.cpSync(path.join(FIXTURES, 'library'), spillRoot, { recursive: true });
    for (let i = 0; i < 120; i++) {
      fs.writeFileSync(path.join(spillRoot, `notes/generated-${i}.md`), `---\ncitekey: generated${i}\ntitle: "Generated Note ${i}"\n---\n\n${`Note ${i} says something at length. `.repeat(600)}\n`);
    }
    return spillRoot;
  }

  /**
   * A scan by `loader` with a text store and a cache, until its workers have ended (as they do once
   * the scan has every result); returns how many threads this process had before it.
   */
  async function scanWithStore(loader: WorkerFileLoader, store: TextStoreLocation, config: ParseCacheConfig, files: FileToLoad[]): Promise<number> {
    loader.useTextStore(store);
    loader.useCache(config);
    const threadsBefore = threadCount();
    await loadAll(loader, files);
    await threadsDownTo(threadsBefore);
    return threadsBefore;
  }

  it('with a text store and a cache, the records waiting to be saved wait in the store, not in memory, and one worker saves them later', async () => {
    const spillRoot = libraryOfLongNotes();
    const files = filesToLoad(spillRoot);
    const here = await loadAll(inThreadLoader, files);
    const store = openTextStore(path.join(spillRoot, '.texts'));
    const config = { dir: path.join(spillRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
    try {
      const lines: string[] = [];
      const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
      // Their heaps go as soon as the scan has every result, not when saveCache() runs.
      const threadsBefore = await scanWithStore(loader, store, config, files);
      assert.strictEqual(threadCount(), threadsBefore, 'the parse workers have ended before saveCache()');
      const storeFiles = () => fs.readdirSync(store.dir).sort();
      assert.deepStrictEqual(storeFiles(), ['1.utf8', '2.utf8', '3.utf8', '4.utf8'], 'each worker: a file of texts, a file of records');
      for (const records of ['2.utf8', '4.utf8']) assert.ok(fs.statSync(path.join(store.dir, records)).size > 1024 * 1024, `records in ${records}`);
      assert.strictEqual(fs.existsSync(config.dir), false, 'nothing is in the cache before saveCache()');
      await loader.saveCacheBeforeExit(20000);
      await threadsDownTo(threadsBefore);
      assert.strictEqual(threadCount(), threadsBefore, 'the parse workers and the one that saved their records have ended');
      assert.deepStrictEqual(storeFiles(), ['1.utf8', '3.utf8'], 'the records\' files were removed once saved');
      const parsed = files.length - 1; // the missing file has no result to cache
      assert.strictEqual(fs.readdirSync(config.dir).length, parsed);

      const again = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
      again.useCache(config);
      const json = (x: unknown) => JSON.parse(JSON.stringify(x));
      assert.deepStrictEqual(json(await loadAll(again, files)), json(here), 'what the next start reads from the cache is what parsing gives');
      await again.saveCacheBeforeExit(20000);
      assert.match(lines.join('\n'), new RegExp(`parse cache: ${parsed} files unchanged since cached \\(not read\\), 0 with unchanged text \\(read and hashed\\), 0 parsed`));
    } finally {
      closeTextStore(store);
      fs.rmSync(spillRoot, { recursive: true, force: true });
    }
  });

  it('the cache\'s writing waits while the server says so (a topic tree being derived), and goes on when it says, or after a minute at most', async () => {
    const spillRoot = libraryOfLongNotes();
    const files = filesToLoad(spillRoot);
    const store = openTextStore(path.join(spillRoot, '.texts'));
    const config = { dir: path.join(spillRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
    const written = () => (fs.existsSync(config.dir) ? fs.readdirSync(config.dir).length : 0);
    /** A scan, then the cache saved with its writing paused; `resume` ends the pause, if the loader's own limit has not. */
    const pausedSave = async (loader: WorkerFileLoader, resume: boolean, why: string) => {
      fs.rmSync(config.dir, { recursive: true, force: true });
      loader.useTextStore(store);
      loader.useCache(config);
      await loadAll(loader, files);
      loader.pauseSaving(true);
      loader.saveCache();
      await new Promise((r) => setTimeout(r, 700));
      assert.strictEqual(written(), 0, 'nothing written while paused');
      if (resume) loader.pauseSaving(false);
      for (let waited = 0; written() < files.length - 1 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(written(), files.length - 1, `every parsed file, ${why}`);
      await loader.saveCacheBeforeExit(20000);
    };
    try {
      await pausedSave(new WorkerFileLoader(PARSE_WORKER, 2, () => undefined), true, 'once resumed');
      // A pause that nobody ends (a topic tree that never comes) ends by itself.
      await pausedSave(new WorkerFileLoader(PARSE_WORKER, 2, () => undefined, undefined, 1500), false, 'once the pause ran out');
    } finally {
      closeTextStore(store);
      fs.rmSync(spillRoot, { recursive: true, force: true });
    }
  });

  it('a pause stops the worker writing the cache (it would hold its memory through the pause) and a new one writes it all after', async () => {
    const spillRoot = libraryOfLongNotes();
    const files = filesToLoad(spillRoot);
    const store = openTextStore(path.join(spillRoot, '.texts'));
    const config = { dir: path.join(spillRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
    const written = () => (fs.existsSync(config.dir) ? fs.readdirSync(config.dir).filter((n) => !n.endsWith('.tmp')).length : 0);
    const lines: string[] = [];
    try {
      const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
      const threadsBefore = await scanWithStore(loader, store, config, files);
      const storeFiles = () => fs.readdirSync(store.dir).sort();
      const recordFiles = storeFiles().length;
      loader.saveCache();
      assert.strictEqual(threadCount(), threadsBefore + 1, 'a worker writes the cache');
      loader.pauseSaving(true);
      await threadsDownTo(threadsBefore);
      assert.strictEqual(threadCount(), threadsBefore, 'stopped by the pause, not kept waiting');
      const during = written();
      await new Promise((r) => setTimeout(r, 500));
      assert.strictEqual(written(), during, 'nothing written while paused');
      assert.ok(during < files.length - 1, `stopped before it was done (${during} written)`);
      assert.strictEqual(storeFiles().length, recordFiles, 'the records wait in the store');
      loader.pauseSaving(false);
      for (let waited = 0; written() < files.length - 1 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.strictEqual(written(), files.length - 1, 'every parsed file, once the pause is over');
      await loader.saveCacheBeforeExit(20000);
      assert.strictEqual(storeFiles().length, recordFiles - 2, 'the records\' files were removed once saved');
      assert.doesNotMatch(lines.join('\n'), /not saved|could not/, 'nothing lost on the way');
    } finally {
      closeTextStore(store);
      fs.rmSync(spillRoot, { recursive: true, force: true });
    }
  });

  it('with a text store, a warm start moves cached long texts to the store as they are, and they read back to what parsing gives', async () => {
    const warmRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-warm-texts-'));
    fs.cpSync(path.join(FIXTURES, 'library'), warmRoot, { recursive: true });
    fs.writeFileSync(path.join(warmRoot, 'notes/scripts.md'), `---\ncitekey: scripts2024\ntitle: "Scripts"\nabstract: "${'Café — naïve 深度学习 😀. '.repeat(20)}"\n---\n\n${'Ünïcode body text. '.repeat(40)}\n`);
    const files = filesToLoad(warmRoot);
    const here = await loadAll(inThreadLoader, files);
    const store = openTextStore(path.join(warmRoot, '.texts'));
    const config = { dir: path.join(warmRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
    try {
      const cold = new WorkerFileLoader(PARSE_WORKER, 2, () => undefined);
      cold.useCache(config);
      await loadAll(cold, files);
      await cold.saveCacheBeforeExit(20000);
      const lines: string[] = [];
      const warm = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
      warm.useTextStore(store);
      warm.useCache(config);
      const loaded = await loadAll(warm, files);
      assert.match(lines.join('\n'), new RegExp(`parse cache: ${files.length - 1} files unchanged since cached \\(not read\\)`));
      const stored = loaded.flatMap((f) => f.entry?.sources ?? []).filter((s) => typeof s.abstract === 'object');
      assert.ok(stored.length > 5, 'abstracts arrive as places in the store');
      assert.ok(loaded.every((f) => (f.entry?.sources ?? []).every((s) => !(s.abstract instanceof Uint8Array))), 'never as bytes');
      const reader = new TextReader(store, (l) => assert.fail(l));
      assert.ok(loaded.some((f) => f.entry?.sources.some((s) => s instanceof PackedDigestSource)), 'a digest\'s entries come packed, as its record keeps them');
      const readBack = (s: PaperSource) => {
        const copy = { ...(s instanceof PackedDigestSource ? s.toJSON() : s) };
        for (const k of ['abstract', 'summary', 'body'] as const) if (copy[k] !== undefined) copy[k] = reader.text(copy[k]!);
        return copy;
      };
      // A packed entry has its title's details itself (its record has none beside it).
      const titlesOf = (f: LoadedFile) => f.titles?.map((t, i) => t ?? (f.entry!.sources[i] as PackedDigestSource).titleInfo);
      const json = (x: unknown) => JSON.parse(JSON.stringify(x));
      assert.deepStrictEqual(json(loaded.map((f) => (f.entry ? { ...f, entry: { ...f.entry, sources: f.entry.sources.map(readBack) }, titles: titlesOf(f) } : f))), json(here));
      await warm.saveCacheBeforeExit(20000);
    } finally {
      closeTextStore(store);
      fs.rmSync(warmRoot, { recursive: true, force: true });
    }
  });

  it('a file of thousands of papers comes over in parts and is put back whole, parsed or read from the cache', async () => {
    const bigRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-big-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'library'), bigRoot, { recursive: true });
      const entries = Array.from({ length: 1234 }, (_, i) => `Paper Number ${i} About Things\n\nAn abstract of paper ${i}, with two sentences. ${'It goes on. '.repeat(60)}\n\n`);
      fs.writeFileSync(path.join(bigRoot, 'digests/big.digest.txt'), `Sep 1\n\n${entries.join('')}`);
      const files = filesToLoad(bigRoot);
      const here = await loadAll(inThreadLoader, files);
      assert.strictEqual(here.find((f) => f.uri.endsWith('big.digest.txt'))!.entry!.sources.length, 1234);
      const config = { dir: path.join(bigRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
      const loader = new WorkerFileLoader(PARSE_WORKER, 2, () => undefined);
      loader.useCache(config);
      assert.deepStrictEqual(await loadAll(loader, files), here, 'parsed');
      await loader.saveCacheBeforeExit(20000);
      assert.ok(Math.max(...fs.readdirSync(config.dir).map((n) => fs.statSync(path.join(config.dir, n)).size)) > 1024 * 1024, 'a cached result over 1 MB');
      assert.deepStrictEqual(JSON.parse(JSON.stringify(await loadAll(loader, files))), JSON.parse(JSON.stringify(here)), 'read back from the cache (its text is over 1 MB: decoded in the worker)');
      await loader.saveCacheBeforeExit(20000);
    } finally {
      fs.rmSync(bigRoot, { recursive: true, force: true });
    }
  });

  it('a part of a large file is sent alone: nothing more until the server has taken it', async () => {
    // The server thread reads every message waiting on a port in one go; a window of parts (500
    // sources each) held it for tens of milliseconds.
    const bigRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-parts-'));
    const worker = new Worker(PARSE_WORKER);
    try {
      const entries = Array.from({ length: 2600 }, (_, i) => `Paper Number ${i} About Things\n\nAn abstract of paper ${i}.\n\n`);
      fs.mkdirSync(path.join(bigRoot, 'digests'));
      fs.writeFileSync(path.join(bigRoot, 'digests/big.digest.txt'), `Sep 1\n\n${entries.join('')}`);
      fs.writeFileSync(path.join(bigRoot, 'digests/small.digest.txt'), 'Sep 2\n\nA Small Paper\n\nIts abstract.\n\n');
      const received: string[] = [];
      let changed: () => void = () => undefined;
      worker.on('message', (m: ParseWorkerReply) => { if (!('log' in m)) { received.push('part' in m ? 'part' : 'results'); changed(); } });
      const settle = () => new Promise<void>((resolve) => { changed = resolve; setTimeout(resolve, 300); });
      worker.postMessage({ type: 'load', files: filesToLoad(bigRoot), maxMB: 50, progress: newProgress() });
      await settle();
      await settle();
      assert.deepStrictEqual(received, ['part'], 'one part, then nothing until it is taken');
      // Each part taken lets one more message go; once no part is left, the results go as the window allows.
      for (let taken = 1; received[received.length - 1] === 'part' && taken < 20; taken++) {
        worker.postMessage({ type: 'taken' });
        await settle();
        await settle();
        if (received[received.length - 2] === 'part') assert.strictEqual(received.length, taken + 1, `after ${taken} taken: ${received.join(', ')}`);
      }
      // 2,600 sources: the first 2,100 in parts of 500 (the last part 100), the last 500 with the file's result.
      assert.deepStrictEqual(received.filter((m) => m === 'part').length, 5);
      assert.ok(received.slice(5).length >= 1 && received.slice(5).every((m) => m === 'results'), received.join(', '));
    } finally {
      await worker.terminate();
      fs.rmSync(bigRoot, { recursive: true, force: true });
    }
  });

  it('with a text store, a worker whose last file comes over in parts still hands off every record for the cache', async () => {
    const bigRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-big-last-'));
    const store = openTextStore(path.join(bigRoot, '.texts'));
    try {
      fs.cpSync(path.join(FIXTURES, 'library'), bigRoot, { recursive: true });
      const entries = Array.from({ length: 1234 }, (_, i) => `Paper Number ${i} About Things\n\nAn abstract of paper ${i}.\n\n`);
      fs.writeFileSync(path.join(bigRoot, 'digests/big.digest.txt'), `Sep 1\n\n${entries.join('')}`);
      const all = filesToLoad(bigRoot);
      const big = all.find((f) => f.rel === 'digests/big.digest.txt')!;
      const files = [...all.filter((f) => f !== big), big]; // one worker: the big digest is its last file
      const config = { dir: path.join(bigRoot, '.cache'), codeId: 'test', racyMs: -60_000 };
      const loader = new WorkerFileLoader(PARSE_WORKER, 1, () => undefined);
      loader.useTextStore(store);
      loader.useCache(config);
      await loadAll(loader, files);
      await loader.saveCacheBeforeExit(20000);
      assert.strictEqual(fs.readdirSync(config.dir).length, files.length - 1, 'every file but the missing one is cached');
    } finally {
      closeTextStore(store);
      fs.rmSync(bigRoot, { recursive: true, force: true });
    }
  });

  it('a file that takes a worker longer than its budget is left out with an error; the files after it are loaded by a new worker', async () => {
    const slowRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-slow-'));
    try {
      fs.cpSync(path.join(FIXTURES, 'library'), slowRoot, { recursive: true });
      // A 40 MB digest takes ~0.5 s of CPU to parse: over a budget of 0.1 s (the real one is 20 s).
      const entry = 'A Long Title Here\n\n' + 'An abstract sentence. '.repeat(50) + '\n\n';
      fs.writeFileSync(path.join(slowRoot, 'digests/huge.digest.txt'), 'Sep 1\n\n' + entry.repeat(Math.ceil((40 * 1024 * 1024) / entry.length)));
      const files = filesToLoad(slowRoot);
      const lines: string[] = [];
      const loaded = await (async () => {
        const out: LoadedFile[] = [];
        for await (const f of new WorkerFileLoader(PARSE_WORKER, 1, (l) => lines.push(l), 100).load(files, 64)) out.push(f);
        return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
      })();
      const huge = loaded.find((f) => f.uri.endsWith('huge.digest.txt'))!;
      assert.deepStrictEqual(huge.entry?.sources, []);
      assert.strictEqual(huge.entry?.problems[0].code, 'not-indexed');
      assert.deepStrictEqual(huge.log, ['digests/huge.digest.txt: not indexed: parsing it took longer than 0.1 s, so it was stopped (the rest of the scan went on)']);
      const others = files.filter((f) => f !== files.find((g) => g.uri === huge.uri));
      assert.deepStrictEqual(loaded.filter((f) => f !== huge), await loadAll(inThreadLoader, others), 'every other file, each once');
      assert.deepStrictEqual(lines, []);
    } finally {
      fs.rmSync(slowRoot, { recursive: true, force: true });
    }
  });

  it('workers started while the scan lists its files load them as well, and an empty scan ends them', async () => {
    const files = filesToLoad(root);
    const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => assert.fail(l));
    loader.prepare();
    assert.deepStrictEqual(await loadAll(loader, files), await loadAll(inThreadLoader, files));
    loader.prepare();
    loader.prepare(); // no more than the loader's count are waiting
    assert.deepStrictEqual(await loadAll(loader, []), []);
    assert.deepStrictEqual(await loadAll(loader, files.slice(0, 3)), await loadAll(inThreadLoader, files.slice(0, 3)));
  });

  it('a worker that cannot start leaves its files to the server thread, with a log line', async () => {
    const files = filesToLoad(root);
    const lines: string[] = [];
    const loaded = await loadAll(new WorkerFileLoader(path.join(root, 'no-such-worker.js'), 2, (l) => lines.push(l)), files);
    assert.deepStrictEqual(loaded, await loadAll(inThreadLoader, files));
    assert.ok(lines.length >= 1 && lines.every((l) => /^parse worker failed .*; reading its other \d+ files on the server thread$/s.test(l)), lines.join('\n'));
  });

  it('a damaged cached result is parsed again, and a folder that does not take its new record is said, not passed over', () => {
    const f = filesToLoad(root).find((x) => x.rel.endsWith('.md') && !x.rel.endsWith('binary.md'))!;
    const blocker = path.join(root, '..', `${path.basename(root)}-no-folder-here`);
    fs.writeFileSync(blocker, 'a file where the cache folder would go');
    try {
      const lines: string[] = [];
      const unwritten = unwrittenRecords((l) => lines.push(l));
      const damaged = { uri: f.uri, body: new TextEncoder().encode('{"not": "a result"'), textLength: 10 };
      const loaded = decodeHit(damaged, f, 50, { dir: path.join(blocker, 'cache'), codeId: 'test', racyMs: -60_000 }, noCounts(), false, unwritten);
      assert.deepStrictEqual({ ...loaded, log: [] }, { ...loadFileSync(f, 50), log: [] }, 'parsed again from the file');
      assert.strictEqual(loaded.log.length, 1, 'with a line saying why');
      assert.strictEqual(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /^parse cache: a result could not be kept in the storage folder \(.*ENOTDIR.*\); its file is parsed again at the next start$/);
    } finally {
      fs.rmSync(blocker, { force: true });
    }
  });

  it('a cache folder that takes no record is said once with the reason, then as a count, whether a worker or the server thread writes', async () => {
    const files = filesToLoad(root);
    const blocker = path.join(root, '..', `${path.basename(root)}-not-a-folder`);
    fs.writeFileSync(blocker, 'a file where the cache folder would go');
    const config = { dir: path.join(blocker, 'cache'), codeId: 'test', racyMs: -60_000 };
    const storeParent = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-unwritten-'));
    const store = openTextStore(storeParent);
    const said = (lines: string[]) => lines.filter((l) => l.includes('could not be kept'));
    let records = 0; // what a folder that takes them gets
    const expectOnce = (lines: string[], where: string) => {
      assert.strictEqual(said(lines).length, 2, `${where}: ${lines.join('\n')}`);
      assert.match(said(lines)[0], /^parse cache: a result could not be kept in the storage folder \(.*ENOTDIR.*\); its file is parsed again at the next start$/);
      assert.strictEqual(said(lines)[1], `parse cache: ${records - 1} more results could not be kept in the storage folder either`);
    };
    try {
      const writable = { ...config, dir: path.join(storeParent, 'cache') };
      const control = new WorkerFileLoader(PARSE_WORKER, 2, () => undefined);
      control.useCache(writable);
      await loadAll(control, files);
      await control.saveCacheBeforeExit(20000);
      records = fs.readdirSync(writable.dir).length;
      assert.ok(records > 10);

      const byWorkers: string[] = [];
      const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => byWorkers.push(l));
      loader.useTextStore(store);
      loader.useCache(config);
      await loadAll(loader, files);
      await loader.saveCacheBeforeExit(20000);
      expectOnce(byWorkers, 'the worker that saves');

      const onThread: string[] = [];
      const fallback = new WorkerFileLoader(path.join(root, 'no-such-worker.js'), 1, (l) => onThread.push(l));
      fallback.useCache(config);
      await loadAll(fallback, files);
      expectOnce(onThread, 'the server thread');
      assert.strictEqual(fs.readFileSync(blocker, 'utf8'), 'a file where the cache folder would go');
    } finally {
      closeTextStore(store);
      fs.rmSync(storeParent, { recursive: true, force: true });
      fs.rmSync(blocker, { force: true });
    }
  });

  it('a worker that parses a cold scan\'s bulk (1 MB or more) moves to the idle scheduling class; one that parses less keeps its nice value (Linux)', async function () {
    if (process.platform !== 'linux') this.skip();
    const bulk = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-bulk-'));
    try {
      const abstract = 'Sparse mixture of experts routing for retrieval and ranking. '.repeat(80); // ~5 KB
      fs.mkdirSync(path.join(bulk, 'notes'));
      for (let i = 0; i < 300; i++) {
        fs.writeFileSync(path.join(bulk, `notes/n${i}.md`), `---\ncitekey: bulk${i}\ntitle: "Bulk note ${i}"\nabstract: "${abstract}"\n---\n`);
      }
      const files = filesToLoad(bulk).filter((f) => f.rel !== 'notes/missing.md');
      const bytes = (some: FileToLoad[]) => some.reduce((n, f) => n + fs.statSync(f.fsPath).size, 0);
      const small = files.slice(0, 40);
      assert.ok(bytes(small) < 0.5 * 1024 * 1024 && bytes(files) > 1.3 * 1024 * 1024);

      const before = idleThreads();
      const newIdle = () => [...idleThreads()].filter((id) => !before.has(id));
      const lines: string[] = [];
      const smallLoader = new WorkerFileLoader(PARSE_WORKER, 1, (l) => lines.push(l));
      assert.strictEqual((await loadAll(smallLoader, small)).length, small.length);
      await new Promise((r) => setTimeout(r, 300)); // as long as chrt would take
      assert.deepStrictEqual(newIdle(), [], 'a small load stays in the normal class');

      // Look while the last result has not been taken, while its worker is surely still loading.
      const bulkLoader = new WorkerFileLoader(PARSE_WORKER, 1, (l) => lines.push(l));
      let taken = 0;
      let idleWhileLoading = 0;
      for await (const _ of bulkLoader.load(files, DEFAULT_SETTINGS.maxFileSizeMB)) {
        if (++taken !== files.length - 1) continue;
        for (let waited = 0; newIdle().length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
        idleWhileLoading = newIdle().length;
      }
      assert.strictEqual(taken, files.length);
      assert.strictEqual(idleWhileLoading, 1, 'the bulk load\'s worker is in SCHED_IDLE');
      assert.deepStrictEqual(lines, []);
    } finally {
      fs.rmSync(bulk, { recursive: true, force: true });
    }
  });
});

/** Threads of this process (Linux; elsewhere 0, which any count equals). */
function threadCount(): number {
  return process.platform === 'linux' ? fs.readdirSync('/proc/self/task').length : 0;
}

/** Waits (5 s at most) until this process has no more than `count` threads. */
async function threadsDownTo(count: number): Promise<void> {
  for (let waited = 0; threadCount() > count && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

/** Threads of this process in the idle scheduling class. */
function idleThreads(): Set<number> {
  const ids = new Set<number>();
  for (const id of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      if (schedulingPolicyOf(stat) === 5) ids.add(Number(id));
    } catch { /* the thread ended meanwhile */ }
  }
  return ids;
}
