import * as assert from 'assert';
import { decodeBody, decodeSplitBody, encodeBody, splitBody } from '../../server/src/ingest/recordBody';
import { StoredRef } from '../../server/src/parse/entryShape';
import { PackedDigestSource } from '../../server/src/model/packedDigest';
import { decodeBody as decodeCachedBody } from '../../server/src/ingest/parseCache';
import { LoadedFile, parseText } from '../../server/src/ingest/loadFile';
import { readFixture, uriFor } from './helpers';
import { loadedFileProblem } from '../../server/src/parse/entryShape';
import { range } from '../../server/src/util/text';

const URI = 'file:///lib/digests/day.txt';

const source = (ordinal: number, abstract?: string, extra: Record<string, string> = {}) => ({
  kind: 'digest' as const, uri: URI, title: `Paper ${ordinal}`, titleRange: range(ordinal, 0, ordinal, 7), authors: [], codeUrls: [], topics: [], ordinal,
  ...(abstract === undefined ? {} : { abstract }), ...extra,
});

function digest(): LoadedFile {
  const sources = [
    source(0, 'Café — naïve 深度学习 😀 with a newline\nand a tab\t, long enough to leave the JSON line. '.repeat(3)),
    source(1, 'short abstract'),
    source(2),
    source(3, 'x'.repeat(200_000), { summary: 'A summary that is long enough to be a long text of its own, surely.' }),
  ];
  return {
    uri: URI, textLength: 1234, log: [],
    entry: { uri: URI, kind: 'digest', relativePath: 'digests/day.txt', sources, problems: [], citations: [] },
    titles: sources.map((s) => ({ norm: s.title.toLowerCase(), baseKey: 'paper', titleWords: s.title.toLowerCase() })),
  };
}

