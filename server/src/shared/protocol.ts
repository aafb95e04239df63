/**
 * litnotes' own messages, one definition for the client, the server and other editors: a typed
 * token per request and notification (the method name with its parameter and result types), and
 * the types they carry. It imports nothing from the server's internals.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** Server -> client: indexing state, sent when a scan starts and ends and after changes. */
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
  /** The library's version: it changes whenever a paper may have (a key, a title, a citation). */
  version?: number;
}
export const StatusNotification = new NotificationType<StatusParams>('litnotes/status');

/** Server -> client: lines for the output channel (files skipped, recovered, errors). */
export const LogNotification = new NotificationType<{ line: string }>('litnotes/log');

/** Client -> server: scan everything again; the counts after it. */
export const ReindexRequest = new RequestType0<{ papers: number; notes: number; digests: number }, void>('litnotes/reindex');

/** Client -> server: full-text search. */
export interface SearchParams { query: string; limit?: number }
export interface SearchResultItem { key: string; title: string; score: number; snippet: string; year?: number; authors: string[] }
export interface SearchResponse { results: SearchResultItem[]; error?: string; partial: boolean }
export const SearchRequest = new RequestType<SearchParams, SearchResponse, void>('litnotes/search');

/** Client -> server: one paper's details and its most related papers. */
export interface PaperParams { key: string }
export interface PaperLocation { uri: string; line: number }
export interface PaperDetails {
  key: string;
  aliases: string[];
  title: string;
  authors: string[];
  year?: number;
  /** The digest's date as written ("Sep 8"). */
  digestDate?: string;
  arxiv?: string;
  doi?: string;
  url?: string;
  codeUrls: string[];
  /** Local documents (the paper's PDF) as `file:` URIs, as notes and bibliography entries name them; the editor checks each exists. */
  files: string[];
  abstract?: string;
  /** The note's own summary, when it differs from the abstract. */
  summary?: string;
  topics: string[];
  note?: PaperLocation & { body?: string };
  /** Its entries in bibliography files (BibTeX, CSL), with the key each has there (the reference manager's). */
  entries: (PaperLocation & { key?: string })[];
  digests: PaperLocation[];
  citedIn: string[];
  related: { key: string; title: string; score: number }[];
}
export const PaperRequest = new RequestType<PaperParams, PaperDetails | null, void>('litnotes/paper');

/** Client -> server: the topic tree. A node: topic -> subtopics -> paper keys (`count` includes the subtopics'). */
/**
 * `phrases`: for a derived topic, the phrases that define it (its own, or its subtopics' for a field).
 * `P`: how a node names its papers; keys on the wire (the server holds its tree with numbers, see session.ts).
 */
export interface TopicNode<P = string> { id: string; name: string; kind: 'tag' | 'folder' | 'derived' | 'vocabulary'; count: number; papers: P[]; children: TopicNode<P>[]; phrases?: string[] }
/** `computeMs`: deriving the tree, or reading it back when `fromCache` (what topics read and the settings unchanged since a previous start or the last tree: then 0). */
export interface TopicsResponse { topics: TopicNode[]; computeMs: number; fromCache: boolean; papers: number; uncategorized: string[] }
export const TopicsRequest = new RequestType0<TopicsResponse, void>('litnotes/topics');

/**
 * Client -> server: the topic tree without its papers, for a view that lists a topic's papers when
 * it is opened (litnotes/topicPapers). A large library's whole tree is megabytes of keys; this is
 * its topics alone. `own`: the topic's papers, not counting its subtopics'. With `keys` (a search
 * filter), only the topics holding one of those papers, counted over them.
 */
export interface TopicOutline { id: string; name: string; kind: TopicNode['kind']; count: number; own: number; children: TopicOutline[]; phrases?: string[] }
export interface TopicOutlineParams { keys?: string[] }
/**
 * `uncategorized`: how many papers are in no topic; `fresh`: how many are new since the user last
 * opened the New group (MarkPapersSeenRequest). `revision` changes when the tree does.
 */
export interface TopicOutlineResponse { topics: TopicOutline[]; uncategorized: number; fresh: number; computeMs: number; fromCache: boolean; papers: number; revision: number }
export const TopicOutlineRequest = new RequestType<TopicOutlineParams | undefined, TopicOutlineResponse, void>('litnotes/topicOutline');

/** The ids the papers in no topic and the new papers are asked for by (the view's "Other papers" and "New"). */
export const UNCATEGORIZED_TOPIC = 'uncategorized';
export const NEW_PAPERS_TOPIC = 'new';
/** Client -> server: a topic's own papers (or those in no topic, or the new ones), by title, at most `limit`; `total` counts them all. */
export interface TopicPapersParams { id: string; keys?: string[]; limit?: number }
export interface TopicPapersResponse { papers: PaperSummary[]; total: number; revision: number }
export const TopicPapersRequest = new RequestType<TopicPapersParams, TopicPapersResponse, void>('litnotes/topicPapers');

/**
 * Client -> server: the user opened the New group, so every paper there is now counts as seen
 * (kept in the storage folder across restarts). The first time a library is met, all its papers
 * count as seen: a library is not "new" on the day litnotes meets it.
 */
