import { promises as fsp, Dirent, realpathSync } from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { Library } from '../model/library';
import type { Settings } from '../shared/settings';
import { Classifier, Candidate } from '../parse/classify';
import { FileLoader, inThreadLoader } from './fileLoader';
import { FileToLoad, LoadedFile, parseText, readTextAsync } from './loadFile';
import { runSliced, Slice, yieldToRequests } from '../runtime/scheduler';
import { realPathOf, resolveUserFiles } from './userFiles';

/** A workspace folder; `realPath` has symlinks resolved, for deciding where a link leads. */
export interface Folder { uri: string; fsPath: string; realPath: string }

export interface IndexerHooks {
  log(line: string): void;
  /** The library changed outside a scan and a request (a bibliography a draft names was read). */
  changed?(): void;
}

/** Sources prepared between two chances to give way, for a file with more of them than this (prepareInSlices). */
const PREPARE_PART = 500;

/** During the initial scan, recompute papers at most this often. */
const REBUILD_EVERY_MS = 250;

/**
 * No recompute but the first before the scan has loaded files for this long. A scan that ends
 * sooner (a warm start) gains nothing from another, which only delays the last, and one late in
 * the scan costs nearly as much as the last. Judging by files left could not tell: a digest holds
 * a hundred papers, a note one, and the digests came first.
 */
const SECOND_REBUILD_AFTER_MS = 3000;

/** Where the scan stands, for deciding whether to recompute papers now (times in ms). */
export interface ScanProgress {
  sinceLast: number;
  /** How long the last recompute took; 0 before the first. */
  lastCost: number;
  /** Sources (papers as notes and digest entries give them) loaded so far, and at the last recompute. */
  sources: number;
  /** Whether a request has looked up papers since the files changed (Library.papersWanted). */
  wanted: boolean;
  sourcesAtLast: number;
  /** Since the scan started loading files. */
  elapsed: number;
  filesDone: number;
  filesLeft: number;
}

/**
 * Whether to recompute papers in the middle of the scan. The first recompute serves the first
 * completion. Each later one covers every file so far, so it costs more than the last, and the
 * one at the end of the scan covers everything anyway: recompute only in a long scan, when the
 * sources have doubled, at most about a sixth of the time, and only when the recompute (its cost
 * scaled from the last one's) would take under half of what the scan has left (scaled from its
 * pace so far).
 */
export function rebuildDue(p: ScanProgress): boolean {
  if (p.sinceLast < Math.max(REBUILD_EVERY_MS, 6 * p.lastCost)) return false;
  // The first serves the first request. With none, the scan's last recompute is the only one: the
  // status shows the entries read while indexing, and a recompute nobody waits for, 3 s into a
  // large warm start, held up the scan for as long as it took.
  if (p.sourcesAtLast === 0) return p.sources > 0 && p.wanted;
  if (p.elapsed < SECOND_REBUILD_AFTER_MS) return false;
  if (p.sources < 2 * p.sourcesAtLast) return false;
  const cost = (p.lastCost * p.sources) / p.sourcesAtLast;
  const left = (p.elapsed * p.filesLeft) / Math.max(1, p.filesDone);
  return cost < left / 2;
}

export function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try { return pathToFileURL(fileURLToPath(uri)).href; } catch { return uri; }
}

export function uriOf(fsPath: string): string { return pathToFileURL(fsPath).href; }

