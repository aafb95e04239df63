import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as vscode from 'vscode';
import { activated, openDoc } from './helpers';

/** Insert Citation from Zotero, against a local server that answers as Better BibTeX's cite-as-you-write does. */
describe('Insert Citation from Zotero, in the editor', () => {
  let server: http.Server;
  let picks = '[@kasa; @nola]';
  const asked: string[] = [];
  before(async () => {
    await activated();
    server = http.createServer((req, res) => {
      asked.push(req.url!);
      const url = new URL(req.url!, 'http://x');
      if (url.pathname !== '/better-bibtex/cayw') return void res.writeHead(404).end();
      res.end(url.searchParams.get('probe') === 'true' ? 'ready' : picks);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await vscode.workspace.getConfiguration('litnotes').update('zotero.url', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    server.close();
    await vscode.workspace.getConfiguration('litnotes').update('zotero.url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('cites what was picked in Zotero in the document\'s syntax: [@a; @b] in markdown, \\cite{a, b} in LaTeX; nothing when nothing was picked', async () => {
    for (const [rel, expected] of [['drafts/related-work.md', '[@kasa; @nola]'], ['drafts/paper.tex', '\\cite{kasa, nola}']]) {
      const { doc, editor } = await openDoc(rel);
      const end = doc.lineAt(doc.lineCount - 1).range.end;
      editor.selection = new vscode.Selection(end, end);
      await vscode.commands.executeCommand('litnotes.insertCitationFromZotero');
      assert.ok(doc.lineAt(doc.lineCount - 1).text.endsWith(expected), `${rel}: ${doc.lineAt(doc.lineCount - 1).text}`);
      await vscode.commands.executeCommand('undo');
    }
    assert.ok(asked.some((u) => u.includes('probe=true')) && asked.some((u) => u.includes('format=pandoc')), asked.join(', '));
    picks = '';
    const { doc } = await openDoc('drafts/related-work.md');
    const before = doc.getText();
    await vscode.commands.executeCommand('litnotes.insertCitationFromZotero');
    assert.strictEqual(doc.getText(), before, 'cancelled in Zotero: nothing written');
  });
});
