import * as assert from 'assert';
import { MarkupContent } from 'vscode-languageserver-types';
import { completeCitation, completeWithFullText, resolveCompletion } from '../../server/src/features/completion';
import { hoverKey } from '../../server/src/features/hover';
import { definitionOf, referencesOf } from '../../server/src/features/definition';
import { documentDiagnostics } from '../../server/src/features/diagnostics';
import { createNoteAction, replaceKeyActions } from '../../server/src/features/codeActions';
import { prepareRename, renameKey, RenameError } from '../../server/src/features/rename';
import { newNotePath } from '../../server/src/features/noteTemplate';
import { keyAt } from '../../server/src/features/keyAt';
import { readFrontMatter } from '../../server/src/parse/frontMatter';
import { parseFile } from '../../server/src/parse/parseFile';
import { Library } from '../../server/src/model/library';
import { Classifier } from '../../server/src/parse/classify';
import { DEFAULT_SETTINGS } from '../../server/src/shared/settings';
import { markdownText, markdownToPlainText } from '../../server/src/util/untrusted';
import { assertInertMarkdown, exampleLibraryFiles, libraryOf, uriFor, withCursor } from './helpers';

const DRAFT = 'drafts/test.md';

/** Library of the example files plus a draft holding a cursor marker. */
function at(marked: string, extra: Record<string, string> = {}, flavor: 'markdown' | 'latex' = 'markdown') {
  const { text, pos, lineText } = withCursor(marked);
  const rel = flavor === 'latex' ? 'drafts/test.tex' : DRAFT;
  const lib = libraryOf({ ...exampleLibraryFiles(), ...extra, [rel]: text });
  return { lib, pos, lineText, text, uri: uriFor(rel), before: lineText.slice(0, pos.character), flavor };
}

const labels = (list: ReturnType<typeof completeCitation>) => list!.items.map((i) => i.label);

describe('completion', () => {
  it('after [@ offers keys, key prefix first, with title, authors, year and abstract', () => {
    const c = at('See [@kas‸');
    const list = completeCitation(c.lib, c.before, c.pos.line, 'markdown')!;
    assert.strictEqual(list.items[0].label, 'jiang2024kasa', 'the alias "kasa" finds the note-backed paper');
    assert.ok(list.items.every((i) => i.documentation === undefined), 'documentation is resolved lazily');
    const item = resolveCompletion(c.lib, list.items[0]);
    assert.strictEqual(item.detail, 'KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models');
    const doc = (item.documentation as MarkupContent).value;
    assert.match(doc, /Fan Wang, Juyong Jiang, Chansung Park · 2024/);
    assert.match(doc, /The increasing sizes of large language models \(LLMs\)/, 'ordinary punctuation is not escaped');
    assert.deepStrictEqual((item.textEdit as { range: unknown }).range, { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } });
  });

  it('matches title words and author names, best first', () => {
    const byTitle = at('[@truthful‸');
    assert.strictEqual(labels(completeCitation(byTitle.lib, byTitle.before, 0, 'markdown'))[0], 'lin2022truthfulqa');
    const byAuthor = at('[@hilton‸');
    assert.deepStrictEqual(labels(completeCitation(byAuthor.lib, byAuthor.before, 0, 'markdown')), ['lin2022truthfulqa']);
    const key = at('@nol‸');
    assert.strictEqual(labels(completeCitation(key.lib, key.before, 0, 'markdown'))[0], 'nola');
    const reward = at('[@reward‸');
    const r = labels(completeCitation(reward.lib, reward.before, 0, 'markdown'));
    assert.strictEqual(r[0], 'rewardbench-2', 'a key prefix beats a title word');
    assert.ok(r.includes('rag-rewardbench') && r.includes('dmoerm'), 'title words match too');
    assert.ok(r.indexOf('dmoerm') > r.indexOf('rewardbench-2'));
  });

  it('falls back to a full-text search (through the port it is given) only when nothing else matches', async () => {
    const c = at('See [@kronecker‸');
    const asked: string[] = [];
    const port = async (query: string) => { asked.push(query); return [c.lib.get('compacter')!]; };
    const list = await completeWithFullText(c.lib, c.before, 0, 'markdown', port);
    assert.deepStrictEqual([labels(list), asked], [['compacter'], ['kronecker kronecker*']]);
    const known = at('See [@kas‸');
    asked.length = 0;
    assert.strictEqual(labels(await completeWithFullText(known.lib, known.before, 0, 'markdown', port))[0], 'jiang2024kasa');
    assert.deepStrictEqual(asked, [], 'a key match needs no search');
    const late = await completeWithFullText(c.lib, c.before, 0, 'markdown', async () => undefined);
    assert.deepStrictEqual(labels(late), [], 'a search that did not answer in time leaves the empty list');
  });

  it('inside \\cite{ after a comma, and after [[', () => {
    const latex = at('\\citep{nola, compa‸}', {}, 'latex');
    assert.strictEqual(labels(completeCitation(latex.lib, latex.before, 0, 'latex'))[0], 'compacter');
    const wiki = at('[[konig‸');
    assert.strictEqual(labels(completeCitation(wiki.lib, wiki.before, 0, 'markdown'))[0], 'konig2020common');
  });

  it('with nothing typed yet, offers papers (capped) as an incomplete list', () => {
    const c = at('[@‸');
    const list = completeCitation(c.lib, c.before, 0, 'markdown')!;
    assert.strictEqual(list.isIncomplete, true);
    assert.strictEqual(list.items.length, 96);
  });

  it('typing foo@bar in prose offers nothing', () => {
    const c = at('write to foo@ba‸');
    assert.strictEqual(completeCitation(c.lib, c.before, 0, 'markdown'), null);
  });
});

