import * as assert from 'assert';
import * as vscode from 'vscode';
import { activated, openDoc } from './helpers';
import type { CitedNode } from '../../../client/src/citedModel';
import type { TopicsTree } from '../../../client/src/topicsTree';
import type { TreeNode } from '../../../client/src/topicsModel';
import { CitationDropProvider } from '../../../client/src/citationDrop';

interface CitedView { roots(): CitedNode[]; getTreeItem(node: CitedNode): vscode.TreeItem; view?: vscode.TreeView<CitedNode> }

/** Waits until the view's list passes `check`. */
async function listed(cited: CitedView, check: (nodes: CitedNode[]) => boolean, what: string): Promise<CitedNode[]> {
  for (let waited = 0; waited < 20000; waited += 200) {
    if (check(cited.roots())) return cited.roots();
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what}; the view lists ${cited.roots().map((n) => (n.type === 'paper' ? n.key : n.label)).join(', ')}`);
}

describe('Cited in Draft, in the editor', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('lists the active draft\'s papers in the order it cites them, follows its edits, and goes to a citation', async () => {
    const api = (await activated()) as unknown as { cited: CitedView };
    const { doc, editor } = await openDoc('drafts/related-work.md');
    await vscode.commands.executeCommand('litnotes.cited.focus');
    await vscode.window.showTextDocument(doc, editor.viewColumn);
    const keys = (nodes: CitedNode[]) => nodes.flatMap((n) => (n.type === 'paper' ? [n.key] : []));
    const first = await listed(api.cited, (n) => keys(n)[0] === 'compacter', 'the draft\'s first citation comes first');
    assert.deepStrictEqual(keys(first).slice(0, 3), ['compacter', 'nola', 'jiang2024kasa']);
    assert.match(api.cited.view?.description ?? '', /^10 papers · 12 citations · 2 unknown$/);
    const kasa = first[2] as Extract<CitedNode, { type: 'paper' }>;
    assert.match(String(api.cited.getTreeItem(kasa).description), /also cited as kasa/);

    // An edit: a key no paper has is listed, marked unknown.
    const end = new vscode.Position(doc.lineCount - 1, 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, end, 'See [@nosuchpaper2099].\n');
    await vscode.workspace.applyEdit(edit);
    try {
      const after = await listed(api.cited, (n) => keys(n).includes('nosuchpaper2099'), 'an unknown key typed in the draft is listed');
      const unknown = after.find((n) => n.type === 'paper' && n.key === 'nosuchpaper2099')!;
      assert.strictEqual(api.cited.getTreeItem(unknown).contextValue, 'unknown');
    } finally {
      await vscode.commands.executeCommand('undo');
    }

    // A place goes to its citation.
    const place = kasa.places[1];
    const command = api.cited.getTreeItem(place).command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const active = vscode.window.activeTextEditor!;
    assert.strictEqual(active.document.uri.toString(), doc.uri.toString());
    assert.deepStrictEqual([active.selection.active.line, active.selection.active.character], [place.line, place.character]);
    assert.ok(active.document.lineAt(place.line).text.startsWith('jiang2024kasa', place.character));
  });

  it('a paper dragged from the Topics view into a draft becomes a citation in the draft\'s syntax', async () => {
    const api = (await activated()) as unknown as { topics: TopicsTree };
    // A paper node of the tree, as the view hands it to the drag.
    let paper: TreeNode | undefined;
    for (let waited = 0; !paper && waited < 20000; waited += 250) {
      for (const topic of api.topics.roots_()) {
        paper = (await api.topics.getChildren(topic)).find((n) => n.type === 'paper');
        if (paper) break;
      }
      if (!paper) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(paper && paper.type === 'paper', 'the tree has a paper');
    const transfer = new vscode.DataTransfer();
    api.topics.handleDrag([paper], transfer);
    assert.strictEqual(await transfer.get('text/plain')?.asString(), `@${paper.key}`);
    const drop = new CitationDropProvider();
    const at = new vscode.Position(0, 0);
    for (const [rel, expected] of [['drafts/related-work.md', `[@${paper.key}]`], ['drafts/paper.tex', `\\cite{${paper.key}}`]]) {
      const { doc } = await openDoc(rel);
      const edit = await drop.provideDocumentDropEdits(doc, at, transfer);
      assert.strictEqual(edit?.insertText, expected, rel);
    }
    const other = await vscode.workspace.openTextDocument({ language: 'json', content: '{}' });
    assert.strictEqual(await drop.provideDocumentDropEdits(other, at, transfer), undefined, 'no citation in a JSON file');
  });
});
