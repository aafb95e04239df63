/**
 * Custom messages shared by client and server (one definition, imported by both).
 * Plain method names and types; no dependency on either side's LSP library.
 */
import type { PaperMetadata } from './sources/types';

/** Server -> client: indexing state, sent when a scan starts and ends and after changes. */
export const StatusNotification = 'litnotes/status';
export interface StatusParams {
  state: 'indexing' | 'ready';
  papers: number;
  notes: number;
  digests: number;
  digestEntries: number;
  /** Bibliography files (BibTeX, CSL) and their entries. */
  bibliographies?: number;
  bibliographyEntries?: number;
  /** Milliseconds the last full scan took (ready after a scan). */
  scanMs?: number;
  /** Problems worth the user's attention (files skipped, unreadable front matter). */
  problems: number;
  /** Full-text index: shards known and built. */
  fullText?: { shards: number; ready: number; building: number };
}

/** Client -> server: scan everything again. */
export const ReindexRequest = 'litnotes/reindex';

/** Server -> client: lines for the output channel (files skipped, recovered, errors). */
export const LogNotification = 'litnotes/log';

/** Client -> server: full-text search. */
export const SearchRequest = 'litnotes/search';
export interface SearchParams { query: string; limit?: number }
export interface SearchResultItem { key: string; title: string; score: number; snippet: string; year?: number; authors: string[] }
export interface SearchResponse { results: SearchResultItem[]; error?: string; partial: boolean }

/** Client -> server: one paper's details and its most related papers. */
export const PaperRequest = 'litnotes/paper';
export interface PaperParams { key: string }
export interface PaperLocation { uri: string; line: number }
export interface PaperDetails extends PaperMetadata {
  key: string;
  aliases: string[];
  note?: PaperLocation & { body?: string };
  /** Its entries in bibliography files (BibTeX, CSL). */
  entries: PaperLocation[];
  digests: PaperLocation[];
  citedIn: string[];
  related: { key: string; title: string; score: number }[];
}

/** Client -> server: the topic tree. */
export const TopicsRequest = 'litnotes/topics';
export interface TopicNodeDto { id: string; name: string; kind: 'tag' | 'folder' | 'derived' | 'vocabulary'; count: number; papers: string[]; children: TopicNodeDto[] }
/** `computeMs`: deriving the tree, or reading it back when `fromCache` (an unchanged library and settings since a previous start). */
export interface TopicsResponse { topics: TopicNodeDto[]; computeMs: number; fromCache: boolean; papers: number; uncategorized: string[] }

/** Client -> server: every paper (key order), for pickers and the topic tree's labels. */
export const ListRequest = 'litnotes/list';
export interface PaperSummary { key: string; title: string; year?: number; authors: string[]; hasNote: boolean; digestDate?: string }
export interface ListResponse { papers: PaperSummary[]; total: number }

/** Client -> server: primary keys of the papers a document cites. */
export const CitedKeysRequest = 'litnotes/citedKeys';
export interface CitedKeysParams { uri: string }

/** Client -> server: a workspace edit creating a literature note for a paper (never overwriting). */
export const CreateNoteRequest = 'litnotes/createNote';
export interface CreateNoteParams { key: string; folderUri?: string }
export interface CreateNoteResponse { uri?: string; edit?: unknown; message?: string }

/** Client -> server: a bibliography of what a draft cites (or of the whole library) in a format pandoc or LaTeX reads. */
export const ExportBibliographyRequest = 'litnotes/exportBibliography';
export interface ExportBibliographyParams {
  /** The draft whose citations to export; omitted: the whole library. */
  uri?: string;
  format: 'csl-json' | 'csl-yaml' | 'bibtex' | 'biblatex';
}
/** `unresolved`: keys the draft cites that no paper has (left out of the text). */
export interface ExportBibliographyResponse { text: string; count: number; unresolved: string[]; error?: string }
