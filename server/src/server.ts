import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DidChangeWatchedFilesNotification,
  FileChangeType, ResponseError, ErrorCodes, CodeAction, InitializeParams, Connection, WorkDoneProgressServerReporter, Message,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeIdOf } from './util/cacheFiles';
import { Library } from './library/library';
import { Indexer, Folder, canonicalUri, safePath, uriOf } from './workspace/indexer';
import { messageDispatched, yieldToRequests } from './util/requestGate';
import { FrameGuard } from './util/framing';
import { WorkerFileLoader } from './workspace/fileLoader';
import type { ParseCacheConfig } from './workspace/parseCache';
import { DEFAULT_SETTINGS, readSettings, Settings } from './settings';
import { flavorOf, findCitations } from './citations/find';
import { keyAt } from './features/keyAt';
import { completeWithFullText, resolveCompletion } from './features/completion';
import { hoverKey } from './features/hover';
import { definitionOf, referencesOf } from './features/definition';
import { documentDiagnostics, problemDiagnostic, SAME_PAPER } from './features/diagnostics';
import { createNoteAction, replaceKeyActions, unifyKeyActions } from './features/codeActions';
import { citedKeys, EXPORT_FORMATS, exportBibliography, ExportFormat } from './features/exportBibliography';
import { isLitnotesExport } from './sources/exportMarker';
import { newNotePath } from './features/noteTemplate';
import { prepareRename, renameKey, RenameError } from './features/rename';
import {
  LogNotification, ReindexRequest, StatusNotification, StatusParams, SearchRequest, SearchParams, SearchResponse, PaperRequest, PaperParams,
  PaperDetails, TopicsRequest, TopicsResponse, ListRequest, ListResponse, CitedKeysRequest, CitedKeysParams, CreateNoteRequest, CreateNoteParams,
  CreateNoteResponse, ExportBibliographyRequest, ExportBibliographyParams, ExportBibliographyResponse,
} from './protocol';
import { SearchService, SearchResult } from './search/service';
import { incrementalQuery } from './rules';
import { capText, SHOWN } from './util/untrusted';
import { paperSymbols } from './features/workspaceSymbols';
import { paperDetails, relatedQuery } from './features/paperDetails';
import { TopicNode, topicPapers } from './library/topics';
import { TopicsWorkerClient } from './library/topicsClient';
import { encodeTopicPapers } from './library/topicBatch';

/**
 * The language server: connection and thin handlers. Each handler converts the request, calls a
 * pure feature module, and converts back. Requests answer from what is indexed so far.
 */
const connectionOptions = {
  // Background slices wait while messages are being dispatched (see requestGate).
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
const library = new Library();
let settings: Settings = DEFAULT_SETTINGS;
let folders: Folder[] = [];
let canConfigure = false;
let canWatchDynamically = false;
let canReportProgress = false;
let canFollowFolders = false;
let cacheDir: string | undefined;
let search: SearchService | undefined;
/** Client's spelling of each open document's URI (ours are canonical). */
const clientUris = new Map<string, string>();

/** The scan reads and parses in two worker threads (one on a single core); single-file updates parse on this thread. */
const parseWorkers = new WorkerFileLoader(path.join(__dirname, 'parseWorker.js'), Math.min(2, os.cpus().length), (line) => log(line));
const indexer = new Indexer(library, folders, settings, { log: (line) => log(line), changed: () => afterSourceChange(true) }, parseWorkers);
// A worker thread takes ~70 ms to start. Started now, the parse workers start while the client
// waits for `initialize` (the full-text workers start in onInitialize), and the scan finds them ready.
parseWorkers.prepare();

function log(line: string): void {
  connection.console.log(line);
  void connection.sendNotification(LogNotification, { line });
}

function toClient(uri: string): string { return clientUris.get(uri) ?? uri; }

connection.onInitialize((params: InitializeParams) => {
  const caps = params.capabilities;
  canConfigure = !!caps.workspace?.configuration;
  canWatchDynamically = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  canReportProgress = !!caps.window?.workDoneProgress;
  canFollowFolders = !!caps.workspace?.workspaceFolders;
  const init = (params.initializationOptions ?? {}) as { cacheDir?: unknown };
  // The full-text cache lives where the client says (its storage folder), never in the workspace.
  cacheDir = typeof init.cacheDir === 'string' && path.isAbsolute(init.cacheDir) ? init.cacheDir : undefined;
  parseWorkers.useCache(parseCacheConfig(cacheDir));
  const wf = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
  folders = wf.map((f) => toFolder(f.uri)).filter((f): f is Folder => !!f);
  search = startSearch();
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      completionProvider: { triggerCharacters: ['@', '{', ',', '['], resolveProvider: true },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
      renameProvider: { prepareProvider: true },
      workspaceSymbolProvider: true,
      workspace: canFollowFolders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
    },
    serverInfo: { name: 'litnotes', version: '0.1.0' },
  };
});

