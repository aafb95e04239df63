import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Hover, Location, SymbolInformation, WorkspaceEdit } from 'vscode-languageserver-types';
import { Library, Paper } from './model/library';
import { sortInSteps } from './model/steps';
import { rankPapers } from './model/match';
import { Indexer, Folder, canonicalUri, safePath, uriOf } from './ingest/indexer';
import { WorkerFileLoader } from './ingest/fileLoader';
import { closeTextStore, openTextStore, TextReader, TextStoreLocation } from './runtime/textStore';
import { FolderWatcher } from './ingest/folderWatcher';
import { UserFileWatcher } from './ingest/userFiles';
import type { ParseCacheConfig } from './ingest/parseCache';
import { codeIdOf } from './runtime/cacheStore';
import { afterWhileBusy, resultInSlices, runSliced, Slice } from './runtime/scheduler';
import { DEFAULT_SETTINGS, readSettings, Settings } from './shared/settings';
import { Citation, DocumentFlavor, findCitations, flavorOf as flavorOfName } from './parse/citations';
import { DRAFT, PROJECT_METADATA } from './parse/classify';
import { isLitnotesExport } from './parse/exportMarker';
import { keyAt, KeyAt } from './features/keyAt';
import { completeWithFullText, resolveCompletion } from './features/completion';
import { hoverKey } from './features/hover';
import { definitionOf, referencesOf } from './features/definition';
import { DraftBibliography, documentDiagnostics, keyForDraft, NOT_IN_BIBLIOGRAPHY, notInBibliographyDiagnostics, problemDiagnostic, SAME_PAPER, UnreadBibliography, unreadBibliographyDiagnostics } from './features/diagnostics';
import { createBibliographyAction, createNoteAction, formatOfBibliographyName, readOutsideBibliographyAction, replaceKeyActions, unifyKeyActions, notInBibliographyActions, wikilinkCitationActions } from './features/codeActions';
import type { FileEntry, PaperSource } from './parse/types';
import { citedKeys, EXPORT_FORMATS, exportBibliography, ExportFormat, exportPieces, referenceEntry } from './features/exportBibliography';
import { previewCitations } from './features/citationPreview';
import { newNoteEdit, newNotePath } from './features/noteTemplate';
import { checkNewPaper, newPaperNoteText, noteKeyFor, paperInLibrary } from './features/newPaperNote';
import { prepareRename, renameKey } from './features/rename';
import { paperSymbols } from './features/workspaceSymbols';
import { paperDetails, relatedQuery } from './features/paperDetails';
import { draftCitations } from './features/draftCitations';
import { fileSymbols } from './features/documentSymbols';
import type {
  CreateNoteParams, CreateNoteResponse, DraftCitationsResponse, ExportBibliographyParams, PreviewCitation, PreviewCitationsParams, ReferenceParams, ExportBibliographyResponse, ListParams, ListResponse, PaperDetails, PaperSummary, SearchParams,
  SearchResponse, StatusParams, TopicOutlineParams, TopicOutlineResponse, TopicPapersParams, TopicPapersResponse, TopicsResponse,
} from './shared/protocol';
import { NEW_PAPERS_TOPIC } from './shared/protocol'; // a value, beside the types above
import { SearchService, SearchResult } from './search/service';
import { incrementalQuery } from './shared/rules';
import { capText, SHOWN } from './util/untrusted';
import { rangesOverlap, Range } from './util/text';
import { sameTopicInput, TopicNode, topicPaper } from './topics/topics';
import { TopicsWorkerClient } from './topics/topicsClient';
import { encodeTopicPapers } from './topics/topicBatch';
import { libraryTextHash } from './topics/libraryHash';
import { renamePapers, topicOutline, topicPapersOf } from './topics/topicView';
import { SeenPapers, unseenSteps } from './topics/seenPapers';
import { writeInSlices } from './runtime/writeInSlices';
import { heapGrowthAtRest, heapGrowthForScan } from './runtime/heapGrowth';
import { configureNativeTrim, returnFreedNativeMemorySoon } from './runtime/nativeMemory';

/** What the session tells the editor, through the connection (main.ts). URIs are canonical; `toClient` gives the editor's spelling. */
export interface SessionPorts {
  log(line: string): void;
  status(params: StatusParams): void;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  /** A progress report for a scan, if the editor shows them. */
  progress(): Promise<{ report(percent: number, message: string): void; done(): void } | undefined>;
  toClient(uri: string): string;
}

/** An open document as the session needs it. */
export interface OpenDocument { uri: string; languageId: string; text: string }

/**
 * Scan progress goes to the editor at most this often: each message is a write the server thread
 * makes, and one per percent was a visible part of a warm start's time.
 */
const PROGRESS_EVERY_MS = 150;
/**
 * An edit's recompute of the papers runs in longer slices than indexing's: someone is waiting for
 * its result (the hover showing the saved note), and a request still waits at most one slice.
 */
const EDIT_REBUILD_SLICE_MS = 8;
/** Diagnostics of edited documents wait for a pause in typing, so they never compete with completion. */
const TYPING_PAUSE_MS = 250;
/** The most citations a closed draft may have to be checked (litnotes.diagnostics.scope: drafts). */
const MAX_CHECKED_CITATIONS = 20000;
/** How long after the full text is ready the parse cache waits for a topics request (see saveParseCacheSoon). */
const PARSE_CACHE_SAVE_DELAY_MS = 1000;
const NO_FOLDER = 'Open a folder to create literature notes in.';
const DRAFT_LANGUAGES = new Set(['markdown', 'quarto', 'rmd', 'rmarkdown', 'latex', 'tex', 'org']);

/**
 * The server's state and what is recomputed when: folders, settings, the library and its indexer,
 * the full-text service, the topics, the open documents and their diagnostics. main.ts converts
 * between LSP and this; the features are pure modules it calls.
 */
export class Session {
  readonly library = new Library();
  private settings: Settings = DEFAULT_SETTINGS;
  private folders: Folder[] = [];
  private cacheDir: string | undefined;
  private textStore: TextStoreLocation | undefined;
  private textReader: TextReader | undefined;
  private search: SearchService | undefined;
  /** The scan reads and parses in two worker threads (one on a single core); single-file updates parse on this thread. */
  private readonly parseWorkers: WorkerFileLoader;
  private readonly indexer: Indexer;
  private readonly topicsWorker: TopicsWorkerClient;
  /** Open documents (canonical URIs), and the citations of those that are not library files (drafts anywhere). */
  private readonly open = new Set<string>();
  private readonly openCitations = new Map<string, Citation[]>();
  private readonly published = new Set<string>();

