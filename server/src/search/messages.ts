import type { SearchDoc } from './documents';
import type { TextStoreLocation } from '../runtime/textStore';

/** Messages between the server and its full-text workers. */
export type WorkerRequest =
  /** `texts`: where the documents' stored texts are read from. */
  /** `slot` of `workers`: which of the server's full-text workers this is (it keeps a file of its shard set under that name). */
  | { type: 'configure'; cacheDir?: string; texts?: TextStoreLocation; slot?: number; workers?: number }
  /** Without docs: load it from memory or the cache, else ask for them (a warm start sends no documents). */
  | { type: 'build'; shard: string; hash: string; docs?: SearchDoc[] }
  /** The first documents of a large shard, ahead of its 'build' (which carries the rest). */
  | { type: 'docs'; shard: string; hash: string; docs: SearchDoc[] }
  | { type: 'drop'; shard: string }
  | { type: 'search'; id: number; query: string; limit: number }
  | { type: 'persist'; id: number }
  /** Every shard is built: prepare the merged index and the term dictionary now, then reply. */
  | { type: 'settle'; id: number };

export interface WorkerHit { ref: string; score: number; terms: string[] }

export type WorkerReply =
  | { type: 'built'; shard: string; hash: string; source: 'memory' | 'cache' | 'built' | 'failed'; ms: number; docs: number; error?: string }
  /** `onePass`: answered from one index (the merged one, or the only shard) rather than shard by shard. */
  | { type: 'results'; id: number; hits: WorkerHit[]; error?: string; shards?: number; onePass?: boolean }
  | { type: 'persisted'; id: number }
  | { type: 'settled'; id: number }
  /** No index for this hash in memory or in the cache (`cacheProblem`: a cache file was there but not usable). */
  | { type: 'needDocs'; shard: string; hash: string; cacheProblem?: string }
  /** Something the worker could not do and carried on without (for the output channel). */
  | { type: 'log'; line: string };
