import * as vscode from 'vscode';
import * as path from 'path';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CreateNoteRequest } from '../../../server/src/shared/protocol';
import { recognizePaper } from './recognize';
import { fetchDailyPapers, lookUpPaper, PaperSites } from './sources';
import { NetworkError } from './http';
import { makeNote } from '../commands';

/**
 * Add Paper… and Fetch Daily Papers…: the only places litnotes uses the network, and only when the
 * user runs them (both are disabled in an untrusted workspace).
 */
export class PaperCommands {
  constructor(private readonly client: LanguageClient, private readonly show: (key: string) => Promise<void>) {}

  private sites(): PaperSites {
    const c = vscode.workspace.getConfiguration('litnotes.network');
    return { arxiv: c.get('arxivUrl', 'https://export.arxiv.org'), crossref: c.get('crossrefUrl', 'https://api.crossref.org'), dailyPapers: c.get('dailyPapersUrl', 'https://huggingface.co') };
  }

  /** An arXiv id or link, a DOI or doi.org link, or a Daily Papers link: a new note with what the web knows of it. */
  async addPaper(input?: string): Promise<void> {
    input ??= await vscode.window.showInputBox({
      title: 'Add Paper',
      prompt: 'An arXiv id or link, a DOI or doi.org link, or a Hugging Face papers link',
      placeHolder: '2409.06543 · https://arxiv.org/abs/1706.03762 · 10.1145/3618260.3649777',
      validateInput: (v) => (v.trim() && !recognizePaper(v) ? 'Not an arXiv id, a DOI or a link to either' : undefined),
    });
    if (!input) return;
    const ref = recognizePaper(input);
    if (!ref) { void vscode.window.showErrorMessage(`"${input}" is not an arXiv id, a DOI or a link to either.`); return; }
    let paper;
    try {
      paper = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Looking the paper up…', cancellable: false }, () => lookUpPaper(ref, this.sites()));
    } catch (err) {
      void vscode.window.showErrorMessage(err instanceof NetworkError ? err.message : `The paper could not be looked up: ${(err as Error).message}`);
      return;
    }
    const folderUri = vscode.workspace.workspaceFolders?.[0]?.uri.toString();
    const r = await this.client.sendRequest(CreateNoteRequest, { paper, folderUri });
    if (r.existing) { await this.show(r.existing); return; }
    if (!r.edit || !r.uri) { void vscode.window.showWarningMessage(r.message ?? 'No note was made.'); return; }
    await makeNote(this.client, r.edit, r.uri);
  }

  /** Today, a date or a range of days of Daily Papers, each written as the site's JSON into the digest folder. */
  async fetchDailyPapers(dates?: string[]): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showErrorMessage('Open a folder to fetch Daily Papers into.'); return; }
    dates ??= await pickDates();
    if (!dates?.length) return;
    const digestFolder = vscode.Uri.joinPath(folder.uri, vscode.workspace.getConfiguration('litnotes', folder.uri).get('digestFolder', 'digests'));
    let written = 0, papers = 0;
    const problems: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Fetching Daily Papers', cancellable: true }, async (progress, cancel) => {
      for (const [i, date] of dates!.entries()) {
        if (cancel.isCancellationRequested) break;
        progress.report({ message: `${date} (${i + 1} of ${dates!.length})`, increment: 100 / dates!.length });
        const target = vscode.Uri.joinPath(digestFolder, `${date}.daily-papers.json`);
        if (await exists(target)) {
          const choice = await vscode.window.showWarningMessage(`${path.basename(target.fsPath)} is already there.`, { modal: true }, 'Replace', 'Skip');
          if (choice !== 'Replace') continue;
        }
        try {
          const day = await fetchDailyPapers(date, this.sites());
          // Written whole or not at all: a temporary file renamed over the target.
          const temp = vscode.Uri.joinPath(digestFolder, `.${date}.daily-papers.json.tmp`);
          await vscode.workspace.fs.createDirectory(digestFolder);
          await vscode.workspace.fs.writeFile(temp, Buffer.from(day.text, 'utf8'));
          await vscode.workspace.fs.rename(temp, target, { overwrite: true });
          written++;
          papers += day.count;
        } catch (err) {
          problems.push(err instanceof NetworkError ? err.message : `${date}: ${(err as Error).message}`);
        }
      }
    });
    if (problems.length) void vscode.window.showErrorMessage(`Daily Papers: ${problems.join(' ')}`);
    if (written) void vscode.window.showInformationMessage(`Daily Papers: ${papers} papers from ${written} day${written === 1 ? '' : 's'} in ${vscode.workspace.asRelativePath(digestFolder)}.`);
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Today, yesterday, a date, or a range of up to 31 days, as yyyy-mm-dd. */
async function pickDates(): Promise<string[] | undefined> {
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  const choice = await vscode.window.showQuickPick([
    { label: 'Today', description: isoDay(today), dates: [isoDay(today)] },
    { label: 'Yesterday', description: isoDay(yesterday), dates: [isoDay(yesterday)] },
    { label: 'A date…', dates: undefined as string[] | undefined },
    { label: 'A range of days…', dates: undefined as string[] | undefined, range: true },
  ], { title: 'Fetch Daily Papers' });
  if (!choice) return undefined;
  if (choice.dates) return choice.dates;
  const valid = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) && !Number.isNaN(Date.parse(v.trim())) ? undefined : 'A date as yyyy-mm-dd');
  const from = await vscode.window.showInputBox({ title: 'Fetch Daily Papers', prompt: 'range' in choice ? 'First day (yyyy-mm-dd)' : 'Day (yyyy-mm-dd)', value: isoDay(yesterday), validateInput: valid });
  if (!from) return undefined;
  if (!('range' in choice)) return [from.trim()];
  const to = await vscode.window.showInputBox({ title: 'Fetch Daily Papers', prompt: 'Last day (yyyy-mm-dd), at most 31 days after the first', value: isoDay(today), validateInput: valid });
  if (!to) return undefined;
  return daysBetween(from.trim(), to.trim());
}

/** The days from `from` to `to` inclusive (either order), at most 31. */
export function daysBetween(from: string, to: string): string[] {
  let a = Date.parse(`${from}T00:00:00Z`), b = Date.parse(`${to}T00:00:00Z`);
  if (a > b) [a, b] = [b, a];
  const out: string[] = [];
  for (let t = a; t <= b && out.length < 31; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
