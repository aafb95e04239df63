import type { SearchDoc } from './documents';

/** Messages between the server and its full-text workers. */
export type WorkerRequest =
  | { type: 'configure'; cacheDir?: string }
  /** Without docs: load it from memory or the cache, else ask for them (a warm start sends no documents). */
  | { type: 'build'; shard: string; hash: string; docs?: SearchDoc[] }
  | { type: 'drop'; shard: string }
  | { type: 'search'; id: number; query: string; limit: number; shards?: string[] }
  | { type: 'persist'; id: number };

export interface WorkerHit { ref: string; score: number; terms: string[] }

export type WorkerReply =
  | { type: 'built'; shard: string; hash: string; source: 'memory' | 'cache' | 'built' | 'failed'; ms: number; docs: number; error?: string }
  | { type: 'results'; id: number; hits: WorkerHit[]; error?: string; errorAt?: [number, number]; shards?: number }
  | { type: 'persisted'; id: number }
  /** No index for this hash in memory or in the cache (`cacheProblem`: a cache file was there but not usable). */
  | { type: 'needDocs'; shard: string; hash: string; cacheProblem?: string };
