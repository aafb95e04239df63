import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient, SERVER } from '../support/lspClient';
import { SERVER_NODE_FLAGS } from '../../server/src/runtime/launchFlags';
import { assertInertMarkdown } from '../unit/helpers';
import { copyLibrary } from './server.test';

interface Hover { contents: { value: string } }
interface PaperSummary { key: string; title: string; hasNote: boolean }

/** How long a request takes, and its answer. */
async function timed<T>(request: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await request();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/**
 * The defects a hostile corpus found (#32), each driven through the real server over stdio: a
 * damaged cache entry, symbolic links on file events, markup in file names and keys, inputs that
 * were quadratic, a huge front matter, and bad framing.
 */
describe('hostile input over stdio', function () {
  this.timeout(120000);
  const cleanup: string[] = [];
  const clients: LspClient[] = [];
  const tempDir = (prefix: string) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); cleanup.push(d); return d; };
  const library = () => { const d = copyLibrary(); cleanup.push(d); return d; };
  const start = async (dir: string, settings: Record<string, unknown> | null = null, opts: { cacheDir?: string } = {}) => {
    const client = new LspClient(settings);
    clients.push(client);
    await client.initialize(dir, opts);
    return client;
  };
  const uri = (dir: string, rel: string) => pathToFileURL(path.join(dir, rel)).href;
  after(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a parse-cache entry with changed bytes ("key" to "keY") is parsed again: a restart serves every note', async () => {
    const dir = library();
    const cacheDir = tempDir('litnotes-hostile-cache-');
    const first = await start(dir, null, { cacheDir });
    await first.fullTextReady();
    const before = (await first.request<{ papers: PaperSummary[] }>('litnotes/list', {})).papers;
    await first.stop(); // shutdown waits for the parse workers to write the cache
    const parsed = path.join(cacheDir, 'parsed');
    let flipped = 0;
    for (const name of fs.readdirSync(parsed)) {
      const text = fs.readFileSync(path.join(parsed, name), 'utf8');
      if (!text.includes('"key":')) continue;
      fs.writeFileSync(path.join(parsed, name), text.replace('"key":', '"keY":'));
      flipped++;
    }
    const notes = before.filter((p) => p.hasNote);
    assert.ok(flipped >= notes.length && notes.length >= 6, `flipped ${flipped} entries, ${notes.length} notes`);

    const second = await start(dir, null, { cacheDir });
    const after = (await second.request<{ papers: PaperSummary[] }>('litnotes/list', {})).papers;
    assert.deepStrictEqual(after, before, 'every paper, under its own key');
    await second.open(uri(dir, 'drafts/cite.md'), 'markdown', notes.map((p) => `[@${p.key}]`).join(' '));
    let at = 0;
    for (const p of notes) {
      const h = await second.request<Hover>('textDocument/hover', second.at(uri(dir, 'drafts/cite.md'), 0, at + 3));
      assert.doesNotMatch(h.contents.value, /Unknown citation key/, p.key);
      at += p.key.length + 4;
    }
    const damaged = second.logs.filter((l) => /its cached parse was unusable \(damaged: its checksum does not match\), so it was parsed again/.test(l));
    assert.strictEqual(damaged.length, flipped, second.logs.join('\n'));
  });

  it('a file event for a symbolic link, or a file under one, that leads outside the workspace reads nothing through it', async () => {
    const dir = library();
    const outside = tempDir('litnotes-hostile-outside-');
    fs.writeFileSync(path.join(outside, 'secret.md'), '---\ncitekey: secret2024\ntitle: Outside The Workspace\n---\nTOPSECRETBODY\n');
    const client = await start(dir);
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(dir, 'notes/secret-link.md'));
    fs.symlinkSync(outside, path.join(dir, 'notes/outside-folder'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uri(dir, 'notes/secret-link.md'), type: 1 },
        { uri: uri(dir, 'notes/outside-folder'), type: 1 },
        { uri: uri(dir, 'notes/outside-folder/secret.md'), type: 2 },
      ],
    });
    const refused = await client.waitFor(() => {
      const lines = client.logs.filter((l) => l.includes('leads outside the workspace folders'));
      return lines.length >= 3 && lines;
    }, 10000, 'three refusals');
    assert.deepStrictEqual(refused.map((l) => l.split(':')[0]).sort(), ['notes/outside-folder/secret.md', 'notes/outside-folder/secret.md', 'notes/secret-link.md']);
    assert.strictEqual(await client.request('litnotes/paper', { key: 'secret2024' }), null);
    await client.fullTextReady();
    const found = await client.request<{ results: unknown[] }>('litnotes/search', { query: 'topsecretbody' });
    assert.deepStrictEqual(found.results, []);
  });

  it('file names and keys with blank lines, markup and bidi controls hover as literal text', async () => {
    const dir = library();
    // On Linux a file name may hold line breaks and markup (not a slash).
    const name = 'notes/evil\u202E\n\n[x](command:workbench.action.quit) <img src=x onerror=alert(1)>.md';
    fs.writeFileSync(path.join(dir, name), '---\ncitekey: "evil2024\\n\\n[y](command:workbench.action.quit) <img src=x onerror=alert(2)>"\ntitle: "Compacter: Efficient Low-Rank Hypercomplex Adapter Layers"\n---\n');
    const client = await start(dir);
    await client.open(uri(dir, 'drafts/h.md'), 'markdown', 'As in [@compacter].');
    const h = await client.request<Hover>('textDocument/hover', client.at(uri(dir, 'drafts/h.md'), 0, 10));
    const v = h.contents.value;
    assert.match(v, /alias of evil2024 \\\[y\\\]\(command:/, 'the key, escaped, on one line');
    assert.match(v, /note notes\/evil \\\[x\\\]\(command:/, 'the file name, escaped, on one line');
    assertInertMarkdown(v, 5); // title, byline, abstract, links, where it is
    assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(v), 'no bidi control');
  });

  describe('inputs that were quadratic are answered or scanned within a second', () => {
    let dir: string;
    let client: LspClient;
    before(async () => {
      dir = library();
      client = await start(dir);
    });

    for (const n of [40_000, 80_000, 5_000_000]) {
      it(`hover and completion on a markdown line of ${n.toLocaleString('en')} "["`, async () => {
        const doc = uri(dir, `drafts/brackets-${n}.md`);
        await client.open(doc, 'markdown', `${'['.repeat(n)}\n`);
        const hover = await timed(() => client.request('textDocument/hover', client.at(doc, 0, n / 2)));
        const completion = await timed(() => client.request('textDocument/completion', client.at(doc, 0, n)));
        assert.ok(hover.ms < 1000 && completion.ms < 1000, `hover ${hover.ms.toFixed(0)} ms, completion ${completion.ms.toFixed(0)} ms`);
        const after = await client.request<Hover>('textDocument/hover', client.at(uri(dir, 'drafts/related-work.md'), 0, 0)).catch(() => null);
        assert.ok(after === null || typeof after === 'object', 'the server answers what comes next');
      });
    }

    it('litnotes/search for aaaaaaaaaa~10, and the searches after it', async () => {
      await client.fullTextReady();
      const fuzzy = await timed(() => client.request<{ error?: string }>('litnotes/search', { query: 'aaaaaaaaaa~10' }));
      const next = await timed(() => client.request<{ results: { key: string }[] }>('litnotes/search', { query: 'reward models' }));
      assert.ok(fuzzy.ms < 1000 && next.ms < 1000, `${fuzzy.ms.toFixed(0)} ms, then ${next.ms.toFixed(0)} ms`);
      assert.ok(next.value.results.length > 0);
    });
  });

  /** The scan's time for a workspace of one file, and whether a note beside it was indexed. */
  async function scanOf(rel: string, content: string): Promise<number> {
    const dir = tempDir('litnotes-hostile-scan-');
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
    fs.mkdirSync(path.join(dir, 'notes'));
    fs.writeFileSync(path.join(dir, 'notes/zz-after.md'), '---\ncitekey: after2024\ntitle: Read After It\n---\n');
    const client = await start(dir);
    const ready = client.statuses.find((s) => s.state === 'ready')!;
    assert.ok(await client.request('litnotes/paper', { key: 'after2024' }), 'the file after it was indexed');
    await client.stop();
    return ready.scanMs!;
  }

  it('a .tex line of 1 MB of unbalanced \\cite{a\\cite{a… scans as fast as a balanced one', async () => {
    const unbalanced = await scanOf('drafts/bad.tex', `${'\\cite{a'.repeat(1024 * 1024 / 7)}\n`);
    const balanced = await scanOf('drafts/bad.tex', `${'\\cite{a} '.repeat(1024 * 1024 / 9)}\n`);
    assert.ok(unbalanced < 1000 && unbalanced < 2 * balanced + 500, `unbalanced ${unbalanced} ms, balanced ${balanced} ms`);
  });

  it('a Daily Papers JSON of 8.6 MB written with \\u escapes scans about as fast as one without', async () => {
    const entries = Array.from({ length: 5900 }, (_, i) => ({
      paper: { id: `2409.${String(10000 + i)}`, title: `Ü${i}`, summary: `Äbstract ${i}: ${'wörds and more wörds '.repeat(40)}`, authors: [{ name: 'Ädam Smïth' }] },
      publishedAt: '2024-09-08T00:00:00.000Z',
    }));
    const plain = JSON.stringify(entries, null, 1);
    const escaped = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.ok(escaped.length > 8.5e6 && escaped.length < 10e6, `${escaped.length} bytes`);
    const slow = await scanOf('digests/py.json', escaped);
    const fast = await scanOf('digests/py.json', plain);
    assert.ok(slow < 2 * fast + 1000, `escaped ${slow} ms, plain ${fast} ms`);
  });

  it('a note with 30 MB of front matter hovers in at most 16 KB', async () => {
    const dir = library();
    const huge = 'word '.repeat(6 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, 'notes/huge.md'), `---\ncitekey: huge2024\ntitle: "${huge}"\nabstract: "${huge}"\n---\n`);
    const client = await start(dir, { maxFileSizeMB: 64 });
    await client.open(uri(dir, 'drafts/h.md'), 'markdown', '[@huge2024]');
    const h = await client.request<Hover>('textDocument/hover', client.at(uri(dir, 'drafts/h.md'), 0, 4));
    assert.match(h.contents.value, /^\*\*word word/);
    assert.ok(Buffer.byteLength(JSON.stringify(h)) <= 16 * 1024, `${Buffer.byteLength(JSON.stringify(h))} bytes`);
    const list = await client.request<{ items: { label: string; data?: unknown }[] }>('textDocument/completion', client.at(uri(dir, 'drafts/h.md'), 0, 6));
    const item = list.items.find((i) => i.label === 'huge2024')!;
    assert.ok(Buffer.byteLength(JSON.stringify(item)) <= 16 * 1024);
    const resolved = await client.request('completionItem/resolve', item);
    assert.ok(Buffer.byteLength(JSON.stringify(resolved)) <= 16 * 1024);
    const paper = await client.request('litnotes/paper', { key: 'huge2024' });
    assert.ok(Buffer.byteLength(JSON.stringify(paper)) <= 64 * 1024, 'the reader gets at most tens of kilobytes');
  });

  for (const [what, bytes] of [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
    ['a Content-Length shorter than its body', 'Content-Length: 5\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"shutdown"}'],
    ['no header at all', '{"jsonrpc":"2.0","id":1,"method":"shutdown"}\r\n'],
  ]) {
    it(`${what} ends the server, with a line saying why`, async () => {
      const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (d) => (stderr += d));
      proc.stdin.write(bytes); // and stdin stays open: before, the server waited on it, deaf
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => { proc.kill(); resolve(null); }, 10000);
        proc.on('exit', (c) => { clearTimeout(timer); resolve(c); });
      });
      assert.strictEqual(code, 1, 'exited with an error');
      assert.match(stderr, /no longer framed as LSP's base protocol requires/);
    });
  }
});
