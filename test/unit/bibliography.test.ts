import * as assert from 'assert';
import { bibliographyFormat, parseBibliography } from '../../server/src/parse/bibliography';
import { isLitnotesExport } from '../../server/src/parse/exportMarker';
import { parseFile } from '../../server/src/parse/parseFile';
import * as yaml from 'js-yaml';
import { exportBibliography, exportPieces, referenceEntry, citedKeys, nameParts, bibtexTitle, ExportFormat } from '../../server/src/features/exportBibliography';
import { findCitations } from '../../server/src/parse/citations';
import { documentDiagnostics, notInBibliographyDiagnostics, SAME_PAPER } from '../../server/src/features/diagnostics';
import { notInBibliographyActions, unifyKeyActions, wikilinkCitationActions } from '../../server/src/features/codeActions';
import { keyForDraft } from '../../server/src/features/diagnostics';
import { keyAt } from '../../server/src/features/keyAt';
import { completeCitation } from '../../server/src/features/completion';
import { prepareRename, RenameError } from '../../server/src/features/rename';
import { definitionOf } from '../../server/src/features/definition';
import { exampleLibraryFiles, libraryOf, readFixture, uriFor } from './helpers';

const bib = () => readFixture('bibliographies/zotero-bbt.bib');
const cslJson = () => readFixture('bibliographies/zotero.csl.json');
const cslYaml = () => readFixture('bibliographies/pandoc.yaml');
const byKey = <T extends { key?: string }>(papers: T[]) => new Map(papers.map((p) => [p.key!, p]));