  constructor(private readonly ports: SessionPorts, private readonly bundleDir: string) {
    this.parseWorkers = new WorkerFileLoader(path.join(bundleDir, 'parseWorker.js'), Math.min(2, os.cpus().length), (line) => ports.log(line));
    this.indexer = new Indexer(this.library, this.folders, this.settings, { log: (line) => ports.log(line), changed: () => this.afterSourceChange(true) }, this.parseWorkers);
    this.topicsWorker = new TopicsWorkerClient(path.join(bundleDir, 'topicsWorker.js'), (line) => ports.log(line));
    configureNativeTrim(this.derivingTopics, (line) => ports.log(line));
    // A worker thread takes tens of milliseconds to start: started now, the parse workers start while the client
    // waits for `initialize` (the full-text workers start in `start`), and the scan finds them ready.
    this.parseWorkers.prepare();
  }

  /** The workspace folders, and where the caches go (the client's storage folder, never the workspace). */
  start(folderUris: string[], cacheDir: string | undefined): void {
    this.cacheDir = cacheDir;
    this.seenPapers = new SeenPapers(cacheDir && path.join(cacheDir, 'seen-papers'), (line) => this.ports.log(line));
    this.parseWorkers.useCache(this.parseCacheConfig());
    const texts = (this.textStore = this.openTextStore());
    this.parseWorkers.useTextStore(texts, (files) => this.textReader?.remove(files));
    this.folders = folderUris.map(toFolder).filter((f): f is Folder => !!f);
    this.search = new SearchService(this.library, {
      workerPath: path.join(this.bundleDir, 'searchWorker.js'),
      cacheDir,
      texts,
      log: (line) => this.ports.log(line),
      onStatus: () => this.scheduleStatus(),
    });
    this.library.onFileChanged = (uri) => this.search?.fileChanged(uri);
    for (const f of this.library.allFiles()) if (f.sources.length) this.search.fileChanged(f.uri);
  }

