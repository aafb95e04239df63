import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';
import { eventually } from '../support/eventually';

const FIXTURE_LIBRARY = path.resolve(__dirname, '../../../test/fixtures/library');

export function copyLibrary(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-server-'));
  fs.cpSync(FIXTURE_LIBRARY, dir, { recursive: true });
  return dir;
}

interface Hover { contents: { kind: string; value: string } }
interface Location { uri: string; range: { start: { line: number; character: number } } }
interface CompletionList { isIncomplete: boolean; items: { label: string; detail?: string }[] }

describe('language server over stdio (as an editor drives it)', function () {
  this.timeout(30000);
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;
  const draft = () => uri('drafts/new-draft.md');

  before(async () => {
    dir = copyLibrary();
    client = new LspClient();
    const init = (await client.initialize(dir)) as { capabilities: Record<string, unknown> };
    assert.ok(init.capabilities.completionProvider);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the example library and reports progress', () => {
    const ready = client.statuses.find((s) => s.state === 'ready')!;
    assert.deepStrictEqual({ papers: ready.papers, notes: ready.notes, digests: ready.digests }, { papers: 96, notes: 6, digests: 3 });
    const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.strictEqual(kinds[0], 'begin');
    assert.strictEqual(kinds[kinds.length - 1], 'end');
  });

  it('completion after [@ in an opened draft', async () => {
    await client.open(draft(), 'markdown', 'Intro [@kas\n');
    const list = await client.request<CompletionList>('textDocument/completion', client.at(draft(), 0, 11));
    assert.strictEqual(list.items[0].label, 'jiang2024kasa');
    assert.match(list.items[0].detail!, /^KaSA/);
    const resolved = await client.request<{ documentation: { value: string } }>('completionItem/resolve', list.items[0]);
    assert.match(resolved.documentation.value, /The increasing sizes of large language models/);
    const none = await client.request<CompletionList | null>('textDocument/completion', client.at(draft(), 0, 3));
    assert.strictEqual(none, null);
  });

  it('hover shows the abstract', async () => {
    await client.change(draft(), 'See [@compacter] and [@nola].\n', 2);
    const hover = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 8));
    assert.match(hover.contents.value, /^\*\*Compacter: Efficient Low-Rank Hypercomplex Adapter Layers\*\*/);
    assert.match(hover.contents.value, /Adapting large-scale pretrained language models/);
  });

  it('definition lands on the digest title line, and on the note key', async () => {
    const def = await client.request<Location>('textDocument/definition', client.at(draft(), 0, 8));
    assert.strictEqual(def.uri, uri('digests/daily-papers-sep-8.txt'));
    assert.strictEqual(def.range.start.line, 36);
    const related = uri('drafts/related-work.md');
    await client.open(related, 'markdown', fs.readFileSync(path.join(dir, 'drafts/related-work.md'), 'utf8'));
    const noteDef = await client.request<Location>('textDocument/definition', client.at(related, 7, 10));
    assert.strictEqual(noteDef.uri, uri('notes/jiang2024kasa.md'));
  });

  it('references find citations in open and on-disk documents', async () => {
    const refs = await client.request<Location[]>('textDocument/references', { ...client.at(draft(), 0, 24), context: { includeDeclaration: false } });
    const where = refs.map((r) => path.relative(dir, new URL(r.uri).pathname)).sort();
    assert.deepStrictEqual(where, ['drafts/new-draft.md', 'drafts/related-work.md', 'notes/jiang2024kasa.md']);
  });

  it('publishes unknown-key diagnostics for open documents', async () => {
    await client.change(draft(), 'See [@compacter] and [@nolla].\n', 3);
    const diags = await client.waitFor(() => client.diagnostics.get(draft())?.find((d) => d.code === 'unknown-key'), 5000, 'diagnostic');
    assert.strictEqual(diags.message, 'Unknown citation key "nolla". Did you mean "nola"?');
    const actions = await client.request<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri: draft() }, range: diags.range, context: { diagnostics: [diags] } });
    assert.ok(actions.some((a) => a.title === 'Replace with "nola"'));
  });

  it('rename edits the note and every citation', async () => {
    const prep = await client.request<{ placeholder: string }>('textDocument/prepareRename', client.at(uri('drafts/related-work.md'), 8, 32));
    assert.strictEqual(prep.placeholder, 'lin2022truthfulqa');
    const edit = await client.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', { ...client.at(uri('drafts/related-work.md'), 8, 32), newName: 'lin2022truthful' });
    const files = Object.keys(edit.changes).map((u) => path.relative(dir, new URL(u).pathname)).sort();
    assert.deepStrictEqual(files, ['drafts/related-work.md', 'notes/kalai2024hallucinate.md', 'notes/lin2022truthfulqa.md']);
    await assert.rejects(client.request('textDocument/prepareRename', client.at(draft(), 0, 8)), /derived from a digest title/);
  });

  it('a note saved on disk shows in the hover at once', async () => {
    const note = path.join(dir, 'notes/konig2020common.md');
    fs.writeFileSync(note, fs.readFileSync(note, 'utf8').replace('Accelerating MPC by Online Detection of Common Structures', 'A Changed Title'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(note).href, type: 2 }] });
    await client.change(draft(), 'See [@konig2020common].\n', 4);
    await eventually(async () => {
      const h = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 10));
      assert.match(h.contents.value, /^\*\*A Changed Title\*\*/);
    });
  });

  it('a created note and a deleted digest are picked up', async () => {
    fs.writeFileSync(path.join(dir, 'notes/new2025paper.md'), '---\ncitekey: new2025paper\ntitle: A Brand New Paper\n---\n');
    fs.rmSync(path.join(dir, 'digests/hf-2025-09-10.json'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [
      { uri: uri('notes/new2025paper.md'), type: 1 },
      { uri: uri('digests/hf-2025-09-10.json'), type: 3 },
    ] });
    await client.change(draft(), '[@new2025paper] [@mixture-experts-routing]\n', 5);
    await eventually(async () => {
      const h = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 4));
      assert.match(h.contents.value, /A Brand New Paper/);
      const gone = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 20));
      assert.match(gone.contents.value, /Unknown citation key/);
    });
  });

  it('unsaved editor text of a note overrides the disk', async () => {
    const note = uri('notes/lin2022truthfulqa.md');
    await client.open(note, 'markdown', '---\ncitekey: lin2022truthfulqa\ntitle: Edited In The Editor\n---\n');
    await client.change(draft(), '[@lin2022truthfulqa]\n', 6);
    await eventually(async () => {
      const hover = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 5));
      assert.match(hover.contents.value, /Edited In The Editor/);
    });
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: note } });
    await eventually(async () => {
      const after = await client.request<Hover>('textDocument/hover', client.at(draft(), 0, 5));
      assert.match(after.contents.value, /TruthfulQA — Measuring/, 'closing without saving goes back to the disk text');
    });
  });
});