/** Parse results are kept beside the full-text cache, tagged with a hash of the parser's bundle so that any other build parses afresh. */
function parseCacheConfig(dir: string | undefined): ParseCacheConfig | undefined {
  if (!dir) return undefined;
  try {
    return { dir: path.join(dir, 'parsed'), codeId: codeIdOf(path.join(__dirname, 'parseWorker.js')) };
  } catch (err) {
    log(`parse cache off: the parser bundle cannot be read (${(err as Error).message})`);
    return undefined;
  }
}

function toFolder(uri: string): Folder | undefined {
  const fsPath = safePath(uri);
  if (!fsPath) return undefined;
  let realPath = fsPath;
  try { realPath = fs.realpathSync(fsPath); } catch { /* a missing folder stays as given */ }
  return { uri: canonicalUri(uri), fsPath, realPath };
}

function startSearch(): SearchService {
  const service = new SearchService(library, {
    workerPath: path.join(__dirname, 'searchWorker.js'),
    cacheDir,
    log,
    onStatus: () => scheduleStatus(),
  });
  library.onFileChanged = (uri) => service.fileChanged(uri);
  for (const f of library.allFiles()) if (f.sources.length) service.fileChanged(f.uri);
  return service;
}

connection.onInitialized(async () => {
  // Round trips to the editor are not awaited before the scan unless it needs their answer (the
  // settings): at startup the editor is busy, and each one delays the scan by its wait.
  if (canWatchDynamically) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/*.{md,markdown,qmd,rmd,Rmd,tex,txt,json,bib,yaml,yml}' }, { globPattern: '**/', kind: 4 }],
    }).catch((err) => log(`file watching not registered: ${err}`));
  }
  // Each client capability is checked before it is used: an editor that advertises none still gets a scan of its rootUri.
  if (canFollowFolders) {
    connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
      const removed = new Set(e.removed.map((f) => canonicalUri(f.uri)));
      folders = folders.filter((f) => !removed.has(f.uri));
      for (const f of e.added) { const folder = toFolder(f.uri); if (folder) folders.push(folder); }
      await rescan();
    });
  }
  await loadSettings();
  await rescan();
});

async function loadSettings(): Promise<void> {
  if (!canConfigure) return;
  try {
    const raw = await connection.workspace.getConfiguration({ section: 'litnotes' });
    settings = readSettings(raw);
  } catch (err) {
    log(`settings could not be read, using defaults: ${err}`);
  }
}

/**
 * Scan progress goes to the editor at most this often. Each message is a write the server thread
 * makes; at one per percent, a warm start at M sent ~90 of them in ~1.5 s, and the writes showed
 * as ~130 ms of the server thread's profile on a busy machine.
 */
