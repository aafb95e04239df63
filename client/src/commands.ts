import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CreateNoteRequest, CreateNoteResponse, ListRequest, ListResponse, PaperDetails, PaperRequest, ReindexRequest, SearchRequest, SearchResponse } from '../../server/src/protocol';
import { openAt } from './reader';

interface PaperPick extends vscode.QuickPickItem { key: string }

/** The citation in the syntax of the document: `\cite{key}` in LaTeX, `[@key]` elsewhere. */
export function citationText(languageId: string, key: string): string {
  return languageId === 'latex' || languageId === 'tex' ? `\\cite{${key}}` : `[@${key}]`;
}

/**
 * A picker over every paper: the editor's own matching on key, title and authors, plus full-text
 * matches (abstracts, notes) fetched as you type.
 */
export async function pickPaper(client: LanguageClient, title: string): Promise<string | undefined> {
  const list = await client.sendRequest<ListResponse>(ListRequest, { limit: 20000 });
  const base: PaperPick[] = list.papers.map((p) => ({
    key: p.key,
    label: p.key,
    description: p.title,
    detail: [p.authors.slice(0, 3).join(', '), p.year ?? p.digestDate].filter(Boolean).join(' · ') || undefined,
  }));
  const qp = vscode.window.createQuickPick<PaperPick>();
  qp.title = title;
  qp.placeholder = 'Type a key, title words, an author, or words from the abstract';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = base;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  qp.onDidChangeValue((value) => {
    if (timer) clearTimeout(timer);
    const mine = ++seq;
    if (value.trim().length < 3) { qp.items = base; return; }
    timer = setTimeout(async () => {
      qp.busy = true;
      const r = await client.sendRequest<SearchResponse>(SearchRequest, { query: value.includes(':') || /[+*~^-]/.test(value) ? value : `${value} ${value.trim().split(/\s+/).pop()}*`, limit: 30 });
      qp.busy = false;
      if (mine !== seq) return;
      const hits = new Set(r.results.map((x) => x.key));
      // Full-text hits are always shown (alwaysShow), with the passage that matched.
      const extra: PaperPick[] = r.results.map((x) => ({ key: x.key, label: x.key, description: x.title, detail: x.snippet, alwaysShow: true }));
      qp.items = [...extra, ...base.filter((b) => !hits.has(b.key))];
    }, 150);
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0]?.key); qp.hide(); });
    qp.onDidHide(() => { resolve(undefined); qp.dispose(); });
    qp.show();
  });
}

export class Commands {
  /** The last text editor the user worked in (the reader's "Insert citation" goes there). */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

  constructor(private readonly client: LanguageClient, private readonly output: vscode.OutputChannel) {}

  track(): vscode.Disposable {
    return vscode.window.onDidChangeActiveTextEditor((e) => { if (e && e.document.uri.scheme !== 'output') this.lastEditor = e; });
  }

  async insertCitation(key?: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor) { void vscode.window.showInformationMessage('Open a document to insert a citation into.'); return; }
    key ??= await pickPaper(this.client, 'Insert Citation');
    if (!key) return;
    const text = citationText(editor.document.languageId, key);
    await editor.edit((b) => { for (const s of editor.selections) b.replace(s, text); });
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  }

  async searchPapers(): Promise<string | undefined> {
    return pickPaper(this.client, 'Search Papers');
  }

  async createNote(key?: string): Promise<void> {
    key ??= await pickPaper(this.client, 'Create Literature Note');
    if (!key) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.toString();
    const r = await this.client.sendRequest<CreateNoteResponse>(CreateNoteRequest, { key, folderUri: folder });
    if (r.edit) {
      const edit = await this.client.protocol2CodeConverter.asWorkspaceEdit(r.edit as NonNullable<Parameters<LanguageClient['protocol2CodeConverter']['asWorkspaceEdit']>[0]>);
      if (!edit || !(await vscode.workspace.applyEdit(edit))) { void vscode.window.showErrorMessage(`Could not create ${r.uri}.`); return; }
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(r.uri!));
      await doc.save();
      await vscode.window.showTextDocument(doc);
      return;
    }
    if (r.uri) { await openAt(r.uri, 0); return; }
    void vscode.window.showWarningMessage(r.message ?? 'No note was created.');
  }

  async goToSource(key: string): Promise<void> {
    const p = await this.client.sendRequest<PaperDetails | null>(PaperRequest, { key });
    const target = p?.note ?? p?.entries[0] ?? p?.digests[0];
    if (target) await openAt(target.uri, target.line);
  }

  async copyKey(key: string): Promise<void> {
    await vscode.env.clipboard.writeText(key);
    vscode.window.setStatusBarMessage(`Copied ${key}`, 2000);
  }

  async reindex(): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reindexing literature' }, () => this.client.sendRequest(ReindexRequest));
  }

  showOutput(): void {
    this.output.show(true);
  }
}