describe('bibliography files', () => {
  it('BibTeX as Better BibTeX writes it: accents, braces, @string and month macros, crossref, date and year, corporate authors, eprints', () => {
    const r = parseBibliography('file:///ws/lib.bib', bib(), 'bibtex', 'lib.bib');
    assert.deepStrictEqual(r.problems, []);
    const p = byKey(r.papers);
    const konig = p.get('konigAcceleratingMPCOnline2020')!;
    assert.strictEqual(konig.title, 'Accelerating MPC by Online Detection of Common Structures', 'double braces dropped');
    assert.deepStrictEqual(konig.authors, ['Kai König', 'Martin Mönnigmann'], 'LaTeX accents decoded');
    assert.deepStrictEqual([konig.issued, konig.year, konig.arxiv, konig.doi, konig.volume, konig.issue, konig.pages, konig.container], ['2020-09', 2020, '2009.08764', '10.1016/j.ifacol.2020.12.497', '53', '2', '7125-7130', 'IFAC-PapersOnLine']);
    const lin = p.get('linTruthfulQAMeasuringHow2022')!;
    assert.strictEqual(lin.container, 'Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics', '@string macro expanded');
    assert.deepStrictEqual([lin.issued, lin.arxiv, lin.type], ['2022-05', '2109.07958', 'paper-conference'], 'BibLaTeX date and eprinttype');
    const garcia = p.get('garciaRobustRetrieval2019')!;
    assert.strictEqual(garcia.title, 'Robust Retrieval with Sparse Mixtures of Experts', '\\emph markup dropped');
    assert.deepStrictEqual(garcia.authors, ['José García', 'Anne-Marie van der Berg', 'Søren Østergaard']);
    assert.deepStrictEqual([garcia.container, garcia.publisher, garcia.year], ['Advances in Neural Information Processing Systems 32', 'Curran Associates, Inc.', 2019], 'inherited through crossref');
    const who = p.get('worldhealthorganizationGlobalReport2021')!;
    assert.deepStrictEqual([who.authors, who.organizations, who.type], [['World Health Organization'], ['World Health Organization'], 'report']);
    assert.strictEqual(p.get('wangKaSAKnowledgeAwareSingularValue2024')!.arxiv, '2412.06071', 'from Zotero\'s number "arXiv:…" and the URL');
    assert.deepStrictEqual(konig.files, ['file:///home/user/Zotero/storage/ABCD1234/Konig%20-%202020.pdf'], 'the file field: the attached PDF');
    // Definition lands on the key in the entry's first line.
    assert.deepStrictEqual(konig.keyRange, { start: { line: 4, character: 9 }, end: { line: 4, character: 39 } });
  });

  it('one BibTeX entry the parser rejects gets an error on its line; the rest of the file is read', () => {
    const text = `${bib().replace('@book{knuthArtComputerProgramming1997,', '@book{knuthArtComputerProgramming1997,\n  title = {Unbalanced {brace},')}`;
    const r = parseBibliography('file:///ws/lib.bib', text, 'bibtex', 'lib.bib');
    assert.strictEqual(r.papers.length, 7, r.papers.map((x) => x.key).join());
    assert.strictEqual(r.problems.length, 1);
    assert.strictEqual(r.problems[0].range.start.line, 80);
    assert.match(r.problems[0].message, /^BibTeX entry knuthArtComputerProgramming1997 could not be read/);
    assert.match(r.log[0], /^lib\.bib:81: /);
  });

  it('an arXiv DOI gives the arXiv id, so a Zotero preprint with only its DOI joins the digest paper', () => {
    const csl = JSON.stringify([{ id: 'zoteroPreprint2025', type: 'article', title: 'Duplication Matters More (the title as first posted)', DOI: '10.48550/arXiv.2502.11494', author: [{ family: 'Wen', given: 'Zichen' }] }]);
    const note = '---\ncitekey: doiOnlyNote\ntitle: Something Else Entirely\ndoi: 10.48550/arXiv.2409.06543\n---\n';
    const l = libraryOf({ 'digests/hf-2025-09-10.json': readFixture('library/digests/hf-2025-09-10.json'), 'refs/zotero.csl.json': csl, 'notes/doiOnlyNote.md': note });
    const paper = l.get('zoteroPreprint2025')!;
    assert.deepStrictEqual([paper.arxiv, paper.entries.length, paper.digests.length], ['2502.11494', 1, 1]);
    assert.strictEqual(l.get('doiOnlyNote')!.arxiv, '2409.06543');
  });

  it('biblatex ids: an entry is found under its other keys too, and a key wins over another entry\'s alias', () => {
    const bib = [
      '@article{newKey2020,', '  ids = {oldKey2020, olderKey},', '  title = {A Renamed Paper},', '  year = {2020}', '}', '',
      '@article{other2021,', '  ids = {newKey2020, otherOld},', '  title = {Another Paper},', '  year = {2021}', '}', '',
    ].join('\n');
    const l = libraryOf({ 'refs/renamed.bib': bib, 'drafts/d.md': 'As [@oldKey2020] and [@otherOld] show.\n' });
    assert.deepStrictEqual(['oldKey2020', 'olderKey', 'newKey2020', 'otherOld'].map((k) => l.get(k)?.key), ['newKey2020', 'newKey2020', 'newKey2020', 'other2021']);
    assert.deepStrictEqual(l.get('newKey2020')!.aliases, ['oldKey2020', 'olderKey']);
    assert.deepStrictEqual(l.get('other2021')!.aliases, ['otherOld'], 'newKey2020 is a key of its own, not the alias');
  });

  it('a file with a broken entry keeps entries of every type name (Zotero\'s @book_section), and an entry without a key is said to be one', () => {
    const text = [
      '@article{,', '  title = {No Key Here},', '}', '',
      '@book_section{millsSection2010,', '  title = {A Section},', '  author = {Mills, Ann},', '  year = {2010},', '}', '',
      '@web_page{shapiroPage2018,', '  title = {A Page},', '  year = {2018},', '}', '',
      '@misc{', '  title = {Fields But No Key},', '}', '',
    ].join('\n');
    const r = parseBibliography('file:///ws/lib.bib', text, 'bibtex', 'lib.bib');
    assert.deepStrictEqual(r.papers.map((p) => [p.key, p.title, p.year]), [['millsSection2010', 'A Section', 2010], ['shapiroPage2018', 'A Page', 2018]]);
    assert.deepStrictEqual(r.problems.map((p) => [p.range.start.line, p.message]), [0, 15].map((line) => [line, 'A BibTeX entry without a citation key cannot be cited; skipped, the rest of the file is indexed.']));
  });

  it('a BibTeX entry with a field or annotation the CSL mapping rejects is indexed without it, with a warning on its line', () => {
    const text = [
      '@article{priceNote2020,', '  title = {Spiral Scans},', '  author = {Ahn, Chang},', '  date = {2020},', '  note = {Costs US$ 5 a page},', '}', '',
      '@book{openInterval2004,', '  title = {A Book Dated by an Open Interval},', '  author = {Simpson, Lisa},', '  date = {../2004-01-01},', '}', '',
      '@audio{hostRole2024,', '  title = {A Podcast Episode},', '  author = {Bishop, Todd and Hamren, Liz},', '  author+an:role = {1=host,2=producer},', '  date = {2024-01-13},', '}', '',
      '@misc{onlyOpenDate2001,', '  date = {../2001},', '}', '',
    ].join('\n');
    const r = parseBibliography('file:///ws/lib.bib', text, 'bibtex', 'lib.bib');
    assert.deepStrictEqual(r.papers.map((p) => [p.key, p.title, p.issued, p.authors]), [
      ['priceNote2020', 'Spiral Scans', '2020', ['Chang Ahn']],
      ['openInterval2004', 'A Book Dated by an Open Interval', undefined, ['Lisa Simpson']],
      ['hostRole2024', 'A Podcast Episode', '2024-01-13', ['Todd Bishop', 'Liz Hamren']],
    ]);
    assert.deepStrictEqual(r.problems.map((p) => [p.severity, p.range.start.line]), [['warning', 0], ['warning', 7], ['warning', 13], ['error', 20]]);
    const [note, date, role, nothing] = r.problems.map((p) => p.message);
    assert.match(note, /^BibTeX entry priceNote2020: its `note` field could not be read \(.+\); the entry is indexed without it\.$/);
    assert.match(date, /^BibTeX entry openInterval2004: its `date` field could not be read/);
    assert.match(role, /^BibTeX entry hostRole2024: its data annotation `author\+an` could not be read/);
    assert.match(nothing, /^BibTeX entry onlyOpenDate2001 could not be read \(.+\); skipped\.$/, 'an entry of nothing readable is still left out, and said');
  });

  it('CSL YAML dates and names in each form pandoc reads: date-parts, an EDTF string, a bare year, a year/month/day map, or a list of them (Better CSL YAML); one name alone, given names as a list, names as text', () => {
    const yaml = [
      'references:',
      '- id: dateParts2020', '  title: A', '  issued:', '    date-parts: [[2020, 3]]',
      '- id: edtf1953', '  title: B', '  issued: 1953-04-25',
      '- id: interval2014', '  title: C', '  issued: 2014/2015',
      '- id: bareYear1999', '  title: D', '  issued: 1999',
      '- id: map2016', '  title: E', '  issued:', '    year: 2016', '    month: 6',
      '- id: list2014', '  title: F', '  issued:', '  - year: 2014', '    month: 12', '    day: 31', '  - year: 2015', '    month: 1', '    day: 1',
      '- id: seasons2017', '  title: G', '  issued:', '  - year: 2017', '    month: 21',
      // Names as pandoc's YAML also takes them: one name alone, given names as a list, names as text.
      '- id: oneName2011', '  title: H', '  author:', '    family: Author', '    given:', '    - Ann', '    - B.',
      '- id: textNames2016', '  title: I', '  author:', '  - 宮水 三葉', '  - John Doe',
      '',
    ].join('\n');
    const r = parseBibliography('file:///ws/refs.yaml', yaml, 'csl-yaml', 'refs.yaml');
    assert.deepStrictEqual(r.papers.map((p) => [p.key, p.issued, p.year]), [
      ['dateParts2020', '2020-03', 2020], ['edtf1953', '1953-04-25', 1953], ['interval2014', '2014', 2014], ['bareYear1999', '1999', 1999],
      ['map2016', '2016-06', 2016], ['list2014', '2014-12-31', 2014], ['seasons2017', '2017', 2017], ['oneName2011', undefined, undefined], ['textNames2016', undefined, undefined],
    ]);
    assert.deepStrictEqual(r.papers.slice(-2).map((p) => p.authors), [['Ann B. Author'], ['宮水 三葉', 'John Doe']]);
    assert.deepStrictEqual(r.problems, []);
  });

  it('CSL JSON (Better CSL JSON) and CSL YAML (pandoc), with each id located', () => {
    const json = parseBibliography('file:///ws/refs.csl.json', cslJson(), 'csl-json', 'refs.csl.json');
    assert.deepStrictEqual(json.papers.map((x) => x.key), ['vaswaniAttentionAllYou2017', 'devlinBERTPretrainingDeep2019', 'openaiGPT4TechnicalReport2023']);
    const [vaswani, devlin, gpt4] = json.papers;
    assert.deepStrictEqual([vaswani.issued, vaswani.arxiv, vaswani.keyRange!.start.line], ['2017-12', '1706.03762', 2]);
    assert.deepStrictEqual([devlin.doi, devlin.pages], ['10.18653/v1/N19-1423', '4171-4186']);
    assert.deepStrictEqual([gpt4.authors, gpt4.organizations, gpt4.issued, gpt4.arxiv], [['OpenAI'], ['OpenAI'], '2023-03-15', '2303.08774']);
    const yaml = parseBibliography('file:///ws/refs.yaml', cslYaml(), 'csl-yaml', 'refs.yaml');
    assert.deepStrictEqual(yaml.papers.map((x) => [x.key, x.authors[0], x.year, x.keyRange!.start.line]), [['hoDenoisingDiffusion2020', 'Jonathan Ho', 2020, 2]]);
  });

  it('a CSL JSON file in a digest folder is a bibliography; library.json that is not CSL is nothing, silently', () => {
    const inDigests = parseFile('file:///ws/digests/refs.json', 'digests/refs.json', 'digest', cslJson()).entry;
    assert.deepStrictEqual([inDigests.kind, inDigests.sources[0].key, inDigests.sources[0].authors[0]], ['bibliography', 'vaswaniAttentionAllYou2017', 'Ashish Vaswani']);
    const other = parseFile('file:///ws/library.json', 'library.json', 'bibliography', '{"name": "not a bibliography", "version": 2}');
    assert.deepStrictEqual([other.entry.sources, other.entry.problems, other.log], [[], [], []]);
    const named = parseFile('file:///ws/x.csl.json', 'x.csl.json', 'bibliography', '{"name": 1}');
    assert.match(named.entry.problems[0].message, /Not a CSL bibliography/);
  });

  it('drafts name their bibliographies (front matter, \\addbibresource, \\bibliography, #+bibliography:) and may hold references themselves', () => {
    const md = parseFile(uriFor('drafts/d.md'), 'drafts/d.md', 'markdown', `---\nbibliography: [refs.bib, ../shared/more.json]\nreferences:\n- id: inlineRef2020\n  type: article-journal\n  title: An Inline Reference\n  author:\n  - family: Doe\n    given: Jane\n  issued:\n    date-parts: [[2020]]\n---\nSee [@inlineRef2020].\n`).entry;
    assert.deepStrictEqual(md.bibliographies, ['refs.bib', '../shared/more.json']);
    assert.deepStrictEqual(md.sources.map((s) => [s.kind, s.key, s.title, s.keyRange!.start.line]), [['bib', 'inlineRef2020', 'An Inline Reference', 3]]);
    // pandoc resolves an inline reference with only an id, an author and a date: so does the draft's check.
    const bare = parseFile(uriFor('drafts/b.md'), 'drafts/b.md', 'markdown', '---\nreferences:\n- id: smith2020\n  author:\n  - family: Smith\n    given: Ann\n  issued:\n    date-parts: [[2020]]\n---\nSee [@smith2020].\n').entry;
    assert.deepStrictEqual(bare.sources.map((s) => [s.key, s.authors]), [['smith2020', ['Ann Smith']]]);
    const withBare = libraryOf({ ...exampleLibraryFiles() });
    withBare.setFile(bare);
    withBare.rebuild();
    assert.deepStrictEqual(documentDiagnostics(withBare, bare.uri, bare.citations), [], 'no unknown key');
    // A JSON file is still a bibliography by its items' shape only when they have a type or a title.
    assert.strictEqual(parseFile(uriFor('refs/library.json'), 'refs/library.json', 'bibliography', JSON.stringify([{ id: 'a' }, { id: 'b' }])).entry.sources.length, 0);
    // A metadata block further down, as pandoc reads one anywhere; a rule followed by text, and a block in fenced code, are not.
    const later = [
      '# Draft', '', 'See [@atTheEnd2021] and [@endNote2019].', '', '---', 'A rule, then text: not metadata.', '', '```yaml', '---', 'references:', '- id: inCode', '  title: X', '---', '```', '',
      '---', 'bibliography: later.bib', 'references:', '- id: atTheEnd2021', '  type: book', '  title: Kept at the End', '  issued: 2021', '...', '',
    ].join('\n');
    const end = parseFile(uriFor('drafts/end.md'), 'drafts/end.md', 'markdown', later).entry;
    assert.deepStrictEqual(end.sources.map((s) => [s.key, s.title, s.year, s.keyRange!.start.line]), [['atTheEnd2021', 'Kept at the End', 2021, 18]]);
    assert.deepStrictEqual(end.bibliographies, ['later.bib']);
    const tex = parseFile(uriFor('drafts/p.tex'), 'drafts/p.tex', 'draft', '\\addbibresource[datatype=bibtex]{lib.bib}\n% \\bibliography{commented}\n\\bibliography{a, b.bib}\n').entry;
    assert.deepStrictEqual(tex.bibliographies, ['lib.bib', 'a.bib', 'b.bib']);
    // Where each is named (for a diagnostic there): `a` of \bibliography{a, b.bib} is a.bib, not the `a` of another word.
    assert.deepStrictEqual(tex.bibliographyRanges!.map((r) => [r.start.line, r.start.character, r.end.character]), [[0, 33, 40], [2, 14, 15], [2, 17, 22]]);
    // Org: org-cite's keyword (a quoted path may hold spaces) and org-ref's link.
    const org = parseFile(uriFor('drafts/r.org'), 'drafts/r.org', 'draft', '#+title: R\n#+latex_header: \\addbibresource{tex.bib}\n#+BIBLIOGRAPHY: refs.bib\n#+bibliography: "my refs.json"\n\n[cite:@a]\n\nbibliography:../x.bib,y.bib\n').entry;
    assert.deepStrictEqual(org.bibliographies, ['tex.bib', 'refs.bib', 'my refs.json', '../x.bib', 'y.bib']);
    assert.deepStrictEqual(org.citations.map((c) => [c.key, c.syntax]), [['a', 'org']]);
    // Quarto's project metadata names the bibliography of the drafts below it; unreadable YAML is said so.
    const project = parseFile(uriFor('book/_quarto.yml'), 'book/_quarto.yml', 'draft', 'project:\n  type: book\nbibliography: refs.bib\n');
    assert.deepStrictEqual([project.entry.kind, project.entry.bibliographies], ['draft', ['refs.bib']]);
    const broken = parseFile(uriFor('book/_metadata.yml'), 'book/_metadata.yml', 'draft', 'bibliography: [a.bib\n');
    assert.match(broken.log[0], /book\/_metadata\.yml: its bibliography could not be read/);
  });
});