  /**
   * Abstracts and note texts the scan reads go to a folder of this server's (in the storage folder,
   * or the system's temporary folder without one), removed when the server exits; without it they
   * stay in memory.
   */
  private openTextStore(): TextStoreLocation | undefined {
    try {
      const location = openTextStore(this.cacheDir && path.join(this.cacheDir, 'texts'));
      process.once('exit', () => closeTextStore(location));
      this.library.texts = this.textReader = new TextReader(location, (line) => this.ports.log(line));
      return location;
    } catch (err) {
      this.ports.log(`text store off, texts stay in memory: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Parse results are kept beside the full-text cache, tagged with a hash of the parser's bundle so that any other build parses afresh. */
  private parseCacheConfig(): ParseCacheConfig | undefined {
    if (!this.cacheDir) return undefined;
    try {
      return { dir: path.join(this.cacheDir, 'parsed'), codeId: codeIdOf(path.join(this.bundleDir, 'parseWorker.js')) };
    } catch (err) {
      this.ports.log(`parse cache off: the parser bundle cannot be read (${(err as Error).message})`);
      return undefined;
    }
  }

  /** New settings (as the editor sent them): a rescan if what is read changed, else new diagnostics. */
  async useSettings(raw: unknown, rescanIfNeeded: boolean): Promise<void> {
    const before = scanSettings(this.settings);
    this.settings = readSettings(raw);
    if (!rescanIfNeeded) return;
    // Topic settings only change the tree (recomputed on the next request), diagnostics settings the diagnostics.
    if (scanSettings(this.settings) !== before) await this.rescan();
    else this.publishAllDiagnostics();
  }

  async foldersChanged(added: string[], removed: string[]): Promise<void> {
    const gone = new Set(removed.map(canonicalUri));
    this.folders = [...this.folders.filter((f) => !gone.has(f.uri)), ...added.map(toFolder).filter((f): f is Folder => !!f)];
    this.watcher?.watch(this.folders.map((f) => f.fsPath));
    await this.rescan();
  }

  private watcher: FolderWatcher | undefined;

  /** For an editor that does not watch files for the server: watch the folders here. */
  watchFolders(): void {
    this.watcher ??= new FolderWatcher(
      (changes) => void this.filesChanged(changes.map((c) => ({ uri: uriOf(c.path), deleted: c.deleted }))),
      (rel) => this.indexer.excluded(rel),
      (line) => this.ports.log(line),
    );
    this.watcher.watch(this.folders.map((f) => f.fsPath));
  }

  // ---- scanning and status ------------------------------------------------------------------

  /** The files `litnotes.bibliographyFiles` names: no editor watches them for the server (they may be anywhere). */
  private readonly userFileWatcher = new UserFileWatcher((file, exists) => void this.filesChanged([{ uri: uriOf(file), deleted: !exists }]));

  async rescan(): Promise<{ papers: number; notes: number; digests: number }> {
    const { indexer, library, search } = this;
    indexer.configure(this.folders, this.settings);
    this.userFileWatcher.watch(indexer.userFilePaths());
    // The progress bar appears once the editor has made it; the scan does not wait for that.
    const progressMade = this.ports.progress();
    let progress: Awaited<typeof progressMade>;
    void progressMade.then((p) => (progress = p));
    this.sendStatus('indexing');
    let lastPercent = -1;
    let lastReport = 0;
    if (search) search.holdShards = true;
    heapGrowthForScan();
    const result = await indexer.scan((done, total) => {
      const percent = total ? Math.floor((done / total) * 100) : 100;
      if (percent === lastPercent || (done < total && Date.now() - lastReport < PROGRESS_EVERY_MS)) return;
      lastPercent = percent;
      lastReport = Date.now();
      progress?.report(percent, `${done}/${total} files`);
    }, () => {
      // Shards hold files' documents, not papers: they can load or build while the papers are recomputed.
      if (!search) return;
      search.holdShards = false;
      search.flush();
    }).catch((err): { files: number; ms: number } => {
      // Whatever went wrong, what was indexed is served, and the editor hears that the scan ended.
      this.ports.log(`indexing stopped by an internal error (what was read so far is served): ${(err as Error)?.stack ?? err}`);
      return { files: library.counts().notes + library.counts().digests, ms: 0 };
    }).finally(() => {
      if (search && !indexer.scanning) search.holdShards = false;
      if (!indexer.scanning) { heapGrowthAtRest(); returnFreedNativeMemorySoon(); }
    });
    (await progressMade)?.done();
    this.ports.log(`indexed ${library.counts().papers} papers from ${result.files} files in ${result.ms} ms`);
    this.publishAllDiagnostics();
    this.sendStatus('ready', result.ms);
    search?.flush();
    if (!search || search.status().building === 0) this.saveParseCacheSoon(); // else once the full text is ready
    return library.counts();
  }

  private parseCacheTimer: NodeJS.Timeout | undefined;

  /**
   * Writes what the scan parsed to the parse cache, in a worker, once the topic tree is not being
   * derived: the editor's Topics view asks for the tree as soon as the full text is ready, and the
   * writer beside the topics worker and its helper took their cores and added its memory to the
   * process's peak. It waits a moment first for that request to come.
   */
  private saveParseCacheSoon(): void {
    this.parseCacheTimer ??= afterWhileBusy(PARSE_CACHE_SAVE_DELAY_MS, this.derivingTopics, () => {
      this.parseCacheTimer = undefined;
      if (!this.indexer.scanning) this.parseWorkers.saveCache(); // else the scan saves it first (load), and its own at its end
    });
  }

  private lastState: StatusParams['state'] = 'indexing';
  private sendStatus(state: StatusParams['state'], scanMs?: number): void {
    this.lastState = state;
    let problems = 0;
    for (const f of this.library.allFiles()) problems += f.problems.length;
    const ft = this.search?.status();
    const fullText = ft ? { shards: ft.shards, ready: ft.ready, building: ft.building } : undefined;
    this.ports.status({ state, ...this.library.counts(), scanMs, problems, fullText, version: this.library.version });
  }

  private statusTimer: NodeJS.Timeout | undefined;
  /** Full-text progress is reported at most every 250 ms; its completion at once. */
  private scheduleStatus(): void {
    const status = () => this.sendStatus(this.indexer.scanning ? 'indexing' : this.lastState);
    if (this.search && this.search.status().building === 0) {
      if (this.statusTimer) { clearTimeout(this.statusTimer); this.statusTimer = undefined; }
      if (!this.indexer.scanning) this.saveParseCacheSoon();
      returnFreedNativeMemorySoon();
      status();
      return;
    }
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => { this.statusTimer = undefined; status(); }, 250);
  }

  // ---- documents and files: editor text overrides the disk ---------------------------------------

  private rebuildTimer: NodeJS.Timeout | undefined;

  /** Recompute papers after a note or digest changed: at once for saves and file events, batched while typing. */
  private afterSourceChange(immediate: boolean): void {
    if (immediate) { void this.flushRebuild(); return; }
    if (this.rebuildTimer) return;
    this.rebuildTimer = setTimeout(() => void this.flushRebuild(), 50);
  }

  private async flushRebuild(): Promise<void> {
    if (this.rebuildTimer) { clearTimeout(this.rebuildTimer); this.rebuildTimer = undefined; }
    const versionBefore = this.library.version;
    // During a scan the scan rebuilds; otherwise recompute now, in slices so requests keep flowing.
    const steps = this.indexer.scanning ? undefined : this.library.rebuildInSteps();
    if (steps) await runSliced(steps, EDIT_REBUILD_SLICE_MS);
    if (this.library.version !== versionBefore) {
      this.publishAllDiagnostics();
      if (!this.indexer.scanning) this.sendStatus('ready');
    }
  }

  documentChanged(doc: OpenDocument, opened: boolean): void {
    this.open.add(doc.uri);
    if (this.indexer.setOverride(doc.uri, doc.text)) {
      if (this.library.isDirty) this.afterSourceChange(opened);
    } else if (isDraft(doc)) {
      this.openCitations.set(doc.uri, findCitations(doc.text, flavorOf(doc)));
    } else {
      return; // JSON, plain text and the like cite nothing (`"@types/node"` in a package.json is no citation)
    }
    this.scheduleDiagnostics(doc.uri, opened ? 0 : TYPING_PAUSE_MS);
  }

  documentSaved(uri: string): void {
    this.afterSourceChange(true);
    void this.exportOnSave(uri);
  }

  async documentClosed(uri: string): Promise<void> {
    await this.indexer.clearOverride(uri);
    this.open.delete(uri);
    this.openCitations.delete(uri);
    this.afterSourceChange(true);
    if (this.checksClosed(uri)) this.publishDiagnostics(uri);
    else if (!this.library.file(uri)?.problems.length && !this.library.mergeProblems(uri).length) {
      this.published.delete(uri);
      this.ports.publish(uri, []);
    }
  }

  /** File events from the editor's watcher (created or changed, or deleted). */
  async filesChanged(changes: { uri: string; deleted: boolean }[]): Promise<void> {
    for (const change of changes) {
      if (change.deleted) this.indexer.fileDeleted(change.uri);
      else await this.changedOnDisk(change.uri);
    }
    this.afterSourceChange(true);
    this.recheckNamedBibliographies(new Set(changes.map((c) => c.uri)));
  }

  /**
   * An open draft naming a file that was just created or deleted gets its diagnostics again (a
   * bibliography litnotes exported is not read back, so the library need not change with it).
   */
  private recheckNamedBibliographies(changed: ReadonlySet<string>): void {
    for (const uri of this.open) {
      if (this.readBibliographies(uri)?.files.some((f) => f && changed.has(uriOf(f)))) this.scheduleDiagnostics(uri, 0);
    }
  }

  private async changedOnDisk(uri: string): Promise<void> {
    const p = safePath(uri);
    if (!p) return;
    const stat = await fs.promises.stat(p).catch(() => undefined);
    if (stat?.isDirectory()) {
      // A folder created or moved in: index what it holds.
      for (const file of await listFiles(p)) await this.indexer.fileChanged(uriOf(file));
    } else {
      await this.indexer.fileChanged(uri);
    }
  }

  // ---- diagnostics -----------------------------------------------------------------------------

  private readonly diagnosticsDue = new Set<string>();
  private diagnosticsTimer: NodeJS.Timeout | undefined;

  private scheduleDiagnostics(uri: string, delay: number): void {
    this.diagnosticsDue.add(uri);
    if (this.diagnosticsTimer) clearTimeout(this.diagnosticsTimer);
    this.diagnosticsTimer = setTimeout(() => {
      this.diagnosticsTimer = undefined;
      for (const u of this.diagnosticsDue) this.publishDiagnostics(u);
      this.diagnosticsDue.clear();
    }, delay);
  }

  citationsFor(uri: string): readonly Citation[] {
    return this.library.file(uri)?.citations ?? this.openCitations.get(uri) ?? [];
  }

  /**
   * Whether a closed document's citations are checked too (`litnotes.diagnostics.scope: drafts`): a
   * draft that cites a paper of the library (a README's `@someone` alone is left alone), with at most
   * MAX_CHECKED_CITATIONS citations, so that a library change costs little for each.
   */
  private checksClosed(uri: string): boolean {
    if (this.settings.diagnostics.scope !== 'drafts') return false;
    const file = this.library.file(uri);
    if (file?.kind !== 'draft' || PROJECT_METADATA.test(file.relativePath) || file.citations.length > MAX_CHECKED_CITATIONS) return false;
    return file.citations.some((c) => c.syntax !== 'wikilink' && this.library.get(c.key) !== undefined);
  }

  private publishDiagnostics(uri: string): void {
    const diagnostics = this.open.has(uri) || this.checksClosed(uri)
      ? [
        ...documentDiagnostics(this.library, uri, this.citationsFor(uri), this.settings.diagnostics),
        ...unreadBibliographyDiagnostics(this.unreadBibliographies(uri)),
        ...this.notInBibliography(uri),
      ]
      : [...(this.library.file(uri)?.problems ?? []), ...this.library.mergeProblems(uri)].map(problemDiagnostic);
    if (diagnostics.length === 0 && !this.published.has(uri)) return;
    if (diagnostics.length) this.published.add(uri); else this.published.delete(uri);
    this.ports.publish(uri, diagnostics);
  }

  /** Citations of papers the draft's own bibliography files lack (see notInBibliographyDiagnostics). */
  private notInBibliography(uri: string): Diagnostic[] {
    const bibliography = this.draftBibliography(uri);
    return bibliography ? notInBibliographyDiagnostics(this.library, this.citationsFor(uri), bibliography, this.settings.diagnostics.notInBibliography) : [];
  }

  /**
   * The keys in the bibliography files a draft is rendered with (readBibliographies; and in its inline `references`), when
   * every one is in the library; undefined when the draft names none, or one that litnotes does not
   * read (a URL, a file missing or outside the workspace, or one litnotes exported, which export.onSave
   * keeps to what the draft cites): then nothing can be said. The files' keys are kept while the
   * files are the same (completion asks at every keystroke, and a draft's edit replaces only the draft).
   */
  private draftBibliography(uri: string): DraftBibliography | undefined {
    const named = this.readBibliographies(uri);
    if (!named) return undefined;
    const files: FileEntry[] = [];
    for (const target of named.files) {
      const file = target === undefined ? undefined : this.library.file(uriOf(target));
      if (file?.kind !== 'bibliography') return undefined;
      files.push(file);
    }
    let kept = this.draftBibliographyKeys.get(uri);
    if (!kept || kept.files.length !== files.length || kept.files.some((f, i) => f !== files[i])) {
      kept = { files, keys: keysOf(files.flatMap((f) => f.sources)) };
      if (this.draftBibliographyKeys.size > 100) this.draftBibliographyKeys.clear();
      this.draftBibliographyKeys.set(uri, kept);
    }
    const inFiles = kept.keys;
    const entry = this.library.file(uri)!;
    const inline = entry.sources.length ? keysOf(entry.sources) : undefined;
    return { names: named.names, namedBy: named.namedBy, keys: { has: (key) => inFiles.has(key) || !!inline?.has(key) } };
  }

  /** draftBibliography, unless `litnotes.diagnostics.notInBibliography` is off (then nothing looks at it). */
  private checkedBibliography(uri: string): DraftBibliography | undefined {
    return this.settings.diagnostics.notInBibliography === 'off' ? undefined : this.draftBibliography(uri);
  }

  /**
   * The bibliography files a draft names, each with its absolute path beside the draft (none for a
   * URL, which pandoc reads and litnotes does not); undefined for a document that names none.
   */
  private namedBibliographies(uri: string): { name: string; index: number; file?: string }[] | undefined {
    const names = this.library.file(uri)?.bibliographies;
    const draftPath = names?.length ? safePath(uri) : undefined;
    if (!names?.length || !draftPath) return undefined;
    return names.map((name, index) => ({ name, index, file: bibliographyPath(path.dirname(draftPath), name) }));
  }

  /**
   * The bibliography files a draft is rendered with: those it names, or, for a markdown draft (Quarto,
   * pandoc) that names none, those the nearest Quarto metadata file above it names (`namedBy`: that
   * file's workspace path; `projectDir`: its folder), as Quarto gives a project's chapters.
   * Undefined when there are none.
   */
  private readBibliographies(uri: string): { names: string[]; files: (string | undefined)[]; namedBy?: string; projectDir?: string } | undefined {
    const own = this.namedBibliographies(uri);
    if (own) return { names: own.map((b) => b.name), files: own.map((b) => b.file) };
    const entry = this.library.file(uri);
    const draftPath = entry?.kind === 'draft' && flavorOfName(uri) === 'markdown' ? safePath(uri) : undefined;
    const project = draftPath ? this.nearestProjectMetadata(path.dirname(draftPath)) : undefined;
    if (!project) return undefined;
    return { names: project.names, files: project.names.map((name) => bibliographyPath(project.dir, name)), namedBy: this.indexer.relativePath(project.uri), projectDir: project.dir };
  }

  /** Per draft, the bibliography files it names (as the library held them) and their keys. */
  private readonly draftBibliographyKeys = new Map<string, { files: FileEntry[]; keys: Set<string> }>();

  /** The bibliography files an open draft names that are not in the library, and why (see UnreadBibliography). */
  private unreadBibliographies(uri: string): UnreadBibliography[] {
    const named = this.namedBibliographies(uri);
    const ranges = this.library.file(uri)?.bibliographyRanges;
    if (!named || !ranges) return [];
    const latex = flavorOf({ uri, languageId: '' }) === 'latex';
    const out: UnreadBibliography[] = [];
    for (const { name, index, file } of named) {
      if (!file || this.library.file(uriOf(file))) continue;
      if (!this.indexer.folderOf(file) && !this.indexer.isUserFile(file)) out.push({ name, file, range: ranges[index], why: 'outside' });
      else if (!fs.existsSync(file)) out.push({ name, file, range: ranges[index], why: latex ? 'elsewhere' : 'missing' });
    }
    return out;
  }

  private publishAllDiagnostics(): void {
    const uris = new Set<string>([...this.published, ...this.open, ...this.library.urisWithMergeProblems()]);
    const drafts = this.settings.diagnostics.scope === 'drafts';
    for (const f of this.library.allFiles()) if (f.problems.length || (drafts && f.kind === 'draft')) uris.add(f.uri);
    for (const uri of uris) this.publishDiagnostics(uri);
  }

  // ---- features ------------------------------------------------------------------------------

  keyAt(uri: string, lineText: string, line: number, character: number, flavor: DocumentFlavor): KeyAt | undefined {
    return keyAt(this.library, uri, lineText, { line, character }, flavor);
  }

  /** `uri`: the draft, whose own bibliography (if litnotes reads it) decides which of a paper's keys is inserted. */
  completion(uri: string, before: string, line: number, flavor: DocumentFlavor): Promise<CompletionList | null> {
    // The full-text fallback waits at most 40 ms: the keystroke path never waits on the index.
    const bibliography = this.checkedBibliography(uri);
    return completeWithFullText(this.library, before, line, flavor, async (query, limit) => (await this.searchWithin(query, limit, 40))?.hits.map((h) => h.paper), bibliography);
  }

  resolveCompletion(item: CompletionItem): CompletionItem {
    return resolveCompletion(this.library, item);
  }

  hover(at: KeyAt): Hover {
    return hoverKey(this.library, at, (u) => this.indexer.relativePath(u));
  }

  definition(at: KeyAt): Location | null {
    const loc = definitionOf(at);
    return loc && { uri: this.ports.toClient(loc.uri), range: loc.range };
  }

  references(at: KeyAt, includeDeclaration: boolean): Location[] {
    return referencesOf(this.library, at, includeDeclaration).map((l) => ({ uri: this.ports.toClient(l.uri), range: l.range }));
  }

  /** `clientUri`: the document as the editor names it (the edits are for it). */
  codeActions(uri: string, clientUri: string, range: Range, diagnostics: Diagnostic[], at: KeyAt | undefined, lineText: (line: number) => string | undefined = () => undefined): CodeAction[] {
    const actions = replaceKeyActions(this.library, clientUri, diagnostics.filter((d) => d.source === 'litnotes'), at);
    // Worked out afresh, so that the fix does not depend on the editor sending a diagnostic's data back.
    const citations = this.citationsFor(uri);
    const samePaper = documentDiagnostics(this.library, uri, citations, this.settings.diagnostics).filter((d) => d.code === SAME_PAPER && rangesOverlap(d.range, range));
    actions.push(...unifyKeyActions(clientUri, samePaper, citations));
    const lacking = this.notInBibliography(uri).filter((d) => d.code === NOT_IN_BIBLIOGRAPHY && rangesOverlap(d.range, range));
    actions.push(...notInBibliographyActions(clientUri, lacking, this.clientRunsCommands));
    actions.push(...this.createBibliographyActions(uri, range));
    if (flavorOfName(uri) === 'markdown' && (this.library.file(uri)?.kind === 'draft' || this.openCitations.has(uri))) {
      const bibliography = this.checkedBibliography(uri);
      actions.push(...wikilinkCitationActions(this.library, clientUri, citations, range, lineText, (paper) => keyForDraft(paper, bibliography).key));
    }
    if (at?.paper && !at.paper.note) {
      const folder = this.folderFor(uri);
      const action = folder && createNoteAction(this.library, at.paper, this.newNoteUri(folder, at.paper.key));
      if (action) actions.push(action);
    }
    return actions;
  }

  /** Whether the client is litnotes' own (VS Code), whose commands a code action may run. */
  clientRunsCommands = false;

  /**
   * For each bibliography the draft names at `range` that does not exist: write it with what the
   * draft cites. For one outside the workspace (in VS Code): read it, by adding it to the user's
   * own `litnotes.bibliographyFiles` (the action names the whole path; nothing is read before the
   * user chooses it).
   */
  private createBibliographyActions(uri: string, range: Range): CodeAction[] {
    const unread = this.unreadBibliographies(uri).filter((u) => rangesOverlap(u.range, range));
    const out: CodeAction[] = [];
    for (const u of unread.filter((x) => x.why === 'outside' && this.clientRunsCommands && formatOfBibliographyName(x.name)).slice(0, 5)) {
      out.push(readOutsideBibliographyAction(u.file, unreadBibliographyDiagnostics([u])[0]));
    }
    for (const u of unread.filter((x) => x.why !== 'outside').slice(0, 5)) {
      const format = formatOfBibliographyName(u.name);
      if (!format) continue;
      const { text, count } = exportBibliography(this.library, citedKeys(this.citationsFor(uri)), format);
      out.push(createBibliographyAction(this.ports.toClient(uriOf(u.file)), u.name, text, count, unreadBibliographyDiagnostics([u])[0]));
    }
    return out;
  }

  /** Throws a RenameError saying why a key cannot be renamed. */
  prepareRename(at: KeyAt): { range: Range; placeholder: string } {
    return prepareRename(at);
  }

  rename(at: KeyAt, newName: string): WorkspaceEdit {
    const edit = renameKey(this.library, at, newName);
    const changes: NonNullable<WorkspaceEdit['changes']> = {};
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) changes[this.ports.toClient(uri)] = edits;
    return { changes };
  }

  async symbols(query: string): Promise<SymbolInformation[]> {
    if (!this.search || !query.trim()) return [];
    const result = await this.search.search(incrementalQuery(query), 100);
    return paperSymbols(result.hits).map((s) => ({ ...s, location: { ...s.location, uri: this.ports.toClient(s.location.uri) } }));
  }

  /** A full-text search that gives up after `ms` (completion never waits longer than that). */
  private async searchWithin(query: string, limit: number, ms: number): Promise<SearchResult | undefined> {
    if (!this.search) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
    try {
      return await Promise.race([this.search.search(query, limit), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async fullTextSearch(params: SearchParams): Promise<SearchResponse> {
    const limit = Math.max(1, Math.min(200, Number(params?.limit) || 20));
    const query = typeof params?.query === 'string' ? params.query : '';
    if (!this.search) return { results: [], partial: true };
    const r = await this.search.search(query, limit);
    return {
      results: r.hits.map((h) => ({ key: h.key, title: capText(h.title, SHOWN.title), score: h.score, snippet: h.snippet, year: h.paper.year, authors: h.paper.authors.slice(0, 20).map((a) => capText(a, SHOWN.key)) })),
      error: r.error,
      partial: r.partial || this.indexer.scanning,
    };
  }

  async paper(key: unknown): Promise<PaperDetails | null> {
    const paper = typeof key === 'string' ? this.library.get(key) : undefined;
    if (!paper) return null;
    const q = relatedQuery(paper, this.library);
    const related = q ? await this.searchWithin(q, 10, 2000) : undefined;
    const details = paperDetails(this.library, paper, (related?.hits ?? []).map((h) => ({ key: h.key, title: h.title, score: h.score })));
    const toClient = this.ports.toClient;
    const located = (l: { uri: string; line: number }) => ({ ...l, uri: toClient(l.uri) });
    return { ...details, note: details.note && { ...details.note, uri: toClient(details.note.uri) }, entries: details.entries.map(located), digests: details.digests.map(located), citedIn: details.citedIn.map(toClient) };
  }

  list(params: ListParams | undefined): ListResponse {
    const all = this.library.papers();
    const limit = Math.max(1, Math.min(20000, Number(params?.limit) || 5000));
    const query = typeof params?.query === 'string' ? params.query.trim().slice(0, 200) : '';
    const papers = query ? rankPapers(this.library, query, limit) : all.slice(0, limit);
    return { total: all.length, papers: papers.map(summaryOf) };
  }

  /** A digest's or bibliography's outline: its papers (features/documentSymbols.ts). */
  fileSymbols(uri: string): DocumentSymbol[] {
    return fileSymbols(this.library, uri);
  }

  /** The "Cited in Draft" view's list: what the document cites, each paper once. */
  draftCitations(uri: string): DraftCitationsResponse {
    const { entries, citations } = draftCitations(this.library, this.citationsFor(uri));
    const bibliography = this.checkedBibliography(uri);
    const notIn = (e: (typeof entries)[number]) => (bibliography && e.paper && !e.linkOnly && !e.written.some((k) => bibliography.keys.has(k)) ? capText(bibliography.names.join(', '), SHOWN.path) : undefined);
    return {
      citations,
      papers: entries.map((e) => ({
        key: capText(e.key, SHOWN.key),
        paper: e.paper && summaryOf(e.paper),
        written: e.written.map((k) => capText(k, SHOWN.key)),
        places: e.places.map((p) => ({ line: p.line, character: p.character })),
        count: e.count,
        notIn: notIn(e),
      })),
    };
  }

  citedKeys(uri: string): string[] {
    const keys = new Set<string>();
    for (const c of this.citationsFor(uri)) {
      const p = this.library.get(c.key);
      if (p) keys.add(p.key);
    }
    return [...keys].sort();
  }

  createNote(params: CreateNoteParams): CreateNoteResponse {
    if (params?.paper !== undefined) return this.createNoteForNewPaper(params.paper, params.folderUri);
    const paper = typeof params?.key === 'string' ? this.library.get(params.key) : undefined;
    if (!paper) return { message: `No paper has the key "${params?.key}".` };
    if (paper.note) return { uri: this.ports.toClient(paper.note.uri), message: `"${paper.key}" already has a note.` };
    const folder = this.folderFor(params.folderUri);
    if (!folder) return { message: NO_FOLDER };
    const uri = this.newNoteUri(folder, paper.key);
    return { uri, edit: createNoteAction(this.library, paper, uri)?.edit };
  }

  /** Add Paper…: a note for a paper looked up on the web, unless the library has it already. */
  private createNoteForNewPaper(raw: unknown, folderUri: string | undefined): CreateNoteResponse {
    const paper = checkNewPaper(raw);
    if (!paper) return { message: 'The paper that was found has no title; no note was made.' };
    const existing = paperInLibrary(this.library, paper);
    if (existing) return { existing: existing.key, message: `The library already has this paper, as ${existing.key}.` };
    const folder = this.folderFor(folderUri);
    if (!folder) return { message: NO_FOLDER };
    const key = noteKeyFor(paper, (k) => !!this.library.get(k));
    const uri = this.newNoteUri(folder, key);
    return { uri, edit: newNoteEdit(uri, newPaperNoteText(paper, key)) };
  }

  /** Where a new note for `key` goes in `folder`: a file name that no file on disk or in the index has. */
  private newNoteUri(folder: Folder, key: string): string {
    const rel = newNotePath(this.settings.newNoteFolder, key, (p) => fs.existsSync(path.join(folder.fsPath, p)) || !!this.library.file(uriOf(path.join(folder.fsPath, p))));
    return uriOf(path.join(folder.fsPath, rel));
  }

  /** The workspace folder a document or folder (by uri, as the client spells it) is in; else the first. */
  private folderFor(uri: string | undefined): Folder | undefined {
    const p = uri ? safePath(canonicalUri(uri)) : undefined;
    return (p && this.indexer.folderOf(p)) || this.folders[0];
  }

  /** What the Markdown preview prints for each key (features/citationPreview.ts). */
  previewCitations(params: PreviewCitationsParams | undefined): (PreviewCitation | null)[] {
    return Array.isArray(params?.keys) ? previewCitations(this.library, params.keys) : [];
  }

  /** Copy Reference: a paper's entry alone, under its own key. */
  reference(params: ReferenceParams | undefined): { key: string; text: string } | null {
    const format = EXPORT_FORMATS.find((f) => f === params?.format);
    const paper = format && typeof params?.key === 'string' ? this.library.get(params.key) : undefined;
    const text = paper && referenceEntry(this.library, paper.key, format!);
    return paper && text ? { key: paper.key, text } : null;
  }

  async exportBibliography(params: ExportBibliographyParams): Promise<ExportBibliographyResponse> {
    const format = EXPORT_FORMATS.find((f) => f === params?.format);
    if (!format) return { text: '', count: 0, unresolved: [], error: `Unknown format "${params?.format}": use ${EXPORT_FORMATS.join(', ')}.` };
    const keys = typeof params.uri === 'string' ? citedKeys(this.citationsFor(canonicalUri(params.uri))) : 'library';
    if (params.target === undefined) return exportBibliography(this.library, keys, format);
    const file = typeof params.target === 'string' ? safePath(params.target) : undefined;
    if (!file) return { text: '', count: 0, unresolved: [], error: `Cannot write the bibliography to "${String(params.target).slice(0, 200)}": not a file URI.` };
    const { pieces, count, unresolved } = exportPieces(this.library, keys, format);
    try {
      await writeInSlices(file, pieces);
    } catch (err) {
      return { text: '', count: 0, unresolved, error: `Could not write ${file}: ${(err as Error)?.message ?? err}` };
    }
    return { text: '', count, unresolved, written: true };
  }

  /**
   * litnotes.export.onSave: a saved draft's `bibliography:` files that litnotes wrote, in the format
   * the setting names, are written again with exactly what the draft cites. Any other file is left alone.
   */
  private async exportOnSave(uri: string): Promise<void> {
    const wanted = this.settings.export.onSave;
    const draft = this.library.file(uri);
    if (wanted === 'off' || draft?.kind !== 'draft') return;
    const read = this.readBibliographies(uri);
    if (!read) return;
    // A Quarto project's bibliography gets what all its chapters cite: a book's chapters share one reference list.
    const keys = read.projectDir === undefined ? citedKeys(draft.citations) : this.projectKeys(read.projectDir);
    for (const target of read.files) {
      if (!target) continue; // a URL: pandoc reads it, litnotes does not write it
      const format: ExportFormat | undefined = wanted === 'csl-json' ? (/\.json$/i.test(target) ? 'csl-json' : undefined) : /\.bib$/i.test(target) ? 'bibtex' : undefined;
      if (!format || !this.indexer.folderOf(target)) continue;
      const rel = this.indexer.relativePath(uriOf(target));
      const existing = await fs.promises.readFile(target, 'utf8').catch(() => undefined);
      if (existing === undefined) continue; // Export Bibliography makes it first
      if (!isLitnotesExport(existing)) {
        this.ports.log(`${rel}: not rewritten on save, litnotes did not write it (export to a new file to start one)`);
        continue;
      }
      const { text } = exportBibliography(this.library, keys, format);
      if (text === existing) continue;
      await fs.promises.writeFile(target, text).catch((err) => this.ports.log(`${rel}: could not be written: ${(err as Error).message}`));
    }
  }

  /**
   * Every key cited by the chapters of the Quarto project in `dir`: the drafts below it that are
   * rendered with its metadata's bibliography (readBibliographies: markdown drafts naming none of
   * their own, with no nearer metadata file naming one).
   */
  private projectKeys(dir: string): string[] {
    const keys = new Set<string>();
    for (const f of this.library.allFiles()) {
      if (f.kind !== 'draft' || !safePath(f.uri)?.startsWith(dir + path.sep)) continue;
      if (this.readBibliographies(f.uri)?.projectDir === dir) for (const k of citedKeys(f.citations)) keys.add(k);
    }
    return [...keys];
  }

  private nearestProjectMetadata(from: string): { dir: string; names: string[]; uri: string } | undefined {
    const folder = this.indexer.folderOf(from);
    if (!folder) return undefined;
    for (let dir = from; ; dir = path.dirname(dir)) {
      for (const name of ['_metadata.yml', '_metadata.yaml', '_quarto.yml', '_quarto.yaml']) {
        const uri = uriOf(path.join(dir, name));
        const names = this.library.file(uri)?.bibliographies;
        if (names?.length) return { dir, names, uri };
      }
      if (dir === folder.fsPath || path.dirname(dir) === dir) return undefined;
    }
  }

  // ---- topics: recomputed in a worker thread after the library changes, off the request path -----

  private codeIdOfServer: string | undefined;

  /** A hash of the server's bundle (its rules for merging files into papers); '' if it cannot be read (then kept trees are keyed by every paper's text). */
  private serverCodeId(): string {
    if (this.codeIdOfServer === undefined) {
      try { this.codeIdOfServer = codeIdOf(path.join(this.bundleDir, 'server.js')); } catch { this.codeIdOfServer = ''; }
    }
    return this.codeIdOfServer;
  }

  /**
   * The last tree, and the papers it was computed from (kept to tell whether an edit changed what
   * topics read). The tree names a paper by its place in `papers` (as the worker sent it), and the
   * requests give its key (`keyIn`): a large library's tree held ~150,000 strings otherwise.
   */
  private topicTree: { version: number; settingsKey: string; papers: readonly Paper[]; tree: TopicNode<number>[]; unplaced: number[]; ms: number; fromCache: boolean; revision: number } | undefined;
  private topicsRunning: Promise<void> | undefined;
  /** Work that would slow the derivation, or be undone by it, waits while this says so (the parse cache's writing, malloc's trims). */
  private readonly derivingTopics = () => this.topicsRunning !== undefined;
  private topicRevisions = 0;

  /** The whole tree with every topic's paper keys (for scripts and other editors; the Topics view asks for the outline). */
  async topics(): Promise<TopicsResponse> {
    const t = await this.currentTopicTree();
    const key = keyIn(t.papers);
    return { topics: renamePapers(t.tree, key), computeMs: t.ms, fromCache: t.fromCache, papers: t.papers.length, uncategorized: t.unplaced.map(key) };
  }

  /** The tree's topics without their papers: small, however large the library (see TopicOutlineRequest). */
  async topicOutline(params: TopicOutlineParams | undefined): Promise<TopicOutlineResponse> {
    const t = await this.currentTopicTree();
    const filter = keysParam(params?.keys);
    const only = filter && new Set(filter);
    const key = keyIn(t.papers);
    const { topics, uncategorized } = topicOutline(t.tree, t.unplaced, only && ((i) => only.has(key(i))));
    const fresh = await this.freshPapers();
    return { topics, uncategorized, fresh: only ? fresh.filter((k) => only.has(k)).length : fresh.length, computeMs: t.ms, fromCache: t.fromCache, papers: t.papers.length, revision: t.revision };
  }

  /** A topic's own papers, by title, from the tree the last outline came from (or a newer one: `revision` says). */
  async topicPapers(params: TopicPapersParams): Promise<TopicPapersResponse> {
    const t = await this.currentTopicTree();
    const filter = keysParam(params?.keys);
    const only = filter && new Set(filter);
    const key = keyIn(t.papers);
    const keys = params?.id === NEW_PAPERS_TOPIC
      ? (await this.freshPapers()).filter((k) => !only || only.has(k))
      : typeof params?.id === 'string' ? topicPapersOf(t.tree, t.unplaced, params.id, only && ((i) => only.has(key(i))))?.map(key) : undefined;
    if (!keys) return { papers: [], total: 0, revision: t.revision };
    const limit = Math.max(1, Math.min(20000, Number(params.limit) || 5000));
    // In slices: looking up and sorting the papers of a topic of thousands held the thread for tens of milliseconds.
    const papers = await resultInSlices(papersOf(this.library, keys));
    const sorted = await resultInSlices(sortInSteps(papers, byTitle, TITLE_SORT_STEP));
    return { papers: sorted.slice(0, limit).map(summaryOf), total: sorted.length, revision: t.revision };
  }

  /** The New group was opened: every paper now counts as seen. */
  markPapersSeen(): void {
    this.seenPapers.mark(this.library.papers().map((p) => p.key));
  }

  private seenPapers = new SeenPapers(undefined, () => undefined);
  private freshCache: { version: number; marks: number; keys: string[] } | undefined;

  /** Keys of the papers new since the user last opened the New group, worked out once per library version, a slice at a time. */
  private async freshPapers(): Promise<string[]> {
    const { version } = this.library;
    if (this.freshCache?.version === version && this.freshCache.marks === this.seenPapers.marks) return this.freshCache.keys;
    const papers = [...this.library.papers()]; // a copy: patches replace papers in the library's own list
    if (!this.seenPapers.known()) this.seenPapers.mark(papers.map((p) => p.key));
    const marks = this.seenPapers.marks;
    const keys: string[] = [];
    await runSliced(unseenSteps(papers, this.seenPapers, keys));
    this.freshCache = { version, marks, keys };
    return keys;
  }

  /**
   * The topic tree for the library as it is when the computation starts, computed in a worker on
   * first request and after changes. A request never waits for indexing: if files change meanwhile,
   * it gets this snapshot, and the next request recomputes.
   */
  private async currentTopicTree(): Promise<NonNullable<Session['topicTree']>> {
    const settingsKey = JSON.stringify(this.settings.topics);
    if (!(this.topicTree && this.topicTree.version === this.library.version && this.topicTree.settingsKey === settingsKey)) {
      this.topicsRunning ??= (async () => {
        const version = this.library.version;
        const options = this.settings.topics; // as the key says, even if the settings change while the papers are encoded
        const slice = new Slice();
        const current = [...this.library.papers()]; // a copy: patches replace papers in the library's own list
        // An edit that changed nothing topics read (a note's body, say) keeps the tree it has.
        const last = this.topicTree;
        if (last?.settingsKey === settingsKey && (await sameTopicInput(last.papers, current, this.library.texts, () => slice.spent() ? slice.giveWay() : Promise.resolve()))) {
          this.topicTree = { ...last, version, papers: current, ms: 0, fromCache: true };
          return;
        }
        // A derivation: the parse cache's writing waits until it is over (a writer under way is stopped: fileLoader.ts).
        this.parseWorkers.pauseSaving(true);
        // Made a slice at a time: all of a large library's papers at once held the thread too long.
        const batch = await encodeTopicPapers(current, slice, topicPaper);
        const libraryHash = this.cacheDir && this.serverCodeId() ? await libraryTextHash(this.library.allFiles(), this.serverCodeId(), slice) : undefined;
        const reply = await this.topicsWorker.compute(batch, options, this.cacheDir && path.join(this.cacheDir, 'topics'), this.textStore, libraryHash);
        if (reply.note) this.ports.log(reply.note);
        if (reply.error || !reply.tree) throw new Error(`topics could not be computed: ${reply.error}`);
        this.topicTree = { version, settingsKey, papers: current, tree: reply.tree, unplaced: reply.unplaced ?? [], ms: reply.ms, fromCache: !!reply.cached, revision: ++this.topicRevisions };
        returnFreedNativeMemorySoon(); // the batch's buffers, sent to the worker and freed there
      })().finally(() => {
        this.topicsRunning = undefined;
        this.parseWorkers.pauseSaving(false);
      });
      await this.topicsRunning;
    }
    // The papers in no topic are those of the papers the tree was made from (the worker lists them:
    // walking a large library's tree here held the thread), as the tree itself is.
    return this.topicTree!;
  }

  /** Keep the full-text and parse caches for the next start. */
  async shutdown(): Promise<void> {
    this.watcher?.dispose();
    this.userFileWatcher.dispose();
    clearTimeout(this.parseCacheTimer);
    await Promise.all([this.search?.persist(5000), this.parseWorkers.saveCacheBeforeExit(5000), this.seenPapers.written]);
  }
}

/** A paper's key by its place in `papers` (the topic tree's papers; see Session.topicTree). */
const keyIn = (papers: readonly Paper[]) => (i: number): string => papers[i].key;

/** Every key and alias of these sources. */
function keysOf(sources: readonly PaperSource[]): Set<string> {
  const keys = new Set<string>();
  for (const source of sources) {
    if (source.key) keys.add(source.key);
    for (const alias of source.aliases ?? []) keys.add(alias);
  }
  return keys;
}

/** A request's list of keys: strings only, at most 100,000 of them; undefined when not a list. */
function keysParam(keys: unknown): string[] | undefined {
  if (!Array.isArray(keys)) return undefined;
  return keys.slice(0, 100000).filter((k): k is string => typeof k === 'string');
}

function summaryOf(p: Paper): PaperSummary {
  return { key: p.key, title: capText(p.title, SHOWN.title), year: p.year, authors: p.authors.slice(0, 5).map((a) => capText(a, SHOWN.key)), hasNote: !!p.note, digestDate: p.digestDate };
}

/** The papers of these keys, a thousand keys a step; a paper renamed or gone since the keys were listed is left out. */
function* papersOf(library: Library, keys: readonly string[]): Generator<void, Paper[]> {
  const papers: Paper[] = [];
  for (let i = 0; i < keys.length; i++) {
    const paper = library.get(keys[i]);
    if (paper) papers.push(paper);
    if (i % 1000 === 999) yield;
  }
  return papers;
}

const TITLE_ORDER = new Intl.Collator();
/** Papers sorted by title per step (the collator's compare is slow): a step well under a slice. */
const TITLE_SORT_STEP = 256;
function byTitle(a: Paper, b: Paper): number {
  return TITLE_ORDER.compare(a.title, b.title) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The settings that decide what is read and how: a change of any other needs no rescan. */
function scanSettings(s: Settings): string {
  return JSON.stringify([s.notes, s.digests, s.bibliographies, s.bibliographyFiles, s.exclude, s.maxFileSizeMB]);
}

function toFolder(uri: string): Folder | undefined {
  const fsPath = safePath(uri);
  if (!fsPath) return undefined;
  let realPath = fsPath;
  try { realPath = fs.realpathSync(fsPath); } catch { /* a missing folder stays as given */ }
  return { uri: canonicalUri(uri), fsPath, realPath };
}

/** A document citations are looked for in: by its language, or by its extension (editors name languages differently). */
function isDraft(doc: OpenDocument): boolean {
  return DRAFT_LANGUAGES.has(doc.languageId) || DRAFT.test(doc.uri);
}

/** How a document writes citations: Org, else LaTeX, by its language or its extension (citations.ts's rule), else markdown. */
export function flavorOf(doc: { uri: string; languageId: string }): DocumentFlavor {
  const named = [flavorOfName(doc.languageId), flavorOfName(doc.uri)];
  return named.includes('org') ? 'org' : named.includes('latex') ? 'latex' : 'markdown';
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

/** Where a bibliography named in `base` (a draft's or a Quarto project's folder) is; undefined for a URL, which pandoc reads and litnotes does not. */
function bibliographyPath(base: string, name: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(name) ? undefined : path.resolve(base, name);
}
