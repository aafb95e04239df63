import { parentPort } from 'worker_threads';
import * as os from 'os';
import { FileToLoad, LoadedFile, loadFileSync } from './loadFile';

/**
 * The scan's reading and parsing, off the server thread, which only receives parsed entries.
 * Results go back a message per ~64 KB of source text, and at most WINDOW messages ahead of what
 * the server thread has taken: a port hands over everything queued at once, and a backlog of
 * large messages was one long pause for the thread that must answer keystrokes. A window of 2
 * kept the workers waiting whenever that thread was busy (the bench's scan took 7.0 s at M
 * instead of 5.3 s with 8).
 */
export type ParseWorkerRequest = { type: 'load'; files: FileToLoad[]; maxMB: number } | { type: 'taken' };
export type ParseWorkerReply = { results: LoadedFile[] };

const REPLY_TEXT_BYTES = 64 * 1024;
const WINDOW = 8;

// Below the server thread, so a keystroke's request wins the core when both want it (at the same
// priority, two parse workers doubled the longest stall a probe saw), above the full-text workers (15),
// whose builds need the parsed files first.
try { os.setPriority(10); } catch { /* not permitted: the window still bounds each pause */ }

let files: FileToLoad[] = [];
let maxMB = 0;
let next = 0;
let inFlight = 0;

parentPort!.on('message', (m: ParseWorkerRequest) => {
  if (m.type === 'load') ({ files, maxMB } = m);
  else inFlight--;
  work();
});

function work(): void {
  let results: LoadedFile[] = [];
  let text = 0;
  while (next < files.length && inFlight < WINDOW) {
    const loaded = loadFileSync(files[next++], maxMB);
    results.push(loaded);
    text += loaded.textLength;
    if (text >= REPLY_TEXT_BYTES || next === files.length) {
      parentPort!.postMessage({ results } satisfies ParseWorkerReply);
      inFlight++;
      results = [];
      text = 0;
    }
  }
}
