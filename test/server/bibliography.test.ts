import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';
import { copyLibrary, serverOnLibrary } from './server.test';
import { eventually } from '../support/eventually';

interface Hover { contents: { value: string } }
interface Location { uri: string; range: { start: { line: number; character: number } } }
interface CompletionList { items: { label: string }[] }

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');

/** A draft whose front matter names bibliography files, driven over stdio as an editor drives it. */
describe('bibliographies over stdio', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const draft = () => uri('drafts/with-bib.md');
  const draftText = '---\nbibliography: [../refs/zotero.bib, ../refs/my-refs.json, ../refs/exported.json]\n---\n\nSee [@knuthArtComputerProgramming1997] and [@vaswaniAttentionAllYou2017].\n';

  before(async () => {
    dir = copyLibrary();
    fs.mkdirSync(path.join(dir, 'refs'));
    fs.copyFileSync(path.join(FIXTURES, 'bibliographies/zotero-bbt.bib'), path.join(dir, 'refs/zotero.bib'));
    // No glob matches this name: it is read because the draft names it.
    fs.copyFileSync(path.join(FIXTURES, 'bibliographies/zotero.csl.json'), path.join(dir, 'refs/my-refs.json'));
    fs.writeFileSync(path.join(dir, 'drafts/with-bib.md'), draftText);
    client = new LspClient({ export: { onSave: 'csl-json' } });
    await client.initialize(dir);
    await client.open(draft(), 'markdown', draftText);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the .bib and the CSL JSON the draft names; completion offers their keys', async () => {
    const ready = client.statuses.find((s) => s.state === 'ready') as unknown as { bibliographies: number; bibliographyEntries: number };
    assert.deepStrictEqual([ready.bibliographies, ready.bibliographyEntries], [2, 11]);
    await client.change(draft(), `${draftText}And [@vaswani`, 2);
    const list = await client.request<CompletionList>('textDocument/completion', client.at(draft(), 5, 13));
    assert.strictEqual(list.items[0].label, 'vaswaniAttentionAllYou2017');
    await client.change(draft(), draftText, 3);
  });

  it('a paper the library knows but the draft\'s bibliography lacks gets a warning (pandoc would not find it), with the key the bibliography has it under as a fix', async () => {
    const lacking = uri('drafts/lacking.md');
    const text = '---\nbibliography: ../refs/zotero.bib\n---\nSee [@knuthArtComputerProgramming1997], [@kasa], [@nola], [@nosuchkey2099] and [[lin2022truthfulqa]].\n';
    await client.open(lacking, 'markdown', text);
    const found = await client.waitFor(() => { const d = client.diagnostics.get(lacking)?.filter((x) => x.code === 'not-in-bibliography'); return d?.length ? d : undefined; }, 5000, 'not-in-bibliography diagnostics');
    assert.deepStrictEqual(found.map((d) => (d.data as { key: string }).key), ['kasa', 'nola'], 'known keys the .bib lacks; not its own key, an unknown key or a wikilink');
    const [kasa, nola] = found;
    assert.match(kasa.message, /^"kasa" is not in \.\.\/refs\/zotero\.bib, which this draft names; its paper is, as "wangKaSAKnowledgeAwareSingularValue2024"/);
    assert.match(nola.message, /^"nola" is in the library but not in \.\.\/refs\/zotero\.bib, which this draft names: pandoc and LaTeX will not find it/);
    const actions = await client.request<{ title: string; edit?: { changes: Record<string, { newText: string }[]> }; command?: unknown }[]>('textDocument/codeAction', { textDocument: { uri: lacking }, range: kasa.range, context: { diagnostics: [kasa] } });
    const cite = actions.find((a) => a.title.startsWith('Cite as "wangKaSAKnowledgeAwareSingularValue2024"'));
    assert.deepStrictEqual(cite?.edit?.changes[lacking].map((e) => e.newText), ['wangKaSAKnowledgeAwareSingularValue2024']);
    const other = await client.request<{ title: string; command?: unknown }[]>('textDocument/codeAction', { textDocument: { uri: lacking }, range: nola.range, context: { diagnostics: [nola] } });
    assert.ok(!other.some((a) => a.command), 'another editor is offered no command it does not have');
    // The Cited in Draft view, in the text's order, says which papers the bibliography lacks (a wikilink is a link, not a citation).
    type Cited = { papers: { key: string; notIn?: string }[] };
    const cited = await client.request<Cited>('litnotes/draftCitations', { uri: lacking });
    assert.deepStrictEqual(cited.papers.map((p) => [p.key, p.notIn]), [['knuthArtComputerProgramming1997', undefined], ['jiang2024kasa', '../refs/zotero.bib'], ['nola', '../refs/zotero.bib'], ['nosuchkey2099', undefined], ['lin2022truthfulqa', undefined]]);
    // Completion there inserts the key the bibliography has the paper under.
    await client.change(lacking, `${text}And [@kasa`, 2);
    const list = await client.request<CompletionList>('textDocument/completion', client.at(lacking, 4, 10));
    assert.strictEqual(list.items[0].label, 'wangKaSAKnowledgeAwareSingularValue2024');
    // Cited under the key the bibliography has: nothing to say.
    await client.change(lacking, text.replace('[@kasa]', '[@wangKaSAKnowledgeAwareSingularValue2024]').replace(', [@nola]', ''), 3);
    await eventually(async () => assert.deepStrictEqual(client.diagnostics.get(lacking)?.filter((x) => x.code === 'not-in-bibliography'), []));
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: lacking } });
  });

  it('a wikilink to a paper in a draft has an action citing it as [@key]; one in a note has none', async () => {
    const wiki = uri('drafts/wiki.md');
    await client.open(wiki, 'markdown', 'See [[compacter]] and [[lin2022truthfulqa|TruthfulQA]].\n');
    type Action = { title: string; edit?: { changes: Record<string, { newText: string }[]> } };
    const actions = await client.request<Action[]>('textDocument/codeAction', { textDocument: { uri: wiki }, range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } }, context: { diagnostics: [] } });
    const cite = actions.filter((a) => a.title.startsWith('Cite '));
    assert.deepStrictEqual(cite.map((a) => a.edit?.changes[wiki].map((e) => e.newText)), [['[@compacter]'], ['[@compacter]', 'TruthfulQA [@lin2022truthfulqa]']]);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: wiki } });
    const note = uri('notes/wikinote.md');
    await client.open(note, 'markdown', '---\ncitekey: wikinote2024\ntitle: A Note Linking\n---\nSee [[compacter]].\n');
    const inNote = await client.request<Action[]>('textDocument/codeAction', { textDocument: { uri: note }, range: { start: { line: 4, character: 8 }, end: { line: 4, character: 8 } }, context: { diagnostics: [] } });
    assert.deepStrictEqual(inNote.filter((a) => a.title.startsWith('Cite ')), [], 'a note links papers; it is not rendered with a bibliography');
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: note } });
  });

  it('hover shows the entry and where it is; definition lands on its key in the .bib; references find its citations', async () => {
    const h = await client.request<Hover>('textDocument/hover', client.at(draft(), 4, 10));
    assert.match(h.contents.value, /^\*\*The Art of Computer Programming, Volume 1: Fundamental Algorithms\*\*/);
    assert.match(h.contents.value, /Donald E\. Knuth · 1997/);
    assert.match(h.contents.value, /bibliography refs\/zotero\.bib line 81/);
    const def = await client.request<Location>('textDocument/definition', client.at(draft(), 4, 10));
    assert.deepStrictEqual([def.uri, def.range.start.line, def.range.start.character], [uri('refs/zotero.bib'), 80, 6]);
    const refs = await client.request<Location[]>('textDocument/references', { ...client.at(draft(), 4, 10), context: { includeDeclaration: false } });
    assert.deepStrictEqual(refs.map((r) => [r.uri, r.range.start.line]), [[draft(), 4]]);
  });

  it('a note key and the .bib key of one paper: the note key is primary, the other an alias', async () => {
    const p = await client.request<{ key: string; aliases: string[]; entries: { uri: string }[] }>('litnotes/paper', { key: 'linTruthfulQAMeasuringHow2022' });
    assert.strictEqual(p.key, 'lin2022truthfulqa');
    assert.ok(p.aliases.includes('linTruthfulQAMeasuringHow2022'));
    assert.deepStrictEqual(p.entries.map((e) => e.uri), [uri('refs/zotero.bib')]);
  });

  it('rename is refused for a key the reference manager owns, saying so', async () => {
    await assert.rejects(client.request('textDocument/prepareRename', client.at(draft(), 4, 10)), /a bibliography your reference manager writes/);
  });

  it('export: the request gives the cited entries; on save, a file Export Bibliography wrote is rewritten, any other never', async () => {
    const r = await client.request<{ text: string; count: number; unresolved: string[] }>('litnotes/exportBibliography', { uri: draft(), format: 'csl-json' });
    assert.deepStrictEqual(JSON.parse(r.text).map((i: { id: string }) => i.id), ['knuthArtComputerProgramming1997', 'vaswaniAttentionAllYou2017']);
    fs.writeFileSync(path.join(dir, 'refs/exported.json'), r.text);
    const before = fs.readFileSync(path.join(dir, 'refs/my-refs.json'), 'utf8');
    const more = draftText.replace('[@vaswaniAttentionAllYou2017]', '[@vaswaniAttentionAllYou2017; @kasa]');
    await client.change(draft(), more, 4);
    await client.conn.sendNotification('textDocument/didSave', { textDocument: { uri: draft() } });
    await eventually(async () => {
      const ids = JSON.parse(fs.readFileSync(path.join(dir, 'refs/exported.json'), 'utf8')).map((i: { id: string }) => i.id);
      assert.deepStrictEqual(ids, ['knuthArtComputerProgramming1997', 'vaswaniAttentionAllYou2017', 'kasa']);
    });
    assert.strictEqual(fs.readFileSync(path.join(dir, 'refs/my-refs.json'), 'utf8'), before, 'a file litnotes did not write');
    assert.ok(client.logs.some((l) => /refs\/my-refs\.json: not rewritten on save, litnotes did not write it/.test(l)), client.logs.join('\n'));
  });

  it('export to a file: the server writes the whole library there itself, replacing a symlink rather than writing through it', async () => {
    type Exported = { text: string; count: number; unresolved: string[]; written?: boolean; error?: string };
    const whole = await client.request<Exported>('litnotes/exportBibliography', { format: 'bibtex' });
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-export-'));
    try {
      const file = path.join(outside, 'library.bib');
      const r = await client.request<Exported>('litnotes/exportBibliography', { format: 'bibtex', target: pathToFileURL(file).href });
      assert.deepStrictEqual([r.written, r.text, r.count], [true, '', whole.count]);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), whole.text);
      // A symlink at the target: replaced by the file, the file it pointed to left as it was.
      const userFile = path.join(outside, 'mine.txt');
      fs.writeFileSync(userFile, 'mine');
      const link = path.join(outside, 'linked.json');
      fs.symlinkSync(userFile, link);
      const cited = await client.request<Exported>('litnotes/exportBibliography', { uri: draft(), format: 'csl-json', target: pathToFileURL(link).href });
      assert.strictEqual(cited.written, true);
      assert.strictEqual(fs.readFileSync(userFile, 'utf8'), 'mine');
      assert.ok(!fs.lstatSync(link).isSymbolicLink());
      assert.ok(JSON.parse(fs.readFileSync(link, 'utf8')).length >= 2);
      assert.deepStrictEqual(fs.readdirSync(outside).sort(), ['library.bib', 'linked.json', 'mine.txt'], 'no temporary file left');
      // Not a file URI, or a folder that is not there: an error, nothing written.
      assert.match((await client.request<Exported>('litnotes/exportBibliography', { format: 'bibtex', target: 'https://example.com/x.bib' })).error ?? '', /not a file URI/);
      assert.match((await client.request<Exported>('litnotes/exportBibliography', { format: 'bibtex', target: pathToFileURL(path.join(outside, 'no/such/dir/x.bib')).href })).error ?? '', /Could not write/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a CSL JSON file the draft no longer names leaves the library', async () => {
    await client.change(draft(), draftText.replace(', ../refs/my-refs.json', ''), 5);
    await eventually(async () => assert.strictEqual(await client.request('litnotes/paper', { key: 'vaswaniAttentionAllYou2017' }), null));
    assert.ok(await client.request('litnotes/paper', { key: 'knuthArtComputerProgramming1997' }), 'the .bib is matched by a glob too');
  });
});

