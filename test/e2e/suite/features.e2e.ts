import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activated, EXTENSION_ID, diagnosticsMatching, fileUri, hoverText, openDoc, positionOf } from './helpers';
import { SERVER_NODE_FLAGS } from '../../../server/src/runtime/launchFlags';

describe('litnotes in a real VS Code', () => {
  it('loads the extension under test from where the runner put it (dev folder or installed VSIX)', () => {
    const expectFile = fileUri('.e2e-expect.json').fsPath;
    assert.ok(fs.existsSync(expectFile), 'every runner states where the extension under test comes from');
    const { extensionPathPrefix } = JSON.parse(fs.readFileSync(expectFile, 'utf8')) as { extensionPathPrefix: string };
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(ext.extensionPath.startsWith(extensionPathPrefix), `${ext.extensionPath} is not under ${extensionPathPrefix}`);
    // The server carries on (with a log line) when a worker file is missing, so this is what catches a packaging slip.
    for (const worker of ['searchWorker.js', 'topicsWorker.js', 'parseWorker.js']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, 'dist', worker)), `dist/${worker} is in the extension`);
    }
  });

  before(async () => {
    const api = await activated();
    const status = await api.ready;
    assert.strictEqual(status.papers, 96);
  });

  it('the extension starts its language server with the Node flags the bench measures with (Linux)', function () {
    if (process.platform !== 'linux') this.skip();
    // The server is a child of this extension host: find it by its command line.
    const servers: string[][] = [];
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        if (argv.some((a) => a.endsWith(path.join('dist', 'server.js')))) servers.push(argv);
      } catch { /* the process ended meanwhile */ }
    }
    assert.strictEqual(servers.length, 1, 'one language server');
    for (const flag of SERVER_NODE_FLAGS) assert.ok(servers[0].includes(flag), `${flag} in ${servers[0].join(' ')}`);
  });

  it('completion after [@ offers KaSA by its key and shows its abstract', async () => {
    const { doc, editor } = await openDoc('drafts/analysis.qmd');
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount - 1, 0), 'New claim [@kas'));
    const pos = new vscode.Position(doc.lineCount - 1, 'New claim [@kas'.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos, undefined, 1);
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'jiang2024kasa');
    assert.ok(item, `KaSA not offered: ${list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).join(', ')}`);
    assert.match(String(item.detail), /^KaSA: Knowledge-Aware/);
    await vscode.commands.executeCommand('undo');
  });

  it('hover on a key shows the abstract, escaped, with no trusted or HTML content', async () => {
    const { doc } = await openDoc('drafts/related-work.md');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, '@compacter', 3));
    const text = hoverText(hovers);
    assert.match(text, /Compacter/);
    assert.match(text, /Adapting large-scale pretrained language models/);
    for (const h of hovers) for (const c of h.contents) if (c instanceof vscode.MarkdownString) {
      assert.ok(!c.isTrusted, 'hover markdown must not be trusted');
      assert.ok(!c.supportHtml, 'hover markdown must not render HTML');
    }
  });

  it('definition goes to the digest entry; an alias goes to the note', async () => {
    const { doc } = await openDoc('drafts/related-work.md');
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, '@compacter', 3));
    const loc = defs[0] as vscode.Location;
    assert.strictEqual(loc.uri.fsPath, fileUri('digests/daily-papers-sep-8.txt').fsPath);
    assert.strictEqual(loc.range.start.line, 36);
    const alias = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, '[@kasa]', 3));
    assert.strictEqual(alias[0].uri.fsPath, fileUri('notes/jiang2024kasa.md').fsPath);
  });

  it('references find every citation across drafts and notes, plus the note itself', async () => {
    const { doc } = await openDoc('drafts/related-work.md');
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, '@lin2022truthfulqa', 3));
    const files = [...new Set(refs.map((r) => vscode.workspace.asRelativePath(r.uri)))].sort();
    assert.deepStrictEqual(files, ['drafts/related-work.md', 'notes/kalai2024hallucinate.md', 'notes/lin2022truthfulqa.md']);
  });

  it('a misspelt key gets a warning and its quick fix repairs it', async () => {
    const { doc } = await openDoc('drafts/related-work.md');
    const diag = await diagnosticsMatching(doc.uri, (ds) => ds.find((d) => d.message.startsWith('Unknown citation key "truthfulqa2022lin"')));
    assert.strictEqual(diag.severity, vscode.DiagnosticSeverity.Warning);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range);
    const fix = actions.find((a) => a.title === 'Replace with "lin2022truthfulqa"');
    assert.ok(fix?.edit, `no quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(doc.getText().includes('[@lin2022truthfulqa]. and @kasaa') || doc.getText().includes('A misspelt key: [@lin2022truthfulqa]'));
    await diagnosticsMatching(doc.uri, (ds) => (ds.some((d) => d.message.includes('"truthfulqa2022lin"')) ? undefined : true));
    await vscode.commands.executeCommand('undo');
  });

  it('a bibliography the draft names that does not exist: a warning, and its quick fix writes it with what the draft cites', async () => {
    await vscode.workspace.fs.writeFile(fileUri('drafts/needs-refs.md'), Buffer.from('---\nbibliography: refs/needs.json\n---\nSee [@nola] and [@compacter].\n'));
    const { doc } = await openDoc('drafts/needs-refs.md');
    const diag = await diagnosticsMatching(doc.uri, (ds) => ds.find((d) => d.message.startsWith('Bibliography refs/needs.json not found')));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range);
    const fix = actions.find((a) => a.title === 'Export the 2 cited papers to refs/needs.json');
    assert.ok(fix?.edit, `no fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const created = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === fileUri('drafts/refs/needs.json').fsPath);
    assert.ok(created, 'the new file is open');
    await created.save();
    const ids = (JSON.parse(fs.readFileSync(fileUri('drafts/refs/needs.json').fsPath, 'utf8')) as { id: string }[]).map((i) => i.id).sort();
    assert.deepStrictEqual(ids, ['compacter', 'nola']);
    await diagnosticsMatching(doc.uri, (ds) => (ds.some((d) => d.message.startsWith('Bibliography refs/needs.json')) ? undefined : true));
  });

  it('"Create literature note" writes a new note for a digest paper', async () => {
    const { doc } = await openDoc('drafts/report.Rmd');
    const pos = positionOf(doc, '@sphinx', 2);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos));
    const create = actions.find((a) => a.title === 'Create literature note for "sphinx"');
    assert.ok(create?.edit, `no create action among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(create.edit));
    const created = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === fileUri('notes/sphinx.md').fsPath);
    assert.ok(created, 'the new note is open');
    await created.save();
    assert.match(fs.readFileSync(fileUri('notes/sphinx.md').fsPath, 'utf8'), /^---\ncitekey: sphinx\ntitle: 'SPHINX: The Joint Mixing/);
  });

  it('rename changes the note key and its citations in one edit', async () => {
    const { doc } = await openDoc('drafts/paper.tex');
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, 'konig2020common', 2), 'koenig2020mpc');
    const files = edit.entries().map(([u]) => vscode.workspace.asRelativePath(u)).sort();
    assert.deepStrictEqual(files, ['drafts/paper.tex', 'notes/konig2020common.md']);
  });

  it('a JSON file is no document that cites: "@types/node" in it gets no diagnostic', async () => {
    const json = fileUri('package.json');
    fs.writeFileSync(json.fsPath, '{\n  "devDependencies": { "@types/node": "^20", "@vscode/vsce": "^3" }\n}\n');
    try {
      await openDoc('package.json');
      // A draft opened after it: once the draft's diagnostic is in, the JSON's would have been too.
      const draft = await openDoc('drafts/report.Rmd');
      await draft.editor.edit((b) => b.insert(new vscode.Position(0, 0), '[@nosuchkey2024] '));
      await diagnosticsMatching(draft.doc.uri, (ds) => ds.find((d) => d.message.startsWith('Unknown citation key "nosuchkey2024"')));
      assert.deepStrictEqual(vscode.languages.getDiagnostics(json).filter((d) => d.source === 'litnotes'), []);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      fs.rmSync(json.fsPath, { force: true });
    }
  });

  it('a digest has an outline: its papers by title, with their keys (Outline view, breadcrumbs, Go to Symbol in File)', async () => {
    const { doc } = await openDoc('digests/daily-papers-sep-8.txt');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const pruning = symbols?.find((s) => s.name === 'Pruning as a Domain-specific LLM Extractor');
    assert.ok(pruning, `the outline lists the digest's first paper (${symbols?.length ?? 0} symbols)`);
    assert.ok(symbols!.length > 80, `${symbols!.length} symbols`);
    assert.strictEqual(doc.lineAt(pruning!.range.start.line).text.trim(), pruning!.name);
    assert.ok(pruning!.detail, 'with the key it is cited by');
  });
});
