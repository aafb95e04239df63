import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIELDS } from '../../server/src/search/lunrIndex';
import { CompactIndex, mergeParts, prepareQuery, TermExpander } from '../../server/src/search/compactIndex';
import { MergeToWrite, ShardSet } from '../../server/src/search/shardSet';
import { decodeShardSet, encodeShard, PostingsAt, shardFileLaidOut, shardFilePieces, writeShardSetFile } from '../../server/src/search/shardFile';
import { CacheStore } from '../../server/src/runtime/cacheStore';
import { PostingFile, PostingFileError } from '../../server/src/search/postingFile';
import { buildCompactShard } from '../../server/src/search/shardBuild';
import { resolveTexts, shardDocs, shardOf, SearchDoc } from '../../server/src/search/documents';
import { exampleLibraryFiles, libraryOf } from './helpers';

/** The example library's documents in four shards. */
function fourShards(): SearchDoc<string>[][] {
  const library = libraryOf(exampleLibraryFiles());
  const shards = new Set([...library.allFiles()].map((f) => shardOf(f.uri, f.kind)).filter((s): s is string => !!s));
  const docs = resolveTexts([...shards].sort().flatMap((s) => shardDocs(library, s)), () => assert.fail('no stored texts here'));
  return [0, 1, 2, 3].map((k) => docs.filter((_, i) => i % 4 === k));
}

const QUERIES = ['reward model', '+reward -rag', 'embed*', 'retrievl~1', 'title:embedding^2 abstract:contrastive', '-vision', 'mixture of experts'];

function search(set: ShardSet, q: string) {
  const prepared = prepareQuery(q, FIELDS);
  const expander = new TermExpander(() => set.terms());
  const expansions = prepared.map((p) => p.terms.map((t) => expander.expand(p.clause, t.term, t.expandable)));
  return set.query(prepared, expansions, 1000, Infinity).sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : 1));
}

/** A set of these shards (name, hash, index), merged. */
function mergedSet(shards: [string, string, CompactIndex][]): ShardSet {
  const set = new ShardSet(FIELDS);
  for (const [name, hash, index] of shards) set.set(name, hash, index);
  set.merge();
  return set;
}

/** What one index made from these shards in this order answers. */
function searchMerged(indexes: CompactIndex[], q: string) {
  return search(mergedSet(indexes.map((index, i) => [`s${i}`, 'h', index])), q);
}

