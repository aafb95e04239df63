import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DidChangeWatchedFilesNotification, FileChangeType, InitializeParams,
  Connection, Message, ResponseError, ErrorCodes,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as path from 'path';
import { messageDispatched } from './runtime/scheduler';
import { FrameGuard } from './runtime/framing';
import { flavorOf, Session } from './session';
import { completionItemAs, flatSymbols, hoverAs, prefersMarkdown, UriSpelling, toResponseError } from './lsp/convert';
import { checkedDocumentSync } from './lsp/documentSync';
import {
  CitedKeysRequest, DraftCitationsRequest, PreviewCitationsRequest, ReferenceRequest, CreateNoteRequest, ExportBibliographyRequest, ListRequest, LogNotification, PaperRequest, ReindexRequest, SearchRequest,
  MarkPapersSeenRequest, StatusNotification, TopicOutlineRequest, TopicPapersRequest, TopicsRequest,
} from './shared/protocol';
import { logMemory } from './runtime/memoryLog';
import { heapGrowthAtRest } from './runtime/heapGrowth';

/**
 * The language server's entry: the connection, and handlers that only convert between LSP and the
 * session (session.ts), which holds the state and calls the pure features.
 */
const connectionOptions = {
  // Background slices wait while messages are being dispatched (see runtime/scheduler).
  messageStrategy: { handleMessage: (message: Message, next: (m: Message) => void) => { messageDispatched(); next(message); } },
};
const connection: Connection = process.argv.includes('--stdio')
  ? createConnection(ProposedFeatures.all, guardedStdin(), process.stdout, connectionOptions)
  : createConnection(ProposedFeatures.all, connectionOptions);

