import { parentPort } from 'worker_threads';
import { lowerOwnPriority, WORKER_NICE } from '../util/workerThreads';
import { computeTopicTree, PhraseCache, TopicNode, TopicOptions } from './topics';
import { decodeTopicPapers, TopicBatch } from './topicBatch';

/**
 * Topic derivation off the main thread, at low priority (WORKER_NICE.topics), so phrase counting
 * never delays completion or hover. The token cache lives here.
 */
lowerOwnPriority(WORKER_NICE.topics);

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