/** A server on a copy of the example library with what `prepare` adds (and the editor's `settings`), for one describe block. */
export function serverOnLibrary(prepare: (dir: string) => void, settings: Record<string, unknown> | null = null): { client: () => LspClient; uri: (rel: string) => string; dir: () => string } {
  let dir = '';
  let client: LspClient;
  before(async () => {
    dir = copyLibrary();
    prepare(dir);
    client = new LspClient(settings);
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { client: () => client, uri: (rel) => pathToFileURL(path.join(dir, rel)).href, dir: () => dir };
}

describe('Org drafts (as Emacs and Neovim edit them)', function () {
  this.timeout(30000);
  const server = serverOnLibrary((dir) => {
    fs.writeFileSync(path.join(dir, 'drafts/on-disk.org'), '* Notes\nSee [cite:@compacter] and citep:&nola.\n');
    fs.mkdirSync(path.join(dir, 'roam'));
    fs.copyFileSync(path.resolve(__dirname, '../../../test/fixtures/org/vaswani2017attention.org'), path.join(dir, 'roam/vaswani.org'));
  });
  const uri = (rel: string) => server.uri(rel);

  it('org-cite and org-ref citations hover, complete, go to their paper, are found on disk and warned about when unknown', async () => {
    // Opened as a plain-text file (an editor without an Org mode): the extension says it is Org.
    const draft = uri('drafts/new.org');
    await server.client().open(draft, 'plaintext', 'As [cite/t:@compacter; @nolla p. 3] and cite:&kas\n');
    const hover = await server.client().request<Hover>('textDocument/hover', server.client().at(draft, 0, 15));
    assert.match(hover.contents.value, /^\*\*Compacter: Efficient Low-Rank Hypercomplex Adapter Layers\*\*/);
    const def = await server.client().request<Location>('textDocument/definition', server.client().at(draft, 0, 15));
    assert.strictEqual(def.uri, uri('digests/daily-papers-sep-8.txt'));
    const unknown = await server.client().waitFor(() => server.client().diagnostics.get(draft)?.find((d) => d.code === 'unknown-key'), 5000, 'diagnostic');
    assert.strictEqual(unknown.message, 'Unknown citation key "nolla". Did you mean "nola"?');
    const list = await server.client().request<CompletionList>('textDocument/completion', server.client().at(draft, 0, 50));
    assert.strictEqual(list.items[0].label, 'jiang2024kasa');
    const refs = await server.client().request<Location[]>('textDocument/references', { ...server.client().at(draft, 0, 15), context: { includeDeclaration: false } });
    assert.ok(refs.some((r) => r.uri === uri('drafts/on-disk.org') && r.range.start.line === 1), 'the citation in the Org file on disk');
  });

  it('an org-roam literature note is the paper of its ROAM_REFS key: hover shows it, definition goes to the key', async () => {
    const draft = uri('drafts/cites-roam.md');
    await server.client().open(draft, 'markdown', 'See [@vaswani2017attention].\n');
    const hover = await server.client().request<Hover>('textDocument/hover', server.client().at(draft, 0, 8));
    assert.match(hover.contents.value, /^\*\*Attention Is All You Need\*\*/);
    assert.match(hover.contents.value, /Ashish Vaswani/);
    assert.match(hover.contents.value, /The Transformer replaces recurrence with attention/);
    const def = await server.client().request<Location>('textDocument/definition', server.client().at(draft, 0, 8));
    assert.deepStrictEqual([def.uri, def.range.start.line, def.range.start.character], [uri('roam/vaswani.org'), 2, 13]);
    // Rename edits the key in ROAM_REFS and every citation, an Org draft's among them.
    await server.client().open(uri('drafts/cites-roam.org'), 'org', 'As [cite:@vaswani2017attention] shows.\n');
    type Edits = { changes: Record<string, { range: { start: { line: number; character: number }; end: { character: number } }; newText: string }[]> };
    const edit = await server.client().request<Edits>('textDocument/rename', { ...server.client().at(draft, 0, 8), newName: 'vaswani2017' });
    assert.deepStrictEqual(Object.keys(edit.changes).sort(), [uri('drafts/cites-roam.md'), uri('drafts/cites-roam.org'), uri('roam/vaswani.org')].sort());
    assert.deepStrictEqual(edit.changes[uri('roam/vaswani.org')].map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]), [[2, 13, 33, 'vaswani2017']]);
    assert.deepStrictEqual(edit.changes[uri('drafts/cites-roam.org')].map((e) => [e.range.start.character, e.newText]), [[10, 'vaswani2017']]);
  });
});