/**
 * A reference manager's export outside the workspace (Better BibTeX's auto-export, say), named by
 * the user's own setting `litnotes.bibliographyFiles`: read, watched, and the only exception to the
 * rule that nothing outside the workspace is read.
 */
describe('bibliography files the user names, outside the workspace', function () {
  this.timeout(60000);
  let dir: string;
  let outside: string;
  let client: LspClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const entry = (key: string, title: string) => `@article{${key},\n  title = {${title}},\n  author = {Doe, Jane},\n  year = {2021}\n}\n`;

  before(async () => {
    dir = copyLibrary();
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-zotero-'));
    fs.writeFileSync(path.join(outside, 'My Library.bib'), entry('outsideKey2021', 'A Paper Kept Outside'));
    // Another file outside, which only a draft names: still not read.
    fs.writeFileSync(path.join(outside, 'other.bib'), entry('secretKey2020', 'Not For Reading'));
    client = new LspClient({ bibliographyFiles: [path.join(outside, 'My Library.bib'), 'relative/refs.bib'] });
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('its entries hover and go to their line there; a file a draft names outside the workspace is still refused', async () => {
    const draft = uri('drafts/zotero.md');
    await client.open(draft, 'markdown', `---\nbibliography: ${path.join(outside, 'other.bib')}\n---\nSee [@outsideKey2021] and [@secretKey2020].\n`);
    const h = await client.request<Hover>('textDocument/hover', client.at(draft, 3, 8));
    assert.match(h.contents.value, /^\*\*A Paper Kept Outside\*\*/);
    const def = await client.request<Location>('textDocument/definition', client.at(draft, 3, 8));
    assert.deepStrictEqual([def.uri, def.range.start.line], [pathToFileURL(path.join(outside, 'My Library.bib')).href, 0]);
    const unknown = await client.waitFor(() => client.diagnostics.get(draft)?.find((d) => d.code === 'unknown-key'), 5000, 'diagnostic');
    assert.match(unknown.message, /secretKey2020/);
    assert.ok(client.logs.some((l) => /other\.bib is outside the workspace folders; not read/.test(l)), client.logs.join('\n'));
    assert.ok(client.logs.some((l) => /litnotes\.bibliographyFiles: relative\/refs\.bib: not an absolute path/.test(l)), client.logs.join('\n'));
    // The draft says so where it names that file.
    const outsideNamed = await client.waitFor(() => client.diagnostics.get(draft)?.find((d) => d.code === 'bibliography-outside'), 5000, 'diagnostic');
    const at = (d: { range: unknown }) => d.range as Location['range'];
    assert.deepStrictEqual([at(outsideNamed).start.line, at(outsideNamed).start.character], [1, 'bibliography: '.length]);
    assert.match(outsideNamed.message, /outside the workspace folders, so litnotes does not read it: name it in litnotes\.bibliographyFiles/);
    // Its fix runs VS Code's Add Bibliography File: another editor, which has no such command, is not offered it.
    const actions = await client.request<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri: draft }, range: at(outsideNamed), context: { diagnostics: [outsideNamed] } });
    assert.ok(!actions.some((a) => a.title.startsWith('Read ')), JSON.stringify(actions.map((a) => a.title)));
  });

  it('a bibliography a draft names that does not exist gets a warning where it is named, and a fix that writes it; once written, none', async () => {
    const draft = uri('drafts/missing.md');
    await client.open(draft, 'markdown', '---\nbibliography: [refs/here.json, https://example.org/lib.json]\n---\nSee [@outsideKey2021].\n');
    const missing = await client.waitFor(() => client.diagnostics.get(draft)?.find((d) => d.code === 'bibliography-not-found'), 5000, 'diagnostic');
    const where = missing.range as Location['range'];
    assert.deepStrictEqual([where.start.line, where.start.character, missing.message], [1, 15, 'Bibliography refs/here.json not found: pandoc and Quarto will not find it either.']);
    assert.strictEqual(client.diagnostics.get(draft)!.filter((d) => /^bibliography-/.test(String(d.code))).length, 1, 'a URL is not looked for');
    // Its quick fix writes the file, with what the draft cites (the editor applies the edit: here, by hand).
    type NewFile = { documentChanges: [{ kind: string; uri: string }, { edits: [{ newText: string }] }] };
    const actions = await client.request<{ title: string; edit: NewFile }[]>('textDocument/codeAction', { textDocument: { uri: draft }, range: where, context: { diagnostics: [missing] } });
    const fix = actions.find((a) => a.title === 'Export the 1 cited paper to refs/here.json')!;
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const [create, content] = fix.edit.documentChanges;
    assert.deepStrictEqual([create.kind, create.uri], ['create', uri('drafts/refs/here.json')]);
    assert.deepStrictEqual(JSON.parse(content.edits[0].newText).map((i: { id: string }) => i.id), ['outsideKey2021']);
    fs.mkdirSync(path.join(dir, 'drafts/refs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'drafts/refs/here.json'), content.edits[0].newText);
    // The editor's watcher says a file was created; the draft is not edited.
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('drafts/refs/here.json'), type: 1 }] });
    await eventually(async () => assert.ok(!client.diagnostics.get(draft)?.some((d) => d.code === 'bibliography-not-found')));
  });

  it('is watched: the reference manager rewriting it (replacing the file) shows at once; leaving the setting drops it', async () => {
    const draft = uri('drafts/zotero.md');
    const file = path.join(outside, 'My Library.bib');
    fs.writeFileSync(`${file}.tmp`, entry('outsideKey2021', 'A Title Changed In Zotero'));
    fs.renameSync(`${file}.tmp`, file);
    await eventually(async () => {
      const h = await client.request<Hover>('textDocument/hover', client.at(draft, 3, 8));
      assert.match(h.contents.value, /A Title Changed In Zotero/);
    }, 10000);
    const statuses = client.statuses.length;
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { litnotes: { bibliographyFiles: [] } } });
    await client.ready(statuses);
    await eventually(async () => assert.strictEqual(await client.request('litnotes/paper', { key: 'outsideKey2021' }), null));
  });
});

