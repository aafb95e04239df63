import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TopicsTree } from '../../../client/src/topicsTree';
import { TopicOutlineRequest, TopicOutlineResponse } from '../../../server/src/shared/protocol';
import { activated, diagnosticsMatching, EXTENSION_ID, fileUri, hoverEventually, openDoc, positionOf } from './helpers';

interface TreeNodeLike { type: string; name?: string; key?: string; kind?: string; children?: TreeNodeLike[] }
interface Api {
  topics: { refresh(): Promise<void>; getChildren(n?: TreeNodeLike): Promise<TreeNodeLike[]>; getTreeItem(n: TreeNodeLike): vscode.TreeItem };
  reader: { isOpen: boolean; currentKey?: string };
}

describe('the extension face: topics, reader, commands, symbols', () => {
  let api: Api;
  before(async () => {
    await activated();
    api = vscode.extensions.getExtension<Api>(EXTENSION_ID)!.exports;
    await api.topics.refresh();
  });

  it('the Topics tree shows tags, folders and derived topics with papers under them', async () => {
    const roots = await api.topics.getChildren();
    const names = roots.map((r) => r.name);
    assert.ok(names.includes('evaluation') && names.includes('04-multimodal') && names.includes('multi task learning'), names.join(', '));
    // Mixture of experts: a derived topic of its own, or a subtopic of a field.
    const isMoe = (n: TreeNodeLike) => n.type === 'topic' && n.name === 'mixture of experts';
    const moe = roots.find(isMoe) ?? (await Promise.all(roots.map((r) => (r.type === 'topic' ? api.topics.getChildren(r) : [])))).flat().find(isMoe)!;
    assert.ok(moe, names.join(', '));
    const item = api.topics.getTreeItem(moe);
    assert.match(String(item.description), /^\d+$/);
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'sparkle');
    const paper = (await api.topics.getChildren(moe)).find((n) => n.key === 'home')!;
    const paperItem = api.topics.getTreeItem(paper);
    assert.match(String(paperItem.label), /^HoME/);
    assert.strictEqual(paperItem.command?.command, 'litnotes.openReader');
  });

  it('when topics cannot be computed, the view says why above the tree it had, until a refresh succeeds', async () => {
    // The view's own class, on a server that fails (as a stuck or crashed topics worker makes it) and then answers.
    let answer: () => TopicOutlineResponse = () => { throw new Error('Request litnotes/topicOutline failed with message: topics could not be computed: the topics worker stopped (out of memory)'); };
    const client = { sendRequest: async (type: { method: string }) => (type.method === TopicOutlineRequest.method ? answer() : []) } as unknown as LanguageClient;
    const view = { visible: true, message: undefined as string | undefined, description: undefined as string | undefined, onDidChangeVisibility: () => new vscode.Disposable(() => undefined) };
    const tree = new TopicsTree(client);
    try {
      tree.view = view as unknown as vscode.TreeView<never>;
      await tree.refresh();
      assert.strictEqual(view.message, 'Topics could not be computed: the topics worker stopped (out of memory). Refresh to try again; Show Output has the details.');
      assert.deepStrictEqual(await tree.getChildren(), []);
      answer = () => ({ topics: [{ id: 'tag:ml', name: 'ml', kind: 'tag', count: 1, own: 1, children: [] }], uncategorized: 0, fresh: 0, computeMs: 1, fromCache: false, papers: 1, revision: 1 });
      await tree.refresh();
      assert.strictEqual(view.message, undefined);
      assert.deepStrictEqual((await tree.getChildren()).map((n) => n.type === 'topic' && n.name), ['ml']);
      answer = () => { throw new Error('Client is not running'); };
      await tree.refresh();
      assert.match(view.message!, /^Topics could not be updated \(the tree is the one before\): Client is not running\./);
      assert.deepStrictEqual((await tree.getChildren()).map((n) => n.type === 'topic' && n.name), ['ml']);
    } finally {
      tree.dispose();
    }
  });

  it('a derived topic\'s tooltip names its defining phrases; Hide Topic writes the hidden list and the topic goes', async () => {
    const config = vscode.workspace.getConfiguration('litnotes');
    const roots = await api.topics.getChildren();
    const target = roots.find((r) => r.kind === 'derived' && r.name === 'neural network')!;
    assert.ok(target, roots.map((r) => r.name).join(', '));
    assert.match(String(api.topics.getTreeItem(target).tooltip), /Defined by: neural network/);
    try {
      await vscode.commands.executeCommand('litnotes.hideTopic', target);
      assert.deepStrictEqual(vscode.workspace.getConfiguration('litnotes').get('topics.hidden'), ['neural network']);
      const deadline = Date.now() + 20000;
      for (;;) {
        await api.topics.refresh();
        if (!(await api.topics.getChildren()).some((r) => r.name === 'neural network')) break;
        if (Date.now() > deadline) assert.fail('the hidden topic is still in the tree');
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await config.update('topics.hidden', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Open Reader shows a paper in a webview panel', async () => {
    await vscode.commands.executeCommand('litnotes.openReader', 'kasa');
    assert.strictEqual(api.reader.isOpen, true);
    assert.strictEqual(api.reader.currentKey, 'jiang2024kasa');
    const isReader = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('litnotes.reader');
    const tab = await new Promise<vscode.Tab>((resolve, reject) => {
      const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(isReader);
      const now = find();
      if (now) return resolve(now);
      const timer = setTimeout(() => { sub.dispose(); reject(new Error('no reader tab appeared')); }, 20000);
      const sub = vscode.window.tabGroups.onDidChangeTabs(() => { const t = find(); if (t) { clearTimeout(timer); sub.dispose(); resolve(t); } });
    });
    assert.strictEqual(tab.label, 'Paper: jiang2024kasa');
  });

  it('Open in Reader from the palette shows the paper whose key is under the cursor, not the previous one', async () => {
    await vscode.commands.executeCommand('litnotes.openReader', 'kasa');
    const { doc, editor } = await openDoc('drafts/related-work.md');
    const at = positionOf(doc, '@compacter', 3);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('litnotes.openReader');
    assert.strictEqual(api.reader.currentKey, 'compacter');
  });

  it('Insert Citation writes [@key] in markdown and \\cite{key} in LaTeX', async () => {
    const md = await openDoc('drafts/report.Rmd');
    md.editor.selection = new vscode.Selection(md.doc.lineCount - 1, 0, md.doc.lineCount - 1, 0);
    await vscode.commands.executeCommand('litnotes.insertCitation', 'nola');
    assert.ok(md.doc.getText().includes('[@nola]'));
    const tex = await openDoc('drafts/paper.tex');
    tex.editor.selection = new vscode.Selection(1, 0, 1, 0);
    await vscode.commands.executeCommand('litnotes.insertCitation', 'nola');
    assert.ok(tex.doc.lineAt(1).text.startsWith('\\cite{nola}'));
  });

  it('an Org draft, plain text to an editor without an Org mode: Insert Citation writes [cite:@key], which hovers', async () => {
    const uri = fileUri('drafts/review.org');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('#+title: Review\n\nAs shown \n'));
    const { doc, editor } = await openDoc('drafts/review.org');
    editor.selection = new vscode.Selection(2, 9, 2, 9);
    await vscode.commands.executeCommand('litnotes.insertCitation', 'nola');
    assert.strictEqual(doc.lineAt(2).text, 'As shown [cite:@nola]');
    editor.selection = new vscode.Selection(2, 20, 2, 20);
    await vscode.commands.executeCommand('litnotes.insertCitation', 'compacter');
    assert.strictEqual(doc.lineAt(2).text, 'As shown [cite:@nola;@compacter]');
    await hoverEventually(doc, new vscode.Position(2, 17), 'Networks as Linear Combination');
  });

  /** A one-entry .bib outside the workspace for `use`; the user setting it may be added to is cleared after. */
  async function withOutsideBib(name: string, entry: string, use: (bib: string) => Promise<void>): Promise<void> {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-outside-e2e-'));
    const bib = path.join(outside, name);
    fs.writeFileSync(bib, entry);
    try {
      await use(bib);
    } finally {
      await vscode.workspace.getConfiguration('litnotes').update('bibliographyFiles', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(outside, { recursive: true, force: true });
    }
  }
  const userBibliographyFiles = () => vscode.workspace.getConfiguration('litnotes').inspect('bibliographyFiles')?.globalValue;

  it('Add Bibliography File names a file outside the workspace in the user settings, and its entries hover', () =>
    withOutsideBib('My Library.bib', '@article{zoteroOnly2023,\n  title = {Kept In Zotero Only},\n  author = {Doe, Jane},\n  year = {2023}\n}\n', async (bib) => {
      await vscode.commands.executeCommand('litnotes.addBibliographyFile', [bib]);
      assert.deepStrictEqual(userBibliographyFiles(), [bib]);
      await vscode.workspace.fs.writeFile(fileUri('drafts/zotero.md'), Buffer.from('See [@zoteroOnly2023].\n'));
      const { doc } = await openDoc('drafts/zotero.md');
      await hoverEventually(doc, new vscode.Position(0, 8), 'Kept In Zotero Only', 20000);
    }));

  it('a draft naming a bibliography outside the workspace: a note, and a quick fix that reads it', () =>
    withOutsideBib('shared.bib', '@book{sharedOnly2019,\n  title = {A Book From The Shared Library},\n  author = {Roe, Rick},\n  year = {2019}\n}\n', async (bib) => {
      await vscode.workspace.fs.writeFile(fileUri('drafts/shared.md'), Buffer.from(`---\nbibliography: ${bib}\n---\nSee [@sharedOnly2019].\n`));
      const { doc } = await openDoc('drafts/shared.md');
      const note = await diagnosticsMatching(doc.uri, (ds) => ds.find((d) => d.code === 'bibliography-outside'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, note.range);
      const read = actions.find((a) => a.title.startsWith(`Read ${bib} with Literature Notes`));
      assert.ok(read?.command, `no action among: ${actions.map((a) => a.title).join(', ')}`);
      await vscode.commands.executeCommand(read.command.command, ...(read.command.arguments ?? []));
      assert.deepStrictEqual(userBibliographyFiles(), [bib]);
      await hoverEventually(doc, new vscode.Position(3, 8), 'A Book From The Shared Library', 20000);
    }));

  it('Create Literature Note writes a new note and never overwrites one', async () => {
    await vscode.commands.executeCommand('litnotes.createNote', 'mmteb');
    const file = fileUri('notes/mmteb.md').fsPath;
    assert.match(fs.readFileSync(file, 'utf8'), /^---\ncitekey: mmteb\n/);
    fs.writeFileSync(file, 'my own words\n');
    await vscode.commands.executeCommand('litnotes.createNote', 'mmteb');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'my own words\n');
  });

  it('workspace symbols find papers by words in their abstracts', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'gzip');
    assert.ok(symbols.some((s) => s.name.startsWith('zip-fit')), symbols.map((s) => s.name).join(', '));
  });
});