describe('a full-text worker\'s shard set (each posting held once)', () => {
  const parts = fourShards();
  const [a, b, c, d] = parts.map((p) => buildCompactShard(p));

  it('merges its shards into the index mergeParts makes of them, and queries it in one pass', () => {
    const set = new ShardSet(FIELDS);
    set.set('a', 'h1', a);
    set.set('b', 'h1', b);
    assert.strictEqual(set.onePass, false, 'two shards not merged yet');
    assert.ok(set.merge());
    assert.strictEqual(set.merge(), false, 'nothing left to merge');
    assert.strictEqual(set.onePass, true);
    assert.deepStrictEqual(set.get('b'), { hash: 'h1', docs: b.refs.length });
    assert.deepStrictEqual(set.terms(), mergeParts([{ index: a }, { index: b }], FIELDS).terms);
    for (const q of QUERIES) {
      const scratch = new ShardSet(FIELDS);
      scratch.set('ab', 'h', mergeParts([{ index: a }, { index: b }], FIELDS));
      assert.deepStrictEqual(search(set, q), search(scratch, q), q);
    }
  });

  it('masks a replaced or removed shard\'s documents until the next merge, which gives what merging the shards now there from scratch gives', () => {
    const set = mergedSet([['a', 'h1', a], ['b', 'h1', b], ['c', 'h1', c]]);
    const bRefs = new Set(b.refs);
    // b's content is now d's; c goes.
    set.set('b', 'h2', d);
    assert.ok(set.delete('c'));
    assert.strictEqual(set.delete('c'), false);
    assert.deepStrictEqual(set.get('b'), { hash: 'h2', docs: d.refs.length });
    assert.strictEqual(set.get('c'), undefined);
    assert.strictEqual(set.size, 2);
    assert.strictEqual(set.onePass, false);
    for (const q of QUERIES) {
      const hits = search(set, q);
      assert.ok(hits.every((h) => !bRefs.has(h.ref) && !c.refs.includes(h.ref)), `${q}: nothing of the old b or of c`);
      assert.deepStrictEqual(hits.map((h) => h.ref).sort(), searchMerged([a, d], q).map((h) => h.ref).sort(), `${q}: the documents of a and the new b`);
    }
    assert.ok(set.merge());
    assert.strictEqual(set.onePass, true);
    // The merged index kept a's documents first, then b's new ones: as merging a and d would.
    const fresh = mergeParts([{ index: a }, { index: d }], FIELDS);
    assert.deepStrictEqual(set.terms(), fresh.terms, 'terms only c or the old b had are gone');
    for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([a, d], q), q);
    assert.ok(search(set, 'reward').length > 0, 'the comparison is not vacuous');
  });

  it('leaves an edit\'s small shard beside the merged index (queried on its own) until what is outside it is worth a merge', () => {
    const set = mergedSet([['a', 'h', a], ['b', 'h', b], ['c', 'h', c]]);
    const docsOf = (i: number) => [parts[3][i]];
    const one = (i: number) => buildCompactShard(docsOf(i));
    assert.strictEqual(set.mergeDue, false, 'nothing changed');
    set.set('note0', 'h', one(0));
    assert.strictEqual(set.mergeDue, false, 'one document against the merged index\'s ' + (a.refs.length + b.refs.length + c.refs.length));
    for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([a, b, c, one(0)], q), `${q}: the same answers unmerged`);
    for (let i = 1; i <= 16; i++) set.set(`note${i % parts[3].length}-${i}`, 'h', one(i % parts[3].length));
    assert.strictEqual(set.mergeDue, true, 'seventeen shards outside it');
    set.merge();
    assert.strictEqual(set.mergeDue, false);
    set.delete('a');
    assert.strictEqual(set.mergeDue, true, `a's ${a.refs.length} documents masked`);
    assert.strictEqual(new ShardSet(FIELDS).mergeDue, false, 'nothing to merge');
    const fresh = new ShardSet(FIELDS);
    fresh.set('n', 'h', one(0));
    assert.strictEqual(fresh.mergeDue, true, 'no merged index yet: the first merge is always due');
  });

  it('keeps a shard\'s range right after others before it went (a removal in the middle, then a change at the end)', () => {
    const set = mergedSet([['a', 'h', a], ['b', 'h', b], ['c', 'h', c]]);
    set.delete('a');
    set.merge();
    // c now starts where b's documents end: replacing it must mask exactly its own documents.
    set.set('c', 'h2', d);
    for (const q of QUERIES) assert.deepStrictEqual(search(set, q).map((h) => h.ref).sort(), searchMerged([b, d], q).map((h) => h.ref).sort(), q);
    set.merge();
    for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([b, d], q), q);
  });

  it('gives a shard\'s index back as it was built, merged or not (for its cache file), and nothing for a hash it no longer has', () => {
    const set = new ShardSet(FIELDS);
    set.set('a', 'h', a);
    set.set('b', 'h', b);
    set.set('c', 'h', c);
    assert.strictEqual(set.standalone('b', 'h', b.terms), b, 'not merged yet: the index itself');
    set.merge();
    set.delete('a');
    set.merge(); // b and c have moved within the merged index
    set.set('d', 'h', d);
    assert.deepStrictEqual(set.standalone('b', 'h', b.terms), b);
    assert.deepStrictEqual(set.standalone('c', 'h', c.terms), c);
    assert.strictEqual(set.standalone('c', 'old', c.terms), undefined);
    assert.strictEqual(set.standalone('a', 'h', a.terms), undefined);
    set.merge();
    assert.deepStrictEqual(set.standalone('d', 'h', d.terms), d);
  });

  describe('with the merged postings in a file (at rest)', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-postings-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const files = () => fs.readdirSync(dir);

    it('answers every query as it did from memory, and takes them back for a merge or a cache file', () => {
      const set = mergedSet([['a', 'h', a], ['b', 'h', b], ['c', 'h', c]]);
      const before = QUERIES.map((q) => search(set, q));
      const postings = [a, b, c].reduce((n, x) => n + x.docs.length, 0);
      assert.strictEqual(set.spill(dir, postings + 1), false, 'fewer postings than asked for stay in memory');
      assert.deepStrictEqual([files(), set.spillError], [[], undefined]);
      assert.strictEqual(set.spill(path.join(dir, 'gone'), 0), false, 'a folder that is not there');
      assert.match(String((set.spillError as Error)?.message), /ENOENT/, 'and why, for the log');
      QUERIES.forEach((q, i) => assert.deepStrictEqual(search(set, q), before[i], q));
      assert.strictEqual(set.spill(dir, 0), true);
      assert.strictEqual(set.spillError, undefined);
      assert.strictEqual(set.spill(dir, 0), true, 'already there');
      assert.deepStrictEqual(files().map((f) => fs.statSync(path.join(dir, f)).size), [postings * 8], 'one file: a document id and a weight per posting');
      QUERIES.forEach((q, i) => assert.deepStrictEqual(search(set, q), before[i], q));

      assert.deepStrictEqual(set.standalone('b', 'h', b.terms), b, 'a cache file\'s index, from the postings taken back');
      assert.deepStrictEqual(files(), [], 'taken back: the file is gone');
      assert.ok(set.spill(dir, 0));
      set.set('b', 'h2', d);
      set.merge();
      QUERIES.forEach((q) => assert.deepStrictEqual(search(set, q), searchMerged([a, c, d], q), q));
      assert.deepStrictEqual(files(), []);
      assert.ok(set.spill(dir, 0));
      assert.strictEqual(files().length, 1, 'at rest again');
    });

    it('says when its file is gone, so that the worker is replaced and builds its shards again', () => {
      const set = mergedSet([['a', 'h', a], ['b', 'h', b]]);
      assert.ok(set.spill(dir, 0));
      for (const f of files()) fs.truncateSync(path.join(dir, f), 8);
      assert.throws(() => search(set, 'reward model'), PostingFileError);
    });
  });

  it('a set whose shards all went answers nothing and merges to nothing', () => {
    const set = new ShardSet(FIELDS);
    set.set('a', 'h', a);
    set.merge();
    set.delete('a');
    assert.deepStrictEqual(search(set, 'reward'), []);
    set.merge();
    assert.deepStrictEqual(set.terms(), []);
    assert.strictEqual(set.size, 0);
  });

  describe('kept whole in one file (a restart takes it up)', () => {
    const header = { format: 4, lunr: '2.3.9', shard: 'set 0 of 2', hash: 'set', fields: FIELDS };
    const fileOf = (set: ShardSet) => {
      const whole = set.whole();
      assert.ok(whole);
      return Buffer.concat(shardFilePieces(header, whole.index, whole.placed));
    };
    const takenUp = (data: Buffer) => {
      const decoded = decodeShardSet(data, header);
      assert.ok('hit' in decoded, JSON.stringify(decoded));
      const set = new ShardSet(FIELDS);
      assert.ok(set.adopt(decoded.hit.index, decoded.hit.placed));
      return { set, decoded: decoded.hit };
    };

    it('answers as the set it was made from; the shards not asked for go at dropUnasked, once', () => {
      const before = mergedSet([['a', 'h1', a], ['b', 'h2', b], ['c', 'h3', c]]);
      const { set, decoded } = takenUp(fileOf(before));
      assert.deepStrictEqual(decoded.placed.map((p) => p.slice(0, 2)), [['a', 'h1'], ['b', 'h2'], ['c', 'h3']]);
      assert.ok(decoded.index.docs.buffer.byteLength > decoded.index.docs.byteLength, 'the postings are views of the file\'s bytes, not copies');
      assert.deepStrictEqual(set.get('b'), { hash: 'h2', docs: b.refs.length });
      assert.strictEqual(set.onePass, true);
      for (const q of QUERIES) assert.deepStrictEqual(search(set, q), search(before, q), q);
      set.asked('a');
      set.asked('b');
      assert.strictEqual(set.dropUnasked(), 1);
      assert.strictEqual(set.get('c'), undefined);
      assert.strictEqual(set.dropUnasked(), 0, 'once');
      set.merge();
      for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([a, b], q), q);
      assert.strictEqual(set.adopt(decoded.index, decoded.placed), false, 'only into an empty set');
    });

    /** `before`'s file written in `dir` and taken up with its postings left in it, read through the descriptor it was read with. */
    const takenUpInFile = (dir: string, before: ShardSet, flags: 'r' | 'r+') => {
      const file = path.join(dir, 'set.shard');
      fs.writeFileSync(file, fileOf(before));
      const fd = fs.openSync(file, flags);
      const decoded = decodeShardSet(fs.readFileSync(file), header);
      assert.ok('hit' in decoded);
      const { index, placed, postingsAt } = decoded.hit;
      const postings = PostingFile.inCacheFile(file, fd, index.docs.length, index.refs.length, postingsAt);
      const set = new ShardSet(FIELDS);
      assert.ok(set.adopt(index, placed, postings));
      return { set, file, fd, index, postings, postingsAt };
    };

    it('answers with its postings left in the file, read through the descriptor it was checked through; the file stays when they go back into memory', () => {
      const before = mergedSet([['a', 'h1', a], ['b', 'h2', b], ['c', 'h3', c]]);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-setfile-'));
      try {
        const { set, file, fd, index, postings } = takenUpInFile(dir, before, 'r');
        assert.deepStrictEqual(postings.read(5, 40), { docs: index.docs.slice(5, 40), weights: index.weights.slice(5, 40) }, 'the same postings as the file\'s bytes decoded');
        for (const q of QUERIES) assert.deepStrictEqual(search(set, q), search(before, q), q);
        assert.strictEqual(set.spill(path.join(dir, 'not-needed'), 0), true, 'at rest already: nothing more to write');
        // A new file renamed over it (another server's) leaves the descriptor reading the one checked.
        const other = path.join(dir, 'other.shard');
        fs.writeFileSync(other, fileOf(mergedSet([['d', 'h', d]])));
        fs.renameSync(other, file);
        for (const q of QUERIES) assert.deepStrictEqual(search(set, q), search(before, q), q);
        set.asked('a');
        set.asked('b');
        set.dropUnasked();
        set.merge(); // takes the postings back into memory
        for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([a, b], q), q);
        assert.ok(fs.existsSync(file), 'the cache\'s file stays');
        assert.throws(() => fs.fstatSync(fd), /EBADF/, 'its descriptor is closed');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('lets its postings rest in the set\'s file just written, read through the descriptor it was written through, only while that file holds it as it is', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-setfile-'));
      try {
        const set = mergedSet([['a', 'h1', a], ['b', 'h2', b], ['c', 'h3', c]]);
        const expected = QUERIES.map((q) => search(set, q));
        const written = (name: string) => {
          const whole = set.whole()!;
          const { pieces, postingsAt } = shardFileLaidOut(header, whole.index, whole.placed);
          const file = path.join(dir, name);
          const fd = new CacheStore(dir, '.shard').writeAndOpen(name, pieces);
          return { file, fd, postings: PostingFile.inCacheFile(file, fd, whole.index.docs.length, whole.index.refs.length, postingsAt), pieces };
        };
        const first = written('set.shard');
        assert.deepStrictEqual(fs.readFileSync(first.file), Buffer.concat(first.pieces), 'the file as written');
        assert.strictEqual(set.restIn(first.postings, Number.MAX_SAFE_INTEGER), false, 'too few postings for a file to pay');
        assert.ok(set.whole(), 'still in memory');
        assert.strictEqual(set.restIn(first.postings, 0), true);
        assert.strictEqual(set.whole(), undefined, 'at rest: no longer in memory');
        assert.strictEqual(set.restIn(first.postings, 0), false, 'at rest already');
        // Another file renamed over it leaves the descriptor reading the one written.
        fs.writeFileSync(path.join(dir, 'other.shard'), fileOf(mergedSet([['d', 'h', d]])));
        fs.renameSync(path.join(dir, 'other.shard'), first.file);
        assert.deepStrictEqual(QUERIES.map((q) => search(set, q)), expected, 'the same answers from the file');
        set.merge(); // nothing to merge: the postings stay in the file
        set.set('d', 'h4', d);
        set.merge(); // takes them back into memory
        assert.throws(() => fs.fstatSync(first.fd), /EBADF/, 'the descriptor closed once they are back in memory');
        const stale = written('again.shard');
        set.set('e', 'h5', d);
        assert.strictEqual(set.restIn(stale.postings, 0), false, 'not after the set changed since its file was written');
        fs.closeSync(stale.fd);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    /** A merge written into `dir`'s set.shard as it is made, `run` postings at a time (the worker's mergeIntoSetFile). */
    const writingTo = (dir: string, run: number, runsSeen: [at: number, n: number][] = []) => (merge: MergeToWrite) => {
      let at: PostingsAt | undefined;
      const fd = new CacheStore(dir, '.shard').writeAndOpenWith('set.shard', (into) => {
        const runs = merge.postings.runs(run);
        const counted = (function* () { for (const r of runs) { runsSeen.push([r.at, r.docs.length]); yield r; } })();
        at = writeShardSetFile(into, header, merge.plan.index, merge.plan.postings, merge.placed, counted);
      });
      return PostingFile.inCacheFile(path.join(dir, 'set.shard'), fd, merge.plan.postings, merge.plan.index.refs.length, at!);
    };

    it('is written as it is merged, a run of postings at a time: the bytes of the same set merged in memory, its postings resting there', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-streamed-'));
      try {
        // A first merge, and one of a merged index less a shard gone and one replaced, plus a new one (its documents renumbered).
        const steps: ((set: ShardSet) => void)[] = [
          (set) => { set.set('a', 'h1', a); set.set('b', 'h2', b); set.set('c', 'h3', c); },
          (set) => { set.delete('b'); set.set('c', 'h4', d); set.set('e', 'h5', b); },
        ];
        for (const run of [1, 37, 5000, 1 << 24]) {
          const inMemory = new ShardSet(FIELDS), streamed = new ShardSet(FIELDS);
          for (const step of steps) {
            step(inMemory);
            step(streamed);
            assert.ok(inMemory.merge());
            const runs: [number, number][] = [];
            assert.ok(streamed.merge(writingTo(dir, run, runs)));
            const whole = inMemory.whole()!;
            assert.ok(fs.readFileSync(path.join(dir, 'set.shard')).equals(Buffer.concat(shardFilePieces(header, whole.index, whole.placed))), `run ${run}: the same bytes`);
            assert.strictEqual(runs.reduce((x, [, n]) => x + n, 0), whole.index.docs.length);
            const offsets = [...whole.index.offsets];
            const oneSlot = (at: number, n: number) => offsets.some((o, k) => o === at && offsets[k + 1] === at + n);
            assert.ok(runs.every(([at, n]) => n <= run || oneSlot(at, n)), 'at most `run` postings, or one slot\'s');
            if (run === 37) assert.ok(runs.length > 10 && runs.some(([at, n]) => n > 37 && oneSlot(at, n)), `many runs, a slot of more than 37 postings among them (${runs.length})`);
            if (run === 1 << 24) assert.strictEqual(runs.length, 1);
            assert.strictEqual(streamed.whole(), undefined, 'never in memory: its postings rest in the file');
            for (const q of QUERIES) assert.deepStrictEqual(search(streamed, q), search(inMemory, q), `run ${run}: ${q}`);
          }
          assert.ok(takenUp(fs.readFileSync(path.join(dir, 'set.shard'))).set.get('e'), 'a restart takes the file up');
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('is merged in memory when the merge is not taken to a file', () => {
      const set = new ShardSet(FIELDS);
      set.set('a', 'h1', a);
      set.set('b', 'h2', b);
      let asked = 0;
      assert.ok(set.merge(() => { asked++; return undefined; }));
      assert.strictEqual(asked, 1);
      assert.ok(set.whole(), 'in memory');
      for (const q of QUERIES) assert.deepStrictEqual(search(set, q), searchMerged([a, b], q), q);
    });

    it('with its postings in the file, says so when the file is changed in place under it (a document id past the index\'s)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-setfile-'));
      try {
        const { set, fd, index, postingsAt } = takenUpInFile(dir, mergedSet([['a', 'h', a], ['b', 'h', b]]), 'r+');
        const huge = Buffer.alloc(4 * index.docs.length, 0xff);
        fs.writeSync(fd, huge, 0, huge.length, postingsAt.docs);
        assert.throws(() => search(set, 'reward model'), (err: unknown) => err instanceof PostingFileError && /changed/.test((err as Error).message));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('is there only while every shard is merged and its postings are in memory', () => {
      const set = mergedSet([['a', 'h', a], ['b', 'h', b]]);
      set.set('c', 'h', c);
      assert.strictEqual(set.whole(), undefined, 'a shard outside the merged index');
      set.merge();
      assert.ok(set.whole());
      set.delete('a');
      assert.strictEqual(set.whole(), undefined, 'a shard masked');
      set.merge();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-whole-'));
      try {
        assert.ok(set.spill(dir, 0));
        assert.strictEqual(set.whole(), undefined, 'postings in a file');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('is not taken up if damaged, of placements that do not cover its documents one after another, or another set\'s', () => {
      const data = fileOf(mergedSet([['a', 'h', a], ['b', 'h', b]]));
      const flipped = Buffer.from(data);
      flipped[flipped.length - 3] ^= 1;
      assert.deepStrictEqual(decodeShardSet(flipped, header), { problem: 'damaged: its checksum does not match' });
      assert.deepStrictEqual(decodeShardSet(data, { ...header, shard: 'set 1 of 2' }), { problem: 'stale format' });
      const n = a.refs.length, m = b.refs.length;
      for (const placed of [[['a', 'h', 0, n]], [['a', 'h', 0, n], ['b', 'h', n + 1, m - 1]], [['a', 'h', 0, n], ['a', 'h', n, m]], [['a', 'h', 0, n + 1], ['b', 'h', n, m - 1]], [['a', 'h', 0, n], ['b', 7, n, m]], 'all']) {
        const whole = mergedSet([['a', 'h', a], ['b', 'h', b]]).whole()!;
        const resealed = Buffer.concat(shardFilePieces(header, whole.index, placed as never));
        assert.deepStrictEqual(decodeShardSet(resealed, header), { problem: typeof placed === 'string' ? 'no placements' : 'invalid placements' }, JSON.stringify(placed));
      }
      assert.deepStrictEqual(decodeShardSet(encodeShard(header, a), header), { problem: 'no placements' }, 'a shard\'s own file');
    });
  });
});
