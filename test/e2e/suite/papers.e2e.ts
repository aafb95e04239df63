import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, fileUri, openDoc } from './helpers';

/** A day of Daily Papers with one paper the example library does not have. */
const DAY = JSON.stringify([{ paper: { id: '2509.99001', title: 'Zebrafinch Song Grammars for Tokenizer Design', summary: 'We learn tokenizers from birdsong.', authors: [{ name: 'Ada Lovelace' }], publishedAt: '2025-09-11T00:00:00.000Z' }, publishedAt: '2025-09-11T00:00:00.000Z' }]);

/** Fetch Daily Papers and Add Paper, with the sites' base addresses pointed at a local server. */
describe('papers from the web, in the editor', () => {
  let server: http.Server;
  const written = ['digests/2025-09-11.daily-papers.json', 'notes/vaswani2017attention.md', 'digests/arxiv-cs.CL-2026-03-19.html'];
  before(async () => {
    await activated();
    const atom = fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/web/arxiv-1706.03762.atom.xml'), 'utf8');
    const listing = fs.readFileSync(path.resolve(__dirname, '../../../../test/fixtures/digests-html/arxiv-cs-cl-new.html'), 'utf8');
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/api/daily_papers' && url.searchParams.get('date') === '2025-09-11') res.end(DAY);
      else if (url.pathname === '/api/query' && url.searchParams.get('id_list') === '1706.03762') res.end(atom);
      else if (url.pathname === '/list/cs.CL/new') res.end(listing);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const network = vscode.workspace.getConfiguration('litnotes.network');
    await network.update('dailyPapersUrl', base, vscode.ConfigurationTarget.Workspace);
    await network.update('arxivUrl', base, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    server.close();
    const network = vscode.workspace.getConfiguration('litnotes.network');
    await network.update('dailyPapersUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await network.update('arxivUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const rel of written) fs.rmSync(fileUri(rel).fsPath, { force: true });
  });

  /** Whether `[@` and the first letters of `key` offer a key starting with it. */
  async function completes(key: string): Promise<boolean> {
    const { doc } = await openDoc('drafts/related-work.md');
    const at = new vscode.Position(doc.lineCount - 1, 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, at, `[@${key.slice(0, 6)}`);
    await vscode.workspace.applyEdit(edit);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(at.line, key.slice(0, 6).length + 2));
    await vscode.commands.executeCommand('undo');
    return list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label).startsWith(key));
  }

  it('Fetch arXiv Listing writes the day\'s new submissions as the site serves them, and its papers complete', async () => {
    await vscode.commands.executeCommand('litnotes.fetchArxivListing', ['cs.CL']);
    assert.match(fs.readFileSync(fileUri(written[2]).fsPath, 'utf8'), /Showing new listings for Thursday, 19 March 2026/);
    let found = false;
    for (let waited = 0; !found && waited < 20000; waited += 250) {
      found = await completes('curriculum');
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(found, 'a paper of the listing completes');
  });

  it('Fetch Daily Papers for a date writes the day as the site serves it, and its papers complete', async () => {
    await vscode.commands.executeCommand('litnotes.fetchDailyPapers', ['2025-09-11']);
    assert.strictEqual(fs.readFileSync(fileUri(written[0]).fsPath, 'utf8'), DAY);
    let found = false;
    for (let waited = 0; !found && waited < 20000; waited += 250) {
      found = await completes('zebrafinch');
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(found, 'the fetched paper completes');
  });

  it('Add Paper by arXiv id makes a note with the paper\'s metadata and opens it', async () => {
    await vscode.commands.executeCommand('litnotes.addPaper', '1706.03762');
    const note = fileUri(written[1]).fsPath;
    assert.ok(fs.existsSync(note), `${path.basename(note)} was made`);
    const text = fs.readFileSync(note, 'utf8');
    assert.match(text, /^---\ncitekey: vaswani2017attention\ntitle: Attention Is All You Need\n/);
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, note);
  });
});
