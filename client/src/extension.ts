import * as path from 'path';
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, ErrorHandler, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { LogNotification, NEW_PAPERS_TOPIC, StatusNotification, StatusParams } from '../../server/src/shared/protocol';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../server/src/runtime/launchFlags';
import { citationAt, flavorOf } from '../../server/src/parse/citations';
import { StatusItem } from './status';
import { TopicsTree } from './topicsTree';
import { TopicCommands } from './topicCommands';
import { onConnectionError, onServerClosed, RestartBudget, RestartEvents } from './serverRestarts';
import { CitedTree } from './citedTree';
import { CitationDropProvider } from './citationDrop';
import { DRAFT_LANGUAGES } from './drafts';
import { Reader } from './reader';
import { PaperCommands } from './papers/commands';
import { Commands } from './commands';
import type { TreeNode } from './topicsModel';
import type MarkdownIt = require('markdown-it');
import { citationPreviewPlugin } from './citationPreview';
import { PreviewLookup } from './previewLookup';
import { renderDraft } from './renderCommand';

/** The citation key under the cursor of the active editor, if it is on one. */
function keyUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const { line, character } = editor.selection.active;
  const flavor = flavorOf(editor.document.languageId === 'latex' ? 'latex' : editor.document.fileName);
  return citationAt(editor.document.lineAt(line).text, line, character, flavor)?.key;
}

/** Wiring only: the language server, the status item, the Topics view, the reader and the commands. */

let client: LanguageClient | undefined;

/** The extension's API for tests and other extensions. */
export interface LitnotesApi {
  ready: Promise<StatusParams>;
  /** How many times the language server was restarted after it stopped unasked. */
  readonly serverRestarts: number;
  onStatus: vscode.Event<StatusParams>;
  topics: TopicsTree;
  cited: CitedTree;
  reader: Reader;
  /** VS Code's markdown preview calls this once (package.json: markdown.markdownItPlugins): citations printed, references listed. */
  extendMarkdownIt(md: MarkdownIt): MarkdownIt;
}

/** Documents that cite (and notes), and digests as their own language. */
const LANGUAGES = ['markdown', 'quarto', 'rmd', 'latex', 'tex', 'org', 'litnotes-digest'];
/**
 * By where they are: Quarto, R Markdown and Org drafts (plain text without their extensions), and digests
 * and bibliographies in JSON, plain text or BibTeX, which the server reads while they are edited.
 * Never other JSON or plain text: the server looks for citations only in drafts.
 */
/** Drafts that are plain text to an editor without their extensions: Quarto, R Markdown, Org. */
const DRAFT_FILES = '**/*.{qmd,rmd,Rmd,org}';
const FILES = [DRAFT_FILES, '**/*.digest.{txt,md,json,html}', '**/digests/**/*.{txt,md,json,html}', '**/*.csl.json', '**/*.bib'];

/** Where a paper dropped from the trees becomes a citation: drafts (the provider asks isDraft of each). */
const DROP_SELECTOR: vscode.DocumentSelector = [...DRAFT_LANGUAGES.map((language) => ({ language })), { scheme: 'file', pattern: DRAFT_FILES }];