const PROGRESS_EVERY_MS = 150;
async function rescan(): Promise<void> {
  indexer.configure(folders, settings);
  // The progress bar appears once the editor has made it; the scan does not wait for that.
  let progress: WorkDoneProgressServerReporter | undefined;
  const progressMade = canReportProgress
    ? connection.window.createWorkDoneProgress().then((p) => { p.begin('Indexing literature notes', 0, undefined, false); return (progress = p); }, () => undefined)
    : Promise.resolve(undefined);
  sendStatus('indexing');
  let lastPercent = -1;
  let lastReport = 0;
  const run = (async () => {
    if (search) search.holdNoteGroups = true;
    const result = await indexer.scan((done, total) => {
      const percent = total ? Math.floor((done / total) * 100) : 100;
      if (percent === lastPercent || (done < total && Date.now() - lastReport < PROGRESS_EVERY_MS)) return;
      lastPercent = percent;
      lastReport = Date.now();
      progress?.report(percent, `${done}/${total} files`);
    }, () => {
      // Shards hold files' documents, not papers: they can load or build while the papers are recomputed.
      if (!search) return;
      search.holdNoteGroups = false;
      search.flush();
    }).catch((err): { files: number; ms: number } => {
      // Whatever went wrong, what was indexed is served, and the editor hears that the scan ended.
      log(`indexing stopped by an internal error (what was read so far is served): ${(err as Error)?.stack ?? err}`);
      return { files: library.counts().notes + library.counts().digests, ms: 0 };
    }).finally(() => { if (search && !indexer.scanning) search.holdNoteGroups = false; });
    (await progressMade)?.done();
    log(`indexed ${library.counts().papers} papers from ${result.files} files in ${result.ms} ms`);
    publishAllDiagnostics();
    sendStatus('ready', result.ms);
    search?.flush();
    if (!search || search.status().building === 0) parseWorkers.saveCache(); // else once the full text is ready
  })();
  await run;
}

let lastState: StatusParams['state'] = 'indexing';
function sendStatus(state: StatusParams['state'], scanMs?: number): void {
  lastState = state;
  const c = library.counts();
  let problems = 0;
  for (const f of library.allFiles()) problems += f.problems.length;
  const ft = search?.status();
  const fullText = ft ? { shards: ft.shards, ready: ft.ready, building: ft.building } : undefined;
  void connection.sendNotification(StatusNotification, { state, ...c, scanMs, problems, fullText } satisfies StatusParams);
}

let statusTimer: NodeJS.Timeout | undefined;
/** Full-text progress is reported at most every 250 ms; its completion at once. */
function scheduleStatus(): void {
  if (search && search.status().building === 0) {
    if (statusTimer) { clearTimeout(statusTimer); statusTimer = undefined; }
    if (!indexer.scanning) parseWorkers.saveCache();
    sendStatus(indexer.scanning ? 'indexing' : lastState);
    return;
  }
  if (statusTimer) return;
  statusTimer = setTimeout(() => { statusTimer = undefined; sendStatus(indexer.scanning ? 'indexing' : lastState); }, 250);
}

/** The settings that decide what is read and how: a change of any other needs no rescan. */
const scanSettings = (s: Settings) => JSON.stringify([s.notes, s.digests, s.bibliographies, s.exclude, s.maxFileSizeMB]);

connection.onDidChangeConfiguration(async () => {
  const before = scanSettings(settings);
  await loadSettings();
  // Topic settings only change the tree (recomputed on the next request), diagnostics settings the diagnostics.
  if (scanSettings(settings) !== before) await rescan();
  else publishAllDiagnostics();
});

connection.onRequest(ReindexRequest, async () => {
  await rescan();
  return library.counts();
});

// ---- documents: editor text overrides disk -------------------------------------------------

let rebuildTimer: NodeJS.Timeout | undefined;

/** Recompute papers after a note or digest changed: at once for saves and file events, batched while typing. */
function afterSourceChange(immediate: boolean): void {
  if (immediate) { void flushRebuild(); return; }
  if (rebuildTimer) return;
  rebuildTimer = setTimeout(() => void flushRebuild(), 50);
}

// ---- topics: recomputed in a worker thread after the library changes, off the request path -----

let topics: { version: number; settingsKey: string; tree: TopicNode[]; ms: number; fromCache: boolean } | undefined;
let topicsRunning: Promise<void> | undefined;
const topicsWorker = new TopicsWorkerClient(path.join(__dirname, 'topicsWorker.js'), (line) => log(line));

function topicsSettingsKey(): string {
  return JSON.stringify(settings.topics);
}

