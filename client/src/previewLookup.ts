import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PreviewCitation, PreviewCitationsRequest } from '../../server/src/shared/protocol';
import type { CitationLookup } from './citationPreview';

/** Keys remembered at most; past it the answers are forgotten and asked for again as previews need them. */
const MAX_REMEMBERED = 20000;
/** Keys asked in one request (the server's own limit). */
const KEYS_PER_REQUEST = 2000;

/**
 * The markdown preview's citations (citationPreview.ts) as the server knows them: what the preview
 * rendered before the server said anything is asked for in one request, then the preview is rendered
 * again. Asked again when the library changes (libraryChanged), so the preview follows renamed keys
 * and edited titles. `litnotes.preview.citations` off: nothing is looked up,
 * and citations show as written.
 */
export class PreviewLookup implements CitationLookup {
  private readonly known = new Map<string, PreviewCitation | null>();
  private readonly wanted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: LanguageClient, private readonly ready: Promise<unknown>, private readonly log: (line: string) => void) {}

  /** `litnotes.preview.citations`, read when the lookup is made and when the setting changes: get() runs for every citation rendered. */
  private enabled = readEnabled();

  get(key: string): PreviewCitation | null | undefined {
    return this.enabled ? this.known.get(key) : undefined; // undefined: shown as written
  }

  want(keys: readonly string[]): void {
    if (!this.enabled) return;
    for (const key of keys) if (!this.known.has(key)) this.wanted.add(key);
    if (this.wanted.size && !this.timer) this.timer = setTimeout(() => void this.ask(), 30);
  }

  /**
   * The server is ready with a library of this version: when it changed, the keys the preview shows
   * are asked for again, and the preview rendered again if an answer differs (a renamed key, an
   * edited title, a paper added). A draft's edit changes the version too, so nothing is dropped unasked.
   */
  libraryChanged(version: number | undefined): void {
    if (version === this.version) return;
    this.version = version;
    if (this.known.size === 0 || this.recheck) return;
    this.recheck = setTimeout(() => void this.askAgain(), 300);
  }

  private version: number | undefined;
  private recheck: NodeJS.Timeout | undefined;

  private async askAgain(): Promise<void> {
    this.recheck = undefined;
    const keys = [...this.known.keys()];
    if (keys.length > KEYS_PER_REQUEST) {
      this.known.clear();
      await vscode.commands.executeCommand('markdown.preview.refresh');
      return;
    }
    let changed = false;
    try {
      const answer = await this.client.sendRequest(PreviewCitationsRequest, { keys });
      keys.forEach((key, i) => {
        const now = answer[i] ?? null;
        if (JSON.stringify(now) !== JSON.stringify(this.known.get(key))) { this.known.set(key, now); changed = true; }
      });
    } catch (err) {
      this.log(`The markdown preview's citations could not be looked up: ${(err as Error)?.message ?? err}`);
      return;
    }
    if (changed) await vscode.commands.executeCommand('markdown.preview.refresh');
  }

  /** The setting changed: the preview shows citations as the setting says now. */
  settingChanged(): void {
    this.enabled = readEnabled();
    this.known.clear();
    void vscode.commands.executeCommand('markdown.preview.refresh');
  }

  private async ask(): Promise<void> {
    this.timer = undefined;
    await this.ready;
    const keys = [...this.wanted].slice(0, KEYS_PER_REQUEST);
    for (const k of keys) this.wanted.delete(k);
    if (!keys.length) return;
    try {
      const answer = await this.client.sendRequest(PreviewCitationsRequest, { keys });
      if (this.known.size + keys.length > MAX_REMEMBERED) this.known.clear();
      keys.forEach((key, i) => this.known.set(key, answer[i] ?? null));
    } catch (err) {
      this.log(`The markdown preview's citations could not be looked up: ${(err as Error)?.message ?? err}`);
      return;
    }
    if (this.wanted.size) this.timer = setTimeout(() => void this.ask(), 0);
    await vscode.commands.executeCommand('markdown.preview.refresh');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.recheck) clearTimeout(this.recheck);
  }
}

function readEnabled(): boolean {
  return vscode.workspace.getConfiguration('litnotes').get<boolean>('preview.citations', true);
}