/** A Quarto book: `_quarto.yml` names the bibliography its chapters share. */
describe('a Quarto project\'s bibliography (_quarto.yml)', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;

  before(async () => {
    dir = copyLibrary();
    fs.mkdirSync(path.join(dir, 'book/refs'), { recursive: true });
    // No glob matches these names: they are read because the project names them.
    fs.writeFileSync(path.join(dir, 'book/_quarto.yml'), 'project:\n  type: book\nbibliography:\n  - refs/book.json\n  - refs/team.json\n');
    fs.writeFileSync(path.join(dir, 'book/refs/team.json'), JSON.stringify([{ id: 'teamKey2020', type: 'article-journal', title: 'A Paper Only The Team Cites', issued: { 'date-parts': [[2020]] } }]));
    fs.writeFileSync(path.join(dir, 'book/ch1.qmd'), '# One\n\nSee [@compacter] and [@teamKey2020].\n');
    fs.writeFileSync(path.join(dir, 'book/ch2.qmd'), '# Two\n\nSee [@nola].\n');
    // LaTeX beside the chapters: Quarto's metadata is not its bibliography, so its keys are not the book's.
    fs.writeFileSync(path.join(dir, 'book/appendix.tex'), 'See \\cite{lin2022truthfulqa}.\n');
    // A part whose folder metadata names only the team's file (the reference manager's, not an export).
    fs.mkdirSync(path.join(dir, 'book/part2'));
    fs.writeFileSync(path.join(dir, 'book/part2/_metadata.yml'), 'bibliography: ../refs/team.json\n');
    fs.writeFileSync(path.join(dir, 'book/part2/ch3.qmd'), '# Three\n\nSee [@teamKey2020] and [@nola].\n');
    fs.writeFileSync(path.join(dir, 'book/part2/appendix.tex'), 'See \\cite{nola}.\n');
    client = new LspClient({ export: { onSave: 'csl-json' } });
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the files it names are read; on a chapter\'s save, the export litnotes wrote is rewritten with what every chapter cites', async () => {
    await client.open(uri('book/ch1.qmd'), 'quarto', fs.readFileSync(path.join(dir, 'book/ch1.qmd'), 'utf8'));
    const h = await client.request<Hover>('textDocument/hover', client.at(uri('book/ch1.qmd'), 2, 25));
    assert.match(h.contents.value, /A Paper Only The Team Cites/);
    const written = await client.request<{ written?: boolean }>('litnotes/exportBibliography', { uri: uri('book/ch1.qmd'), format: 'csl-json', target: uri('book/refs/book.json') });
    assert.ok(written.written);
    const team = fs.readFileSync(path.join(dir, 'book/refs/team.json'), 'utf8');
    await client.open(uri('book/ch2.qmd'), 'quarto', fs.readFileSync(path.join(dir, 'book/ch2.qmd'), 'utf8'));
    await client.conn.sendNotification('textDocument/didSave', { textDocument: { uri: uri('book/ch2.qmd') } });
    await eventually(async () => {
      const ids = JSON.parse(fs.readFileSync(path.join(dir, 'book/refs/book.json'), 'utf8')).map((i: { id: string }) => i.id).sort();
      assert.deepStrictEqual(ids, ['compacter', 'nola', 'teamKey2020']);
    });
    assert.strictEqual(fs.readFileSync(path.join(dir, 'book/refs/team.json'), 'utf8'), team, 'a file litnotes did not write');
  });

  it('a chapter that names no bibliography is checked against the one its folder\'s metadata names: a paper that file lacks is flagged, naming the metadata file', async () => {
    const ch3 = uri('book/part2/ch3.qmd');
    await client.open(ch3, 'quarto', fs.readFileSync(path.join(dir, 'book/part2/ch3.qmd'), 'utf8'));
    const found = await client.waitFor(() => { const d = client.diagnostics.get(ch3)?.filter((x) => x.code === 'not-in-bibliography'); return d?.length ? d : undefined; }, 5000, 'not-in-bibliography diagnostics');
    assert.deepStrictEqual(found.map((d) => (d.data as { key: string }).key), ['nola'], 'the team file has teamKey2020');
    assert.match(found[0].message, /^"nola" is in the library but not in \.\.\/refs\/team\.json, which book\/part2\/_metadata\.yml names: pandoc and LaTeX will not find it/);
    // LaTeX does not read Quarto's metadata: nothing is said of a .tex file beside it.
    const tex = uri('book/part2/appendix.tex');
    await client.open(tex, 'latex', fs.readFileSync(path.join(dir, 'book/part2/appendix.tex'), 'utf8'));
    const cited = await client.request<{ papers: { key: string; notIn?: string }[] }>('litnotes/draftCitations', { uri: tex });
    assert.deepStrictEqual(cited.papers.map((p) => [p.key, p.notIn]), [['nola', undefined]]);
    assert.deepStrictEqual(client.diagnostics.get(tex)?.filter((x) => x.code === 'not-in-bibliography') ?? [], []);
  });
});

