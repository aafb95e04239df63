import * as assert from 'assert';
import { namesBibliography, pandocArguments, pandocMessage, renderedName } from '../../client/src/renderDraft';

describe('Render Draft with pandoc (what pandoc is asked)', () => {
  it('tells a draft whose front matter names its bibliography from one that names none', () => {
    assert.strictEqual(namesBibliography('---\ntitle: A\nbibliography: refs.bib\n---\nText [@a].\n'), true);
    assert.strictEqual(namesBibliography('---\nbibliography:\n  - a.bib\n  - b.json\n---\n'), true);
    assert.strictEqual(namesBibliography('---\ntitle: A\n---\nbibliography: not front matter\n'), false);
    assert.strictEqual(namesBibliography('Text [@a].\nbibliography: x.bib\n'), false, 'no front matter');
    assert.strictEqual(namesBibliography(''), false);
  });

  it('citeproc on standard input; the cited papers as the bibliography only when the draft names none; a page title for HTML', () => {
    assert.deepStrictEqual(pandocArguments({ format: 'html', output: '/w/d/draft.html', bibliography: '/tmp/x/references.json', title: 'draft.md' }),
      ['--from=markdown', '--citeproc', '--standalone', '--output=/w/d/draft.html', '--bibliography=/tmp/x/references.json', '--metadata=pagetitle:draft.md']);
    assert.deepStrictEqual(pandocArguments({ format: 'docx', output: 'd.docx', title: 'd.md' }), ['--from=markdown', '--citeproc', '--standalone', '--output=d.docx']);
  });

  it('names the output after the draft, and keeps the end of what pandoc says', () => {
    assert.deepStrictEqual([renderedName('related-work.md', 'pdf'), renderedName('notes.v2.markdown', 'html'), renderedName('README', 'docx')], ['related-work.pdf', 'notes.v2.html', 'README.docx']);
    assert.strictEqual(pandocMessage('[WARNING] a\n\npandoc: pdflatex not found. Please select a different --pdf-engine or install pdflatex\n'), '[WARNING] a pandoc: pdflatex not found. Please select a different --pdf-engine or install pdflatex');
    assert.ok(pandocMessage('x'.repeat(1000)).length <= 400);
  });
});
