import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import * as path from 'path';
import { CreateNoteRequest, ExportBibliographyParams, ExportBibliographyRequest, ListRequest, PaperRequest, PaperSummary, ReferenceRequest, ReindexRequest, SearchRequest } from '../../server/src/shared/protocol';
import { bibliographyLine, citationEdit, citationText, orgBibliographyLine } from './citationEdits';
import { getText } from './papers/http';
import { withBibliographyFiles } from './bibliographyFiles';
import { isLitnotesExport } from '../../server/src/parse/exportMarker';
import { incrementalQuery } from '../../server/src/shared/rules';
import { openAt } from './reader';
import { documentName, documentProblem } from './localDocuments';
import { citationStyleOf, draftLanguage, isDraft } from './drafts';
import { caywKeys, caywUrl, zoteroSelectUri } from './zotero';

interface PaperPick extends vscode.QuickPickItem { key: string }

/** Applies the server's edit that creates a note at `uri` (never over a file), saves it and shows it. */
export async function makeNote(client: LanguageClient, serverEdit: unknown, uri: string): Promise<void> {
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(serverEdit as Parameters<LanguageClient['protocol2CodeConverter']['asWorkspaceEdit']>[0]);
  if (!edit || !(await vscode.workspace.applyEdit(edit))) { void vscode.window.showErrorMessage(`Could not create ${uri}.`); return; }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  await doc.save();
  await vscode.window.showTextDocument(doc);
}

/** Up to this many papers, the picker holds them all and the editor matches what is typed. */
const PICKER_HOLDS = 20000;

/**
 * A picker over every paper: key, title and authors matched as you type, plus full-text matches
 * (abstracts, notes) fetched as you type. A library of up to PICKER_HOLDS papers is fetched whole
 * and matched by the editor; a larger one is matched by the server (as `[@` completion matches),
 * so opening the picker does not wait for, nor hold, every paper.
 */
export async function pickPaper(client: LanguageClient, title: string): Promise<string | undefined> {
  const first = await client.sendRequest(ListRequest, { limit: 200 });
  const whole = first.total <= first.papers.length ? first : first.total <= PICKER_HOLDS ? await client.sendRequest(ListRequest, { limit: PICKER_HOLDS }) : undefined;
  const pick = (p: PaperSummary, alwaysShow = false): PaperPick => ({
    key: p.key,
    label: p.key,
    description: p.title,
    detail: [p.authors.slice(0, 3).join(', '), p.year ?? p.digestDate].filter(Boolean).join(' · ') || undefined,
    alwaysShow,
  });
  const base: PaperPick[] = (whole ?? first).papers.map((p) => pick(p));
  const qp = vscode.window.createQuickPick<PaperPick>();
  qp.title = title;
  qp.placeholder = whole
    ? 'Type a key, title words, an author, or words from the abstract'
    : `Type a key, title words, an author, or words from the abstract (${first.total.toLocaleString()} papers)`;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = base;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  qp.onDidChangeValue((value) => {
    if (timer) clearTimeout(timer);
    const mine = ++seq;
    if (value.trim().length < (whole ? 3 : 1)) { qp.items = base; qp.busy = false; return; }
    timer = setTimeout(async () => {
      qp.busy = true;
      // The server's matches for a library the picker does not hold; full-text matches from three letters.
      const [ranked, r] = await Promise.all([
        whole ? undefined : client.sendRequest(ListRequest, { query: value, limit: 100 }).catch(() => undefined),
        value.trim().length >= 3 ? client.sendRequest(SearchRequest, { query: incrementalQuery(value), limit: 30 }).catch(() => undefined) : undefined,
      ]);
      if (mine !== seq) return;
      qp.busy = false;
      const hits = new Set(r?.results.map((x) => x.key));
      // Full-text hits are always shown (alwaysShow), with the passage that matched.
      const extra: PaperPick[] = (r?.results ?? []).map((x) => ({ key: x.key, label: x.key, description: x.title, detail: x.snippet, alwaysShow: true }));
      const rest = ranked ? ranked.papers.map((p) => pick(p, true)) : base;
      qp.items = [...extra, ...rest.filter((b) => !hits.has(b.key))];
    }, whole ? 150 : 60);
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0]?.key); qp.hide(); });
    qp.onDidHide(() => { resolve(undefined); qp.dispose(); });
    qp.show();
  });
}

const EXPORT_CHOICES: (vscode.QuickPickItem & { format: ExportBibliographyParams['format']; extension: string })[] = [
  { label: 'CSL JSON', description: 'pandoc, Quarto, Zotero', format: 'csl-json', extension: 'json' },
  { label: 'BibTeX', description: 'LaTeX with BibTeX or natbib', format: 'bibtex', extension: 'bib' },
  { label: 'BibLaTeX', description: 'LaTeX with biblatex and biber', format: 'biblatex', extension: 'bib' },
  { label: 'CSL YAML', description: 'pandoc', format: 'csl-yaml', extension: 'yaml' },
];