/**
 * The topic tree for the library as it is when the computation starts, computed in a worker on
 * first request and after changes. A request never waits for indexing: if files change meanwhile,
 * it gets this snapshot, and the next request recomputes.
 */
async function ensureTopics(): Promise<NonNullable<typeof topics>> {
  if (topics && topics.version === library.version && topics.settingsKey === topicsSettingsKey()) return topics;
  if (!topicsRunning) {
    topicsRunning = (async () => {
      const version = library.version;
      const key = topicsSettingsKey();
      const options = settings.topics; // as the key says, even if the settings change while the papers are encoded
      const batch = await encodeTopicPapers(topicPapers(library), yieldToRequests);
      const reply = await topicsWorker.compute(batch, options, cacheDir && path.join(cacheDir, 'topics'));
      if (reply.note) log(reply.note);
      if (reply.error || !reply.tree) throw new Error(`topics could not be computed: ${reply.error}`);
      topics = { version, settingsKey: key, tree: reply.tree, ms: reply.ms, fromCache: !!reply.cached };
    })().finally(() => { topicsRunning = undefined; });
  }
  await topicsRunning;
  return topics!;
}

async function flushRebuild(): Promise<void> {
  if (rebuildTimer) { clearTimeout(rebuildTimer); rebuildTimer = undefined; }
  const versionBefore = library.version;
  // During a scan the scan rebuilds; otherwise recompute now, in slices so requests keep flowing.
  if (!indexer.scanning) await library.rebuildInSlices(8, yieldToRequests);
  if (library.version !== versionBefore) {
    publishAllDiagnostics();
    if (!indexer.scanning) sendStatus('ready');
  }
}

/** Diagnostics of edited documents wait for a pause in typing, so they never compete with completion. */
const diagnosticsDue = new Set<string>();
let diagnosticsTimer: NodeJS.Timeout | undefined;
const TYPING_PAUSE_MS = 250;

function scheduleDiagnostics(uri: string, delay: number): void {
  diagnosticsDue.add(uri);
  if (diagnosticsTimer) clearTimeout(diagnosticsTimer);
  diagnosticsTimer = setTimeout(() => {
    diagnosticsTimer = undefined;
    for (const u of diagnosticsDue) publishDiagnostics(u);
    diagnosticsDue.clear();
  }, delay);
}

documents.onDidOpen((e) => documentChanged(e.document, true));
documents.onDidChangeContent((e) => documentChanged(e.document, false));
documents.onDidSave((e) => {
  afterSourceChange(true);
  void exportOnSave(canonicalUri(e.document.uri));
});
documents.onDidClose(async (e) => {
  const uri = canonicalUri(e.document.uri);
  await indexer.clearOverride(uri);
  openCitations.delete(uri);
  clientUris.delete(uri);
  afterSourceChange(true);
  if (!library.file(uri)?.problems.length && !library.mergeProblems(uri).length) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/** Citations of open documents that are not library files (drafts anywhere, e.g. outside the folders). */
const openCitations = new Map<string, ReturnType<typeof findCitations>>();

function documentChanged(doc: TextDocument, opened: boolean): void {
  const uri = canonicalUri(doc.uri);
  clientUris.set(uri, doc.uri);
  const text = doc.getText();
  if (indexer.setOverride(uri, text)) {
    if (library.isDirty) afterSourceChange(opened);
  } else if (isDraft(doc)) {
    openCitations.set(uri, findCitations(text, flavor(doc)));
  } else {
    return; // JSON, plain text and the like cite nothing (`"@types/node"` in a package.json is no citation)
  }
  scheduleDiagnostics(uri, opened ? 0 : TYPING_PAUSE_MS);
}

const DRAFT_LANGUAGES = new Set(['markdown', 'quarto', 'rmd', 'rmarkdown', 'latex', 'tex']);
/** A document citations are looked for in: by its language, or by its extension (editors name languages differently). */
function isDraft(doc: TextDocument): boolean {
  return DRAFT_LANGUAGES.has(doc.languageId) || /\.(md|markdown|qmd|rmd|tex)$/i.test(doc.uri);
}

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  for (const change of changes) {
    const uri = canonicalUri(change.uri);
    if (change.type === FileChangeType.Deleted) indexer.fileDeleted(uri);
    else await changedOnDisk(uri);
  }
  afterSourceChange(true);
});