describe('a Daily Papers page saved as HTML', function () {
  this.timeout(30000);
  const server = serverOnLibrary((dir) => {
    fs.copyFileSync(path.resolve(__dirname, '../../../test/fixtures/digests-html/daily-papers-2025-09-08.html'), path.join(dir, 'digests/sep-8.html'));
    fs.copyFileSync(path.resolve(__dirname, '../../../test/fixtures/digests-html/arxiv-cs-cl-new.html'), path.join(dir, 'digests/cs-cl-new.html'));
  });
  const uri = (rel: string) => server.uri(rel);

  it('its papers complete and hover, escaped; definition goes to the title on the page', async () => {
    const draft = uri('drafts/html.md');
    await server.client().open(draft, 'markdown', '[@rerank\n');
    const list = await server.client().request<CompletionList>('textDocument/completion', server.client().at(draft, 0, 8));
    const item = list.items.find((i) => /^Retrieval & Reranking/.test(i.detail ?? ''));
    assert.ok(item, JSON.stringify(list.items.map((i) => i.detail)));
    await server.client().change(draft, `See [@${item.label}].\n`, 2);
    const hover = await server.client().request<Hover>('textDocument/hover', server.client().at(draft, 0, 8));
    assert.match(hover.contents.value, /^\*\*Retrieval & Reranking: \\<Fast\\> "Dense" Search\*\*/);
    assert.match(hover.contents.value, /We study dense retrieval with a reranker/);
    const def = await server.client().request<Location>('textDocument/definition', server.client().at(draft, 0, 8));
    assert.strictEqual(def.uri, uri('digests/sep-8.html'));
    const page = fs.readFileSync(path.join(server.dir(), 'digests/sep-8.html'), 'utf8').split('\n');
    assert.match(page[def.range.start.line], /<article/);
    // The page's hostile title and abstract reach a hover only escaped.
    await server.client().change(draft, '[@unsafe\n', 3);
    const unsafe = (await server.client().request<CompletionList>('textDocument/completion', server.client().at(draft, 0, 8))).items.find((i) => /Unsafe Titles/.test(i.detail ?? ''));
    assert.ok(unsafe);
    await server.client().change(draft, `See [@${unsafe.label}].\n`, 4);
    const text = (await server.client().request<Hover>('textDocument/hover', server.client().at(draft, 0, 8))).contents.value;
    assert.match(text, /\\<img src=x onerror=alert\(1\)\\>/);
    assert.doesNotMatch(text, /(^|[^\\])<(img|script)/);
  });

  it('an arXiv listing saved as HTML: its papers complete by title words and hover with their abstracts', async () => {
    const draft = uri('drafts/arxiv.md');
    await server.client().open(draft, 'markdown', '[@curriculum\n');
    const item = (await server.client().request<CompletionList>('textDocument/completion', server.client().at(draft, 0, 12))).items.find((i) => /^Curriculum Data Selection for Pretraining/.test(i.detail ?? ''));
    assert.ok(item);
    await server.client().change(draft, `See [@${item.label}].\n`, 2);
    const hover = await server.client().request<Hover>('textDocument/hover', server.client().at(draft, 0, 8));
    assert.match(hover.contents.value, /Lovelace Ada · 2026 · digest 2026-03-19/);
    assert.match(hover.contents.value, /A curriculum over pretraining data\./);
    assert.match(hover.contents.value, /arXiv:2603\\.16001/);
  });
});

