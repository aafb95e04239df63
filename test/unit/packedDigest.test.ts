import * as assert from 'assert';
import { DigestPack, PackedDigestSource } from '../../server/src/model/packedDigest';
import { describeTitle } from '../../server/src/model/keys';
import { authorTokens } from '../../server/src/parse/authors';
import type { PaperSource } from '../../server/src/parse/types';
import { parseFile } from '../../server/src/parse/parseFile';
import { range } from '../../server/src/util/text';
import { readFixture, uriFor } from './helpers';

const URI = 'file:///ws/digests/day.json';
const EMPTY = Object.freeze([]) as unknown as string[];

/** Every field a packed entry reads, as the plain entry has it (an empty list reads as the shared empty one). */
const FIELDS = ['kind', 'uri', 'title', 'titleRange', 'authors', 'year', 'digestDate', 'dateRank', 'arxiv', 'doi', 'url', 'codeUrls', 'abstract', 'topics', 'keywords', 'organizations', 'ordinal',
  'key', 'aliases', 'keyRange', 'summary', 'body', 'type', 'container', 'volume', 'issue', 'pages', 'publisher', 'issued', 'files'] as const;

function entry(ordinal: number, fields: Partial<PaperSource> = {}): PaperSource {
  return { kind: 'digest', uri: URI, title: `Paper ${ordinal}: a study`, titleRange: range(ordinal * 4, 0, ordinal * 4, 20), authors: [], codeUrls: [], topics: [], ordinal, ...fields };
}

/** Packs copies of `sources` as the library does, and returns them with what they were. */
function packed(sources: PaperSource[]): { before: PaperSource[]; after: PaperSource[] } {
  const after = sources.slice();
  DigestPack.packInPlace(after, 0, after.length, URI, sources.map((s) => describeTitle(s.title)), EMPTY);
  return { before: sources, after };
}

function assertReadsAlike(before: PaperSource, after: PaperSource, label: string): void {
  for (const f of FIELDS) assert.deepStrictEqual(after[f], before[f], `${label}: ${f}`);
  const info = describeTitle(before.title);
  const p = after as PackedDigestSource;
  assert.deepStrictEqual([p.norm, p.baseKey, p.titleWords], [info.norm, info.baseKey, info.titleWords], `${label}: title details`);
  assert.strictEqual(p.authorWords, authorTokens(before.authors).join(' '), `${label}: the authors' words for completion`);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(after)), JSON.parse(JSON.stringify(before)), `${label}: written out as the plain entry`);
}

describe('packed digest entries', () => {
  it('read every field as the entry had it: optional fields there or not, empty strings, lists empty or absent, any text', () => {
    const sources = [
      entry(0),
      entry(1, { year: 2024, issued: '2024-05-01', digestDate: 'Sep 8', dateRank: '2025-09-08', arxiv: '2509.01234', doi: '10.1/x', url: 'https://huggingface.co/papers/2509.01234', abstract: { file: 3, at: 2_000_000_000, bytes: 912 } }),
      entry(2, { year: 0, arxiv: '', url: '', abstract: '', keywords: [], organizations: [] }),
      entry(3, { title: 'Überraschend: Ünïcödé ‘quotes’ — and 𝔘 astral 🤖 titles', authors: ['Zoë Ünal', 'A\u0000B', ''], codeUrls: ['https://github.com/a/b', 'https://x.org/𝔘'], topics: ['RL', 'rl/agents'], keywords: ['k1', ''], organizations: ['Research Council of Examples'], abstract: 'An abstract kept in memory, with a\nnew line and \u202eRTL.' }),
      entry(4, { title: '', titleRange: range(7, 3, 9, 1), digestDate: 'Sep 8', dateRank: '2025-09-08' }),
      entry(5, { digestDate: 'Sep 9', dateRank: 'Sep 9', authors: ['Only One'] }),
      entry(6, { codeUrls: ['https://github.com/x/y'], organizations: ['An Org', 'Another'] }), // a list after one that is not there
    ];
    const { before, after } = packed(sources);
    after.forEach((s, i) => assert.ok(s instanceof PackedDigestSource, `entry ${i} packed`));
    after.forEach((s, i) => assertReadsAlike(before[i], s, `entry ${i}`));
    assert.strictEqual(after[0].authors, EMPTY, 'an empty list reads as the shared empty list');
    assert.strictEqual(after[1].digestDate, after[4].digestDate, 'a date is kept once per pack');
  });

  it('leave an entry with any other field, or a value the pack cannot keep, as it was', () => {
    const odd = [
      entry(0, { summary: 'a note\'s summary' }),
      entry(1, { key: 'given' }),
      entry(2, { body: 'a body' }),
      entry(3, { year: 2024.5 }),
      entry(4, { titleRange: range(-1, 0, 0, 1) }),
      entry(5, { abstract: { file: 1, at: 2 ** 32, bytes: 10 } }),
      entry(6, { kind: 'note' }),
      entry(7, { uri: 'file:///ws/elsewhere.txt' }),
      { ...entry(8), somethingNew: 'kept' } as PaperSource,
      entry(9, { authors: [7 as unknown as string] }),
    ];
    const { before, after } = packed(odd.concat(entry(10)));
    for (let i = 0; i < odd.length; i++) assert.strictEqual(after[i], before[i], `entry ${i} stays the object it was`);
    assert.ok(after[10] instanceof PackedDigestSource, 'the plain entry beside them packs');
    assertReadsAlike(before[10], after[10], 'entry 10');
  });

  it('cannot be changed', () => {
    const { after } = packed([entry(0, { authors: ['A B'] })]);
    assert.throws(() => { (after[0] as { title: string }).title = 'Changed'; }, TypeError);
    after[0].authors.push('C D'); // a list read is the reader's own
    assert.deepStrictEqual(after[0].authors, ['A B']);
  });

  it('the sample digest, the markdown digest and the Daily Papers JSON, parsed and packed, read as parsed', () => {
    for (const rel of ['digests/daily-papers-sep-8.txt', 'digests/2025-09-09.md', 'digests/hf-2025-09-10.json']) {
      const sources = parseFile(uriFor(rel), rel, 'digest', readFixture(`library/${rel}`)).entry.sources;
      assert.ok(sources.length >= 2, `${rel}: ${sources.length} entries`);
      const after = sources.slice();
      const count = DigestPack.packInPlace(after, 0, after.length, uriFor(rel), sources.map((s) => describeTitle(s.title)), EMPTY);
      assert.strictEqual(count, sources.length, `${rel}: every entry packs`);
      after.forEach((s, i) => assertReadsAlike(sources[i], s, `${rel} #${i}`));
    }
  });
});