async function changedOnDisk(uri: string): Promise<void> {
  const p = safePath(uri);
  if (!p) return;
  const stat = await fs.promises.stat(p).catch(() => undefined);
  if (stat?.isDirectory()) {
    // A folder created or moved in: index what it holds.
    for (const file of await listFiles(p)) await indexer.fileChanged(uriOf(file));
  } else {
    await indexer.fileChanged(uri);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

// ---- diagnostics ---------------------------------------------------------------------------

const published = new Set<string>();

function citationsFor(uri: string) {
  return library.file(uri)?.citations ?? openCitations.get(uri) ?? [];
}

function publishDiagnostics(uri: string): void {
  const isOpen = clientUris.has(uri);
  const diagnostics = isOpen
    ? documentDiagnostics(library, uri, citationsFor(uri), settings.diagnostics)
    : [...(library.file(uri)?.problems ?? []), ...library.mergeProblems(uri)].map(problemDiagnostic);
  if (diagnostics.length === 0 && !published.has(uri)) return;
  if (diagnostics.length) published.add(uri); else published.delete(uri);
  void connection.sendDiagnostics({ uri: toClient(uri), diagnostics });
}

function publishAllDiagnostics(): void {
  const uris = new Set<string>([...published, ...clientUris.keys(), ...library.urisWithMergeProblems()]);
  for (const f of library.allFiles()) if (f.problems.length) uris.add(f.uri);
  for (const uri of uris) publishDiagnostics(uri);
}

// ---- features ------------------------------------------------------------------------------

function lineOf(doc: TextDocument, line: number): string {
  return doc.getText({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } }).replace(/\r?\n$/, '');
}

function flavor(doc: TextDocument) {
  return doc.languageId === 'latex' || doc.languageId === 'tex' ? 'latex' : flavorOf(doc.uri);
}

function keyAtPosition(uri: string, line: number, character: number) {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  return keyAt(library, canonicalUri(uri), lineOf(doc, line), { line, character }, flavor(doc));
}

connection.onCompletion(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return null;
  const { line, character } = params.position;
  const before = lineOf(doc, line).slice(0, character);
  // The full-text fallback waits at most 40 ms: the keystroke path never waits on the index.
  return completeWithFullText(library, before, line, flavor(doc), async (query, limit) => (await searchWithin(query, limit, 40))?.hits.map((h) => h.paper));
});

connection.onCompletionResolve((item) => resolveCompletion(library, item));

