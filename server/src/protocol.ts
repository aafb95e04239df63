/**
 * Custom messages shared by client and server (one definition, imported by both).
 * Plain method names and types; no dependency on either side's LSP library.
 */

/** Server -> client: indexing state, sent when a scan starts and ends and after changes. */
export const StatusNotification = 'litnotes/status';
export interface StatusParams {
  state: 'indexing' | 'ready';
  papers: number;
  notes: number;
  digests: number;
  digestEntries: number;
  /** Milliseconds the last full scan took (ready after a scan). */
  scanMs?: number;
  /** Problems worth the user's attention (files skipped, unreadable front matter). */
  problems: number;
}

/** Client -> server: scan everything again. */
export const ReindexRequest = 'litnotes/reindex';

/** Server -> client: lines for the output channel (files skipped, recovered, errors). */
export const LogNotification = 'litnotes/log';
