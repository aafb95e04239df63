import * as vscode from 'vscode';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportBibliographyRequest } from '../../server/src/shared/protocol';
import { namesBibliography, pandocArguments, pandocMessage, RENDER_FORMATS, RenderFormat, renderedName } from './renderDraft';

/** How long pandoc may take (a PDF runs LaTeX). */
const PANDOC_TIMEOUT_MS = 180_000;
/** What is kept of pandoc's standard error for the output channel. */
const STDERR_KEPT = 64 * 1024;
const LAST_FORMAT = 'litnotes.renderDraft.format';

/**
 * Render Draft with pandoc…: the active markdown draft as HTML, Word or PDF, beside it, with its
 * reference list: pandoc's citeproc reads the draft's own `bibliography:` when it names one, and
 * otherwise the papers it cites, which litnotes exports for the run (a temporary CSL JSON file).
 * pandoc is `litnotes.pandoc.path` (a machine setting). Off in an untrusted workspace: the draft
 * would choose what pandoc reads (LaTeX for a PDF can read any file).
 * `format` and `open: false` (from tests and keybindings) skip the questions; returns the file written.
 */
export async function renderDraft(client: LanguageClient, output: vscode.OutputChannel, state: vscode.Memento, format?: unknown, open = true): Promise<string | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'markdown' || doc.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Render Draft works on a markdown draft saved in the workspace: open one first.');
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('Render Draft is off in an untrusted workspace: the draft would choose what pandoc reads.');
    return undefined;
  }
  const chosen = RENDER_FORMATS.find((f) => f.format === format) ?? (await pickFormat(state));
  if (!chosen) return undefined;
  const folder = path.dirname(doc.uri.fsPath);
  const target = path.join(folder, renderedName(path.basename(doc.uri.fsPath), chosen.format));
  if (open && fs.existsSync(target)) {
    const replace = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} exists. Replace it with the rendered draft?`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return undefined;
  }
  const pandoc = vscode.workspace.getConfiguration('litnotes').get<string>('pandoc.path') || 'pandoc';
  const text = doc.getText();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'litnotes-render-'));
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rendering ${path.basename(doc.uri.fsPath)} with pandoc…`, cancellable: true }, async (_progress, token) => {
      let bibliography: string | undefined;
      if (!namesBibliography(text)) {
        bibliography = path.join(scratch, 'references.json');
        const r = await client.sendRequest(ExportBibliographyRequest, { uri: doc.uri.toString(), format: 'csl-json', target: vscode.Uri.file(bibliography).toString() });
        if (r.error) throw new Error(r.error);
        if (r.unresolved.length) output.appendLine(`Render Draft: ${r.unresolved.length} cited key${r.unresolved.length === 1 ? ' is' : 's are'} unknown (pandoc prints them as "key?"): ${r.unresolved.slice(0, 10).join(', ')}`);
      }
      const args = pandocArguments({ format: chosen.format, output: target, bibliography, title: path.basename(doc.uri.fsPath) });
      output.appendLine(`Render Draft: ${pandoc} ${args.join(' ')} < ${doc.uri.fsPath} (in ${folder})`);
      const stderr = await runPandoc(pandoc, args, folder, text, token);
      if (stderr.trim()) output.appendLine(stderr.trim());
      output.appendLine(`Render Draft: wrote ${target}`);
      // Citations pandoc could not resolve print as "key?": litnotes has said which, in the Problems panel.
      const unresolved = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'litnotes' && (d.code === 'unknown-key' || d.code === 'not-in-bibliography')).length;
      const warning = unresolved ? ` ${unresolved} citation${unresolved === 1 ? '' : 's'} print${unresolved === 1 ? 's' : ''} as "key?": see the Problems panel.` : '';
      if (open) {
        const say = unresolved ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
        void say(`Rendered ${vscode.workspace.asRelativePath(target)}.${warning}`, 'Open', 'Show Output').then((pick) => {
          if (pick === 'Open') void vscode.env.openExternal(vscode.Uri.file(target));
          if (pick === 'Show Output') output.show();
        });
      }
      return target;
    });
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    output.appendLine(`Render Draft: ${message}`);
    void vscode.window.showErrorMessage(`Render Draft: ${message}`, 'Show Output').then((pick) => { if (pick) output.show(); });
    return undefined;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function pickFormat(state: vscode.Memento): Promise<(typeof RENDER_FORMATS)[number] | undefined> {
  const last = state.get<RenderFormat>(LAST_FORMAT);
  const items = [...RENDER_FORMATS].sort((a, b) => Number(b.format === last) - Number(a.format === last));
  const pick = await vscode.window.showQuickPick(items.map((f) => ({ ...f, description: f.format === last ? 'last used' : undefined })), { title: 'Render Draft with pandoc', placeHolder: 'Format' });
  if (pick) await state.update(LAST_FORMAT, pick.format);
  return pick && RENDER_FORMATS.find((f) => f.format === pick.format);
}

/** Runs pandoc with the text on its standard input; resolves with its standard error, rejects saying why it failed. */
function runPandoc(pandoc: string, args: string[], cwd: string, text: string, token: vscode.CancellationToken): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(pandoc, args, { cwd, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`pandoc took over ${PANDOC_TIMEOUT_MS / 1000} s and was stopped.`)); }, PANDOC_TIMEOUT_MS);
    const cancel = token.onCancellationRequested(() => { child.kill(); reject(new Error('cancelled.')); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < STDERR_KEPT) stderr += d.toString('utf8'); });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer); cancel.dispose();
      reject(new Error(err.code === 'ENOENT' ? `pandoc was not found ("${pandoc}"): install it (https://pandoc.org/installing.html) or set litnotes.pandoc.path.` : err.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer); cancel.dispose();
      if (code === 0) resolve(stderr);
      else reject(new Error(`pandoc stopped with code ${code}: ${pandocMessage(stderr) || 'no message'}`));
    });
    child.stdin.on('error', () => undefined); // pandoc gone before reading it all: its exit says why
    child.stdin.end(text);
  });
}
