import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** At most this many files `litnotes.bibliographyFiles` names are read. */
const MAX_USER_FILES = 32;

/**
 * The bibliography files the user's own setting names (`litnotes.bibliographyFiles`: a reference
 * manager's export, often outside every workspace, such as Better BibTeX's auto-export), as
 * absolute paths: `~` is the home folder; a relative path is refused (relative to what?), with a
 * reason for the log.
 */
export function resolveUserFiles(written: readonly string[], home = os.homedir()): { paths: string[]; refused: string[] } {
  const paths: string[] = [];
  const refused: string[] = [];
  for (const raw of written.slice(0, MAX_USER_FILES)) {
    const p = raw.trim();
    if (!p) continue;
    const expanded = p === '~' || p.startsWith('~/') || p.startsWith('~\\') ? path.join(home, p.slice(1)) : p;
    if (!path.isAbsolute(expanded) || expanded.includes('\0')) { refused.push(`${p.slice(0, 200)}: not an absolute path (write it from / or ~/)`); continue; }
    const normal = path.normalize(expanded);
    if (!paths.includes(normal)) paths.push(normal);
  }
  if (written.length > MAX_USER_FILES) refused.push(`${written.length - MAX_USER_FILES} more files: at most ${MAX_USER_FILES} are read`);
  return { paths, refused };
}

/** The real path of a file (symbolic links followed), or the path itself while it does not exist. */
export function realPathOf(p: string): string {
  try { return fs.realpathSync(p); } catch { return p; }
}

/** How often a named file's size and time are looked at: files outside the workspace have no editor watching them. */
const POLL_MS = 1000;

/**
 * Watches the files the setting names (a reference manager rewrites its export whenever its library
 * changes), by polling their size and time: robust to a file replaced by a rename, and cheap for a
 * few files. `onChange` gets the path and whether it still exists.
 */
export class UserFileWatcher {
  private watched = new Set<string>();

  constructor(private readonly onChange: (file: string, exists: boolean) => void) {}

  watch(paths: readonly string[]): void {
    for (const p of this.watched) if (!paths.includes(p)) fs.unwatchFile(p);
    for (const p of paths) {
      if (this.watched.has(p)) continue;
      fs.watchFile(p, { interval: POLL_MS, persistent: false }, (now, before) => {
        if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
        this.onChange(p, now.mtimeMs !== 0 || now.size !== 0 || now.ino !== 0);
      });
    }
    this.watched = new Set(paths);
  }

  dispose(): void {
    this.watch([]);
  }
}
