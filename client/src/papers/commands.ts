import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CreateNoteRequest } from '../../../server/src/shared/protocol';
import { recognizePaper } from './recognize';
import { ARXIV_CATEGORY, fetchArxivListing, fetchDailyPapers, lookUpPaper, PaperSites, splitCategories } from './sources';
import { NetworkError } from './http';
import { makeNote } from '../commands';

/**
 * Add Paper…, Fetch Daily Papers… and Fetch arXiv Listing…: the only places litnotes uses the
 * network, and only when the user runs them (all are disabled in an untrusted workspace).
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
    await this.fetchEach({ title: 'Fetching Daily Papers', site: 'Daily Papers', unit: 'day' }, folder, dates, async (date, digestFolder) => {
      const name = `${date}.daily-papers.json`;
      if (!(await mayWrite(digestFolder, name))) return undefined;
      const day = await fetchDailyPapers(date, this.sites());
      await writeWhole(digestFolder, name, day.text);
      return day.count;
    });
  }

  /** Today's new submissions of arXiv categories, each listing written as the page into the digest folder. */
  async fetchArxivListing(categories?: string[]): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showErrorMessage('Open a folder to fetch arXiv listings into.'); return; }
    if (!categories) {
      const typed = await vscode.window.showInputBox({
        title: 'Fetch arXiv Listing',
        prompt: 'arXiv categories, separated by commas or spaces: their new submissions today',
        placeHolder: 'cs.CL, cs.LG',
        validateInput: (v) => (splitCategories(v).every((c) => ARXIV_CATEGORY.test(c)) && splitCategories(v).length ? undefined : 'Categories such as cs.CL, stat.ML or hep-th'),
      });
      categories = typed ? splitCategories(typed) : undefined;
    }
    if (!categories?.length) return;
    await this.fetchEach({ title: 'Fetching arXiv listings', site: 'arXiv', unit: 'listing' }, folder, categories, async (category, digestFolder) => {
      const listing = await fetchArxivListing(category, this.sites());
      const name = `arxiv-${category}-${listing.date ?? new Date().toISOString().slice(0, 10)}.html`;
      if (!(await mayWrite(digestFolder, name))) return undefined;
      await writeWhole(digestFolder, name, listing.text);
      return listing.count;
    });
  }

  /**
   * Each of `items` fetched into the folder's digest folder by `fetchOne` (which writes it and says
   * how many papers it holds, or undefined when the user kept the file there), with progress and
   * cancellation; what failed is said in one message, what was written in another.
   */
  private async fetchEach(what: { title: string; site: string; unit: string }, folder: vscode.WorkspaceFolder, items: readonly string[], fetchOne: (item: string, digestFolder: vscode.Uri) => Promise<number | undefined>): Promise<void> {
    const digestFolder = vscode.Uri.joinPath(folder.uri, vscode.workspace.getConfiguration('litnotes', folder.uri).get('digestFolder', 'digests'));
    let written = 0, papers = 0;
    const problems: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: what.title, cancellable: true }, async (progress, cancel) => {
      for (const [i, item] of items.entries()) {
        if (cancel.isCancellationRequested) break;
        progress.report({ message: `${item} (${i + 1} of ${items.length})`, increment: 100 / items.length });
        try {
          const count = await fetchOne(item, digestFolder);
          if (count === undefined) continue;
          written++;
          papers += count;
        } catch (err) {
          problems.push(err instanceof NetworkError ? err.message : `${item}: ${(err as Error).message}`);
        }
      }
    });
    if (problems.length) void vscode.window.showErrorMessage(`${what.site}: ${problems.join(' ')}`);
    if (written) void vscode.window.showInformationMessage(`${what.site}: ${papers} papers from ${written} ${what.unit}${written === 1 ? '' : 's'} in ${vscode.workspace.asRelativePath(digestFolder)}.`);
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

/** Whether `name` may be written in `folder`: it is not there, or the user says to replace it. */
async function mayWrite(folder: vscode.Uri, name: string): Promise<boolean> {
  if (!(await exists(vscode.Uri.joinPath(folder, name)))) return true;
  return (await vscode.window.showWarningMessage(`${name} is already there.`, { modal: true }, 'Replace', 'Skip')) === 'Replace';
}

/** Written whole or not at all: a temporary file renamed over the target. */
async function writeWhole(folder: vscode.Uri, name: string, text: string): Promise<void> {
  const temp = vscode.Uri.joinPath(folder, `.${name}.tmp`);
  await vscode.workspace.fs.createDirectory(folder);
  await vscode.workspace.fs.writeFile(temp, Buffer.from(text, 'utf8'));
  await vscode.workspace.fs.rename(temp, vscode.Uri.joinPath(folder, name), { overwrite: true });
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