describe('hover', () => {
  const rel = (u: string) => u.replace('file:///ws/', '');
  it('shows title, authors, year, abstract, links, where it is defined and how many documents cite it', () => {
    const c = at('As shown by [@lin2022truth‸fulqa].');
    const h = hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel);
    const v = (h.contents as MarkupContent).value;
    assert.match(v, /^\*\*TruthfulQA — Measuring How Models Mimic Human Falsehoods\*\*/);
    assert.match(v, /Stephanie Lin, Jacob Hilton, Owain Evans · 2022/);
    assert.match(v, /A benchmark of 817 questions/);
    assert.match(v, /\[arXiv:2109\\\.07958\]\(https:\/\/arxiv\.org\/abs\/2109\.07958\)/);
    assert.match(v, /note notes\/lin2022truthfulqa\.md ·/);
    assert.match(v, /cited in 3 documents/, 'related-work.md, kalai2024hallucinate.md and this draft');
    assert.deepStrictEqual(h.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 31 } });
  });

  it('a digest paper shows its digest line and code link', () => {
    const c = at('[@compa‸cter]');
    const v = (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.match(v, /digest digests\/daily-papers-sep-8\.txt line 37/);
    assert.match(v, /\[code\]\(https:\/\/github\.com\/rabeehk\/compacter\)/);
    assert.match(v, /digest Sep 8/);
  });

  it('titles, abstracts and notes show as written: markdown and HTML are escaped', () => {
    const evil = '---\ncitekey: evil\ntitle: "<img src=x onerror=alert(1)> **bold** [link](command:workbench.action.quit)"\nabstract: "<script>alert(1)</script> _x_ `code`"\n---\n';
    const c = at('[@ev‸il]', { 'notes/evil.md': evil });
    const v = (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.doesNotMatch(v, /(^|[^\\])[<>]/, 'no unescaped angle bracket, so no HTML');
    assert.ok(!/(?<!\\)\]\(command:/.test(v), 'no live link');
    assertInertMarkdown(v, 3); // title, abstract, where it is
    assert.ok(v.includes('\\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\*'), v);
    assert.match(v, /\\<script\\>/);
  });

  it('as plain text (for editors that ask for it), file text reads exactly as written, with no escape left', () => {
    const texts = ['<img src=x onerror=alert(1)> **bold** [link](command:x) _x_ `code` $y$ ~~s~~ R&D &amp;', '2017. A year', '# not a heading', '- not a list', 'C# and snake_case: see https://github.com/a_b/c~d.'];
    for (const t of texts) assert.strictEqual(markdownToPlainText(`**${markdownText(t, 300)}**`), t);
    assert.strictEqual(markdownToPlainText('[arXiv:2109\\.07958](https://arxiv.org/abs/2109.07958) · *Note:* x'), 'arXiv:2109.07958 <https://arxiv.org/abs/2109.07958> · Note: x');
  });

  it('file names, keys and titles that end the paragraph or carry markup stay literal text (one escaping rule)', () => {
    const blank = '\n\n[x](command:workbench.action.quit) <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n# heading';
    // A note whose key holds a blank line and markup, merged with a digest paper: hovering the
    // digest key shows "alias of <the note's key>".
    const note = `---\ncitekey: ${JSON.stringify('evil' + blank)}\ntitle: "Compacter: Efficient Low-Rank Hypercomplex Adapter Layers"\nabstract: "Reads as \u202Egnp.exe"\n---\n`;
    const c = at('[@compa‸cter]', { 'notes/evil.md': note });
    const v = (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, () => `notes/a${blank}.md`).contents as MarkupContent).value;
    assert.match(v, /alias of evil/);
    assertInertMarkdown(v, 5); // title, byline, abstract, links, where it is
    assert.ok(!v.includes('\u202E'), 'no bidi override');
    const unknown = at(`[@{x‸${'<img/src=x/onerror=alert(1)>'}}]`);
    assertInertMarkdown((hoverKey(unknown.lib, keyAt(unknown.lib, unknown.uri, unknown.lineText, unknown.pos, 'markdown')!, rel).contents as MarkupContent).value, 1);
  });

  it('a hover stays small whatever the note holds', () => {
    const huge = 'word '.repeat(200000);
    const note = `---\ncitekey: big\ntitle: "${huge}"\nauthors: [${Array.from({ length: 500 }, (_, i) => `Author Number ${i}`).join(', ')}]\nabstract: "${huge}"\n---\n## Summary\n\n${huge}\n`;
    const c = at('[@b‸ig]', { 'notes/big.md': note });
    const v = (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.ok(v.length <= 16 * 1024, `hover of ${v.length} characters`);
    assert.match(v, /…/);
  });

  it('an unknown key says so and suggests the closest keys', () => {
    const c = at('[@truthfulqa2022l‸in]');
    const v = (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.match(v, /Unknown citation key truthfulqa2022lin:/);
    const typo = at('[@kasaa‸]');
    const t = (hoverKey(typo.lib, keyAt(typo.lib, typo.uri, typo.lineText, typo.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.match(t, /Did you mean kasa\?/);
    assert.match(v, /Did you mean lin2022truthfulqa\?/, 'reordered words are close');
  });

  it('suggestions follow the library: a note added with a closer key is suggested after the recompute', () => {
    const c = at('[@kasaa‸]');
    const hover = () => (hoverKey(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, rel).contents as MarkupContent).value;
    assert.match(hover(), /Did you mean kasa\?/);
    const added = 'notes/kasab.md';
    c.lib.setFile(parseFile(uriFor(added), added, new Classifier(DEFAULT_SETTINGS).classify(added)!, '---\ncitekey: kasaab\ntitle: "Another Paper"\n---\n').entry);
    c.lib.rebuild();
    assert.match(hover(), /Did you mean kasa, kasaab\?/);
  });

  it('works on a note\'s own key in its front matter', () => {
    const lib = libraryOf(exampleLibraryFiles());
    const uri = uriFor('notes/lin2022truthfulqa.md');
    const k = keyAt(lib, uri, 'citekey: lin2022truthfulqa', { line: 1, character: 12 }, 'markdown')!;
    assert.strictEqual(k.declaration, true);
    assert.strictEqual(k.paper!.key, 'lin2022truthfulqa');
  });
});

describe('definition and references', () => {
  it('a note key goes to the key in the note; a digest key to its title line', () => {
    const c = at('[@konig2020‸common]');
    assert.deepStrictEqual(definitionOf(keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!), { uri: uriFor('notes/konig2020common.md'), range: { start: { line: 1, character: 9 }, end: { line: 1, character: 24 } } });
    const d = at('[@ka‸sa]');
    assert.strictEqual(definitionOf(keyAt(d.lib, d.uri, d.lineText, d.pos, 'markdown')!)!.uri, uriFor('notes/jiang2024kasa.md'), 'an alias resolves to the note');
    const e = at('[@zip-f‸it]');
    assert.deepStrictEqual(definitionOf(keyAt(e.lib, e.uri, e.lineText, e.pos, 'markdown')!), { uri: uriFor('digests/daily-papers-sep-8.txt'), range: { start: { line: 108, character: 0 }, end: { line: 108, character: 70 } } });
    const f = at('[@nope‸]');
    assert.strictEqual(definitionOf(keyAt(f.lib, f.uri, f.lineText, f.pos, 'markdown')!), null);
  });

  it('references list every citation of the paper, by key and alias, across documents', () => {
    const c = at('Again [@ka‸sa] and \\cite{jiang2024kasa}.');
    const refs = referencesOf(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, false);
    const where = refs.map((r) => `${r.uri.replace('file:///ws/', '')}:${r.range.start.line}:${r.range.start.character}`);
    assert.deepStrictEqual(where, ['drafts/related-work.md:7:7', 'drafts/related-work.md:7:42', 'drafts/test.md:0:8', 'drafts/test.md:0:24']);
    const withDecl = referencesOf(c.lib, keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!, true);
    assert.strictEqual(withDecl.length, 5);
  });
});

describe('diagnostics and code actions', () => {
  it('unknown keys get a warning with suggestions; wikilinks and known keys do not', () => {
    const c = at('[@kasaa] [@nola] [[Some Other Note]] [@zzzzzz‸]');
    const diags = documentDiagnostics(c.lib, c.uri, c.lib.file(c.uri)!.citations);
    assert.deepStrictEqual(diags.map((d) => d.message), ['Unknown citation key "kasaa". Did you mean "kasa"?', 'Unknown citation key "zzzzzz".']);
    assert.deepStrictEqual(diags[0].range, { start: { line: 0, character: 2 }, end: { line: 0, character: 7 } });
  });

  it('front matter problems and duplicate keys show on the note', () => {
    const lib = libraryOf({ ...exampleLibraryFiles(), 'notes/dup.md': '---\ncitekey: nola\ntitle: Not NOLA\n---\n', 'notes/dup2.md': '---\ncitekey: lin2022truthfulqa\ntitle: Not TruthfulQA\n---\n' });
    assert.deepStrictEqual(documentDiagnostics(lib, uriFor('notes/transtrack.md'), []).map((d) => d.code), ['front-matter']);
    assert.deepStrictEqual(documentDiagnostics(lib, uriFor('notes/dup2.md'), []).map((d) => d.code), ['duplicate-key']);
    assert.strictEqual(lib.get('nola')!.title, 'Not NOLA', 'a note key wins over a derived digest key');
  });

  it('the quick fix replaces an unknown key by a suggestion', () => {
    const c = at('See [@truthfulqa2022lin‸].');
    const diags = documentDiagnostics(c.lib, c.uri, c.lib.file(c.uri)!.citations);
    const actions = replaceKeyActions(c.lib, c.uri, diags);
    assert.strictEqual(actions[0].title, 'Replace with "lin2022truthfulqa"');
    assert.strictEqual(actions[0].isPreferred, true);
    assert.deepStrictEqual(actions[0].edit!.changes![c.uri], [{ range: { start: { line: 0, character: 6 }, end: { line: 0, character: 23 } }, newText: 'lin2022truthfulqa' }]);
    // Without the diagnostic (or its data), the key under the cursor gives the same fix.
    const cursorKey = keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown');
    const fromCursor = replaceKeyActions(c.lib, c.uri, [], cursorKey);
    assert.deepStrictEqual(fromCursor.map((a) => a.edit), actions.map((a) => a.edit));
    const noData = replaceKeyActions(c.lib, c.uri, diags.map((d) => ({ ...d, data: undefined })), cursorKey);
    assert.deepStrictEqual(noData.map((a) => a.title), actions.map((a) => a.title));
    assert.deepStrictEqual(replaceKeyActions(c.lib, c.uri, [], keyAt(c.lib, c.uri, '[@nola]', { line: 0, character: 3 }, 'markdown')), [], 'no fix for a known key');
  });

  it('"Create literature note" writes a new file from a template and never overwrites', () => {
    const c = at('[@zip-f‸it]');
    const paper = c.lib.get('zip-fit')!;
    const action = createNoteAction(c.lib, paper, uriFor('notes/zip-fit.md'))!;
    const [create, edit] = action.edit!.documentChanges! as unknown as [{ kind: string; options: object }, { edits: { newText: string }[] }];
    assert.deepStrictEqual(create, { kind: 'create', uri: uriFor('notes/zip-fit.md'), options: { overwrite: false, ignoreIfExists: false } });
    const text = edit.edits[0].newText;
    const fm = readFrontMatter(text);
    assert.strictEqual(fm.error, undefined);
    assert.strictEqual(fm.data.citekey, 'zip-fit');
    assert.strictEqual(fm.data.title, paper.title);
    assert.match(String(fm.data.abstract), /^Data selection is crucial for optimizing language model \(LM\) performance/);
    // The new note, once written, becomes the paper's note with the same key.
    const lib = libraryOf({ ...exampleLibraryFiles(), 'notes/zip-fit.md': text });
    assert.strictEqual(lib.get('zip-fit')!.note!.uri, uriFor('notes/zip-fit.md'));
    assert.strictEqual(lib.get('zip-fit')!.digests.length, 1);
    assert.strictEqual(createNoteAction(lib, lib.get('zip-fit')!, 'x'), undefined, 'no action once a note exists');
    assert.strictEqual(newNotePath('notes', 'zip-fit', (p) => p === 'notes/zip-fit.md'), 'notes/zip-fit-2.md');
    assert.strictEqual(newNotePath('notes/', '../../etc/passwd', () => false), 'notes/etc-passwd.md');
  });
});

describe('rename', () => {
  it('renames the note key and every citation of it, as one edit', () => {
    const c = at('[@lin2022‸truthfulqa] and \\cite{lin2022truthfulqa}');
    const k = keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!;
    assert.deepStrictEqual(prepareRename(k), { range: k.range, placeholder: 'lin2022truthfulqa' });
    const edit = renameKey(c.lib, k, 'lin2021truthful');
    const summary = Object.entries(edit.changes!).map(([u, e]) => `${u.replace('file:///ws/', '')}:${e.length}`).sort();
    assert.deepStrictEqual(summary, ['drafts/related-work.md:2', 'drafts/test.md:2', 'notes/kalai2024hallucinate.md:2', 'notes/lin2022truthfulqa.md:1']);
    assert.deepStrictEqual(edit.changes![uriFor('notes/lin2022truthfulqa.md')], [{ range: { start: { line: 1, character: 9 }, end: { line: 1, character: 26 } }, newText: 'lin2021truthful' }]);
  });

  it('refuses digest keys, aliases, invalid and taken names with a reason', () => {
    const c = at('[@zip-f‸it] [@kasa]');
    assert.throws(() => prepareRename(keyAt(c.lib, c.uri, c.lineText, c.pos, 'markdown')!), (e: Error) => e instanceof RenameError && /derived from a digest title/.test(e.message));
    const alias = keyAt(c.lib, c.uri, c.lineText, { line: 0, character: 14 }, 'markdown')!;
    assert.throws(() => prepareRename(alias), /alias of "jiang2024kasa"/);
    const d = at('[@no‸la] [@lin2022truthfulqa]');
    const note = keyAt(d.lib, d.uri, d.lineText, { line: 0, character: 14 }, 'markdown')!;
    assert.throws(() => renameKey(d.lib, note, 'has space'), /not a valid citation key/);
    assert.throws(() => renameKey(d.lib, note, 'nola'), /already the key of/);
  });
});

describe('incremental updates', () => {
  it('replacing one file changes only what it says', () => {
    const lib = new Library();
    for (const [rel, text] of Object.entries(exampleLibraryFiles())) {
      const cand = rel.startsWith('digests/') ? 'digest' : rel.startsWith('drafts/') ? 'draft' : 'note';
      lib.setFile(parseFile(uriFor(rel), rel, cand, text).entry);
    }
    lib.rebuild();
    const before = lib.papers().length;
    const kasaKey = lib.get('kasa')!.key;
    lib.setFile(parseFile(uriFor('notes/lin2022truthfulqa.md'), 'notes/lin2022truthfulqa.md', 'note', '---\ncitekey: lin2022truthfulqa\ntitle: Changed Title\n---\n').entry);
    assert.strictEqual(lib.get('lin2022truthfulqa')!.title, 'TruthfulQA — Measuring How Models Mimic Human Falsehoods', 'not visible before rebuild');
    lib.rebuild();
    assert.strictEqual(lib.get('lin2022truthfulqa')!.title, 'Changed Title');
    assert.strictEqual(lib.papers().length, before);
    assert.strictEqual(lib.get('kasa')!.key, kasaKey);
    lib.removeFile(uriFor('notes/lin2022truthfulqa.md'));
    lib.rebuild();
    assert.strictEqual(lib.get('lin2022truthfulqa'), undefined);
    assert.strictEqual(lib.papers().length, before - 1);
  });
});
