import * as assert from 'assert';
import { bibliographyLine, citationEdit, citationText, orgBibliographyLine, orgCitationStyle, OrgCitationStyle } from '../../client/src/citationEdits';
import { withBibliographyFiles } from '../../client/src/bibliographyFiles';
import { withCursor } from './helpers';

/** Applies Insert Citation's edit at the cursor marker of `marked`. */
function cite(marked: string, languageId = 'markdown', command?: string, orgStyle?: OrgCitationStyle): string {
  const { lineText, pos } = withCursor(marked);
  const e = citationEdit(lineText, pos.character, languageId, 'kasa', command, undefined, orgStyle);
  return lineText.slice(0, e.start) + e.text + lineText.slice(e.end);
}

describe('Insert Citation fits the document', () => {
  it('a new citation where there is none: [@key] in markdown, the configured command in LaTeX', () => {
    assert.strictEqual(cite('See ‸.'), 'See [@kasa].');
    assert.strictEqual(cite('See ‸.', 'latex'), 'See \\cite{kasa}.');
    assert.strictEqual(cite('See ‸.', 'latex', '\\parencite'), 'See \\parencite{kasa}.');
    assert.strictEqual(cite('See ‸.', 'latex', 'citep'), 'See \\citep{kasa}.');
  });

  it('inside a pandoc group it adds "; @key" before the group closes, instead of nesting brackets', () => {
    assert.strictEqual(cite('See [@a; @b‸] now.'), 'See [@a; @b; @kasa] now.');
    assert.strictEqual(cite('See [@a‸, p. 3] now.'), 'See [@a, p. 3; @kasa] now.');
    assert.strictEqual(cite('A [link‸](x) here'), 'A [link[@kasa]](x) here', 'a link is not a citation group');
  });

  it('inside a LaTeX key list it adds ", key" before the list closes', () => {
    assert.strictEqual(cite('\\citep[p.~3]{a, b‸} and', 'latex'), '\\citep[p.~3]{a, b, kasa} and');
    assert.strictEqual(cite('\\cite{‸}', 'latex'), '\\cite{kasa}');
    assert.strictEqual(cite('\\textbf{x‸}', 'latex'), '\\textbf{x\\cite{kasa}}', 'only citation commands');
  });

  it('Org: [cite:@key], or ";@key" inside an org-cite citation', () => {
    assert.strictEqual(cite('See ‸.', 'org'), 'See [cite:@kasa].');
    assert.strictEqual(cite('See [cite/t:@a‸ p. 3] now.', 'org'), 'See [cite/t:@a p. 3;@kasa] now.');
    assert.strictEqual(cite('A [[link‸]] here', 'org'), 'A [[link[cite:@kasa]]] here', 'a link is not a citation');
  });

  it('Org with org-ref: the style the draft already cites in, a link of its own or a key added to the list before the cursor', () => {
    assert.strictEqual(orgCitationStyle('See cite:&a;&b and citep:&c.\nAlso [cite:@d].'), 'org-ref-v3');
    assert.strictEqual(orgCitationStyle('See cite:a,b. Also citet:c.'), 'org-ref-v2');
    assert.strictEqual(orgCitationStyle('See [cite:@a] and [cite/t:@b], once cite:c.'), 'org-cite');
    assert.strictEqual(orgCitationStyle('Nothing cited yet; excite:me is no link.'), 'org-cite');
    assert.strictEqual(cite('See ‸.', 'org', undefined, 'org-ref-v3'), 'See cite:&kasa.');
    assert.strictEqual(cite('See cite:&a;&b‸ now.', 'org', undefined, 'org-ref-v3'), 'See cite:&a;&b;&kasa now.');
    assert.strictEqual(cite('See ‸.', 'org', undefined, 'org-ref-v2'), 'See cite:kasa.');
    assert.strictEqual(cite('See citep:a,b‸ now.', 'org', undefined, 'org-ref-v2'), 'See citep:a,b,kasa now.');
  });

  it('papers dropped into a draft: one citation of them all, in the draft\'s syntax', () => {
    assert.strictEqual(citationText(['a', 'b'], 'markdown'), '[@a; @b]');
    assert.strictEqual(citationText(['a', 'b'], 'quarto'), '[@a; @b]');
    assert.strictEqual(citationText(['a', 'b'], 'latex', 'parencite'), '\\parencite{a, b}');
    assert.strictEqual(citationText(['a'], 'latex'), '\\cite{a}');
    assert.strictEqual(citationText(['a', 'b'], 'org'), '[cite:@a;@b]');
    assert.strictEqual(citationText(['a', 'b'], 'org', undefined, 'org-ref-v3'), 'cite:&a;&b');
    assert.strictEqual(citationText(['a', 'b'], 'org', undefined, 'org-ref-v2'), 'cite:a,b');
  });

  it('a selection is replaced by a new citation', () => {
    const e = citationEdit('See THIS now', 4, 'markdown', 'kasa', undefined, { start: 4, end: 8 });
    assert.deepStrictEqual(e, { start: 4, end: 8, text: '[@kasa]' });
  });
});

describe('naming an exported bibliography in a draft', () => {
  it('adds a front matter, or a line to it; leaves a draft that names one alone', () => {
    assert.deepStrictEqual(bibliographyLine('# Draft\n', 'references.json'), { line: 0, text: '---\nbibliography: references.json\n---\n' });
    assert.deepStrictEqual(bibliographyLine('---\ntitle: T\n---\nBody', 'refs/my refs.json'), { line: 2, text: 'bibliography: "refs/my refs.json"\n' });
    assert.strictEqual(bibliographyLine('---\nbibliography: mine.bib\n---\n', 'references.json'), undefined);
  });

  it('Org: a #+bibliography: line after the keywords the document starts with; none when it names one', () => {
    assert.deepStrictEqual(orgBibliographyLine('#+title: Draft\n#+author: Me\n\n* Intro\n', 'references.bib'), { line: 2, text: '#+bibliography: references.bib\n' });
    assert.deepStrictEqual(orgBibliographyLine('* Intro\n', 'my refs.bib'), { line: 0, text: '#+bibliography: "my refs.bib"\n' });
    assert.strictEqual(orgBibliographyLine('#+title: T\n#+BIBLIOGRAPHY: mine.bib\n', 'references.bib'), undefined);
  });
});

describe('Add Bibliography File', () => {
  it('adds each new path once, after the user\'s own list, and keeps what is there', () => {
    assert.deepStrictEqual(withBibliographyFiles(['/a.bib', 7, '/b.json'], ['/b.json', '/c.bib', '/c.bib']), { files: ['/a.bib', '/b.json', '/c.bib'], added: ['/c.bib'] });
    assert.deepStrictEqual(withBibliographyFiles(undefined, ['/z.bib']), { files: ['/z.bib'], added: ['/z.bib'] });
    assert.deepStrictEqual(withBibliographyFiles(['/z.bib'], ['/z.bib']).added, []);
  });
});
