import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';
import { copyLibrary } from './server.test';

interface Hover { contents: { value: string } }

describe('bad input: the server keeps going and says what it skipped', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  const marker = path.join(os.tmpdir(), `litnotes-pwned-${process.pid}`);
  const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).href;

  before(async () => {
    dir = copyLibrary();
    const notes = path.join(dir, 'notes');
    fs.writeFileSync(path.join(notes, 'invalid-yaml.md'), '---\ncitekey: broken2024\ntitle: "unterminated\nauthors: [a, b\n---\nBody.\n');
    for (const [i, opener] of ['---js', '---javascript', '---JS', '--- js'].entries()) {
      fs.writeFileSync(path.join(notes, `evil-${i}.md`), `${opener}\nrequire('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')\n---\n# Evil ${i}\n`);
    }
    fs.writeFileSync(path.join(notes, 'empty.md'), '');
    fs.writeFileSync(path.join(notes, 'binary.md'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    // A 20 MB digest: over the default 10 MB limit, skipped with a log line.
    const entry = 'A Long Title Here\n\n' + 'An abstract sentence. '.repeat(50) + '\n\n';
    fs.writeFileSync(path.join(dir, 'digests/huge.digest.txt'), 'Sep 1\n\n' + entry.repeat(Math.ceil((20 * 1024 * 1024) / entry.length)));
    client = new LspClient();
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
  });

  it('never runs JavaScript front matter; each such note is indexed with a diagnostic', async () => {
    assert.strictEqual(fs.existsSync(marker), false, 'front matter code ran');
    for (let i = 0; i < 4; i++) {
      const diags = await client.waitFor(() => client.diagnostics.get(uri(`notes/evil-${i}.md`)), 5000, `diagnostic on evil-${i}`);
      assert.match(diags[0].message, /is not read \(only YAML; nothing in it runs\)/);
    }
    await client.open(uri('drafts/x.md'), 'markdown', '[@evil-0]\n');
    const h = await client.request<Hover>('textDocument/hover', client.at(uri('drafts/x.md'), 0, 4));
    assert.match(h.contents.value, /Evil 0/);
  });

  it('invalid YAML: the note is indexed from what can be recovered, with a diagnostic', async () => {
    const diags = await client.waitFor(() => client.diagnostics.get(uri('notes/invalid-yaml.md')), 5000, 'front matter diagnostic');
    assert.match(diags[0].message, /Front matter is not valid YAML/);
    await client.change(uri('drafts/x.md'), '[@broken2024]\n', 2);
    const h = await client.request<Hover>('textDocument/hover', client.at(uri('drafts/x.md'), 0, 4));
    assert.doesNotMatch(h.contents.value, /Unknown citation key/);
  });

  it('empty, binary and oversized files are logged, and the rest of the library is intact', async () => {
    const log = client.logs.join('\n');
    assert.match(log, /notes\/empty\.md: empty note, indexed by its file name/);
    assert.match(log, /notes\/binary\.md: skipped, binary file/);
    assert.match(log, /digests\/huge\.digest\.txt: skipped, 2\d\.\d MB is over litnotes\.maxFileSizeMB \(10\)/);
    const ready = client.statuses.find((s) => s.state === 'ready')!;
    assert.strictEqual(ready.digests, 3);
    assert.strictEqual(ready.notes, 6 + 1 + 4 + 1, 'fixtures + invalid-yaml + 4 evil + empty');
    await client.change(uri('drafts/x.md'), '[@kasa] [@lin2022truthfulqa]\n', 3);
    const h = await client.request<Hover>('textDocument/hover', client.at(uri('drafts/x.md'), 0, 4));
    assert.match(h.contents.value, /KaSA/);
    assert.strictEqual(client.proc.exitCode, null, 'the server is still running');
  });

  it('a 20 MB digest is read when the limit allows it', async function () {
    const big = new LspClient({ maxFileSizeMB: 64 });
    try {
      await big.initialize(dir);
      const ready = big.statuses.find((s) => s.state === 'ready')!;
      assert.strictEqual(ready.digests, 4);
      assert.ok(ready.digestEntries > 89 + 10000, `read ${ready.digestEntries} entries`);
    } finally {
      await big.stop();
    }
  });
});
