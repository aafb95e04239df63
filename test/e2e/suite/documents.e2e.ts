import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activated, fileUri } from './helpers';

/** The smallest PDF a viewer takes: one empty page. */
const PDF = '%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

const note = (key: string, pdf: string) => `---\ncitekey: ${key}\ntitle: "Documents test ${key}"\npdf: "${pdf}"\n---\nA note with a document.\n`;

/** The URIs of every open tab's file. */
const openTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.fsPath).filter(Boolean);

describe('Open PDF, Copy Reference and the Markdown preview, in the editor', () => {
  const written = ['notes/docstest-attention.pdf', 'notes/docstest2017.md', 'notes/docsscript2017.md', 'notes/docs-run.sh'];
  before(async () => {
    await activated();
    fs.writeFileSync(fileUri(written[0]).fsPath, PDF);
    fs.writeFileSync(fileUri(written[3]).fsPath, '#!/bin/sh\ntouch /tmp/litnotes-pwned\n');
    fs.writeFileSync(fileUri(written[1]).fsPath, note('docstest2017', '[[docstest-attention.pdf]]'));
    fs.writeFileSync(fileUri(written[2]).fsPath, note('docsscript2017', 'docs-run.sh'));
    await vscode.workspace.getConfiguration('litnotes').update('pdf.openWith', 'editor', vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('litnotes').update('pdf.openWith', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const rel of written) fs.rmSync(fileUri(rel).fsPath, { force: true });
  });

  it('opens the PDF a note names for its key; a script a note names is never opened', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pdf = fileUri(written[0]).fsPath;
    // The new note is read by the watcher: ask until the paper is known.
    for (let waited = 0; !openTabs().includes(pdf) && waited < 20000; waited += 500) {
      await vscode.commands.executeCommand('litnotes.openPdf', 'docstest2017');
      if (!openTabs().includes(pdf)) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(openTabs().includes(pdf), `the PDF is open in a tab (tabs: ${openTabs().join(', ')})`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The script's note is indexed (the reader shows its paper), and offers nothing to open.
    const api = (await activated()) as unknown as { reader: { currentKey?: string } };
    for (let waited = 0; api.reader.currentKey !== 'docsscript2017' && waited < 20000; waited += 500) {
      await vscode.commands.executeCommand('litnotes.openReader', 'docsscript2017');
      if (api.reader.currentKey !== 'docsscript2017') await new Promise((r) => setTimeout(r, 500));
    }
    assert.strictEqual(api.reader.currentKey, 'docsscript2017', 'the note naming a script is indexed');
    await vscode.commands.executeCommand('litnotes.openPdf', 'docsscript2017');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepStrictEqual(openTabs().filter((p) => p!.endsWith('docs-run.sh')), [], 'the script is not opened');
  });

  it('Copy Reference puts the paper\'s BibTeX entry on the clipboard, under its own key, without the export\'s mark', async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('litnotes.copyReference', 'kasa', 'bibtex');
    const text = await vscode.env.clipboard.readText();
    assert.match(text, /^@\w+\{jiang2024kasa,\n\s+title = \{\{KaSA:\} /);
    assert.doesNotMatch(text, /Written by litnotes/);
  });

  it('the Markdown preview prints citations as pandoc does and lists the papers cited under the document', async () => {
    const text = 'As [@kasa; see @nosuchkey2099, p. 3] show.\n';
    // A document, as the preview renders it (VS Code may render an unchanged document's tokens again
    // without parsing it: the unit test covers that). The first render asks the server; the preview is
    // rendered again when it answers.
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    let html = '';
    for (let waited = 0; !html.includes('Wang et al. 2024') && waited < 20000; waited += 250) {
      html = await vscode.commands.executeCommand<string>('markdown.api.render', doc);
      if (!html.includes('Wang et al. 2024')) await new Promise((r) => setTimeout(r, 250));
    }
    assert.strictEqual(doc.version, 1, 'the same document throughout');
    assert.match(html, /<span class="litnotes-citation">\(<a href="#ref-jiang2024kasa" title="KaSA: [^"]*">Wang et al\. 2024<\/a>; see <span class="litnotes-missing"[^>]*>nosuchkey2099\?<\/span>, p\. 3\)<\/span>/, html);
    assert.match(html, /<div class="litnotes-reference" id="ref-jiang2024kasa">Wang, Fan, Juyong Jiang, and Chansung Park\. 2024\./);
    // A numeric style named in the front matter, read from the token VS Code's own engine makes of it.
    const ieee = await vscode.workspace.openTextDocument({ language: 'markdown', content: `---\ncsl: ieee.csl\n---\n\n${text}` });
    for (let waited = 0; !html.includes('[1') && waited < 10000; waited += 250) {
      html = await vscode.commands.executeCommand<string>('markdown.api.render', ieee);
      if (!html.includes('[1')) await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(html, /<span class="litnotes-citation">\[<a href="#ref-jiang2024kasa"[^>]*>1<\/a>, see <span class="litnotes-missing"[^>]*>nosuchkey2099\?<\/span>, p\. 3\]<\/span>/, html);
    assert.match(html, /<div class="litnotes-reference" id="ref-jiang2024kasa">\[1\] Wang, Fan/);
    await vscode.workspace.getConfiguration('litnotes').update('preview.citations', false, vscode.ConfigurationTarget.Workspace);
    try {
      html = await vscode.commands.executeCommand<string>('markdown.api.render', text);
      assert.doesNotMatch(html, /Wang et al|litnotes-reference/, 'off: citations show as written');
    } finally {
      await vscode.workspace.getConfiguration('litnotes').update('preview.citations', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Render Draft with pandoc writes the draft beside it with its reference list, from the papers it cites when it names no bibliography', async function () {
    this.timeout(60000);
    const rel = 'drafts/render-test.md';
    fs.writeFileSync(fileUri(rel).fsPath, '# Render test\n\nAs [@kasa] show.\n\n# References\n');
    const out = fileUri('drafts/render-test.html').fsPath;
    try {
      const doc = await vscode.workspace.openTextDocument(fileUri(rel));
      await vscode.window.showTextDocument(doc);
      const written = await vscode.commands.executeCommand<string | undefined>('litnotes.renderDraft', 'html', false);
      assert.strictEqual(written, out);
      const html = fs.readFileSync(out, 'utf8');
      assert.match(html, /<div id="refs"/, 'pandoc made a reference list');
      const refs = html.slice(html.indexOf('<div id="refs"')).replace(/\s+/g, ' ');
      assert.match(refs, /KaSA: Knowledge-Aware Singular-Value Adaptation of Large Language Models/, refs.slice(0, 600));
      assert.doesNotMatch(html, /kasa\?/, 'the citation resolved');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(fileUri(rel).fsPath, { force: true });
      fs.rmSync(out, { force: true });
    }
  });
});
