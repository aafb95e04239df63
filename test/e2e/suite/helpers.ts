import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

/** The extension's API (see client/src/extension.ts). */
export interface LitnotesApi {
  ready: Promise<{ papers: number; notes: number; digests: number }>;
}

export const EXTENSION_ID = 'litnotes.litnotes';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the editor tests need the example library opened as the workspace');
  return folder.uri.fsPath;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), rel));
}

/** Activates the extension (by opening a draft) and waits for its first full index. */
export async function activated(): Promise<LitnotesApi> {
  const ext = vscode.extensions.getExtension<LitnotesApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  await vscode.workspace.openTextDocument(fileUri('drafts/related-work.md'));
  const api = await ext.activate();
  await api.ready;
  return api;
}

export async function openDoc(rel: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  const editor = await vscode.window.showTextDocument(doc);
  return { doc, editor };
}

/** Position of the first occurrence of `needle` in `doc`, plus `offset` characters. */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" not found in ${doc.uri.fsPath}`);
  return doc.positionAt(at + offset);
}

/** Resolves when `check` returns a value for the document's diagnostics (waits on change events, not sleeps). */
export function diagnosticsMatching<T>(uri: vscode.Uri, check: (d: readonly vscode.Diagnostic[]) => T | undefined, ms = 20000): Promise<T> {
  return new Promise((resolve, reject) => {
    const now = check(vscode.languages.getDiagnostics(uri));
    if (now) { resolve(now); return; }
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`diagnostics for ${uri.fsPath} never matched`)); }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const v = check(vscode.languages.getDiagnostics(uri));
      if (v) { clearTimeout(timer); sub.dispose(); resolve(v); }
    });
  });
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** Waits (up to `ms`) until the hover at `at` in `doc` holds `text` (the server may still be reading what it needs). */
export async function hoverEventually(doc: vscode.TextDocument, at: vscode.Position, text: string, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at);
    if (hoverText(hovers).includes(text)) return;
    if (Date.now() > deadline) assert.fail(`the hover never held "${text}": ${hoverText(hovers)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