describe('the server\'s native memory helper (Linux)', function () {
  this.timeout(60000);
  /** Whether the server process has dist/nativeMemory.node loaded (its mappings). */
  const helperLoaded = (c: LspClient) => fs.readFileSync(`/proc/${c.proc.pid}/maps`, 'utf8').includes(`${path.sep}nativeMemory.node`);

  for (const off of [false, true]) {
    it(off ? 'is not loaded with LITNOTES_RUNTIME_OFF=trim' : 'is loaded by the bundled server once a scan and the full text are done, to give malloc\'s free memory back', async function () {
      if (process.platform !== 'linux') this.skip();
      const dir = copyLibrary();
      const before = process.env.LITNOTES_RUNTIME_OFF;
      if (off) process.env.LITNOTES_RUNTIME_OFF = 'trim';
      const c = new LspClient();
      if (off) { if (before === undefined) delete process.env.LITNOTES_RUNTIME_OFF; else process.env.LITNOTES_RUNTIME_OFF = before; }
      try {
        await c.initialize(dir);
        await c.fullTextReady();
        if (off) {
          await new Promise((resolve) => setTimeout(resolve, 1500)); // past the first trim's moment
          assert.ok(!helperLoaded(c));
        } else {
          await eventually(async () => assert.ok(helperLoaded(c), 'dist/nativeMemory.node mapped in the server process'), 10000);
        }
      } finally {
        await c.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