/** Where Copy Reference keeps the format last used (the extension's global state). */
const LAST_REFERENCE_FORMAT = 'litnotes.copyReference.format';

/** `target` as a path relative to the document's folder, with forward slashes. */
function relativeTo(doc: vscode.Uri, target: vscode.Uri): string {
  return path.relative(path.dirname(doc.fsPath), target.fsPath).split(path.sep).join('/');
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
    const doc = editor.document;
    const style = citationStyleOf(doc);
    await editor.edit((b) => {
      for (const s of editor.selections) {
        const line = doc.lineAt(s.active.line).text;
        const selected = s.isEmpty || !s.isSingleLine ? undefined : { start: s.start.character, end: s.end.character };
        const edit = citationEdit(line, s.active.character, style.language, key!, style.latexCommand, selected, style.orgStyle);
        b.replace(new vscode.Range(s.active.line, edit.start, s.active.line, edit.end), edit.text);
      }
    });
    await vscode.window.showTextDocument(doc, editor.viewColumn);
  }

  /**
   * Insert Citation from Zotero…: Zotero's own citation picker (Better BibTeX's cite-as-you-write),
   * its picks cited in the document's syntax as Insert Citation cites. Zotero's local server is asked
   * first whether the picker is there, so a Zotero that is not running is said at once.
   */
  async insertCitationFromZotero(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor) { void vscode.window.showInformationMessage('Open a document to insert a citation into.'); return; }
    const base = vscode.workspace.getConfiguration('litnotes').get<string>('zotero.url', 'http://127.0.0.1:23119');
    const probe = caywUrl(base, true), pick = caywUrl(base);
    if (!probe || !pick) { void vscode.window.showErrorMessage(`litnotes.zotero.url "${base}" is not an http address.`); return; }
    const ready = await getText(probe, { timeoutMs: 3000, maxBytes: 1024 }).catch(() => '');
    if (ready.trim() !== 'ready') { void vscode.window.showWarningMessage(`Zotero's citation picker did not answer at ${base}: is Zotero running, with Better BibTeX?`); return; }
    const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Pick the papers in Zotero…', cancellable: true }, (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return getText(pick, { timeoutMs: 10 * 60_000, maxBytes: 1024 * 1024, signal: abort.signal }).catch((err: Error) => {
        if (!token.isCancellationRequested) void vscode.window.showErrorMessage(err.message);
        return '';
      });
    });
    const keys = caywKeys(answer);
    if (!keys.length) return; // nothing picked
    if (keys.length === 1) { await this.insertCitation(keys[0]); return; }
    const doc = editor.document;
    const style = citationStyleOf(doc);
    const text = citationText(keys, style.language, style.latexCommand, style.orgStyle);
    await editor.edit((b) => { for (const s of editor.selections) b.replace(s, text); });
    await vscode.window.showTextDocument(doc, editor.viewColumn);
  }

  /**
   * Export Bibliography…: the papers the active draft cites (or the whole library) as CSL JSON, CSL
   * YAML, BibTeX or BibLaTeX, in a file the user picks (never over one litnotes did not write
   * without asking), then offers to name it in the draft's front matter.
   */
  async exportBibliography(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    const draft = editor && isDraft(editor.document) && editor.document.uri.scheme === 'file' ? editor.document : undefined;
    const scope = draft
      ? await vscode.window.showQuickPick([
        { label: `$(file) Papers cited in ${vscode.workspace.asRelativePath(draft.uri)}`, uri: draft.uri.toString() },
        { label: '$(library) The whole library', uri: undefined },
      ], { title: 'Export Bibliography', placeHolder: 'Which papers?' })
      : { label: 'library', uri: undefined };
    if (!scope) return;
    const format = await vscode.window.showQuickPick(EXPORT_CHOICES, { title: 'Export Bibliography', placeHolder: 'Format' });
    if (!format) return;
    const folder = draft ? vscode.Uri.joinPath(draft.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Bibliography',
      defaultUri: folder && vscode.Uri.joinPath(folder, `references.${format.extension}`),
      filters: { [format.label]: [format.extension] },
    });
    if (!target) return;
    const existing = await vscode.workspace.fs.readFile(target).then((b) => Buffer.from(b).toString('utf8'), () => undefined);
    if (existing !== undefined && !isLitnotesExport(existing)) {
      const overwrite = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} exists and was not written by Literature Notes. Replace it?`, { modal: true }, 'Replace');
      if (overwrite !== 'Replace') return;
    }
    // The server writes a file on disk itself, a slice at a time (a whole large library's is hundreds of MB); other schemes get the text.
    const onDisk = target.scheme === 'file';
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Exporting bibliography…' }, () =>
      this.client.sendRequest(ExportBibliographyRequest, { uri: scope.uri, format: format.format, target: onDisk ? target.toString() : undefined }));
    if (r.error) { void vscode.window.showErrorMessage(r.error); return; }
    if (!r.written) await vscode.workspace.fs.writeFile(target, Buffer.from(r.text, 'utf8'));
    const missing = r.unresolved.length ? ` ${r.unresolved.length} cited key${r.unresolved.length === 1 ? ' is' : 's are'} unknown and left out: ${r.unresolved.slice(0, 5).join(', ')}${r.unresolved.length > 5 ? ', …' : ''}.` : '';
    this.output.appendLine(`Exported ${r.count} papers to ${target.fsPath} (${format.format}).${missing}`);
    if (draft && draft.languageId !== 'latex') await this.offerBibliographyLine(draft, target, r.count, missing);
    else void vscode.window.showInformationMessage(`Exported ${r.count} papers to ${vscode.workspace.asRelativePath(target)}.${missing}${draft ? ` Add \\addbibresource{${relativeTo(draft.uri, target)}} to the document to use it.` : ''}`);
  }

  private async offerBibliographyLine(draft: vscode.TextDocument, target: vscode.Uri, count: number, missing: string): Promise<void> {
    const rel = relativeTo(draft.uri, target);
    const org = draftLanguage(draft) === 'org';
    const edit = org ? orgBibliographyLine(draft.getText(), rel) : bibliographyLine(draft.getText(), rel);
    const message = `Exported ${count} papers to ${vscode.workspace.asRelativePath(target)}.${missing}`;
    if (!edit) { void vscode.window.showInformationMessage(message); return; }
    const add = org ? `Add "#+bibliography: ${rel}"` : `Add "bibliography: ${rel}"`;
    const ask = org ? `${message} Name it in the draft, so that Org's citation export uses it?` : `${message} Name it in the draft's front matter, so that pandoc and Quarto use it?`;
    if ((await vscode.window.showInformationMessage(ask, add)) !== add) return;
    const we = new vscode.WorkspaceEdit();
    we.insert(draft.uri, new vscode.Position(edit.line, 0), edit.text);
    await vscode.workspace.applyEdit(we);
  }

  async searchPapers(): Promise<string | undefined> {
    return pickPaper(this.client, 'Search Papers');
  }

  async createNote(key?: string): Promise<void> {
    key ??= await pickPaper(this.client, 'Create Literature Note');
    if (!key) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.toString();
    const r = await this.client.sendRequest(CreateNoteRequest, { key, folderUri: folder });
    if (r.edit && r.uri) { await makeNote(this.client, r.edit, r.uri); return; }
    if (r.uri) { await openAt(r.uri, 0); return; }
    void vscode.window.showWarningMessage(r.message ?? 'No note was created.');
  }

  async goToSource(key: string): Promise<void> {
    const p = await this.client.sendRequest(PaperRequest, { key });
    const target = p?.note ?? p?.entries[0] ?? p?.digests[0];
    if (target) await openAt(target.uri, target.line);
  }

  /**
   * Open PDF: the paper's local document (a note's `pdf:` field, a bibliography entry's `file`
   * field), with the system's viewer or in VS Code (`litnotes.pdf.openWith`). Only documents that
   * exist are offered (a choice when there are several), and none in an untrusted workspace, whose
   * notes and bibliographies choose what would be opened.
   */
  async openDocument(key: string): Promise<void> {
    const p = await this.client.sendRequest(PaperRequest, { key });
    if (!p) { void vscode.window.showWarningMessage(`No paper has the key "${key}".`); return; }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Open PDF is off in an untrusted workspace: its notes and bibliographies name the files it would open.');
      return;
    }
    const found: vscode.Uri[] = [];
    for (const f of p.files) {
      const why = documentProblem(f);
      if (why) { this.output.appendLine(`Open PDF: ${f} is left out (${why}).`); continue; }
      const uri = vscode.Uri.parse(f);
      const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
      if (stat && stat.type & vscode.FileType.File) found.push(uri);
      else this.output.appendLine(`Open PDF: ${uri.fsPath} (named for ${p.key}) does not exist.`);
    }
    if (!found.length) {
      const first = p.files.length ? vscode.Uri.parse(p.files[0]).fsPath : '';
      const why = p.files.length === 1 ? `the file its note or bibliography entry names does not exist (${first})`
        : p.files.length ? `none of the ${p.files.length} files its note or bibliography entry names exists (${first}, …)`
        : 'name one with `pdf:` in its note, or keep the `file` field in your BibTeX export';
      void vscode.window.showInformationMessage(`No local PDF for ${p.key}: ${why}.`);
      return;
    }
    const chosen = found.length === 1 ? found[0] : (await vscode.window.showQuickPick(
      found.map((uri) => ({ label: `$(file-pdf) ${documentName(uri.toString())}`, description: uri.fsPath, uri })),
      { title: `Open PDF: ${p.key}`, placeHolder: 'Which document?' }))?.uri;
    if (!chosen) return;
    const how = vscode.workspace.getConfiguration('litnotes').get<string>('pdf.openWith', 'system');
    if (how === 'editor') await vscode.commands.executeCommand('vscode.open', chosen, { preview: false, viewColumn: vscode.ViewColumn.Active });
    else if (!(await vscode.env.openExternal(chosen))) void vscode.window.showWarningMessage(`Could not open ${chosen.fsPath} with the system's viewer.`);
  }

  /**
   * Copy Reference: a paper's entry alone (BibTeX, BibLaTeX, CSL JSON or CSL YAML), to paste into a
   * bibliography kept elsewhere; the format last used is offered first. `format` skips the choice.
   */
  async copyReference(key: string, format?: string, remembered?: vscode.Memento): Promise<void> {
    const last = remembered?.get<string>(LAST_REFERENCE_FORMAT);
    const choices = [...EXPORT_CHOICES].sort((a, b) => Number(b.format === last) - Number(a.format === last));
    const chosen = EXPORT_CHOICES.find((c) => c.format === format) ?? await vscode.window.showQuickPick(choices, { title: `Copy Reference: ${key}`, placeHolder: 'Format' });
    if (!chosen) return;
    await remembered?.update(LAST_REFERENCE_FORMAT, chosen.format);
    const r = await this.client.sendRequest(ReferenceRequest, { key, format: chosen.format });
    if (!r) { void vscode.window.showWarningMessage(`No paper has the key "${key}".`); return; }
    await vscode.env.clipboard.writeText(r.text);
    vscode.window.setStatusBarMessage(`Copied the ${chosen.label} entry of ${r.key}`, 3000);
  }

  /** Show in Zotero: the paper's bibliography entry selected in Zotero, by the key the entry has there. */
  async showInZotero(key: string): Promise<void> {
    const p = await this.client.sendRequest(PaperRequest, { key });
    const link = p?.entries.map((e) => e.key && zoteroSelectUri(e.key)).find(Boolean);
    if (!link) { void vscode.window.showInformationMessage(`${p ? p.key : key} has no entry in a bibliography your reference manager exported, so Zotero has no item to show.`); return; }
    if (!(await vscode.env.openExternal(vscode.Uri.parse(link)))) void vscode.window.showWarningMessage('Could not open Zotero: is it installed, with Better BibTeX?');
  }

  async copyKey(key: string): Promise<void> {
    await vscode.env.clipboard.writeText(key);
    vscode.window.setStatusBarMessage(`Copied ${key}`, 2000);
  }

  /**
   * Add Bibliography File…: files to read wherever they are (Zotero's auto-export outside every
   * project), added to `litnotes.bibliographyFiles` in the user settings, the only place that setting
   * is taken from. `paths` (from another extension or a test) skips the file dialog.
   */
  async addBibliographyFile(paths?: string[]): Promise<void> {
    const picked = paths ?? (await vscode.window.showOpenDialog({
      title: 'Add Bibliography File',
      openLabel: 'Read with Literature Notes',
      canSelectMany: true,
      filters: { 'BibTeX, CSL JSON, CSL YAML': ['bib', 'json', 'yaml', 'yml'] },
    }))?.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
    if (!picked?.length) return;
    const config = vscode.workspace.getConfiguration('litnotes');
    const { files, added } = withBibliographyFiles(config.inspect<unknown[]>('bibliographyFiles')?.globalValue, picked);
    if (!added.length) { void vscode.window.showInformationMessage('Literature Notes reads that file already.'); return; }
    await config.update('bibliographyFiles', files, vscode.ConfigurationTarget.Global);
    this.output.appendLine(`Added to litnotes.bibliographyFiles (user settings): ${added.join(', ')}`);
    void vscode.window.showInformationMessage(`Literature Notes reads ${added.map((p) => path.basename(p)).join(', ')} from now on, and follows its changes.`);
  }

  async reindex(): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reindexing literature' }, () => this.client.sendRequest(ReindexRequest));
  }

  showOutput(): void {
    this.output.show(true);
  }
}
