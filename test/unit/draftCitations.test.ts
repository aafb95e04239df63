import * as assert from 'assert';
import { draftCitations, MAX_CITED_PAPERS, MAX_PLACES } from '../../server/src/features/draftCitations';
import { findCitations } from '../../server/src/parse/citations';
import { citedNodes, citedSummary, excerptAt } from '../../client/src/citedModel';
import type { DraftCitationsResponse } from '../../server/src/shared/protocol';
import { exampleLibraryFiles, libraryOf } from './helpers';

describe('Cited in Draft', () => {
  const files = exampleLibraryFiles();
  const library = libraryOf(files);

  it('lists each paper the draft cites once, in the order it first cites it: two keys of one paper are one, unknown keys are listed, wikilinks to no paper are not', () => {
    const text = files['drafts/related-work.md'];
    const { entries, citations } = draftCitations(library, findCitations(text, 'markdown'));
    assert.deepStrictEqual(entries.map((e) => [e.key, !!e.paper, e.count]), [
      ['compacter', true, 1], ['nola', true, 1], ['jiang2024kasa', true, 2], ['lin2022truthfulqa', true, 2], ['kalai2024hallucinate', true, 1],
      ['sunTransTrackMultipleObjectTracking2020', true, 1], ['rewardbench-2', true, 1], ['rag-rewardbench', true, 1], ['truthfulqa2022lin', false, 1], ['kasaa', false, 1],
    ]);
    assert.strictEqual(citations, 12);
    const kasa = entries[2];
    assert.deepStrictEqual(kasa.written, ['kasa', 'jiang2024kasa'], 'the digest key and the note key, as written');
    const lines = text.split('\n');
    for (const e of entries) for (const p of e.places) assert.ok(e.written.some((k) => lines[p.line].startsWith(k, p.character)), `${e.key} is at line ${p.line + 1}, character ${p.character}`);
    assert.deepStrictEqual(draftCitations(library, findCitations('[[Some other note]] and [[compacter]]', 'markdown')).entries.map((e) => e.key), ['compacter']);
  });

  it('holds at most 2,000 papers and 100 places each, counting every citation', () => {
    const many = Array.from({ length: MAX_CITED_PAPERS + 50 }, (_, i) => `[@unknown${i}]`).join('\n') + '\n' + '[@nola]\n'.repeat(MAX_PLACES + 20);
    const { entries, citations } = draftCitations(library, findCitations(many, 'markdown'));
    assert.strictEqual(entries.length, MAX_CITED_PAPERS);
    assert.strictEqual(citations, MAX_CITED_PAPERS + 50 + MAX_PLACES + 20);
    assert.strictEqual(draftCitations(library, findCitations('[@nola]\n'.repeat(MAX_PLACES + 20), 'markdown')).entries[0].places.length, MAX_PLACES);
  });

  it('the view numbers the papers, says what is unknown, and shows the words around each place', () => {
    const r: DraftCitationsResponse = {
      citations: 4,
      papers: [
        { key: 'jiang2024kasa', paper: { key: 'jiang2024kasa', title: 'KaSA', year: 2024, authors: [], hasNote: true }, written: ['kasa', 'jiang2024kasa'], places: [{ line: 0, character: 6 }, { line: 1, character: 2 }], count: 3 },
        { key: 'kasaa', written: ['kasaa'], places: [{ line: 1, character: 40 }], count: 1 },
      ],
    };
    const lines = ['KaSA [@kasa] scales singular values.', `@jiang2024kasa ${'x'.repeat(60)} @kasaa`];
    const nodes = citedNodes(r, (n) => lines[n]);
    const [kasa, unknown] = nodes as Extract<ReturnType<typeof citedNodes>[number], { type: 'paper' }>[];
    assert.deepStrictEqual([kasa.number, kasa.title, kasa.description, kasa.known, kasa.hasNote, kasa.more], [1, 'KaSA', 'jiang2024kasa · 2024 · 3× · also cited as kasa', true, true, 1]);
    assert.deepStrictEqual([unknown.number, unknown.title, unknown.description, unknown.known], [2, 'kasaa', 'not in the library', false]);
    assert.deepStrictEqual(kasa.places.map((p) => [p.label, p.excerpt]), [['line 1', 'KaSA [@kasa] scales singular values.'], ['line 2', `@jiang2024kasa ${'x'.repeat(37)}…`]]);
    assert.strictEqual(excerptAt('a'.repeat(200), 50), `…${'a'.repeat(80)}…`);
    assert.strictEqual(citedSummary(r), '2 papers · 4 citations · 1 unknown');
    assert.strictEqual(citedSummary({ citations: 0, papers: [] }), undefined);
    const lacking = citedNodes({ citations: 1, papers: [{ ...r.papers[0], notIn: 'refs/zotero.bib' }] }, (n) => lines[n])[0] as Extract<ReturnType<typeof citedNodes>[number], { type: 'paper' }>;
    assert.deepStrictEqual([lacking.notIn, lacking.description], ['refs/zotero.bib', 'jiang2024kasa · not in refs/zotero.bib · 2024 · 3× · also cited as kasa']);
    assert.strictEqual(citedSummary({ citations: 1, papers: [{ ...r.papers[0], notIn: 'refs/zotero.bib' }] }), '1 paper · 1 citation · 1 not in the bibliography');
  });
});
