import * as assert from 'assert';
import { decodeBody, decodeSplitBody, encodeBody, splitBody } from '../../server/src/ingest/recordBody';
import { StoredRef } from '../../server/src/parse/entryShape';
import type { LoadedFile } from '../../server/src/ingest/loadFile';
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
    assert.ok(line.includes('"short abstract"'), 'a short one is');
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
    const dated = (ordinal: number, date: string, extra: Record<string, unknown> = {}) => ({ ...source(ordinal, `Abstract ${ordinal} `.repeat(10)), digestDate: date, dateRank: `r-${date}`, ...extra });
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
      assert.ok(t instanceof StoredRef && t.file === 3, String(t));
      return store.toString('utf8', t.at, t.at + t.bytes);
    };
    const [first, second, third, fourth] = decoded.entry!.sources;
    const original = loaded.entry!.sources;
    assert.strictEqual(read(first.abstract), original[0].abstract);
    assert.strictEqual(read(fourth.abstract), original[3].abstract);
    assert.strictEqual(read(fourth.summary), original[3].summary);
    assert.strictEqual(second.abstract, 'short abstract');
    assert.strictEqual(third.abstract, undefined);
    assert.deepStrictEqual({ ...decoded, entry: { ...decoded.entry, sources: [] } }, { ...loaded, entry: { ...loaded.entry, sources: [] } });
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

  it('JSON that cannot be parsed throws; an entry of the wrong shape is left to the shape check', () => {
    assert.throws(() => decodeBody(Buffer.from('{"uri":\n'), false));
    for (const odd of ['null', '[]', '{"entry":null}', '{"entry":{"sources":[null,7,"x",{"abstract":-1,"uri":0,"authors":0,"titleRange":[1]}]}}']) {
      assert.ok(loadedFileProblem(decodeBody(Buffer.from(`${odd}\n`), true), URI), odd);
    }
  });
});