/** A full-text search that gives up after `ms` (completion never waits longer than that). */
async function searchWithin(query: string, limit: number, ms: number): Promise<SearchResult | undefined> {
  if (!search) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([search.search(query, limit), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

connection.onWorkspaceSymbol(async (params) => {
  if (!search || !params.query.trim()) return [];
  const result = await search.search(incrementalQuery(params.query), 100);
  return paperSymbols(result.hits).map((s) => ({ ...s, location: { ...s.location, uri: toClient(s.location.uri) } }));
});

connection.onRequest(SearchRequest, async (params: SearchParams): Promise<SearchResponse> => {
  const limit = Math.max(1, Math.min(200, Number(params?.limit) || 20));
  const query = typeof params?.query === 'string' ? params.query : '';
  if (!search) return { results: [], partial: true };
  const r = await search.search(query, limit);
  r.partial ||= indexer.scanning;
  return {
    results: r.hits.map((h) => ({ key: h.key, title: capText(h.title, SHOWN.title), score: h.score, snippet: h.snippet, year: h.paper.year, authors: h.paper.authors.slice(0, 20).map((a) => capText(a, SHOWN.key)) })),
    error: r.error,
    partial: r.partial,
  };
});

connection.onRequest(PaperRequest, async (params: PaperParams): Promise<PaperDetails | null> => {
  const paper = typeof params?.key === 'string' ? library.get(params.key) : undefined;
  if (!paper) return null;
  const q = relatedQuery(paper);
  const related = q ? await searchWithin(q, 10, 2000) : undefined;
  const details = paperDetails(library, paper, (related?.hits ?? []).map((h) => ({ key: h.key, title: h.title, score: h.score })));
  const located = (l: { uri: string; line: number }) => ({ ...l, uri: toClient(l.uri) });
  return { ...details, note: details.note && { ...details.note, uri: toClient(details.note.uri) }, entries: details.entries.map(located), digests: details.digests.map(located), citedIn: details.citedIn.map(toClient) };
});

connection.onRequest(ListRequest, (params: { limit?: number } | undefined): ListResponse => {
  const all = library.papers();
  const limit = Math.max(1, Math.min(20000, Number(params?.limit) || 5000));
  return {
    total: all.length,
    papers: all.slice(0, limit).map((p) => ({ key: p.key, title: capText(p.title, SHOWN.title), year: p.year, authors: p.authors.slice(0, 5).map((a) => capText(a, SHOWN.key)), hasNote: !!p.note, digestDate: p.digestDate })),
  };
});

connection.onRequest(CitedKeysRequest, (params: CitedKeysParams): string[] => {
  const uri = typeof params?.uri === 'string' ? canonicalUri(params.uri) : '';
  const keys = new Set<string>();
  for (const c of citationsFor(uri)) {
    const p = library.get(c.key);
    if (p) keys.add(p.key);
  }
  return [...keys].sort();
});

connection.onRequest(CreateNoteRequest, (params: CreateNoteParams): CreateNoteResponse => {
  const paper = typeof params?.key === 'string' ? library.get(params.key) : undefined;
  if (!paper) return { message: `No paper has the key "${params?.key}".` };
  if (paper.note) return { uri: toClient(paper.note.uri), message: `"${paper.key}" already has a note.` };
  const folder = (params.folderUri && folderFor(canonicalUri(params.folderUri))) || folders[0];
  if (!folder) return { message: 'Open a folder to create literature notes in.' };
  const uri = newNoteUri(folder, paper.key);
  const action = createNoteAction(paper, uri);
  return { uri, edit: action?.edit };
});

connection.onRequest(ExportBibliographyRequest, (params: ExportBibliographyParams): ExportBibliographyResponse => {
  const format = EXPORT_FORMATS.find((f) => f === params?.format);
  if (!format) return { text: '', count: 0, unresolved: [], error: `Unknown format "${params?.format}": use ${EXPORT_FORMATS.join(', ')}.` };
  const keys = typeof params.uri === 'string' ? citedKeys(citationsFor(canonicalUri(params.uri))) : 'library';
  return exportBibliography(library, keys, format);
});

/**
 * litnotes.export.onSave: a saved draft's `bibliography:` files that litnotes wrote, in the format
 * the setting names, are written again with exactly what the draft cites. Any other file is left alone.
 */
async function exportOnSave(uri: string): Promise<void> {
  const wanted = settings.export.onSave;
  const draft = library.file(uri);
  const draftPath = safePath(uri);
  if (wanted === 'off' || !draft?.bibliographies?.length || !draftPath) return;
  for (const name of draft.bibliographies) {
    const target = path.resolve(path.dirname(draftPath), name);
    const format: ExportFormat | undefined = wanted === 'csl-json' ? (/\.json$/i.test(target) ? 'csl-json' : undefined) : /\.bib$/i.test(target) ? 'bibtex' : undefined;
    if (!format || !indexer.folderOf(target)) continue;
    const existing = await fs.promises.readFile(target, 'utf8').catch(() => undefined);
    if (existing === undefined) continue; // Export Bibliography makes it first
    if (!isLitnotesExport(existing)) {
      log(`${indexer.relativePath(uriOf(target))}: not rewritten on save, litnotes did not write it (export to a new file to start one)`);
      continue;
    }
    const { text } = exportBibliography(library, citedKeys(draft.citations), format);
    if (text === existing) continue;
    try {
      await fs.promises.writeFile(target, text);
    } catch (err) {
      log(`${indexer.relativePath(uriOf(target))}: could not be written: ${(err as Error).message}`);
    }
  }
}

connection.onRequest(TopicsRequest, async (): Promise<TopicsResponse> => {
  const t = await ensureTopics();
  const placed = new Set<string>();
  const walk = (nodes: TopicNode[]) => { for (const n of nodes) { n.papers.forEach((k) => placed.add(k)); walk(n.children); } };
  walk(t.tree);
  const uncategorized = library.papers().filter((p) => !placed.has(p.key)).map((p) => p.key);
  return { topics: t.tree, computeMs: t.ms, fromCache: t.fromCache, papers: library.papers().length, uncategorized };
});

connection.onHover((params) => {
  const at = keyAtPosition(params.textDocument.uri, params.position.line, params.position.character);
  return at ? hoverKey(library, at, (u) => indexer.relativePath(u)) : null;
});

connection.onDefinition((params) => {
  const at = keyAtPosition(params.textDocument.uri, params.position.line, params.position.character);
  const loc = at && definitionOf(at);
  return loc ? { uri: toClient(loc.uri), range: loc.range } : null;
});

connection.onReferences((params) => {
  const at = keyAtPosition(params.textDocument.uri, params.position.line, params.position.character);
  if (!at) return null;
  return referencesOf(library, at, params.context.includeDeclaration).map((l) => ({ uri: toClient(l.uri), range: l.range }));
});

connection.onCodeAction((params) => {
  const uri = params.textDocument.uri;
  const at = keyAtPosition(uri, params.range.start.line, params.range.start.character);
  const actions: CodeAction[] = replaceKeyActions(library, uri, params.context.diagnostics.filter((d) => d.source === 'litnotes'), at);
  // Worked out afresh, so that the fix does not depend on the editor sending a diagnostic's data back.
  const citations = citationsFor(canonicalUri(uri));
  const samePaper = documentDiagnostics(library, canonicalUri(uri), citations, settings.diagnostics).filter((d) => d.code === SAME_PAPER && overlaps(d.range, params.range));
  actions.push(...unifyKeyActions(uri, samePaper, citations));
  if (at?.paper && !at.paper.note) {
    const folder = folderFor(canonicalUri(uri));
    if (folder) {
      const action = createNoteAction(at.paper, newNoteUri(folder, at.paper.key));
      if (action) actions.push(action);
    }
  }
  return actions;
});

/** Where a new note for `key` goes in `folder`: a file name that no file on disk or in the index has. */
function newNoteUri(folder: Folder, key: string): string {
  const rel = newNotePath(settings.newNoteFolder, key, (p) => fs.existsSync(path.join(folder.fsPath, p)) || !!library.file(uriOf(path.join(folder.fsPath, p))));
  return uriOf(path.join(folder.fsPath, rel));
}

function overlaps(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const before = (p: typeof a.start, q: typeof a.start) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function folderFor(uri: string): Folder | undefined {
  const p = safePath(uri);
  return (p && indexer.folderOf(p)) || folders[0];
}

connection.onPrepareRename((params) => {
  const at = keyAtPosition(params.textDocument.uri, params.position.line, params.position.character);
  if (!at) return null;
  try {
    return prepareRename(at);
  } catch (err) {
    if (err instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, err.message);
    throw err;
  }
});

connection.onRenameRequest((params) => {
  const at = keyAtPosition(params.textDocument.uri, params.position.line, params.position.character);
  if (!at) return null;
  try {
    const edit = renameKey(library, at, params.newName);
    const changes: typeof edit.changes = {};
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) changes[toClient(uri)] = edits;
    return { changes };
  } catch (err) {
    if (err instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, err.message);
    throw err;
  }
});

connection.onShutdown(async () => {
  // Keep the full-text and parse caches for the next start.
  await Promise.all([search?.persist(5000), parseWorkers.saveCacheBeforeExit(5000)]);
});

process.on('uncaughtException', (err) => log(`internal error (server keeps running): ${err.stack ?? err}`));
process.on('unhandledRejection', (err) => log(`internal error (server keeps running): ${(err as Error)?.stack ?? err}`));

documents.listen(connection);
connection.listen();
