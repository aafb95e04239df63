import * as fs from 'fs';
import * as path from 'path';

export interface WatchedChange { path: string; deleted: boolean }

/** At most this many folders are watched one by one (inotify's default limit is 8,192 a user on older systems). */
const MAX_WATCHED_FOLDERS = 5000;

/** A path relative to a workspace folder, with forward slashes (as the exclusion rules read paths). */
function relative(root: string, full: string): string {
  return path.relative(root, full).split(path.sep).join('/');
}

/** How long the watcher waits for a burst of changes (a git pull, a reference manager's export) to end. */
const SETTLE_MS = 200;

/**
 * Watches workspace folders on the server's side, for editors that do not watch files for it
 * (no `workspace/didChangeWatchedFiles` registration): a note written by a shell command, a git pull
 * or a reference manager's export is indexed without a reindex. On macOS and Windows, Node's
 * recursive `fs.watch` (FSEvents, ReadDirectoryChangesW: one handle a tree). On Linux, one inotify
 * watch per folder that is not excluded, added as folders appear: Node's recursive watch there walks
 * and watches every folder, node_modules and .git included, before anything can filter, and a large
 * workspace runs out of inotify watches. Paths `ignored` rejects (excluded folders) are dropped; the
 * rest arrive in one batch once changes have settled for SETTLE_MS, each once, with whether it
 * still exists.
 */
export class FolderWatcher {
  private watchers: fs.FSWatcher[] = [];
  /** Linux: a watch per folder. */
  private readonly byFolder = new Map<string, fs.FSWatcher>();
  private saidFull = false;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChanges: (changes: WatchedChange[]) => void,
    private readonly ignored: (relativePath: string) => boolean,
    private readonly log: (line: string) => void,
  ) {}

  /** Watches these folders (and stops watching any others). */
  watch(folders: readonly string[]): void {
    this.dispose();
    for (const folder of folders) {
      if (process.platform === 'linux') this.watchTree(folder, folder);
      else this.watchRecursive(folder);
    }
  }

  /** The folders watched one by one (Linux), for tests. */
  get watchedFolders(): string[] {
    return [...this.byFolder.keys()];
  }

  private watchRecursive(folder: string): void {
    try {
      const watcher = fs.watch(folder, { recursive: true, persistent: false }, (_event, name) => { if (name) this.changed(folder, path.join(folder, String(name)), false); });
      watcher.on('error', (err) => this.log(`watching ${folder} stopped: ${err.message}; use Reindex after changing files outside the editor`));
      this.watchers.push(watcher);
    } catch (err) {
      this.log(`cannot watch ${folder} for changes (${(err as Error).message}); use Reindex after changing files outside the editor`);
    }
  }

  /** `dir` and every folder under it that is not excluded, each with its own watch. */
  private watchTree(root: string, dir: string): void {
    const stack = [dir];
    while (stack.length) {
      const current = stack.pop()!;
      if (this.byFolder.has(current)) continue;
      if (this.byFolder.size >= MAX_WATCHED_FOLDERS) {
        if (!this.saidFull) this.log(`watching the first ${MAX_WATCHED_FOLDERS} folders for changes only; use Reindex after changing files in others outside the editor`);
        this.saidFull = true;
        return;
      }
      try {
        const watcher = fs.watch(current, { persistent: false }, (event, name) => { if (name) this.changed(root, path.join(current, String(name)), event === 'rename'); });
        // A folder deleted or moved away ends its watch.
        watcher.on('error', () => { watcher.close(); this.byFolder.delete(current); });
        this.byFolder.set(current, watcher);
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
          if (!entry.isDirectory()) continue;
          const sub = path.join(current, entry.name);
          if (!this.ignored(relative(root, sub))) stack.push(sub);
        }
      } catch (err) {
        if (current === dir && dir === root) this.log(`cannot watch ${dir} for changes (${(err as Error).message}); use Reindex after changing files outside the editor`);
      }
    }
  }

  /** `appeared`: made, deleted or moved (a 'rename' event), so it may be a folder to start or stop watching. */
  private changed(root: string, full: string, appeared: boolean): void {
    if (this.ignored(relative(root, full))) return;
    if (appeared) {
      // A folder that appeared gets watches of its own (its files are read from the folder's own
      // change, made before the watch existed); one that went has its watch closed.
      let isFolder = false;
      try { isFolder = fs.statSync(full).isDirectory(); } catch { /* gone */ }
      if (isFolder) this.watchTree(root, full);
      else {
        const stale = this.byFolder.get(full);
        if (stale) { stale.close(); this.byFolder.delete(full); }
      }
    }
    this.pending.add(full);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SETTLE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    this.onChanges(paths.map((p) => ({ path: p, deleted: !fs.existsSync(p) })));
  }

  dispose(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    for (const w of this.byFolder.values()) w.close();
    this.byFolder.clear();
    this.saidFull = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
