import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { CacheStore, checksum, openSealed, sealBytes, sealText, UnwrittenFiles } from '../../server/src/runtime/cacheStore';

describe('the cache store', () => {
  let dir: string;
  beforeEach(() => { dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-store-')), 'cache'); });
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('names a key by its hash and the cache\'s extension, creates its folder on the first write, and reads back what it wrote', () => {
    const store = new CacheStore(dir, '.shard');
    const name = store.nameFor('digest:file:///a.json');
    assert.match(name, /^[0-9a-f]{40}\.shard$/);
    assert.strictEqual(store.nameFor('digest:file:///a.json'), name);
    assert.notStrictEqual(store.nameFor('digest:file:///b.json'), name);
    assert.strictEqual(store.read(name), undefined, 'nothing there is a miss, not an error');
    assert.deepStrictEqual(store.names(), new Set());
    store.write(name, 'one');
    store.write(name, 'two');
    assert.strictEqual(store.read(name, 'utf8'), 'two');
    assert.deepStrictEqual([...store.names()], [name], 'no temporary file is left beside it');
  });

  it('prunes its own files that are not kept and older than the scan, and leaves other files alone', async () => {
    const store = new CacheStore(dir, '.parsed');
    for (const n of ['keep.parsed', 'gone.parsed', 'crash.parsed.1.x.tmp', 'recent.parsed', 'notes.txt']) store.write(n, n);
    const old = new Date(Date.now() - 60_000);
    for (const n of ['keep.parsed', 'gone.parsed', 'crash.parsed.1.x.tmp', 'notes.txt']) fs.utimesSync(path.join(dir, n), old, old);
    const removed = await store.prune((n) => n === 'keep.parsed', Date.now() - 10_000);
    assert.strictEqual(removed, 2);
    assert.deepStrictEqual([...store.names()].sort(), ['keep.parsed', 'notes.txt', 'recent.parsed']);
  });

  it('keeps the newest files of its kind', () => {
    const store = new CacheStore(dir, '.json');
    ['a', 'b', 'c'].forEach((n, i) => {
      store.write(`${n}.json`, n);
      const at = new Date(Date.now() - (3 - i) * 10_000);
      fs.utimesSync(path.join(dir, `${n}.json`), at, at);
    });
    store.keepNewest(2);
    assert.deepStrictEqual([...store.names()].sort(), ['b.json', 'c.json']);
  });

  it('tells a write failure when its reason is new, counts the others, and tells them as one line', () => {
    const lines: string[] = [];
    const unwritten = new UnwrittenFiles((l) => lines.push(l), (what, message) => `${what}: ${message}`, (count) => `${count} more`);
    const full = (file: string) => Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    for (const f of ['a', 'b', 'c']) unwritten.failed(f, full(f));
    unwritten.report();
    unwritten.report();
    assert.deepStrictEqual(lines.splice(0), ["a: ENOSPC: no space left on device, write 'a'", '2 more'], 'told apart by code, not by the message naming the file; counted once');
    unwritten.failed('d', full('d'));
    unwritten.failed('e', Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }));
    unwritten.wrote();
    unwritten.failed('f', full('f'));
    unwritten.report();
    assert.deepStrictEqual(lines.splice(0), ['e: EROFS: read-only file system', "f: ENOSPC: no space left on device, write 'f'", '1 more'], 'another code, or a failure after a write that worked, is told again');
  });

  it('a sealed file is a hit, another version a miss, a flipped byte a problem', () => {
    const text = sealText({ format: 2 }, '{"x":1}');
    assert.deepStrictEqual(openSealed(text, { format: 2 }), { hit: { header: JSON.parse(text.split('\n')[0]), body: '{"x":1}' } });
    assert.deepStrictEqual(openSealed(text, { format: 3 }), { miss: true });
    assert.deepStrictEqual(openSealed(text.replace('"x":1', '"x":2'), { format: 2 }), { problem: 'damaged: its checksum does not match' });
  });

  it('seals with a CRC-32 where the runtime has one, and still opens files sealed with SHA-256', function () {
    if (!(zlib as { crc32?: unknown }).crc32) this.skip(); // an older runtime seals with SHA-256 alone
    const body = '{"x":1}';
    const text = sealText({ format: 2 }, body);
    assert.match(JSON.parse(text.split('\n')[0]).sum, /^crc32:[0-9a-f]+$/);
    const older = `${JSON.stringify({ format: 2, sum: checksum(body) })}\n${body}`;
    assert.ok('hit' in openSealed(older, { format: 2 }), 'a file another build sealed with SHA-256 is read');
    assert.deepStrictEqual(openSealed(older.replace('"x":1', '"x":3'), { format: 2 }), { problem: 'damaged: its checksum does not match' });
    assert.deepStrictEqual(openSealed(`${JSON.stringify({ format: 2, sum: 'crc32:0' })}\n${body}`, { format: 2 }), { problem: 'damaged: its checksum does not match' });
  });

  it('seals bytes as it seals their text, so either reads the other\'s files, and opens them as bytes', () => {
    const body = '{"title":"Café — naïve 深度学习 😀","abstract":"x\\n"}';
    const bytes = sealBytes({ format: 2 }, Buffer.from(body, 'utf8'));
    assert.strictEqual(bytes.toString('utf8'), sealText({ format: 2 }, body));
    const opened = openSealed(bytes, { format: 2 });
    assert.ok('hit' in opened);
    assert.ok(Buffer.isBuffer(opened.hit.body), 'the body stays bytes');
    assert.strictEqual(opened.hit.body.toString('utf8'), body);
    assert.deepStrictEqual(opened.hit.header, JSON.parse(sealText({ format: 2 }, body).split('\n')[0]));
    assert.deepStrictEqual(openSealed(bytes, { format: 3 }), { miss: true });
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x01;
    assert.deepStrictEqual(openSealed(flipped, { format: 2 }), { problem: 'damaged: its checksum does not match' });
    assert.deepStrictEqual(openSealed(bytes.subarray(0, 5), { format: 2 }), { problem: 'truncated' });
  });
});