/** `litnotes.diagnostics.scope: drafts`: a book's chapters checked without opening each. */
describe('citations checked in closed drafts (diagnostics.scope: drafts)', function () {
  this.timeout(60000);
  const server = serverOnLibrary((dir) => {
    fs.writeFileSync(path.join(dir, 'drafts/chapter2.md'), '# Two\n\nAs [@kasaa] and [@nola] show.\n');
    fs.writeFileSync(path.join(dir, 'CONTRIBUTING.md'), 'Thanks to @someone and @another.\n');
  }, { diagnostics: { scope: 'drafts' } });

  it('a closed draft citing the library gets its diagnostics; a file whose @words are no papers gets none; back to open documents, they go', async () => {
    const client = server.client();
    const chapter = server.uri('drafts/chapter2.md');
    const found = await client.waitFor(() => client.diagnostics.get(chapter)?.length ? client.diagnostics.get(chapter) : undefined, 10000, 'diagnostics of the closed chapter');
    assert.deepStrictEqual(found.map((d) => [d.code, (d.data as { key?: string } | undefined)?.key]), [['unknown-key', 'kasaa']]);
    assert.strictEqual(client.diagnostics.get(server.uri('CONTRIBUTING.md'))?.length ?? 0, 0, 'no paper is cited there');
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { litnotes: { diagnostics: { scope: 'open' } } } });
    await eventually(async () => assert.deepStrictEqual(client.diagnostics.get(chapter), []));
  });
});
