import { parentPort } from 'worker_threads';
import * as os from 'os';
import { computeTopicTree, PhraseCache, TopicNode, TopicOptions } from './topics';
import { decodeTopicPapers, TopicBatch } from './topicBatch';

/**
 * Topic derivation off the main thread, at low priority (on Linux this lowers only this thread),
 * so phrase counting never delays completion or hover. Nice 10, above the full-text workers (15):
 * someone is waiting for the tree, while the index workers' idle work (merging, cache files) is not
 * urgent. The token cache lives here.
 */
try { os.setPriority(10); } catch { /* not permitted: still off the main thread */ }

export type TopicsWorkerRequest = { id: number; batch: TopicBatch; options: TopicOptions };
export type TopicsWorkerReply = { id: number; tree?: TopicNode[]; ms: number; error?: string };

const cache = new PhraseCache();
parentPort!.on('message', (req: TopicsWorkerRequest) => {
  const started = Date.now();
  try {
    const tree = computeTopicTree(decodeTopicPapers(req.batch), req.options, cache);
    parentPort!.postMessage({ id: req.id, tree, ms: Date.now() - started } satisfies TopicsWorkerReply);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ms: Date.now() - started, error: String((err as Error)?.stack ?? err) } satisfies TopicsWorkerReply);
  }
});
