import * as fs from 'fs';
import * as path from 'path';

export interface WatchedChange { path: string; deleted: boolean }

/** How long the watcher waits for a burst of changes (a git pull, a reference manager's export) to end. */
const SETTLE_MS = 200;

/**
 * Watches workspace folders on the server's side, for editors that do not watch files for it
 * (no `workspace/didChangeWatchedFiles` registration): a note written by a shell command, a git pull
 * or a reference manager's export is indexed without a reindex. Node's recursive `fs.watch`
 * (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows). Paths `ignored` rejects
 * (excluded folders) are dropped; the rest arrive in one batch once changes have settled for
 * SETTLE_MS, each once, with whether it still exists.
 */
export class FolderWatcher {
  private watchers: fs.FSWatcher[] = [];
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
      try {
        const watcher = fs.watch(folder, { recursive: true, persistent: false }, (_event, name) => {
          if (!name) return;
          const rel = String(name).split(path.sep).join('/');
          if (this.ignored(rel)) return;
          this.pending.add(path.join(folder, String(name)));
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => this.flush(), SETTLE_MS);
        });
        watcher.on('error', (err) => this.log(`watching ${folder} stopped: ${err.message}; use Reindex after changing files outside the editor`));
        this.watchers.push(watcher);
      } catch (err) {
        this.log(`cannot watch ${folder} for changes (${(err as Error).message}); use Reindex after changing files outside the editor`);
      }
    }
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
