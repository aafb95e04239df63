import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { LogNotification, StatusNotification, StatusParams } from '../../server/src/protocol';
import { StatusItem } from './status';

/** Wiring only: start the bundled language server over IPC for drafts, notes and digests. */

let client: LanguageClient | undefined;

/** Resolves with the first `ready` status after activation; the extension's API for tests and other extensions. */
export interface LitnotesApi {
  ready: Promise<StatusParams>;
  onStatus: vscode.Event<StatusParams>;
}

export async function activate(context: vscode.ExtensionContext): Promise<LitnotesApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Literature Notes');
  const documentSelector = ['markdown', 'quarto', 'rmd', 'latex', 'tex', 'plaintext', 'json'].flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    // Titles, abstracts and notes are untrusted: hovers never run commands or render HTML.
    markdown: { isTrusted: false, supportHtml: false },
    synchronize: { configurationSection: 'litnotes' },
    // The full-text cache goes in the extension's storage, never in the (possibly cloned) workspace.
    initializationOptions: { cacheDir: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'search-cache').fsPath },
  };
  client = new LanguageClient('litnotes', 'Literature Notes', serverOptions, clientOptions);

  const statusEmitter = new vscode.EventEmitter<StatusParams>();
  let resolveReady!: (s: StatusParams) => void;
  const ready = new Promise<StatusParams>((r) => (resolveReady = r));
  const status = new StatusItem('litnotes.showOutput');
  context.subscriptions.push(
    statusEmitter, output, status,
    vscode.commands.registerCommand('litnotes.showOutput', () => output.show(true)),
  );
  try {
    await client.start();
  } catch (err) {
    status.error(`the language server did not start: ${err}`);
    output.appendLine(`The language server did not start: ${(err as Error)?.stack ?? err}`);
    throw err;
  }
  context.subscriptions.push(
    client.onNotification(StatusNotification, (s: StatusParams) => {
      status.update(s);
      statusEmitter.fire(s);
      if (s.state === 'ready') resolveReady(s);
    }),
    client.onNotification(LogNotification, () => undefined),
  );
  return { ready, onStatus: statusEmitter.event };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
