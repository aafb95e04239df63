import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PaperRequest } from '../../server/src/shared/protocol';
import { makeNonce, readerHtml } from './readerHtml';

export const READER_VIEW_TYPE = 'litnotes.reader';

/** Actions the reader's buttons ask for, carried out by the extension. */
export interface ReaderActions {
  insertCitation(key: string): Promise<void>;
  createNote(key: string): Promise<void>;
  copyKey(key: string): Promise<void>;
  openDocument(key: string): Promise<void>;
  copyReference(key: string): Promise<void>;
  showInZotero(key: string): Promise<void>;
}

/**
 * The reader panel: one webview showing a paper. Its content security policy allows only the
 * extension's media folder and one script with a fresh nonce per render; links go through the
 * extension (https only), never navigate the webview.
 */
export class Reader implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private key: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly actions: ReaderActions,
    /** Resolves once the library is indexed (a restored reader must not ask before that). */
    private readonly whenIndexed: () => Promise<unknown>,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(READER_VIEW_TYPE, {
        // A reader that was open before a window reload comes back with the same paper.
        deserializeWebviewPanel: async (panel, state: { key?: unknown } | undefined) => {
          this.adopt(panel);
          if (typeof state?.key !== 'string') { panel.dispose(); return; }
          await this.whenIndexed();
          await this.show(state.key);
        },
      }),
    );
  }

  get currentKey(): string | undefined { return this.key; }
  get isOpen(): boolean { return !!this.panel; }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')], retainContextWhenHidden: false, enableFindWidget: true };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'literature.svg');
    panel.onDidDispose(() => { this.panel = undefined; this.key = undefined; }, null, this.disposables);
    panel.webview.onDidReceiveMessage((m) => this.onMessage(m), null, this.disposables);
  }

  async show(key: string): Promise<void> {
    const details = await this.client.sendRequest(PaperRequest, { key });
    if (!details) {
      void vscode.window.showWarningMessage(`No paper has the key "${key}".`);
      return;
    }
    if (!this.panel) {
      this.adopt(vscode.window.createWebviewPanel(READER_VIEW_TYPE, `Paper: ${details.key}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, this.options()));
    }
    const panel = this.panel!;
    this.key = details.key;
    panel.title = `Paper: ${details.key}`;
    const media = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', f)).toString();
    panel.webview.html = readerHtml(details, {
      cspSource: panel.webview.cspSource,
      nonce: makeNonce((n) => crypto.randomBytes(n)),
      scriptUri: media('reader.js'),
      styleUri: media('reader.css'),
      relativePath: (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u)),
    });
    panel.reveal(undefined, true);
  }

  private async onMessage(m: { type?: unknown; key?: unknown; uri?: unknown; line?: unknown; href?: unknown }): Promise<void> {
    const key = typeof m.key === 'string' ? m.key : this.key;
    switch (m.type) {
      case 'cite': if (key) await this.actions.insertCitation(key); break;
      case 'createNote': if (key) await this.actions.createNote(key); break;
      case 'copyKey': if (key) await this.actions.copyKey(key); break;
      case 'openDocument': if (key) await this.actions.openDocument(key); break;
      case 'copyReference': if (key) await this.actions.copyReference(key); break;
      case 'showInZotero': if (key) await this.actions.showInZotero(key); break;
      case 'openNote': {
        const details = key ? await this.client.sendRequest(PaperRequest, { key }) : null;
        if (details?.note) await openAt(details.note.uri, details.note.line);
        break;
      }
      case 'openPaper': if (key) await this.show(key); break;
      case 'openFile': if (typeof m.uri === 'string') await openAt(m.uri, typeof m.line === 'number' ? m.line : 0); break;
      case 'openExternal':
        if (typeof m.href === 'string' && /^https:\/\/[^\s]+$/i.test(m.href)) await vscode.env.openExternal(vscode.Uri.parse(m.href));
        break;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export async function openAt(uri: string, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const pos = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
}
