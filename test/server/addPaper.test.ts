import * as assert from 'assert';
import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import { LspClient } from '../support/lspClient';
import { copyLibrary } from './server.test';

interface Created { uri?: string; edit?: { documentChanges: [{ kind: string; uri: string }, { edits: { newText: string }[] }] }; message?: string; existing?: string }

/** Add Paper…'s server half: a note for a paper looked up on the web, or the paper the library has. */
describe('notes for papers from the web, over stdio', function () {
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = copyLibrary();
    client = new LspClient();
    await client.initialize(dir);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const create = (paper: unknown) => client.request<Created>('litnotes/createNote', { paper, folderUri: pathToFileURL(dir).href });
  const attention = { title: 'Attention Is All You Need', authors: ['Ashish Vaswani', 'Noam Shazeer'], year: 2017, published: '2017-06-12', arxiv: '1706.03762', url: 'https://arxiv.org/abs/1706.03762', abstract: 'The Transformer.', categories: ['cs.CL', 'cs.LG'] };

  it('makes a note keyed as reference managers do, with everything that was found, in the notes folder', async () => {
    const r = await create(attention);
    assert.ok(r.uri?.endsWith('/notes/vaswani2017attention.md'), r.uri);
    const [made, text] = r.edit!.documentChanges;
    assert.deepStrictEqual([made.kind, made.uri], ['create', r.uri]);
    const note = text.edits[0].newText;
    for (const line of ['citekey: vaswani2017attention', 'title: Attention Is All You Need', 'arxiv: \'1706.03762\'', 'date: \'2017-06-12\'', '  - cs.CL', 'abstract: The Transformer.']) assert.ok(note.includes(line), `${line}\n---\n${note}`);
  });

  it('a paper the library has (by arXiv id, DOI or title) is not made again: its key comes back', async () => {
    assert.strictEqual((await create({ title: 'KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models', authors: ['Fan Wang'] })).existing, 'jiang2024kasa');
    assert.strictEqual((await create({ title: 'Some Other Title', authors: [], doi: '10.1145/3618260.3649777' })).existing, 'kalai2024hallucinate');
  });

  it('a taken key gets a letter; fields that are not what they should be are dropped; a paper without a title makes nothing', async () => {
    const first = await create(attention);
    fs.writeFileSync(fileURLToPath(first.uri!), first.edit!.documentChanges[1].edits[0].newText);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: first.uri, type: 1 }] }); // as the editor's watcher says
    const paper = () => client.request<{ key: string } | null>('litnotes/paper', { key: 'vaswani2017attention' });
    for (let waited = 0; !(await paper()) && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    const second = await create({ ...attention, title: 'Attention Heads Revisited', arxiv: undefined, url: 'javascript:alert(1)', authors: ['Ashish Vaswani', 7] });
    assert.ok(second.uri?.endsWith('/notes/vaswani2017attentiona.md'), second.uri);
    const note = second.edit!.documentChanges[1].edits[0].newText;
    assert.ok(note.includes('citekey: vaswani2017attentiona') && !note.includes('javascript') && !note.includes('- 7'), note);
    const undated = await create({ title: 'Undated Work', authors: ['Ada Lovelace'], year: 'soon' });
    assert.ok(undated.uri?.endsWith('/notes/lovelaceundated.md'), undated.uri);
    assert.match((await create({ title: 42 })).message!, /no title/);
  });
});
