import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';
import { copyLibrary } from './server.test';

interface Exported { text: string; count: number; unresolved: string[] }
interface Details { title: string; authors: string[] }

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

/** pandoc's plain-text rendering of `draft` with `bibliography`, and what it warned about. */
function render(draft: string, bibliography: string): { out: string; warnings: string } {
  const r = spawnSync('pandoc', ['--citeproc', '-t', 'plain', '--wrap=none', '--bibliography', bibliography, draft], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return { out: r.stdout, warnings: r.stderr };
}

/**
 * What a draft cites reaches pandoc: the real server exports its bibliography, Debian's pandoc
 * renders the draft with it (citeproc), and every reference is there.
 */
describe('exported bibliographies rendered by pandoc --citeproc', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;

  before(async function () {
    if (spawnSync('pandoc', ['--version']).status !== 0) throw new Error('pandoc is not installed (scripts/setup-editor-tests.sh installs it)');
    dir = copyLibrary();
    fs.mkdirSync(path.join(dir, 'refs'));
    fs.copyFileSync(path.join(FIXTURES, 'bibliographies/zotero-bbt.bib'), path.join(dir, 'refs/zotero.bib'));
    // A Quarto-style draft: grouped citations with locators, an author-suppressed one, and a
    // reference listed by `nocite` though cited nowhere in the text.
    fs.writeFileSync(path.join(dir, 'drafts/quarto.qmd'), '---\ntitle: Quarto\nnocite: |\n  @jiang2024kasa\n---\n\nAs shown [@lin2022truthfulqa; @konigAcceleratingMPCOnline2020, p. 3], and again [-@kalai2024hallucinate].\nSee @garciaRobustRetrieval2019 and [@worldhealthorganizationGlobalReport2021].\n');
    // An Org draft: org-cite (a style, a locator, one filled over two lines), org-ref's `cite:` link
    // and a LaTeX command, as pandoc's Org reader reads them; a source block's text is no citation.
    fs.writeFileSync(path.join(dir, 'drafts/review.org'), [
      '#+title: Review', '#+bibliography: review.json', '', '* Related work',
      'As shown [cite:@lin2022truthfulqa; @konigAcceleratingMPCOnline2020 p. 3], and again',
      '[cite/na:@kalai2024hallucinate]. See cite:garciaRobustRetrieval2019 and',
      '\\cite{worldhealthorganizationGlobalReport2021}, filled over lines [cite:@jiang2024kasa;', '@compacter].', '',
      '#+begin_src python', 'print("[cite:@notACitation]")', '#+end_src', '',
    ].join('\n'));
    client = new LspClient();
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [draftRel, format, file] of [
    ['drafts/related-work.md', 'csl-json', 'refs.json'],
    ['drafts/related-work.md', 'bibtex', 'refs.bib'],
    ['drafts/related-work.md', 'csl-yaml', 'refs.yaml'],
    ['drafts/quarto.qmd', 'csl-json', 'quarto.json'],
    ['drafts/quarto.qmd', 'biblatex', 'quarto.bib'],
    ['drafts/review.org', 'csl-json', 'review.json'],
    ['drafts/review.org', 'bibtex', 'review.bib'],
  ]) {
    it(`${draftRel} with its ${format} export: every key litnotes knows is found, with its title and first author in the references`, async () => {
      const r = await client.request<Exported>('litnotes/exportBibliography', { uri: uri(draftRel), format });
      const target = path.join(dir, file);
      fs.writeFileSync(target, r.text);
      const { out, warnings } = render(path.join(dir, draftRel), target);
      // The example draft misspells two keys on purpose: they are the only ones pandoc may not find.
      const notFound = [...warnings.matchAll(/Citeproc: citation (\S+) not found/g)].map((m) => m[1]).sort();
      assert.deepStrictEqual(notFound, [...r.unresolved].sort(), warnings);
      assert.deepStrictEqual(r.unresolved.length ? r.unresolved : [], draftRel.endsWith('.md') ? ['truthfulqa2022lin', 'kasaa'] : []);
      assert.ok(r.count >= 5, `${r.count} entries`);
      if (draftRel.endsWith('.qmd')) assert.ok(r.text.includes('jiang2024kasa'), 'the key `nocite` lists is exported');
      if (draftRel.endsWith('.org')) {
        assert.strictEqual(r.count, 7, 'the seven papers the Org draft cites');
        assert.ok(!r.text.includes('notACitation'));
      }
      // Every paper exported (the CSL JSON export of the same draft lists them) is in the references.
      const listed = await client.request<Exported>('litnotes/exportBibliography', { uri: uri(draftRel), format: 'csl-json' });
      for (const item of JSON.parse(listed.text) as { id: string }[]) {
        const paper = await client.request<Details>('litnotes/paper', { key: item.id });
        const family = (paper.authors[0] ?? '').split(' ').pop()!;
        assert.ok(out.includes(paper.title.split(/[:—]/)[0].trim()), `${item.id}: "${paper.title}" is not in\n${out}`);
        if (family) assert.ok(out.includes(family), `${item.id}: ${family} is not in\n${out}`);
      }
    });
  }

  it('a draft naming its reference manager\'s .bib: the keys litnotes says the file lacks are exactly those pandoc cannot find, and the quick fix makes it find one', async () => {
    const rel = 'drafts/zotero-draft.md';
    const text = '---\nbibliography: ../refs/zotero.bib\n---\n\nAs shown [@knuthArtComputerProgramming1997; @kasa] and in [@nola].\n';
    fs.writeFileSync(path.join(dir, rel), text);
    await client.open(uri(rel), 'markdown', text);
    type Diagnostic = { code?: string; range: unknown; data?: { key: string; use?: string } };
    const lacking = await client.waitFor(() => { const d = (client.diagnostics.get(uri(rel)) as Diagnostic[] | undefined)?.filter((x) => x.code === 'not-in-bibliography'); return d?.length ? d : undefined; }, 10000, 'not-in-bibliography diagnostics');
    const notFound = (warnings: string) => [...warnings.matchAll(/Citeproc: citation (\S+) not found/g)].map((m) => m[1]).sort();
    assert.deepStrictEqual(notFound(render(path.join(dir, rel), path.join(dir, 'refs/zotero.bib')).warnings), lacking.map((d) => d.data!.key).sort());
    const kasa = lacking.find((d) => d.data!.key === 'kasa')!;
    const actions = await client.request<{ title: string; edit?: { changes: Record<string, { newText: string }[]> } }[]>('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range: kasa.range, context: { diagnostics: [kasa] } });
    const fixed = text.replace('@kasa', `@${actions[0].edit!.changes[uri(rel)][0].newText}`);
    fs.writeFileSync(path.join(dir, rel), fixed);
    assert.deepStrictEqual(notFound(render(path.join(dir, rel), path.join(dir, 'refs/zotero.bib')).warnings), ['nola']);
  });
});
