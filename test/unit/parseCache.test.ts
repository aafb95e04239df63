import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { WorkerFileLoader } from '../../server/src/ingest/fileLoader';
import { FileToLoad, LoadedFile, loadFileSync } from '../../server/src/ingest/loadFile';
import { rewriteBody } from '../support/cacheFiles';
import { CacheCounts, cacheFileName, noCounts, ParseCacheConfig, pruneCache, writeRecord, writingAtOnce } from '../../server/src/ingest/parseCache';

const PARSE_WORKER = path.resolve(__dirname, '../../server/src/ingest/parseWorker.js');
const MAX_MB = 5;

/** What survives JSON: a parse result's fields that are present but undefined do not. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x));

const note = (title: string) => `---\nid: smith2024rag\ntitle: "${title}"\nauthor: [Jane Smith]\nyear: 2024\ntags: [rag]\n---\n\nSee [@lee2023].\n`;

describe('the parse cache', () => {
  let root: string;
  let config: ParseCacheConfig;
  let file: FileToLoad;
  const cacheFile = () => path.join(config.dir, cacheFileName(file.uri));
  /**
   * Rewrite the cached body (what follows the header line), with its checksum made to match (an
   * entry that is whole, but says something else), or left as it was (`damaged`: a changed byte).
   */
  const editBody = (edit: (body: string) => string, damaged = false) => {
    const text = fs.readFileSync(cacheFile(), 'utf8');
    fs.writeFileSync(cacheFile(), damaged ? rewriteBody(text, edit).replace(/"sum":"[^"]*"/, text.match(/"sum":"[^"]*"/)![0]) : rewriteBody(text, edit));
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-parsecache-'));
    config = { dir: path.join(root, 'storage', 'parsed'), codeId: 'build-1' };
    const fsPath = path.join(root, 'smith.md');
    fs.writeFileSync(fsPath, note('Reward Models for Retrieval'));
    file = { fsPath, uri: pathToFileURL(fsPath).href, rel: 'smith.md', candidate: 'note' };
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** `count` notes named `<prefix><i>.md`, as the scan would list them. */
  const manyNotes = (prefix: string, count: number): FileToLoad[] => Array.from({ length: count }, (_, i) => {
    const fsPath = path.join(root, `${prefix}${i}.md`);
    fs.writeFileSync(fsPath, note(`Paper number ${i}`).replace('smith2024rag', `paper${i}`));
    return { fsPath, uri: pathToFileURL(fsPath).href, rel: `${prefix}${i}.md`, candidate: 'note' };
  });

  it('gives back what parsing gave, read from the cache rather than parsed again', () => {
    const parsed = loadFileSync(file, MAX_MB, writingAtOnce(config));
    assert.ok(fs.existsSync(cacheFile()));
    assert.deepStrictEqual(loadFileSync(file, MAX_MB, writingAtOnce(config)), plain(parsed));
    assert.deepStrictEqual(parsed, loadFileSync(file, MAX_MB), 'the same as without a cache');
    // Proof that the second load came from the cache: an edit to the cached title shows through.
    editBody((body) => body.replace(/"title":"Reward Models for Retrieval"/, '"title":"From the cache"'));
    assert.strictEqual(loadFileSync(file, MAX_MB, writingAtOnce(config)).entry?.sources[0].title, 'From the cache');
  });

  it('writes records byte for byte, whatever their script or size, one after another', () => {
    const texts = ['{"title":"Café — naïve 深度学习 😀 \\u0000"}', 'x'.repeat(300_000) + 'é', 'short', '😀'.repeat(2_000_000)];
    texts.forEach((text, i) => writeRecord(config, { name: `r${i}.parsed`, data: Buffer.from(text, 'utf8') }));
    texts.forEach((text, i) => assert.strictEqual(fs.readFileSync(path.join(config.dir, `r${i}.parsed`), 'utf8'), text, `record ${i}`));
    assert.deepStrictEqual(fs.readdirSync(config.dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file is left');
  });

  it('parses again when the text, the parser build or the file\'s path changed', () => {
    loadFileSync(file, MAX_MB, writingAtOnce(config));
    editBody((body) => body.replace(/"title":"Reward Models for Retrieval"/, '"title":"From the cache"'));
    const fromCache = () => loadFileSync(file, MAX_MB, writingAtOnce(config)).entry?.sources[0].title === 'From the cache';
    assert.ok(fromCache());
    assert.strictEqual(loadFileSync(file, MAX_MB, writingAtOnce({ ...config, codeId: 'build-2' })).entry?.sources[0].title, 'Reward Models for Retrieval');

    loadFileSync(file, MAX_MB, writingAtOnce(config)); // build-1 again: its result was replaced by build-2's
    editBody((body) => body.replace(/"title":"Reward Models for Retrieval"/, '"title":"From the cache"'));
    assert.strictEqual(loadFileSync({ ...file, rel: 'moved/smith.md' }, MAX_MB, writingAtOnce(config)).entry?.relativePath, 'moved/smith.md');

    fs.writeFileSync(file.fsPath, note('Dense Retrieval Revisited'));
    const changed = loadFileSync(file, MAX_MB, writingAtOnce(config));
    assert.strictEqual(changed.entry?.sources[0].title, 'Dense Retrieval Revisited');
    assert.deepStrictEqual(changed.log, [], 'a change is not a problem');
  });

  it('does not use another file\'s result, even under this file\'s name', () => {
    const otherPath = path.join(root, 'other.md');
    fs.writeFileSync(otherPath, note('Reward Models for Retrieval'));
    const other: FileToLoad = { ...file, fsPath: otherPath, uri: pathToFileURL(otherPath).href, rel: 'other.md' };
    loadFileSync(other, MAX_MB, writingAtOnce(config));
    fs.copyFileSync(path.join(config.dir, cacheFileName(other.uri)), cacheFile());
    const loaded = loadFileSync(file, MAX_MB, writingAtOnce(config));
    assert.strictEqual(loaded.entry?.uri, file.uri);
    assert.strictEqual(loaded.entry?.sources[0].uri, file.uri);
  });

  describe('knowing a file unchanged by its stamp', () => {
    /** Load once more and say how: 'unchanged' (not read), 'sameText' (read, hash matched) or 'parsed'. */
    const how = (cfg: ParseCacheConfig): [keyof CacheCounts, LoadedFile] => {
      const counts = noCounts();
      const loaded = loadFileSync(file, MAX_MB, writingAtOnce(cfg), counts);
      const ways = (Object.keys(counts) as (keyof CacheCounts)[]).filter((k) => counts[k] > 0);
      assert.strictEqual(ways.length, 1, JSON.stringify(counts));
      return [ways[0], loaded];
    };
    /** As if the file's times were older than the racy window: tests cannot age a change time. */
    const settled = () => ({ ...config, racyMs: 0 });
    const tick = () => { const until = Date.now() + 5; while (Date.now() < until) { /* let the clock pass the file's times */ } };

    it('does not read a file whose size, times and inode are as they were when it was parsed', () => {
      tick();
      assert.strictEqual(how(settled())[0], 'parsed');
      const [way, loaded] = how(settled());
      assert.strictEqual(way, 'unchanged');
      assert.deepStrictEqual(loaded, plain(loadFileSync(file, MAX_MB)));
    });

    it('notices new text of the same size with the old modification time put back (the change time moved)', () => {
      const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000); // a whole second, so that putting it back is exact
      fs.utimesSync(file.fsPath, mtime, mtime);
      const { size } = fs.statSync(file.fsPath);
      tick();
      how(settled());
      fs.writeFileSync(file.fsPath, note('Reward Models for RetrievaL'));
      fs.utimesSync(file.fsPath, mtime, mtime);
      assert.strictEqual(fs.statSync(file.fsPath).size, size);
      assert.strictEqual(fs.statSync(file.fsPath).mtimeMs, mtime.getTime());
      tick();
      const [way, loaded] = how(settled());
      assert.strictEqual(way, 'parsed');
      assert.strictEqual(loaded.entry?.sources[0].title, 'Reward Models for RetrievaL');
    });

    it('checks the text of a file changed shortly before it was read (racily clean), every time', () => {
      how(config);
      assert.strictEqual(how(config)[0], 'sameText', 'its times are within the racy window of when it was read');
      assert.strictEqual(how(config)[0], 'sameText');
    });

    it('re-stamps a file that was touched but not changed, so the next start does not read it', () => {
      tick();
      how(settled());
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(file.fsPath, later, later);
      // Its modification time is now after the moment it is read: read and hashed, never trusted by stamp.
      assert.strictEqual(how(settled())[0], 'sameText');
      const past = new Date(Date.now() - 60_000);
      fs.utimesSync(file.fsPath, past, past);
      tick();
      assert.strictEqual(how(settled())[0], 'sameText');
      assert.strictEqual(how(settled())[0], 'unchanged');
    });
  });

  for (const [what, damage, problem] of [
    ['truncated', (body: string) => body.slice(0, body.length / 2), 'unreadable body'],
    ['not JSON at all', () => '\u0000\u0001garbage', 'unreadable body'],
    ['a title that is not text', (body: string) => body.replace(/"title":"Reward Models for Retrieval"/, '"title":42'), 'a source lacks its title or position'],
    ['a range with a negative line', (body: string) => body.replace(/"line":\d+/, '"line":-1'), ''],
    ['citations that are not a list', (body: string) => body.replace(/"citations":\[/, '"citations":7,"was":['), 'malformed entry'],
    ['title words as a list (the format before 3)', (body: string) => body.replace(/"titleWords":(0|"[^"]*")/, '"titleWords":["reward","models"]'), 'a malformed title'],
    ['no base key', (body: string) => body.replace(/"baseKey":"[^"]*"/, '"baseKey":""'), 'a malformed title'],
    ['a source of another file', (body: string) => body.replace(/("sources":\[\{"kind":"note","uri":)0/, '$1"file:///elsewhere.md"'), 'a source has the wrong kind or uri'],
    ['a note without its key (one byte: "key" to "keY")', (body: string) => body.replace('"key":', '"keY":'), 'a note has no key'],
  ] as [string, (body: string) => string, string][]) {
    it(`is not trusted when a cached result is ${what}: the file is parsed again, with a log line, and the cache mended`, () => {
      const parsed = loadFileSync(file, MAX_MB, writingAtOnce(config));
      editBody(damage);
      const counts = noCounts();
      // With a stamp that vouches for the file, as one that does not (it is hashed then).
      assert.strictEqual(loadFileSync(file, MAX_MB, writingAtOnce({ ...config, racyMs: -60_000 }), counts).log.length, 1);
      assert.deepStrictEqual(counts, { unchanged: 0, sameText: 0, parsed: 1 });
      editBody(damage);
      const again = loadFileSync(file, MAX_MB, writingAtOnce(config));
      assert.deepStrictEqual(again.entry, parsed.entry, 'parsed again');
      assert.strictEqual(again.log.length, 1, again.log.join('\n'));
      assert.match(again.log[0], /^smith\.md: its cached parse was unusable \((.+)\), so it was parsed again$/);
      if (problem) assert.ok(again.log[0].includes(`(${problem})`), again.log[0]);
      assert.deepStrictEqual(loadFileSync(file, MAX_MB, writingAtOnce(config)), plain(parsed), 'rewritten: the next load is a clean hit');
    });
  }

  for (const [what, damage] of [
    ['"key" changed to "keY"', (body: string) => body.replace('"key":', '"keY":')],
    ['its key changed to a neighbour\'s', (body: string) => body.replace('"key":"smith2024rag"', '"key":"smith2024raf"')],
    ['its title changed', (body: string) => body.replace('Reward Models', 'Reward Modals')],
  ] as [string, (body: string) => string][]) {
    it(`a cached result whose bytes changed (${what}) fails its checksum: parsed again, logged, mended`, () => {
      const parsed = loadFileSync(file, MAX_MB, writingAtOnce(config));
      editBody(damage, true);
      const again = loadFileSync(file, MAX_MB, writingAtOnce({ ...config, racyMs: -60_000 }));
      assert.deepStrictEqual(again.entry, parsed.entry);
      assert.deepStrictEqual(again.log, ['smith.md: its cached parse was unusable (damaged: its checksum does not match), so it was parsed again']);
      assert.deepStrictEqual(loadFileSync(file, MAX_MB, writingAtOnce(config)), plain(parsed), 'rewritten: the next load is a clean hit');
    });
  }

  it('a damaged header is a problem too, and a missing cache folder is not', () => {
    fs.rmSync(config.dir, { recursive: true, force: true });
    assert.deepStrictEqual(loadFileSync(file, MAX_MB, writingAtOnce(config)).log, []);
    fs.writeFileSync(cacheFile(), '{"format":1,"code\n{}');
    assert.match(loadFileSync(file, MAX_MB, writingAtOnce(config)).log.join(), /unusable \(unreadable header\)/);
  });

  it('pruning removes results for files no longer in the workspace, and keeps ones just written', async () => {
    loadFileSync(file, MAX_MB, writingAtOnce(config));
    const gonePath = path.join(root, 'gone.md');
    fs.writeFileSync(gonePath, note('Gone'));
    const gone: FileToLoad = { ...file, fsPath: gonePath, uri: pathToFileURL(gonePath).href, rel: 'gone.md' };
    loadFileSync(gone, MAX_MB, writingAtOnce(config));
    const past = new Date(Date.now() - 60_000);
    for (const name of fs.readdirSync(config.dir)) fs.utimesSync(path.join(config.dir, name), past, past);
    const recent = path.join(config.dir, `${cacheFileName('file:///new-elsewhere.md')}`);
    fs.writeFileSync(recent, 'written by another scan a moment ago');
    fs.writeFileSync(path.join(config.dir, 'unrelated.txt'), 'not ours');

    assert.strictEqual(await pruneCache(config.dir, [file.uri], Date.now() - 1000), 1);
    assert.deepStrictEqual(fs.readdirSync(config.dir).sort(), [cacheFileName(file.uri), path.basename(recent), 'unrelated.txt'].sort());
  });

  it('on shutdown, parse workers save what missed at once and the server waits for them', async function () {
    this.timeout(30000);
    const files = manyNotes('s', 60);
    const loader = new WorkerFileLoader(PARSE_WORKER, 2, () => undefined);
    loader.useCache(config);
    for await (const _ of loader.load(files, MAX_MB)) { /* scanned */ }
    const written = () => files.filter((f) => fs.existsSync(path.join(config.dir, cacheFileName(f.uri)))).length;
    assert.strictEqual(written(), 0);
    await loader.saveCacheBeforeExit(20000);
    assert.strictEqual(written(), files.length);
  });

  it('parse workers pass on results their stamps vouch for, and the server thread checks them: a damaged one is parsed again and mended', async function () {
    this.timeout(30000);
    const files = manyNotes('d', 80);
    for (const f of files) loadFileSync(f, MAX_MB, writingAtOnce(config));
    const lines: string[] = [];
    const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
    loader.useCache({ ...config, racyMs: -60_000 }); // files just written count as old: their stamps vouch for them
    const loadAll = async () => {
      lines.length = 0;
      const out: LoadedFile[] = [];
      for await (const f of loader.load(files, MAX_MB)) out.push(f);
      return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
    };
    const expected = files.map((f) => plain(loadFileSync(f, MAX_MB))).sort((a, b) => (a.uri < b.uri ? -1 : 1));

    assert.deepStrictEqual(await loadAll(), expected);
    assert.ok(lines.includes('parse cache: 80 files unchanged since cached (not read), 0 with unchanged text (read and hashed), 0 parsed'), lines.join('\n'));

    const damaged = files[7];
    const name = path.join(config.dir, cacheFileName(damaged.uri));
    fs.writeFileSync(name, rewriteBody(fs.readFileSync(name, 'utf8'), (b) => b.replace(/"title":"Paper number 7"/, '"title":["Paper number 7"]')));
    const second = await loadAll();
    const withLog = second.filter((f) => f.log.length);
    assert.deepStrictEqual(withLog.map((f) => f.log), [['d7.md: its cached parse was unusable (a source lacks its title or position), so it was parsed again']]);
    assert.deepStrictEqual(second.map((f) => plain({ ...f, log: [] })), expected, 'the damaged result is not used');
    assert.ok(lines.includes('parse cache: 79 files unchanged since cached (not read), 0 with unchanged text (read and hashed), 1 parsed'), lines.join('\n'));

    assert.deepStrictEqual(await loadAll(), expected, 'mended at once: the next scan has no log line');
  });

  it('parse workers read from it, save what missed when told to (after the scan), and prune after a full scan', async function () {
    this.timeout(60000);
    const stale = path.join(config.dir, cacheFileName('file:///deleted-since.md'));
    fs.mkdirSync(config.dir, { recursive: true });
    fs.writeFileSync(stale, 'left by a file deleted since');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(stale, old, old);
    const files = manyNotes('n', 120);
    const lines: string[] = [];
    const loader = new WorkerFileLoader(PARSE_WORKER, 2, (l) => lines.push(l));
    loader.useCache(config);
    const loadAll = async () => {
      const out: LoadedFile[] = [];
      for await (const f of loader.load(files, MAX_MB)) out.push(f);
      return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
    };
    const first = await loadAll();
    assert.deepStrictEqual(first, files.map((f) => loadFileSync(f, MAX_MB)).sort((a, b) => (a.uri < b.uri ? -1 : 1)));
    const written = () => files.filter((f) => fs.existsSync(path.join(config.dir, cacheFileName(f.uri)))).length;
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(written(), 0, 'nothing written before the server says so');
    loader.saveCache();
    for (let waited = 0; (written() < files.length || fs.existsSync(stale)) && waited < 25_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(written(), files.length, 'every parsed file saved');
    assert.ok(!fs.existsSync(stale), 'the deleted file\'s result pruned');
    assert.ok(lines.some((l) => /parse cache: removed 1 results/.test(l)), lines.join('\n'));

    // Mark every cached title: a second scan must return the marked ones.
    for (const f of files) {
      const name = path.join(config.dir, cacheFileName(f.uri));
      fs.writeFileSync(name, rewriteBody(fs.readFileSync(name, 'utf8'), (b) => b.replace(/"title":"Paper number/, '"title":"Cached paper number')));
    }
    const second = await loadAll();
    assert.strictEqual(second.length, files.length);
    assert.ok(second.every((f) => /^Cached paper number \d+$/.test(f.entry?.sources[0].title ?? '')), 'all from the cache');
  });
});