export async function activate(context: vscode.ExtensionContext): Promise<LitnotesApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS], env: { ...SERVER_ENV } } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'], env: { ...SERVER_ENV } } },
  };
  const output = vscode.window.createOutputChannel('Literature Notes');
  const status = new StatusItem('litnotes.showOutput');
  const restarts = new RestartBudget();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
      ...FILES.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    outputChannel: output,
    errorHandler: restartingErrorHandler(restarts, {
      restarting: (n, max, minutes) => {
        output.appendLine(`[${new Date().toISOString()}] The language server stopped; starting it again (restart ${n} of at most ${max} in ${minutes} minutes). Nothing is lost: the library is read again from the files.`);
        status.restarting(n, max);
      },
      gaveUp: (max, minutes) => {
        const message = `the language server stopped ${max + 1} times in ${minutes} minutes and was not started again; run "Literature Notes: Restart Server" once the cause is fixed`;
        output.appendLine(`[${new Date().toISOString()}] The language server stopped ${max + 1} times in ${minutes} minutes; it is not started again. See the messages above.`);
        status.error(message);
        void vscode.window.showErrorMessage(`Literature Notes: ${message}.`, 'Show Output').then((pick) => { if (pick) output.show(); });
      },
    }),
    // Titles, abstracts and notes are untrusted: hovers never run commands or render HTML.
    markdown: { isTrusted: false, supportHtml: false },
    synchronize: { configurationSection: 'litnotes' },
    // The full-text cache goes in the extension's storage, never in the (possibly cloned) workspace.
    // clientCommands: this extension has its own Reindex command, so the server does not offer one to execute.
    initializationOptions: { cacheDir: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'search-cache').fsPath, clientCommands: true },
  };
  client = new LanguageClient('litnotes', 'Literature Notes', serverOptions, clientOptions);

  const statusEmitter = new vscode.EventEmitter<StatusParams>();
  let resolveReady!: (s: StatusParams) => void;
  const ready = new Promise<StatusParams>((r) => (resolveReady = r));
  const commands = new Commands(client, output);
  const topics = new TopicsTree(client);
  const topicCommands = new TopicCommands(topics);
  const reader = new Reader(context, client, {
    insertCitation: (key) => commands.insertCitation(key),
    createNote: (key) => commands.createNote(key),
    copyKey: (key) => commands.copyKey(key),
    openDocument: (key) => commands.openDocument(key),
    copyReference: (key) => commands.copyReference(key, undefined, context.globalState),
    showInZotero: (key) => commands.showInZotero(key),
  }, () => ready);
  const papers = new PaperCommands(client, (key) => reader.show(key));
  const preview = new PreviewLookup(client, ready, (line) => output.appendLine(line));
  topics.view = vscode.window.createTreeView('litnotes.topics', { treeDataProvider: topics, showCollapseAll: true, dragAndDropController: topics });
  const cited = new CitedTree(client);
  cited.attach(vscode.window.createTreeView('litnotes.cited', { treeDataProvider: cited, showCollapseAll: true, dragAndDropController: cited }));
  context.subscriptions.push(topics.view.onDidExpandElement((e) => { if (e.element.type === 'topic' && e.element.id === NEW_PAPERS_TOPIC) topics.markSeen(); }));
  const keyOf = (arg: unknown): string | undefined => (typeof arg === 'string' ? arg : (arg as TreeNode | undefined)?.type === 'paper' ? (arg as { key: string }).key : undefined);
  const withKey = (f: (key: string) => unknown) => async (arg?: unknown) => {
    const key = keyOf(arg) ?? keyUnderCursor() ?? reader.currentKey ?? (await commands.searchPapers());
    if (key) await f(key);
  };

  context.subscriptions.push(
    statusEmitter, output, status, topics, topics.view, cited, cited.view!, reader, commands.track(), preview,
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('litnotes.preview.citations')) preview.settingChanged(); }),
    vscode.languages.registerDocumentDropEditProvider(DROP_SELECTOR, new CitationDropProvider()),
    vscode.commands.registerCommand('litnotes.showOutput', () => commands.showOutput()),
    vscode.commands.registerCommand('litnotes.insertCitation', (arg?: unknown) => commands.insertCitation(keyOf(arg))),
    vscode.commands.registerCommand('litnotes.insertCitationFromZotero', () => commands.insertCitationFromZotero()),
    vscode.commands.registerCommand('litnotes.openReader', withKey((key) => reader.show(key))),
    vscode.commands.registerCommand('litnotes.searchPapers', async () => { const key = await commands.searchPapers(); if (key) await reader.show(key); }),
    vscode.commands.registerCommand('litnotes.createNote', (arg?: unknown) => commands.createNote(keyOf(arg) ?? reader.currentKey)),
    vscode.commands.registerCommand('litnotes.goToSource', withKey((key) => commands.goToSource(key))),
    vscode.commands.registerCommand('litnotes.copyKey', withKey((key) => commands.copyKey(key))),
    vscode.commands.registerCommand('litnotes.openPdf', withKey((key) => commands.openDocument(key))),
    vscode.commands.registerCommand('litnotes.showInZotero', withKey((key) => commands.showInZotero(key))),
    vscode.commands.registerCommand('litnotes.copyReference', (arg?: unknown, format?: unknown) =>
      withKey((key) => commands.copyReference(key, typeof format === 'string' ? format : undefined, context.globalState))(arg)),
    vscode.commands.registerCommand('litnotes.reindex', () => commands.reindex()),
    vscode.commands.registerCommand('litnotes.addBibliographyFile', (paths?: unknown) => commands.addBibliographyFile(Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : undefined)),
    vscode.commands.registerCommand('litnotes.restartServer', async () => {
      restarts.reset();
      output.appendLine(`[${new Date().toISOString()}] Restarting the language server (asked for).`);
      await client!.restart();
    }),
    vscode.commands.registerCommand('litnotes.exportBibliography', () => commands.exportBibliography()),
    vscode.commands.registerCommand('litnotes.renderDraft', (format?: unknown, open?: unknown) => renderDraft(client!, output, context.globalState, format, open !== false)),
    vscode.commands.registerCommand('litnotes.refreshTopics', () => topics.refresh()),
    vscode.commands.registerCommand('litnotes.filterTopics', async () => {
      const query = await vscode.window.showInputBox({ title: 'Filter Topics', prompt: 'Show only papers matching a search (words, or lunr syntax such as title:reward +rag)', ignoreFocusOut: true });
      if (query === undefined) return;
      const error = await topics.setFilter(query);
      if (error) void vscode.window.showWarningMessage(error);
    }),
    vscode.commands.registerCommand('litnotes.clearTopicsFilter', () => topics.setFilter(undefined)),
    vscode.commands.registerCommand('litnotes.renameTopic', (node?: TreeNode) => topicCommands.rename(asTopic(node))),
    vscode.commands.registerCommand('litnotes.mergeTopic', (node?: TreeNode, into?: TreeNode) => topicCommands.merge(asTopic(node), asTopic(into))),
    vscode.commands.registerCommand('litnotes.hideTopic', (node?: TreeNode) => topicCommands.hide(asTopic(node))),
    vscode.commands.registerCommand('litnotes.addPaper', (input?: unknown) => papers.addPaper(typeof input === 'string' ? input : undefined)),
    vscode.commands.registerCommand('litnotes.fetchArxivListing', (categories?: unknown) => papers.fetchArxivListing(Array.isArray(categories) ? categories.filter((c): c is string => typeof c === 'string') : undefined)),
    vscode.commands.registerCommand('litnotes.fetchDailyPapers', (dates?: unknown) => papers.fetchDailyPapers(Array.isArray(dates) ? dates.filter((d): d is string => typeof d === 'string') : undefined)),
  );

  try {
    await client.start();
  } catch (err) {
    status.error(`the language server did not start: ${err}`);
    output.appendLine(`The language server did not start: ${(err as Error)?.stack ?? err}`);
    throw err;
  }
  let lastPapers = -1;
  context.subscriptions.push(
    client.onNotification(StatusNotification, (s: StatusParams) => {
      status.update(s);
      statusEmitter.fire(s);
      if (s.state === 'ready') {
        resolveReady(s);
        if ((s.papers > 0) !== (lastPapers > 0)) void vscode.commands.executeCommand('setContext', 'litnotes.hasPapers', s.papers > 0);
        if (s.papers !== lastPapers || topics.roots_().length === 0) topics.scheduleRefresh();
        cited.schedule(0);
        preview.libraryChanged(s.version);
        lastPapers = s.papers;
      }
    }),
    client.onNotification(LogNotification, () => undefined),
  );
  // Any later change of the library (files saved, created, deleted) refreshes the tree too.
  context.subscriptions.push(vscode.workspace.onDidSaveTextDocument(() => topics.scheduleRefresh()));
  return {
    ready, onStatus: statusEmitter.event, topics, cited, reader, get serverRestarts() { return restarts.total; },
    extendMarkdownIt: (md) => md.use(citationPreviewPlugin, preview),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** A topic node from the Topics view's context menu, or undefined (from the command palette). */
function asTopic(node: TreeNode | undefined): Extract<TreeNode, { type: 'topic' }> | undefined {
  return node && typeof node === 'object' && node.type === 'topic' ? node : undefined;
}

/** The client's error handler: restarts within the budget (serverRestarts.ts decides), saying so. */
function restartingErrorHandler(budget: RestartBudget, events: RestartEvents): ErrorHandler {
  return {
    error: (error, _message, count) => ({ action: onConnectionError(count, error as { message?: string; code?: unknown }) === 'continue' ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => ({ action: onServerClosed(budget, events) === 'restart' ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true }),
  };
}