/** Names a file URL spells as they are (pathToFileURL leaves these characters alone). */
const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The uri of `name` in the folder whose uri is `dirUri`: the same as uriOf(its path), without
 * building a URL for each file when its name needs no escaping (a URL per file was a visible part
 * of a warm start's walk).
 */
export function childUri(dirUri: string, name: string, fsPath: string): string {
  if (!PLAIN_NAME.test(name) || name === '.' || name === '..') return uriOf(fsPath);
  return dirUri.endsWith('/') ? dirUri + name : `${dirUri}/${name}`;
}

/**
 * Keeps the library in step with the files: the initial scan (walk, read, parse in slices),
 * single-file updates, deletions, and editor text that overrides what is on disk.
 */
export class Indexer {
  private classifier: Classifier;
  private readonly overrides = new Map<string, string>();
  private scanGeneration = 0;
  scanning = false;
  /**
   * Files (and folders, ending in /) that changed on disk or were deleted while a scan was under
   * way: the scan may have read them before the change, so what it returns for them later is stale.
   */
  private readonly newerThanScan = new Set<string>();

  /** The files `litnotes.bibliographyFiles` names: read wherever they are, as the user asked (the path rule's one exception). */
  private userFiles: { path: string; real: string }[] = [];

  constructor(
    private readonly library: Library,
    private folders: Folder[],
    private settings: Settings,
    private readonly hooks: IndexerHooks,
    /** Where the scan reads and parses; single-file updates always parse on this thread. */
    private readonly loader: FileLoader = inThreadLoader,
  ) {
    this.classifier = new Classifier(settings);
    this.userFiles = withRealPaths(resolveUserFiles(settings.bibliographyFiles).paths);
  }

  configure(folders: Folder[], settings: Settings): void {
    this.folders = folders;
    this.settings = settings;
    this.classifier = new Classifier(settings);
    const { paths, refused } = resolveUserFiles(settings.bibliographyFiles);
    for (const why of refused) this.hooks.log(`litnotes.bibliographyFiles: ${why}; not read`);
    this.userFiles = withRealPaths(paths);
  }

  /** The paths of the files `litnotes.bibliographyFiles` names (for the server to watch: no editor watches them). */
  userFilePaths(): string[] {
    return this.userFiles.map((f) => f.path);
  }

  /** Whether `fsPath` is one of the files `litnotes.bibliographyFiles` names. */
  isUserFile(fsPath: string): boolean {
    return this.userFiles.some((f) => f.path === fsPath);
  }

  /** The workspace folder holding a path, or undefined when it lies outside all of them. */
  folderOf(fsPath: string): Folder | undefined {
    return this.folders.find((f) => fsPath === f.fsPath || fsPath.startsWith(f.fsPath.endsWith(path.sep) ? f.fsPath : f.fsPath + path.sep));
  }

  relativePath(uri: string): string {
    const p = safePath(uri);
    const folder = p && this.folderOf(p);
    if (!p) return uri;
    return folder ? path.relative(folder.fsPath, p).split(path.sep).join('/') : p;
  }

  /** Whether a workspace-relative path, or a folder it lies in, is excluded by the settings. */
  excluded(relativePath: string): boolean {
    const parts = relativePath.split('/');
    for (let i = 1; i < parts.length; i++) if (this.classifier.excludesDirectory(parts.slice(0, i).join('/'))) return true;
    return this.classifier.excludesDirectory(relativePath) || (!!path.extname(relativePath) && !this.classifier.classify(relativePath));
  }

  candidateFor(uri: string): Candidate | undefined {
    const p = safePath(uri);
    if (p && this.isUserFile(p)) return 'bibliography';
    if (!p || !this.folderOf(p)) return undefined;
    return this.classifier.classify(this.relativePath(uri)) ?? (this.namedBy.has(uri) ? 'bibliography' : undefined);
  }

  /**
   * Bibliography files that drafts name (`bibliography:`, `\addbibresource`), by uri, with the drafts
   * that name each. Those the settings' globs do not match are read because a draft names them.
   */
  private readonly namedBy = new Map<string, Set<string>>();

  /** Record what a draft names now; files it alone named and no glob matches leave the library. Returns the files to read. */
  private nameBibliographies(draft: string, names: readonly string[] | undefined): string[] {
    const draftPath = safePath(draft);
    const wanted = new Set<string>();
    if (draftPath && names) {
      for (const name of names) {
        const target = path.resolve(path.dirname(draftPath), name);
        if (this.folderOf(target)) wanted.add(uriOf(target));
        else if (!this.isUserFile(target)) this.hooks.log(`${this.relativePath(draft)}: its bibliography ${name} is outside the workspace folders; not read`);
      }
    }
    const toRead: string[] = [];
    for (const [uri, drafts] of this.namedBy) {
      if (wanted.has(uri) || !drafts.delete(draft) || drafts.size) continue;
      this.namedBy.delete(uri);
      if (!this.classifier.classify(this.relativePath(uri))) this.library.removeFile(uri);
    }
    for (const uri of wanted) {
      let drafts = this.namedBy.get(uri);
      if (!drafts) this.namedBy.set(uri, (drafts = new Set()));
      drafts.add(draft);
      if (!this.library.file(uri) && !this.overrides.has(uri)) toRead.push(uri);
    }
    return toRead;
  }

  /**
   * Recompute papers in slices, and return only once they cover every file set so far. A
   * recompute someone else started (an edit's, in slices) may be under way and cover fewer files:
   * wait for it, then recompute again. Returning at once left a Reindex resolved before its papers
   * were there, and the library out of date until the next change.
   */
  private async recomputePapers(): Promise<void> {
    while (this.library.isDirty || this.library.isRebuilding) {
      const steps = this.library.rebuildInSteps();
      if (steps) await runSliced(steps);
      else await yieldToRequests();
    }
  }

  /** Named bibliographies no glob found and nothing has read yet (read at the end of a scan, or as soon as a draft names them). */
  private async readNamed(uris: readonly string[]): Promise<void> {
    for (const uri of uris) {
      const p = safePath(uri);
      if (!p || this.library.file(uri)) continue;
      if (await fsp.stat(p).then(() => true, () => false)) await this.loadFromDisk(p, 'bibliography');
      else this.hooks.log(`${this.relativePath(uri)}: named as a bibliography by ${[...this.namedBy.get(uri) ?? []].map((d) => this.relativePath(d)).join(', ')}, but not found`);
    }
  }

  /**
   * Walk every folder and index what it holds, yielding between slices. Resolves when done or
   * superseded. `filesLoaded` is called once every file is in the library, before the papers are
   * recomputed a last time (what depends only on files can start then).
   */
  async scan(progress?: (done: number, total: number) => void, filesLoaded?: () => void): Promise<{ files: number; ms: number }> {
    const generation = ++this.scanGeneration;
    const started = Date.now();
    this.scanning = true;
    this.newerThanScan.clear();
    try {
      const found: FileToLoad[] = [];
      this.loader.prepare?.();
      for (const folder of this.folders) await this.walk(folder.fsPath, found, generation);
      await this.addUserFiles(found);
      if (generation !== this.scanGeneration) return { files: 0, ms: Date.now() - started };
      // Forget files that vanished since a previous scan.
      const seen = new Set(found.map((f) => f.uri));
      for (const f of [...this.library.allFiles()]) if (!seen.has(f.uri) && !this.overrides.has(f.uri) && !this.namedBy.has(f.uri)) this.library.removeFile(f.uri);

      const loadStarted = Date.now();
      const slice = new Slice();
      let lastRebuild = Date.now();
      let lastRebuildCost = 0;
      let sources = 0;
      let sourcesAtRebuild = 0;
      let i = 0;
      for await (const loaded of this.loader.load(found, this.settings.maxFileSizeMB)) {
        if (generation !== this.scanGeneration) return { files: i, ms: Date.now() - started };
        if (!this.isNewerThanScan(loaded.uri)) {
          await this.prepareInSlices(loaded, slice);
          if (generation !== this.scanGeneration) return { files: i, ms: Date.now() - started };
          this.apply(loaded);
        }
        sources += loaded.entry?.sources.length ?? 0;
        i++;
        if (slice.spent()) {
          const now = Date.now();
          const due = rebuildDue({
            sinceLast: now - lastRebuild, lastCost: lastRebuildCost, sources, sourcesAtLast: sourcesAtRebuild, wanted: this.library.papersWanted,
            elapsed: now - loadStarted, filesDone: i, filesLeft: found.length - i,
          });
          if (due) {
            const t = Date.now();
            await this.recomputePapers();
            lastRebuildCost = Date.now() - t;
            lastRebuild = Date.now();
            sourcesAtRebuild = sources;
          }
          progress?.(i, found.length);
          await slice.giveWay();
        }
      }
      await this.readNamed([...this.namedBy.keys()]);
      filesLoaded?.();
      await this.recomputePapers();
      progress?.(found.length, found.length);
      return { files: found.length, ms: Date.now() - started };
    } finally {
      if (generation === this.scanGeneration) this.scanning = false;
    }
  }

  /** The files the user's setting names, unless the walk found them (inside a workspace folder, matched by a glob). */
  private async addUserFiles(found: FileToLoad[]): Promise<void> {
    if (!this.userFiles.length) return;
    const seen = new Set(found.map((f) => f.fsPath));
    for (const { path: p } of this.userFiles) {
      if (seen.has(p)) continue;
      const stat = await fsp.stat(p).catch(() => undefined);
      if (!stat?.isFile()) { this.hooks.log(`${p}: named in litnotes.bibliographyFiles, but ${stat ? 'it is not a file' : 'not found'}`); continue; }
      found.push({ fsPath: p, uri: uriOf(p), rel: p, candidate: 'bibliography' });
    }
  }

  /** `dirRel`: `dir` relative to its workspace folder ('' for the folder itself), with `/` between names. */
  private async walk(dir: string, out: FileToLoad[], generation: number, dirRel = ''): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.hooks.log(`cannot read folder ${dir}: ${(err as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirUri = uriOf(dir);
    for (const e of entries) {
      if (generation !== this.scanGeneration) return;
      const full = path.join(dir, e.name);
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        // Symlinks are followed only to files inside a workspace folder (the path rule, below).
        const target = await fsp.realpath(full).catch(() => undefined);
        if (target && !this.isInside(target)) { this.refuse(rel); continue; }
        const stat = target ? await fsp.stat(target).catch(() => undefined) : undefined;
        if (!target || !stat || !stat.isFile()) {
          this.hooks.log(`${rel}: symbolic link not followed (${target && stat?.isDirectory() ? 'a folder' : 'broken'})`);
          continue;
        }
        const candidate = this.classifier.classify(rel);
        if (candidate) out.push({ fsPath: full, uri: childUri(dirUri, e.name, full), rel, candidate });
        continue;
      }
      if (e.isDirectory()) {
        if (this.classifier.excludesDirectory(rel)) continue;
        await this.walk(full, out, generation, rel);
      } else if (e.isFile()) {
        const candidate = this.classifier.classify(rel);
        if (candidate) out.push({ fsPath: full, uri: childUri(dirUri, e.name, full), rel, candidate });
      }
    }
  }

  /**
   * The path rule, for every file read (the scan's links, file events, documents the editor opens
   * or closes, rescans): its real path, symbolic links resolved, must lie inside a workspace
   * folder, or be a file the user's own setting names. A file that cannot be resolved (gone)
   * passes here; reading it then says why.
   */
  private isInside(realPath: string): boolean {
    return this.folders.some((f) => realPath === f.realPath || realPath.startsWith(f.realPath.endsWith(path.sep) ? f.realPath : f.realPath + path.sep))
      || this.userFiles.some((f) => f.real === realPath || realPathOf(f.path) === realPath); // one created since: its real path now
  }

  private refuse(rel: string): void {
    this.hooks.log(`${rel}: not read: it is a symbolic link, or lies under one, that leads outside the workspace folders`);
  }

  private async mayRead(fsPath: string, rel: string): Promise<boolean> {
    const real = await fsp.realpath(fsPath).catch(() => undefined);
    if (real === undefined || this.isInside(real)) return true;
    this.refuse(rel);
    return false;
  }

  private mayReadSync(fsPath: string, rel: string): boolean {
    let real: string;
    try { real = realpathSync(fsPath); } catch { return true; }
    if (this.isInside(real)) return true;
    this.refuse(rel);
    return false;
  }

  /** Read one file from disk and index it (unless the editor holds its text). */
  async loadFromDisk(fsPath: string, candidate?: Candidate): Promise<void> {
    const uri = uriOf(fsPath);
    if (this.overrides.has(uri)) return;
    if (this.scanning) this.newerThanScan.add(uri);
    candidate ??= this.candidateFor(uri);
    if (!candidate) { this.library.removeFile(uri); return; }
    const f = { fsPath, uri, rel: this.relativePath(uri), candidate };
    if (!(await this.mayRead(fsPath, f.rel))) { this.library.removeFile(uri); return; }
    const read = await readTextAsync(fsPath, f.rel, this.settings.maxFileSizeMB);
    this.apply('text' in read ? parseText(f, read.text) : { uri, log: [read.why], textLength: 0 });
  }

  private isNewerThanScan(uri: string): boolean {
    if (this.newerThanScan.size === 0) return false;
    if (this.newerThanScan.has(uri)) return true;
    for (const p of this.newerThanScan) if (p.endsWith('/') && uri.startsWith(p)) return true;
    return false;
  }

  /**
   * A file of many sources (a large bibliography) has each source prepared for the library a part
   * at a time, giving way between parts, so that taking it in is not one long block (Library.prepareSources).
   */
  private async prepareInSlices(loaded: LoadedFile, slice: Slice): Promise<void> {
    const entry = loaded.entry;
    if (!entry || entry.sources.length <= PREPARE_PART) return;
    for (let to = PREPARE_PART; to < entry.sources.length + PREPARE_PART; to += PREPARE_PART) {
      this.library.prepareSources(entry, loaded.titles, to);
      if (slice.spent()) await slice.giveWay();
    }
  }

  /** Index a file just read and parsed; without an entry (unreadable) it leaves the library. */
  private apply(loaded: LoadedFile): void {
    if (this.overrides.has(loaded.uri)) return; // opened in the editor while we were reading: the editor's text wins
    this.accept(loaded);
  }

  private accept(loaded: LoadedFile): void {
    for (const line of loaded.log) this.hooks.log(line);
    if (loaded.entry) this.library.setFile(loaded.entry, loaded.titles);
    else this.library.removeFile(loaded.uri);
    if (loaded.entry?.kind !== 'draft' && !this.namedByDraft.has(loaded.uri)) return;
    this.namedByDraft.add(loaded.uri);
    const toRead = this.nameBibliographies(loaded.uri, loaded.entry?.bibliographies);
    // During a scan, what no glob found is read at its end (the scan may still find it).
    if (toRead.length && !this.scanning) void this.readNamed(toRead).then(() => this.hooks.changed?.());
  }

  /** Drafts that have named bibliographies at some point (so that dropping the names is noticed). */
  private readonly namedByDraft = new Set<string>();

  /** Editor text for a file; it wins over the disk until closed. */
  setOverride(uri: string, text: string): boolean {
    const candidate = this.candidateFor(uri);
    if (!candidate) return false;
    // Checked once, when the editor first gives the document's text.
    if (!this.overrides.has(uri) && !this.mayReadSync(safePath(uri)!, this.relativePath(uri))) return false;
    this.overrides.set(uri, text);
    this.accept(parseText({ fsPath: '', uri, rel: this.relativePath(uri), candidate }, text));
    return true;
  }

  async clearOverride(uri: string): Promise<void> {
    if (!this.overrides.delete(uri)) return;
    const p = safePath(uri);
    if (p) await this.loadFromDisk(p);
  }

  async fileChanged(uri: string): Promise<void> {
    const p = safePath(uri);
    if (!p || this.overrides.has(uri)) return;
    await this.loadFromDisk(p);
  }

  fileDeleted(uri: string): void {
    if (this.overrides.has(uri)) return;
    const prefix = uri.endsWith('/') ? uri : uri + '/';
    if (this.scanning) { this.newerThanScan.add(uri); this.newerThanScan.add(prefix); }
    if (this.library.removeFile(uri)) return;
    // A deleted folder: drop everything under it.
    for (const f of [...this.library.allFiles()]) if (f.uri.startsWith(prefix)) this.library.removeFile(f.uri);
  }
}

/** The user's bibliography files with their real paths (the path rule compares real paths). */
function withRealPaths(paths: readonly string[]): { path: string; real: string }[] {
  return paths.map((p) => ({ path: p, real: realPathOf(p) }));
}

export function safePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}