describe('one paper, many sources: key precedence', () => {
  const lib = () => libraryOf({ ...exampleLibraryFiles(), 'refs/zotero.bib': bib(), 'refs/zotero.csl.json': cslJson() });

  it('a bibliography entry joins the note of the same paper (arXiv id, DOI, title and first author): the note key is primary, the entry key an alias', () => {
    const l = lib();
    for (const [entryKey, noteKey] of [['linTruthfulQAMeasuringHow2022', 'lin2022truthfulqa'], ['kalaiCalibratedLanguageModels2024', 'kalai2024hallucinate'], ['wangKaSAKnowledgeAwareSingularValue2024', 'jiang2024kasa'], ['konigAcceleratingMPCOnline2020', 'konig2020common']]) {
      const paper = l.get(entryKey)!;
      assert.strictEqual(paper.key, noteKey, entryKey);
      assert.ok(paper.aliases.includes(entryKey));
      assert.strictEqual(paper.entries[0].key, entryKey);
    }
    // The note's own fields win; the entry adds what the note lacks.
    const lin = l.get('lin2022truthfulqa')!;
    assert.strictEqual(lin.title, 'TruthfulQA — Measuring How Models Mimic Human Falsehoods');
    assert.deepStrictEqual([lin.container, lin.pages, lin.doi, lin.issued], ['Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics', '3214-3252', '10.18653/v1/2022.acl-long.229', '2022-05']);
  });

  it('a bibliography key wins over a digest key: the digest key stays an alias', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'refs/a.csl.json': JSON.stringify([{ id: 'houlsbyCompacter2021', type: 'paper-conference', title: 'Compacter: Efficient Low-Rank Hypercomplex Adapter Layers', author: [{ family: 'Mahabadi', given: 'Rabeeh Karimi' }], issued: { 'date-parts': [[2021]] } }]) });
    const paper = l.get('compacter')!;
    assert.strictEqual(paper.key, 'houlsbyCompacter2021');
    assert.ok(paper.aliases.includes('compacter'));
    assert.strictEqual(paper.digests.length, 1);
    assert.ok(String(paper.abstract).startsWith('Adapting large-scale'), 'the digest adds its abstract');
    assert.strictEqual(definitionOf({ key: 'compacter', range: paper.definition.range, paper, declaration: false })!.uri, uriFor('refs/a.csl.json'), 'F12 goes to the entry');
  });

  it('the same key for two different papers: the note keeps it, the entry gets a warning', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'refs/clash.bib': '@article{jiang2024kasa,\n  title = {Something Else Entirely},\n  author = {Nobody, A.},\n  year = {2001}\n}\n' });
    assert.strictEqual(l.get('jiang2024kasa')!.title, 'KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models');
    assert.deepStrictEqual(l.mergeProblems(uriFor('refs/clash.bib')).map((p) => [p.code, p.range.start.line]), [['duplicate-key', 0]]);
  });

  it('a key from a bibliography file cannot be renamed here: it belongs to the reference manager', () => {
    const l = lib();
    const text = '[@vaswaniAttentionAllYou2017]';
    const at = keyAt(l, uriFor('drafts/x.md'), text, { line: 0, character: 5 }, 'markdown')!;
    assert.throws(() => prepareRename(at), (err: Error) => err instanceof RenameError && /zotero\.csl\.json, a bibliography your reference manager writes/.test(err.message));
  });
});

