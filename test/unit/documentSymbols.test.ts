import * as assert from 'assert';
import { fileSymbols } from '../../server/src/features/documentSymbols';
import { flatSymbols } from '../../server/src/lsp/convert';
import { exampleLibraryFiles, libraryOf, readFixture, uriFor } from './helpers';

describe('the outline of a digest or bibliography', () => {
  const files = exampleLibraryFiles();
  const day = files['digests/daily-papers-sep-8.txt'].split('\n');
  // Two days in one text digest: the first day's papers, then a heading and the second's.
  const twoDays = [...day.slice(0, 60).join('\n').replace('Sep 8', 'Sep 7').split('\n'), 'Sep 8', '', ...day.slice(60, 120)].join('\n');
  const library = libraryOf({ ...files, 'digests/two.digest.txt': twoDays, 'refs/zotero.bib': readFixture('bibliographies/zotero-bbt.bib') });

  it('lists a digest\'s papers by title, with the key each is cited by, where the title is written', () => {
    const symbols = fileSymbols(library, uriFor('digests/daily-papers-sep-8.txt'));
    const file = library.file(uriFor('digests/daily-papers-sep-8.txt'))!;
    assert.strictEqual(symbols.length, file.sources.length);
    const [first] = symbols;
    assert.deepStrictEqual([first.name, first.detail, first.range.start.line], ['Pruning as a Domain-specific LLM Extractor', library.paperOfSource(file.uri, 0)!.key, 12]);
    assert.strictEqual(day[first.range.start.line].slice(first.range.start.character, first.range.end.character), first.name);
    assert.strictEqual(JSON.stringify(first.range), JSON.stringify({ start: { line: 12, character: 0 }, end: { line: 12, character: 42 } }), 'plain positions, not the library\'s compact range');
    assert.strictEqual(fileSymbols(library, uriFor('digests/hf-2025-09-10.json')).length, 2);
  });

  it('groups a digest of several days by day; a bibliography by its entries\' keys; markdown digests, notes and drafts have their own outline', () => {
    const grouped = fileSymbols(library, uriFor('digests/two.digest.txt'));
    assert.deepStrictEqual(grouped.map((g) => [g.name, g.children!.length > 0]), [['Sep 7', true], ['Sep 8', true]]);
    for (const g of grouped) for (const c of g.children!) assert.ok(c.range.start.line >= g.range.start.line && c.range.end.line <= g.range.end.line, 'a day holds its papers');
    const flat = flatSymbols(grouped, 'file:///x');
    assert.strictEqual(flat.length, grouped.reduce((n, g) => n + g.children!.length, 0));
    assert.strictEqual(flat[0].containerName, 'Sep 7');
    const bib = fileSymbols(library, uriFor('refs/zotero.bib'));
    assert.ok(bib.some((s) => s.name === 'Accelerating MPC by Online Detection of Common Structures' && s.detail === library.get('konigAcceleratingMPCOnline2020')!.key));
    for (const rel of ['digests/2025-09-09.md', 'notes/jiang2024kasa.md', 'drafts/related-work.md']) assert.deepStrictEqual(fileSymbols(library, uriFor(rel)), [], rel);
  });
});
