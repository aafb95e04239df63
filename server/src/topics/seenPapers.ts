import * as fs from 'fs';
import * as path from 'path';
import { openSealed, sealText } from '../runtime/cacheStore';
import { writeInSlices } from '../runtime/writeInSlices';

/** A seen list larger than this is not read (a library of a million papers' keys is ~30 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const HEADER = { seenPapers: 1 };

/** Collects the keys of `papers` not seen into `out`, in their order, as steps (for runSliced: a large library's papers take a few slices). */
export function* unseenSteps(papers: readonly { key: string }[], seen: { has(key: string): boolean }, out: string[]): Generator<void> {
  for (let i = 0; i < papers.length; i++) {
    const { key } = papers[i];
    if (!seen.has(key)) out.push(key);
    if ((i & 1023) === 1023) yield;
  }
}

/**
 * The papers the user has seen in the Topics view's New group: the keys there were when they last
 * opened it, kept in a file in the storage folder (or in memory, without one). The file is checked
 * like every cache file; a damaged one is said in the log and counts as none, so every paper then
 * counts as seen again.
 */
export class SeenPapers {
  private seen: Set<string> | undefined;
  private loaded = false;
  /** Changes at every mark (what a caller's cached fresh keys are checked against). */
  marks = 0;

  constructor(private readonly file: string | undefined, private readonly log: (line: string) => void) {}

  /**
   * Whether the user has a seen list (read from the file the first time). Without one, a caller
   * marks every paper seen: a library is not "new" on the day litnotes meets it.
   */
  known(): boolean {
    return !!this.load();
  }

  /** Whether a key was seen. */
  has(key: string): boolean {
    return !!this.load()?.has(key);
  }

  /** The seen keys, read from the file the first time they are asked about. */
  private load(): Set<string> | undefined {
    if (!this.loaded) {
      this.loaded = true;
      this.seen = this.read();
    }
    return this.seen;
  }

  /** Every one of `keys` is seen from now on. The file is written off the thread, one write at a time; `written` settles when this one is. */
  mark(keys: readonly string[]): void {
    this.seen = new Set(keys);
    this.loaded = true;
    this.marks++;
    const file = this.file;
    if (!file) return;
    const data = sealText(HEADER, JSON.stringify(keys));
    this.written = this.written.then(async () => {
      try {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await writeInSlices(file, [data]); // replaces a symlink there, never writes through it
      } catch (err) {
        this.log(`The list of papers seen in the New group could not be kept (${(err as Error)?.message ?? err}); it holds until the server stops.`);
      }
    });
  }

  written: Promise<void> = Promise.resolve();

  private read(): Set<string> | undefined {
    if (!this.file) return undefined;
    let text: string;
    try {
      if (fs.statSync(this.file).size > MAX_FILE_BYTES) {
        this.log(`The list of papers seen in the New group (${this.file}) is too large to read; every paper counts as seen.`);
        return undefined;
      }
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined; // none kept yet
    }
    const opened = openSealed(text, HEADER);
    let keys: unknown;
    if ('hit' in opened) {
      try { keys = JSON.parse(opened.hit.body); } catch { keys = undefined; }
    }
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return new Set(keys as string[]);
    if (!('miss' in opened)) this.log(`The list of papers seen in the New group (${this.file}) could not be read; every paper counts as seen.`);
    return undefined;
  }
}
