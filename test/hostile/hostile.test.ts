import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { assertInertMarkdown } from '../unit/helpers';
import { LspClient } from '../support/lspClient';
import { eventually } from '../support/eventually';
import { setFilesIn, setFilesOpenBy } from '../support/cacheFiles';
import { sealBytes } from '../../server/src/runtime/cacheStore';
import { assertGoodNoteThere, DRAFT, hostileRun, rows, serve, table, Workspace } from './harness';

/**
 * `npm run test:hostile`: notes, digests and drafts written to attack the server, and faults
 * (a killed server, broken caches, garbage requests). For each group: no code runs, nothing outside
 * the workspace and the storage folder changes, the server answers a hover within a second
 * throughout (the slowest answer is recorded), and the good note is not lost. The table goes to
 * .test-results/hostile.md.
 */

const MB = 1024 * 1024;
const SECOND = 1000;

function record(group: string, cases: number, worst: number, checks: string): void {
  assert.ok(worst < SECOND, `${group}: a hover took ${worst} ms`);
  rows.push({ group, cases, worstHoverMs: worst, checks });
}

/** A file's first 200 bytes (reading a 50 MB file whole here would block this process's event loop, and the probe would count that as the server's latency). */
function headOf(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(200);
    return buf.toString('utf8', 0, fs.readSync(fd, buf, 0, 200, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** Each hostile file is accounted for: a paper (under its citekey or file name), a diagnostic or a log line names it. */
async function assertAccountedFor(client: LspClient, w: Workspace, rels: string[]): Promise<void> {
  const list = await client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 });
  const keys = new Set(list.papers.map((p) => p.key));
  for (const rel of rels) {
    const uri = w.uri(rel);
    const said = client.logs.some((l) => l.includes(rel) || l.includes(path.basename(rel))) || (client.diagnostics.get(uri)?.length ?? 0) > 0;
    const head = headOf(path.join(w.ws, rel));
    const key = /citekey: (\S+)/.exec(head)?.[1] ?? path.basename(rel).replace(/\.[^.]+$/, '');
    assert.ok(said || keys.has(key), `${rel} was dropped silently`);
  }
}

describe('hostile input and faults', function () {
  this.timeout(180000);
  after(() => {
    const out = path.resolve(__dirname, '../../../.test-results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'hostile.md'), table());
    console.log(`\n${table()}`);
  });

  it('front matter that tries to run code or pollute prototypes runs nothing', async () => {
    const w = new Workspace();
    const run = `require('fs').writeFileSync(${JSON.stringify(w.marker)}, 'x')`;
    const files: Record<string, string> = {
      'notes/js.md': `---js\n{ title: (${run}, 'x') }\n---\n`,
      'notes/javascript.md': `---javascript\n{ title: (${run}, 'x') }\n---\n`,
      'notes/coffee.md': `---coffee\ntitle: do -> ${run}\n---\n`,
      'notes/bom.md': `\uFEFF---js\n{ title: (${run}, 'x') }\n---\n`,
      'notes/crlf.md': `---js\r\n{ title: (${run}, 'x') }\r\n---\r\n`,
      'notes/jsfunction.md': `---\ncitekey: jsfunction\ntitle: !!js/function "function () { ${run} }"\n---\n`,
      'notes/jsregexp.md': `---\ncitekey: jsregexp\ntitle: !!js/regexp /x/\n---\n`,
      'notes/proto.md': '---\ncitekey: proto\ntitle: Proto\n__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}\n---\n',
    };
    for (const [rel, text] of Object.entries(files)) w.write(rel, text);
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 60000);
      await assertGoodNoteThere(client, w);
      await assertAccountedFor(client, w, Object.keys(files));
      const proto = await client.request<{ title: string } | null>('litnotes/paper', { key: 'proto' });
      assert.strictEqual(proto?.title, 'Proto');
      record('front matter that runs code (`---js`, `---javascript`, `---coffee`, BOM, CRLF, `!!js/function`, `!!js/regexp`, `__proto__`/`constructor`)', Object.keys(files).length, probe.stop(), 'no code ran; each file a paper, a diagnostic or a log line');
    });
  });

  it('YAML bombs, deep nesting and huge files are refused or read in bounded time', async () => {
    const w = new Workspace();
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const merges = ['base0: &m0 {x: 1}'];
    for (let i = 1; i < 30; i++) merges.push(`base${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}], y${i}: 1}`);
    const files: Record<string, string> = {
      'notes/alias-bomb.md': `---\ncitekey: aliasbomb\ntitle: Bomb\n${laughs.join('\n')}\n---\n`,
      'notes/merge-bomb.md': `---\ncitekey: mergebomb\ntitle: Merge\n${merges.join('\n')}\n---\n`,
      'notes/deep-flow.md': `---\ncitekey: deepflow\ntitle: ${'['.repeat(10000)}${']'.repeat(10000)}\n---\n`,
      'notes/deep-block.md': `---\ncitekey: deepblock\nx:\n${Array.from({ length: 10000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}\n---\n`,
      'notes/huge-front-matter.md': `---\ncitekey: huge\ntitle: Huge\nabstract: "${'x'.repeat(50 * MB)}"\n---\n`,
      'digests/one-line.txt': 'Sep 8 '.repeat((50 * MB) / 6),
    };
    for (const [rel, text] of Object.entries(files)) w.write(rel, text);
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 120000);
      await assertGoodNoteThere(client, w);
      await assertAccountedFor(client, w, Object.keys(files));
      record('YAML alias and merge bombs, 10,000-deep nesting (flow and block), 50 MB front matter, a 50 MB one-line digest', Object.keys(files).length, probe.stop(), 'bounded time; each file a paper, a diagnostic or a log line');
    });
  });

  it('100,000 tiny files are scanned while hovers keep answering', async function () {
    this.timeout(600000);
    const w = new Workspace();
    // Tiny notes in folders of 1,000 (as a sync tool or a careless script leaves them).
    for (let i = 0; i < 100_000; i++) {
      const dir = path.join(w.ws, 'notes', `t${Math.floor(i / 1000)}`);
      if (i % 1000 === 0) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `t${i}.md`), `---\ncitekey: t${i}\ntitle: T${i}\n---\n`);
    }
    await hostileRun(w, async (client, probe) => {
      const ready = await client.ready(0, 540000);
      assert.strictEqual(ready.papers, 100_001, 'every tiny note and the good one');
      await assertGoodNoteThere(client, w);
      record(`100,000 tiny notes (scan ${Math.round((ready.scanMs ?? 0) / 100) / 10} s)`, 1, probe.stop(), 'all indexed; hovers answer throughout');
    });
  });

  it('a draft with a million citations and a 10 MB line is read without stalling the server', async () => {
    const w = new Workspace();
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 60000);
      const million = `${DRAFT}${'[@good2024] '.repeat(1_000_000)}\n`;
      const longLine = `${DRAFT}${'x'.repeat(10 * MB)} [@good2024]\n`;
      await client.open(w.uri('drafts/million.md'), 'markdown', million);
      await client.open(w.uri('drafts/long-line.md'), 'markdown', longLine);
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(w.uri('drafts/long-line.md'), 1, 10 * MB + 3));
      assert.match(hover?.contents.value ?? '', /A Good Paper/);
      const completion = await client.request<unknown>('textDocument/completion', client.at(w.uri('drafts/million.md'), 1, 5));
      assert.ok(completion);
      await assertGoodNoteThere(client, w);
      record('a draft with 1,000,000 citations; a draft with a 10 MB line', 2, probe.stop(), 'hover and completion in them answer');
    });
  });

  it('keys that try to escape the workspace make no note outside it', async () => {
    const w = new Workspace();
    fs.symlinkSync(w.outside, path.join(w.ws, 'notes', 'escape'));
    fs.symlinkSync(path.join(w.ws, 'notes'), path.join(w.ws, 'notes', 'loop'));
    const keys = ['../../x', '../outside/user-file', '/etc/passwd', 'C:\\Windows\\x', 'a\u0000b', 'x'.repeat(5000), 'CON', 'aux', 'nul.txt', '.', '..', '', ' ', 'notes/../../../x'];
    // Documents for Open PDF: only local PDF, EPUB and DjVu files are kept, whatever a note or bibliography names.
    const documents = ['../../../etc/passwd', '/usr/bin/evil.sh', '\\\\host\\share\\x.pdf', '//host/share/x.pdf', 'file://host/x.pdf', 'file:///tmp/x.sh%00.pdf', 'https://evil.example/x.pdf', 'javascript:alert(1)//.pdf', '~/x.pdf', 'page.html', '/papers/ok.pdf'];
    w.write('notes/docsnote.md', `---\ncitekey: docsnote\ntitle: Documents\npdf: ${JSON.stringify(documents)}\n---\n[x](file://host/y.pdf)\n`);
    w.write('refs/docs.bib', `@article{docsbib, title = {Documents}, file = {${documents.map((d) => d.replace(/\\/g, '\\\\').replace(/:/g, '\\:')).join(';')};Snapshot:files/1/a.html:text/html;Full Text:/papers/ok.pdf:application/pdf}}\n`);
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 60000);
      for (const key of ['docsnote', 'docsbib']) {
        const details = await client.request<{ files: string[] } | null>('litnotes/paper', { key });
        assert.deepStrictEqual(details?.files, ['file:///papers/ok.pdf'], `${key}: only the local PDF is offered`);
      }
      for (const key of keys) {
        type Answer = { uri?: string; edit?: { documentChanges?: { kind?: string; uri?: string; textDocument?: { uri: string } }[] }; message?: string };
        const r = await client.request<Answer>('litnotes/createNote', { paper: { title: `Paper ${key}`, authors: ['A B'], key } }).catch((e: Error): Answer => ({ message: e.message }));
        const uris = [r.uri, ...(r.edit?.documentChanges ?? []).map((c) => c.uri ?? c.textDocument?.uri)].filter((u): u is string => !!u);
        for (const u of uris) {
          const file = decodeURIComponent(new URL(u).pathname);
          assert.ok(file.startsWith(`${w.ws}${path.sep}`) && !file.includes('\u0000'), `a note for key ${JSON.stringify(key)} would be written at ${file}`);
          assert.ok(path.basename(file).length <= 255, 'a file name longer than the file system allows');
        }
      }
      for (const newName of keys) {
        const r = await client.request<{ changes?: Record<string, unknown>; documentChanges?: { uri?: string; newUri?: string }[] } | null>('textDocument/rename', { ...client.at(w.uri('drafts/draft.md'), 0, 20), newName }).catch(() => null);
        for (const c of r?.documentChanges ?? []) for (const u of [c.uri, c.newUri]) if (u) assert.ok(decodeURIComponent(new URL(u).pathname).startsWith(w.ws), `rename to ${JSON.stringify(newName)} touches ${u}`);
      }
      await assertGoodNoteThere(client, w);
      record('keys escaping the workspace (`../../x`, absolute, NUL, 5,000 characters, reserved names) for Create Literature Note and rename; a symlink out of the workspace and a symlink loop; documents for Open PDF (scripts, network shares, web and `javascript:` links, NUL) in a note and a `.bib` `file` field', keys.length * 2 + 2 + documents.length * 2, probe.stop(), 'every edit stays in the workspace; the scan ends; only local documents are offered');
    });
  });

  it('markdown and HTML in titles and abstracts reach the hover as text', async () => {
    const w = new Workspace();
    const payloads = ['<img src=x onerror="alert(1)">', '<script>alert(1)</script>', '[quit](command:workbench.action.quit)', '[x](javascript:alert(1))', 'evil\u202Etxt.exe', '# heading\n\n- list', '<a href="command:x">y</a>'];
    payloads.forEach((p, i) => w.write(`notes/inject${i}.md`, `---\ncitekey: inject${i}\ntitle: ${JSON.stringify(`Title ${p}`)}\nabstract: ${JSON.stringify(`Abstract ${p}`)}\n---\n`));
    // The same in a Daily Papers page saved as HTML: its data (entity-escaped, as the site writes it) and its cards.
    const entries = payloads.map((p, i) => ({ paper: { id: `2509.0${1000 + i}`, title: `Pageinject${i}: Title ${p}`, summary: `Abstract ${p}` } }));
    const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    w.write('digests/saved-page.html', `<html><body><div class="SVELTE_HYDRATER contents" data-target="DailyPapers" data-props="${escape(JSON.stringify({ dailyPapers: entries }))}">${entries.map((e) => `<h3><a>${escape(e.paper.title)}</a></h3>`).join('')}</div><script>alert(1)</script></body></html>`);
    const draft = [...payloads.map((_, i) => `[@inject${i}]`), ...payloads.map((_, i) => `[@pageinject${i}]`)].join('\n');
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 60000);
      await client.open(w.uri('drafts/inject.md'), 'markdown', draft);
      for (let i = 0; i < payloads.length * 2; i++) {
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(w.uri('drafts/inject.md'), i, 3));
        const text = hover?.contents.value ?? '';
        assert.match(text, /Title/);
        const md = text.split('\n\n').filter((p) => p.trim()).join('\n\n');
        assertInertMarkdown(md, md.split('\n\n').length);
      }
      await assertGoodNoteThere(client, w);
      record('`<img onerror>`, `<script>`, `command:` and `javascript:` links, an RTL override, markdown blocks in titles and abstracts of notes and of a Daily Papers page saved as HTML (hover)', payloads.length * 2, probe.stop(), 'no raw HTML, no live link, no block markdown in the hover');
    });
  });

  it('cache records whose packed digest entries mislead, under a valid checksum, are parsed again', async () => {
    const w = new Workspace();
    const sample = fs.readFileSync(path.join(__dirname, '../../../test/fixtures/library/digests/daily-papers-sep-8.txt'), 'utf8');
    // Each digest's record gets one lie about its pack, then a checksum that matches it.
    const lies: Record<string, (numbers: Int32Array, packed: Record<string, unknown>) => void> = {
      'an abstract past the record\'s texts': (n) => { n[8] = 1 << 30; },
      'a date that is not there': (n) => { n[10] = 1000; },
      'two entries in one place': (n) => { n[17 + 6] = n[6]; },
      'texts longer than the pack\'s text': (_n, packed) => { packed.text = (packed.text as string).slice(0, 10); },
      'a list of a negative length': (n) => { n[12] = -7; },
    };
    const names = Object.keys(lies);
    names.forEach((_, i) => w.write(`digests/day-${i}.txt`, sample));
    const first = await serve(w);
    let before: { papers: { key: string }[] };
    let kasa: unknown;
    try {
      await first.client.fullTextReady(120000);
      before = await first.client.request('litnotes/list', { limit: 20000 });
      kasa = await first.client.request('litnotes/paper', { key: before.papers.find((p) => /kasa/i.test(p.key))!.key });
    } finally {
      first.probe.stop();
      await first.client.stop();
    }
    const parsedDir = path.join(w.storage, 'parsed');
    let lied = 0;
    for (const name of fs.readdirSync(parsedDir)) {
      const file = path.join(parsedDir, name);
      const data = fs.readFileSync(file);
      const headerEnd = data.indexOf(0x0a);
      const header = JSON.parse(data.toString('utf8', 0, headerEnd));
      const at = /digests\/day-(\d+)\.txt$/.exec(header.uri)?.[1];
      if (at === undefined) continue;
      const body = data.subarray(headerEnd + 1);
      const jsonEnd = body.indexOf(0x0a);
      const json = JSON.parse(body.toString('utf8', 0, jsonEnd));
      assert.ok(json.packed, `${header.uri}: its entries are packed`);
      const numbers = new Int32Array(new Uint8Array(Buffer.from(json.packed.numbers, 'base64')).buffer);
      lies[names[Number(at)]](numbers, json.packed);
      json.packed.numbers = Buffer.from(numbers.buffer).toString('base64');
      const { sum: _sum, ...rest } = header;
      fs.writeFileSync(file, sealBytes(rest, Buffer.concat([Buffer.from(JSON.stringify(json)), body.subarray(jsonEnd)])));
      lied++;
    }
    assert.strictEqual(lied, names.length, 'every digest had a record');
    await hostileRun(w, async (client, probe) => {
      await client.fullTextReady(120000);
      assert.deepStrictEqual(await client.request('litnotes/list', { limit: 20000 }), before, 'the same papers as before');
      const log = client.logs.join('\n');
      for (let i = 0; i < names.length; i++) {
        assert.match(log, new RegExp(`digests/day-${i}\\.txt: its cached parse was unusable \\((malformed packed entries|a source is out of place)\\)`), names[i]);
      }
      const again = await client.request<{ abstract?: string }>('litnotes/paper', { key: before.papers.find((p) => /kasa/i.test(p.key))!.key });
      assert.match(again.abstract ?? '', /Knowledge-aware Singular-value Adaptation/, 'a digest paper\'s abstract reads back');
      assert.deepStrictEqual(again, kasa, 'the paper as before');
      record(`parse cache records of digests whose packed entries lie under a valid checksum (${names.join('; ')})`, names.length, probe.stop(), 'each digest parsed again, saying why; the same papers and abstracts');
    });
  });

  it('a server killed mid-scan, on a cache whose files are broken every way, then restarted, has every note', async () => {
    const w = new Workspace();
    for (let i = 0; i < 1000; i++) w.write(`notes/n${i}.md`, `---\ncitekey: n${i}\ntitle: Note ${i}\nabstract: Words ${i}.\n---\n`);
    // A first run writes the caches.
    const first = await serve(w);
    try {
      await first.client.fullTextReady(120000);
    } finally {
      first.probe.stop();
      await first.client.stop();
    }
    // Break every cache file: truncated, bytes flipped, the wrong shape, 20 MB, or a symlink to a user file.
    const cacheFiles: string[] = [];
    const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else cacheFiles.push(p); } };
    walk(w.storage);
    assert.ok(cacheFiles.length > 10, `only ${cacheFiles.length} cache files`);
    const userFile = path.join(w.outside, 'user-file.txt');
    cacheFiles.forEach((f, i) => {
      const kind = i % 5;
      if (kind === 0) fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2));
      else if (kind === 1) { const b = fs.readFileSync(f); for (let j = 0; j < b.length; j += 97) b[j] ^= 0xff; fs.writeFileSync(f, b); }
      else if (kind === 2) fs.writeFileSync(f, JSON.stringify({ papers: 'nope', format: 999 }));
      else if (kind === 3) fs.writeFileSync(f, Buffer.alloc(i < 50 ? 20 * MB : 64 * 1024, 0x7b));
      else { fs.rmSync(f); fs.symlinkSync(userFile, f); }
    });
    // Killed while it reads them and writes new ones...
    const second = await serve(w);
    try {
      await second.client.waitFor(() => second.client.statuses.find((s) => s.papers > 0), 60000, 'some papers');
      second.client.proc.kill('SIGKILL');
    } finally {
      second.probe.stop();
    }
    // ...and started again on what it left.
    const third = await serve(w);
    try {
      await third.client.ready(0, 120000);
      const list = await third.client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 });
      assert.strictEqual(list.papers.filter((p) => /^n\d+$/.test(p.key)).length, 1000, 'notes lost');
      await assertGoodNoteThere(third.client, w);
      await third.client.fullTextReady(120000);
      const found = await third.client.request<{ results: { key: string }[] }>('litnotes/search', { query: 'title:note', limit: 5 });
      assert.ok(found.results.length > 0, 'full text answers');
      record(`${cacheFiles.length} cache files truncated, byte-flipped, of the wrong shape, 20 MB (ten of them) or 64 KB of braces, or a symlink to a user file; the server killed mid-scan on them, then restarted`, cacheFiles.length + 1, Math.max(second.probe.worst, third.probe.stop()), 'all 1,001 notes back, full text answers; the user file unchanged');
      assert.strictEqual(fs.readFileSync(userFile, 'utf8'), 'the user\'s own file\n', 'a cache write went through a symlink');
      w.assertUntouched();
    } finally {
      third.probe.stop();
      await third.client.stop();
      w.dispose();
    }
  });

  it('full-text postings truncated under a running server: the worker is replaced and searches answer again', async () => {
    const w = new Workspace();
    // Enough distinct words that each full-text worker's postings wait in its set's file once it is at rest.
    const word = (i: number, j: number) => `w${((i * 31 + j * 17) % 5000).toString(36)}x${j % 7}`;
    for (let i = 0; i < 3000; i++) {
      const abstract = Array.from({ length: 60 }, (_, j) => word(i, j)).join(' ');
      w.write(`notes/p${i}.md`, `---\ncitekey: p${i}\ntitle: Paper ${i} on ${word(i, 99)}\nabstract: ${abstract}\n---\n`);
    }
    await hostileRun(w, async (client, probe) => {
      await client.ready(0, 120000);
      await client.fullTextReady(120000);
      const setFiles = () => setFilesIn(w.storage).map((n) => path.join(w.storage, n));
      await eventually(async () => assert.strictEqual(setFilesOpenBy(client.proc.pid!, w.storage), 2, 'both workers\' postings at rest in their sets\' files'), 60000);
      const query = `${word(7, 3)} ${word(8, 5)}`;
      const before = await client.request<{ results: { key: string }[] }>('litnotes/search', { query, limit: 10 });
      assert.ok(before.results.length > 0, 'the query finds papers');
      const truncated = setFiles();
      assert.strictEqual(truncated.length, 2);
      for (const f of truncated) fs.truncateSync(f, 8);
      // Until both workers are replaced (a search or a merge reads the file first), each answer says
      // what went wrong, or that it is partial, or is the whole answer: never fewer hits unsaid.
      const keysOf = (r: { results: { key: string }[] }) => r.results.map((x) => x.key).sort();
      const wrong: string[] = [];
      await eventually(async () => {
        const r = await client.request<{ results: { key: string }[]; error?: string; partial: boolean }>('litnotes/search', { query, limit: 10 });
        if (r.error ? !/postings file/.test(r.error) : !r.partial && keysOf(r).join() !== keysOf(before).join()) wrong.push(JSON.stringify(r).slice(0, 300));
        assert.ok(client.logs.filter((l) => /full-text worker \d stopped \(.*postings file/s.test(l)).length >= 2, 'both workers stopped, saying why');
      }, 60000);
      assert.deepStrictEqual(wrong, [], 'answers that neither said what went wrong, nor were partial, nor had every hit');
      let again: { results: { key: string }[] } | undefined;
      await eventually(async () => {
        const r = await client.request<{ results: { key: string }[]; error?: string }>('litnotes/search', { query, limit: 10 });
        assert.ok(!r.error && r.results.length === before.results.length, 'searches answer again');
        again = r;
      }, 60000);
      assert.deepStrictEqual(keysOf(again!), keysOf(before), 'the same papers as before');
      await eventually(async () => assert.ok(truncated.every((f) => fs.statSync(f).size > 1024), 'the sets\' files written whole again'), 60000);
      await assertGoodNoteThere(client, w);
      record('full-text postings (at rest in the sets\' files) truncated under a running server', 2, probe.stop(), 'searches say so or are partial; both workers replaced (the log says why), their shards built again; the same hits again, the sets\' files written whole again');
    });
  });

  it('files deleted and renamed mid-scan, 1,000 rapid edits, out-of-range positions and garbage requests', async () => {
    const w = new Workspace();
    for (let i = 0; i < 2000; i++) w.write(`notes/m${i}.md`, `---\ncitekey: m${i}\ntitle: Note ${i}\n---\n`);
    let cases = 0;
    await hostileRun(w, async (client, probe) => {
      // As the editor reports them: deleted (3) and created (1) files.
      const events: { uri: string; type: number }[] = [];
      for (let i = 0; i < 2000; i += 10) {
        fs.rmSync(path.join(w.ws, `notes/m${i}.md`));
        fs.renameSync(path.join(w.ws, `notes/m${i + 1}.md`), path.join(w.ws, `notes/r${i + 1}.md`));
        events.push({ uri: w.uri(`notes/m${i}.md`), type: 3 }, { uri: w.uri(`notes/m${i + 1}.md`), type: 3 }, { uri: w.uri(`notes/r${i + 1}.md`), type: 1 });
      }
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: events });
      cases += 2;
      await client.ready(0, 60000);
      const uri = w.uri('drafts/draft.md');
      for (let v = 2; v <= 1001; v++) await client.change(uri, `${DRAFT}${'x'.repeat(v % 50)} [@good2024]\n`, v);
      cases++;
      // The last edit is what the server has: its second-line citation hovers.
      const last = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(uri, 1, 1001 % 50 + 4));
      assert.match(last?.contents.value ?? '', /A Good Paper/);
      const positions = [[-1, 0], [0, -5], [1e9, 0], [0, 1e9], [2 ** 31, 2 ** 31], [0.5, 0.5]];
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references', 'textDocument/prepareRename', 'textDocument/documentHighlight']) {
        for (const [line, character] of positions) {
          await client.request(method, { textDocument: { uri }, position: { line, character }, context: { includeDeclaration: true } }).catch(() => undefined);
          cases++;
        }
      }
      const garbage: unknown[] = [null, 42, 'x', [], { textDocument: null }, { textDocument: { uri: 42 } }, { key: { toString: 1 } }, { query: 'x'.repeat(100000) }, { limit: -1 }, { uri: 'file:///../../etc/passwd' }, { id: { toString: 1 }, keys: [1, null, {}, ['x']], limit: 1e9 }];
      for (const method of ['litnotes/search', 'litnotes/paper', 'litnotes/topics', 'litnotes/topicOutline', 'litnotes/topicPapers', 'litnotes/list', 'litnotes/markPapersSeen', 'litnotes/citedKeys', 'litnotes/draftCitations', 'litnotes/reference', 'litnotes/previewCitations', 'litnotes/createNote', 'litnotes/exportBibliography', 'litnotes/reindex', 'textDocument/hover', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol', 'workspace/symbol', 'workspace/executeCommand']) {
        for (const params of garbage) {
          await client.request(method, params).catch(() => undefined);
          cases++;
        }
      }
      // Notifications have no answer to carry an error: garbage ones must leave the documents as they were.
      const notifications = ['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didSave', 'textDocument/willSave', 'workspace/didChangeWatchedFiles', 'workspace/didChangeConfiguration', 'workspace/didChangeWorkspaceFolders'];
      for (const method of notifications) {
        for (const params of garbage) {
          await client.conn.sendNotification(method, params);
          cases++;
        }
      }
      // Near misses: a document opened without text, or with text of another type; changes with a
      // broken range, no text, no version, or no list of changes.
      const other = w.uri('drafts/opened-without-text.md');
      const nearMisses: [string, unknown][] = [
        ['textDocument/didOpen', { textDocument: { uri: other, languageId: 'markdown', version: 1 } }],
        ['textDocument/didOpen', { textDocument: { uri: other, languageId: 'markdown', version: 1, text: { length: 3 } } }],
        ['textDocument/didChange', { textDocument: { uri, version: 5000 }, contentChanges: [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }] }],
        ['textDocument/didChange', { textDocument: { uri, version: 5001 }, contentChanges: [{ text: null }] }],
        ['textDocument/didChange', { textDocument: { uri, version: null }, contentChanges: [{ text: 'replaced' }] }],
        ['textDocument/didChange', { textDocument: { uri, version: 5002 }, contentChanges: 'replaced' }],
        ['textDocument/didClose', { textDocument: { uri: 42 } }],
      ];
      for (const [method, params] of nearMisses) {
        await client.conn.sendNotification(method, params);
        cases++;
      }
      // The draft is as its last good edit left it, and the document opened without text answers.
      const after = await client.request<{ contents: { value: string } } | null>('textDocument/hover', client.at(uri, 1, 1001 % 50 + 4));
      assert.match(after?.contents.value ?? '', /A Good Paper/);
      assert.strictEqual(await client.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 0 } }), null);
      assert.ok(client.logs.some((l) => l.startsWith('textDocument/didOpen left out:') && l.includes('no text')), 'the left-out open is logged');
      // Bytes that are not JSON-RPC at all, then a well-formed request: the server still answers.
      client.proc.stdin!.write('Content-Length: 5\r\n\r\n{{{{{');
      client.proc.stdin!.write('Content-Length: 12\r\n\r\n[1,2,3,4,5]!');
      cases += 2;
      await assertGoodNoteThere(client, w);
      const list = await client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 });
      const onDisk = async () => {
        const now = new Set((await client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 })).papers.map((p) => p.key));
        // A renamed note keeps its citekey (m1 now lives in r1.md); a deleted one is gone.
        return !now.has('m0') && !now.has('m10') && now.has('m1') && now.has('m2') && now.size === 1801;
      };
      const deadline = Date.now() + 10000;
      while (!(await onDisk())) {
        if (Date.now() > deadline) {
          const now = new Set((await client.request<{ papers: { key: string }[] }>('litnotes/list', { limit: 100000 })).papers.map((p) => p.key));
          assert.fail(`not as on disk: m0 ${now.has('m0')}, m1 ${now.has('m1')}, m2 ${now.has('m2')}; ${now.size} papers`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(list.papers.length > 0);
      record('files deleted and renamed mid-scan; 1,000 rapid edits; out-of-range positions for 6 requests; 11 kinds of garbage params for 20 requests and 8 notifications; 7 misshapen document notifications; malformed JSON-RPC', cases, probe.stop(), 'the server answers throughout; the library matches the disk');
    });
  });
});