describe('export', () => {
  const library = () => libraryOf({ ...exampleLibraryFiles(), 'refs/zotero.bib': bib(), 'refs/zotero.csl.json': cslJson() });
  const keys = ['kasa', 'jiang2024kasa', 'lin2022truthfulqa', 'compacter', 'vaswaniAttentionAllYou2017', 'worldhealthorganizationGlobalReport2021', 'garciaRobustRetrieval2019', 'nosuchkey'];

  it('made a piece at a time, the text is what one dump of the whole list writes (CSL JSON, CSL YAML), and BibTeX one entry per piece', () => {
    const lib = library();
    for (const scope of [keys, 'library' as const, [] as string[]]) {
      const json = [...exportPieces(lib, scope, 'csl-json').pieces].join('');
      assert.strictEqual(json, `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
      const yamlText = [...exportPieces(lib, scope, 'csl-yaml').pieces].join('');
      const body = yamlText.slice(yamlText.indexOf('---\n') + 4, -'...\n'.length);
      const references = (yaml.load(body) as { references: unknown[] }).references;
      assert.strictEqual(body, yaml.safeDump({ references }, { lineWidth: -1, noRefs: true, skipInvalid: true }));
      assert.strictEqual(references.length, (JSON.parse(json) as unknown[]).length);
      const bib = exportPieces(lib, scope, 'bibtex');
      const pieces = [...bib.pieces];
      assert.strictEqual(pieces.length, bib.count + 1, 'the marker, then one piece per entry');
      assert.strictEqual(pieces.join(''), exportBibliography(lib, scope, 'bibtex').text);
    }
    assert.ok(exportPieces(lib, 'library', 'csl-json').count > 90);
  });

  it('one paper\'s reference alone (Copy Reference) is its export entry without the export\'s mark, and reads back as the paper', () => {
    const lib = library();
    const paper = lib.get('jiang2024kasa')!;
    for (const format of ['bibtex', 'biblatex', 'csl-json', 'csl-yaml'] as const) {
      const text = referenceEntry(lib, 'jiang2024kasa', format)!;
      assert.ok(!isLitnotesExport(text), `${format}: pasted into a file, it would not make that file litnotes' own`);
      const name = { bibtex: 'x.bib', biblatex: 'x.bib', 'csl-json': 'x.json', 'csl-yaml': 'x.yaml' }[format];
      const back = parseBibliography('file:///ws/x', format === 'csl-json' ? `[${text}]` : text, bibliographyFormat(name)!, name);
      assert.deepStrictEqual(back.problems, [], format);
      assert.deepStrictEqual(back.papers.map((p) => [p.key, p.title, p.arxiv]), [['jiang2024kasa', paper.title, paper.arxiv]], format);
    }
    assert.match(referenceEntry(lib, 'jiang2024kasa', 'bibtex')!, /^@\w+\{jiang2024kasa,\n/);
    assert.strictEqual(referenceEntry(lib, 'nosuchkey', 'bibtex'), undefined);
  });

  it('each cited key becomes one entry under that very key; unknown keys are reported, not written', () => {
    const r = exportBibliography(library(), keys, 'csl-json');
    const items = JSON.parse(r.text) as Record<string, unknown>[];
    assert.deepStrictEqual(items.map((i) => i.id), keys.slice(0, -1));
    assert.deepStrictEqual(r.unresolved, ['nosuchkey']);
    const kasa = items[0];
    assert.deepStrictEqual(kasa.author, [{ family: 'Wang', given: 'Fan' }, { family: 'Jiang', given: 'Juyong' }, { family: 'Park', given: 'Chansung' }]);
    assert.deepStrictEqual([kasa.issued, kasa.number, kasa.URL], [{ 'date-parts': [[2024, 12]] }, 'arXiv:2412.06071', 'http://arxiv.org/abs/2412.06071']);
    const compacter = items[3];
    assert.deepStrictEqual([compacter.type, compacter.title], ['article', 'Compacter: Efficient Low-Rank Hypercomplex Adapter Layers'], 'a digest paper still exports');
    assert.ok(String(compacter.abstract).startsWith('Adapting'));
    assert.deepStrictEqual(items[5].author, [{ literal: 'World Health Organization' }]);
    assert.deepStrictEqual(items[6].author, [{ family: 'García', given: 'José' }, { family: 'Berg', given: 'Anne-Marie', 'non-dropping-particle': 'van der' }, { family: 'Østergaard', given: 'Søren' }]);
  });

  for (const format of ['bibtex', 'biblatex', 'csl-json', 'csl-yaml'] as ExportFormat[]) {
    it(`${format} round-trips through the bibliography parser: keys, titles, authors, years, identifiers`, () => {
      const l = library();
      const r = exportBibliography(l, keys.slice(0, -1), format);
      const file = format === 'csl-json' ? 'x.json' : format === 'csl-yaml' ? 'x.yaml' : 'x.bib';
      // An export is not read back as a source (it holds what the library knows): strip its marker to parse it here.
      const text = r.text.replace(/^(% |# ).*\n/, '').replace(/"litnotes-export": true,\n\s*/g, '');
      const back = parseBibliography(`file:///ws/${file}`, text, format === 'csl-json' ? 'csl-json' : format === 'csl-yaml' ? 'csl-yaml' : 'bibtex', file);
      assert.deepStrictEqual(back.problems, []);
      assert.deepStrictEqual(back.papers.map((p) => p.key), keys.slice(0, -1));
      for (const p of back.papers) {
        const paper = l.get(p.key!)!;
        assert.strictEqual(p.title, paper.title, p.key);
        assert.deepStrictEqual(p.authors, paper.authors, p.key);
        assert.strictEqual(p.year, paper.year, p.key);
        assert.strictEqual(p.doi, paper.doi, p.key);
        assert.strictEqual(p.arxiv, paper.arxiv, p.key);
      }
    });
  }

  it('BibTeX escapes what TeX reads and protects capitals; the marker says who wrote it', () => {
    assert.strictEqual(bibtexTitle('KaSA: 50% of R&D #1 in C_2 {x}'), '{KaSA:} 50\\% of {R\\&D} \\#1 in {C\\_2} \\{x\\}');
    const r = exportBibliography(library(), ['konigAcceleratingMPCOnline2020'], 'bibtex');
    assert.match(r.text, /^% Written by litnotes/);
    assert.match(r.text, /@article\{konig2020common|@article\{konigAcceleratingMPCOnline2020,\n {2}title = \{\{Accelerating\} \{MPC\} by \{Online\} \{Detection\} of \{Common\} \{Structures\}\},\n {2}author = \{König, Kai and Mönnigmann, Martin\},\n {2}year = \{2020\},\n {2}month = \{9\},/);
    assert.match(r.text, /eprint = \{2009\.08764\},\n {2}archiveprefix = \{arXiv\}/);
    assert.match(exportBibliography(library(), ['konigAcceleratingMPCOnline2020'], 'biblatex').text, /date = \{2020-09\},\n {2}journaltitle = \{IFAC-PapersOnLine\}/);
  });

  it('names: particles, suffixes, organisations', () => {
    assert.deepStrictEqual(nameParts('Ludwig van Beethoven'), { family: 'Beethoven', given: 'Ludwig', 'non-dropping-particle': 'van' });
    assert.deepStrictEqual(nameParts('Martin Luther King Jr.'), { family: 'King', given: 'Martin Luther', suffix: 'Jr.' });
    assert.deepStrictEqual(nameParts('OpenAI', ['OpenAI']), { literal: 'OpenAI' });
    assert.deepStrictEqual(nameParts('Plato'), { family: 'Plato' });
  });
});

describe('citations at the edges', () => {
  it('cross-references and \\nocite{*} are not citations; lists over lines, \\Cite and every group of \\cites are', () => {
    assert.deepStrictEqual(findCitations('See @fig-plot, [@tbl:results], @sec-intro, @eq-1, @lst-code and [@real2020; @fig].', 'markdown').map((c) => c.key), ['real2020', 'fig']);
    const tex = findCitations('\\nocite{*}\\cite{a,\n  b}\n\\Cite{c} \\cites[see][3]{d}{e, f} \\autocites{g}[p.~2]{h} \\parencites{i}{j}', 'latex');
    assert.deepStrictEqual(tex.map((c) => [c.key, c.range.start.line]), [['a', 0], ['b', 1], ['c', 2], ['d', 2], ['e', 2], ['f', 2], ['g', 2], ['h', 2], ['i', 2], ['j', 2]]);
  });

  it('unknown keys: a warning, information or nothing (litnotes.diagnostics.unknownKey)', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'drafts/u.md': '[@nosuchkey2020]' });
    const citations = l.file(uriFor('drafts/u.md'))!.citations;
    assert.deepStrictEqual(documentDiagnostics(l, uriFor('drafts/u.md'), citations).map((d) => d.severity), [2]);
    assert.deepStrictEqual(documentDiagnostics(l, uriFor('drafts/u.md'), citations, { unknownKey: 'information' }).map((d) => d.severity), [3]);
    assert.deepStrictEqual(documentDiagnostics(l, uriFor('drafts/u.md'), citations, { unknownKey: 'off' }), []);
  });

  it('one paper cited under two keys gets a diagnostic, and a quick fix that cites it under one', () => {
    const l = libraryOf(exampleLibraryFiles());
    const uri = uriFor('drafts/related-work.md');
    const citations = l.file(uri)!.citations;
    const same = documentDiagnostics(l, uri, citations).filter((d) => d.code === SAME_PAPER);
    assert.deepStrictEqual(same.map((d) => [d.message, d.range.start.line]), [['"kasa" and "jiang2024kasa" are the same paper, cited here under both keys: a bibliography would list it twice.', 7]]);
    const [fix] = unifyKeyActions(uri, same, citations);
    assert.strictEqual(fix.title, 'Cite "kasa" as "jiang2024kasa" throughout this document');
    assert.deepStrictEqual(fix.edit!.changes![uri].map((e) => [e.newText, e.range.start.line, e.range.start.character]), [['jiang2024kasa', 7, 7]]);
    assert.deepStrictEqual(citedKeys(citations).slice(0, 4), ['compacter', 'nola', 'kasa', 'jiang2024kasa']);
  });

  it('a wikilink to a paper in a draft is cited as [@key] (the one at the cursor, or all of them): its label kept before it, the key the draft\'s bibliography has', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'refs/zotero.bib': bib() });
    const uri = uriFor('drafts/x.md');
    const lines = ['As [[kasa]] and [[lin2022truthfulqa|TruthfulQA]] show, unlike [[Some other note]],', 'see [[compacter#Method]].'];
    const citations = findCitations(lines.join('\n'), 'markdown');
    const lineText = (n: number) => lines[n];
    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    const own = (p: { key: string }) => p.key;
    const [one, all] = wikilinkCitationActions(l, uri, citations, at(0, 20), lineText, own);
    assert.strictEqual(one.title, 'Cite as TruthfulQA [@lin2022truthfulqa] (pandoc makes a reference of it; a wikilink is a link)');
    assert.deepStrictEqual(one.edit!.changes![uri].map((e) => [e.range.start.character, e.range.end.character, e.newText]), [[16, 48, 'TruthfulQA [@lin2022truthfulqa]']]);
    assert.strictEqual(all.title, 'Cite all 3 wikilinks to papers in this document as [@key]');
    assert.deepStrictEqual(all.edit!.changes![uri].map((e) => [e.range.start.line, lines[e.range.start.line].slice(e.range.start.character, e.range.end.character), e.newText]), [
      [0, '[[kasa]]', '[@jiang2024kasa]'], [0, '[[lin2022truthfulqa|TruthfulQA]]', 'TruthfulQA [@lin2022truthfulqa]'], [1, '[[compacter#Method]]', '[@compacter]'],
    ]);
    assert.deepStrictEqual(wikilinkCitationActions(l, uri, citations, at(0, 70), lineText, own), [], 'a wikilink to no paper: nothing');
    // With the draft's bibliography: the key it has the paper under.
    const bibliography = { names: ['refs/zotero.bib'], keys: new Set(l.file(uriFor('refs/zotero.bib'))!.sources.map((s) => s.key!)) };
    const [kasa] = wikilinkCitationActions(l, uri, citations, at(0, 6), lineText, (p) => keyForDraft(p, bibliography).key);
    assert.deepStrictEqual(kasa.edit!.changes![uri].map((e) => e.newText), ['[@wangKaSAKnowledgeAwareSingularValue2024]']);
  });

  it('a known key the draft\'s bibliography lacks: a warning (information, or nothing, as set); its fixes cite the key the bibliography has, or copy the reference (litnotes\' own client)', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'refs/zotero.bib': bib() });
    const citations = findCitations('[@kasa] [@nola] [@konigAcceleratingMPCOnline2020] [@nosuch] [[compacter]]', 'markdown');
    const bibliography = { names: ['refs/zotero.bib'], keys: new Set(l.file(uriFor('refs/zotero.bib'))!.sources.map((s) => s.key!)) };
    const found = notInBibliographyDiagnostics(l, citations, bibliography);
    assert.deepStrictEqual(found.map((d) => [(d.data as { key: string }).key, (d.data as { use?: string }).use, d.severity]), [['kasa', 'wangKaSAKnowledgeAwareSingularValue2024', 2], ['nola', undefined, 2]]);
    assert.deepStrictEqual(notInBibliographyDiagnostics(l, citations, bibliography, 'information').map((d) => d.severity), [3, 3]);
    assert.deepStrictEqual(notInBibliographyDiagnostics(l, citations, bibliography, 'off'), []);
    const uri = uriFor('drafts/x.md');
    assert.deepStrictEqual(notInBibliographyActions(uri, found, false).map((a) => [a.title, a.edit?.changes?.[uri][0].newText]), [['Cite as "wangKaSAKnowledgeAwareSingularValue2024" (the key your bibliography has)', 'wangKaSAKnowledgeAwareSingularValue2024']]);
    assert.deepStrictEqual(notInBibliographyActions(uri, found, true).map((a) => a.command?.arguments), [undefined, ['nola']]);
  });

  it('completion in such a draft inserts the key its bibliography has the paper under, and says which papers it lacks', () => {
    const l = libraryOf({ ...exampleLibraryFiles(), 'refs/zotero.bib': bib() });
    const bibliography = { names: ['refs/zotero.bib'], keys: new Set(l.file(uriFor('refs/zotero.bib'))!.sources.map((s) => s.key!)) };
    const item = (typed: string, b?: typeof bibliography) => completeCitation(l, `See [@${typed}`, 0, 'markdown', b)!.items[0];
    const kasa = item('kasa', bibliography);
    assert.deepStrictEqual([kasa.label, (kasa.textEdit as { newText: string }).newText, (kasa.data as { key: string }).key], Array(3).fill('wangKaSAKnowledgeAwareSingularValue2024'));
    assert.doesNotMatch(kasa.detail!, /not in/);
    assert.strictEqual(item('kasa').label, 'jiang2024kasa', 'without a bibliography of its own: the paper\'s key');
    const nola = item('nola', bibliography);
    assert.strictEqual(nola.label, 'nola');
    assert.match(nola.detail!, /\(not in refs\/zotero\.bib: pandoc and LaTeX would not find it\)$/);
  });
});
