import { parentPort, workerData } from 'worker_threads';
import { codeIdOf } from '../runtime/cacheStore';
import { collectGarbage, lowerOwnPriority, WORKER_NICE } from '../runtime/workerThreads';
import { logMemory } from '../runtime/memoryLog';
import { returnFreedNativeMemoryNow } from '../runtime/nativeMemory';
import { PhraseCache } from './topics';
import { readStored, releaseReadBuffer, StoredRead } from '../runtime/textStore';
import { answerTopics, replyOf, TopicsWorkerReply, TopicsWorkerRequest } from './topicsRequest';
import { PlaceJob, runPlaceJob } from './placeHelper';

/** Fewer papers to place than this are placed by the topics worker alone (see HelperOptions). */
const PLACE_HELPER_MIN_PAPERS = 8000;

export type { TopicsWorkerReply, TopicsWorkerRequest } from './topicsRequest';

/**
 * Topic derivation off the main thread, at low priority (WORKER_NICE.topics), so phrase counting
 * never delays completion or hover. The token cache lives here. With `cacheDir`, a tree derived
 * before from the same papers and settings is read back instead (see topicsCache.ts). Started with
 * a PlaceJob, this bundle is a helper that places part of a large library's papers (placeHelper.ts).
 */
lowerOwnPriority(WORKER_NICE.topics);
const job = (workerData as { placeJob?: PlaceJob } | null)?.placeJob;
if (job) runPlaceJob(job);
else serveTopics();

function serveTopics(): void {
  logMemory('topics');
  const cache = new PhraseCache();
  let codeId: string | undefined;
  /** This bundle's hash: a kept tree is used only by the code that derived it. */
  const topicsCodeId = () => (codeId ??= codeIdOf(__filename));
  /** A large library's papers are placed by this thread and a helper started from this same bundle. */
  const helper = { file: __filename, minPapers: PLACE_HELPER_MIN_PAPERS };

  parentPort!.on('message', (req: TopicsWorkerRequest) => {
    const started = Date.now();
    try {
      const readInto = (wanted: StoredRead[]) => readStored(req.texts, wanted);
      // Between choosing a large library's topics and placing its other papers, the memory the
      // choosing freed goes back to the system: placing would otherwise add to it (the process's peak).
      const answer = answerTopics(req, cache, topicsCodeId(), readInto, started, helper, returnFreedNativeMemoryNow);
      parentPort!.postMessage(replyOf(req.id, answer) satisfies TopicsWorkerReply);
      // What the computation left (the batch, the phrase lists) is garbage now; an idle worker would
      // hold it for seconds, at the time the process's memory peaks (see collectGarbage).
      releaseReadBuffer();
      if (!answer.cached) collectGarbage();
    } catch (err) {
      parentPort!.postMessage({ id: req.id, ms: Date.now() - started, error: String((err as Error)?.stack ?? err) } satisfies TopicsWorkerReply);
    }
  });
}
