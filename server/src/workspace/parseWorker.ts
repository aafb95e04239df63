import { parentPort } from 'worker_threads';
import { FileToLoad, LoadedFile, loadFileSync } from './loadFile';

/**
 * The scan's reading and parsing, on a second core: the server thread only receives parsed
 * entries. Results go back in order, a message per ~64 KB of source text, so taking one message
 * off the queue never holds the server thread for more than a millisecond or two.
 */
export type ParseWorkerRequest = { files: FileToLoad[]; maxMB: number };
export type ParseWorkerReply = { results: LoadedFile[] };

const REPLY_TEXT_BYTES = 64 * 1024;

parentPort!.on('message', ({ files, maxMB }: ParseWorkerRequest) => {
  let results: LoadedFile[] = [];
  let text = 0;
  for (const f of files) {
    const loaded = loadFileSync(f, maxMB);
    results.push(loaded);
    text += loaded.textLength;
    if (text >= REPLY_TEXT_BYTES) {
      parentPort!.postMessage({ results } satisfies ParseWorkerReply);
      results = [];
      text = 0;
    }
  }
  if (results.length) parentPort!.postMessage({ results } satisfies ParseWorkerReply);
});