export const MarkPapersSeenRequest = new RequestType0<void, void>('litnotes/markPapersSeen');

/**
 * Client -> server: the papers (key order), for pickers; with `query`, the papers matching it as
 * `[@` completion matches what is typed (key, aliases, title words, authors), best first. `total`
 * counts the library's papers.
 */
export interface PaperSummary { key: string; title: string; year?: number; authors: string[]; hasNote: boolean; digestDate?: string }
export interface ListResponse { papers: PaperSummary[]; total: number }
export interface ListParams { limit?: number; query?: string }
export const ListRequest = new RequestType<ListParams | undefined, ListResponse, void>('litnotes/list');

/**
 * Client -> server: what a draft cites, each paper once in the order the draft first cites it (the
 * "Cited in Draft" view). `paper`: absent for a key no paper has. `places`: where it is cited (the
 * first 100; `count` counts them all). `citations`: every citation counted.
 */
export interface DraftCitationsParams { uri: string }
export interface CitedPaper {
  key: string; paper?: PaperSummary; written: string[]; places: { line: number; character: number }[]; count: number;
  /** The draft's own bibliography files when they lack the paper (as written there), so pandoc and LaTeX would not find it. */
  notIn?: string;
}
export interface DraftCitationsResponse { papers: CitedPaper[]; citations: number }
export const DraftCitationsRequest = new RequestType<DraftCitationsParams, DraftCitationsResponse, void>('litnotes/draftCitations');

/** Client -> server: primary keys of the papers a document cites. */
export interface CitedKeysParams { uri: string }
export const CitedKeysRequest = new RequestType<CitedKeysParams, string[], void>('litnotes/citedKeys');

/** Client -> server: a workspace edit creating a literature note for a paper (never overwriting). */
/** A paper looked up on the web (Add Paper…): what a new note is made from. Untrusted, checked by the server. */
export interface NewPaper {
  title: string;
  authors: string[];
  year?: number;
  /** ISO date (yyyy-mm-dd) of publication. */
  published?: string;
  abstract?: string;
  arxiv?: string;
  doi?: string;
  url?: string;
  codeUrls?: string[];
  /** arXiv categories or keywords: the note's tags. */
  categories?: string[];
  container?: string;
}
/** `key`: a paper of the library; or `paper`: a paper from the web, which gets a key of its own. */
export interface CreateNoteParams { key?: string; paper?: NewPaper; folderUri?: string }
/** `existing`: the library already has this paper, under this key (no note is made). */
export interface CreateNoteResponse { uri?: string; edit?: unknown; message?: string; existing?: string }
export const CreateNoteRequest = new RequestType<CreateNoteParams, CreateNoteResponse, void>('litnotes/createNote');

/** Client -> server: a bibliography of what a draft cites (or of the whole library) in a format pandoc or LaTeX reads. */
export interface ExportBibliographyParams {
  /** The draft whose citations to export; omitted: the whole library. */
  uri?: string;
  format: 'csl-json' | 'csl-yaml' | 'bibtex' | 'biblatex';
  /**
   * A file (a `file:` URI) for the server to write the bibliography to, a slice at a time, instead
   * of answering with its text: a whole large library's is hundreds of MB. It replaces the file.
   */
  target?: string;
}
/** `unresolved`: keys the draft cites that no paper has (left out of the text). `written`: the text went to `target` (and `text` is empty). */
export interface ExportBibliographyResponse { text: string; count: number; unresolved: string[]; error?: string; written?: boolean }
export const ExportBibliographyRequest = new RequestType<ExportBibliographyParams, ExportBibliographyResponse, void>('litnotes/exportBibliography');

/**
 * Client -> server: what a markdown preview prints for each key (features/citationPreview.ts), in the
 * order asked, null for a key no paper has. At most 2,000 keys a request.
 */
export interface PreviewCitationsParams { keys: string[] }
export interface PreviewCitation {
  /** The key as asked, and the paper's own key (an alias resolves to it). */
  key: string; paperKey: string;
  /** An author-date citation's names ("Wang et al.") and year ("2024", "n.d."). */
  names: string; year: string;
  title: string;
  /** The paper's line in the reference list, plain text. */
  reference: string;
  /** Its DOI, URL or arXiv page (http or https only). */
  url?: string;
  /**
   * The same in APA's shapes, for a draft whose `csl:` is an APA style: the names in parentheses
   * ("Wang & Li"; in the text they read as `names`, "Wang and Li") and the reference line.
   */
  apa: { names: string; reference: string };
}
export const PreviewCitationsRequest = new RequestType<PreviewCitationsParams, (PreviewCitation | null)[], void>('litnotes/previewCitations');

/** Client -> server: one paper's entry as an export writes it, without the export's mark (Copy Reference); null for an unknown key or format. */
export interface ReferenceParams { key: string; format: ExportBibliographyParams['format'] }
export const ReferenceRequest = new RequestType<ReferenceParams, { key: string; text: string } | null, void>('litnotes/reference');