/** Stdin behind a FrameGuard: a badly framed message ends the server (with a line on stderr), rather than leaving it deaf. */
function guardedStdin(): NodeJS.ReadableStream {
  const guard = new FrameGuard((why) => {
    process.stderr.write(`litnotes: the editor's messages are no longer framed as LSP's base protocol requires (${why}); the server stops\n`);
    process.exit(1);
  });
  // Anything that writes to stdout would break the framing of our own messages.
  console.log = console.info = console.debug = (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`);
  return process.stdin.pipe(guard);
}

const documents = new TextDocuments(TextDocument);
const uris = new UriSpelling();
/** What the client can do: each is checked before it is used (an editor may advertise none). */
const can = { configure: false, watch: false, progress: false, followFolders: false, markdownHover: true, markdownDocs: true, symbolTree: true };

function log(line: string): void {
  connection.console.log(line);
  void connection.sendNotification(LogNotification, { line });
}

const session = new Session({
  log,
  status: (params) => void connection.sendNotification(StatusNotification, params),
  publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri: uris.toClient(uri), diagnostics }),
  progress: () => can.progress
    ? connection.window.createWorkDoneProgress().then((p) => { p.begin('Indexing literature notes', 0, undefined, false); return p; }, () => undefined)
    : Promise.resolve(undefined),
  toClient: uris.toClient,
}, __dirname);

connection.onInitialize((params: InitializeParams) => {
  const caps = params.capabilities;
  can.configure = !!caps.workspace?.configuration;
  can.watch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  can.progress = !!caps.window?.workDoneProgress;
  can.followFolders = !!caps.workspace?.workspaceFolders;
  can.markdownHover = prefersMarkdown(caps.textDocument?.hover?.contentFormat);
  can.markdownDocs = prefersMarkdown(caps.textDocument?.completion?.completionItem?.documentationFormat);
  can.symbolTree = !!caps.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport;
  const init = (params.initializationOptions ?? {}) as { cacheDir?: unknown; clientCommands?: unknown; litnotes?: unknown };
  // Settings an editor gives at start (Helix's `config`, an init_options table), before any it pushes.
  initialSettings = pushedSection(init);
  // VS Code's litnotes client has a Reindex command of its own: offering one too would clash with it.
  const offerCommands = init.clientCommands !== true;
  // The caches live where the client says (its storage folder), never in the workspace.
  const cacheDir = typeof init.cacheDir === 'string' && path.isAbsolute(init.cacheDir) ? init.cacheDir : undefined;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  session.start(folders, cacheDir);
  // Code actions may run the client's own commands only where that client is there to run them.
  session.clientRunsCommands = !offerCommands;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      completionProvider: { triggerCharacters: ['@', '{', ',', '[', '&'], resolveProvider: true },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
      renameProvider: { prepareProvider: true },
      workspaceSymbolProvider: true,
      documentSymbolProvider: true,
      executeCommandProvider: offerCommands ? { commands: [REINDEX_COMMAND] } : undefined,
      workspace: can.followFolders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
    },
    serverInfo: { name: 'litnotes', version: '0.1.0' },
  };
});

/** `litnotes.reindex` through `workspace/executeCommand`, for editors whose UI lists a server's commands. */
const REINDEX_COMMAND = 'litnotes.reindex';
let initialSettings: unknown;

/** The `litnotes` section of settings an editor pushed (`{ litnotes: {...} }`), if there is one. */
function pushedSection(settings: unknown): unknown {
  const section = settings && typeof settings === 'object' ? (settings as Record<string, unknown>).litnotes : undefined;
  return section && typeof section === 'object' ? section : undefined;
}

/** The `litnotes` settings section, if the client can give it (else what it gave at start, else the defaults). */
async function settings(): Promise<unknown> {
  if (!can.configure) return initialSettings;
  return connection.workspace.getConfiguration({ section: 'litnotes' }).catch((err) => { log(`settings could not be read, using defaults: ${err}`); return undefined; });
}

connection.onInitialized(async () => {
  // Round trips to the editor are not awaited before the scan unless it needs their answer (the
  // settings): at startup the editor is busy, and each one delays the scan by its wait.
  if (can.watch) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{md,markdown,qmd,rmd,Rmd,tex,org,txt,json,html,bib,yaml,yml}' }, { globPattern: '**/', kind: 4 }],
    }).catch((err) => log(`file watching not registered: ${err}`));
  } else {
    // An editor that does not watch files for the server: a git pull or a reference manager's
    // export would otherwise stay unknown until a reindex.
    session.watchFolders();
  }
  if (can.followFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((e) => session.foldersChanged(e.added.map((f) => f.uri), e.removed.map((f) => f.uri)));
  }
  if (can.configure || initialSettings) await session.useSettings(await settings(), false);
  await session.rescan();
});

connection.onDidChangeConfiguration(async (change) => {
  // Editors that push settings (Neovim's `settings`, Helix, Emacs) send them here; others only say
  // that something changed, and are asked.
  const pushed = pushedSection(change?.settings);
  if (pushed) await session.useSettings(pushed, true);
  else if (can.configure) await session.useSettings(await settings(), true);
});
connection.onRequest(ReindexRequest, () => session.rescan());
connection.onExecuteCommand(async (params) => {
  if (params.command !== REINDEX_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `litnotes has no command ${params.command}; it has ${REINDEX_COMMAND}`);
  await session.rescan();
  return null;
});

// ---- documents and files --------------------------------------------------------------------

const opened = (doc: TextDocument, isNew: boolean) => session.documentChanged({ uri: uris.fromClient(doc.uri, true), languageId: doc.languageId, text: doc.getText() }, isNew);
documents.onDidOpen((e) => opened(e.document, true));
documents.onDidChangeContent((e) => opened(e.document, false));
documents.onDidSave((e) => session.documentSaved(uris.fromClient(e.document.uri)));
documents.onDidClose(async (e) => {
  const uri = uris.fromClient(e.document.uri);
  await session.documentClosed(uri);
  uris.forget(uri);
});
connection.onDidChangeWatchedFiles(({ changes }) => session.filesChanged(changes.map((c) => ({ uri: uris.fromClient(c.uri), deleted: c.type === FileChangeType.Deleted }))));

// ---- features --------------------------------------------------------------------------------

function lineOf(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } }).replace(/\r?\n$/, '');
}

/** The key under a position of an open document. */
function keyAt(params: { textDocument: { uri: string }; position: { line: number; character: number } }) {
  const doc = documents.get(params.textDocument.uri);
  const { line, character } = params.position;
  return doc && session.keyAt(uris.fromClient(doc.uri), lineOf(doc, line), line, character, flavorOf(doc));
}

connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  const { line, character } = params.position;
  return doc ? session.completion(uris.fromClient(params.textDocument.uri), lineOf(doc, line).slice(0, character), line, flavorOf(doc)) : null;
});
connection.onDocumentSymbol((params) => {
  const symbols = session.fileSymbols(uris.fromClient(params.textDocument.uri));
  return can.symbolTree ? symbols : flatSymbols(symbols, params.textDocument.uri);
});
connection.onCompletionResolve((item) => completionItemAs(session.resolveCompletion(item), can.markdownDocs));
connection.onHover((params) => { const at = keyAt(params); return at ? hoverAs(session.hover(at), can.markdownHover) : null; });
connection.onDefinition((params) => { const at = keyAt(params); return at ? session.definition(at) : null; });
connection.onReferences((params) => { const at = keyAt(params); return at ? session.references(at, params.context.includeDeclaration) : null; });
connection.onCodeAction((params) => {
  const at = keyAt({ textDocument: params.textDocument, position: params.range.start });
  const doc = documents.get(params.textDocument.uri);
  const lineText = (line: number) => (doc && line >= 0 && line < doc.lineCount ? lineOf(doc, line) : undefined);
  return session.codeActions(uris.fromClient(params.textDocument.uri), params.textDocument.uri, params.range, params.context.diagnostics, at, lineText);
});
connection.onPrepareRename((params) => {
  const at = keyAt(params);
  try { return at ? session.prepareRename(at) : null; } catch (err) { throw toResponseError(err); }
});
connection.onRenameRequest((params) => {
  const at = keyAt(params);
  try { return at ? session.rename(at, params.newName) : null; } catch (err) { throw toResponseError(err); }
});
connection.onWorkspaceSymbol((params) => session.symbols(params.query));

connection.onRequest(SearchRequest, (params) => session.fullTextSearch(params));
connection.onRequest(PaperRequest, (params) => session.paper(params?.key));
connection.onRequest(ListRequest, (params) => session.list(params ?? undefined));
connection.onRequest(CitedKeysRequest, (params) => session.citedKeys(typeof params?.uri === 'string' ? uris.fromClient(params.uri) : ''));
connection.onRequest(DraftCitationsRequest, (params) => session.draftCitations(typeof params?.uri === 'string' ? uris.fromClient(params.uri) : ''));
connection.onRequest(CreateNoteRequest, (params) => session.createNote(params));
connection.onRequest(ExportBibliographyRequest, (params) => session.exportBibliography(params));
connection.onRequest(ReferenceRequest, (params) => session.reference(params ?? undefined));
connection.onRequest(PreviewCitationsRequest, (params) => session.previewCitations(params ?? undefined));
connection.onRequest(TopicsRequest, () => session.topics());
connection.onRequest(TopicOutlineRequest, (params) => session.topicOutline(params ?? undefined));
connection.onRequest(TopicPapersRequest, (params) => session.topicPapers(params));
connection.onRequest(MarkPapersSeenRequest, () => session.markPapersSeen());

connection.onShutdown(() => session.shutdown());

process.on('uncaughtException', (err) => log(`internal error (server keeps running): ${err.stack ?? err}`));
process.on('unhandledRejection', (err) => log(`internal error (server keeps running): ${(err as Error)?.stack ?? err}`));

documents.listen(checkedDocumentSync(connection, log));
heapGrowthAtRest();
logMemory('server');
connection.listen();