describe('a parse cache record\'s body', () => {
  it('keeps long texts after the JSON line and gives back exactly what was encoded', () => {
    const loaded = digest();
    const body = encodeBody(loaded);
    const line = body.subarray(0, body.indexOf(0x0a)).toString('utf8');
    assert.ok(!line.includes('naïve') && !line.includes('xxxx') && !line.includes('A summary'), 'long texts are not in the JSON');
    assert.ok(line.includes('short abstract'), 'a short one is');
    assert.deepStrictEqual(decodeBody(body, false), loaded);
    assert.strictEqual(loadedFileProblem(decodeBody(body, false), URI), undefined);
  });

  it('gives long texts as their UTF-8 bytes when asked, for a text store to take as they are', () => {
    const loaded = digest();
    const decoded = decodeBody(encodeBody(loaded), true) as LoadedFile;
    const [first, second, , fourth] = decoded.entry!.sources;
    assert.ok(first.abstract instanceof Uint8Array);
    assert.deepStrictEqual(Buffer.from(first.abstract as unknown as Uint8Array), Buffer.from(loaded.entry!.sources[0].abstract as string, 'utf8'));
    assert.strictEqual(second.abstract, 'short abstract');
    assert.strictEqual(Buffer.from(fourth.summary as unknown as Uint8Array).toString('utf8'), loaded.entry!.sources[3].summary);
    assert.strictEqual(loadedFileProblem(decoded, URI), undefined, 'bytes pass the shape check');
  });

  it('a file without an entry, or without long texts, is its JSON and an empty tail', () => {
    const unreadable: LoadedFile = { uri: URI, log: ['digests/day.txt: deleted before it could be read'], textLength: 0 };
    assert.deepStrictEqual(decodeBody(encodeBody(unreadable), false), unreadable);
    const plain = { ...digest(), entry: { ...digest().entry!, sources: [source(0, 'short')] } };
    const body = encodeBody(plain);
    assert.strictEqual(body.indexOf(0x0a), body.length - 1, 'nothing after the JSON line');
    assert.deepStrictEqual(decodeBody(body, false), plain);
  });

  it('writes what sources repeat shorter, and puts each back', () => {
    // A type is what a digest's pack does not keep: these entries stay objects in the JSON (as a note's and a bibliography entry's do).
    const dated = (ordinal: number, date: string, extra: Record<string, unknown> = {}) => ({ ...source(ordinal, `Abstract ${ordinal} `.repeat(10)), digestDate: date, dateRank: `r-${date}`, type: 'article', ...extra });
    const sources = [dated(0, 'Sep 8'), dated(1, 'Sep 8', { authors: ['A. Author'], topics: ['t'], codeUrls: ['https://x'] }), dated(2, 'Sep 9'),
      dated(3, 'Sep 9', { uri: 'file:///elsewhere.md', titleRange: range(3, 2, 5, 1) })];
    const loaded: LoadedFile = { ...digest(), entry: { ...digest().entry!, sources: sources as never },
      titles: sources.map((s, i) => ({ norm: s.title.toLowerCase(), baseKey: 'paper', titleWords: i % 2 ? 'other words' : s.title.toLowerCase() })) };
    const body = encodeBody(loaded);
    const line = body.toString('utf8', 0, body.indexOf(0x0a));
    assert.strictEqual(line.split(URI).length - 1, 2, 'the file\'s uri twice (the result\'s and the entry\'s), not once per source');
    assert.strictEqual(line.split('"Sep 9"').length - 1, 1, 'a date once where the next entry repeats it');
    assert.ok(line.includes('[0,0,7]') && line.split('"titleWords":0').length - 1 === 2, line);
    const decoded = decodeBody(body, false) as LoadedFile;
    assert.deepStrictEqual(decoded, loaded);
    assert.strictEqual(loadedFileProblem(decoded, URI), 'a source has the wrong kind or uri', 'a source of another uri is kept as it was, for the shape check');
    const fine = { ...loaded, entry: { ...loaded.entry!, sources: (sources as never[]).slice(0, 3) }, titles: loaded.titles!.slice(0, 3) };
    assert.strictEqual(loadedFileProblem(decodeBody(encodeBody(fine), false), URI), undefined);
  });

  it('a repeated value with nothing before it is left for the shape check to report', () => {
    const body = encodeBody(digest());
    const newline = body.indexOf(0x0a);
    const json = JSON.parse(body.toString('utf8', 0, newline));
    json.entry.sources[0].digestDate = 0;
    const tampered = Buffer.concat([Buffer.from(JSON.stringify(json)), body.subarray(newline)]);
    assert.strictEqual(loadedFileProblem(decodeBody(tampered, false), URI), 'a source has a malformed digestDate');
  });

  it('split, its texts moved to a text store in one piece: each text is a reference to its place there', () => {
    const loaded = digest();
    const { json, tail } = splitBody(encodeBody(loaded));
    const store = Buffer.concat([Buffer.from('texts stored before these ones'), tail]); // the tail's bytes, 30 bytes into store file 3
    const decoded = decodeSplitBody(json, { file: 3, at: 30, bytes: tail.length }) as LoadedFile;
    assert.strictEqual(loadedFileProblem(decoded, URI), undefined);
    const read = (t: unknown) => {
      const ref = t as StoredRef;
      assert.ok(typeof t === 'object' && t !== null && ref.file === 3, String(t));
      return store.toString('utf8', ref.at, ref.at + ref.bytes);
    };
    const [first, second, third, fourth] = decoded.entry!.sources;
    const original = loaded.entry!.sources;
    assert.strictEqual(read(first.abstract), original[0].abstract);
    assert.strictEqual(read(fourth.abstract), original[3].abstract);
    assert.strictEqual(read(fourth.summary), original[3].summary);
    assert.strictEqual(second.abstract, 'short abstract');
    assert.strictEqual(third.abstract, undefined);
    assert.ok(first instanceof PackedDigestSource && second instanceof PackedDigestSource && third instanceof PackedDigestSource && !(fourth instanceof PackedDigestSource), 'the entries that pack come packed');
    assert.deepStrictEqual(decoded.titles, [null, null, null, loaded.titles![3]], 'a packed entry has its title\'s details itself');
    assert.deepStrictEqual({ ...decoded, entry: { ...decoded.entry, sources: [] }, titles: [] }, { ...loaded, entry: { ...loaded.entry, sources: [] }, titles: [] });
  });

  it('split, its texts left as bytes (too short to store, or the store failed): the texts are strings', () => {
    const loaded = digest();
    const { json, tail } = splitBody(encodeBody(loaded));
    assert.deepStrictEqual(decodeSplitBody(json, tail), loaded);
  });

  for (const [what, ref] of [
    ['past the end of the texts', -1e9],
    ['of a positive length', 2],
    ['not a whole number', -0.5],
    ['of some other shape', { file: 1, at: 0, bytes: 2 }],
  ] as [string, unknown][]) {
    it(`a reference ${what} is reported by the shape check, never read`, () => {
      const body = encodeBody(digest());
      const newline = body.indexOf(0x0a);
      const json = JSON.parse(body.toString('utf8', 0, newline));
      json.entry.sources[0].abstract = ref;
      const tampered = Buffer.concat([Buffer.from(JSON.stringify(json)), body.subarray(newline)]);
      assert.strictEqual(loadedFileProblem(decodeBody(tampered, true), URI), 'a source has a malformed abstract');
      const split = splitBody(tampered);
      assert.strictEqual(loadedFileProblem(decodeSplitBody(split.json, { file: 3, at: 0, bytes: split.tail.length }), URI), 'a source has a malformed abstract', 'with the texts in a store');
    });
  }

  describe('a digest\'s entries packed in it', () => {
    /** The record's JSON, changed by `tamper`, and its texts. */
    const tampered = (tamper: (json: { packed: Record<string, unknown>; entry: { sources: Record<string, unknown>[] } }) => void) => {
      const body = encodeBody(digest());
      const newline = body.indexOf(0x0a);
      const json = JSON.parse(body.toString('utf8', 0, newline));
      tamper(json);
      return Buffer.concat([Buffer.from(JSON.stringify(json)), body.subarray(newline)]);
    };
    const numbersOf = (packed: Record<string, unknown>) => new Int32Array(new Uint8Array(Buffer.from(packed.numbers as string, 'base64')).buffer);
    const withNumbers = (packed: Record<string, unknown>, change: (n: Int32Array) => void) => {
      const n = numbersOf(packed);
      change(n);
      packed.numbers = Buffer.from(n.buffer).toString('base64');
    };
    /** Numbers per entry, and where its flags, ordinal, date, abstract's place and first list are (model/packedDigest.ts). */
    const NUMBERS = 17, FLAGS = 0, ORDINAL = 6, STORE_AT = 8, STORE_BYTES = 9, DATE = 10, LISTS = 12;

    it('keeps the entries that pack as one pack, not as objects, and reads them back as they were', () => {
      const loaded = digest();
      const body = encodeBody(loaded);
      const json = JSON.parse(body.toString('utf8', 0, body.indexOf(0x0a)));
      assert.deepStrictEqual(json.entry.sources.map((x: { ordinal: number }) => x.ordinal), [3], 'only the entry with a summary is an object');
      assert.deepStrictEqual(Object.keys(json.packed).sort(), ['dates', 'ends', 'first', 'numbers', 'text']);
      assert.deepStrictEqual(json.titles.slice(0, 3), [null, null, null]);
      const bytes = decodeBody(body, true) as LoadedFile;
      assert.ok(bytes.entry!.sources[0].abstract instanceof Uint8Array, 'without a store, a packed entry comes back as an object, its long text as bytes');
      assert.deepStrictEqual(bytes.titles, loaded.titles, 'with its title\'s details beside it');
      assert.strictEqual(loadedFileProblem(bytes, URI), undefined);
    });

    it('the sample digest, the markdown digest and the Daily Papers JSON read back from their records as parsed', () => {
      for (const rel of ['digests/daily-papers-sep-8.txt', 'digests/2025-09-09.md', 'digests/hf-2025-09-10.json']) {
        const parsed = parseText({ fsPath: '', uri: uriFor(rel), rel, candidate: 'digest' }, readFixture(`library/${rel}`));
        const { json, tail } = splitBody(encodeBody(parsed));
        const decoded = decodeSplitBody(json, { file: 5, at: 1000, bytes: tail.length }) as LoadedFile;
        assert.strictEqual(loadedFileProblem(decoded, parsed.uri), undefined, rel);
        const sources = decoded.entry!.sources;
        assert.ok(sources.length >= 2 && sources.every((x) => x instanceof PackedDigestSource), `${rel}: every entry comes packed`);
        const plain = sources.map((x) => {
          const o = (x as PackedDigestSource).toJSON();
          const a = o.abstract as StoredRef | string | undefined;
          if (typeof a === 'object') o.abstract = Buffer.from(tail).toString('utf8', a.at - 1000, a.at - 1000 + a.bytes);
          return o;
        });
        assert.deepStrictEqual(JSON.parse(JSON.stringify(plain)), JSON.parse(JSON.stringify(parsed.entry!.sources)), rel);
        assert.deepStrictEqual(sources.map((x) => (x as PackedDigestSource).titleInfo), parsed.titles, `${rel}: title details`);
      }
    });

    it('a store offset past what a pack holds gives the entries as objects, their texts in the store', () => {
      const loaded = digest();
      const { json, tail } = splitBody(encodeBody(loaded));
      const at = 2 ** 31 - 100;
      const decoded = decodeSplitBody(json, { file: 4, at, bytes: tail.length }) as LoadedFile;
      const first = decoded.entry!.sources[0];
      assert.ok(!(first instanceof PackedDigestSource) && first.abstract instanceof StoredRef);
      const ref = first.abstract as StoredRef;
      assert.deepStrictEqual([ref.file, ref.at - at], [4, Buffer.byteLength(loaded.entry!.sources[3].abstract as string) + Buffer.byteLength(loaded.entry!.sources[3].summary as string)], 'after the other entry\'s texts');
      assert.strictEqual(loadedFileProblem(decoded, URI), undefined);
    });

    for (const [what, tamper, problem] of [
      ['numbers of the wrong length', (j) => { j.packed.numbers = Buffer.from(numbersOf(j.packed).subarray(1).buffer.slice(4)).toString('base64'); }, 'malformed packed entries'],
      ['texts that end before they start', (j) => { const e = new Uint32Array(new Uint8Array(Buffer.from(j.packed.ends as string, 'base64')).buffer); e[1] = 0; j.packed.ends = Buffer.from(e.buffer).toString('base64'); }, 'malformed packed entries'],
      ['texts past the pack\'s text', (j) => { j.packed.text = (j.packed.text as string).slice(1); }, 'malformed packed entries'],
      ['an abstract past the record\'s texts', (j) => withNumbers(j.packed, (n) => { n[STORE_AT] = 1e6; }), 'malformed packed entries'],
      ['an abstract of a negative length', (j) => withNumbers(j.packed, (n) => { n[STORE_BYTES] = -5; }), 'malformed packed entries'],
      ['a date that is not there', (j) => withNumbers(j.packed, (n) => { n[DATE] = 7; }), 'malformed packed entries'],
      ['a list of a negative length', (j) => withNumbers(j.packed, (n) => { n[NUMBERS + LISTS] = -1; }), 'malformed packed entries'],
      ['a flag it does not know', (j) => withNumbers(j.packed, (n) => { n[FLAGS] |= 1 << 20; }), 'malformed packed entries'],
      ['two entries in one place', (j) => withNumbers(j.packed, (n) => { n[NUMBERS + ORDINAL] = 0; }), 'a source is out of place'],
      ['an entry past the last place', (j) => withNumbers(j.packed, (n) => { n[ORDINAL] = 9; }), 'a source is out of place'],
      ['a title without a base key', (j) => { const e = new Uint32Array(new Uint8Array(Buffer.from(j.packed.ends as string, 'base64')).buffer); e[3] = e[2]; j.packed.ends = Buffer.from(e.buffer).toString('base64'); }, 'a malformed title'],
      ['entries whose texts overlap', (j) => { const f = new Uint32Array(new Uint8Array(Buffer.from(j.packed.first as string, 'base64')).buffer); f[1] = 0; j.packed.first = Buffer.from(f.buffer).toString('base64'); }, 'malformed packed entries'],
      ['a text of another type', (j) => { j.packed.text = 42; }, 'malformed packed entries'],
      ['dates of another type', (j) => { j.packed.dates = [1]; }, 'malformed packed entries'],
      ['arrays that are not base64 of whole numbers', (j) => { j.packed.first = 'AAA'; }, 'malformed packed entries'],
    ] as [string, (j: { packed: Record<string, unknown>; entry: { sources: Record<string, unknown>[] } }) => void, string][]) {
      it(`${what}: the record is not used, and says why`, () => {
        const body = tampered(tamper);
        const { json, tail } = splitBody(body);
        for (const probe of [{ body }, { body: json, tail: { file: 3, at: 0, bytes: tail.length } }, { body: json, tail }]) {
          const result = decodeCachedBody(probe, URI);
          assert.ok('miss' in result, `${what}: not used`);
          assert.strictEqual(result.problem, problem);
        }
      });
    }
  });

  it('JSON that cannot be parsed throws; an entry of the wrong shape is left to the shape check', () => {
    assert.throws(() => decodeBody(Buffer.from('{"uri":\n'), false));
    for (const odd of ['null', '[]', '{"entry":null}', '{"entry":{"sources":[null,7,"x",{"abstract":-1,"uri":0,"authors":0,"titleRange":[1]}]}}']) {
      assert.ok(loadedFileProblem(decodeBody(Buffer.from(`${odd}\n`), true), URI), odd);
    }
  });
});
